package alicloud

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
)

// secgroup_alicloud_security_group_members: the instances and ENIs in an ECS
// security group, from the group-side listings (DescribeInstances and
// DescribeNetworkInterfaces with SecurityGroupId, paged to the end), after
// DescribeSecurityGroups says the group exists.
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
	ID                  types.String `tfsdk:"id"`
	SecurityGroupID     types.String `tfsdk:"security_group_id"`
	Region              types.String `tfsdk:"region"`
	InstanceIDs         types.List   `tfsdk:"instance_ids"`
	NetworkInterfaceIDs types.List   `tfsdk:"network_interface_ids"`
}

func (d *securityGroupMembersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_alicloud_security_group_members"
}

func (d *securityGroupMembersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = resourcebase.GroupMembers{
		Description: "The members of an Alibaba Cloud ECS security group: the instances (`DescribeInstances`) and the " +
			"ENIs (`DescribeNetworkInterfaces`) filtered by `SecurityGroupId`, paged to the end. A group that does not exist " +
			"in the region is an error; an empty group is not.",
		GroupID:          "ID of the security group (`sg-...`).",
		GroupIDValidator: stringvalidator.RegexMatches(idPattern("sg"), "must be a security group ID such as sg-bp67acfmxazb4p0000"),
		ProviderRegion:   "alicloud.region",
		Lists: map[string]string{
			"instance_ids":          "IDs of the ECS instances in the group, sorted.",
			"network_interface_ids": "IDs of the ENIs in the group (primary ENIs of its instances included), sorted.",
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
	ctx, cancel := context.WithTimeout(ctx, membershipReadTimeout)
	defer cancel()
	group, region := m.SecurityGroupID.ValueString(), c.Region(m.Region.ValueString())
	if region == "" {
		resp.Diagnostics.AddAttributeError(path.Root("region"), "Missing Region for Alibaba Cloud Security Group Members",
			"Set region on this data source, or alicloud.region in the provider block, or the ALICLOUD_REGION environment variable.")
		return
	}
	summary := "Error Reading Alibaba Cloud Security Group Members"
	what := fmt.Sprintf("Listing the members of security group %s in %s", group, region)
	names, err := FindGroupNames(ctx, c, region, []string{group})
	if err != nil {
		resp.Diagnostics.AddError(summary, apierr.Detail(what, err, credentialHint))
		return
	}
	if _, ok := names[group]; !ok {
		resourcebase.GroupNotFound(&resp.Diagnostics, summary, group, region, "ECS DescribeSecurityGroups does not list it")
		return
	}
	m.ID, m.Region = types.StringValue(group), types.StringValue(region)
	for _, out := range []struct {
		kind *MemberKind
		to   *types.List
	}{{InstanceMember, &m.InstanceIDs}, {ENIMember, &m.NetworkInterfaceIDs}} {
		members, err := FindGroupMembers(ctx, c, out.kind, region, group)
		if err != nil {
			resp.Diagnostics.AddError(summary, apierr.Detail(what, err, credentialHint))
			return
		}
		ids := make([]string, 0, len(members))
		for _, mem := range members {
			ids = append(ids, mem.ID)
		}
		*out.to = resourcebase.SortedIDs(ctx, ids, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
