package alicloud_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
)

const (
	eniAssocType = "secgroup_alicloud_eni_association"
	eniAssocAddr = eniAssocType + ".test"
)

func TestAccEniAssociation_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.AliMembership(t)
	f.RequireENI(t)
	id := f.SecurityGroupID + "/" + f.ENIID
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEniAssociationConfig(f.ENIID, f.SecurityGroupID, ""))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  testAccCheckMembershipExists(t, env, eniAssocAddr),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(eniAssocAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(eniAssocAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(eniAssocAddr, tfjsonpath.New("network_interface_id"), knownvalue.StringExact(f.ENIID)),
					statecheck.ExpectKnownValue(eniAssocAddr, tfjsonpath.New("security_group_id"), knownvalue.StringExact(f.SecurityGroupID)),
					statecheck.ExpectKnownValue(eniAssocAddr, tfjsonpath.New("region"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(eniAssocAddr, tfjsonpath.New("keep_last_group"), knownvalue.Bool(false)),
				},
			},
			{
				ResourceName:      eniAssocAddr,
				ImportState:       true,
				ImportStateId:     id,
				ImportStateVerify: true,
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

func TestAccEniAssociation_disappears(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.AliMembership(t)
	f.RequireENI(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEniAssociationConfig(f.ENIID, f.SecurityGroupID, ""))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckMembershipExists(t, env, eniAssocAddr),
					testAccLeaveOutOfBand(t, env, "NetworkInterfaceId", f.ENIID, f.SecurityGroupID),
				),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(eniAssocAddr, plancheck.ResourceActionCreate)},
				},
				Check: testAccCheckMembershipExists(t, env, eniAssocAddr),
			},
		},
	})
}

func TestAccEniAssociation_eniDeleted(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEniAssociationConfig(f.ENIID, f.SecurityGroupID, ""))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.Ali.Mutate(func(s *aliemu.State) {
						s.NetworkInterfaces = slices.DeleteFunc(s.NetworkInterfaces, func(n aliemu.NetworkInterface) bool { return n.ID == f.ENIID })
					})
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(eniAssocAddr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// TestAccEniAssociation_wire: Join and Leave carry SecurityGroupId,
// NetworkInterfaceId and the RegionId the doc requires for an ENI, and no
// InstanceId.
func TestAccEniAssociation_wire(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	const region = acctest.AliRegion

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			want := map[string]string{"SecurityGroupId": f.SecurityGroupID, "NetworkInterfaceId": f.ENIID, "RegionId": region}
			for _, action := range []string{"JoinSecurityGroup", "LeaveSecurityGroup"} {
				if err := checkOneCall(t, env, action, want); err != nil {
					return err
				}
			}
			return testAccCheckMembershipDestroy(t, env)(s)
		},
		Steps: []resource.TestStep{
			{Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEniAssociationConfig(f.ENIID, f.SecurityGroupID, fmt.Sprintf("region = %q", region)))},
		},
	})
}

// TestAccEniAssociation_lastGroup: the ENI's last group cannot be left
// (InvalidOperation.AtLeastInOneGroup); keep_last_group then lets the
// teardown finish and keeps the membership.
func TestAccEniAssociation_lastGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	config := func(extra string) string {
		return acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEniAssociationConfig(f.ENIID, f.SecurityGroupID, extra))
	}

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if got := memberGroups(env, f.ENIID); !slices.Equal(got, []string{f.SecurityGroupID}) {
				return fmt.Errorf("ENI groups %v, want the kept last group %s", got, f.SecurityGroupID)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config(""),
				Check:  testAccLeaveOutOfBand(t, env, "NetworkInterfaceId", f.ENIID, f.DefaultGroupID),
			},
			{
				Config:      config(""),
				Destroy:     true,
				ExpectError: acctest.ErrorRegexp(`(?s)InvalidOperation\.AtLeastInOneGroup.*last group of ENI ` + f.ENIID + `.*create_before_destroy`),
			},
			{
				// Only stored: an in-place update, no API write.
				Config: config("keep_last_group = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(eniAssocAddr, plancheck.ResourceActionUpdate)},
				},
			},
		},
	})
}

func TestAccEniAssociation_serviceManaged(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	env.Ali.Mutate(func(s *aliemu.State) {
		for i := range s.NetworkInterfaces {
			s.NetworkInterfaces[i].ServiceManaged = true
		}
	})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEniAssociationConfig(f.ENIID, f.SecurityGroupID, "")),
			ExpectError: acctest.ErrorRegexp(`(?s)Error Adding Alibaba Cloud ENI to Security Group.*HTTP 403 InvalidOperation\.EniServiceManaged.*managed by an Alibaba Cloud service`),
		}},
		CheckDestroy: func(*terraform.State) error {
			if n := len(env.Requests(t, "alicloud", "JoinSecurityGroup")); n != 1 {
				return fmt.Errorf("%d JoinSecurityGroup calls, want 1 (not retried)", n)
			}
			return nil
		},
	})
}

// TestAccEniAssociation_missingRegion: without the resource's region and the
// provider's, planning fails on the region attribute, before any API call.
func TestAccEniAssociation_missingRegion(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	t.Setenv("ALICLOUD_REGION", "")
	provider := fmt.Sprintf(`
provider "secgroup" {
  alicloud {
    access_key = %[1]q
    secret_key = %[2]q
    endpoints  = { ecs = %[3]q }
  }
}
`, acctest.AliAccessKey, acctest.AliSecretKey, env.Emulator.URL())
	withRegion := provider + testAccEniAssociationConfig(f.ENIID, f.SecurityGroupID, fmt.Sprintf("region = %q", acctest.AliRegion))
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config:      provider + testAccEniAssociationConfig(f.ENIID, f.SecurityGroupID, ""),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`(?s)Missing Region for Alibaba Cloud ENI Association.*set region on this resource.*ALICLOUD_REGION`),
			},
			{
				// The resource's own region is enough, without the provider's.
				PreConfig: func() {
					if err := env.CheckNoRequests(t, "alicloud")(nil); err != nil {
						t.Errorf("the refused plan: %s", err)
					}
				},
				Config: withRegion,
				Check:  testAccCheckMembershipExists(t, env, eniAssocAddr),
			},
			{
				Config:           withRegion,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccEniAssociation_validation(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	steps := []resource.TestStep{}
	for _, eni := range []string{f.InstanceID, "eni-", "ENI-ABC123"} {
		steps = append(steps, resource.TestStep{
			Config:      acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEniAssociationConfig(eni, f.SecurityGroupID, "")),
			PlanOnly:    true,
			ExpectError: acctest.ErrorRegexp(regexp.QuoteMeta(`Attribute network_interface_id must be an ENI ID`)),
		})
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
		CheckDestroy:             env.CheckNoRequests(t, "alicloud"),
	})
}

func testAccEniAssociationConfig(eniID, group, extra string) string {
	return fmt.Sprintf(`
resource "secgroup_alicloud_eni_association" "test" {
  network_interface_id = %[1]q
  security_group_id    = %[2]q
  %[3]s
}
`, eniID, group, extra)
}

// TestAccEniAssociation_otherRegion: an ENI outside the provider's region is
// managed with region, and imported with <region>/<group>/<eni>.
func TestAccEniAssociation_otherRegion(t *testing.T) {
	env := acctest.NewEnv(t)
	eni, group := seedOtherRegionENI(t, env)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEniAssociationConfig(eni, group, fmt.Sprintf("region = %q", otherRegion)))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  testAccCheckMembershipExists(t, env, eniAssocAddr),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(eniAssocAddr, tfjsonpath.New("region"), knownvalue.StringExact(otherRegion)),
				},
			},
			{
				ResourceName:      eniAssocAddr,
				ImportState:       true,
				ImportStateId:     otherRegion + "/" + group + "/" + eni,
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccEniAssociation_waitsForAttaching (issue 16, item 5): an ENI that is
// attaching answers InvalidOperation.InvalidEniState, which is busy: the
// Join and the Leave are retried until the ENI is ready, not failed at once.
func TestAccEniAssociation_waitsForAttaching(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	attaching := func() {
		env.Ali.Mutate(func(s *aliemu.State) {
			for i := range s.NetworkInterfaces {
				if n := &s.NetworkInterfaces[i]; n.ID == f.ENIID {
					n.Status, n.NextStatus, n.NextStatusAfter = "Attaching", "InUse", 2
				}
			}
		})
	}
	answers := func(action string) []string {
		var got []string
		for _, c := range env.Requests(t, "alicloud", action) {
			got = append(got, c.ErrorCode)
		}
		return got
	}
	busy := []string{"InvalidOperation.InvalidEniState", "InvalidOperation.InvalidEniState", ""}
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEniAssociationConfig(f.ENIID, f.SecurityGroupID, ""))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if got := answers("LeaveSecurityGroup"); !slices.Equal(got, busy) {
				return fmt.Errorf("LeaveSecurityGroup answers %q, want %q", got, busy)
			}
			return testAccCheckMembershipDestroy(t, env)(s)
		},
		Steps: []resource.TestStep{
			{
				PreConfig: attaching,
				Config:    config,
				Check: func(s *terraform.State) error {
					if got := answers("JoinSecurityGroup"); !slices.Equal(got, busy) {
						return fmt.Errorf("JoinSecurityGroup answers %q, want %q", got, busy)
					}
					attaching() // again, for the destroy
					return testAccCheckMembershipExists(t, env, eniAssocAddr)(s)
				},
			},
		},
	})
}

const otherRegion = "cn-shanghai"

// seedOtherRegionENI seeds an ENI in otherRegion, in a group of its own, and
// a second group there (emulator only).
func seedOtherRegionENI(t *testing.T, env *acctest.Env) (eni, group string) {
	t.Helper()
	env.RequireEmulator(t)
	eni, group, home := acctest.AliID("eni"), acctest.AliID("sg"), acctest.AliID("sg")
	env.AliSeed(t, func(s *aliemu.State) {
		s.SecurityGroups = append(s.SecurityGroups,
			aliemu.SecurityGroup{ID: home, RegionID: otherRegion}, aliemu.SecurityGroup{ID: group, RegionID: otherRegion})
		s.NetworkInterfaces = append(s.NetworkInterfaces, aliemu.NetworkInterface{
			ID: eni, RegionID: otherRegion, Type: "Secondary", Status: "Available", SecurityGroupIDs: []string{home},
		})
	})
	return eni, group
}

// Identity (Terraform >= 1.12): set by create, kept by an in-place update
// (keep_last_group), imported by identity.
func TestAccEniAssociation_identity(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.AliMembership(t)
	f.RequireENI(t)
	tc := acctest.IdentityTestCase(eniAssocAddr,
		acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEniAssociationConfig(f.ENIID, f.SecurityGroupID, "")),
		acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEniAssociationConfig(f.ENIID, f.SecurityGroupID, "keep_last_group = true")),
		membershipIdentity(f, "network_interface_id", f.ENIID))
	tc.CheckDestroy = testAccCheckMembershipDestroy(t, env)
	acctest.ParallelTest(t, tc)
}

// A state without identity gets it on the next refresh.
func TestAccEniAssociation_identityUpgrade(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.AliMembership(t)
	f.RequireENI(t)
	tc := acctest.IdentityUpgradeTestCase(eniAssocAddr,
		acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEniAssociationConfig(f.ENIID, f.SecurityGroupID, "")),
		membershipIdentity(f, "network_interface_id", f.ENIID))
	tc.CheckDestroy = testAccCheckMembershipDestroy(t, env)
	acctest.ParallelTest(t, tc)
}

// An ENI outside the provider's region: its identity carries the region,
// and an import by that identity finds it there.
func TestAccEniAssociation_identityOtherRegion(t *testing.T) {
	env := acctest.NewEnv(t)
	eni, group := seedOtherRegionENI(t, env)
	config := func(extra string) string {
		return acctest.ConfigCompose(env.AliCloudProviderConfig(),
			testAccEniAssociationConfig(eni, group, fmt.Sprintf("region = %q\n  %s", otherRegion, extra)))
	}
	tc := acctest.IdentityTestCase(eniAssocAddr, config(""), config("keep_last_group = true"), map[string]knownvalue.Check{
		"security_group_id":    knownvalue.StringExact(group),
		"network_interface_id": knownvalue.StringExact(eni),
		"region":               knownvalue.StringExact(otherRegion),
	})
	tc.CheckDestroy = testAccCheckMembershipDestroy(t, env)
	acctest.ParallelTest(t, tc)
}
