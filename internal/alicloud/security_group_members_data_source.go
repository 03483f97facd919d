package alicloud

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
	resp.Schema = schema.Schema{
		MarkdownDescription: "The members of an Alibaba Cloud ECS security group: the instances (`DescribeInstances`) and the " +
			"ENIs (`DescribeNetworkInterfaces`) filtered by `SecurityGroupId`, paged to the end. A group that does not exist " +
			"in the region is an error; an empty group is not.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The security group's ID.",
				Computed:            true,
			},
			"security_group_id": schema.StringAttribute{
				MarkdownDescription: "ID of the security group (`sg-...`).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(idPattern("sg"), "must be a security group ID such as sg-bp67acfmxazb4p0000")},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the group. Defaults to the provider's `alicloud.region`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"instance_ids": schema.ListAttribute{
				MarkdownDescription: "IDs of the ECS instances in the group, sorted.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"network_interface_ids": schema.ListAttribute{
				MarkdownDescription: "IDs of the ENIs in the group (primary ENIs of its instances included), sorted.",
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
		resp.Diagnostics.AddAttributeError(path.Root("security_group_id"), "Alibaba Cloud Security Group Not Found",
			fmt.Sprintf("DescribeSecurityGroups does not list security group %s in region %s: check the ID and the region.", group, region))
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
		slices.Sort(ids)
		list, diags := types.ListValueFrom(ctx, types.StringType, slices.Compact(ids))
		resp.Diagnostics.Append(diags...)
		*out.to = list
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
