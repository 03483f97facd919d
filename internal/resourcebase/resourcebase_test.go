package resourcebase

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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

func TestKeepTainted(t *testing.T) {
	ctx := context.Background()
	sch := rschema.Schema{Attributes: map[string]rschema.Attribute{
		"id":       rschema.StringAttribute{Computed: true},
		"name":     rschema.StringAttribute{Required: true},
		"computed": rschema.StringAttribute{Computed: true},
	}}
	type model struct {
		ID       types.String `tfsdk:"id"`
		Name     types.String `tfsdk:"name"`
		Computed types.String `tfsdk:"computed"`
	}
	state := tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}
	var diags diag.Diagnostics
	KeepTainted(ctx, &state, model{ID: types.StringValue("a/b"), Name: types.StringValue("n"), Computed: types.StringUnknown()},
		&diags, "Error Adding", "Adding: it failed", "server a may now be in group b")
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityError || diags[0].Summary() != "Error Adding" {
		t.Fatalf("diags %v, want one error", diags)
	}
	if d := diags[0].Detail(); !strings.HasPrefix(d, "Adding: it failed\n\nLeft behind: server a may now be in group b.") || !strings.Contains(d, "tainted") {
		t.Errorf("detail %q", d)
	}
	var got model
	if d := state.Get(ctx, &got); d.HasError() {
		t.Fatal(d)
	}
	if got.ID.ValueString() != "a/b" || got.Name.ValueString() != "n" || !got.Computed.IsNull() {
		t.Errorf("state %+v, want the known values and the unknown one null", got)
	}
	if !state.Raw.IsFullyKnown() {
		t.Error("the state holds unknown values")
	}
}

func TestImportBlock(t *testing.T) {
	got := ImportBlock("secgroup_x_y", "sg-1/i-2")
	if !strings.HasPrefix(got, "import {\n  to = secgroup_x_y.NAME\n  id = \"sg-1/i-2\"\n}\n") || !strings.Contains(got, "replace NAME") {
		t.Errorf("%q", got)
	}
}

// "So the next apply can create it again" only when it can: not when what
// the resource hangs on (the server, the port) is gone.
func TestRemoveGone(t *testing.T) {
	ctx := context.Background()
	sch := rschema.Schema{Attributes: map[string]rschema.Attribute{"id": rschema.StringAttribute{Computed: true}}}
	for _, tc := range []struct {
		recreatable bool
		want, not   string
	}{
		{true, "so the next apply can create it again", "cannot"},
		{false, "The next apply cannot create it again while that is gone", "can create it again."},
	} {
		resp := &resource.ReadResponse{State: tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), map[string]tftypes.Value{
			"id": tftypes.NewValue(tftypes.String, "x"),
		})}}
		RemoveGone(ctx, resp, "Gone", errors.New(`server "s" was not found`), "association", tc.recreatable)
		if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity() != diag.SeverityWarning {
			t.Fatalf("diags %v, want one warning", resp.Diagnostics)
		}
		d := resp.Diagnostics[0].Detail()
		if !strings.HasPrefix(d, `server "s" was not found; removing the association from the state`) || !strings.Contains(d, tc.want) || strings.Contains(d, tc.not) {
			t.Errorf("recreatable=%v: %q", tc.recreatable, d)
		}
		if !resp.State.Raw.IsNull() {
			t.Error("the resource stays in the state")
		}
	}
}
