package resourcebase

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

type fakeClient struct{ region string }

func (c *fakeClient) Region(r string) string {
	if r != "" {
		return r
	}
	return c.region
}

type fakeProvider struct {
	c   *fakeClient
	err error
}

func (p fakeProvider) Fake() (*fakeClient, error) { return p.c, p.err }

type fakeCloud struct{}

func (fakeCloud) Name() string { return "Fake Cloud" }

func (fakeCloud) Client(data any) (func() (*fakeClient, error), bool) {
	p, ok := data.(fakeProvider)
	if !ok {
		return nil, false
	}
	return p.Fake, true
}

func TestBase(t *testing.T) {
	ctx := context.Background()

	var unconfigured Base[*fakeClient, fakeCloud]
	var diags diag.Diagnostics
	if c := unconfigured.Client(&diags); c != nil || !diags.HasError() || diags[0].Summary() != "Provider Not Configured" {
		t.Fatalf("before Configure: %v %v", c, diags)
	}

	var wrong Base[*fakeClient, fakeCloud]
	var resp resource.ConfigureResponse
	wrong.Configure(ctx, resource.ConfigureRequest{ProviderData: "not a provider"}, &resp)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), "Fake Cloud client, got string") {
		t.Fatalf("wrong provider data: %v", resp.Diagnostics)
	}

	var missing Base[*fakeClient, fakeCloud]
	resp = resource.ConfigureResponse{}
	missing.Configure(ctx, resource.ConfigureRequest{ProviderData: fakeProvider{err: errors.New(`missing "region"`)}}, &resp)
	diags = nil
	if c := missing.Client(&diags); c != nil || len(diags) != 1 || diags[0].Summary() != "Fake Cloud Not Configured" || diags[0].Detail() != `missing "region"` {
		t.Fatalf("unconfigured cloud: %v", diags)
	}

	var ok Base[*fakeClient, fakeCloud]
	want := &fakeClient{region: "r1"}
	resp = resource.ConfigureResponse{}
	ok.Configure(ctx, resource.ConfigureRequest{ProviderData: fakeProvider{c: want}}, &resp)
	diags = nil
	if c := ok.Client(&diags); c != want || diags.HasError() {
		t.Fatalf("configured: %v %v", c, diags)
	}
}
