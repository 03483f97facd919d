package huaweicloud_test

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
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/huaweicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/readcache"
)

const serverAssocAddr = "secgroup_huaweicloud_server_association.test"

func TestAccServerAssociation_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.Huawei(t)
	id := f.ServerID + "/" + f.SecurityGroupID

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServerAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID)),
				Check:  testAccCheckServerAssociationExists(t, env, serverAssocAddr),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(serverAssocAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(serverAssocAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(serverAssocAddr, tfjsonpath.New("security_group_id"), knownvalue.StringExact(f.SecurityGroupID)),
					statecheck.ExpectKnownValue(serverAssocAddr, tfjsonpath.New("security_group_name"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(serverAssocAddr, tfjsonpath.New("region"), knownvalue.NotNull()),
				},
			},
			{
				ResourceName:            serverAssocAddr,
				ImportState:             true,
				ImportStateId:           id,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// A second plan of the same configuration is empty.
				Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccServerAssociation_disappears(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.Huawei(t)
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServerAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckServerAssociationExists(t, env, serverAssocAddr),
					// Out of band, through the cloud API: works against a real cloud too.
					testAccRemoveServerGroup(t, env, f.ServerID, f.SecurityGroupID),
				),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(serverAssocAddr, plancheck.ResourceActionCreate)},
				},
				Check: testAccCheckServerAssociationExists(t, env, serverAssocAddr),
			},
		},
	})
}

func TestAccServerAssociation_serverDeleted(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID))

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServerAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.HW.Mutate(func(s *hwemu.State) {
						s.Servers = nil
					})
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(serverAssocAddr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func TestAccServerAssociation_byName(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.Huawei(t)
	if f.SecurityGroupName == "" {
		acctest.FixtureEnv(t, "SECGROUP_ACC_HW_SECURITY_GROUP_NAME")
	}
	id := f.ServerID + "/" + f.SecurityGroupName

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServerAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupName)),
				Check:  testAccCheckServerAssociationExists(t, env, serverAssocAddr),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(serverAssocAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(serverAssocAddr, tfjsonpath.New("security_group"), knownvalue.StringExact(f.SecurityGroupName)),
					statecheck.ExpectKnownValue(serverAssocAddr, tfjsonpath.New("security_group_id"), knownvalue.StringExact(f.SecurityGroupID)),
					statecheck.ExpectKnownValue(serverAssocAddr, tfjsonpath.New("security_group_name"), knownvalue.StringExact(f.SecurityGroupName)),
				},
			},
			{
				ResourceName:            serverAssocAddr,
				ImportState:             true,
				ImportStateId:           id,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// A name that two groups of the project share is Nova's 409: it stays a
// conflict, failing at once (not retried as busy, as VPC's 409 on a port
// write is), and the error says to use the group's ID.
func TestAccServerAssociation_ambiguousName(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	env.HW.Mutate(func(s *hwemu.State) {
		s.SecurityGroups = append(s.SecurityGroups, hwemu.SecurityGroup{ID: acctest.UUID(), Name: f.SecurityGroupName, ProjectID: acctest.HWProjectID})
	})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if calls := env.Requests(t, "huaweicloud", "addSecurityGroup"); len(calls) != 1 || calls[0].ErrorCode != "conflictingRequest" {
				return fmt.Errorf("addSecurityGroup calls %+v, want one 409 conflictingRequest, not retried", calls)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config:      acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupName)),
			ExpectError: acctest.ErrorRegexp(`(?s)HTTP 409 conflictingRequest.*matches several groups in the project: set security_group to the ID`),
		}},
	})
}

// TestAccServerAssociation_wire proves the exact API calls: destroy sends the
// documented removeSecurityGroup body and nothing else writes.
func TestAccServerAssociation_wire(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			removes := env.Requests(t, "huaweicloud", "removeSecurityGroup")
			if len(removes) != 1 {
				return fmt.Errorf("destroy made %d removeSecurityGroup calls, want 1: %+v", len(removes), removes)
			}
			r := removes[0]
			wantPath := fmt.Sprintf("/v2.1/%s/servers/%s/action", acctest.HWProjectID, f.ServerID)
			if r.Method != "POST" || r.Path != wantPath || r.Status != 202 {
				return fmt.Errorf("removeSecurityGroup went out as %s %s (status %d), want POST %s (202)", r.Method, r.Path, r.Status, wantPath)
			}
			if err := jsonEqual(r.Body, fmt.Sprintf(`{"removeSecurityGroup":{"name":%q}}`, f.SecurityGroupID)); err != nil {
				return fmt.Errorf("removeSecurityGroup body: %w", err)
			}
			if adds := env.Requests(t, "huaweicloud", "addSecurityGroup"); len(adds) != 1 {
				return fmt.Errorf("apply made %d addSecurityGroup calls, want 1", len(adds))
			} else if err := jsonEqual(adds[0].Body, fmt.Sprintf(`{"addSecurityGroup":{"name":%q}}`, f.SecurityGroupID)); err != nil {
				return fmt.Errorf("addSecurityGroup body: %w", err)
			}
			return testAccCheckServerAssociationDestroy(t, env)(s)
		},
		Steps: []resource.TestStep{
			{Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID))},
		},
	})
}

// TestAccServerAssociation_parallel applies and destroys several associations
// on one server at once: every one lands, and the per-server lock keeps their
// writes from overlapping.
func TestAccServerAssociation_parallel(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	const n = 6
	groups := make([]string, n)
	env.HW.Mutate(func(s *hwemu.State) {
		for i := range groups {
			groups[i] = acctest.UUID()
			s.SecurityGroups = append(s.SecurityGroups, hwemu.SecurityGroup{ID: groups[i], Name: fmt.Sprintf("par-%d", i), ProjectID: acctest.HWProjectID})
		}
	})
	config := env.HuaweiProviderConfig()
	for i, g := range groups {
		config += fmt.Sprintf(`
resource "secgroup_huaweicloud_server_association" "p%[1]d" {
  server_id      = %[2]q
  security_group = %[3]q
}
`, i, f.ServerID, g)
	}

	// Slow writes make any overlap between two writers of one server visible.
	env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: "huaweicloud", Actions: []string{"addSecurityGroup", "removeSecurityGroup"}, LatencyMS: 100}})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			got := serverGroups(env, f.ServerID)
			if len(got) != 1 || got[0] != f.DefaultGroupID {
				return fmt.Errorf("after destroy the server is in %v, want only its original group %s", got, f.DefaultGroupID)
			}
			writes := env.Requests(t, "huaweicloud", "addSecurityGroup", "removeSecurityGroup")
			if len(writes) != 2*n {
				return fmt.Errorf("%d writes, want %d", len(writes), 2*n)
			}
			for i, a := range writes {
				for _, b := range writes[i+1:] {
					if a.Time.Before(b.Done) && b.Time.Before(a.Done) {
						return fmt.Errorf("writes to one server overlapped: %s #%d [%s, %s] and %s #%d [%s, %s]",
							a.Action, a.Seq, a.Time.Format(time.StampMicro), a.Done.Format(time.StampMicro),
							b.Action, b.Seq, b.Time.Format(time.StampMicro), b.Done.Format(time.StampMicro))
					}
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					got := serverGroups(env, f.ServerID)
					if len(got) != n+1 {
						return fmt.Errorf("server is in %d groups %v, want %d", len(got), got, n+1)
					}
					return nil
				},
			},
		},
	})
}

// TestAccServerAssociation_region: a resource's own region selects that
// region's project (looked up in IAM by name) and endpoints; changing the
// provider's region replaces associations that follow it.
func TestAccServerAssociation_region(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	const otherRegion, otherProject = "cn-south-1", "f0e1d2c3b4a5968778695a4b3c2d1e0f"
	otherServer := acctest.UUID()
	env.HW.Mutate(func(s *hwemu.State) {
		s.Projects = append(s.Projects, hwemu.Project{ID: otherProject, Name: otherRegion})
		s.SecurityGroups = append(s.SecurityGroups, hwemu.SecurityGroup{ID: acctest.UUID(), Name: "south-web", ProjectID: otherProject})
		s.Servers = append(s.Servers, hwemu.Server{ID: otherServer, Name: "south", ProjectID: otherProject, Status: "ACTIVE"})
	})
	southAddr := "secgroup_huaweicloud_server_association.south"
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID), fmt.Sprintf(`
resource "secgroup_huaweicloud_server_association" "south" {
  server_id      = %[1]q
  security_group = "south-web"
  region         = %[2]q
}
`, otherServer, otherRegion))
	movedProvider := strings.Replace(config, fmt.Sprintf("region     = %q", acctest.HWRegion), fmt.Sprintf("region     = %q", otherRegion), 1)

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServerAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(serverAssocAddr, tfjsonpath.New("region"), knownvalue.StringExact(acctest.HWRegion)),
					statecheck.ExpectKnownValue(southAddr, tfjsonpath.New("region"), knownvalue.StringExact(otherRegion)),
				},
				Check: func(*terraform.State) error {
					adds := env.Requests(t, "huaweicloud", "addSecurityGroup")
					want := fmt.Sprintf("/v2.1/%s/servers/%s/action", otherProject, otherServer)
					for _, r := range adds {
						if r.Path == want {
							return nil
						}
					}
					return fmt.Errorf("no addSecurityGroup went to %s: %+v", want, adds)
				},
			},
			{
				// Only the association that follows the provider's region is replaced.
				Config:             movedProvider,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(serverAssocAddr, plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction(southAddr, plancheck.ResourceActionNoop),
					},
				},
			},
			{
				// The association in the other region imports with the
				// region in front, as Alibaba Cloud's do.
				Config:                  config,
				ResourceName:            southAddr,
				ImportState:             true,
				ImportStateId:           otherRegion + "/" + otherServer + "/south-web",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// TestAccServerAssociation_lostAnswers loses the answer of the first add and of
// the first remove after the change was made: the retries meet "already
// associated" and "not associated" and must take them as their own success.
func TestAccServerAssociation_lostAnswers(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "huaweicloud", Actions: []string{"addSecurityGroup"}, DropRate: 1, Times: 1},
		{Cloud: "huaweicloud", Actions: []string{"removeSecurityGroup"}, DropRate: 1, Times: 1},
	})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for _, action := range []string{"addSecurityGroup", "removeSecurityGroup"} {
				calls := env.Requests(t, "huaweicloud", action)
				// Upstream Nova: the retried add is no error, the retried
				// remove a 404 (the group is no longer on the server).
				want := map[string]string{"addSecurityGroup": "", "removeSecurityGroup": "itemNotFound"}[action]
				if len(calls) != 2 || calls[0].Fault != emulator.FaultDrop || calls[1].ErrorCode != want {
					return fmt.Errorf("%s calls %+v, want a dropped answer, then the retry's %q", action, calls, want)
				}
			}
			return testAccCheckServerAssociationDestroy(t, env)(s)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID)),
			Check:  testAccCheckServerAssociationExists(t, env, serverAssocAddr),
		}},
	})
}

// Huawei's Nova has answered 400 badRequest where upstream Nova answers no
// error (add of a group already on the server) and 404 (remove of one that
// is not): after a lost answer, both are read as our own earlier success.
func TestAccServerAssociation_lostAnswersOlderNova(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	var rules []emulator.FaultRule
	for _, action := range []string{"addSecurityGroup", "removeSecurityGroup"} {
		rules = append(rules,
			emulator.FaultRule{Cloud: "huaweicloud", Actions: []string{action}, DropRate: 1, Times: 1},
			emulator.FaultRule{Cloud: "huaweicloud", Actions: []string{action}, ErrorCode: "badRequest", ErrorStatus: 400, After: 1, Times: 1})
	}
	env.Emulator.SetFaults(rules)

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for _, action := range []string{"addSecurityGroup", "removeSecurityGroup"} {
				calls := env.Requests(t, "huaweicloud", action)
				if len(calls) != 2 || calls[0].Fault != emulator.FaultDrop || calls[1].ErrorCode != "badRequest" {
					return fmt.Errorf("%s calls %+v, want a dropped answer, then the retry's 400 badRequest", action, calls)
				}
			}
			return testAccCheckServerAssociationDestroy(t, env)(s)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID)),
			Check:  testAccCheckServerAssociationExists(t, env, serverAssocAddr),
		}},
	})
}

// The gateway's 404 APIGW.0101 ("the API does not exist or has not been
// published in the environment") says the endpoint or the region is wrong,
// not that the membership is gone: a refresh keeps the resource and a
// destroy fails, naming the setting to fix, and the server keeps its group.
// Before, the 404 read as "not found": the refresh dropped the resource and
// the destroy reported success.
func TestAccServerAssociation_noSuchAPIIsNotGone(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID))
	noSuchAPI := func(action string) func() {
		return func() {
			env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: "huaweicloud", Actions: []string{action}, ErrorCode: "APIGW.0101", ErrorStatus: 404}})
		}
	}
	wantErr := acctest.ErrorRegexp(`(?s)HTTP 404 APIGW\.0101.*Check huaweicloud\.endpoints\.ecs and the region`)

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServerAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{Config: config, Check: testAccCheckServerAssociationExists(t, env, serverAssocAddr)},
			{PreConfig: noSuchAPI("ListServersDetails"), RefreshState: true, ExpectError: wantErr},
			{PreConfig: noSuchAPI("removeSecurityGroup"), Config: config, Destroy: true, ExpectError: wantErr},
			{
				// Still in the state and on the server: the plan is empty.
				PreConfig: func() { env.Emulator.SetFaults(nil) },
				Config:    config,
				Check:     testAccCheckServerAssociationExists(t, env, serverAssocAddr),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccServerAssociation_throttledAndFlaky: throttling and 5xx answers are
// retried with backoff and the apply succeeds.
func TestAccServerAssociation_throttledAndFlaky(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "huaweicloud", ThrottleRate: 1, Times: 2},
		{Cloud: "huaweicloud", Actions: []string{"addSecurityGroup", "ListServersDetails"}, ErrorRate: 1, Times: 1},
	})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServerAssociationDestroy(t, env),
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID)),
			Check: resource.ComposeAggregateTestCheckFunc(
				testAccCheckServerAssociationExists(t, env, serverAssocAddr),
				func(*terraform.State) error {
					faults := map[emulator.FaultKind]int{}
					for _, r := range env.Requests(t, "huaweicloud") {
						faults[r.Fault]++
					}
					if faults[emulator.FaultThrottle] != 2 || faults[emulator.FaultServerError] != 1 {
						return fmt.Errorf("injected faults %v, want 2 throttled and 1 server error answers", faults)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccServerAssociation_throttledUntilTimeout: a cloud that keeps
// throttling is waited out past max_retries, and ends the apply only at the
// operation's timeout, with the cloud's code and what to do.
func TestAccServerAssociation_throttledUntilTimeout(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: "huaweicloud", Actions: []string{"addSecurityGroup"}, ThrottleRate: 1}})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), fmt.Sprintf(`
resource "secgroup_huaweicloud_server_association" "test" {
  server_id      = %[1]q
  security_group = %[2]q
  timeouts {
    create = "4s"
  }
}
`, f.ServerID, f.SecurityGroupID)),
			// terraform wraps long lines: any space may be a line break.
			ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)Error Adding Security Group to Huawei Cloud Server.*HTTP 429 APIGW\.0308.*timeout reached.*Raise the timeout: timeouts \{ create = "\.\.\." \}`, " ", `\s+`)),
		}},
		CheckDestroy: func(*terraform.State) error {
			// max_retries = 2 in the test provider: a throttle is not counted.
			if n := len(env.Requests(t, "huaweicloud", "addSecurityGroup")); n <= 3 {
				return fmt.Errorf("%d addSecurityGroup calls, want more than max_retries allows", n)
			}
			return nil
		},
	})
}

// TestAccServerAssociation_retriesExhausted: a cloud that keeps failing
// (HTTP 5xx) ends the apply with the cloud's code after max_retries.
func TestAccServerAssociation_retriesExhausted(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: "huaweicloud", Actions: []string{"addSecurityGroup"}, ErrorRate: 1}})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID)),
			ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)Error Adding Security Group to Huawei Cloud Server.*HTTP 503 APIGW\.0201.*after 3 attempts, max_retries reached`, " ", `\s+`)),
		}},
		CheckDestroy: func(*terraform.State) error {
			// max_retries = 2 in the test provider: one try and two retries.
			if n := len(env.Requests(t, "huaweicloud", "addSecurityGroup")); n != 3 {
				return fmt.Errorf("%d addSecurityGroup calls, want 3", n)
			}
			return nil
		},
	})
}

func TestAccServerAssociation_alreadyMember(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.DefaultGroupID)),
				ExpectError: regexp.MustCompile(`(?s)already in security group.*import\s+\{\s+to\s+=\s+secgroup_huaweicloud_server_association\.NAME\s+id\s+=\s+"`),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			// The pre-existing membership must survive the failed create.
			if got := serverGroups(env, f.ServerID); len(got) != 1 || got[0] != f.DefaultGroupID {
				return fmt.Errorf("server groups %v, want [%s]", got, f.DefaultGroupID)
			}
			if n := len(env.Requests(t, "huaweicloud", "addSecurityGroup", "removeSecurityGroup")); n != 0 {
				return fmt.Errorf("%d write calls were made, want 0", n)
			}
			return nil
		},
	})
}

func TestAccServerAssociation_validation(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	cases := []struct {
		name, serverID, group, extra string
		want                         string
	}{
		{"server_id not a UUID", "server-1", f.SecurityGroupID, "", `Attribute server_id must be the server's ID`},
		{"server_id upper case", strings.ToUpper(f.ServerID), f.SecurityGroupID, "", `in lower case`},
		{"group ID upper case", f.ServerID, strings.ToUpper(f.SecurityGroupID), "", `must be a security group ID in lower case`},
		{"empty group", f.ServerID, "", "", `Attribute security_group string length must be between 1 and 255`},
		{"group with slash", f.ServerID, "a/b", "", `Attribute security_group must be a security group ID or name`},
		{"group with padding", f.ServerID, " web", "", `Attribute security_group must be a security group ID or name`},
		{"empty region", f.ServerID, f.SecurityGroupID, `region = ""`, `Attribute region string length must be at least 1`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), fmt.Sprintf(`
resource "secgroup_huaweicloud_server_association" "test" {
  server_id      = %[1]q
  security_group = %[2]q
  %[3]s
}
`, c.serverID, c.group, c.extra)),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(regexp.QuoteMeta(c.want)),
		})
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
		CheckDestroy:             env.CheckNoRequests(t, "huaweicloud"),
	})
}

func TestAccServerAssociation_importInvalidID(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	for _, id := range []string{"no-slash", "not-a-uuid/" + f.SecurityGroupID, f.ServerID + "/"} {
		acctest.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:        acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID)),
				ResourceName:  serverAssocAddr,
				ImportState:   true,
				ImportStateId: id,
				ExpectError:   regexp.MustCompile(`Expected <server_id>/<security_group>`),
			}},
		})
	}
}

func TestAccServerAssociation_wrongCredentials(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ConfigCompose(env.HuaweiProviderConfigWithSecret("wrong-secret"), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID)),
			ExpectError: regexp.MustCompile(`(?s)APIGW\.0301.*HW_SECRET_KEY`),
		}},
	})
}

func TestAccServerAssociation_unconfiguredCloud(t *testing.T) {
	for _, v := range []string{"HW_REGION_NAME", "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_PROJECT_ID", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"} {
		t.Setenv(v, "")
	}
	t.Setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", t.TempDir()+"/none")
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// A configuration without Huawei resources plans and applies without Huawei settings.
				Config: `
provider "secgroup" {}
resource "terraform_data" "other" {
  input = "no huawei resources here"
}
`,
			},
			{
				Config: `
provider "secgroup" {}
resource "secgroup_huaweicloud_server_association" "test" {
  server_id      = "2b6d7a3c-4f3e-4a8e-9d6b-3a1c2e5f7a90"
  security_group = "web"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Huawei Cloud Not Configured.*"region".*HW_REGION_NAME`),
			},
			{
				// With the resource's own region the error still comes at plan time.
				Config: `
provider "secgroup" {}
resource "secgroup_huaweicloud_server_association" "test" {
  server_id      = "2b6d7a3c-4f3e-4a8e-9d6b-3a1c2e5f7a90"
  security_group = "web"
  region         = "cn-north-4"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Huawei Cloud Not Configured.*"region".*HW_REGION_NAME`),
			},
		},
	})
}

func testAccServerAssociationConfig(serverID, group string) string {
	return fmt.Sprintf(`
resource "secgroup_huaweicloud_server_association" "test" {
  server_id      = %[1]q
  security_group = %[2]q
}
`, serverID, group)
}

func testAccCheckServerAssociationExists(t *testing.T, env *acctest.Env, addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in the state", addr)
		}
		_, err := findServerAssociation(t, env, rs.Primary.Attributes)
		return err
	}
}

func testAccCheckServerAssociationDestroy(t *testing.T, env *acctest.Env) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "secgroup_huaweicloud_server_association" {
				continue
			}
			_, err := findServerAssociation(t, env, rs.Primary.Attributes)
			if err == nil {
				return fmt.Errorf("server %s is still in security group %s", rs.Primary.Attributes["server_id"], rs.Primary.Attributes["security_group"])
			}
			if !apierr.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}

func findServerAssociation(t *testing.T, env *acctest.Env, attrs map[string]string) (*model.NovaSecurityGroup, error) {
	return huaweicloud.FindServerSecurityGroup(context.Background(), env.HuaweiClient(t), attrs["region"], attrs["server_id"], attrs["security_group"])
}

// testAccRemoveServerGroup removes a membership behind terraform's back, through the API.
func testAccRemoveServerGroup(t *testing.T, env *acctest.Env, serverID, group string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		c := env.HuaweiClient(t)
		conn, err := c.ECS(ctx, c.Region(""))
		if err != nil {
			return err
		}
		_, err = conn.NovaDisassociateSecurityGroup(&model.NovaDisassociateSecurityGroupRequest{
			ServerId: serverID,
			Body:     &model.NovaDisassociateSecurityGroupRequestBody{RemoveSecurityGroup: &model.NovaRemoveSecurityGroupOption{Name: group}},
		})
		return err
	}
}

func serverGroups(env *acctest.Env, serverID string) []string {
	for _, s := range env.HW.State().Servers {
		if s.ID == serverID {
			return s.SecurityGroups
		}
	}
	return nil
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

// TestAccServerAssociation_keptAfterWaitFails: the wait after
// addSecurityGroup exhausts its retries (the server's list fails, the read
// before the write let through). The server is in the group, so the state
// keeps the association, tainted, and the next apply replaces it: one
// membership, no "already in security group ... import it".
func TestAccServerAssociation_keptAfterWaitFails(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "huaweicloud", Actions: []string{"ListServersDetails"}, ErrorRate: 1, After: 1},
	})
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), fmt.Sprintf(`
resource "secgroup_huaweicloud_server_association" "test" {
  server_id      = %[1]q
  security_group = %[2]q
}
`, f.ServerID, f.SecurityGroupID))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServerAssociationDestroy(t, env),
		Steps: env.KeptTaintedSteps(config, serverAssocAddr,
			`waiting for the server to list the group.*ListServersDetails: HTTP 5.*max_retries reached.*Left behind: server ".*" may now be in security group.*tainted`,
			func(s *terraform.State) error {
				if n := len(env.Requests(t, "huaweicloud", "addSecurityGroup")); n != 2 {
					return fmt.Errorf("%d addSecurityGroup calls, want 2 (the create and the replacement)", n)
				}
				if n := len(env.Requests(t, "huaweicloud", "removeSecurityGroup")); n != 1 {
					return fmt.Errorf("%d removeSecurityGroup calls, want 1 (the tainted one's)", n)
				}
				if n := strings.Count(strings.Join(serverGroups(env, f.ServerID), " "), f.SecurityGroupID); n != 1 {
					return fmt.Errorf("server lists the group %d times, want once", n)
				}
				return testAccCheckServerAssociationExists(t, env, serverAssocAddr)(s)
			}),
	})
}

// TestAccServerAssociation_sameGroupOtherRef: security_group changed from the
// group's name to its ID (and back) is the same group: an in-place update
// that writes nothing, not a replacement that takes the group away.
func TestAccServerAssociation_sameGroupOtherRef(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	byName := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupName))
	byID := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID))
	writes := func() int { return len(env.Requests(t, "huaweicloud", "addSecurityGroup", "removeSecurityGroup")) }
	var before int
	noWrites := func(*terraform.State) error {
		if n := writes() - before; n != 0 {
			return fmt.Errorf("%d addSecurityGroup/removeSecurityGroup calls went out, want none", n)
		}
		return nil
	}
	inPlace := func(group string) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(serverAssocAddr, plancheck.ResourceActionUpdate),
			plancheck.ExpectKnownValue(serverAssocAddr, tfjsonpath.New("id"), knownvalue.StringExact(f.ServerID+"/"+group)),
		}}
	}

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServerAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{Config: byName},
			{
				PreConfig:        func() { before = writes() },
				Config:           byID,
				ConfigPlanChecks: inPlace(f.SecurityGroupID),
				Check:            resource.ComposeAggregateTestCheckFunc(noWrites, testAccCheckServerAssociationExists(t, env, serverAssocAddr)),
			},
			{
				PreConfig:        func() { before = writes() },
				Config:           byName,
				ConfigPlanChecks: inPlace(f.SecurityGroupName),
				Check:            resource.ComposeAggregateTestCheckFunc(noWrites, testAccCheckServerAssociationExists(t, env, serverAssocAddr)),
			},
			{Config: byName, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// TestAccServerAssociation_groupRenamed: a group renamed out of band keeps a
// by-name association in the state (matched by the security_group_id it
// holds), with the new name, and destroy still removes the membership.
func TestAccServerAssociation_groupRenamed(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupName))
	const renamed = "sg-acc-renamed"

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if slices.Contains(serverGroups(env, f.ServerID), f.SecurityGroupID) {
				return fmt.Errorf("server %s is still in security group %s", f.ServerID, f.SecurityGroupID)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.HW.Mutate(func(s *hwemu.State) {
						for i := range s.SecurityGroups {
							if s.SecurityGroups[i].ID == f.SecurityGroupID {
								s.SecurityGroups[i].Name = renamed
							}
						}
					})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(serverAssocAddr, tfjsonpath.New("security_group_id"), knownvalue.StringExact(f.SecurityGroupID)),
					statecheck.ExpectKnownValue(serverAssocAddr, tfjsonpath.New("security_group_name"), knownvalue.StringExact(renamed)),
				},
			},
		},
	})
}

// Identity (Terraform >= 1.12): set by create, kept by an in-place update
// (security_group rewritten as the group's name), imported by identity.
func TestAccServerAssociation_identity(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.Huawei(t)
	tc := acctest.IdentityTestCase(serverAssocAddr,
		acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID)),
		acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupName)),
		serverAssociationIdentity(f))
	tc.CheckDestroy = testAccCheckServerAssociationDestroy(t, env)
	acctest.ParallelTest(t, tc)
}

// A state without identity gets it on the next refresh, with the group's ID
// although security_group names it.
func TestAccServerAssociation_identityUpgrade(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.Huawei(t)
	tc := acctest.IdentityUpgradeTestCase(serverAssocAddr,
		acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupName)),
		serverAssociationIdentity(f))
	tc.CheckDestroy = testAccCheckServerAssociationDestroy(t, env)
	acctest.ParallelTest(t, tc)
}

// A state without identity whose membership went out of band: the refresh
// that drops it must still answer an identity (the framework refuses a null
// one), and the next apply creates it again.
func TestAccServerAssociation_identityUpgradeDisappears(t *testing.T) {
	env := acctest.NewEnv(t)
	f := env.Huawei(t)
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), testAccServerAssociationConfig(f.ServerID, f.SecurityGroupID))

	acctest.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:           testAccCheckServerAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactoriesWithoutIdentity,
				Config:                   config,
				Check:                    testAccRemoveServerGroup(t, env, f.ServerID, f.SecurityGroupID),
				ExpectNonEmptyPlan:       true,
			},
			{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Config:                   config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(serverAssocAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(serverAssocAddr, serverAssociationIdentity(f))},
			},
		},
	})
}

func serverAssociationIdentity(f acctest.HuaweiFixtures) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"server_id":         knownvalue.StringExact(f.ServerID),
		"security_group_id": knownvalue.StringExact(f.SecurityGroupID),
		"region":            knownvalue.StringExact(f.Region),
	}
}

// TestAccServerAssociation_refreshFromGroup: the refresh of more than
// readcache.ListAfter memberships of one group reads the group's listing
// (ShowSecurityGroup and ListPorts by security_groups), which shows the
// servers through their NICs, and reads at most ListAfter servers one by
// one; when the listing no longer shows a server (removed out of band), the
// server's own read confirms before its association leaves the state.
func TestAccServerAssociation_refreshFromGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	const members = readcache.ListAfter + 4
	var servers []string
	env.HW.Mutate(func(s *hwemu.State) {
		for i := range members {
			server := acctest.UUID()
			servers = append(servers, server)
			s.Servers = append(s.Servers, hwemu.Server{ID: server, Name: fmt.Sprintf("member-%d", i), ProjectID: acctest.HWProjectID, Status: "ACTIVE", SecurityGroups: []string{f.DefaultGroupID}})
			s.Ports = append(s.Ports, hwemu.Port{ // the server's NIC
				ID: acctest.UUID(), ProjectID: acctest.HWProjectID, DeviceID: server, DeviceOwner: "compute:cn-north-4a",
				MACAddress: fmt.Sprintf("fa:16:3e:01:00:%02x", i), FixedIP: fmt.Sprintf("192.168.50.%d", 10+i),
				SecurityGroups: []string{f.DefaultGroupID},
			})
		}
	})
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), fmt.Sprintf(`
locals {
  servers = %s
}

resource "secgroup_huaweicloud_server_association" "test" {
  count          = length(local.servers)
  server_id      = local.servers[count.index]
  security_group = %q
}
`, acctest.FleetList(servers), f.SecurityGroupID))
	removed := servers[members-1]
	// calls checks one listing of the group, and at most ListAfter servers
	// read one by one (confirmed too, when it is set).
	calls := func(confirmed string) plancheck.PlanCheck {
		return refreshCalls(func() error {
			got := map[string]int{}
			read := map[string]bool{}
			for _, r := range env.Requests(t, "huaweicloud") {
				switch r.Action {
				case "ListPorts":
					if r.Params["security_groups"] != f.SecurityGroupID {
						return fmt.Errorf("ListPorts with %v, want security_groups=%s", r.Params, f.SecurityGroupID)
					}
				case "ListServersDetails":
					for id := range strings.SplitSeq(r.Params["server_id"], ",") {
						read[id] = true
					}
				}
				got[r.Action]++
			}
			if got["ShowSecurityGroup"] != 1 || got["ListPorts"] != 1 {
				return fmt.Errorf("refresh calls %v, want one ShowSecurityGroup and one ListPorts", got)
			}
			if len(read) > readcache.ListAfter+1 {
				return fmt.Errorf("the refresh read %d servers one by one, want at most %d and the group's listing for the rest", len(read), readcache.ListAfter+1)
			}
			if confirmed != "" && !read[confirmed] {
				return fmt.Errorf("server %s, which the listing no longer shows, was not read itself before leaving the state", confirmed)
			}
			return nil
		})
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServerAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: env.Emulator.ResetRequests,
				Config:    config,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), calls("")},
				},
			},
			{
				PreConfig: func() {
					if err := testAccRemoveServerGroup(t, env, removed, f.SecurityGroupID)(nil); err != nil {
						t.Fatal(err)
					}
					env.Emulator.ResetRequests()
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(fmt.Sprintf("%s[%d]", serverAssocAddr, members-1), plancheck.ResourceActionCreate),
						calls(removed),
					},
				},
			},
		},
	})
}

// refreshCalls is a plan check that runs check.
type refreshCalls func() error

func (f refreshCalls) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}
