package alicloud_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
)

const (
	instanceAssocType = "secgroup_alicloud_instance_association"
	instanceAssocAddr = instanceAssocType + ".test"
)

func TestAccInstanceAssociation_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.AliMembership(t)
	id := f.SecurityGroupID + "/" + f.InstanceID
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, ""))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  testAccCheckMembershipExists(t, env, instanceAssocAddr),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(instanceAssocAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(instanceAssocAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(instanceAssocAddr, tfjsonpath.New("instance_id"), knownvalue.StringExact(f.InstanceID)),
					statecheck.ExpectKnownValue(instanceAssocAddr, tfjsonpath.New("security_group_id"), knownvalue.StringExact(f.SecurityGroupID)),
					statecheck.ExpectKnownValue(instanceAssocAddr, tfjsonpath.New("region"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(instanceAssocAddr, tfjsonpath.New("keep_last_group"), knownvalue.Bool(false)),
				},
			},
			{
				ResourceName:      instanceAssocAddr,
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

func TestAccInstanceAssociation_disappears(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.AliMembership(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, ""))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckMembershipExists(t, env, instanceAssocAddr),
					// Out of band, through the cloud API: works against a real cloud too.
					testAccLeaveOutOfBand(t, env, "InstanceId", f.InstanceID, f.SecurityGroupID),
				),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(instanceAssocAddr, plancheck.ResourceActionCreate)},
				},
				Check: testAccCheckMembershipExists(t, env, instanceAssocAddr),
			},
		},
	})
}

// TestAccInstanceAssociation_instanceDeleted: a refresh drops an association
// whose instance is gone, and a destroy that meets InvalidInstanceId.NotFound
// succeeds.
func TestAccInstanceAssociation_instanceDeleted(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, ""))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.Ali.Mutate(func(s *aliemu.State) {
						s.Instances = slices.DeleteFunc(s.Instances, func(in aliemu.Instance) bool { return in.ID == f.InstanceID })
					})
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(instanceAssocAddr, plancheck.ResourceActionCreate)},
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			// The test's destroy does not refresh first: Delete meets the
			// missing instance and takes it as the membership being gone.
			leaves := env.Requests(t, "alicloud", "LeaveSecurityGroup")
			if len(leaves) != 1 || leaves[0].ErrorCode != "InvalidInstanceId.NotFound" {
				return fmt.Errorf("LeaveSecurityGroup calls %+v, want one answered InvalidInstanceId.NotFound", leaves)
			}
			return nil
		},
	})
}

// TestAccInstanceAssociation_wire proves destroy sent LeaveSecurityGroup with
// exactly the documented parameters: SecurityGroupId, InstanceId and the
// RegionId the SDK always adds, and no NetworkInterfaceId.
func TestAccInstanceAssociation_wire(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			want := map[string]string{"SecurityGroupId": f.SecurityGroupID, "InstanceId": f.InstanceID, "RegionId": acctest.AliRegion}
			if err := checkOneCall(t, env, "LeaveSecurityGroup", want); err != nil {
				return err
			}
			if err := checkOneCall(t, env, "JoinSecurityGroup", want); err != nil {
				return err
			}
			return testAccCheckMembershipDestroy(t, env)(s)
		},
		Steps: []resource.TestStep{
			{Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, ""))},
		},
	})
}

// TestAccInstanceAssociation_lastGroup: when the association's group becomes
// the instance's only one, destroy fails with InstanceLastSecurityGroup and
// says what to do; once the instance has another group again, it succeeds.
func TestAccInstanceAssociation_lastGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, ""))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  testAccLeaveOutOfBand(t, env, "InstanceId", f.InstanceID, f.DefaultGroupID),
			},
			{
				Config:      config,
				Destroy:     true,
				ExpectError: acctest.ErrorRegexp(`(?s)InstanceLastSecurityGroup.*last group of instance ` + f.InstanceID + `.*create_before_destroy.*keep_last_group = true`),
			},
			{
				PreConfig: func() {
					env.Ali.Mutate(func(s *aliemu.State) { addGroup(s, f.InstanceID, f.DefaultGroupID) })
				},
				Config: config,
				Check:  testAccCheckMembershipExists(t, env, instanceAssocAddr),
			},
		},
	})
}

// TestAccInstanceAssociation_keepLastGroup: with keep_last_group, tearing
// down leaves the last membership in place instead of failing.
func TestAccInstanceAssociation_keepLastGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// The first Leave is the test's own, out of band.
			leaves := env.Requests(t, "alicloud", "LeaveSecurityGroup")
			if len(leaves) != 2 || leaves[1].ErrorCode != "InstanceLastSecurityGroup" {
				return fmt.Errorf("LeaveSecurityGroup calls %+v, want the destroy's one answered InstanceLastSecurityGroup", leaves)
			}
			if got := memberGroups(env, f.InstanceID); !slices.Equal(got, []string{f.SecurityGroupID}) {
				return fmt.Errorf("instance groups %v, want the kept last group %s", got, f.SecurityGroupID)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, "keep_last_group = true")),
				Check:  testAccLeaveOutOfBand(t, env, "InstanceId", f.InstanceID, f.DefaultGroupID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(instanceAssocAddr, tfjsonpath.New("keep_last_group"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

// TestAccInstanceAssociation_waitsForStarting: destroy while the instance is
// Starting is retried (IncorrectInstanceStatus) until it is Running.
func TestAccInstanceAssociation_waitsForStarting(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, ""))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			var answers []string
			for _, r := range env.Requests(t, "alicloud", "LeaveSecurityGroup") {
				answers = append(answers, r.ErrorCode)
			}
			// More busy answers than max_retries (2): busy is bounded by the timeout only.
			if len(answers) < 4 || answers[len(answers)-1] != "" || slices.ContainsFunc(answers[:len(answers)-1], func(c string) bool { return c != "IncorrectInstanceStatus" }) {
				return fmt.Errorf("LeaveSecurityGroup answers %q, want IncorrectInstanceStatus at least 3 times, then success", answers)
			}
			return testAccCheckMembershipDestroy(t, env)(s)
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					// The destroy's refresh and plan read the instance (2
					// requests), then 3 Leave attempts still see Starting.
					env.Ali.Mutate(func(s *aliemu.State) {
						for i := range s.Instances {
							if s.Instances[i].ID == f.InstanceID {
								s.Instances[i].Status, s.Instances[i].NextStatus, s.Instances[i].NextStatusAfter = "Starting", "Running", 5
							}
						}
					})
					return nil
				},
			},
		},
	})
}

// TestAccInstanceAssociation_lostAnswers: the first Join's and the first
// Leave's answers are lost after the change was made; the retries meet
// "already in the group" and "not in the group" and take them as success.
func TestAccInstanceAssociation_lostAnswers(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "alicloud", Actions: []string{"JoinSecurityGroup"}, DropRate: 1, Times: 1},
		{Cloud: "alicloud", Actions: []string{"LeaveSecurityGroup"}, DropRate: 1, Times: 1},
	})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			// Issue 16, items 2 and 3: the documented answers, 403
			// InvalidInstanceId.AlreadyExists and (since 2024-07-08) 400
			// InvalidSecurityGroupAssociation.NotFound, both our own write.
			for action, code := range map[string]string{"JoinSecurityGroup": "InvalidInstanceId.AlreadyExists", "LeaveSecurityGroup": "InvalidSecurityGroupAssociation.NotFound"} {
				calls := env.Requests(t, "alicloud", action)
				if len(calls) != 2 || calls[0].Fault != emulator.FaultDrop || calls[1].ErrorCode != code {
					return fmt.Errorf("%s calls %+v, want a dropped answer, then the retry's %s", action, calls, code)
				}
			}
			return testAccCheckMembershipDestroy(t, env)(s)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, "")),
			Check:  testAccCheckMembershipExists(t, env, instanceAssocAddr),
		}},
	})
}

// TestAccInstanceAssociation_throttled: throttling and 5xx are retried with
// backoff; the apply succeeds.
func TestAccInstanceAssociation_throttled(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "alicloud", Actions: []string{"JoinSecurityGroup"}, ThrottleRate: 1, Times: 1},
		{Cloud: "alicloud", Actions: []string{"LeaveSecurityGroup"}, ErrorRate: 1, Times: 1},
	})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for action, fault := range map[string]emulator.FaultKind{"JoinSecurityGroup": emulator.FaultThrottle, "LeaveSecurityGroup": emulator.FaultServerError} {
				calls := env.Requests(t, "alicloud", action)
				if len(calls) != 2 || calls[0].Fault != fault || calls[1].Status != 200 {
					return fmt.Errorf("%s calls %+v, want a %s answer, then success", action, calls, fault)
				}
			}
			return testAccCheckMembershipDestroy(t, env)(s)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, "")),
		}},
	})
}

// TestAccInstanceAssociation_leaveNotInGroupOldAnswer (issue 16, item 3):
// the LeaveSecurityGroup reference before 2024-07-08 answers a member that is
// not in the group with 403 InstanceNotInSecurityGroup; that is gone too, and
// the destroy succeeds after that one call. (The emulator answers the current
// code by itself; a fault rule gives the older one, so the membership stays
// in the emulator and is not checked here.)
func TestAccInstanceAssociation_leaveNotInGroupOldAnswer(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			leaves := env.Requests(t, "alicloud", "LeaveSecurityGroup")
			if len(leaves) != 1 || leaves[0].ErrorCode != "InstanceNotInSecurityGroup" {
				return fmt.Errorf("leave calls %+v, want one, answered InstanceNotInSecurityGroup", leaves)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, "")),
			Check: func(*terraform.State) error {
				env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: "alicloud", Actions: []string{"LeaveSecurityGroup"}, Times: 1,
					ErrorStatus: 403, ErrorCode: "InstanceNotInSecurityGroup"}})
				return nil
			},
		}},
	})
}

// TestAccInstanceAssociation_apiNotServed (issue 16, item 4): a destroy
// answered 404 InvalidAction.NotFound fails, naming alicloud.endpoints.ecs:
// the instance keeps its group, and the association stays in the state.
func TestAccInstanceAssociation_apiNotServed(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, ""))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t, env),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: "alicloud", Actions: []string{"LeaveSecurityGroup"}, Times: 1,
						ErrorStatus: 404, ErrorCode: "InvalidAction.NotFound"}})
				},
				Config:      config,
				Destroy:     true,
				ExpectError: acctest.ErrorRegexp(`(?s)HTTP 404 InvalidAction\.NotFound.*alicloud\.endpoints\.ecs`),
			},
			{
				Config: config,
				Check: func(*terraform.State) error {
					if got := memberGroups(env, f.InstanceID); !slices.Contains(got, f.SecurityGroupID) {
						return fmt.Errorf("instance groups %v after the refused destroy, want %s still there", got, f.SecurityGroupID)
					}
					return nil
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccInstanceAssociation_busyAndThrottled (issue 16, item 5): SystemBusy
// is waited out as busy and Rejected.Throttling as throttling (each answered
// twice here); the apply and the destroy succeed.
func TestAccInstanceAssociation_busyAndThrottled(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	answer := func(action, code string) emulator.FaultRule {
		return emulator.FaultRule{Cloud: "alicloud", Actions: []string{action}, Times: 2, ErrorStatus: 400, ErrorCode: code}
	}
	env.Emulator.SetFaults([]emulator.FaultRule{answer("JoinSecurityGroup", "SystemBusy"), answer("LeaveSecurityGroup", "Rejected.Throttling")})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for action, code := range map[string]string{"JoinSecurityGroup": "SystemBusy", "LeaveSecurityGroup": "Rejected.Throttling"} {
				var got []string
				for _, c := range env.Requests(t, "alicloud", action) {
					got = append(got, c.ErrorCode)
				}
				if want := []string{code, code, ""}; !slices.Equal(got, want) {
					return fmt.Errorf("%s answers %q, want %q", action, got, want)
				}
			}
			return testAccCheckMembershipDestroy(t, env)(s)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, "")),
			Check:  testAccCheckMembershipExists(t, env, instanceAssocAddr),
		}},
	})
}

// TestAccInstanceAssociation_refusals: errors no retry can change surface at
// once with the cloud's code and advice, after exactly one call.
func TestAccInstanceAssociation_refusals(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	managed, otherVPC := acctest.AliID("sg"), acctest.AliID("sg")
	env.Ali.Mutate(func(s *aliemu.State) {
		s.SecurityGroups = append(s.SecurityGroups, aliemu.SecurityGroup{ID: managed, RegionID: acctest.AliRegion, ManagedByCloudProduct: true})
	})
	steps := []resource.TestStep{
		{
			Config:      acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, managed, "")),
			ExpectError: acctest.ErrorRegexp(`(?s)HTTP 403 InvalidOperation\.ResourceManagedByCloudProduct.*through that product`),
		},
		{
			PreConfig: func() {
				env.Ali.Mutate(func(s *aliemu.State) {
					for i := range s.Instances {
						s.Instances[i].LockedForSecurity = true
					}
				})
			},
			Config:      acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, "")),
			ExpectError: acctest.ErrorRegexp(`(?s)Error Adding Alibaba Cloud Instance to Security Group.*HTTP 403 InstanceLockedForSecurity.*locked the instance for security reasons`),
		},
		{
			// Issue 16, item 9: the Join reference's code for another VPC.
			PreConfig: func() {
				env.Ali.Mutate(func(s *aliemu.State) {
					for i := range s.Instances {
						s.Instances[i].LockedForSecurity = false
					}
					s.SecurityGroups = append(s.SecurityGroups, aliemu.SecurityGroup{ID: otherVPC, RegionID: acctest.AliRegion, VpcID: "vpc-other0000000000000"})
				})
			},
			Config:      acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, otherVPC, "")),
			ExpectError: acctest.ErrorRegexp(`(?s)HTTP 400 InvalidInstanceId\.Mismatch`),
		},
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
		CheckDestroy: func(*terraform.State) error {
			if n := len(env.Requests(t, "alicloud", "JoinSecurityGroup")); n != 3 {
				return fmt.Errorf("%d JoinSecurityGroup calls, want 3 (one per refusal, none retried)", n)
			}
			return nil
		},
	})
}

func TestAccInstanceAssociation_alreadyMember(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.DefaultGroupID, "")),
			ExpectError: acctest.ErrorRegexp(`(?s)already in security group.*import \{ to = secgroup_alicloud_instance_association\.NAME id = "sg-`),
		}},
		CheckDestroy: func(*terraform.State) error {
			if got := memberGroups(env, f.InstanceID); !slices.Equal(got, []string{f.DefaultGroupID}) {
				return fmt.Errorf("instance groups %v, want [%s]", got, f.DefaultGroupID)
			}
			if n := len(env.Requests(t, "alicloud", "JoinSecurityGroup", "LeaveSecurityGroup")); n != 0 {
				return fmt.Errorf("%d write calls, want 0", n)
			}
			return nil
		},
	})
}

func TestAccInstanceAssociation_validation(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	cases := []struct{ instance, group, extra, want string }{
		{"web-1", f.SecurityGroupID, "", `Attribute instance_id must be an instance ID`},
		{f.ENIID, f.SecurityGroupID, "", `Attribute instance_id must be an instance ID`},
		{f.InstanceID, "web", "", `Attribute security_group_id must be a security group ID`},
		{f.InstanceID, f.SecurityGroupID, `region = ""`, `Attribute region string length must be at least 1`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(c.instance, c.group, c.extra)),
			PlanOnly:    true,
			ExpectError: acctest.ErrorRegexp(regexp.QuoteMeta(c.want)),
		})
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
		CheckDestroy:             env.CheckNoRequests(t, "alicloud"),
	})
}

func TestAccInstanceAssociation_importInvalidID(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	for _, id := range []string{"no-slash", f.InstanceID + "/" + f.SecurityGroupID, f.SecurityGroupID + "/", "/" + f.SecurityGroupID + "/" + f.InstanceID, "a/b/" + f.SecurityGroupID + "/" + f.InstanceID} {
		acctest.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:        acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, "")),
				ResourceName:  instanceAssocAddr,
				ImportState:   true,
				ImportStateId: id,
				ExpectError:   regexp.MustCompile(`Expected <security_group_id>/<instance_id>`),
			}},
		})
	}
}

func testAccInstanceAssociationConfig(instanceID, group, extra string) string {
	return fmt.Sprintf(`
resource "secgroup_alicloud_instance_association" "test" {
  instance_id       = %[1]q
  security_group_id = %[2]q
  %[3]s
}
`, instanceID, group, extra)
}

// memberOf returns the kind and member ID of an association in the state.
func memberOf(rs *terraform.ResourceState) (*alicloud.MemberKind, string, string, bool) {
	switch rs.Type {
	case instanceAssocType:
		return alicloud.InstanceMember, "InstanceId", rs.Primary.Attributes["instance_id"], true
	case eniAssocType:
		return alicloud.ENIMember, "NetworkInterfaceId", rs.Primary.Attributes["network_interface_id"], true
	}
	return nil, "", "", false
}

func testAccCheckMembershipExists(t *testing.T, env *acctest.Env, addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in the state", addr)
		}
		kind, _, member, _ := memberOf(rs)
		a := rs.Primary.Attributes
		return alicloud.FindMembership(context.Background(), env.AliCloudClient(t), kind, a["region"], member, a["security_group_id"])
	}
}

func testAccCheckMembershipDestroy(t *testing.T, env *acctest.Env) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			kind, _, member, ok := memberOf(rs)
			if !ok {
				continue
			}
			a := rs.Primary.Attributes
			err := alicloud.FindMembership(context.Background(), env.AliCloudClient(t), kind, a["region"], member, a["security_group_id"])
			if err == nil {
				return fmt.Errorf("%s is still in security group %s", member, a["security_group_id"])
			}
			if !apierr.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}

// testAccLeaveOutOfBand removes a membership behind terraform's back, through the API.
func testAccLeaveOutOfBand(t *testing.T, env *acctest.Env, param, member, group string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		return env.AliCloudClient(t).Call(context.Background(), "ecs", "", "LeaveSecurityGroup",
			map[string]string{param: member, "SecurityGroupId": group}, nil)
	}
}

// checkOneCall checks that action was called once, with exactly want besides
// the protocol's own parameters.
func checkOneCall(t *testing.T, env *acctest.Env, action string, want map[string]string) error {
	calls := env.Requests(t, "alicloud", action)
	if len(calls) != 1 {
		return fmt.Errorf("%d %s calls, want 1: %+v", len(calls), action, calls)
	}
	got := acctest.RPCOwnParams(calls[0].Params)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		keys := make([]string, 0, len(got))
		for k := range got {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return fmt.Errorf("%s went out with %v (parameters %v), want exactly %v", action, got, keys, want)
	}
	if calls[0].Status != 200 {
		return fmt.Errorf("%s answered %d %s", action, calls[0].Status, calls[0].ErrorCode)
	}
	return nil
}

func memberGroups(env *acctest.Env, id string) []string {
	s := env.Ali.State()
	for _, in := range s.Instances {
		if in.ID == id {
			return in.SecurityGroupIDs
		}
	}
	for _, n := range s.NetworkInterfaces {
		if n.ID == id {
			return n.SecurityGroupIDs
		}
	}
	return nil
}

// addGroup puts an instance or ENI back into a group, out of band.
func addGroup(s *aliemu.State, id, group string) {
	for i := range s.Instances {
		if s.Instances[i].ID == id {
			s.Instances[i].SecurityGroupIDs = append(s.Instances[i].SecurityGroupIDs, group)
		}
	}
	for i := range s.NetworkInterfaces {
		if s.NetworkInterfaces[i].ID == id {
			s.NetworkInterfaces[i].SecurityGroupIDs = append(s.NetworkInterfaces[i].SecurityGroupIDs, group)
		}
	}
}

// TestAccInstanceAssociation_replaceLastGroup: moving an instance from its
// only group to another fails at apply without create_before_destroy (the old
// membership is left first), and succeeds with it, as the docs recommend.
func TestAccInstanceAssociation_replaceLastGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	next := acctest.AliID("sg")
	env.Ali.Mutate(func(s *aliemu.State) {
		s.SecurityGroups = append(s.SecurityGroups, aliemu.SecurityGroup{ID: next, RegionID: acctest.AliRegion})
	})
	const cbd = "lifecycle {\n    create_before_destroy = true\n  }"
	config := func(group, extra string) string {
		return acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, group, extra))
	}

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config(f.SecurityGroupID, ""),
				Check:  testAccLeaveOutOfBand(t, env, "InstanceId", f.InstanceID, f.DefaultGroupID),
			},
			{
				Config: config(next, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(instanceAssocAddr, plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectUnknownValue(instanceAssocAddr, tfjsonpath.New("id")),
					},
				},
				ExpectError: acctest.ErrorRegexp(`(?s)InstanceLastSecurityGroup.*last group of instance ` + f.InstanceID),
			},
			{
				Config: config(next, cbd),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(instanceAssocAddr, plancheck.ResourceActionCreateBeforeDestroy)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(instanceAssocAddr, tfjsonpath.New("id"), knownvalue.StringExact(next+"/"+f.InstanceID)),
				},
				Check: func(*terraform.State) error {
					if got := memberGroups(env, f.InstanceID); !slices.Equal(got, []string{next}) {
						return fmt.Errorf("instance groups %v, want only %s", got, next)
					}
					return nil
				},
			},
			{
				// Give the instance another group again so the final destroy can leave this one.
				PreConfig: func() { env.Ali.Mutate(func(s *aliemu.State) { addGroup(s, f.InstanceID, f.DefaultGroupID) }) },
				Config:    config(next, cbd),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccInstanceAssociation_unknownAtPlan: IDs and the region that come from
// another resource are unknown at plan time; validators and ModifyPlan let
// them through, and the apply and the next plan are clean.
func TestAccInstanceAssociation_unknownAtPlan(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), fmt.Sprintf(`
resource "terraform_data" "ids" {
  input = {
    instance = %[1]q
    eni      = %[2]q
    group    = %[3]q
    region   = %[4]q
  }
}

resource "secgroup_alicloud_instance_association" "test" {
  instance_id       = terraform_data.ids.output.instance
  security_group_id = terraform_data.ids.output.group
  region            = terraform_data.ids.output.region
}

resource "secgroup_alicloud_eni_association" "test" {
  network_interface_id = terraform_data.ids.output.eni
  security_group_id    = terraform_data.ids.output.group
  region               = terraform_data.ids.output.region
}
`, f.InstanceID, f.ENIID, f.SecurityGroupID, acctest.AliRegion))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue(instanceAssocAddr, tfjsonpath.New("instance_id")),
						plancheck.ExpectUnknownValue(eniAssocAddr, tfjsonpath.New("network_interface_id")),
						plancheck.ExpectUnknownValue(eniAssocAddr, tfjsonpath.New("region")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckMembershipExists(t, env, instanceAssocAddr),
					testAccCheckMembershipExists(t, env, eniAssocAddr),
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

// With no region anywhere, the plan fails on the resource's region, before
// any API call; the resource's own region is enough.
func TestAccInstanceAssociation_regionOnTheResourceOnly(t *testing.T) {
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
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckMembershipDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config:      provider + testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, ""),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(`(?s)Missing Region.*Set region on this resource, or region in the provider's Alibaba Cloud block`),
			},
			{
				PreConfig: func() {
					if err := env.CheckNoRequests(t, "alicloud")(nil); err != nil {
						t.Errorf("the refused plan: %s", err)
					}
				},
				Config: provider + testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, fmt.Sprintf("region = %q", acctest.AliRegion)),
				Check:  testAccCheckMembershipExists(t, env, instanceAssocAddr),
			},
		},
	})
}

// TestAccMembership_keptAfterInterruptedRetry: JoinSecurityGroup's answer is
// lost (the join landed), and the 2s create timeout cuts off its retry (3 s
// of latency). The member may be in the group, so the state keeps the
// association, tainted, and the next apply replaces it: one membership, no
// "already in security group ... import it". For both kinds of member.
func TestAccMembership_keptAfterInterruptedRetry(t *testing.T) {
	for _, tc := range []struct{ name, addr, attr string }{
		{"instance", instanceAssocAddr, "instance_id"},
		{"eni", eniAssocAddr, "network_interface_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := acctest.NewEnv(t)
			env.RequireEmulator(t)
			f := env.AliMembership(t)
			member := f.InstanceID
			if tc.name == "eni" {
				member = f.ENIID
			}
			env.Emulator.SetFaults([]emulator.FaultRule{
				{Cloud: "alicloud", Actions: []string{"JoinSecurityGroup"}, DropRate: 1, Times: 1},
				{Cloud: "alicloud", Actions: []string{"JoinSecurityGroup"}, LatencyMS: 3000, After: 1, Times: 1},
			})
			typ, _, _ := strings.Cut(tc.addr, ".")
			config := acctest.ConfigCompose(env.AliCloudProviderConfig(), fmt.Sprintf(`
resource %[1]q "test" {
  %[2]s = %[3]q
  security_group_id = %[4]q
  timeouts {
    create = "2s"
  }
}
`, typ, tc.attr, member, f.SecurityGroupID))
			acctest.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				CheckDestroy:             testAccCheckMembershipDestroy(t, env),
				Steps: env.KeptTaintedSteps(config, tc.addr,
					`the 2s create timeout expired during alicloud ECS JoinSecurityGroup.*`+
						`Left behind: .* may now be in security group .*tainted`,
					func(s *terraform.State) error {
						if got := memberGroups(env, member); !slices.Equal(got, []string{f.DefaultGroupID, f.SecurityGroupID}) {
							return fmt.Errorf("member groups %v, want the default group and ours once", got)
						}
						if n := len(env.Requests(t, "alicloud", "LeaveSecurityGroup")); n != 1 {
							return fmt.Errorf("%d LeaveSecurityGroup calls, want 1 (the tainted one's)", n)
						}
						return testAccCheckMembershipExists(t, env, tc.addr)(s)
					}),
			})
		})
	}
}

// TestAccInstanceAssociation_rateLimitOutlastsTimeout: with a client-side
// rate limit of one call per 2 s, the join would have to wait past the 1s
// create timeout. The error names the timeout to raise, not the limit, and
// no join goes out, so nothing is kept in the state.
func TestAccInstanceAssociation_rateLimitOutlastsTimeout(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckNoRequests(t, "alicloud", "JoinSecurityGroup"),
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.AliCloudProviderConfigWith(acctest.ProviderOptions{RateLimits: map[string]float64{"ecs": 0.5}}),
				testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, `timeouts {
    create = "1s"
  }`)),
			ExpectError: acctest.ErrorRegexp(`(?s)the 1s create timeout expired: waiting for the ecs rate limit \(0\.5 requests per second\).*` +
				`Raise the timeout: timeouts \{ create = "..." \}`),
		}},
	})
}

// Identity (Terraform >= 1.12): set by create, kept by an in-place update
// (keep_last_group), imported by identity.
func TestAccInstanceAssociation_identity(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.AliMembership(t)
	tc := acctest.IdentityTestCase(instanceAssocAddr,
		acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, "")),
		acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, "keep_last_group = true")),
		membershipIdentity(f, "instance_id", f.InstanceID))
	tc.CheckDestroy = testAccCheckMembershipDestroy(t, env)
	acctest.ParallelTest(t, tc)
}

// A state without identity gets it on the next refresh.
func TestAccInstanceAssociation_identityUpgrade(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.AliMembership(t)
	tc := acctest.IdentityUpgradeTestCase(instanceAssocAddr,
		acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccInstanceAssociationConfig(f.InstanceID, f.SecurityGroupID, "")),
		membershipIdentity(f, "instance_id", f.InstanceID))
	tc.CheckDestroy = testAccCheckMembershipDestroy(t, env)
	acctest.ParallelTest(t, tc)
}

func membershipIdentity(f acctest.AliMembershipFixtures, attr, member string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"security_group_id": knownvalue.StringExact(f.SecurityGroupID),
		attr:                knownvalue.StringExact(member),
		"region":            knownvalue.StringExact(f.Region),
	}
}
