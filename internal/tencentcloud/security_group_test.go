package tencentcloud_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/tencentcloud"
)

const sgAddr = "secgroup_tencentcloud_security_group.test"

func TestAccSecurityGroup_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	env.Tencent(t)
	name := "acc-" + acctest.TencentID("t")

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSecurityGroupDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "first", `tags = { env = "test", team = "a" }`)),
				Check:  testAccCheckSecurityGroupExists(t, env, sgAddr),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sgAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^sg-[0-9a-z]{8}$`))),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("description"), knownvalue.StringExact("first")),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("force_delete"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"env": knownvalue.StringExact("test"), "team": knownvalue.StringExact("a"),
					})),
				},
			},
			{
				ResourceName:            sgAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// Name, description and tags change in place.
				Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name+"-2", "second", `tags = { env = "prod", owner = "me" }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sgAddr, plancheck.ResourceActionUpdate)},
				},
				Check: testAccCheckSecurityGroupExists(t, env, sgAddr),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("name"), knownvalue.StringExact(name+"-2")),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("description"), knownvalue.StringExact("second")),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"env": knownvalue.StringExact("prod"), "owner": knownvalue.StringExact("me"),
					})),
				},
			},
			{
				// The cloud agrees: refreshed and planned again, nothing changes.
				Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name+"-2", "second", `tags = { env = "prod", owner = "me" }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Tags and description removed: back to none and "".
				Config: acctest.ConfigCompose(env.TencentProviderConfig(), fmt.Sprintf(`
resource "secgroup_tencentcloud_security_group" "test" {
  name = %[1]q
}
`, name)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("tags"), knownvalue.Null()),
				},
				Check: func(s *terraform.State) error {
					g, err := findSecurityGroup(t, env, s.RootModule().Resources[sgAddr].Primary.ID)
					if err != nil {
						return err
					}
					if len(g.TagSet) != 0 || g.SecurityGroupDesc != "" {
						return fmt.Errorf("cloud still has tags %v and description %q", g.TagSet, g.SecurityGroupDesc)
					}
					return nil
				},
			},
		},
	})
}

func TestAccSecurityGroup_disappears(t *testing.T) {
	env := acctest.NewEnv(t)
	env.Tencent(t)
	config := acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig("acc-"+acctest.TencentID("d"), "", ""))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSecurityGroupDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckSecurityGroupExists(t, env, sgAddr),
					// Out of band, through the cloud API: works against a real cloud too.
					func(s *terraform.State) error {
						return env.TencentClient(t).Call(context.Background(), "vpc", "", "DeleteSecurityGroup",
							map[string]any{"SecurityGroupId": s.RootModule().Resources[sgAddr].Primary.ID}, nil)
					},
				),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sgAddr, plancheck.ResourceActionCreate)},
				},
				Check: testAccCheckSecurityGroupExists(t, env, sgAddr),
			},
		},
	})
}

// TestAccSecurityGroup_drift: name, description and tags changed out of band
// (a tag's value changed, one removed, one added) show up in the next plan as
// an in-place update, which puts the configuration back.
func TestAccSecurityGroup_drift(t *testing.T) {
	env := acctest.NewEnv(t)
	env.Tencent(t)
	name := "acc-" + acctest.TencentID("g")
	config := acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "first", `tags = { env = "test", team = "a" }`))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSecurityGroupDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					// Out of band, through the cloud API: works against a real cloud too.
					c, id := env.TencentClient(t), s.RootModule().Resources[sgAddr].Primary.ID
					err := c.Call(context.Background(), "vpc", "", "ModifySecurityGroupAttribute", map[string]any{
						"SecurityGroupId": id, "GroupName": name + "-x", "GroupDescription": "changed",
					}, nil)
					if err != nil {
						return err
					}
					return c.Call(context.Background(), "tag", "", "ModifyResourceTags", map[string]any{
						"Resource":    fmt.Sprintf("qcs::cvm:%s:uin/:sg/%s", c.Region(""), id),
						"ReplaceTags": []map[string]string{{"TagKey": "env", "TagValue": "prod"}, {"TagKey": "extra", "TagValue": "x"}},
						"DeleteTags":  []map[string]string{{"TagKey": "team"}},
					}, nil)
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sgAddr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckSecurityGroupExists(t, env, sgAddr),
					func(s *terraform.State) error {
						g, err := findSecurityGroup(t, env, s.RootModule().Resources[sgAddr].Primary.ID)
						if err != nil {
							return err
						}
						if got := fmt.Sprint(g.TagSet); got != "[{env test} {team a}]" {
							return fmt.Errorf("cloud tags %s after the apply, want env=test and team=a only", got)
						}
						return nil
					},
				),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccSecurityGroup_projectReplace: a new project_id replaces the group (a
// new ID in the new project, the old group deleted), then plans empty. The
// import in between reads everything back but force_delete, which the cloud
// does not know: it imports as false.
func TestAccSecurityGroup_projectReplace(t *testing.T) {
	env := acctest.NewEnv(t)
	env.Tencent(t)
	name := "acc-" + acctest.TencentID("p")
	var firstID string
	config := func(project int) string {
		return acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "", fmt.Sprintf("project_id = %d\nforce_delete = true", project)))
	}

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSecurityGroupDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config(0),
				Check: func(s *terraform.State) error {
					firstID = s.RootModule().Resources[sgAddr].Primary.ID
					return nil
				},
			},
			{
				ResourceName:      sgAddr,
				ImportState:       true,
				ImportStateVerify: true,
				// The cloud has no force_delete to read back: it imports as false.
				ImportStateVerifyIgnore: []string{"timeouts", "force_delete"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["force_delete"] != "false" {
						return fmt.Errorf("imported %d states, force_delete %q; want one, false", len(states), states[0].Attributes["force_delete"])
					}
					return nil
				},
			},
			{
				Config: config(1001),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sgAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sgAddr, tfjsonpath.New("project_id"), knownvalue.Int64Exact(1001)),
				},
				Check: func(s *terraform.State) error {
					id := s.RootModule().Resources[sgAddr].Primary.ID
					if id == firstID {
						return fmt.Errorf("the group kept its ID %s", id)
					}
					g, err := findSecurityGroup(t, env, id)
					if err != nil {
						return err
					}
					if g.ProjectId != "1001" {
						return fmt.Errorf("the new group is in project %s, want 1001", g.ProjectId)
					}
					if _, err := findSecurityGroup(t, env, firstID); !apierr.IsNotFound(err) {
						return fmt.Errorf("the replaced group %s: %v, want it gone", firstID, err)
					}
					return nil
				},
			},
			{
				Config: config(1001),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccSecurityGroup_deleteRefusedWhenBound: without force_delete, destroying
// a group that instances still use fails at once with one clear error, and
// makes no write; with force_delete it then goes.
func TestAccSecurityGroup_deleteRefusedWhenBound(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	name := "acc-" + acctest.TencentID("r")
	var bound []string

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSecurityGroupDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "", "")),
				Check: func(s *terraform.State) error {
					bound = bindInstances(env, s.RootModule().Resources[sgAddr].Primary.ID, f.DefaultGroupID, 7)
					return nil
				},
			},
			{
				Config:  acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "", "")),
				Destroy: true,
				// Terraform wraps the message: any space may be a line break.
				ExpectError: regexp.MustCompile(`is\s+still\s+bound\s+to\s+7\s+CVM\s+instances\s+\((ins-[0-9a-z]{8},\s+){4}ins-[0-9a-z]{8}\s+and\s+2\s+more\),` +
					`(?s:.*)Set\s+force_delete\s+=\s+true`),
			},
			{
				PreConfig: func() {
					if writes := env.Requests(t, "tencentcloud", "DisassociateSecurityGroups", "DeleteSecurityGroup"); len(writes) != 0 {
						t.Errorf("the refused destroy made %d writes, want none: %+v", len(writes), writes)
					}
					for _, id := range bound {
						if !slices.Contains(instanceGroups(env, id), groupIDOf(env, name)) {
							t.Errorf("instance %s lost the group on a refused destroy", id)
						}
					}
				},
				Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "", "force_delete = true")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// force_delete is only kept in the state: an update without API calls.
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sgAddr, plancheck.ResourceActionUpdate)},
				},
			},
		},
	})
}

// TestAccSecurityGroup_forceDelete250 destroys a group bound to 250 instances
// with force_delete: every instance is unbound and keeps its other group, in
// 3 DisassociateSecurityGroups calls of at most 100 instances and 1 delete,
// and CVM's 10 requests per second are never exceeded.
func TestAccSecurityGroup_forceDelete250(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	name := "acc-" + acctest.TencentID("f")
	var groupID string
	var bound []string
	// The documented limit, enforced per action as the cloud does.
	env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: "tencentcloud", Service: "cvm", RateLimitQPS: 10}})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := testAccCheckSecurityGroupDestroy(t, env)(s); err != nil {
				return err
			}
			for _, id := range bound {
				if got := instanceGroups(env, id); !slices.Equal(got, []string{f.DefaultGroupID}) {
					return fmt.Errorf("instance %s is in %v after the forced delete, want only its other group %s", id, got, f.DefaultGroupID)
				}
			}
			unbinds := env.Requests(t, "tencentcloud", "DisassociateSecurityGroups")
			if len(unbinds) != 3 {
				return fmt.Errorf("%d DisassociateSecurityGroups calls, want 3", len(unbinds))
			}
			var unbound []string
			for _, r := range unbinds {
				var p struct{ SecurityGroupIds, InstanceIds []string }
				if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
					return err
				}
				if !slices.Equal(p.SecurityGroupIds, []string{groupID}) || len(p.InstanceIds) > 100 || r.ErrorCode != "" {
					return fmt.Errorf("DisassociateSecurityGroups sent %d instances of groups %v (error %q)", len(p.InstanceIds), p.SecurityGroupIds, r.ErrorCode)
				}
				unbound = append(unbound, p.InstanceIds...)
			}
			slices.Sort(unbound)
			if want := slices.Sorted(slices.Values(bound)); !slices.Equal(unbound, want) {
				return fmt.Errorf("the calls unbound %d instances, want each of the %d exactly once", len(unbound), len(want))
			}
			if deletes := env.Requests(t, "tencentcloud", "DeleteSecurityGroup"); len(deletes) != 1 || deletes[0].Seq < unbinds[2].Seq {
				return fmt.Errorf("DeleteSecurityGroup calls %+v, want 1 after the unbinding", deletes)
			}
			for _, r := range env.Requests(t, "tencentcloud") {
				if r.ErrorCode == "RequestLimitExceeded" {
					return fmt.Errorf("%s was throttled: the client exceeded CVM's 10 requests per second", r.Action)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "", "force_delete = true")),
				Check: func(s *terraform.State) error {
					groupID = s.RootModule().Resources[sgAddr].Primary.ID
					bound = bindInstances(env, groupID, f.DefaultGroupID, 250)
					env.Emulator.ResetRequests()
					return nil
				},
			},
			{
				// The destroy plan warns with the count (checked in the
				// ModifyPlan unit test); here it must plan a delete.
				Config:  acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "", "force_delete = true")),
				Destroy: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(sgAddr, plancheck.ResourceActionDestroy)},
				},
			},
		},
	})
}

// TestAccSecurityGroup_referenced: a group that another group's rules
// reference is refused, with force_delete, before anything is unbound.
func TestAccSecurityGroup_referenced(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	name := "acc-" + acctest.TencentID("x")
	referrer := acctest.TencentID("sg")
	config := acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "", "force_delete = true"))
	var bound []string

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSecurityGroupDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					id := s.RootModule().Resources[sgAddr].Primary.ID
					bound = bindInstances(env, id, f.DefaultGroupID, 3)
					env.TC.Mutate(func(st *tcemu.State) {
						st.SecurityGroups = append(st.SecurityGroups, tcemu.SecurityGroup{ID: referrer, Name: "app", Region: acctest.TCRegion, References: []string{id}})
					})
					return nil
				},
			},
			{
				Config:  config,
				Destroy: true,
				ExpectError: regexp.MustCompile(`rules\s+of\s+1\s+other\s+security\s+group\(s\)\s+reference\s+it:\s+` + referrer +
					`(?s:.*)No\s+instance\s+was\s+unbound`),
			},
			{
				PreConfig: func() {
					if writes := env.Requests(t, "tencentcloud", "DisassociateSecurityGroups", "DeleteSecurityGroup"); len(writes) != 0 {
						t.Errorf("the refused destroy made %d writes, want none: %+v", len(writes), writes)
					}
					for _, id := range bound {
						if len(instanceGroups(env, id)) != 2 {
							t.Errorf("instance %s was unbound although the delete was refused", id)
						}
					}
					// Let the test's own destroy clean up.
					env.TC.Mutate(func(st *tcemu.State) {
						st.SecurityGroups = slices.DeleteFunc(st.SecurityGroups, func(g tcemu.SecurityGroup) bool { return g.ID == referrer })
					})
				},
				Config: config,
			},
		},
	})
}

// TestAccSecurityGroup_forceDeleteWaitsForUnbinding: the unbinding takes a
// moment to reach the VPC (here 3 s), during which DeleteSecurityGroup
// answers ResourceInUse. The forced delete backs off and retries until it
// goes through, within the timeout; before, it gave up after three
// immediate tries.
func TestAccSecurityGroup_forceDeleteWaitsForUnbinding(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	name := "acc-" + acctest.TencentID("p")
	config := acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "", "force_delete = true"))
	var bound []string
	env.TC.Mutate(func(s *tcemu.State) { s.UnbindPropagationMS = 3000 })

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := testAccCheckSecurityGroupDestroy(t, env)(s); err != nil {
				return err
			}
			deletes := env.Requests(t, "tencentcloud", "DeleteSecurityGroup")
			if len(deletes) < 2 || deletes[0].ErrorCode != "ResourceInUse" || deletes[len(deletes)-1].ErrorCode != "" {
				return fmt.Errorf("DeleteSecurityGroup calls %+v, want ResourceInUse while the unbinding propagates, then success", deletes)
			}
			if unbinds := env.Requests(t, "tencentcloud", "DisassociateSecurityGroups"); len(unbinds) != 1 {
				return fmt.Errorf("%d DisassociateSecurityGroups calls, want 1: the later rounds find nothing bound", len(unbinds))
			}
			for _, id := range bound {
				if got := instanceGroups(env, id); !slices.Equal(got, []string{f.DefaultGroupID}) {
					return fmt.Errorf("instance %s is in %v, want only %s", id, got, f.DefaultGroupID)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				bound = bindInstances(env, s.RootModule().Resources[sgAddr].Primary.ID, f.DefaultGroupID, 3)
				return nil
			},
		}},
	})
}

// TestAccSecurityGroup_forceDeleteRefusesOtherBindings: bindings that
// force_delete cannot undo (a CLB, CDB instances: not CVM) are named from
// DescribeSecurityGroupAssociationStatistics and refused at once, before any
// instance is unbound.
func TestAccSecurityGroup_forceDeleteRefusesOtherBindings(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	name := "acc-" + acctest.TencentID("o")
	config := acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "", "force_delete = true"))
	var groupID string
	var bound []string
	setOthers := func(others map[string]int) {
		env.TC.Mutate(func(s *tcemu.State) {
			for i := range s.SecurityGroups {
				if s.SecurityGroups[i].ID == groupID {
					s.SecurityGroups[i].OtherBindings = others
				}
			}
		})
	}

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSecurityGroupDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					groupID = s.RootModule().Resources[sgAddr].Primary.ID
					bound = bindInstances(env, groupID, f.DefaultGroupID, 2)
					setOthers(map[string]int{"CLB": 1, "CDB": 2})
					return nil
				},
			},
			{
				Config:      config,
				Destroy:     true,
				ExpectError: acctest.ErrorRegexp(`(?s)is bound to 2 CDB, 1 CLB, which force_delete cannot unbind.*No instance was unbound`),
			},
			{
				PreConfig: func() {
					if writes := env.Requests(t, "tencentcloud", "DisassociateSecurityGroups", "DeleteSecurityGroup"); len(writes) != 0 {
						t.Errorf("the refused destroy made %d writes, want none: %+v", len(writes), writes)
					}
					for _, id := range bound {
						if !slices.Contains(instanceGroups(env, id), groupID) {
							t.Errorf("instance %s was unbound although the delete was refused", id)
						}
					}
					setOthers(nil) // let the test's own destroy clean up
				},
				Config: config,
			},
		},
	})
}

// TestAccSecurityGroup_wire proves the exact calls and parameters of create and destroy.
func TestAccSecurityGroup_wire(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Tencent(t)
	name := "acc-" + acctest.TencentID("w")
	var id string

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			want := []struct{ action, body string }{
				{"CreateSecurityGroup", fmt.Sprintf(`{"GroupName":%q,"GroupDescription":"web tier","ProjectId":"0","Tags":[{"Key":"env","Value":"test"}]}`, name)},
				{"DescribeSecurityGroupReferences", fmt.Sprintf(`{"SecurityGroupIds":[%q]}`, id)},
				{"DescribeInstances", fmt.Sprintf(`{"Filters":[{"Name":"security-group-id","Values":[%q]}],"Offset":0,"Limit":100}`, id)},
				{"DeleteSecurityGroup", fmt.Sprintf(`{"SecurityGroupId":%q}`, id)},
			}
			for _, w := range want {
				calls := env.Requests(t, "tencentcloud", w.action)
				if len(calls) == 0 {
					return fmt.Errorf("no %s call", w.action)
				}
				last := calls[len(calls)-1]
				if err := jsonEqual(last.Body, w.body); err != nil {
					return fmt.Errorf("%s: %w", w.action, err)
				}
				if last.Method != "POST" || last.Path != "/" || last.ErrorCode != "" {
					return fmt.Errorf("%s went out as %s %s (error %q)", w.action, last.Method, last.Path, last.ErrorCode)
				}
			}
			if n := len(env.Requests(t, "tencentcloud", "CreateSecurityGroup")); n != 1 {
				return fmt.Errorf("%d CreateSecurityGroup calls, want 1", n)
			}
			if n := len(env.Requests(t, "tencentcloud", "DisassociateSecurityGroups")); n != 0 {
				return fmt.Errorf("an unbound group's destroy made %d DisassociateSecurityGroups calls", n)
			}
			return testAccCheckSecurityGroupDestroy(t, env)(s)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "web tier", `tags = { env = "test" }`)),
			Check: func(s *terraform.State) error {
				id = s.RootModule().Resources[sgAddr].Primary.ID
				return nil
			},
		}},
	})
}

// TestAccSecurityGroup_lostCreateAnswer loses CreateSecurityGroup's answer after
// the group was made: the retry finds that group instead of creating a second.
func TestAccSecurityGroup_lostCreateAnswer(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Tencent(t)
	name := "acc-" + acctest.TencentID("l")
	env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: "tencentcloud", Actions: []string{"CreateSecurityGroup"}, DropRate: 1, Times: 1}})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSecurityGroupDestroy(t, env),
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "d", "")),
			Check: func(s *terraform.State) error {
				creates := env.Requests(t, "tencentcloud", "CreateSecurityGroup")
				if len(creates) != 1 || creates[0].Fault != emulator.FaultDrop {
					return fmt.Errorf("CreateSecurityGroup calls %+v, want the one whose answer was lost", creates)
				}
				var named []string
				for _, g := range env.TC.State().SecurityGroups {
					if g.Name == name {
						named = append(named, g.ID)
					}
				}
				if len(named) != 1 || named[0] != s.RootModule().Resources[sgAddr].Primary.ID {
					return fmt.Errorf("groups named %s: %v, want exactly the one in the state", name, named)
				}
				return nil
			},
		}},
	})
}

// TestAccSecurityGroup_lostCreateAnswerSameName loses one CreateSecurityGroup
// answer while another group of the account already has the same name,
// description and project (created moments ago, as by an earlier run), and a
// sibling resource (count = 2) creates one more: the retry keeps the group its
// lost attempt made, never the other two, so no group is shared or left behind.
func TestAccSecurityGroup_lostCreateAnswerSameName(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Tencent(t)
	name := "acc-" + acctest.TencentID("s")
	other := acctest.TencentID("sg")
	env.TC.Mutate(func(s *tcemu.State) {
		// Stamped a little ahead (the cloud's clock need not agree with
		// ours): by its creation time alone it looks like the newest candidate.
		s.SecurityGroups = append(s.SecurityGroups, tcemu.SecurityGroup{
			ID: other, Name: name, Description: "d", Region: acctest.TCRegion, CreatedTime: time.Now().Add(5 * time.Second),
		})
	})
	env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: "tencentcloud", Actions: []string{"CreateSecurityGroup"}, DropRate: 1, Times: 1}})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := testAccCheckSecurityGroupDestroy(t, env)(s); err != nil {
				return err
			}
			if groupIDOf(env, name) != other {
				return fmt.Errorf("destroy left a group named %s other than %s", name, other)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.TencentProviderConfig(), fmt.Sprintf(`
resource "secgroup_tencentcloud_security_group" "test" {
  count       = 2
  name        = %[1]q
  description = "d"
}
`, name)),
			Check: func(s *terraform.State) error {
				if n := len(env.Requests(t, "tencentcloud", "CreateSecurityGroup")); n != 2 {
					return fmt.Errorf("%d CreateSecurityGroup calls, want 2 (one of them lost)", n)
				}
				inState := []string{s.RootModule().Resources[sgAddr+".0"].Primary.ID, s.RootModule().Resources[sgAddr+".1"].Primary.ID}
				var named []string
				for _, g := range env.TC.State().SecurityGroups {
					if g.Name == name && g.ID != other {
						named = append(named, g.ID)
					}
				}
				slices.Sort(inState)
				slices.Sort(named)
				if !slices.Equal(inState, named) || inState[0] == inState[1] {
					return fmt.Errorf("the state holds %v, the cloud has %v besides %s: want the same two distinct groups", inState, named, other)
				}
				return nil
			},
		}},
	})
}

func TestAccSecurityGroup_validation(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Tencent(t)
	cases := []struct{ name, extra, want string }{
		{"", "", `Attribute name UTF-8 character count must be between 1 and 60`},
		{strings.Repeat("n", 61), "", `Attribute name UTF-8 character count must be between 1 and 60`},
		{strings.Repeat("网", 61), "", `Attribute name UTF-8 character count must be between 1 and 60`},
		{"ok", `description = "` + strings.Repeat("d", 101) + `"`, `Attribute description UTF-8 character count must be at most 100`},
		{"ok", `project_id = -1`, `Attribute project_id value must be at least 0`},
		{"ok", `project_id = 1.5`, `Attribute project_id must be a whole number, got 1.5`},
		{"ok", `tags = { "" = "x" }`, `string length must be between 1 and 127`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(c.name, "", c.extra)),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(regexp.QuoteMeta(c.want)),
		})
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
		CheckDestroy:             env.CheckNoRequests(t, "tencentcloud"),
	})
}

// TestAccSecurityGroup_unicodeText: the API counts characters, so a name of
// 60 Chinese characters (180 bytes) and a description of 100 are accepted at
// plan time and by the cloud, and plan again as empty.
func TestAccSecurityGroup_unicodeText(t *testing.T) {
	env := acctest.NewEnv(t)
	env.Tencent(t)
	config := acctest.ConfigCompose(env.TencentProviderConfig(),
		testAccSecurityGroupConfig(strings.Repeat("网", 52)+acctest.TencentID("u")[2:], strings.Repeat("描", 100), ""))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSecurityGroupDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  testAccCheckSecurityGroupExists(t, env, sgAddr),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccSecurityGroup_importInvalidID(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Tencent(t)
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig("x", "", "")),
			ResourceName:  sgAddr,
			ImportState:   true,
			ImportStateId: "web",
			ExpectError:   regexp.MustCompile(`Expected a security group ID such as sg-1a2b3c4d`),
		}},
	})
}

func TestAccSecurityGroup_wrongCredentials(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Tencent(t)
	config := strings.Replace(env.TencentProviderConfig(), acctest.TCSecretKey, "wrong-key", 1)
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ConfigCompose(config, testAccSecurityGroupConfig("x", "", "")),
			ExpectError: regexp.MustCompile(`(?s)AuthFailure\.SignatureFailure.*TENCENTCLOUD_SECRET_KEY`),
		}},
	})
}

func testAccSecurityGroupConfig(name, description, extra string) string {
	desc := ""
	if description != "" {
		desc = fmt.Sprintf("description = %q", description)
	}
	return fmt.Sprintf(`
resource "secgroup_tencentcloud_security_group" "test" {
  name = %[1]q
  %[2]s
  %[3]s
}
`, name, desc, extra)
}

func testAccCheckSecurityGroupExists(t *testing.T, env *acctest.Env, addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in the state", addr)
		}
		g, err := findSecurityGroup(t, env, rs.Primary.ID)
		if err != nil {
			return err
		}
		if g.SecurityGroupName != rs.Primary.Attributes["name"] || g.SecurityGroupDesc != rs.Primary.Attributes["description"] {
			return fmt.Errorf("cloud has %q / %q, state has %q / %q", g.SecurityGroupName, g.SecurityGroupDesc, rs.Primary.Attributes["name"], rs.Primary.Attributes["description"])
		}
		return nil
	}
}

func testAccCheckSecurityGroupDestroy(t *testing.T, env *acctest.Env) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "secgroup_tencentcloud_security_group" {
				continue
			}
			_, err := findSecurityGroup(t, env, rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("security group %s still exists", rs.Primary.ID)
			}
			if !apierr.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}

func findSecurityGroup(t *testing.T, env *acctest.Env, id string) (*tencentcloud.SecurityGroup, error) {
	return tencentcloud.FindSecurityGroupByID(context.Background(), env.TencentClient(t), id)
}

// bindInstances adds n instances to the emulated cloud, each bound to
// otherGroup and groupID (in alternating order), and returns their IDs.
func bindInstances(env *acctest.Env, groupID, otherGroup string, n int) []string {
	ids := make([]string, n)
	env.TC.Mutate(func(s *tcemu.State) {
		for i := range ids {
			ids[i] = acctest.TencentID("ins")
			groups := []string{otherGroup, groupID}
			if i%2 == 1 {
				groups = []string{groupID, otherGroup}
			}
			s.Instances = append(s.Instances, tcemu.Instance{ID: ids[i], Name: fmt.Sprintf("bound-%d", i), Region: acctest.TCRegion, SecurityGroupIDs: groups})
		}
	})
	return ids
}

func instanceGroups(env *acctest.Env, id string) []string {
	for _, in := range env.TC.State().Instances {
		if in.ID == id {
			return in.SecurityGroupIDs
		}
	}
	return nil
}

func groupIDOf(env *acctest.Env, name string) string {
	for _, g := range env.TC.State().SecurityGroups {
		if g.Name == name {
			return g.ID
		}
	}
	return ""
}

func jsonEqual(got, want string) error {
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		return fmt.Errorf("not JSON: %q", got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		panic(err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		return fmt.Errorf("got %s, want %s", gb, wb)
	}
	return nil
}

// TestAccSecurityGroup_keptAfterInterruptedRetry: CreateSecurityGroup's
// answer is lost (the group was created), and the 2s create timeout cuts
// off the retry's look for it (3 s of latency; the look before the create
// let through). The create looks once more past the timeout, so the group
// reaches the state, tainted, and the next apply replaces it: one group of
// that name, none orphaned.
func TestAccSecurityGroup_keptAfterInterruptedRetry(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Tencent(t)
	name := "acc-" + acctest.TencentID("k")
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "tencentcloud", Actions: []string{"CreateSecurityGroup"}, DropRate: 1, Times: 1},
		{Cloud: "tencentcloud", Actions: []string{"DescribeSecurityGroups"}, LatencyMS: 3000, After: 1, Times: 1},
	})
	config := acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "d", `timeouts {
    create = "2s"
  }`))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSecurityGroupDestroy(t, env),
		Steps: env.KeptTaintedSteps(config, sgAddr,
			`the 2s create timeout expired during tencentcloud VPC DescribeSecurityGroups.*`+
				`Left behind: security group sg-.* was created.*tainted`,
			func(s *terraform.State) error {
				var named []string
				for _, g := range env.TC.State().SecurityGroups {
					if g.Name == name {
						named = append(named, g.ID)
					}
				}
				if len(named) != 1 || named[0] != s.RootModule().Resources[sgAddr].Primary.ID {
					return fmt.Errorf("groups named %s: %v, want exactly the one in the state", name, named)
				}
				return nil
			}),
	})
}

// Identity (Terraform >= 1.12): the group's ID and the provider's region
// (the group has none of its own), set by create, kept by an in-place
// update (the name), imported by identity.
func TestAccSecurityGroup_identity(t *testing.T) {
	env := acctest.NewEnv(t)
	env.Tencent(t)
	name := "acc-" + acctest.TencentID("t")
	tc := acctest.IdentityTestCase(sgAddr,
		acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "identity", "")),
		acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name+"-2", "identity", "")),
		securityGroupIdentity())
	for _, i := range []int{0, 2} {
		tc.Steps[i].ConfigStateChecks = append(tc.Steps[i].ConfigStateChecks,
			statecheck.ExpectIdentityValueMatchesStateAtPath(sgAddr, tfjsonpath.New("security_group_id"), tfjsonpath.New("id")))
	}
	tc.CheckDestroy = testAccCheckSecurityGroupDestroy(t, env)
	acctest.ParallelTest(t, tc)
}

// A state without identity gets it on the next refresh.
func TestAccSecurityGroup_identityUpgrade(t *testing.T) {
	env := acctest.NewEnv(t)
	env.Tencent(t)
	tc := acctest.IdentityUpgradeTestCase(sgAddr,
		acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig("acc-"+acctest.TencentID("t"), "identity", "")),
		securityGroupIdentity())
	tc.CheckDestroy = testAccCheckSecurityGroupDestroy(t, env)
	acctest.ParallelTest(t, tc)
}

func securityGroupIdentity() map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"security_group_id": knownvalue.StringRegexp(regexp.MustCompile(`^sg-[0-9a-z]{8}$`)),
		"region":            knownvalue.StringExact(acctest.TCRegion),
	}
}
