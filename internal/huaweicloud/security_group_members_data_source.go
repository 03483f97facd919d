package huaweicloud

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
)

// Lists a security group's members: VPC v3 ShowSecurityGroup (the group must
// exist) and ListPorts filtered by security_groups, paged to the end; the
// servers are the devices of the compute NICs among the ports.
var (
	_ datasource.DataSource              = &securityGroupMembersDataSource{}
	_ datasource.DataSourceWithConfigure = &securityGroupMembersDataSource{}
)

// NewSecurityGroupMembersDataSource is the constructor the provider registers.
func NewSecurityGroupMembersDataSource() datasource.DataSource {
	return &securityGroupMembersDataSource{}
}

type securityGroupMembersDataSource struct {
	resourcebase.DataSourceBase[*Client, cloud]
}

type securityGroupMembersModel struct {
	ID              types.String `tfsdk:"id"`
	SecurityGroupID types.String `tfsdk:"security_group_id"`
	Region          types.String `tfsdk:"region"`
	ServerIDs       types.List   `tfsdk:"server_ids"`
	PortIDs         types.List   `tfsdk:"port_ids"`
}

func (d *securityGroupMembersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_huaweicloud_security_group_members"
}

func (d *securityGroupMembersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The members of a Huawei Cloud security group: the ports that hold it (VPC v3 `ListPorts` " +
			"filtered by `security_groups`, paged to the end) and the ECS servers one of whose NICs holds it (ECS " +
			"lists a server's groups as the union of its NICs'). An unknown group is an error; a group without " +
			"members is not.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The security group's ID.",
				Computed:            true,
			},
			"security_group_id": schema.StringAttribute{
				MarkdownDescription: "ID (UUID) of the security group.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(uuidPattern, "must be the security group's ID, a UUID in lower case such as 8edd3747-ccd4-49a1-82b9-a165eec314b4"),
				},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the group. Defaults to the provider's `huaweicloud.region`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"server_ids": schema.ListAttribute{
				MarkdownDescription: "IDs of the servers in the group (a NIC of theirs holds it), sorted.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"port_ids": schema.ListAttribute{
				MarkdownDescription: "IDs of the ports that hold the group (servers' NICs and other ports alike), sorted.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

func (d *securityGroupMembersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m securityGroupMembersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := d.Client(&resp.Diagnostics)
	if c == nil {
		return
	}
	const summary = "Error Listing Huawei Cloud Security Group Members"
	groupID, region := m.SecurityGroupID.ValueString(), c.Region(m.Region.ValueString())
	members, err := FindSecurityGroupMembers(ctx, c, region, groupID)
	if apierr.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("security_group_id"), summary,
			fmt.Sprintf("Security group %q was not found in %s: check its ID and region.\n\n%s", groupID, region, err))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(summary, apierr.Detail(fmt.Sprintf("Listing the members of security group %q in %s", groupID, region), err, credentialHint))
		return
	}
	m.ID = types.StringValue(groupID)
	m.Region = types.StringValue(region)
	var diags diag.Diagnostics
	m.ServerIDs, diags = types.ListValueFrom(ctx, types.StringType, members.Servers)
	resp.Diagnostics.Append(diags...)
	m.PortIDs, diags = types.ListValueFrom(ctx, types.StringType, members.PortIDs())
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
