package tencentcloud

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/secgroup/terraform-provider-secgroup/internal/mutexkv"
)

// ClientProvider is what the provider hands to Tencent Cloud resources.
type ClientProvider interface {
	TencentCloud() (*Client, error)
}

// Tencent Cloud object IDs: a prefix and 8 lower-case letters or digits.
var (
	securityGroupIDPattern = regexp.MustCompile(`^sg-[0-9a-z]{8}$`)
	instanceIDPattern      = regexp.MustCompile(`^ins-[0-9a-z]{8}$`)
)

// resourceBase gives every Tencent Cloud resource its Configure and client lookup.
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
			fmt.Sprintf("Expected a provider that offers a Tencent Cloud client, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	b.provider = p
}

// client returns the Tencent Cloud client, or adds one diagnostic saying
// which provider attribute or environment variable is missing.
func (b *resourceBase) client(diags *diag.Diagnostics) *Client {
	if b.provider == nil {
		diags.AddError("Provider Not Configured", "The secgroup provider was not configured before this resource was used. This is a bug in the provider; please report it.")
		return nil
	}
	c, err := b.provider.TencentCloud()
	if err != nil {
		diags.AddError("Tencent Cloud Not Configured", err.Error())
		return nil
	}
	return c
}

// checkConfigured reports a missing Tencent Cloud configuration at plan time
// rather than half-way through the apply.
func (b *resourceBase) checkConfigured(req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy: the state says what to delete
	}
	b.client(&resp.Diagnostics)
}

// lockAll locks the keys in sorted order, so that two writers locking
// overlapping sets cannot deadlock; the returned function unlocks them.
func lockAll(keys ...string) func() {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	for _, k := range keys {
		mutexkv.Global.Lock(k)
	}
	return func() {
		for _, k := range slices.Backward(keys) {
			mutexkv.Global.Unlock(k)
		}
	}
}

func groupLockKey(id string) string    { return mutexkv.Key(cloudName, "security_group", id) }
func instanceLockKey(id string) string { return mutexkv.Key(cloudName, "instance", id) }
