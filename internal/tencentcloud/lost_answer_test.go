package tencentcloud_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
)

// Writes whose answer is lost after the cloud carried them out (the
// emulator's drop fault): the retry must neither fail on its own earlier
// success nor do the work twice. The fault-injection soak
// (internal/provider, TestAccSoak_faults) meets these at random; here each
// meets them every time.

// checkLostFirst checks that the first call of action lost its answer and
// that exactly one retry followed, answered with success or with alreadyCode
// (a delete's "not found": the lost call did the work).
func checkLostFirst(t *testing.T, env *acctest.Env, action, alreadyCode string) error {
	t.Helper()
	calls := env.Requests(t, "tencentcloud", action)
	if len(calls) != 2 || calls[0].Fault != emulator.FaultDrop {
		return fmt.Errorf("%s calls %+v, want a lost answer and one retry", action, calls)
	}
	if retry := calls[1]; retry.Status != 200 || retry.ErrorCode != "" && retry.ErrorCode != alreadyCode {
		return fmt.Errorf("%s: the retry answered %d %s, want success", action, retry.Status, retry.ErrorCode)
	}
	return nil
}

// TestAccInstanceAssociation_lostAnswers loses the first answer of
// AssociateSecurityGroups and of DisassociateSecurityGroups: apply binds the
// group once, destroy unbinds it, and neither fails.
func TestAccInstanceAssociation_lostAnswers(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "tencentcloud", Actions: []string{"AssociateSecurityGroups"}, DropRate: 1, Times: 1},
		{Cloud: "tencentcloud", Actions: []string{"DisassociateSecurityGroups"}, DropRate: 1, Times: 1},
	})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := testAccCheckInstanceAssociationDestroy(t, env)(s); err != nil {
				return err
			}
			if err := checkLostFirst(t, env, "DisassociateSecurityGroups", ""); err != nil {
				return err
			}
			if got := instanceGroups(env, f.InstanceID); !slices.Equal(got, []string{f.DefaultGroupID}) {
				return fmt.Errorf("instance groups after destroy %v, want only %s", got, f.DefaultGroupID)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccInstanceAssociationConfig(f.SecurityGroupID, f.InstanceID)),
			Check: resource.ComposeAggregateTestCheckFunc(
				testAccCheckInstanceAssociationExists(t, env, assocAddr),
				func(*terraform.State) error {
					if err := checkLostFirst(t, env, "AssociateSecurityGroups", ""); err != nil {
						return err
					}
					if got, want := instanceGroups(env, f.InstanceID), []string{f.DefaultGroupID, f.SecurityGroupID}; !slices.Equal(got, want) {
						return fmt.Errorf("instance groups %v, want %v", got, want)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccSecurityGroup_lostUpdateAnswers loses the first answer of
// ModifySecurityGroupAttribute and of ModifyResourceTags: the update
// succeeds and the group carries the new description and tags.
func TestAccSecurityGroup_lostUpdateAnswers(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Tencent(t)
	name := "acc-" + acctest.TencentID("u")
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "tencentcloud", Actions: []string{"ModifySecurityGroupAttribute"}, DropRate: 1, Times: 1},
		{Cloud: "tencentcloud", Actions: []string{"ModifyResourceTags"}, DropRate: 1, Times: 1},
	})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckSecurityGroupDestroy(t, env),
		Steps: []resource.TestStep{
			{Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "before", `tags = { a = "1" }`))},
			{
				Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "after", `tags = { b = "2" }`)),
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckSecurityGroupExists(t, env, sgAddr),
					func(*terraform.State) error {
						for _, action := range []string{"ModifySecurityGroupAttribute", "ModifyResourceTags"} {
							if err := checkLostFirst(t, env, action, ""); err != nil {
								return err
							}
						}
						for _, g := range env.TC.State().SecurityGroups {
							if g.Name == name && (g.Description != "after" || !maps.Equal(g.Tags, map[string]string{"b": "2"})) {
								return fmt.Errorf("group %s: description %q tags %v, want \"after\" map[b:2]", g.ID, g.Description, g.Tags)
							}
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccSecurityGroup_lostDeleteAnswers force-deletes a group bound to an
// instance, losing the first answer of DisassociateSecurityGroups and of
// DeleteSecurityGroup: destroy succeeds, the group is gone and the instance
// keeps its other group.
func TestAccSecurityGroup_lostDeleteAnswers(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	name := "acc-" + acctest.TencentID("d")
	var bound []string
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "tencentcloud", Actions: []string{"DisassociateSecurityGroups"}, DropRate: 1, Times: 1},
		{Cloud: "tencentcloud", Actions: []string{"DeleteSecurityGroup"}, DropRate: 1, Times: 1},
	})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := testAccCheckSecurityGroupDestroy(t, env)(s); err != nil {
				return err
			}
			if err := checkLostFirst(t, env, "DisassociateSecurityGroups", ""); err != nil {
				return err
			}
			if err := checkLostFirst(t, env, "DeleteSecurityGroup", "ResourceNotFound"); err != nil {
				return err
			}
			for _, id := range bound {
				if got := instanceGroups(env, id); !slices.Equal(got, []string{f.DefaultGroupID}) {
					return fmt.Errorf("instance %s keeps groups %v, want only %s", id, got, f.DefaultGroupID)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccSecurityGroupConfig(name, "", "force_delete = true")),
			Check: func(s *terraform.State) error {
				bound = bindInstances(env, s.RootModule().Resources[sgAddr].Primary.ID, f.DefaultGroupID, 1)
				return nil
			},
		}},
	})
}

// A retry after a lost answer that CVM refuses (its documented
// FailedOperation.SecurityGroupActionFailed, for a binding our lost try
// already made or removed) is read against the instance before it is
// reported: the instance is already so, and apply and destroy succeed.
func TestAccInstanceAssociation_lostAnswerThenRefused(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	var rules []emulator.FaultRule
	for _, action := range []string{"AssociateSecurityGroups", "DisassociateSecurityGroups"} {
		rules = append(rules,
			emulator.FaultRule{Cloud: "tencentcloud", Actions: []string{action}, DropRate: 1, Times: 1},
			emulator.FaultRule{Cloud: "tencentcloud", Actions: []string{action}, ErrorCode: "FailedOperation.SecurityGroupActionFailed", After: 1, Times: 1})
	}
	env.Emulator.SetFaults(rules)
	refused := func(action string) error {
		calls := env.Requests(t, "tencentcloud", action)
		if len(calls) != 2 || calls[0].Fault != emulator.FaultDrop || calls[1].ErrorCode != "FailedOperation.SecurityGroupActionFailed" {
			return fmt.Errorf("%s calls %+v, want a lost answer, then a refused retry", action, calls)
		}
		return nil
	}

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := testAccCheckInstanceAssociationDestroy(t, env)(s); err != nil {
				return err
			}
			return refused("DisassociateSecurityGroups")
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccInstanceAssociationConfig(f.SecurityGroupID, f.InstanceID)),
			Check: resource.ComposeAggregateTestCheckFunc(
				testAccCheckInstanceAssociationExists(t, env, assocAddr),
				func(*terraform.State) error { return refused("AssociateSecurityGroups") },
			),
		}},
	})
}
