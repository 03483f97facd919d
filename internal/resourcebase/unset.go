package resourcebase

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// An optional argument without a default is declared Optional and Computed
// with UnsetIsNull as its first plan modifier: it plans exactly as an
// Optional one (unset is null, never "known after apply" and never the prior
// value), and generated configuration (terraform plan -generate-config-out)
// leaves it out when null instead of writing "= null", which terraform
// writes for every null attribute that is not Computed.

// UnsetIsNull is the string form.
func UnsetIsNull() planmodifier.String { return unsetIsNull{} }

// UnsetIsNullMap is the map form.
func UnsetIsNullMap() planmodifier.Map { return unsetIsNull{} }

type unsetIsNull struct{}

func (unsetIsNull) Description(context.Context) string {
	return "Unset in the configuration is null in the plan."
}

func (m unsetIsNull) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (unsetIsNull) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.ConfigValue.IsNull() {
		resp.PlanValue = types.StringNull()
	}
}

func (unsetIsNull) PlanModifyMap(_ context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	if req.ConfigValue.IsNull() {
		resp.PlanValue = types.MapNull(req.ConfigValue.ElementType(context.Background()))
	}
}
