package tencentcloud_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

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

const assocAddr = "secgroup_tencentcloud_instance_association.test"

func TestAccInstanceAssociation_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.Tencent(t)
	id := f.SecurityGroupID + "/" + f.InstanceID

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccInstanceAssociationConfig(f.SecurityGroupID, f.InstanceID)),
				Check:  testAccCheckInstanceAssociationExists(t, env, assocAddr),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(assocAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(assocAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(assocAddr, tfjsonpath.New("security_group_id"), knownvalue.StringExact(f.SecurityGroupID)),
					statecheck.ExpectKnownValue(assocAddr, tfjsonpath.New("instance_id"), knownvalue.StringExact(f.InstanceID)),
				},
			},
			{
				ResourceName:            assocAddr,
				ImportState:             true,
				ImportStateId:           id,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccInstanceAssociationConfig(f.SecurityGroupID, f.InstanceID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccInstanceAssociation_disappears(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.Tencent(t)
	config := acctest.ConfigCompose(env.TencentProviderConfig(), testAccInstanceAssociationConfig(f.SecurityGroupID, f.InstanceID))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckInstanceAssociationExists(t, env, assocAddr),
					// Out of band, through the cloud API: works against a real cloud too.
					func(*terraform.State) error {
						return env.TencentClient(t).Call(context.Background(), "cvm", "", "DisassociateSecurityGroups", map[string]any{
							"SecurityGroupIds": []string{f.SecurityGroupID}, "InstanceIds": []string{f.InstanceID},
						}, nil)
					},
				),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(assocAddr, plancheck.ResourceActionCreate)},
				},
				Check: testAccCheckInstanceAssociationExists(t, env, assocAddr),
			},
		},
	})
}

// TestAccInstanceAssociation_instanceDeleted: a terminated instance takes the
// association out of the state with a warning, not an error; its destroy
// then has nothing to do.
func TestAccInstanceAssociation_instanceDeleted(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	config := acctest.ConfigCompose(env.TencentProviderConfig(), testAccInstanceAssociationConfig(f.SecurityGroupID, f.InstanceID))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.TC.Mutate(func(s *tcemu.State) { s.Instances = nil })
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(assocAddr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// TestAccInstanceAssociation_wire proves the exact calls: one
// AssociateSecurityGroups and one DisassociateSecurityGroups, for this group
// and instance only, and the instance keeps its other group.
func TestAccInstanceAssociation_wire(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	body := fmt.Sprintf(`{"SecurityGroupIds":[%q],"InstanceIds":[%q]}`, f.SecurityGroupID, f.InstanceID)

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for _, action := range []string{"AssociateSecurityGroups", "DisassociateSecurityGroups"} {
				calls := env.Requests(t, "tencentcloud", action)
				if len(calls) != 1 {
					return fmt.Errorf("%d %s calls, want 1", len(calls), action)
				}
				if calls[0].Service != "cvm" || calls[0].ErrorCode != "" {
					return fmt.Errorf("%s went to %s (error %q)", action, calls[0].Service, calls[0].ErrorCode)
				}
				if err := jsonEqual(calls[0].Body, body); err != nil {
					return fmt.Errorf("%s: %w", action, err)
				}
			}
			if got := instanceGroups(env, f.InstanceID); !slices.Equal(got, []string{f.DefaultGroupID}) {
				return fmt.Errorf("after destroy the instance is in %v, want only %s", got, f.DefaultGroupID)
			}
			return testAccCheckInstanceAssociationDestroy(t, env)(s)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.TencentProviderConfig(), testAccInstanceAssociationConfig(f.SecurityGroupID, f.InstanceID)),
			Check: func(*terraform.State) error {
				if got := instanceGroups(env, f.InstanceID); !slices.Equal(got, []string{f.DefaultGroupID, f.SecurityGroupID}) {
					return fmt.Errorf("the instance is in %v, want its group and the new one", got)
				}
				return nil
			},
		}},
	})
}

// TestAccInstanceAssociation_alreadyMember: an existing binding is not adopted;
// the error shows how to import it, and nothing is written.
func TestAccInstanceAssociation_alreadyMember(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ConfigCompose(env.TencentProviderConfig(), testAccInstanceAssociationConfig(f.DefaultGroupID, f.InstanceID)),
			ExpectError: regexp.MustCompile(`(?s)already\s+in\s+security\s+group.*import\s+\{\s+to\s+=\s+secgroup_tencentcloud_instance_association\.NAME\s+id\s+=\s+"` + f.DefaultGroupID + "/" + f.InstanceID + `"\s+\}`),
		}},
		CheckDestroy: func(*terraform.State) error {
			if writes := env.Requests(t, "tencentcloud", "AssociateSecurityGroups", "DisassociateSecurityGroups"); len(writes) != 0 {
				return fmt.Errorf("%d writes, want none", len(writes))
			}
			return nil
		},
	})
}

// TestAccInstanceAssociation_parallel binds several groups to one instance at
// once: the per-instance lock keeps their writes from overlapping.
func TestAccInstanceAssociation_parallel(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	groups := make([]string, 4) // with the default group: 5, the most an instance may have
	env.TC.Mutate(func(s *tcemu.State) {
		for i := range groups {
			groups[i] = acctest.TencentID("sg")
			s.SecurityGroups = append(s.SecurityGroups, tcemu.SecurityGroup{ID: groups[i], Name: fmt.Sprintf("par-%d", i), Region: acctest.TCRegion})
		}
	})
	config := env.TencentProviderConfig()
	for i, g := range groups {
		config += fmt.Sprintf(`
resource "secgroup_tencentcloud_instance_association" "p%[1]d" {
  security_group_id = %[2]q
  instance_id       = %[3]q
}
`, i, g, f.InstanceID)
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if got := instanceGroups(env, f.InstanceID); !slices.Equal(got, []string{f.DefaultGroupID}) {
				return fmt.Errorf("after destroy the instance is in %v", got)
			}
			writes := env.Requests(t, "tencentcloud", "AssociateSecurityGroups", "DisassociateSecurityGroups")
			if len(writes) != 2*len(groups) {
				return fmt.Errorf("%d writes, want %d", len(writes), 2*len(groups))
			}
			for i, a := range writes {
				for _, b := range writes[i+1:] {
					if a.Time.Before(b.Done) && b.Time.Before(a.Done) {
						return fmt.Errorf("writes to one instance overlapped: %s #%d and %s #%d", a.Action, a.Seq, b.Action, b.Seq)
					}
				}
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				if got := instanceGroups(env, f.InstanceID); len(got) != 5 {
					return fmt.Errorf("instance is in %v, want 5 groups", got)
				}
				return nil
			},
		}},
	})
}

func TestAccInstanceAssociation_validation(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	cases := []struct{ group, instance, want string }{
		{"web", f.InstanceID, `Attribute security_group_id must be a security group ID`},
		{f.SecurityGroupID, "i-123", `Attribute instance_id must be a CVM instance ID`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      acctest.ConfigCompose(env.TencentProviderConfig(), testAccInstanceAssociationConfig(c.group, c.instance)),
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

func TestAccInstanceAssociation_importInvalidID(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	for _, id := range []string{"no-slash", f.InstanceID + "/" + f.SecurityGroupID, f.SecurityGroupID + "/"} {
		acctest.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:        acctest.ConfigCompose(env.TencentProviderConfig(), testAccInstanceAssociationConfig(f.SecurityGroupID, f.InstanceID)),
				ResourceName:  assocAddr,
				ImportState:   true,
				ImportStateId: id,
				ExpectError:   regexp.MustCompile(`Expected <security_group_id>/<instance_id>`),
			}},
		})
	}
}

func TestAccInstanceAssociation_unconfiguredCloud(t *testing.T) {
	for _, v := range []string{"TENCENTCLOUD_REGION", "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"} {
		t.Setenv(v, "")
	}
	t.Setenv("HOME", t.TempDir()) // no profile file
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "secgroup" {}
resource "secgroup_tencentcloud_instance_association" "test" {
  security_group_id = "sg-1a2b3c4d"
  instance_id       = "ins-5e6f7g8h"
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Tencent Cloud Not Configured.*"region".*TENCENTCLOUD_REGION`),
		}},
	})
}

func testAccInstanceAssociationConfig(groupID, instanceID string) string {
	return fmt.Sprintf(`
resource "secgroup_tencentcloud_instance_association" "test" {
  security_group_id = %[1]q
  instance_id       = %[2]q
}
`, groupID, instanceID)
}

func testAccCheckInstanceAssociationExists(t *testing.T, env *acctest.Env, addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in the state", addr)
		}
		_, err := tencentcloud.FindInstanceSecurityGroup(context.Background(), env.TencentClient(t),
			rs.Primary.Attributes["instance_id"], rs.Primary.Attributes["security_group_id"])
		return err
	}
}

func testAccCheckInstanceAssociationDestroy(t *testing.T, env *acctest.Env) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "secgroup_tencentcloud_instance_association" {
				continue
			}
			_, err := tencentcloud.FindInstanceSecurityGroup(context.Background(), env.TencentClient(t),
				rs.Primary.Attributes["instance_id"], rs.Primary.Attributes["security_group_id"])
			if err == nil {
				return fmt.Errorf("instance %s is still in security group %s", rs.Primary.Attributes["instance_id"], rs.Primary.Attributes["security_group_id"])
			}
			if !apierr.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}

// TestAccInstanceAssociation_newGroup: the everyday module shape, a group and
// its associations in one configuration. The group's ID is unknown at plan
// time, the second plan is empty, and destroy unbinds before it deletes, so
// no force_delete is needed.
func TestAccInstanceAssociation_newGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.Tencent(t)
	config := acctest.ConfigCompose(env.TencentProviderConfig(), fmt.Sprintf(`
resource "secgroup_tencentcloud_security_group" "app" {
  name = "acc-new-group-%[2]s"
}

resource "secgroup_tencentcloud_instance_association" "test" {
  security_group_id = secgroup_tencentcloud_security_group.app.id
  instance_id       = %[1]q
}
`, f.InstanceID, acctest.UUID()[:8]))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testAccCheckInstanceAssociationDestroy(t, env),
			testAccCheckSecurityGroupDestroy(t, env),
		),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue(assocAddr, tfjsonpath.New("security_group_id")),
						plancheck.ExpectResourceAction(assocAddr, plancheck.ResourceActionCreate),
					},
				},
				Check: testAccCheckInstanceAssociationExists(t, env, assocAddr),
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

// The busy codes CVM documents for the binding calls (MutexOperation.TaskRunning)
// and the ones the tencentcloud provider retries (ResourceUnavailable*,
// ResourceBusy) are retried until the timeout, past max_retries, instead of
// failing the apply at once.
func TestAccInstanceAssociation_busyIsRetried(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "tencentcloud", Actions: []string{"AssociateSecurityGroups"}, ErrorCode: "MutexOperation.TaskRunning", Times: 2},
		{Cloud: "tencentcloud", Actions: []string{"AssociateSecurityGroups"}, ErrorCode: "ResourceUnavailable", After: 2, Times: 1},
		{Cloud: "tencentcloud", Actions: []string{"DisassociateSecurityGroups"}, ErrorCode: "ResourceBusy", Times: 3},
	})
	busy := func(action string, want ...string) error {
		var got []string
		for _, r := range env.Requests(t, "tencentcloud", action) {
			got = append(got, r.ErrorCode)
		}
		if !slices.Equal(got, append(want, "")) {
			return fmt.Errorf("%s answers %q, want %q then success", action, got, want)
		}
		return nil
	}

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := testAccCheckInstanceAssociationDestroy(t, env)(s); err != nil {
				return err
			}
			return busy("DisassociateSecurityGroups", "ResourceBusy", "ResourceBusy", "ResourceBusy")
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.TencentProviderConfigWith(acctest.ProviderOptions{MaxRetries: 1}), testAccInstanceAssociationConfig(f.SecurityGroupID, f.InstanceID)),
			Check: resource.ComposeAggregateTestCheckFunc(
				testAccCheckInstanceAssociationExists(t, env, assocAddr),
				func(*terraform.State) error {
					return busy("AssociateSecurityGroups", "MutexOperation.TaskRunning", "MutexOperation.TaskRunning", "ResourceUnavailable")
				},
			),
		}},
	})
}

// "The API does not exist" (VPC's UnsupportedOperation.ActionNotFound, the
// common InvalidAction) names the endpoint and region settings: a refresh
// keeps the binding in the state and a destroy fails, leaving it in place.
func TestAccInstanceAssociation_noSuchAPIIsNotGone(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	config := acctest.ConfigCompose(env.TencentProviderConfig(), testAccInstanceAssociationConfig(f.SecurityGroupID, f.InstanceID))
	noSuchAPI := func(action, code string) func() {
		return func() {
			env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: "tencentcloud", Actions: []string{action}, ErrorCode: code}})
		}
	}
	wantErr := func(code string) *regexp.Regexp {
		return acctest.ErrorRegexp(`(?s)` + regexp.QuoteMeta(code) + `.*Check tencentcloud\.endpoints\.cvm and tencentcloud\.region`)
	}

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{Config: config, Check: testAccCheckInstanceAssociationExists(t, env, assocAddr)},
			{PreConfig: noSuchAPI("DescribeInstances", "UnsupportedOperation.ActionNotFound"), RefreshState: true, ExpectError: wantErr("UnsupportedOperation.ActionNotFound")},
			{PreConfig: noSuchAPI("DisassociateSecurityGroups", "InvalidAction"), Config: config, Destroy: true, ExpectError: wantErr("InvalidAction")},
			{
				PreConfig: func() { env.Emulator.SetFaults(nil) },
				Config:    config,
				Check:     testAccCheckInstanceAssociationExists(t, env, assocAddr),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccInstanceAssociation_keptAfterTimeout: AssociateSecurityGroups
// binds the group but its answer is lost, and every retry is throttled
// until the 2s create timeout expires. The write may have landed (it did),
// so the state keeps the binding, tainted, and the next apply replaces it:
// one binding, no "already in security group ... import it".
func TestAccInstanceAssociation_keptAfterTimeout(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "tencentcloud", Actions: []string{"AssociateSecurityGroups"}, DropRate: 1, Times: 1},
		{Cloud: "tencentcloud", Actions: []string{"AssociateSecurityGroups"}, ThrottleRate: 1, After: 1},
	})
	config := acctest.ConfigCompose(env.TencentProviderConfig(), fmt.Sprintf(`
resource "secgroup_tencentcloud_instance_association" "test" {
  security_group_id = %[1]q
  instance_id       = %[2]q
  timeouts {
    create = "2s"
  }
}
`, f.SecurityGroupID, f.InstanceID))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceAssociationDestroy(t, env),
		Steps: env.KeptTaintedSteps(config, assocAddr,
			`the 2s create timeout expired.*`+
				`Left behind: CVM instance ".*" may now be in security group .*tainted`,
			func(s *terraform.State) error {
				if got := instanceGroups(env, f.InstanceID); !slices.Equal(got, []string{f.DefaultGroupID, f.SecurityGroupID}) {
					return fmt.Errorf("instance groups %v, want the default group and ours once", got)
				}
				if n := len(env.Requests(t, "tencentcloud", "DisassociateSecurityGroups")); n != 1 {
					return fmt.Errorf("%d DisassociateSecurityGroups calls, want 1 (the tainted binding's)", n)
				}
				return testAccCheckInstanceAssociationExists(t, env, assocAddr)(s)
			}),
	})
}

// Identity (Terraform >= 1.12): set by create, kept by an in-place update
// (the timeouts), imported by identity.
func TestAccInstanceAssociation_identity(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.Tencent(t)
	resourceConfig := testAccInstanceAssociationConfig(f.SecurityGroupID, f.InstanceID)
	withTimeouts := strings.Replace(resourceConfig, "\n}\n", "\n  timeouts {\n    create = \"10m\"\n  }\n}\n", 1)
	tc := acctest.IdentityTestCase(assocAddr, acctest.ConfigCompose(env.TencentProviderConfig(), resourceConfig),
		acctest.ConfigCompose(env.TencentProviderConfig(), withTimeouts), instanceAssociationIdentity(f))
	tc.CheckDestroy = testAccCheckInstanceAssociationDestroy(t, env)
	acctest.ParallelTest(t, tc)
}

// A state without identity gets it on the next refresh.
func TestAccInstanceAssociation_identityUpgrade(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.Tencent(t)
	tc := acctest.IdentityUpgradeTestCase(assocAddr,
		acctest.ConfigCompose(env.TencentProviderConfig(), testAccInstanceAssociationConfig(f.SecurityGroupID, f.InstanceID)),
		instanceAssociationIdentity(f))
	tc.CheckDestroy = testAccCheckInstanceAssociationDestroy(t, env)
	acctest.ParallelTest(t, tc)
}

func instanceAssociationIdentity(f acctest.TencentFixtures) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"security_group_id": knownvalue.StringExact(f.SecurityGroupID),
		"instance_id":       knownvalue.StringExact(f.InstanceID),
		"region":            knownvalue.StringExact(f.Region),
	}
}
