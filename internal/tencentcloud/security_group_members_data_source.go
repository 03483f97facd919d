package tencentcloud

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
)

// Lists the CVM instances of one security group: VPC DescribeSecurityGroups
// says the group exists, CVM DescribeInstances with the security-group-id
// filter lists its instances.
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
	InstanceIDs     types.List   `tfsdk:"instance_ids"`
}

func (d *securityGroupMembersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tencentcloud_security_group_members"
}

func (d *securityGroupMembersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = resourcebase.GroupMembers{
		Description: "The CVM instances bound to one Tencent Cloud security group, listed with CVM `DescribeInstances` " +
			"filtered by `security-group-id` (paged to the end). An unknown group is an error; a group with no instances " +
			"gives an empty list.",
		GroupID:          "ID of the security group, `sg-xxxxxxxx`.",
		GroupIDValidator: stringvalidator.RegexMatches(securityGroupIDPattern, "must be a security group ID such as sg-1a2b3c4d"),
		ProviderRegion:   "tencentcloud.region",
		Lists:            map[string]string{"instance_ids": "IDs of the CVM instances bound to the group, sorted."},
	}.Schema()
}

func (d *securityGroupMembersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m securityGroupMembersModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	c := d.Client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	id, region := m.SecurityGroupID.ValueString(), c.Region(m.Region.ValueString())
	const summary = "Error Listing Tencent Cloud Security Group Members"
	// DescribeInstances lists nothing for a group that does not exist: ask
	// VPC, so that a mistyped ID is an error rather than an empty group.
	if _, err := findSecurityGroupIn(ctx, c, region, id); err != nil {
		if apierr.IsNotFound(err) {
			resourcebase.GroupNotFound(&resp.Diagnostics, summary, id, region, "VPC DescribeSecurityGroups does not list it")
			return
		}
		resp.Diagnostics.AddError(summary, apierr.Detail(fmt.Sprintf("Looking up security group %q in %s", id, region), err, credentialHint))
		return
	}
	members, err := c.groupMembers(ctx, region, id)
	if err != nil {
		resp.Diagnostics.AddError(summary, apierr.Detail(fmt.Sprintf("Listing the CVM instances of security group %q in %s", id, region), err, credentialHint))
		return
	}
	m.ID, m.Region = types.StringValue(id), types.StringValue(region)
	m.InstanceIDs = resourcebase.SortedKeys(ctx, members, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
