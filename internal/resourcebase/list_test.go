package resourcebase

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// listRequest is a list request for identityResource's schemas.
func listRequest(t *testing.T, includeResource bool, limit int64) (*identityResource, list.ListRequest) {
	t.Helper()
	r, state, identity := setup(t, true)
	return r, list.ListRequest{IncludeResource: includeResource, Limit: limit, ResourceSchema: state.Schema, ResourceIdentitySchema: identity.Schema}
}

// emitRules lists n rules of group g, counting how many it was let emit.
func emitRules(n int, emitted *int) func(context.Context, Emit) diag.Diagnostics {
	return func(_ context.Context, emit Emit) diag.Diagnostics {
		for i := range n {
			*emitted++
			m := identityModel{ID: types.StringValue(fmt.Sprintf("g/r%d", i)), Group: types.StringValue("g"),
				Rule: types.StringValue(fmt.Sprintf("r%d", i)), Priority: types.Int64Value(int64(i)), Region: types.StringNull()}
			if !emit(m, fmt.Sprintf("rule %d", i)) {
				return nil
			}
		}
		return nil
	}
}

func collect(stream list.ListResultsStream) []list.ListResult {
	var out []list.ListResult
	for r := range stream.Results {
		out = append(out, r)
	}
	return out
}

func TestList_identityDisplayNameAndResource(t *testing.T) {
	ctx := context.Background()
	for _, include := range []bool{false, true} {
		r, req := listRequest(t, include, 0)
		var stream list.ListResultsStream
		var emitted int
		r.List(ctx, req, &stream, testIdentity, emitRules(3, &emitted))
		results := collect(stream)
		if len(results) != 3 {
			t.Fatalf("include=%v: %d results, want 3", include, len(results))
		}
		for i, res := range results {
			if res.Diagnostics.HasError() {
				t.Fatalf("result %d: %v", i, res.Diagnostics)
			}
			if want := fmt.Sprintf("rule %d", i); res.DisplayName != want {
				t.Errorf("display name %q, want %q", res.DisplayName, want)
			}
			got := identityOf(t, res.Identity)
			want := map[string]string{"group": "g", "rule": fmt.Sprintf("r%d", i), "prio": fmt.Sprint(i), "region": "r1"}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("identity %v, want %v (region defaults to the provider's)", got, want)
			}
			if !include {
				if res.Resource != nil {
					t.Errorf("result %d has a resource without include_resource", i)
				}
				continue
			}
			var m identityModel
			if d := res.Resource.Get(ctx, &m); d.HasError() {
				t.Fatal(d)
			}
			if m.Rule.ValueString() != fmt.Sprintf("r%d", i) || m.Priority.ValueInt64() != int64(i) {
				t.Errorf("resource %+v", m)
			}
		}
	}
}

func TestList_limitStopsTheLister(t *testing.T) {
	r, req := listRequest(t, false, 2)
	var stream list.ListResultsStream
	var emitted int
	r.List(context.Background(), req, &stream, testIdentity, emitRules(10, &emitted))
	if n := len(collect(stream)); n != 2 {
		t.Errorf("%d results, want the limit, 2", n)
	}
	if emitted != 2 {
		t.Errorf("the lister went on to %d objects after the limit of 2", emitted)
	}
}

func TestList_stopReadingStopsTheLister(t *testing.T) {
	r, req := listRequest(t, false, 0)
	var stream list.ListResultsStream
	var emitted int
	r.List(context.Background(), req, &stream, testIdentity, emitRules(10, &emitted))
	for range stream.Results {
		break
	}
	if emitted != 1 {
		t.Errorf("the lister went on to %d objects after terraform stopped reading at 1", emitted)
	}
}

func TestList_errorEndsTheStream(t *testing.T) {
	r, req := listRequest(t, false, 0)
	var stream list.ListResultsStream
	var emitted int
	r.List(context.Background(), req, &stream, testIdentity, func(ctx context.Context, emit Emit) diag.Diagnostics {
		emitRules(1, &emitted)(ctx, emit)
		var d diag.Diagnostics
		d.AddError("Error Listing Rules", "the describe failed")
		return d
	})
	results := collect(stream)
	if len(results) != 2 || results[0].Diagnostics.HasError() || !results[1].Diagnostics.HasError() {
		t.Fatalf("results %+v, want one rule, then the error", results)
	}
	if got := results[1].Diagnostics[0].Summary(); got != "Error Listing Rules" {
		t.Errorf("error %q", got)
	}
}
