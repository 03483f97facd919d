package alicloud_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
)

// rulesConfig is n rules per service spread over the given groups, with
// count so that the configuration stays small.
func rulesConfig(ensGroups, ecsGroups []string, n int) string {
	quoted := func(ids []string) string {
		return `["` + strings.Join(ids, `", "`) + `"]`
	}
	return fmt.Sprintf(`
locals {
  ens_groups = %[1]s
  ecs_groups = %[2]s
}

resource "secgroup_alicloud_ens_egress_rule" "many" {
  count             = %[3]d
  security_group_id = local.ens_groups[count.index %% length(local.ens_groups)]
  ip_protocol       = "tcp"
  port_range        = "${count.index + 1}/${count.index + 1}"
  dest_cidr_ip      = "10.0.0.0/8"
}

resource "secgroup_alicloud_ecs_egress_rule" "many" {
  count             = %[3]d
  security_group_id = local.ecs_groups[count.index %% length(local.ecs_groups)]
  ip_protocol       = "udp"
  port_range        = "${count.index + 1}/${count.index + 1}"
  dest_cidr_ip      = "10.0.0.0/8"
}
`, quoted(ensGroups), quoted(ecsGroups), n)
}

// TestAccEgressRule_refreshCost: 200 rules in 4 groups cost one describe per
// group on a refresh, not one per rule, on each service.
func TestAccEgressRule_refreshCost(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	const groups, rules = 4, 200
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(),
		rulesConfig(env.AliEnsGroups(t, groups), env.AliEcsGroups(t, groups), rules))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEgressRulesDestroyed(t, env),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// A plan-only step runs one plan without refresh, then one
				// `terraform plan` that refreshes every rule: its calls are
				// the log after this reset.
				PreConfig: env.Emulator.ResetRequests,
				Config:    config,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
						describesPerPlan{t: t, env: env, want: map[string]int{"ens": groups, "ecs": groups}},
					},
				},
			},
		},
	})
}

// BenchmarkPlan1000Rules times planning 1,000 rules (500 ENS and 500 ECS,
// 100 per group) against the emulator, after one apply that is not timed.
// One op is a plan-only test step: a plan without refresh, then a
// `terraform plan` that refreshes every rule. It reports the describe calls
// each op made.
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$(command -v terraform) go test -run '^$' -bench Plan1000Rules ./internal/alicloud/
func BenchmarkPlan1000Rules(b *testing.B) {
	if os.Getenv("TF_ACC") == "" {
		b.Skip("set TF_ACC=1: the benchmark runs terraform")
	}
	if tf := os.Getenv("TF_ACC_TERRAFORM_PATH"); tf == "" {
		if _, err := exec.LookPath("terraform"); err != nil {
			b.Skip("terraform is not on PATH and TF_ACC_TERRAFORM_PATH is unset")
		}
	}
	env := acctest.NewEnv(b)
	const groups, perService = 5, 500
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(),
		rulesConfig(env.AliEnsGroups(b, groups), env.AliEcsGroups(b, groups), perService))

	describes := 0
	steps := []resource.TestStep{{
		Config: config,
		Check: func(*terraform.State) error {
			b.ResetTimer()
			b.StopTimer()
			return nil
		},
	}}
	for range b.N {
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				env.Emulator.ResetRequests()
				b.StartTimer()
			},
			Config:   config,
			PlanOnly: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{planDone(func() {
					b.StopTimer()
					for _, r := range env.Emulator.Requests() {
						if r.Action == "DescribeSecurityGroupAttribute" {
							describes++
						}
					}
				})},
			},
		})
	}
	resource.Test(benchT{b}, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
	b.ReportMetric(float64(describes)/float64(b.N), "describes/op")
	b.ReportMetric(float64(perService*2), "rules")
}

// benchT lets resource.Test drive a benchmark: it wants a T that can be
// made parallel, which a benchmark is not.
type benchT struct{ *testing.B }

func (benchT) Parallel() {}

// planDone is a plan check that only reports that the plan has finished.
type planDone func()

func (f planDone) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	f()
}
