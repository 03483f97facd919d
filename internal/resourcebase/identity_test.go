package resourcebase

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// identityResource is a resource with a region attribute (regional) or
// without; its identity is group and rule, and optionally port.
type identityResource struct {
	Base[*fakeClient, fakeCloud]
	regional bool
}

func (identityResource) Metadata(context.Context, resource.MetadataRequest, *resource.MetadataResponse) {
}
func (identityResource) Create(context.Context, resource.CreateRequest, *resource.CreateResponse) {}
func (identityResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (identityResource) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (identityResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func (r identityResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]rschema.Attribute{
		"id":       rschema.StringAttribute{Computed: true},
		"group":    rschema.StringAttribute{Required: true, MarkdownDescription: "The group."},
		"rule":     rschema.StringAttribute{Computed: true, MarkdownDescription: "The rule's ID."},
		"priority": rschema.Int64Attribute{Optional: true, MarkdownDescription: "Priority."},
	}
	if r.regional {
		attrs["region"] = rschema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Region of the group."}
	}
	resp.Schema = rschema.Schema{Attributes: attrs}
}

var testIdentity = NewIdentity(func(v IdentityValues) string {
	return WithRegion(v["region"], v["group"]+"/"+v["rule"]+"/"+v["prio"])
}, "group", "rule").Optional("prio").From("prio", "priority")

type identityModel struct {
	ID       types.String `tfsdk:"id"`
	Group    types.String `tfsdk:"group"`
	Rule     types.String `tfsdk:"rule"`
	Priority types.Int64  `tfsdk:"priority"`
	Region   types.String `tfsdk:"region"`
}

// setup returns a configured resource, its empty state and a null identity.
func setup(t *testing.T, regional bool) (*identityResource, tfsdk.State, *tfsdk.ResourceIdentity) {
	t.Helper()
	ctx := context.Background()
	r := &identityResource{regional: regional}
	var cresp resource.ConfigureResponse
	r.Configure(ctx, resource.ConfigureRequest{ProviderData: fakeProvider{c: &fakeClient{region: "r1"}}}, &cresp)
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	is := testIdentity.Schema(ctx, r)
	return r, tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(sresp.Schema.Type().TerraformType(ctx), nil)},
		&tfsdk.ResourceIdentity{Schema: is, Raw: tftypes.NewValue(is.Type().TerraformType(ctx), nil)}
}

func setState(t *testing.T, state *tfsdk.State, m any) {
	t.Helper()
	if d := state.Set(context.Background(), m); d.HasError() {
		t.Fatal(d)
	}
}

func identityOf(t *testing.T, id *tfsdk.ResourceIdentity) map[string]string {
	t.Helper()
	if id.Raw.IsNull() {
		return nil
	}
	v, err := identityValues(id.Raw)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestIdentitySchema(t *testing.T) {
	is := testIdentity.Schema(context.Background(), &identityResource{regional: true})
	want := map[string]identityschema.Attribute{
		"group":  identityschema.StringAttribute{RequiredForImport: true, Description: "The group."},
		"rule":   identityschema.StringAttribute{RequiredForImport: true, Description: "The rule's ID."},
		"prio":   identityschema.Int64Attribute{OptionalForImport: true, Description: "Priority."},
		"region": identityschema.StringAttribute{OptionalForImport: true, Description: "Region of the group."},
	}
	if len(is.Attributes) != len(want) {
		t.Fatalf("attributes %v, want %v", is.Attributes, want)
	}
	for name, a := range want {
		if !is.Attributes[name].Equal(a) {
			t.Errorf("%s: %#v, want %#v", name, is.Attributes[name], a)
		}
	}
	// Without a region attribute, the region is the provider's, and says so.
	is = testIdentity.Schema(context.Background(), &identityResource{})
	if d := is.Attributes["region"].GetDescription(); !strings.Contains(d, "the provider's") {
		t.Errorf("region description %q", d)
	}
}

func TestSetIdentity(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		regional bool
		model    identityModel
		want     map[string]string
	}{
		{"regional, the state's region", true,
			identityModel{Group: types.StringValue("g"), Rule: types.StringValue("r"), Priority: types.Int64Value(5), Region: types.StringValue("r2")},
			map[string]string{"group": "g", "rule": "r", "prio": "5", "region": "r2"}},
		{"no region attribute: the provider's", false,
			identityModel{Group: types.StringValue("g"), Rule: types.StringValue("r"), Priority: types.Int64Null()},
			map[string]string{"group": "g", "rule": "r", "region": "r1"}},
		// KeepTainted before the rule's ID is known: no identity yet (a
		// partial one would change when Read learns the ID).
		{"a required attribute unknown", true,
			identityModel{Group: types.StringValue("g"), Rule: types.StringUnknown(), Region: types.StringValue("r1")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, state, out := setup(t, tc.regional)
			var m any = tc.model
			if !tc.regional {
				m = struct {
					ID       types.String `tfsdk:"id"`
					Group    types.String `tfsdk:"group"`
					Rule     types.String `tfsdk:"rule"`
					Priority types.Int64  `tfsdk:"priority"`
				}{tc.model.ID, tc.model.Group, tc.model.Rule, tc.model.Priority}
			}
			var diags diag.Diagnostics
			KeepTainted(ctx, &state, m, &diags, "Error", "detail", "something")
			r.SetIdentity(ctx, testIdentity, &state, out, &diags)
			if len(diags) != 1 { // KeepTainted's own error only
				t.Fatalf("diags %v", diags)
			}
			got := identityOf(t, out)
			if len(got) != len(tc.want) {
				t.Fatalf("identity %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("identity %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// Read: a state without identity gets it; a removed object still answers
// one (the prior state's), or the framework fails the refresh.
func TestSetReadIdentity(t *testing.T) {
	ctx := context.Background()
	r, state, out := setup(t, true)
	setState(t, &state, identityModel{Group: types.StringValue("g"), Rule: types.StringValue("r"), Priority: types.Int64Null(), Region: types.StringValue("r1")})
	req := resource.ReadRequest{State: state}

	resp := &resource.ReadResponse{State: state, Identity: out}
	r.SetReadIdentity(ctx, testIdentity, req, resp)
	if got := identityOf(t, resp.Identity); got["group"] != "g" || got["rule"] != "r" || got["region"] != "r1" {
		t.Errorf("refreshed: identity %v", got)
	}

	_, _, empty := setup(t, true)
	resp = &resource.ReadResponse{State: state, Identity: empty}
	resp.State.RemoveResource(ctx)
	r.SetReadIdentity(ctx, testIdentity, req, resp)
	if got := identityOf(t, resp.Identity); got["group"] != "g" || got["rule"] != "r" {
		t.Errorf("removed: identity %v, want the prior state's", got)
	}
	if resp.Diagnostics.HasError() {
		t.Error(resp.Diagnostics)
	}
}

func TestImportID(t *testing.T) {
	ctx := context.Background()
	identity := func(out *tfsdk.ResourceIdentity, vals map[string]tftypes.Value) *tfsdk.ResourceIdentity {
		typ, ok := out.Schema.Type().TerraformType(ctx).(tftypes.Object)
		if !ok {
			t.Fatalf("identity type %T", out.Schema.Type().TerraformType(ctx))
		}
		all := map[string]tftypes.Value{}
		for name, t := range typ.AttributeTypes {
			all[name] = tftypes.NewValue(t, nil)
			if v, ok := vals[name]; ok {
				all[name] = v
			}
		}
		return &tfsdk.ResourceIdentity{Schema: out.Schema, Raw: tftypes.NewValue(typ, all)}
	}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	for _, tc := range []struct {
		name      string
		regional  bool
		id        string
		vals      map[string]tftypes.Value
		want, err string
	}{
		{"by ID", true, "x/y", nil, "x/y", ""},
		{"by identity", true, "", map[string]tftypes.Value{"group": str("g"), "rule": str("r"), "prio": tftypes.NewValue(tftypes.Number, 7)}, "g/r/7", ""},
		{"by identity in a region", true, "", map[string]tftypes.Value{"group": str("g"), "rule": str("r"), "region": str("r2")}, "r2/g/r/", ""},
		{"the provider's region, no region attribute", false, "", map[string]tftypes.Value{"group": str("g"), "rule": str("r"), "region": str("r1")}, "r1/g/r/", ""},
		{"another region, no region attribute", false, "", map[string]tftypes.Value{"group": str("g"), "rule": str("r"), "region": str("r2")}, "", `region is "r2", but this resource works in the provider's Fake Cloud region, "r1"`},
		{"a required attribute missing", true, "", map[string]tftypes.Value{"group": str("g")}, "", "The identity's rule must be set."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, state, out := setup(t, tc.regional)
			req := resource.ImportStateRequest{ID: tc.id}
			if tc.vals != nil {
				req.Identity = identity(out, tc.vals)
			}
			resp := &resource.ImportStateResponse{State: state, Identity: out}
			got, ok := r.ImportID(ctx, testIdentity, req, resp)
			if tc.err != "" {
				if ok || !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), tc.err) {
					t.Fatalf("ok %v, diags %v, want an error containing %q", ok, resp.Diagnostics, tc.err)
				}
				return
			}
			if !ok || got != tc.want {
				t.Errorf("ImportID %q, %v (%v), want %q", got, ok, resp.Diagnostics, tc.want)
			}
		})
	}
}
