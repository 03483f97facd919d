package acctest

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/secgroup/terraform-provider-secgroup/internal/provider"
)

// ProtoV6ProviderFactoriesWithoutIdentity serve the provider as a release
// without resource identity would: no identity schemas and no identity in
// any answer, so the state a step writes with them has none. The identity
// upgrade tests apply with these, then refresh with ProtoV6ProviderFactories.
var ProtoV6ProviderFactoriesWithoutIdentity = map[string]func() (tfprotov6.ProviderServer, error){
	ProviderName: func() (tfprotov6.ProviderServer, error) {
		s, err := provider.NewProtocol6Server(provider.Build{Version: "test"})()
		if err != nil {
			return nil, err
		}
		return withoutIdentity{s}, nil
	},
}

type withoutIdentity struct{ tfprotov6.ProviderServer }

func (w withoutIdentity) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{}}, nil
}

func (w withoutIdentity) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := w.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		resp.NewIdentity = nil
	}
	return resp, err
}

func (w withoutIdentity) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := w.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		resp.PlannedIdentity = nil
	}
	return resp, err
}

func (w withoutIdentity) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := w.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		resp.NewIdentity = nil
	}
	return resp, err
}

func (w withoutIdentity) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp, err := w.ProviderServer.ImportResourceState(ctx, req)
	if resp != nil {
		for _, r := range resp.ImportedResources {
			r.Identity = nil
		}
	}
	return resp, err
}

// IdentityTestCase tests a resource's identity (Terraform >= 1.12): config
// creates addr with identity; importing it by identity (an import block
// with identity = {...}) plans a no-op import; updated, an in-place update
// of config, keeps the identity.
func IdentityTestCase(addr, config, updated string, identity map[string]knownvalue.Check) resource.TestCase {
	return resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(addr, identity)},
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(addr, identity)},
			},
		},
	}
}

// IdentityUpgradeTestCase: addr applied by a provider without identity
// (state written by an earlier release) gets identity on the next refresh,
// which plans empty.
func IdentityUpgradeTestCase(addr, config string, identity map[string]knownvalue.Check) resource.TestCase {
	return resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: ProtoV6ProviderFactoriesWithoutIdentity,
				Config:                   config,
			},
			{
				ProtoV6ProviderFactories: ProtoV6ProviderFactories,
				Config:                   config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(addr, identity)},
			},
		},
	}
}
