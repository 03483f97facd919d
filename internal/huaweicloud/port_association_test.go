package huaweicloud_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	vpcmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpc/v3/model"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/huaweicloud"
)

const portAssocAddr = "secgroup_huaweicloud_port_association.test"

// portFixtures returns the Huawei fixtures and the groups the port starts
// with (read through the API, so real-cloud mode knows them too).
func portFixtures(t *testing.T, env *acctest.Env) (acctest.HuaweiFixtures, []string) {
	t.Helper()
	f := env.Huawei(t)
	if f.PortID == "" {
		acctest.FixtureEnv(t, "SECGROUP_ACC_HW_PORT_ID")
	}
	initial, err := portGroupsViaAPI(t, env, f.PortID)
	if err != nil {
		t.Fatalf("reading the fixture port: %s", err)
	}
	if slices.Contains(initial, f.SecurityGroupID) {
		t.Fatalf("fixture port %s already lists security group %s", f.PortID, f.SecurityGroupID)
	}
	return f, initial
}

// extraGroups returns n more security groups: seeded in the emulator, or
// from SECGROUP_ACC_HW_EXTRA_SECURITY_GROUP_IDS (comma-separated) against a
// real cloud.
func extraGroups(t *testing.T, env *acctest.Env, n int) []string {
	t.Helper()
	if env.Emulator == nil {
		ids := strings.Split(acctest.FixtureEnv(t, "SECGROUP_ACC_HW_EXTRA_SECURITY_GROUP_IDS"), ",")
		if len(ids) < n {
			t.Skipf("SECGROUP_ACC_HW_EXTRA_SECURITY_GROUP_IDS lists %d groups; this test needs %d", len(ids), n)
		}
		return ids[:n]
	}
	ids := make([]string, n)
	env.HW.Mutate(func(s *hwemu.State) {
		for i := range ids {
			ids[i] = acctest.UUID()
			s.SecurityGroups = append(s.SecurityGroups, hwemu.SecurityGroup{ID: ids[i], Name: fmt.Sprintf("extra-%d", i), ProjectID: acctest.HWProjectID})
		}
	})
	return ids
}

func TestAccPortAssociation_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	f, initial := portFixtures(t, env)
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckPortAssociationDestroy(t, env),
			// Only our group went: the port's own groups are still there.
			testAccCheckPortGroups(t, env, f.PortID, initial...),
		),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(portAssocAddr, plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckPortAssociationExists(t, env, portAssocAddr),
					testAccCheckPortGroups(t, env, f.PortID, append(slices.Clone(initial), f.SecurityGroupID)...),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("id"), knownvalue.StringExact(f.PortID)),
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("security_group_ids"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(f.SecurityGroupID)})),
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("all_security_group_ids"), setOf(append(slices.Clone(initial), f.SecurityGroupID)...)),
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("enforce"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("region"), knownvalue.NotNull()),
				},
			},
			{
				// Import adopts every group on the port, the port's own included.
				ResourceName:            portAssocAddr,
				ImportState:             true,
				ImportStateId:           f.PortID,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"security_group_ids"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d states, want 1", len(states))
					}
					got := setAttr(states[0].Attributes, "security_group_ids")
					want := append(slices.Clone(initial), f.SecurityGroupID)
					sort.Strings(want)
					if !slices.Equal(got, want) {
						return fmt.Errorf("imported security_group_ids %v, want every group on the port %v", got, want)
					}
					return nil
				},
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

func TestAccPortAssociation_updateAddRemove(t *testing.T) {
	env := acctest.NewEnv(t)
	f, initial := portFixtures(t, env)
	extra := extraGroups(t, env, 1)[0]

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckPortAssociationDestroy(t, env),
			testAccCheckPortGroups(t, env, f.PortID, initial...),
		),
		Steps: []resource.TestStep{
			{
				Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID)),
				Check:  testAccCheckPortGroups(t, env, f.PortID, append(slices.Clone(initial), f.SecurityGroupID)...),
			},
			{
				Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID, extra)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(portAssocAddr, plancheck.ResourceActionUpdate)},
				},
				Check: testAccCheckPortGroups(t, env, f.PortID, append(slices.Clone(initial), f.SecurityGroupID, extra)...),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("security_group_ids"), setOf(f.SecurityGroupID, extra)),
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("all_security_group_ids"), setOf(append(slices.Clone(initial), f.SecurityGroupID, extra)...)),
				},
			},
			{
				Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, extra)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(portAssocAddr, plancheck.ResourceActionUpdate)},
				},
				Check: testAccCheckPortGroups(t, env, f.PortID, append(slices.Clone(initial), extra)...),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("security_group_ids"), setOf(extra)),
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("all_security_group_ids"), setOf(append(slices.Clone(initial), extra)...)),
				},
			},
		},
	})
}

// TestAccPortAssociation_enforce: with enforce the port's own groups are
// removed, and a group another writer adds later shows as drift and is
// removed on the next apply.
func TestAccPortAssociation_enforce(t *testing.T) {
	env := acctest.NewEnv(t)
	f, initial := portFixtures(t, env)
	foreign := extraGroups(t, env, 1)[0]
	// Enforce empties the fixture port of its own groups: put them back.
	t.Cleanup(func() { restorePortGroups(t, env, f.PortID, initial) })
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationEnforceConfig(f.PortID, f.SecurityGroupID))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPortAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  testAccCheckPortGroups(t, env, f.PortID, f.SecurityGroupID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("enforce"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("security_group_ids"), setOf(f.SecurityGroupID)),
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("all_security_group_ids"), setOf(f.SecurityGroupID)),
				},
			},
			{
				// Another writer adds a group: with enforce it is drift.
				PreConfig: func() {
					if err := insertPortGroupsViaAPI(t, env, f.PortID, foreign); err != nil {
						t.Fatal(err)
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(portAssocAddr, plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(portAssocAddr, plancheck.ResourceActionUpdate)},
				},
				Check: testAccCheckPortGroups(t, env, f.PortID, f.SecurityGroupID),
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

// TestAccPortAssociation_enforceToggle: turning enforce off stops managing
// other writers' groups (the plan removes none, no remove goes out, the
// foreign group stays); turning it on shows in the plan, as the planned
// all_security_group_ids, which groups it will remove.
func TestAccPortAssociation_enforceToggle(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f, initial := portFixtures(t, env)
	groups := extraGroups(t, env, 2)
	ours, foreign := groups[0], groups[1]
	t.Cleanup(func() { restorePortGroups(t, env, f.PortID, initial) })
	enforced := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationEnforceConfig(f.PortID, f.SecurityGroupID, ours))
	relaxed := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID, ours))
	removes := func() int { return len(env.Requests(t, "huaweicloud", "RemoveSecurityGroups")) }
	var removesBefore int

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckPortAssociationDestroy(t, env),
			testAccCheckPortGroups(t, env, f.PortID, foreign),
		),
		Steps: []resource.TestStep{
			{
				Config: enforced,
				Check:  testAccCheckPortGroups(t, env, f.PortID, f.SecurityGroupID, ours),
			},
			{
				// Another writer adds a group; enforce goes off: the group is
				// no longer ours to remove.
				PreConfig: func() {
					if err := insertPortGroupsViaAPI(t, env, f.PortID, foreign); err != nil {
						t.Fatal(err)
					}
					removesBefore = removes()
				},
				Config: relaxed,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(portAssocAddr, plancheck.ResourceActionUpdate),
						expectUnchangedAttr(portAssocAddr, "security_group_ids"),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckPortGroups(t, env, f.PortID, f.SecurityGroupID, ours, foreign),
					func(*terraform.State) error {
						if n := removes() - removesBefore; n != 0 {
							return fmt.Errorf("%d RemoveSecurityGroups calls went out, want none", n)
						}
						return nil
					},
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("security_group_ids"), setOf(f.SecurityGroupID, ours)),
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("all_security_group_ids"), setOf(f.SecurityGroupID, ours, foreign)),
				},
			},
			{
				// Enforce on again: the plan says the foreign group goes.
				Config: enforced,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(portAssocAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("all_security_group_ids"), setOf(f.SecurityGroupID, ours)),
					},
				},
				Check: testAccCheckPortGroups(t, env, f.PortID, f.SecurityGroupID, ours),
			},
			{
				// Enforce off, a group of ours dropped in the same change: that
				// one goes, the foreign group added since stays.
				PreConfig: func() {
					if err := insertPortGroupsViaAPI(t, env, f.PortID, foreign); err != nil {
						t.Fatal(err)
					}
				},
				Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, ours)),
				Check:  testAccCheckPortGroups(t, env, f.PortID, ours, foreign),
			},
		},
	})
}

// expectUnchangedAttr checks that the plan leaves attr as it was: no element
// removed or added.
func expectUnchangedAttr(addr, attr string) plancheck.PlanCheck {
	return unchangedAttr{addr, attr}
}

type unchangedAttr struct{ addr, attr string }

func (c unchangedAttr) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		b, _ := json.Marshal(before[c.attr])
		a, _ := json.Marshal(after[c.attr])
		if string(a) != string(b) {
			resp.Error = fmt.Errorf("%s: the plan changes %s from %s to %s", c.addr, c.attr, b, a)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.addr)
}

// TestAccPortAssociation_foreignGroupIgnored: without enforce, a group
// another writer adds is no difference and survives our update and destroy.
func TestAccPortAssociation_foreignGroupIgnored(t *testing.T) {
	env := acctest.NewEnv(t)
	f, initial := portFixtures(t, env)
	groups := extraGroups(t, env, 2)
	foreign, ours := groups[0], groups[1]
	t.Cleanup(func() { removePortGroupsIfPresent(t, env, f.PortID, foreign) })

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckPortAssociationDestroy(t, env),
			testAccCheckPortGroups(t, env, f.PortID, append(slices.Clone(initial), foreign)...),
		),
		Steps: []resource.TestStep{
			{
				Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID)),
			},
			{
				PreConfig: func() {
					if err := insertPortGroupsViaAPI(t, env, f.PortID, foreign); err != nil {
						t.Fatal(err)
					}
				},
				Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("security_group_ids"), setOf(f.SecurityGroupID)),
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("all_security_group_ids"), setOf(append(slices.Clone(initial), f.SecurityGroupID, foreign)...)),
				},
			},
			{
				// Replacing our group leaves the foreign one in place.
				Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, ours)),
				Check:  testAccCheckPortGroups(t, env, f.PortID, append(slices.Clone(initial), foreign, ours)...),
			},
		},
	})
}

// TestAccPortAssociation_outOfBandRemoval: a group of ours removed behind
// terraform's back shows as an in-place update and is inserted again.
func TestAccPortAssociation_outOfBandRemoval(t *testing.T) {
	env := acctest.NewEnv(t)
	f, initial := portFixtures(t, env)
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPortAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckPortAssociationExists(t, env, portAssocAddr),
					// Through the cloud API: works against a real cloud too.
					func(*terraform.State) error { return removePortGroupsViaAPI(t, env, f.PortID, f.SecurityGroupID) },
				),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(portAssocAddr, plancheck.ResourceActionUpdate)},
				},
				Check: testAccCheckPortGroups(t, env, f.PortID, append(slices.Clone(initial), f.SecurityGroupID)...),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("security_group_ids"), setOf(f.SecurityGroupID)),
				},
			},
		},
	})
}

// TestAccPortAssociation_portDeleted: a port deleted out of band leaves the
// state with a warning, plans a create, and destroy makes no write.
func TestAccPortAssociation_portDeleted(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f, _ := portFixtures(t, env)
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(env.Requests(t, "huaweicloud", "RemoveSecurityGroups")); n != 0 {
				return fmt.Errorf("%d RemoveSecurityGroups calls for a deleted port, want 0", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.HW.Mutate(func(s *hwemu.State) { s.Ports = nil })
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(portAssocAddr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// TestAccPortAssociation_groupsGoneBeforeDestroy: when every group of ours
// is already off the port, destroy succeeds without an (empty) remove call.
func TestAccPortAssociation_groupsGoneBeforeDestroy(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f, initial := portFixtures(t, env)

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if reqs := env.Requests(t, "huaweicloud", "RemoveSecurityGroups"); len(reqs) != 0 {
				return fmt.Errorf("destroy sent %d RemoveSecurityGroups calls, want 0: %+v", len(reqs), reqs)
			}
			return testAccCheckPortGroups(t, env, f.PortID, initial...)(nil)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID)),
			Check: func(*terraform.State) error {
				// Out of band and unlogged: the cloud's state only.
				env.HW.Mutate(func(s *hwemu.State) {
					for i := range s.Ports {
						s.Ports[i].SecurityGroups = slices.DeleteFunc(s.Ports[i].SecurityGroups, func(id string) bool { return id == f.SecurityGroupID })
					}
				})
				return nil
			},
			ExpectNonEmptyPlan: true,
		}},
	})
}

// TestAccPortAssociation_wire proves the exact calls: inserts and removes
// carry only the changed groups in the documented body, destroy removes only
// ours that the port still lists, and no full-list port update is ever sent.
func TestAccPortAssociation_wire(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f, _ := portFixtures(t, env)
	groups := extraGroups(t, env, 3)
	x, y, foreign := groups[0], groups[1], groups[2]
	portPath := fmt.Sprintf("/v3/%s/ports/%s", acctest.HWProjectID, f.PortID)
	body := func(ids ...string) string {
		return fmt.Sprintf(`{"port":{"security_groups":[%s]}}`, `"`+strings.Join(ids, `","`)+`"`)
	}
	// expectWrites checks the writes logged since the previous check.
	seen := 0
	expectWrites := func(want ...[2]string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			writes := env.Requests(t, "huaweicloud", "AddSecurityGroups", "RemoveSecurityGroups")
			got := writes[seen:]
			seen = len(writes)
			if len(got) != len(want) {
				return fmt.Errorf("%d writes %+v, want %d", len(got), got, len(want))
			}
			for i, w := range want {
				suffix := map[string]string{"AddSecurityGroups": "/insert-security-groups", "RemoveSecurityGroups": "/remove-security-groups"}[got[i].Action]
				if got[i].Action != w[0] || got[i].Method != "PUT" || got[i].Path != portPath+suffix || got[i].Status != 200 {
					return fmt.Errorf("write %d went out as %s %s %s (status %d), want %s", i, got[i].Action, got[i].Method, got[i].Path, got[i].Status, w[0])
				}
				if err := portBodyEqual(got[i].Body, w[1]); err != nil {
					return fmt.Errorf("%s body: %w", w[0], err)
				}
			}
			return nil
		}
	}

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			// Of ours, only y is still on the port; the foreign group is
			// not ours.
			if err := expectWrites([2]string{"RemoveSecurityGroups", body(y)})(s); err != nil {
				return err
			}
			if err := testAccCheckPortGroups(t, env, f.PortID, f.DefaultGroupID, foreign)(s); err != nil {
				return err
			}
			allowed := []string{"KeystoneListProjects", "ListPorts", "AddSecurityGroups", "RemoveSecurityGroups"}
			for _, r := range env.Requests(t, "huaweicloud") {
				if !slices.Contains(allowed, r.Action) {
					return fmt.Errorf("unexpected call %s %s (action %q)", r.Method, r.Path, r.Action)
				}
				if r.Method == "PUT" && !strings.HasSuffix(r.Path, "/insert-security-groups") && !strings.HasSuffix(r.Path, "/remove-security-groups") {
					return fmt.Errorf("a full-list port update went out: %s %s", r.Method, r.Path)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID, x)),
				Check:  expectWrites([2]string{"AddSecurityGroups", body(f.SecurityGroupID, x)}),
			},
			{
				// One insert of the added group, then one remove of the dropped one.
				Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, x, y)),
				Check: expectWrites(
					[2]string{"AddSecurityGroups", body(y)},
					[2]string{"RemoveSecurityGroups", body(f.SecurityGroupID)},
				),
			},
			{
				Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, y, f.SecurityGroupID)),
				Check: resource.ComposeTestCheckFunc(
					expectWrites(
						[2]string{"AddSecurityGroups", body(f.SecurityGroupID)},
						[2]string{"RemoveSecurityGroups", body(x)},
					),
					func(*terraform.State) error {
						// Out of band and unlogged: one of ours goes, a
						// foreign group comes.
						env.HW.Mutate(func(s *hwemu.State) {
							p := &s.Ports[0]
							p.SecurityGroups = append(slices.DeleteFunc(p.SecurityGroups, func(id string) bool { return id == f.SecurityGroupID }), foreign)
						})
						return nil
					},
				),
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccPortAssociation_parallel applies and destroys several associations
// on one port at once: no group is lost, and the per-port lock keeps their
// writes from overlapping.
func TestAccPortAssociation_parallel(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f, _ := portFixtures(t, env)
	const n = 6
	groups := extraGroups(t, env, n)
	config := env.HuaweiProviderConfig()
	for i, g := range groups {
		config += fmt.Sprintf(`
resource "secgroup_huaweicloud_port_association" "p%[1]d" {
  port_id            = %[2]q
  security_group_ids = [%[3]q]
}
`, i, f.PortID, g)
	}
	// Slow writes make any overlap between two writers of one port visible.
	env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: "huaweicloud", Actions: []string{"AddSecurityGroups", "RemoveSecurityGroups"}, LatencyMS: 100}})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := testAccCheckPortGroups(t, env, f.PortID, f.DefaultGroupID)(nil); err != nil {
				return err
			}
			writes := env.Requests(t, "huaweicloud", "AddSecurityGroups", "RemoveSecurityGroups")
			if len(writes) != 2*n {
				return fmt.Errorf("%d writes, want %d", len(writes), 2*n)
			}
			for i, a := range writes {
				for _, b := range writes[i+1:] {
					if a.Time.Before(b.Done) && b.Time.Before(a.Done) {
						return fmt.Errorf("writes to one port overlapped: %s #%d [%s, %s] and %s #%d [%s, %s]",
							a.Action, a.Seq, a.Time.Format(time.StampMicro), a.Done.Format(time.StampMicro),
							b.Action, b.Seq, b.Time.Format(time.StampMicro), b.Done.Format(time.StampMicro))
					}
				}
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: config,
			Check:  testAccCheckPortGroups(t, env, f.PortID, append([]string{f.DefaultGroupID}, groups...)...),
		}},
	})
}

// TestAccPortAssociation_lostAnswers loses the first answer of an insert and
// of a remove after the change was made: the retries succeed.
func TestAccPortAssociation_lostAnswers(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f, initial := portFixtures(t, env)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "huaweicloud", Actions: []string{"AddSecurityGroups"}, DropRate: 1, Times: 1},
		{Cloud: "huaweicloud", Actions: []string{"RemoveSecurityGroups"}, DropRate: 1, Times: 1},
	})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for _, action := range []string{"AddSecurityGroups", "RemoveSecurityGroups"} {
				calls := env.Requests(t, "huaweicloud", action)
				if len(calls) != 2 || calls[0].Fault != emulator.FaultDrop || calls[1].Status != 200 {
					return fmt.Errorf("%s calls %+v, want a dropped answer, then the retry's 200", action, calls)
				}
			}
			return testAccCheckPortGroups(t, env, f.PortID, initial...)(s)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID)),
			Check:  testAccCheckPortGroups(t, env, f.PortID, append(slices.Clone(initial), f.SecurityGroupID)...),
		}},
	})
}

// A VPC 409 on a port write means another request is changing the port: it
// is retried until the timeout, not reported at once as a conflict. The
// VPC error-code table names no 409 code for these actions; VPC.0999 stands
// for any of them.
func TestAccPortAssociation_busyPortIsRetried(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f, initial := portFixtures(t, env)
	const busyTimes = 3
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "huaweicloud", Actions: []string{"AddSecurityGroups"}, ErrorCode: "VPC.0999", ErrorStatus: 409, Times: busyTimes},
		{Cloud: "huaweicloud", Actions: []string{"RemoveSecurityGroups"}, ErrorCode: "VPC.0999", ErrorStatus: 409, Times: busyTimes},
	})
	config := acctest.ConfigCompose(env.HuaweiProviderConfigWith(acctest.ProviderOptions{MaxRetries: 1}), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for _, action := range []string{"AddSecurityGroups", "RemoveSecurityGroups"} {
				calls := env.Requests(t, "huaweicloud", action)
				// More tries than max_retries allows: busy is bounded by the timeout.
				if len(calls) != busyTimes+1 || calls[0].Status != 409 || calls[busyTimes].Status != 200 {
					return fmt.Errorf("%s calls %+v, want %d busy answers, then a 200", action, calls, busyTimes)
				}
			}
			return testAccCheckPortGroups(t, env, f.PortID, initial...)(s)
		},
		Steps: []resource.TestStep{{
			Config: config,
			Check:  testAccCheckPortGroups(t, env, f.PortID, append(slices.Clone(initial), f.SecurityGroupID)...),
		}},
	})
}

// TestAccPortAssociation_updateFailsHalfWay: the insert of an update goes
// through, the removal fails. The state must list the inserted group, or
// destroy would leave it on the port.
func TestAccPortAssociation_updateFailsHalfWay(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f, initial := portFixtures(t, env)
	groups := extraGroups(t, env, 2)
	x, y := groups[0], groups[1]

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID, x)),
			},
			{
				PreConfig: func() {
					env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: "huaweicloud", Actions: []string{"RemoveSecurityGroups"}, ErrorRate: 1}})
				},
				// Insert y, then the removal of the dropped group fails.
				Config:      acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, x, y)),
				ExpectError: acctest.ErrorRegexp(`(?s)Error Updating Security Groups of Huawei Cloud Port.*RemoveSecurityGroups: HTTP 503 APIGW.0201`),
			},
			{
				PreConfig: func() {
					env.Emulator.SetFaults(nil)
					if err := testAccCheckPortGroups(t, env, f.PortID, append(slices.Clone(initial), f.SecurityGroupID, x, y)...)(nil); err != nil {
						t.Fatalf("after the failed update: %s", err)
					}
				},
				// The state knows y is ours and the dropped group is still on
				// the port: the plan shows the removal left to do.
				Config:             acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, x, y)),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(portAssocAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("security_group_ids"), setOf(x, y)),
					},
				},
			},
			{
				// Giving up on the association takes every group of ours off,
				// y included. (CheckDestroy does not run when the last step
				// leaves nothing to destroy.)
				Config: env.HuaweiProviderConfig(),
				Check:  testAccCheckPortGroups(t, env, f.PortID, initial...),
			},
		},
	})
}

// TestAccPortAssociation_createFailsHalfWay: with enforce, the insert of a
// create goes through and the removal of the other groups fails. The state
// records the association (tainted), so destroy still takes our group off.
func TestAccPortAssociation_createFailsHalfWay(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f, initial := portFixtures(t, env)
	env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: "huaweicloud", Actions: []string{"RemoveSecurityGroups"}, ErrorRate: 1}})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationEnforceConfig(f.PortID, f.SecurityGroupID)),
				ExpectError: acctest.ErrorRegexp(`(?s)Error Adding Security Groups to Huawei Cloud Port.*RemoveSecurityGroups: HTTP 503 APIGW.0201`),
			},
			{
				PreConfig: func() {
					env.Emulator.SetFaults(nil)
					if err := testAccCheckPortGroups(t, env, f.PortID, append(slices.Clone(initial), f.SecurityGroupID)...)(nil); err != nil {
						t.Fatalf("after the failed create: %s", err)
					}
				},
				Config: env.HuaweiProviderConfig(),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(portAssocAddr, plancheck.ResourceActionDestroy)},
				},
				// Enforce made every group on the port ours, the port's own
				// included.
				Check: testAccCheckPortGroups(t, env, f.PortID),
			},
		},
	})
}

// TestAccPortAssociation_unknownAtPlan: the port and the groups come from
// another resource, so they are unknown at plan time: the validators and
// ModifyPlan let them through, and the apply uses the values they get.
func TestAccPortAssociation_unknownAtPlan(t *testing.T) {
	env := acctest.NewEnv(t)
	f, initial := portFixtures(t, env)
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), fmt.Sprintf(`
resource "terraform_data" "ids" {
  input = {
    port   = %[1]q
    groups = [%[2]q]
  }
}

resource "secgroup_huaweicloud_port_association" "test" {
  port_id            = terraform_data.ids.output.port
  security_group_ids = terraform_data.ids.output.groups
}
`, f.PortID, f.SecurityGroupID))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckPortAssociationDestroy(t, env),
			testAccCheckPortGroups(t, env, f.PortID, initial...),
		),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(portAssocAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectUnknownValue(portAssocAddr, tfjsonpath.New("port_id")),
						plancheck.ExpectUnknownValue(portAssocAddr, tfjsonpath.New("security_group_ids")),
						plancheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("region"), knownvalue.NotNull()),
					},
				},
				Check: testAccCheckPortGroups(t, env, f.PortID, append(slices.Clone(initial), f.SecurityGroupID)...),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("id"), knownvalue.StringExact(f.PortID)),
					statecheck.ExpectKnownValue(portAssocAddr, tfjsonpath.New("security_group_ids"), setOf(f.SecurityGroupID)),
				},
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

// TestAccPortAssociation_throttled: throttled reads and writes are retried
// and the apply succeeds.
func TestAccPortAssociation_throttled(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f, initial := portFixtures(t, env)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "huaweicloud", Actions: []string{"ListPorts"}, ThrottleRate: 1, Times: 1},
		{Cloud: "huaweicloud", Actions: []string{"AddSecurityGroups"}, ThrottleRate: 1, Times: 2},
		{Cloud: "huaweicloud", Actions: []string{"RemoveSecurityGroups"}, ThrottleRate: 1, Times: 2},
	})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for _, action := range []string{"AddSecurityGroups", "RemoveSecurityGroups"} {
				calls := env.Requests(t, "huaweicloud", action)
				if len(calls) != 3 || calls[0].Status != 429 || calls[1].Status != 429 || calls[2].Status != 200 {
					return fmt.Errorf("%s calls %+v, want two throttled, then a 200", action, calls)
				}
			}
			return testAccCheckPortGroups(t, env, f.PortID, initial...)(s)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID)),
			Check:  testAccCheckPortGroups(t, env, f.PortID, append(slices.Clone(initial), f.SecurityGroupID)...),
		}},
	})
}

// TestAccPortAssociation_unknownGroup: the cloud's refusal names the
// resource, the cloud's code and what to do.
func TestAccPortAssociation_unknownGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f, initial := portFixtures(t, env)
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPortGroups(t, env, f.PortID, initial...),
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID, acctest.UUID())),
			ExpectError: regexp.MustCompile(strings.ReplaceAll(
				`(?s)Error Adding Security Groups to Huawei Cloud Port.*AddSecurityGroups: HTTP 404 VPC\.0603.*check the IDs and the region`, " ", `\s+`)),
		}},
	})
}

// TestAccPortAssociation_unknownPort: a port that does not exist (ListPorts
// does not list it) fails the create, naming the port, and nothing is written.
func TestAccPortAssociation_unknownPort(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		// A missing port gets no write.
		CheckDestroy: env.CheckNoRequests(t, "huaweicloud", "AddSecurityGroups", "RemoveSecurityGroups"),
		Steps: []resource.TestStep{{
			Config:      acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(acctest.UUID(), f.SecurityGroupID)),
			ExpectError: acctest.ErrorRegexp(`(?s)Error Adding Security Groups to Huawei Cloud Port.*port "[0-9a-f-]+" was not found`),
		}},
	})
}

func TestAccPortAssociation_validation(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	cases := []struct {
		name, portID, groups, extra string
		want                        string
	}{
		{"port_id not a UUID", "port-1", fmt.Sprintf("[%q]", f.SecurityGroupID), "", `Attribute port_id must be the port's ID`},
		{"empty set", f.PortID, "[]", "", `Attribute security_group_ids set must contain at least 1 elements`},
		{"group not a UUID", f.PortID, `["web"]`, "", `must be a security group ID, a UUID`},
		// Huawei Cloud's IDs are lower case, and an upper-case one is a 404.
		{"port_id upper case", strings.ToUpper(f.PortID), fmt.Sprintf("[%q]", f.SecurityGroupID), "", `Attribute port_id must be the port's ID`},
		{"group upper case", f.PortID, fmt.Sprintf("[%q]", strings.ToUpper(f.SecurityGroupID)), "", `in lower case`},
		{"empty region", f.PortID, fmt.Sprintf("[%q]", f.SecurityGroupID), `region = ""`, `Attribute region string length must be at least 1`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), fmt.Sprintf(`
resource "secgroup_huaweicloud_port_association" "test" {
  port_id            = %[1]q
  security_group_ids = %[2]s
  %[3]s
}
`, c.portID, c.groups, c.extra)),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(c.want), " ", `\s+`)),
		})
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
		// Validation happens before any API call.
		CheckDestroy: env.CheckNoRequests(t, "huaweicloud"),
	})
}

// TestAccPortAssociation_importOtherRegion: a port outside the provider's
// region imports with the region in front of its ID, as Alibaba Cloud's
// associations do, and plans empty against a configuration with that region.
func TestAccPortAssociation_importOtherRegion(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Huawei(t)
	const otherRegion, otherProject = "cn-south-1", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	port, group := acctest.UUID(), acctest.UUID()
	env.HW.Mutate(func(s *hwemu.State) {
		s.Projects = append(s.Projects, hwemu.Project{ID: otherProject, Name: otherRegion})
		s.SecurityGroups = append(s.SecurityGroups, hwemu.SecurityGroup{ID: group, Name: "south-web", ProjectID: otherProject})
		s.Ports = append(s.Ports, hwemu.Port{ID: port, Name: "south", ProjectID: otherProject, MACAddress: "fa:16:3e:00:00:42", FixedIP: "192.168.9.9"})
	})
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), fmt.Sprintf(`
resource "secgroup_huaweicloud_port_association" "test" {
  port_id            = %[1]q
  security_group_ids = [%[2]q]
  region             = %[3]q
}
`, port, group, otherRegion))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPortAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{Config: config},
			{
				Config:                  config,
				ResourceName:            portAssocAddr,
				ImportState:             true,
				ImportStateId:           otherRegion + "/" + port,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

func TestAccPortAssociation_importInvalidID(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	for _, id := range []string{"port-1", f.PortID + "/" + f.SecurityGroupID} {
		acctest.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:        acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID)),
				ResourceName:  portAssocAddr,
				ImportState:   true,
				ImportStateId: id,
				ExpectError:   regexp.MustCompile(`Expected the port's ID, a UUID`),
			}},
		})
	}
}

func testAccPortAssociationConfig(portID string, groups ...string) string {
	return fmt.Sprintf(`
resource "secgroup_huaweicloud_port_association" "test" {
  port_id            = %[1]q
  security_group_ids = [%[2]s]
}
`, portID, quoteList(groups))
}

func testAccPortAssociationEnforceConfig(portID string, groups ...string) string {
	return fmt.Sprintf(`
resource "secgroup_huaweicloud_port_association" "test" {
  port_id            = %[1]q
  security_group_ids = [%[2]s]
  enforce            = true
}
`, portID, quoteList(groups))
}

func quoteList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(quoted, ", ")
}

// portBodyEqual compares insert/remove bodies: exactly
// {"port":{"security_groups":[...]}}, the list in any order (it comes from a set).
func portBodyEqual(got, want string) error {
	norm := func(body string) (string, error) {
		var doc map[string]map[string][]string
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			return "", fmt.Errorf("not a port security groups body: %q", body)
		}
		if len(doc) != 1 || len(doc["port"]) != 1 || doc["port"]["security_groups"] == nil {
			return "", fmt.Errorf("body %s is not exactly {\"port\":{\"security_groups\":[...]}}", body)
		}
		sort.Strings(doc["port"]["security_groups"])
		b, err := json.Marshal(doc)
		return string(b), err
	}
	g, err := norm(got)
	if err != nil {
		return err
	}
	w, err := norm(want)
	if err != nil {
		panic(err)
	}
	if g != w {
		return fmt.Errorf("got %s, want %s", got, w)
	}
	return nil
}

func setOf(ids ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.StringExact(id)
	}
	return knownvalue.SetExact(checks)
}

// setAttr reads a set of strings from flatmap attributes, sorted.
func setAttr(attrs map[string]string, name string) []string {
	var out []string
	for k, v := range attrs {
		if strings.HasPrefix(k, name+".") && k != name+".#" {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

func testAccCheckPortAssociationExists(t *testing.T, env *acctest.Env, addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in the state", addr)
		}
		port, err := findPortAssociationPort(t, env, rs.Primary.Attributes)
		if err != nil {
			return err
		}
		for _, g := range setAttr(rs.Primary.Attributes, "security_group_ids") {
			if !slices.Contains(port.SecurityGroups, g) {
				return fmt.Errorf("port %s does not list security group %s: %v", port.Id, g, port.SecurityGroups)
			}
		}
		return nil
	}
}

// testAccCheckPortAssociationDestroy: every port an association was on
// lists none of its groups, or is gone.
func testAccCheckPortAssociationDestroy(t *testing.T, env *acctest.Env) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "secgroup_huaweicloud_port_association" {
				continue
			}
			port, err := findPortAssociationPort(t, env, rs.Primary.Attributes)
			if apierr.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			if left := slices.DeleteFunc(setAttr(rs.Primary.Attributes, "security_group_ids"), func(g string) bool {
				return !slices.Contains(port.SecurityGroups, g)
			}); len(left) > 0 {
				return fmt.Errorf("port %s still lists security groups %v", port.Id, left)
			}
		}
		return nil
	}
}

// testAccCheckPortGroups checks the port's groups, in any order.
func testAccCheckPortGroups(t *testing.T, env *acctest.Env, portID string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := portGroupsViaAPI(t, env, portID)
		if err != nil {
			return err
		}
		got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			return fmt.Errorf("port %s lists %v, want %v", portID, got, want)
		}
		return nil
	}
}

func findPortAssociationPort(t *testing.T, env *acctest.Env, attrs map[string]string) (*vpcmodel.Port, error) {
	return huaweicloud.FindPort(context.Background(), env.HuaweiClient(t), attrs["region"], attrs["port_id"])
}

func portGroupsViaAPI(t *testing.T, env *acctest.Env, portID string) ([]string, error) {
	port, err := findPortAssociationPort(t, env, map[string]string{"port_id": portID})
	if err != nil {
		return nil, err
	}
	return port.SecurityGroups, nil
}

// insertPortGroupsViaAPI and removePortGroupsViaAPI change the port behind
// terraform's back, as another writer would.
func insertPortGroupsViaAPI(t *testing.T, env *acctest.Env, portID string, groups ...string) error {
	ctx := context.Background()
	c := env.HuaweiClient(t)
	conn, err := c.VPC(ctx, c.Region(""))
	if err != nil {
		return err
	}
	_, err = conn.AddSecurityGroups(&vpcmodel.AddSecurityGroupsRequest{
		PortId: portID,
		Body:   &vpcmodel.AddSecurityGroupsRequestBody{Port: &vpcmodel.InsertSecurityGroupOption{SecurityGroups: groups}},
	})
	return err
}

func removePortGroupsViaAPI(t *testing.T, env *acctest.Env, portID string, groups ...string) error {
	ctx := context.Background()
	c := env.HuaweiClient(t)
	conn, err := c.VPC(ctx, c.Region(""))
	if err != nil {
		return err
	}
	_, err = conn.RemoveSecurityGroups(&vpcmodel.RemoveSecurityGroupsRequest{
		PortId: portID,
		Body:   &vpcmodel.RemoveSecurityGroupsRequestBody{Port: &vpcmodel.RemoveSecurityGroupOption{SecurityGroups: groups}},
	})
	return err
}

// restorePortGroups puts a real-cloud fixture port's groups back after a
// test that changed them; the emulator is discarded anyway.
func restorePortGroups(t *testing.T, env *acctest.Env, portID string, groups []string) {
	if env.Emulator != nil || len(groups) == 0 {
		return
	}
	if err := insertPortGroupsViaAPI(t, env, portID, groups...); err != nil {
		t.Errorf("restoring the groups of port %s: %s", portID, err)
	}
}

func removePortGroupsIfPresent(t *testing.T, env *acctest.Env, portID string, groups ...string) {
	if env.Emulator != nil {
		return
	}
	if err := removePortGroupsViaAPI(t, env, portID, groups...); err != nil && !apierr.IsNotFound(err) {
		t.Errorf("removing groups %v from port %s: %s", groups, portID, err)
	}
}

// TestAccPortAssociation_keptAfterLostInsert: the insert's answer is lost
// (the groups landed on the port) and every retry fails until max_retries.
// The state keeps the association, tainted, and the next apply replaces it:
// the port lists our group once, and destroy takes it off again.
func TestAccPortAssociation_keptAfterLostInsert(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f, initial := portFixtures(t, env)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "huaweicloud", Actions: []string{"AddSecurityGroups"}, DropRate: 1, Times: 1},
		{Cloud: "huaweicloud", Actions: []string{"AddSecurityGroups"}, ErrorRate: 1, After: 1},
	})
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckPortAssociationDestroy(t, env),
			testAccCheckPortGroups(t, env, f.PortID, initial...),
		),
		Steps: env.KeptTaintedSteps(config, portAssocAddr,
			`AddSecurityGroups: HTTP 5.*max_retries reached.*Left behind: port ".*" may now have security groups.*tainted`,
			testAccCheckPortGroups(t, env, f.PortID, append(slices.Clone(initial), f.SecurityGroupID)...)),
	})
}

// TestPortAssociation_destroyWarnsWhenPortLeftEmpty: a destroy plan says when
// removing the association's groups leaves the port with none (always with
// enforce, whose destroy removes every group), and says nothing when another
// group stays.
func TestPortAssociation_destroyWarnsWhenPortLeftEmpty(t *testing.T) {
	ctx := context.Background()
	r, ok := huaweicloud.NewPortAssociationResource().(fwresource.ResourceWithModifyPlan)
	if !ok {
		t.Fatal("the port association has no ModifyPlan")
	}
	var sr fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &sr)
	port, ours, other := acctest.UUID(), acctest.UUID(), acctest.UUID()
	cases := []struct {
		name    string
		enforce bool
		ours    []string
		all     []string
		warn    bool
	}{
		{"enforce", true, []string{ours}, []string{ours, other}, true},
		{"enforce, only ours", true, []string{ours}, []string{ours}, true},
		{"ours only", false, []string{ours}, []string{ours}, true},
		{"another group stays", false, []string{ours}, []string{ours, other}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			typ := sr.Schema.Type().TerraformType(ctx)
			st := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}
			set := func(p string, v attr.Value) {
				if d := st.SetAttribute(ctx, path.Root(p), v); d.HasError() {
					t.Fatal(d)
				}
			}
			set("id", types.StringValue(port))
			set("port_id", types.StringValue(port))
			set("region", types.StringValue("cn-north-4"))
			set("enforce", types.BoolValue(tc.enforce))
			set("security_group_ids", types.SetValueMust(types.StringType, stringValues(tc.ours)))
			set("all_security_group_ids", types.SetValueMust(types.StringType, stringValues(tc.all)))
			req := fwresource.ModifyPlanRequest{State: st, Plan: tfsdk.Plan{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}
			resp := fwresource.ModifyPlanResponse{Plan: req.Plan}
			r.ModifyPlan(ctx, req, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			warnings := resp.Diagnostics.Warnings()
			switch {
			case tc.warn && (len(warnings) != 1 || !strings.Contains(warnings[0].Summary(), "No Security Group") || !strings.Contains(warnings[0].Detail(), port)):
				t.Errorf("warnings %v, want one saying port %s is left with no group", warnings, port)
			case !tc.warn && len(warnings) != 0:
				t.Errorf("unexpected warnings %v", warnings)
			}
		})
	}
}

func stringValues(ids []string) []attr.Value {
	out := make([]attr.Value, len(ids))
	for i, id := range ids {
		out[i] = types.StringValue(id)
	}
	return out
}

// Identity (Terraform >= 1.12): set by create, kept by an in-place update
// (of the timeouts), imported by identity.
func TestAccPortAssociation_identity(t *testing.T) {
	env := acctest.NewEnv(t)
	f, initial := portFixtures(t, env)
	tc := acctest.IdentityTestCase(portAssocAddr,
		acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID)),
		acctest.ConfigCompose(env.HuaweiProviderConfig(), fmt.Sprintf(`
resource "secgroup_huaweicloud_port_association" "test" {
  port_id            = %q
  security_group_ids = [%q]
  timeouts {
    update = "10m"
  }
}
`, f.PortID, f.SecurityGroupID)),
		portAssociationIdentity(f))
	// Import adopts every group on the port: the matching configuration lists them all.
	tc.Steps[1].Config = acctest.ConfigCompose(env.HuaweiProviderConfig(),
		testAccPortAssociationConfig(f.PortID, append(slices.Clone(initial), f.SecurityGroupID)...))
	tc.CheckDestroy = testAccCheckPortAssociationDestroy(t, env)
	acctest.ParallelTest(t, tc)
}

// A state without identity gets it on the next refresh.
func TestAccPortAssociation_identityUpgrade(t *testing.T) {
	env := acctest.NewEnv(t)
	f, _ := portFixtures(t, env)
	tc := acctest.IdentityUpgradeTestCase(portAssocAddr,
		acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccPortAssociationConfig(f.PortID, f.SecurityGroupID)),
		portAssociationIdentity(f))
	tc.CheckDestroy = testAccCheckPortAssociationDestroy(t, env)
	acctest.ParallelTest(t, tc)
}

func portAssociationIdentity(f acctest.HuaweiFixtures) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"port_id": knownvalue.StringExact(f.PortID),
		"region":  knownvalue.StringExact(f.Region),
	}
}
