package resourcebase

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// KeepTainted keeps a resource whose write may have landed although its
// Create (or Update) failed: the write succeeded and a later step did not,
// or its answer was lost or cut off (a transient failure, the timeout,
// Ctrl-C). model, the plan with what is known filled in, becomes the state,
// every value still unknown made null; the error says what was left behind.
// A Create that returns a state with an error makes Terraform keep the object
// as tainted, so the next apply refreshes it and replaces it (or, when the
// write did not land after all, Read drops it and it is created again): never
// an orphan that the next apply takes for someone else's, never a duplicate.
//
// Call it only once a write may have landed: a refusal (invalid, conflict,
// auth) or a failure before the write went out leaves nothing, and must
// leave no state (retry.MayHaveLanded tells them apart).
func KeepTainted(ctx context.Context, state *tfsdk.State, model any, diags *diag.Diagnostics, summary, detail, left string) {
	keep(ctx, state, model, diags, summary, detail+"\n\n"+LeftBehind(left))
}

// KeepPartial is KeepTainted for an Update: Terraform records the state an
// Update returns with its error (without tainting it), so the next plan
// shows what is left to do.
func KeepPartial(ctx context.Context, state *tfsdk.State, model any, diags *diag.Diagnostics, summary, detail, left string) {
	keep(ctx, state, model, diags, summary, detail+"\n\nLeft behind: "+left+
		". The state records it, so the next apply finishes the change.")
}

func keep(ctx context.Context, state *tfsdk.State, model any, diags *diag.Diagnostics, summary, detail string) {
	diags.AddError(summary, detail)
	var set diag.Diagnostics
	set.Append(state.Set(ctx, model)...)
	if !set.HasError() {
		raw, err := tftypes.Transform(state.Raw, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
			if !v.IsKnown() {
				return tftypes.NewValue(v.Type(), nil), nil
			}
			return v, nil
		})
		if err != nil {
			set.AddError("Error Saving a Partial Result", "Resolving the unknown values of the state failed: "+err.Error())
		} else {
			state.Raw = raw
		}
	}
	diags.Append(set...)
}

// LeftBehind is what the error of a failed operation says when its write may
// have landed: left names what may now exist in the cloud.
func LeftBehind(left string) string {
	return "Left behind: " + left + ". Terraform keeps it in the state as tainted, so nothing is orphaned: " +
		"the next apply reads it and finishes or replaces it (no import needed)."
}

// ImportBlock is a ready import block for the existing object id of the
// resource type typeName, for the errors that find the object already there.
// Terraform does not tell a provider the resource's address, so the block
// names it NAME and says to replace that.
func ImportBlock(typeName, id string) string {
	return fmt.Sprintf("import {\n  to = %s.NAME\n  id = %q\n}\n\n(replace NAME with this resource's name, and its index "+
		"under count or for_each; Terraform does not tell the provider the address), then run terraform apply.", typeName, id)
}

// RemoveGone is Read's answer to an object that is no longer there: a
// warning, and the resource leaves the state. recreatable says whether the
// next apply can create it again, that is, whether only the relation is gone
// (the group off the server, the rule off the group) rather than what it
// hangs on (the server, the port, the group itself); the warning says
// which, so that the next apply's failure is no surprise.
func RemoveGone(ctx context.Context, resp *resource.ReadResponse, summary string, err error, noun string, recreatable bool) {
	detail := fmt.Sprintf("%s; removing the %s from the state so the next apply can create it again.", err, noun)
	if !recreatable {
		detail = fmt.Sprintf("%s; removing the %s from the state. The next apply cannot create it again while that is "+
			"gone: remove the resource from the configuration, or point it at an object that exists.", err, noun)
	}
	resp.Diagnostics.AddWarning(summary, detail)
	resp.State.RemoveResource(ctx)
}
