package resourcebase

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// GroupMembers describes a cloud's security_group_members data source: every
// cloud's has the same id, security_group_id and region attributes, and one
// sorted ID list per kind of member.
type GroupMembers struct {
	Description string
	// GroupID describes security_group_id; GroupIDValidator checks its form.
	GroupID          string
	GroupIDValidator validator.String
	// ProviderRegion names the provider's region attribute, the default of region.
	ProviderRegion string
	// Lists are the member lists: attribute name to description.
	Lists map[string]string
}

// Schema is the data source's schema.
func (g GroupMembers) Schema() schema.Schema {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The security group's ID.",
			Computed:            true,
		},
		"security_group_id": schema.StringAttribute{
			MarkdownDescription: g.GroupID,
			Required:            true,
			Validators:          []validator.String{g.GroupIDValidator},
		},
		"region": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("Region of the group. Defaults to the provider's `%s`.", g.ProviderRegion),
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
	}
	for name, description := range g.Lists {
		attrs[name] = schema.ListAttribute{
			MarkdownDescription: description,
			ElementType:         types.StringType,
			Computed:            true,
		}
	}
	return schema.Schema{MarkdownDescription: g.Description, Attributes: attrs}
}

// GroupNotFound is the attribute error for a group the cloud does not know:
// a mistyped ID or the wrong region, as opposed to a group without members.
func GroupNotFound(diags *diag.Diagnostics, summary, groupID, region, how string) {
	diags.AddAttributeError(path.Root("security_group_id"), summary, fmt.Sprintf(
		"Security group %q does not exist in %s (%s). Check the ID and the region.", groupID, region, how))
}

// SortedIDs is the IDs, sorted and without repeats, as a list value: an
// empty list, not null, when there are none.
func SortedIDs(ctx context.Context, ids []string, diags *diag.Diagnostics) types.List {
	ids = append([]string{}, slices.Compact(slices.Sorted(slices.Values(ids)))...)
	list, d := types.ListValueFrom(ctx, types.StringType, ids)
	diags.Append(d...)
	return list
}

// SortedKeys is the keys of a set of IDs, sorted, as a list value.
func SortedKeys[V any](ctx context.Context, set map[string]V, diags *diag.Diagnostics) types.List {
	return SortedIDs(ctx, slices.Collect(maps.Keys(set)), diags)
}
