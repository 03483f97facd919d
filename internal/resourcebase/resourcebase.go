// Package resourcebase is what every resource of one cloud shares: the client
// the provider hands over in Configure, one clear error when that cloud is not
// configured, and the region default at plan time. Each cloud package embeds
// Base in its own resourceBase.
package resourcebase

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Regional is a cloud client with a default region.
type Regional interface {
	// Region returns region, or the client's default when region is empty.
	Region(region string) string
}

// Cloud tells Base about one cloud. Implementations are empty structs.
type Cloud[C Regional] interface {
	// Name is the cloud's name in messages, such as "Huawei Cloud".
	Name() string
	// Client finds the cloud's client in the provider's data; ok is false
	// when the data offers none, which is a bug in the provider.
	Client(providerData any) (client func() (C, error), ok bool)
}

// errUnconfigured is Lookup's error before Configure has run.
var errUnconfigured = errors.New("the secgroup provider was not configured before this resource was used; this is a bug in the provider, please report it")

// Base implements Configure and the client lookup for the resources of the
// cloud K; its zero value is ready for Configure.
type Base[C Regional, K Cloud[C]] struct {
	client func() (C, error)
}

// Configure implements resource.ResourceWithConfigure.
func (b *Base[C, K]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	var k K
	client, ok := k.Client(req.ProviderData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Resource Configure Type",
			fmt.Sprintf("Expected a provider that offers a %s client, got %T. This is a bug in the provider; please report it.", k.Name(), req.ProviderData))
		return
	}
	b.client = client
}

// Lookup returns the client, or the error that says which provider
// attribute or environment variable is missing.
func (b *Base[C, K]) Lookup() (C, error) {
	if b.client == nil {
		var zero C
		return zero, errUnconfigured
	}
	return b.client()
}

// Client returns the client, or the zero value after adding one diagnostic
// that says what to configure.
func (b *Base[C, K]) Client(diags *diag.Diagnostics) C {
	c, err := b.Lookup()
	if err != nil {
		var k K
		summary := k.Name() + " Not Configured"
		if b.client == nil {
			summary = "Provider Not Configured"
		}
		diags.AddError(summary, err.Error())
	}
	return c
}

// CheckConfigured reports a missing configuration of the cloud at plan time
// rather than half-way through the apply. A destroy needs no check: the
// delete itself reports it.
func (b *Base[C, K]) CheckConfigured(req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	b.Client(&resp.Diagnostics)
}

// PlanRegion fills a resource's unset region attribute with the provider's at
// plan time, so a change of the provider's region shows as a replacement, not
// a surprise; like CheckConfigured, it reports a missing configuration.
func (b *Base[C, K]) PlanRegion(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	c, err := b.Lookup()
	if err != nil {
		b.Client(&resp.Diagnostics)
		return
	}
	var configured types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("region"), &configured)...)
	if resp.Diagnostics.HasError() || !configured.IsNull() {
		return
	}
	if c.Region("") == "" {
		var k K
		resp.Diagnostics.AddAttributeError(path.Root("region"), "Missing Region",
			fmt.Sprintf("Set region on this resource, or region in the provider's %s block (or its environment variable).", k.Name()))
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
