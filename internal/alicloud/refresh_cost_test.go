package alicloud_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
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
	ensGroups, ecsGroups := env.AliEnsGroups(t, groups), env.AliEcsGroups(t, groups)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), rulesConfig(ensGroups, ecsGroups, rules))
	var objects []string
	for _, g := range ensGroups {
		objects = append(objects, "ens/"+g)
	}
	for _, g := range ecsGroups {
		objects = append(objects, "ecs/"+g)
	}
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
						env.ExpectOneCallPerObject(t, "alicloud", "DescribeSecurityGroupAttribute",
							func(r emulator.Record) string { return r.Service + "/" + r.Params["SecurityGroupId"] }, objects),
					},
				},
			},
		},
	})
}

// TestAccMembership_refreshCost: a refreshing plan of 12 instance
// associations on 3 instances and 12 ENI associations on 3 ENIs describes
// each instance and each ENI once, not once per association; and a
// membership left out of band after one command is seen by the next, since
// each command is a new provider process with an empty cache.
func TestAccMembership_refreshCost(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	const members, groups = 3, 4 // with the default group, 5: ECS's quota per member
	var instances, enis, sgs []string
	const vpc = "vpc-cost000000000000000"
	env.AliSeed(t, func(s *aliemu.State) {
		def := acctest.AliID("sg")
		s.SecurityGroups = append(s.SecurityGroups, aliemu.SecurityGroup{ID: def, RegionID: acctest.AliRegion, Name: "default", VpcID: vpc})
		for i := range groups {
			sgs = append(sgs, acctest.AliID("sg"))
			s.SecurityGroups = append(s.SecurityGroups, aliemu.SecurityGroup{ID: sgs[i], RegionID: acctest.AliRegion, Name: fmt.Sprintf("cost-%d", i), VpcID: vpc})
		}
		for i := range members {
			instances, enis = append(instances, acctest.AliID("i")), append(enis, acctest.AliID("eni"))
			s.Instances = append(s.Instances, aliemu.Instance{
				ID: instances[i], RegionID: acctest.AliRegion, Name: fmt.Sprintf("cost-%d", i), Status: "Running", VpcID: vpc,
				SecurityGroupIDs: []string{def},
			})
			s.NetworkInterfaces = append(s.NetworkInterfaces, aliemu.NetworkInterface{
				ID: enis[i], RegionID: acctest.AliRegion, VpcID: vpc, SecurityGroupIDs: []string{def},
			})
		}
	})
	quoted := func(ids []string) string { return `["` + strings.Join(ids, `", "`) + `"]` }
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), fmt.Sprintf(`
locals {
  instances = %[1]s
  enis      = %[2]s
  groups    = %[3]s
}

resource "secgroup_alicloud_instance_association" "many" {
  count             = length(local.instances) * length(local.groups)
  instance_id       = local.instances[count.index %% length(local.instances)]
  security_group_id = local.groups[floor(count.index / length(local.instances))]
}

resource "secgroup_alicloud_eni_association" "many" {
  count                = length(local.enis) * length(local.groups)
  network_interface_id = local.enis[count.index %% length(local.enis)]
  security_group_id    = local.groups[floor(count.index / length(local.enis))]
}
`, quoted(instances), quoted(enis), quoted(sgs)))
	oneDescribeEach := []plancheck.PlanCheck{
		env.ExpectEachObjectOnce(t, "alicloud", "DescribeInstances", func(r emulator.Record) []string {
			var ids []string
			_ = json.Unmarshal([]byte(r.Params["InstanceIds"]), &ids)
			return ids
		}, instances),
		env.ExpectEachObjectOnce(t, "alicloud", "DescribeNetworkInterfaces", func(r emulator.Record) []string {
			var ids []string
			for k, v := range r.Params {
				if strings.HasPrefix(k, "NetworkInterfaceId.") {
					ids = append(ids, v)
				}
			}
			return ids
		}, enis),
	}
	// many[0] (many.0 in the checks' state) is the first group on the first member.
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t, env),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// A plan-only step runs one plan without refresh, then one
				// `terraform plan` that refreshes every association: its
				// calls are the log after this reset.
				PreConfig: env.Emulator.ResetRequests,
				Config:    config,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: append([]plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}, oneDescribeEach...),
				},
			},
			{
				PreConfig: func() {
					for _, leave := range []resource.TestCheckFunc{
						testAccLeaveOutOfBand(t, env, "InstanceId", instances[0], sgs[0]),
						testAccLeaveOutOfBand(t, env, "NetworkInterfaceId", enis[0], sgs[0]),
					} {
						if err := leave(nil); err != nil {
							t.Fatal(err)
						}
					}
					env.Emulator.ResetRequests()
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: append([]plancheck.PlanCheck{
						plancheck.ExpectResourceAction(instanceAssocType+".many[0]", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(eniAssocType+".many[0]", plancheck.ResourceActionCreate),
					}, oneDescribeEach...),
				},
			},
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckMembershipExists(t, env, instanceAssocType+".many.0"),
					testAccCheckMembershipExists(t, env, eniAssocType+".many.0"),
				),
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
