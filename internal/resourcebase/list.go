package resourcebase

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A list resource (terraform query, Terraform >= 1.14) of the cloud K embeds
// Base too: list.ListResourceWithConfigure's Configure is Base's.

// Emit hands one listed object to Terraform: model is the object as the
// resource's Read would store it (the resource's model type, timeouts null),
// displayName what a person reads in `terraform query`'s output. It returns
// false when the listing must stop (the query's limit is reached, or
// Terraform stopped reading): the lister returns at once.
type Emit func(model any, displayName string) bool

// List streams what each emits as list results: the identity (derived from
// the object by id, as Read derives it), the display name and, when the query
// asks for it (include_resource), the object itself, which
// `terraform query -generate-config-out` turns into configuration. The
// diagnostics each returns end the stream; each should return at once when
// Emit returns false.
func (b *Base[C, K]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, id *Identity,
	each func(ctx context.Context, emit Emit) diag.Diagnostics) {
	region := b.defaultRegion()
	stream.Results = func(push func(list.ListResult) bool) {
		var n int64
		stopped := false
		emit := func(model any, displayName string) bool {
			if stopped || (req.Limit > 0 && n >= req.Limit) {
				return false
			}
			n++
			result := req.NewListResult(ctx)
			result.DisplayName = displayName
			state := tfsdk.State{Schema: req.ResourceSchema, Raw: tftypes.NewValue(req.ResourceSchema.Type().TerraformType(ctx), nil)}
			result.Diagnostics.Append(state.Set(ctx, model)...)
			if !result.Diagnostics.HasError() {
				id.setFrom(state, result.Identity, region, &result.Diagnostics)
			}
			if req.IncludeResource {
				result.Resource.Raw = state.Raw
			} else {
				result.Resource = nil
			}
			if !push(result) {
				stopped = true
			}
			return !stopped && (req.Limit <= 0 || n < req.Limit)
		}
		diags := each(ctx, emit)
		if diags.HasError() && !stopped {
			push(list.ListResult{Diagnostics: diags})
		}
	}
}
