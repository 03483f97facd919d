package resourcebase

import (
	"context"
	"fmt"
	"math/big"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Identity is a resource's identity (Terraform >= 1.12, OpenTofu >= 1.12):
// the cloud-side keys that never change over the resource's life, which
// `import { identity = {...} }` takes instead of the composite ID. Every
// identity attribute is a state attribute of the same name (or the one From
// names) and is derived from the state, never stored apart: as the
// identifying attributes all force a replacement, the identity of an object
// cannot change, which the framework checks on every Read and Update
// ("Unexpected Identity Change"). region is always an identity attribute,
// optional for import and defaulting to the provider's.
//
// A resource declares its attributes once and hands the Identity to
// IdentitySchema, SetIdentity (Create, Update, ImportState), SetReadIdentity
// (Read) and ImportID (ImportState).
type Identity struct {
	required, optional []string
	from               map[string]string
	importID           func(IdentityValues) string
}

// IdentityValues are an identity's values as strings, "" for null.
type IdentityValues map[string]string

// NewIdentity declares an identity with the attributes required for import;
// importID turns an identity into the import ID the resource's ImportState
// parses, so that both ways of importing take the same path.
func NewIdentity(importID func(IdentityValues) string, required ...string) *Identity {
	return &Identity{required: required, from: map[string]string{}, importID: importID}
}

// Optional adds attributes that are optional for import.
func (id *Identity) Optional(names ...string) *Identity {
	id.optional = append(id.optional, names...)
	return id
}

// From takes identity attribute name from the state attribute attr.
func (id *Identity) From(name, attr string) *Identity {
	id.from[name] = attr
	return id
}

func (id *Identity) names() []string {
	return slices.Concat(id.required, id.optional, []string{"region"})
}

func (id *Identity) attr(name string) string {
	if a, ok := id.from[name]; ok {
		return a
	}
	return name
}

// regionDescription is the identity's region where the resource has none:
// it works in the provider's region only.
const regionDescription = "Region of the object: the provider's (the default), as this resource has no `region` of its own. " +
	"To import from another region, use a provider configuration (alias) for that region."

// Schema is the identity schema of r: the attributes' types and
// descriptions are those of r's schema, so they cannot drift apart.
func (id *Identity) Schema(ctx context.Context, r resource.Resource) identityschema.Schema {
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	attrs := map[string]identityschema.Attribute{}
	for _, name := range id.names() {
		required := slices.Contains(id.required, name)
		desc := regionDescription
		a, ok := resp.Schema.Attributes[id.attr(name)]
		if ok {
			desc = a.GetMarkdownDescription()
		}
		if _, isInt := a.(rschema.Int64Attribute); isInt {
			attrs[name] = identityschema.Int64Attribute{RequiredForImport: required, OptionalForImport: !required, Description: desc}
			continue
		}
		attrs[name] = identityschema.StringAttribute{RequiredForImport: required, OptionalForImport: !required, Description: desc}
	}
	return identityschema.Schema{Attributes: attrs}
}

// fromState is the identity of the object state holds; complete is false
// when an attribute required for import is not known (yet). region is the
// state's, else defaultRegion.
func (id *Identity) fromState(state tfsdk.State, out *tfsdk.ResourceIdentity, defaultRegion string) (v tftypes.Value, complete bool, err error) {
	var attrs map[string]tftypes.Value
	if err := state.Raw.As(&attrs); err != nil {
		return tftypes.Value{}, false, err
	}
	typ, ok := out.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		return tftypes.Value{}, false, fmt.Errorf("the identity schema is not an object")
	}
	vals := map[string]tftypes.Value{}
	complete = true
	for name, t := range typ.AttributeTypes {
		v, ok := attrs[id.attr(name)]
		if !ok || !v.IsKnown() || v.IsNull() {
			v = tftypes.NewValue(t, nil)
			if name == "region" && defaultRegion != "" {
				v = tftypes.NewValue(t, defaultRegion)
			}
		}
		if v.IsNull() && slices.Contains(id.required, name) {
			complete = false
		}
		vals[name] = v
	}
	return tftypes.NewValue(typ, vals), complete, nil
}

// setFrom sets out from state when its required attributes are all known,
// and leaves out as it is otherwise (a write that may have landed before
// Read learned the group's ID: the next Read sets it).
func (id *Identity) setFrom(state tfsdk.State, out *tfsdk.ResourceIdentity, defaultRegion string, diags *diag.Diagnostics) {
	if out == nil || state.Raw.IsNull() {
		return
	}
	v, complete, err := id.fromState(state, out, defaultRegion)
	if err != nil {
		diags.AddError("Error Setting the Resource Identity", "Reading the identity from the state failed: "+err.Error()+
			". This is a bug in the provider; please report it.")
		return
	}
	if complete {
		out.Raw = v
	}
}

// defaultRegion is the provider's region for the cloud, "" when it has none.
func (b *Base[C, K]) defaultRegion() string {
	c, err := b.Lookup()
	if err != nil {
		return ""
	}
	return c.Region("")
}

// SetIdentity sets the identity of the object state holds. Create, Update
// and ImportState defer it at their start, so every way out, the written
// state of a write that may have landed (KeepTainted, KeepPartial)
// included, returns the identity with the state.
func (b *Base[C, K]) SetIdentity(ctx context.Context, id *Identity, state *tfsdk.State, out *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	id.setFrom(*state, out, b.defaultRegion(), diags)
}

// SetReadIdentity is SetIdentity for Read, which defers it at its start.
// A state written without identity (by a release without it, or by
// Terraform < 1.12) gets it on this refresh, silently. When Read removes
// the object, the framework still wants an identity (a null one is
// "Missing Resource Identity After Read"): the prior state's, as far as it
// is known, as the object leaves the state with it.
func (b *Base[C, K]) SetReadIdentity(ctx context.Context, id *Identity, req resource.ReadRequest, resp *resource.ReadResponse) {
	if resp.Identity == nil {
		return
	}
	if !resp.State.Raw.IsNull() {
		id.setFrom(resp.State, resp.Identity, b.defaultRegion(), &resp.Diagnostics)
		return
	}
	if !resp.Identity.Raw.IsFullyNull() || req.State.Raw.IsNull() {
		return
	}
	if v, _, err := id.fromState(req.State, resp.Identity, b.defaultRegion()); err == nil {
		resp.Identity.Raw = v
	}
}

// ImportID is the ID ImportState parses: req.ID, or the one an
// `import { identity = {...} }` block's identity makes. ok is false after an
// error. A resource without a region attribute works in the provider's
// region only, so an identity naming another is refused here.
func (b *Base[C, K]) ImportID(_ context.Context, id *Identity, req resource.ImportStateRequest, resp *resource.ImportStateResponse) (importID string, ok bool) {
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		return req.ID, true
	}
	vals, err := identityValues(req.Identity.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import Identity", "Reading the identity failed: "+err.Error())
		return "", false
	}
	for _, name := range id.required {
		if vals[name] == "" {
			resp.Diagnostics.AddError("Invalid Import Identity", fmt.Sprintf("The identity's %s must be set.", name))
			return "", false
		}
	}
	if _, hasRegion := resp.State.Schema.GetAttributes()["region"]; !hasRegion {
		if r, def := vals["region"], b.defaultRegion(); r != "" && r != def {
			var k K
			resp.Diagnostics.AddError("Invalid Import Identity", fmt.Sprintf(
				"The identity's region is %q, but this resource works in the provider's %s region, %q. Import it with a provider "+
					"configuration for %q (a provider alias and the import block's provider argument), or leave region out.",
				r, k.Name(), def, r))
			return "", false
		}
	}
	return id.importID(vals), true
}

// identityValues reads an identity object's string and number attributes.
func identityValues(v tftypes.Value) (IdentityValues, error) {
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		return nil, err
	}
	vals := IdentityValues{}
	for name, a := range attrs {
		if a.IsNull() || !a.IsKnown() {
			continue
		}
		if a.Type().Is(tftypes.Number) {
			var n big.Float
			if err := a.As(&n); err != nil {
				return nil, err
			}
			vals[name] = n.Text('f', -1)
			continue
		}
		var s string
		if err := a.As(&s); err != nil {
			return nil, err
		}
		vals[name] = s
	}
	return vals, nil
}

// WithRegion is an import ID in region: "<region>/<id>", or id for the
// provider's region.
func WithRegion(region, id string) string {
	if region == "" {
		return id
	}
	return region + "/" + id
}
