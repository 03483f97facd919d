package acctest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Fleet is one cloud's fleet workload: one membership resource per member,
// all in one fleet group, applied, refreshed and destroyed at terraform's
// default -parallelism of 10. The per-phase bounds (API calls per
// membership, every call of the cloud but the once-per-process project
// lookup) sit between what batching gives and what one call per member
// would cost, so a fleet test fails when batching is bypassed.
type Fleet struct {
	Cloud  string
	Config string // the provider block and the for_each resource
	// Members are the members' IDs and Own their groups before the apply.
	Members []string
	Own     map[string][]string
	Group   string // the fleet group
	// Groups reads every member's groups from the emulator's state.
	Groups func() map[string][]string
	// MaxApply, MaxRefresh, MaxDestroy bound the calls per membership.
	MaxApply, MaxRefresh, MaxDestroy float64
	// CountedActions, when set, are the only actions counted (for a bound
	// on one API); otherwise every call of the cloud is.
	CountedActions []string
}

// ignoredInFleetCost are the calls made once per provider process, not per
// member.
var ignoredInFleetCost = []string{"KeystoneListProjects"}

// callsPerMember is the calls of the cloud since the log's last reset, per
// member, and the count per action for the log.
func (e *Env) callsPerMember(t *testing.T, f *Fleet) (float64, map[string]int) {
	byAction := map[string]int{}
	total := 0
	for _, r := range e.Requests(t, f.Cloud, f.CountedActions...) {
		if slices.Contains(ignoredInFleetCost, r.Action) {
			continue
		}
		byAction[r.Action]++
		total++
	}
	return float64(total) / float64(len(f.Members)), byAction
}

func (e *Env) checkFleetCost(t *testing.T, f *Fleet, phase string, bound float64) error {
	per, byAction := e.callsPerMember(t, f)
	t.Logf("%s %s of %d members: %.2f calls per membership %v", f.Cloud, phase, len(f.Members), per, byAction)
	if per > bound {
		return fmt.Errorf("%s: %.2f calls per membership (%v), want at most %.2f: are the calls batched?", phase, per, byAction, bound)
	}
	return nil
}

// checkFleetGroups checks that every member has exactly its own groups, plus
// the fleet group when joined.
func (e *Env) checkFleetGroups(f *Fleet, joined bool) error {
	got := f.Groups()
	for _, m := range f.Members {
		want := slices.Clone(f.Own[m])
		if joined {
			want = append(want, f.Group)
		}
		g := slices.Clone(got[m])
		slices.Sort(g)
		slices.Sort(want)
		if !slices.Equal(g, want) {
			return fmt.Errorf("member %s has groups %v, want %v", m, got[m], want)
		}
	}
	return nil
}

// RunFleet applies the fleet, checks its cost per phase and every member's
// groups, and destroys it.
func (e *Env) RunFleet(t *testing.T, f *Fleet) {
	t.Helper()
	e.RequireEmulator(t)
	cost := func(phase string, bound float64) error { return e.checkFleetCost(t, f, phase, bound) }
	ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: e.Emulator.ResetRequests,
				Config:    f.Config,
				Check: func(*terraform.State) error {
					if err := cost("apply", f.MaxApply); err != nil {
						return err
					}
					return e.checkFleetGroups(f, true)
				},
			},
			{
				PreConfig: e.Emulator.ResetRequests,
				Config:    f.Config,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), planCheckFunc(func() error {
						return cost("refreshing plan", f.MaxRefresh)
					})},
				},
			},
			{
				PreConfig: e.Emulator.ResetRequests,
				Config:    f.Config,
				Destroy:   true,
				Check: func(*terraform.State) error {
					if err := cost("destroy", f.MaxDestroy); err != nil {
						return err
					}
					return e.checkFleetGroups(f, false)
				},
			},
		},
	})
}

type planCheckFunc func() error

func (f planCheckFunc) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}

// FleetList is an HCL list of the IDs, for a count over the members
// (terraform-plugin-testing's state shim does not take for_each keys).
func FleetList(ids []string) string {
	return `["` + strings.Join(ids, `", "`) + `"]`
}
