package huaweicloud

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
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
	resp.Schema = resourcebase.GroupMembers{
		Description: "The members of a Huawei Cloud security group: the ports that hold it (VPC v3 `ListPorts` " +
			"filtered by `security_groups`, paged to the end) and the ECS servers one of whose NICs holds it (ECS " +
			"lists a server's groups as the union of its NICs'). An unknown group is an error; a group without " +
			"members is not.",
		GroupID:          "ID (UUID) of the security group.",
		GroupIDValidator: stringvalidator.RegexMatches(uuidPattern, "must be the security group's ID, a UUID in lower case such as 8edd3747-ccd4-49a1-82b9-a165eec314b4"),
		ProviderRegion:   "huaweicloud.region",
		Lists: map[string]string{
			"server_ids": "IDs of the servers in the group (a NIC of theirs holds it), sorted.",
			"port_ids":   "IDs of the ports that hold the group (servers' NICs and other ports alike), sorted.",
		},
	}.Schema()
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
		resourcebase.GroupNotFound(&resp.Diagnostics, summary, groupID, region, "VPC ShowSecurityGroup does not find it")
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(summary, apierr.Detail(fmt.Sprintf("Listing the members of security group %q in %s", groupID, region), err, credentialHint))
		return
	}
	m.ID = types.StringValue(groupID)
	m.Region = types.StringValue(region)
	m.ServerIDs = resourcebase.SortedIDs(ctx, members.Servers, &resp.Diagnostics)
	m.PortIDs = resourcebase.SortedIDs(ctx, members.PortIDs(), &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
