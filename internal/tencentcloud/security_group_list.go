package tencentcloud

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
)

// Lists security groups for `terraform query` with VPC DescribeSecurityGroups
// and its Filters (security-group-id, tag:<key>), paged to the end.
var _ list.ListResourceWithConfigure = &securityGroupListResource{}

// NewSecurityGroupListResource is the constructor the provider registers.
func NewSecurityGroupListResource() list.ListResource {
	return &securityGroupListResource{}
}

type securityGroupListResource struct {
	resourceBase
}

type securityGroupListModel struct {
	SecurityGroupIDs types.List   `tfsdk:"security_group_ids"`
	Name             types.String `tfsdk:"name"`
	Tags             types.Map    `tfsdk:"tags"`
	Region           types.String `tfsdk:"region"`
}

// filterValuesMax is the most values one filter takes (VPC's Filter
// structure: at most 5 values, 10 filters per request).
const filterValuesMax = 5

func (r *securityGroupListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tencentcloud_security_group"
}

func (r *securityGroupListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists Tencent Cloud security groups of the provider's region with VPC `DescribeSecurityGroups`, " +
			"for `terraform query`. Every argument is optional and they all must match; with none, every group of the region is listed.",
		Attributes: map[string]schema.Attribute{
			"security_group_ids": schema.ListAttribute{
				MarkdownDescription: "Only these groups, `sg-xxxxxxxx` (a group that does not exist is not listed).",
				ElementType:         types.StringType,
				Optional:            true,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(stringvalidator.RegexMatches(securityGroupIDPattern, "must be a security group ID such as sg-1a2b3c4d")),
				},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Only the groups whose name contains this text (case-sensitive). DescribeSecurityGroups' " +
					"`security-group-name` filter matches whole names only, so this one is applied to what it lists.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"tags": schema.MapAttribute{
				MarkdownDescription: "Only the groups that carry every one of these tags with exactly these values (the `tag:<key>` filters).",
				ElementType:         types.StringType,
				Optional:            true,
			},
			"region": listRegionAttribute("security group resource manages groups"),
		},
	}
}

// listRegionAttribute is a list resource's region argument: the resources
// it lists (managing what) have no region of their own, so only the
// provider's may be set.
func listRegionAttribute(manages string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Must be the provider's `tencentcloud.region` when set: the " + manages +
			" in the provider's region (use a provider alias for another region).",
		Optional: true,
	}
}

// listClient decodes a list resource's configuration into config and
// returns the client, refusing a region (config's) other than the
// provider's: the resources it lists have none of their own, so their
// import would look elsewhere.
func (b *resourceBase) listClient(ctx context.Context, req list.ListRequest, config any, region *types.String, diags *diag.Diagnostics) *Client {
	diags.Append(req.Config.Get(ctx, config)...)
	c := b.Client(diags)
	if diags.HasError() {
		return nil
	}
	if region.IsNull() || region.ValueString() == c.Region("") {
		return c
	}
	diags.AddAttributeError(path.Root("region"), "Region Differs From the Provider's",
		fmt.Sprintf("The Tencent Cloud resources use the provider's region, %s, not %s: list with a provider configured for %s "+
			"(an alias, `provider = secgroup.<alias>`), so that the results import there.", c.Region(""), region.ValueString(), region.ValueString()))
	return nil
}

func (r *securityGroupListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	r.resourceBase.List(ctx, req, stream, securityGroupIdentity, func(ctx context.Context, emit resourcebase.Emit) diag.Diagnostics {
		var diags diag.Diagnostics
		var config securityGroupListModel
		c := r.listClient(ctx, req, &config, &config.Region, &diags)
		if c == nil {
			return diags
		}
		var ids []string
		diags.Append(config.SecurityGroupIDs.ElementsAs(ctx, &ids, false)...)
		tags, d := tagMap(ctx, config.Tags)
		if diags.Append(d...); diags.HasError() {
			return diags
		}
		ctx, cancel := context.WithTimeout(ctx, readTimeout)
		defer cancel()
		groups, err := listGroupsMatching(ctx, c, ids, tags)
		if err != nil {
			diags.AddError("Error Listing Tencent Cloud Security Groups",
				apierr.Detail(fmt.Sprintf("Listing the security groups of %s", c.Region("")), err, credentialHint))
			return diags
		}
		for _, g := range groups {
			if !strings.Contains(g.SecurityGroupName, config.Name.ValueString()) {
				continue
			}
			m, d := importedSecurityGroup(&g)
			if diags.Append(d...); diags.HasError() {
				return diags
			}
			if !emit(m, fmt.Sprintf("%s (%s)", g.SecurityGroupName, g.SecurityGroupId)) {
				return diags
			}
		}
		return diags
	})
}

// listGroupsMatching lists the groups with one of ids (all when ids is
// empty) and every tag, sorted by ID, each once: the IDs go filterValuesMax
// to a security-group-id filter.
func listGroupsMatching(ctx context.Context, c *Client, ids []string, tags map[string]string) ([]SecurityGroup, error) {
	var tagFilters []apiFilter
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range tags {
			if !yield(k) {
				return
			}
		}
	}) {
		tagFilters = append(tagFilters, apiFilter{Name: "tag:" + k, Values: []string{tags[k]}})
	}
	var all []SecurityGroup
	if len(ids) == 0 {
		groups, err := listSecurityGroups(ctx, c, tagFilters)
		if err != nil {
			return nil, err
		}
		all = groups
	}
	for chunk := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(ids))), filterValuesMax) {
		groups, err := listSecurityGroups(ctx, c, append([]apiFilter{{Name: "security-group-id", Values: chunk}}, tagFilters...))
		if err != nil {
			return nil, err
		}
		all = append(all, groups...)
	}
	slices.SortFunc(all, func(a, b SecurityGroup) int { return strings.Compare(a.SecurityGroupId, b.SecurityGroupId) })
	return slices.CompactFunc(all, func(a, b SecurityGroup) bool { return a.SecurityGroupId == b.SecurityGroupId }), nil
}

// importedSecurityGroup is the group as Read stores it after an import:
// only the ID known before Read, force_delete at its default, no timeouts.
func importedSecurityGroup(g *SecurityGroup) (securityGroupResourceModel, diag.Diagnostics) {
	m := securityGroupResourceModel{
		Tags:        types.MapNull(types.StringType),
		ForceDelete: types.BoolNull(),
		Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
			"create": types.StringType, "update": types.StringType, "delete": types.StringType,
		})},
	}
	diags := m.setFrom(g)
	return m, diags
}
