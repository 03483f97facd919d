package acctest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
)

// ExpectOneCallPerObject is a plan check for a refresh's cost: since the
// request log was last reset (PreConfig: env.Emulator.ResetRequests), the
// cloud received exactly one call of action for each of objects, and none
// for anything else. object names the object a call is about (its path, an
// ID parameter). Use it in a PlanOnly step's PostApplyPostRefresh checks:
// that step's only refreshing command is the plan it checks.
func (e *Env) ExpectOneCallPerObject(t *testing.T, cloud, action string, object func(emulator.Record) string, objects []string) plancheck.PlanCheck {
	return callsPerObject{t: t, env: e, cloud: cloud, action: action, object: object, want: objects}
}

type callsPerObject struct {
	t             *testing.T
	env           *Env
	cloud, action string
	object        func(emulator.Record) string
	want          []string
}

func (c callsPerObject) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	calls := c.env.Requests(c.t, c.cloud, c.action)
	got := map[string]int{}
	for _, r := range calls {
		got[c.object(r)]++
	}
	c.t.Logf("refresh: %d %s %s calls for %d objects", len(calls), c.cloud, c.action, len(c.want))
	want := map[string]int{}
	for _, o := range c.want {
		want[o] = 1
	}
	if !maps.Equal(got, want) {
		resp.Error = fmt.Errorf("the refresh made %d %s calls, want one for each of the %d objects; calls per object: %v, objects: %v",
			len(calls), c.action, len(c.want), got, slices.Sorted(maps.Keys(want)))
	}
}

// ExpectEachObjectOnce is ExpectOneCallPerObject for a batch API: since the
// request log was last reset, the calls of action named each of objects
// exactly once between them (however they were batched), and nothing else.
// objects lists the IDs one call is about.
func (e *Env) ExpectEachObjectOnce(t *testing.T, cloud, action string, objects func(emulator.Record) []string, want []string) plancheck.PlanCheck {
	return eachObjectOnce{t: t, env: e, cloud: cloud, action: action, objects: objects, want: want}
}

type eachObjectOnce struct {
	t             *testing.T
	env           *Env
	cloud, action string
	objects       func(emulator.Record) []string
	want          []string
}

func (c eachObjectOnce) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	calls := c.env.Requests(c.t, c.cloud, c.action)
	got := map[string]int{}
	for _, r := range calls {
		for _, o := range c.objects(r) {
			got[o]++
		}
	}
	c.t.Logf("refresh: %d %s %s calls for %d objects", len(calls), c.cloud, c.action, len(c.want))
	want := map[string]int{}
	for _, o := range c.want {
		want[o] = 1
	}
	if !maps.Equal(got, want) {
		resp.Error = fmt.Errorf("the refresh's %d %s calls named each object %v times, want each of %v once",
			len(calls), c.action, got, slices.Sorted(maps.Keys(want)))
	}
}
