package alicloud

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ClientProvider is what the provider hands to Alibaba Cloud resources.
type ClientProvider interface {
	AliCloud() (*Client, error)
}

// idPattern matches the IDs Alibaba Cloud gives its objects: a prefix naming
// the kind ("sg", "i", "eni") and a dash, then lower-case letters and digits.
func idPattern(prefix string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `-[a-z0-9]{2,}$`)
}

// resourceBase gives every Alibaba Cloud resource its Configure and client lookup.
type resourceBase struct {
	provider ClientProvider
}

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	p, ok := req.ProviderData.(ClientProvider)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Resource Configure Type",
			fmt.Sprintf("Expected a provider that offers a Alibaba Cloud client, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	b.provider = p
}

// client returns the Alibaba Cloud client, or adds one diagnostic saying which
// provider attribute or environment variable is missing.
func (b *resourceBase) client(diags *diag.Diagnostics) *Client {
	if b.provider == nil {
		diags.AddError("Provider Not Configured", "The secgroup provider was not configured before this resource was used. This is a bug in the provider; please report it.")
		return nil
	}
	c, err := b.provider.AliCloud()
	if err != nil {
		diags.AddError("Alibaba Cloud Not Configured", err.Error())
		return nil
	}
	return c
}

// planRegion fills a resource's unset region with the provider's at plan time,
// so a change of the provider's region shows as a replacement, not a surprise.
// It also reports a missing Alibaba Cloud configuration at plan time rather
// than half-way through the apply.
func (b *resourceBase) planRegion(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	c := b.client(&resp.Diagnostics)
	if c == nil {
		return
	}
	var configured types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("region"), &configured)...)
	if resp.Diagnostics.HasError() || !configured.IsNull() {
		return
	}
	region := types.StringValue(c.Region(""))
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("region"), region)...)
	if req.State.Raw.IsNull() {
		return
	}
	var prior types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("region"), &prior)...)
	if !prior.IsNull() && !prior.Equal(region) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("region"))
	}
}
