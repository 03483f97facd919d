package acctest

import (
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// KeptTaintedSteps are the steps of a test whose first apply is stopped
// (errPattern, an ErrorRegexp pattern) after a write that landed: the state
// must keep the resource at addr as tainted, so the second apply (the faults
// cleared) replaces it, with no "already exists ... import it" about our own
// write, and check then sees exactly one copy in the cloud; a third plan is
// empty. Before the rule "a write that may have landed is never forgotten",
// the second apply planned a create and met the orphan.
func (e *Env) KeptTaintedSteps(config, addr, errPattern string, check resource.TestCheckFunc) []resource.TestStep {
	return []resource.TestStep{
		{Config: config, ExpectError: ErrorRegexp(`(?s)` + errPattern)},
		{
			PreConfig: func() { e.Emulator.SetFaults(nil) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
			},
			Check: check,
		},
		{
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	}
}
