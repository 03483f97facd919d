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
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
)

const ensRuleAddr = ensRuleType + ".test"

// testAccEnsEgressRuleConfig is one rule; extra holds further arguments.
func testAccEnsEgressRuleConfig(group, protocol, extra string) string {
	return fmt.Sprintf(`
resource "secgroup_alicloud_ens_egress_rule" "test" {
  security_group_id = %[1]q
  ip_protocol       = %[2]q
  dest_cidr_ip      = "10.0.0.0/8"
  %[3]s
}
`, group, protocol, extra)
}

// TestAccEnsEgressRule_basic creates one rule per protocol, imports each by
// its documented ID, and checks through the API that destroy revoked them.
func TestAccEnsEgressRule_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEnsGroup(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), fmt.Sprintf(`
resource "secgroup_alicloud_ens_egress_rule" "tcp" {
  security_group_id = %[1]q
  ip_protocol       = "tcp"
  port_range        = "80/443"
  dest_cidr_ip      = "10.0.0.0/8"
  description       = "web to the backends"
}

resource "secgroup_alicloud_ens_egress_rule" "udp" {
  security_group_id = %[1]q
  ip_protocol       = "udp"
  port_range        = "53/53"
  source_port_range = "1024/65535"
  dest_cidr_ip      = "192.168.0.10"
  priority          = 5
}

resource "secgroup_alicloud_ens_egress_rule" "icmp" {
  security_group_id = %[1]q
  ip_protocol       = "icmp"
  dest_cidr_ip      = "0.0.0.0/0"
}

resource "secgroup_alicloud_ens_egress_rule" "gre" {
  security_group_id = %[1]q
  ip_protocol       = "gre"
  source_port_range = "-1/-1"
  dest_cidr_ip      = "172.16.0.0/12"
}

resource "secgroup_alicloud_ens_egress_rule" "all" {
  security_group_id = %[1]q
  ip_protocol       = "all"
  dest_cidr_ip      = "0.0.0.0/0"
  policy            = "drop"
  priority          = 100
}
`, group))
	names := []string{"tcp", "udp", "icmp", "gre", "all"}
	steps := []resource.TestStep{{
		Config: config,
		Check: resource.ComposeAggregateTestCheckFunc(
			testAccCheckEgressRuleExists(t, env, ensRuleType+".tcp"),
			testAccCheckEgressRuleExists(t, env, ensRuleType+".udp"),
			testAccCheckEgressRuleExists(t, env, ensRuleType+".icmp"),
			testAccCheckEgressRuleExists(t, env, ensRuleType+".gre"),
			testAccCheckEgressRuleExists(t, env, ensRuleType+".all"),
		),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(ensRuleType+".tcp", tfjsonpath.New("id"), knownvalue.StringExact(group+":tcp:80/443:10.0.0.0/8:accept:1")),
			statecheck.ExpectKnownValue(ensRuleType+".udp", tfjsonpath.New("id"), knownvalue.StringExact(group+":udp:53/53:192.168.0.10:accept:5:1024/65535")),
			statecheck.ExpectKnownValue(ensRuleType+".icmp", tfjsonpath.New("port_range"), knownvalue.StringExact("-1/-1")),
			statecheck.ExpectKnownValue(ensRuleType+".icmp", tfjsonpath.New("policy"), knownvalue.StringExact("accept")),
			statecheck.ExpectKnownValue(ensRuleType+".icmp", tfjsonpath.New("priority"), knownvalue.Int64Exact(1)),
			// An explicit "-1/-1" is in the ID, so the import gives it back.
			statecheck.ExpectKnownValue(ensRuleType+".gre", tfjsonpath.New("id"), knownvalue.StringExact(group+":gre:-1/-1:172.16.0.0/12:accept:1:-1/-1")),
			statecheck.ExpectKnownValue(ensRuleType+".all", tfjsonpath.New("id"), knownvalue.StringExact(group+":all:-1/-1:0.0.0.0/0:drop:100")),
		},
	}}
	for _, name := range names {
		ignore := []string{"timeouts"}
		if name == "tcp" {
			// ENS keeps no description: it lives in the state, not the cloud.
			ignore = append(ignore, "description")
		}
		steps = append(steps, resource.TestStep{
			ResourceName:            ensRuleType + "." + name,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: ignore,
		})
	}
	steps = append(steps, resource.TestStep{
		// Describe answers "TCP" and "Accept": the next plan is still empty.
		Config:           config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
	})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEgressRulesDestroyed(t, env),
		Steps:                    steps,
	})
}

// TestAccEnsEgressRule_description: ENS keeps no description, so changing or
// removing it is an in-place update of the state that makes no API call,
// never a replacement of the rule; and one set in the console is not read.
func TestAccEnsEgressRule_description(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEnsGroup(t)
	cfg := func(extra string) string {
		return acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEnsEgressRuleConfig(group, "tcp", `port_range = "22/22"`+"\n"+extra))
	}
	writes := func() int {
		return len(env.Requests(t, "alicloud", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupEgress"))
	}
	inPlace := func(description knownvalue.Check) resource.TestStep {
		return resource.TestStep{
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(ensRuleAddr, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(ensRuleAddr, tfjsonpath.New("description"), description)},
			Check: func(*terraform.State) error {
				if n := writes(); n != 1 {
					return fmt.Errorf("%d authorize and revoke calls, want only the first authorize", n)
				}
				return nil
			},
		}
	}
	second, removed := inPlace(knownvalue.StringExact("second")), inPlace(knownvalue.Null())
	second.Config, removed.Config = cfg(`description = "second"`), cfg("")
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEgressRulesDestroyed(t, env),
		Steps: []resource.TestStep{
			{Config: cfg(`description = "first"`)},
			second,
			removed,
			{
				PreConfig: func() {
					env.Ali.Mutate(func(s *aliemu.State) { s.EnsSecurityGroups[0].Egress[0].Description = "set in the console" })
				},
				Config:           cfg(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccEnsEgressRule_disappears: a rule revoked out of band is re-created.
func TestAccEnsEgressRule_disappears(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEnsGroup(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEnsEgressRuleConfig(group, "tcp", `port_range = "22/22"`))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEgressRulesDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckEgressRuleExists(t, env, ensRuleAddr),
					testAccRevokeEgressRule(t, env, ensRuleAddr),
				),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(ensRuleAddr, plancheck.ResourceActionCreate)},
				},
				Check: testAccCheckEgressRuleExists(t, env, ensRuleAddr),
			},
		},
	})
}

// TestAccEnsEgressRule_groupDeleted: a group deleted out of band takes its
// rules with it; the refresh drops them from the state instead of failing.
func TestAccEnsEgressRule_groupDeleted(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEnsGroup(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEnsEgressRuleConfig(group, "all", ""))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEgressRulesDestroyed(t, env),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					env.Ali.Mutate(func(s *aliemu.State) { s.EnsSecurityGroups = nil })
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(ensRuleAddr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// TestAccEnsEgressRule_duplicate: a rule someone else made is not adopted:
// the create fails, says so, and gives the import command.
func TestAccEnsEgressRule_duplicate(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEnsGroup(t)
	env.Ali.Mutate(func(s *aliemu.State) {
		s.EnsSecurityGroups[0].Egress = []aliemu.Permission{{IPProtocol: "tcp", PortRange: "443/443", DestCidrIP: "10.0.0.0/8", Policy: "accept", Priority: 1}}
	})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEnsEgressRuleConfig(group, "tcp", `port_range = "443/443"`)),
			ExpectError: acctest.ErrorRegexp(fmt.Sprintf(`(?s)Error Creating Alibaba Cloud ENS Egress Rule.*already has this egress rule.*`+
				`SecurityGroupRuleConflict\.Duplicated.*import \{ to = secgroup_alicloud_ens_egress_rule\.NAME id = "%s:tcp:443/443:10\.0\.0\.0/8:accept:1" \}`, group)),
		}},
		CheckDestroy: func(*terraform.State) error {
			// The existing rule survives the failed create.
			if n := len(env.Ali.State().EnsSecurityGroups[0].Egress); n != 1 {
				return fmt.Errorf("group has %d rules, want the 1 it had", n)
			}
			if n := len(env.Requests(t, "alicloud", "RevokeSecurityGroupEgress")); n != 0 {
				return fmt.Errorf("%d revokes, want 0", n)
			}
			return nil
		},
	})
}

// TestAccEnsEgressRule_duplicateAfterThrottle: a throttled first attempt made
// nothing, so the retry's Duplicated is someone else's rule, not an echo of
// ours: the create fails and the rule is neither adopted nor revoked.
func TestAccEnsEgressRule_duplicateAfterThrottle(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEnsGroup(t)
	env.Ali.Mutate(func(s *aliemu.State) {
		s.EnsSecurityGroups[0].Egress = []aliemu.Permission{{IPProtocol: "tcp", PortRange: "443/443", DestCidrIP: "10.0.0.0/8", Policy: "accept", Priority: 1}}
	})
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "alicloud", Actions: []string{"AuthorizeSecurityGroupEgress"}, ThrottleRate: 1, Times: 1},
	})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEnsEgressRuleConfig(group, "tcp", `port_range = "443/443"`)),
			ExpectError: acctest.ErrorRegexp(`(?s)already has this egress rule.*SecurityGroupRuleConflict\.Duplicated`),
		}},
		CheckDestroy: func(*terraform.State) error {
			calls := env.Requests(t, "alicloud", "AuthorizeSecurityGroupEgress")
			if len(calls) != 2 || calls[0].Fault != emulator.FaultThrottle || calls[1].ErrorCode != "SecurityGroupRuleConflict.Duplicated" {
				return fmt.Errorf("authorize calls %+v, want a throttled one, then Duplicated", calls)
			}
			if n := len(env.Ali.State().EnsSecurityGroups[0].Egress); n != 1 {
				return fmt.Errorf("group has %d rules, want the 1 it had", n)
			}
			if n := len(env.Requests(t, "alicloud", "RevokeSecurityGroupEgress")); n != 0 {
				return fmt.Errorf("%d revokes of a rule that is not ours, want 0", n)
			}
			return nil
		},
	})
}

// TestAccEnsEgressRule_lostAnswers loses the answers of the first authorize
// and the first revoke after the cloud carried them out: the retries meet
// Duplicated and NotFound and take them as their own success.
func TestAccEnsEgressRule_lostAnswers(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEnsGroup(t)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "alicloud", Actions: []string{"AuthorizeSecurityGroupEgress"}, DropRate: 1, Times: 1},
		{Cloud: "alicloud", Actions: []string{"RevokeSecurityGroupEgress"}, DropRate: 1, Times: 1},
	})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for action, code := range map[string]string{"AuthorizeSecurityGroupEgress": "SecurityGroupRuleConflict.Duplicated", "RevokeSecurityGroupEgress": "SecurityGroupRule.NotFound"} {
				calls := env.Requests(t, "alicloud", action)
				if len(calls) != 2 || calls[0].Fault != emulator.FaultDrop || calls[1].ErrorCode != code {
					return fmt.Errorf("%s calls %+v, want a dropped answer, then the retry's %s", action, calls, code)
				}
			}
			return testAccCheckEgressRulesDestroyed(t, env)(s)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEnsEgressRuleConfig(group, "udp", `port_range = "123/123"`)),
			Check:  testAccCheckEgressRuleExists(t, env, ensRuleAddr),
		}},
	})
}

// TestAccEnsEgressRule_limit: a full group gives a clear error with its count.
func TestAccEnsEgressRule_limit(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEnsGroup(t)
	env.Ali.Mutate(func(s *aliemu.State) {
		g := &s.EnsSecurityGroups[0]
		g.RuleLimit = 2
		g.Egress = []aliemu.Permission{
			{IPProtocol: "tcp", PortRange: "1/1", DestCidrIP: "10.1.0.0/16", Policy: "accept", Priority: 1},
			{IPProtocol: "tcp", PortRange: "2/2", DestCidrIP: "10.1.0.0/16", Policy: "accept", Priority: 1},
		}
	})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEnsEgressRuleConfig(group, "icmp", "")),
			ExpectError: acctest.ErrorRegexp(`(?s)already has 2 rules, its limit.*AuthorizationLimitExceed.*Remove rules`),
		}},
	})
}

// TestAccEnsEgressRule_wire proves the exact calls: create sends the tuple
// (defaults included, unset fields and the description absent) and destroy
// revokes exactly it.
func TestAccEnsEgressRule_wire(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEnsGroup(t)
	want := map[string]string{
		"SecurityGroupId": group, "IpProtocol": "tcp", "PortRange": "8080/8081", "SourcePortRange": "1/65535",
		"DestCidrIp": "10.0.0.0/8", "Policy": "drop", "Priority": "7",
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			revokes := env.Requests(t, "alicloud", "RevokeSecurityGroupEgress")
			if len(revokes) != 1 || revokes[0].Service != "ens" {
				return fmt.Errorf("destroy made %d revokes, want 1 ENS call: %+v", len(revokes), revokes)
			}
			if err := equalParams(ruleParams(revokes[0].Params), want); err != nil {
				return fmt.Errorf("RevokeSecurityGroupEgress %w", err)
			}
			// The same tuple, and no Description: ENS's authorize has none.
			authorizes := env.Requests(t, "alicloud", "AuthorizeSecurityGroupEgress")
			if len(authorizes) != 1 {
				return fmt.Errorf("%d authorizes, want 1", len(authorizes))
			}
			if err := equalParams(ruleParams(authorizes[0].Params), want); err != nil {
				return fmt.Errorf("AuthorizeSecurityGroupEgress %w", err)
			}
			return testAccCheckEgressRulesDestroyed(t, env)(s)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEnsEgressRuleConfig(group, "tcp", `
  port_range        = "8080/8081"
  source_port_range = "1/65535"
  policy            = "drop"
  priority          = 7
  description       = "wire"`)),
		}},
	})
}

// TestAccEnsEgressRule_importInvalidID: malformed IDs fail with the format.
func TestAccEnsEgressRule_importInvalidID(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEnsGroup(t)
	for _, id := range []string{
		group,
		group + ":tcp:80/80:10.0.0.0/8:accept",
		group + ":TCP:80/80:10.0.0.0/8:accept:1",
		group + ":tcp:-1/-1:10.0.0.0/8:accept:1",
		group + ":tcp:80/80:10.0.0.0/33:accept:1",
		group + ":tcp:80/80:10.0.0.0/8:allow:1",
		group + ":tcp:80/80:10.0.0.0/8:accept:101",
		"not-a-group:tcp:80/80:10.0.0.0/8:accept:1",
	} {
		acctest.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:        acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEnsEgressRuleConfig(group, "tcp", `port_range = "80/80"`)),
				ResourceName:  ensRuleAddr,
				ImportState:   true,
				ImportStateId: id,
				ExpectError:   regexp.MustCompile(`Expected\s+<security_group_id>:<ip_protocol>:<port_range>`),
			}},
		})
	}
}

// ENS rules have no region of their own: without the provider's, the plan
// fails on the provider setting, before any API call.
func TestAccEnsEgressRule_missingRegion(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEnsGroup(t)
	t.Setenv("ALICLOUD_REGION", "")
	provider := fmt.Sprintf(`
provider "secgroup" {
  alicloud {
    access_key = %[1]q
    secret_key = %[2]q
    endpoints  = { ens = %[3]q }
  }
}
`, acctest.AliAccessKey, acctest.AliSecretKey, env.Emulator.URL())
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      provider + testAccEnsEgressRuleConfig(group, "all", ""),
			PlanOnly:    true,
			ExpectError: acctest.ErrorRegexp(`(?s)Alibaba Cloud Not Configured.*missing "region".*ALICLOUD_REGION`),
		}},
		CheckDestroy: env.CheckNoRequests(t, "alicloud"),
	})
}

// TestAccEnsEgressRule_keptAfterInterruptedRetry: AuthorizeSecurityGroupEgress's
// answer is lost (the rule landed), and the 2s create timeout cuts off its
// retry (3 s of latency). The rule may exist, so the state keeps it, tainted,
// and the next apply replaces it: one rule, no "already has this egress rule
// ... import it".
func TestAccEnsEgressRule_keptAfterInterruptedRetry(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEnsGroup(t)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "alicloud", Actions: []string{"AuthorizeSecurityGroupEgress"}, DropRate: 1, Times: 1},
		{Cloud: "alicloud", Actions: []string{"AuthorizeSecurityGroupEgress"}, LatencyMS: 3000, After: 1, Times: 1},
	})
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEnsEgressRuleConfig(group, "tcp", `
  port_range   = "443/443"
  timeouts {
    create = "2s"
  }`))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEgressRulesDestroyed(t, env),
		Steps: env.KeptTaintedSteps(config, ensRuleAddr,
			`the 2s create timeout expired during alicloud ENS AuthorizeSecurityGroupEgress.*`+
				`Left behind: security group ".*" may now have egress rule tcp 443/443 to 10\.0\.0\.0/8.*tainted`,
			func(s *terraform.State) error {
				if n := len(env.Ali.State().EnsSecurityGroups[0].Egress); n != 1 {
					return fmt.Errorf("group has %d rules, want 1", n)
				}
				return testAccCheckEgressRuleExists(t, env, ensRuleAddr)(s)
			}),
	})
}

// TestAccEnsEgressRule_genericCodes (issue 16, item 9): ENS's two generic
// "calling the backend failed" answers, 400 ens.interface.error and 400
// CallInterface, are transient (retried; the write may have landed), and its
// generic 400 InvalidParameter is the request's fault (an error at once).
func TestAccEnsEgressRule_genericCodes(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEnsGroup(t)
	answer := func(action, code string) emulator.FaultRule {
		return emulator.FaultRule{Cloud: "alicloud", Actions: []string{action}, Times: 1, ErrorStatus: 400, ErrorCode: code}
	}
	env.Emulator.SetFaults([]emulator.FaultRule{answer("AuthorizeSecurityGroupEgress", "ens.interface.error"), answer("RevokeSecurityGroupEgress", "CallInterface")})
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEnsEgressRuleConfig(group, "udp", `port_range = "514/514"`))
	codes := func(action string) []string {
		var got []string
		for _, c := range env.Requests(t, "alicloud", action) {
			got = append(got, c.ErrorCode)
		}
		return got
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if got, want := codes("AuthorizeSecurityGroupEgress"), []string{"ens.interface.error", "", "InvalidParameter"}; !slices.Equal(got, want) {
				return fmt.Errorf("authorize answers %q, want %q: InvalidParameter is not retried", got, want)
			}
			if got, want := codes("RevokeSecurityGroupEgress"), []string{"CallInterface", ""}; !slices.Equal(got, want) {
				return fmt.Errorf("revoke answers %q, want %q", got, want)
			}
			return testAccCheckEgressRulesDestroyed(t, env)(s)
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					if got, want := codes("AuthorizeSecurityGroupEgress"), []string{"ens.interface.error", ""}; !slices.Equal(got, want) {
						return fmt.Errorf("authorize answers %q, want %q", got, want)
					}
					return testAccCheckEgressRuleExists(t, env, ensRuleAddr)(s)
				},
			},
			{
				PreConfig: func() {
					env.Emulator.SetFaults([]emulator.FaultRule{answer("AuthorizeSecurityGroupEgress", "InvalidParameter"), answer("RevokeSecurityGroupEgress", "CallInterface")})
				},
				Config: acctest.ConfigCompose(config, fmt.Sprintf(`
resource "secgroup_alicloud_ens_egress_rule" "second" {
  security_group_id = %q
  ip_protocol       = "tcp"
  port_range        = "22/22"
  dest_cidr_ip      = "10.0.0.0/8"
}
`, group)),
				ExpectError: acctest.ErrorRegexp(`(?s)HTTP 400 InvalidParameter.*check the resource's arguments`),
			},
		},
	})
}

// Identity (Terraform >= 1.12): the rule's tuple and the provider's region
// (ENS rules have none of their own), set by create, kept by an in-place
// update (the description), imported by identity.
func TestAccEnsEgressRule_identity(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEnsGroup(t)
	cfg := func(extra string) string {
		return acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEnsEgressRuleConfig(group, "udp",
			"port_range = \"53/53\"\n  source_port_range = \"1024/65535\"\n  priority = 5\n  "+extra))
	}
	tc := acctest.IdentityTestCase(ensRuleAddr, cfg(""), cfg(`description = "dns"`), map[string]knownvalue.Check{
		"security_group_id": knownvalue.StringExact(group),
		"ip_protocol":       knownvalue.StringExact("udp"),
		"port_range":        knownvalue.StringExact("53/53"),
		"source_port_range": knownvalue.StringExact("1024/65535"),
		"dest_cidr_ip":      knownvalue.StringExact("10.0.0.0/8"),
		"policy":            knownvalue.StringExact("accept"),
		"priority":          knownvalue.Int64Exact(5),
		"region":            knownvalue.StringExact(acctest.AliRegion),
	})
	tc.CheckDestroy = testAccCheckEgressRulesDestroyed(t, env)
	acctest.ParallelTest(t, tc)
}

// A state without identity gets it on the next refresh; without a
// source_port_range, the identity has none.
func TestAccEnsEgressRule_identityUpgrade(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEnsGroup(t)
	tc := acctest.IdentityUpgradeTestCase(ensRuleAddr, acctest.ConfigCompose(env.AliCloudProviderConfig(),
		testAccEnsEgressRuleConfig(group, "tcp", `port_range = "22/22"`)), map[string]knownvalue.Check{
		"security_group_id": knownvalue.StringExact(group),
		"ip_protocol":       knownvalue.StringExact("tcp"),
		"port_range":        knownvalue.StringExact("22/22"),
		"source_port_range": knownvalue.Null(),
		"dest_cidr_ip":      knownvalue.StringExact("10.0.0.0/8"),
		"policy":            knownvalue.StringExact("accept"),
		"priority":          knownvalue.Int64Exact(1),
		"region":            knownvalue.StringExact(acctest.AliRegion),
	})
	tc.CheckDestroy = testAccCheckEgressRulesDestroyed(t, env)
	acctest.ParallelTest(t, tc)
}
