package alicloud_test

import (
	"fmt"
	"regexp"
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

const ecsRuleAddr = ecsRuleType + ".test"

var ecsRuleIDPattern = regexp.MustCompile(`^sg-[a-z0-9]+/sgr-[a-z0-9]+$`)

func testAccEcsEgressRuleConfig(group, protocol, extra string) string {
	return fmt.Sprintf(`
resource "secgroup_alicloud_ecs_egress_rule" "test" {
  security_group_id = %[1]q
  ip_protocol       = %[2]q
  %[3]s
}
`, group, protocol, extra)
}

// TestAccEcsEgressRule_basic: one rule per protocol and destination kind,
// each imported by <security_group_id>/<rule_id>.
func TestAccEcsEgressRule_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEcsGroup(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), fmt.Sprintf(`
resource "secgroup_alicloud_ecs_egress_rule" "tcp" {
  security_group_id = %[1]q
  ip_protocol       = "tcp"
  port_range        = "443/443"
  dest_cidr_ip      = "10.0.0.0/8"
  description       = "https to the backends"
}

resource "secgroup_alicloud_ecs_egress_rule" "udp" {
  security_group_id = %[1]q
  ip_protocol       = "udp"
  port_range        = "53/53"
  source_port_range = "1024/65535"
  dest_cidr_ip      = "192.168.0.10"
  priority          = 10
}

resource "secgroup_alicloud_ecs_egress_rule" "icmpv6" {
  security_group_id = %[1]q
  ip_protocol       = "icmpv6"
  ipv6_dest_cidr_ip = "2001:db8::/32"
}

resource "secgroup_alicloud_ecs_egress_rule" "group" {
  security_group_id = %[1]q
  ip_protocol       = "all"
  dest_group_id     = %[1]q
}

resource "secgroup_alicloud_ecs_egress_rule" "icmp" {
  security_group_id = %[1]q
  ip_protocol       = "icmp"
  dest_cidr_ip      = "0.0.0.0/0"
  policy            = "drop"
  priority          = 100
}

`, group))
	names := []string{"tcp", "udp", "icmpv6", "group", "icmp"}
	if env.Emulator != nil {
		// A real prefix list is one more fixture; the emulator takes any ID.
		config += fmt.Sprintf(`
resource "secgroup_alicloud_ecs_egress_rule" "gre" {
  security_group_id   = %[1]q
  ip_protocol         = "gre"
  dest_prefix_list_id = "pl-x1j1k5ykzqlixdcy"
}
`, group)
		names = append(names, "gre")
	}
	var checks []resource.TestCheckFunc
	var stateChecks []statecheck.StateCheck
	for _, n := range names {
		checks = append(checks, testAccCheckEgressRuleExists(t, env, ecsRuleType+"."+n))
		stateChecks = append(stateChecks, statecheck.ExpectKnownValue(ecsRuleType+"."+n, tfjsonpath.New("id"), knownvalue.StringRegexp(ecsRuleIDPattern)))
	}
	stateChecks = append(stateChecks,
		statecheck.ExpectKnownValue(ecsRuleType+".tcp", tfjsonpath.New("nic_type"), knownvalue.StringExact("intranet")),
		statecheck.ExpectKnownValue(ecsRuleType+".tcp", tfjsonpath.New("region"), knownvalue.NotNull()),
		statecheck.ExpectKnownValue(ecsRuleType+".icmpv6", tfjsonpath.New("port_range"), knownvalue.StringExact("-1/-1")),
	)
	steps := []resource.TestStep{{Config: config, Check: resource.ComposeAggregateTestCheckFunc(checks...), ConfigStateChecks: stateChecks}}
	for _, n := range names {
		steps = append(steps, resource.TestStep{
			ResourceName:            ecsRuleType + "." + n,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"timeouts"},
		})
	}
	steps = append(steps, resource.TestStep{
		Config:           config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
	})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEgressRulesDestroyed(t, env),
		Steps:                    steps,
	})
}

// TestAccEcsEgressRule_description: the description changes in place with
// ModifySecurityGroupEgressRule; removing it, which ECS cannot do, keeps the
// rule and its text, under create_before_destroy too.
func TestAccEcsEgressRule_description(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEcsGroup(t)
	cfg := func(extra string) string {
		return acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEcsEgressRuleConfig(group, "tcp", `
  port_range   = "22/22"
  dest_cidr_ip = "10.0.0.0/8"
  `+extra))
	}
	cfgCBD := func(extra string) string {
		return cfg(extra + "\n  lifecycle {\n    create_before_destroy = true\n  }")
	}
	var firstID string
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEgressRulesDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				Config: cfg(`description = "first"`),
				Check: func(s *terraform.State) error {
					firstID = s.RootModule().Resources[ecsRuleAddr].Primary.ID
					return nil
				},
			},
			{
				Config: cfg(`description = "second"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(ecsRuleAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ecsRuleAddr, tfjsonpath.New("description"), knownvalue.StringExact("second")),
				},
				Check: func(s *terraform.State) error {
					if id := s.RootModule().Resources[ecsRuleAddr].Primary.ID; id != firstID {
						return fmt.Errorf("rule ID changed from %s to %s on a description change", firstID, id)
					}
					if env.Emulator != nil {
						if n := len(env.Requests(t, "alicloud", "ModifySecurityGroupEgressRule")); n != 1 {
							return fmt.Errorf("%d ModifySecurityGroupEgressRule calls, want 1", n)
						}
					}
					return nil
				},
			},
			{
				// ECS cannot clear a description: removing it keeps the rule
				// as it is (no replacement, which create_before_destroy could
				// not apply: the new rule would duplicate the old).
				Config: cfgCBD(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ecsRuleAddr, tfjsonpath.New("description"), knownvalue.StringExact("second")),
					statecheck.ExpectKnownValue(ecsRuleAddr, tfjsonpath.New("id"), knownvalue.StringFunc(func(id string) error {
						if id != firstID {
							return fmt.Errorf("rule ID changed from %s to %s on removing the description", firstID, id)
						}
						return nil
					})),
				},
			},
			{
				// And set again, in place.
				Config: cfgCBD(`description = "third"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(ecsRuleAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ecsRuleAddr, tfjsonpath.New("description"), knownvalue.StringExact("third")),
				},
			},
		},
	})
}

// TestAccEcsEgressRule_importExisting imports a rule made outside Terraform,
// whose Describe entry has an empty NicType, and the configuration that
// describes it then plans nothing.
func TestAccEcsEgressRule_importExisting(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEcsGroup(t)
	env.Ali.Mutate(func(s *aliemu.State) {
		s.SecurityGroups[0].Egress = []aliemu.Permission{{RuleID: "sgr-seeded01", IPProtocol: "tcp", PortRange: "22/22",
			DestCidrIP: "10.0.0.0/8", Policy: "accept", Priority: 1, Description: "made by hand"}}
	})
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEcsEgressRuleConfig(group, "tcp", `
  port_range   = "22/22"
  dest_cidr_ip = "10.0.0.0/8"
  description  = "made by hand"`))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEgressRulesDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       ecsRuleAddr,
				ImportState:        true,
				ImportStateId:      group + "/sgr-seeded01",
				ImportStatePersist: true,
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ecsRuleAddr, tfjsonpath.New("nic_type"), knownvalue.StringExact("intranet")),
					statecheck.ExpectKnownValue(ecsRuleAddr, tfjsonpath.New("policy"), knownvalue.StringExact("accept")),
				},
			},
		},
	})
}

// TestAccEcsEgressRule_disappears: a rule revoked out of band is re-created.
func TestAccEcsEgressRule_disappears(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEcsGroup(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEcsEgressRuleConfig(group, "udp", `
  port_range   = "514/514"
  dest_cidr_ip = "10.9.0.0/16"`))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEgressRulesDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				Config:             config,
				Check:              resource.ComposeAggregateTestCheckFunc(testAccCheckEgressRuleExists(t, env, ecsRuleAddr), testAccRevokeEgressRule(t, env, ecsRuleAddr)),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(ecsRuleAddr, plancheck.ResourceActionCreate)},
				},
				Check: testAccCheckEgressRuleExists(t, env, ecsRuleAddr),
			},
		},
	})
}

func TestAccEcsEgressRule_groupDeleted(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEcsGroup(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEcsEgressRuleConfig(group, "all", `dest_cidr_ip = "0.0.0.0/0"`))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEgressRulesDestroyed(t, env),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:          func() { env.Ali.Mutate(func(s *aliemu.State) { s.SecurityGroups = nil }) },
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(ecsRuleAddr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// TestAccEcsEgressRule_duplicate (issue 16, item 1): ECS answers the
// authorize of a rule that exists with success and creates nothing. A rule
// another writer made is therefore refused from a fresh read before any
// authorize, with its import ID, and nothing the configuration manages ever
// revokes it.
func TestAccEcsEgressRule_duplicate(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEcsGroup(t)
	env.Ali.Mutate(func(s *aliemu.State) {
		s.SecurityGroups[0].Egress = []aliemu.Permission{{RuleID: "sgr-existing01", IPProtocol: "tcp", PortRange: "443/443", DestCidrIP: "10.0.0.0/8", NicType: "intranet", Policy: "accept", Priority: 1}}
	})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEcsEgressRuleConfig(group, "tcp", `
  port_range   = "443/443"
  dest_cidr_ip = "10.0.0.0/8"`), fmt.Sprintf(`
resource "secgroup_alicloud_ecs_egress_rule" "other" {
  security_group_id = %q
  ip_protocol       = "udp"
  port_range        = "53/53"
  dest_cidr_ip      = "10.0.0.0/8"
}
`, group)),
			ExpectError: acctest.ErrorRegexp(fmt.Sprintf(`(?s)already has this egress rule.*import \{ to = secgroup_alicloud_ecs_egress_rule\.NAME id = "%s/sgr-existing01" \}`, group)),
		}},
		CheckDestroy: func(*terraform.State) error {
			rules := env.Ali.State().SecurityGroups[0].Egress
			if len(rules) != 1 || rules[0].RuleID != "sgr-existing01" {
				return fmt.Errorf("group rules %+v, want only the other writer's sgr-existing01", rules)
			}
			// Only the other rule was authorized (and revoked on destroy):
			// the existing one was refused before any write.
			if auth := env.Requests(t, "alicloud", "AuthorizeSecurityGroupEgress"); len(auth) != 1 || auth[0].Params["IpProtocol"] != "udp" {
				return fmt.Errorf("authorize calls %+v, want one, for the udp rule", auth)
			}
			for _, rv := range env.Requests(t, "alicloud", "RevokeSecurityGroupEgress") {
				if rv.Params["SecurityGroupRuleId.1"] == "sgr-existing01" {
					return fmt.Errorf("destroy revoked the other writer's rule: %+v", rv)
				}
			}
			return nil
		},
	})
}

// TestAccEcsEgressRule_lostAnswer: the lost answer of a create is retried
// with the same ClientToken, which ECS answers with the first call's success.
func TestAccEcsEgressRule_lostAnswer(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEcsGroup(t)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "alicloud", Actions: []string{"AuthorizeSecurityGroupEgress"}, DropRate: 1, Times: 1},
		{Cloud: "alicloud", Actions: []string{"RevokeSecurityGroupEgress"}, DropRate: 1, Times: 1},
	})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			auth := env.Requests(t, "alicloud", "AuthorizeSecurityGroupEgress")
			if len(auth) != 2 || auth[0].Fault != emulator.FaultDrop || auth[1].Status != 200 {
				return fmt.Errorf("authorize calls %+v, want a dropped answer, then the retry's success", auth)
			}
			if auth[0].Params["ClientToken"] == "" || auth[1].Params["ClientToken"] == "" {
				return fmt.Errorf("authorize calls without a ClientToken: %+v", auth)
			}
			revokes := env.Requests(t, "alicloud", "RevokeSecurityGroupEgress")
			if len(revokes) != 2 || revokes[1].ErrorCode != "InvalidSecurityGroupRule.RuleNotExist" {
				return fmt.Errorf("revoke calls %+v, want a dropped answer, then RuleNotExist", revokes)
			}
			if n := len(env.Ali.State().SecurityGroups[0].Egress); n != 0 {
				return fmt.Errorf("group has %d rules after destroy, want 0", n)
			}
			return testAccCheckEgressRulesDestroyed(t, env)(s)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEcsEgressRuleConfig(group, "tcp", `
  port_range   = "25/25"
  dest_cidr_ip = "10.0.0.0/8"`)),
			Check: func(*terraform.State) error {
				if n := len(env.Ali.State().SecurityGroups[0].Egress); n != 1 {
					return fmt.Errorf("group has %d rules, want 1", n)
				}
				return nil
			},
		}},
	})
}

// TestAccEcsEgressRule_wire: destroy revokes by the rule's ID, and nothing else.
func TestAccEcsEgressRule_wire(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEcsGroup(t)
	var ruleID string
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			revokes := env.Requests(t, "alicloud", "RevokeSecurityGroupEgress")
			if len(revokes) != 1 || revokes[0].Service != "ecs" {
				return fmt.Errorf("destroy made %d revokes, want 1 ECS call: %+v", len(revokes), revokes)
			}
			if err := equalParams(ruleParams(revokes[0].Params), map[string]string{"SecurityGroupId": group, "SecurityGroupRuleId.1": ruleID}); err != nil {
				return fmt.Errorf("RevokeSecurityGroupEgress %w", err)
			}
			auth := env.Requests(t, "alicloud", "AuthorizeSecurityGroupEgress")
			if len(auth) != 1 {
				return fmt.Errorf("%d authorizes, want 1", len(auth))
			}
			want := map[string]string{
				"SecurityGroupId": group, "IpProtocol": "udp", "PortRange": "161/162", "DestCidrIp": "10.0.0.0/8",
				"NicType": "intranet", "Policy": "accept", "Priority": "1", "ClientToken": "REDACTED",
			}
			if err := equalParams(ruleParams(auth[0].Params), want); err != nil {
				return fmt.Errorf("AuthorizeSecurityGroupEgress %w", err)
			}
			return testAccCheckEgressRulesDestroyed(t, env)(s)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEcsEgressRuleConfig(group, "udp", `
  port_range   = "161/162"
  dest_cidr_ip = "10.0.0.0/8"`)),
			Check: func(s *terraform.State) error {
				ruleID = s.RootModule().Resources[ecsRuleAddr].Primary.Attributes["rule_id"]
				return nil
			},
		}},
	})
}

func TestAccEcsEgressRule_importInvalidID(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEcsGroup(t)
	for _, id := range []string{group, group + "/", "sgr-abc123/" + group, group + "/sgr-abc123/x"} {
		acctest.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:        acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEcsEgressRuleConfig(group, "all", `dest_cidr_ip = "0.0.0.0/0"`)),
				ResourceName:  ecsRuleAddr,
				ImportState:   true,
				ImportStateId: id,
				ExpectError:   regexp.MustCompile(`Expected\s+<security_group_id>/<rule_id>`),
			}},
		})
	}
}

// TestAccEcsEgressRule_keptAfterTimeout is the repro: the 2s create
// timeout expires in the describe that reads the new rule's ID (3 s of
// latency). The rule exists, so the state keeps it, tainted (without a rule
// ID, which Read finds by the tuple), and the next apply replaces it: one
// rule, no "already has this egress rule ... import it".
func TestAccEcsEgressRule_keptAfterTimeout(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEcsGroup(t)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "alicloud", Actions: []string{"DescribeSecurityGroupAttribute"}, LatencyMS: 3000, After: 1, Times: 1},
	})
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEcsEgressRuleConfig(group, "tcp", `
  port_range   = "25/25"
  dest_cidr_ip = "10.0.0.0/8"
  timeouts {
    create = "2s"
  }`))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEgressRulesDestroyed(t, env),
		Steps: env.KeptTaintedSteps(config, ecsRuleAddr,
			`the rule was added, but reading its ID failed: the 2s create timeout expired.*timeouts \{ create = "..." \}.*`+
				`Left behind: security group ".*" may now have egress rule tcp 25/25 to 10\.0\.0\.0/8.*tainted`,
			func(s *terraform.State) error {
				if n := len(env.Ali.State().SecurityGroups[0].Egress); n != 1 {
					return fmt.Errorf("group has %d rules, want 1", n)
				}
				if n := len(env.Requests(t, "alicloud", "RevokeSecurityGroupEgress")); n != 1 {
					return fmt.Errorf("%d revokes, want 1 (the tainted rule's)", n)
				}
				return testAccCheckEgressRuleExists(t, env, ecsRuleAddr)(s)
			}),
	})
}

// TestAccEcsEgressRule_sameTupleTwice: two resources with one tuple never
// share a rule ID (ECS would answer the second authorize with success): the
// second to take the group's lock finds the first's rule and is refused.
func TestAccEcsEgressRule_sameTupleTwice(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEcsGroup(t)
	rule := func(name string) string {
		return fmt.Sprintf(`
resource "secgroup_alicloud_ecs_egress_rule" %q {
  security_group_id = %q
  ip_protocol       = "tcp"
  port_range        = "5432/5432"
  dest_cidr_ip      = "10.0.0.0/8"
}
`, name, group)
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ConfigCompose(env.AliCloudProviderConfig(), rule("a"), rule("b")),
			ExpectError: acctest.ErrorRegexp(fmt.Sprintf(`(?s)already has this egress rule.*import \{ to = secgroup_alicloud_ecs_egress_rule\.NAME id = "%s/sgr-`, group)),
		}},
		CheckDestroy: func(s *terraform.State) error {
			if auth := env.Requests(t, "alicloud", "AuthorizeSecurityGroupEgress"); len(auth) != 1 {
				return fmt.Errorf("%d authorize calls, want 1: the second resource is refused before writing", len(auth))
			}
			if revokes := env.Requests(t, "alicloud", "RevokeSecurityGroupEgress"); len(revokes) != 1 {
				return fmt.Errorf("%d revokes, want 1: only the rule the first resource made", len(revokes))
			}
			return testAccCheckEgressRulesDestroyed(t, env)(s)
		},
	})
}

// TestAccEcsEgressRule_apiNotServed (issue 16, item 4): "the API does not
// exist" (404 InvalidAction.NotFound) is not "the rule is gone": the refresh
// fails naming alicloud.endpoints.ecs instead of dropping the rule, and the
// destroy fails instead of reporting success while the rule stays.
func TestAccEcsEgressRule_apiNotServed(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEcsGroup(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEcsEgressRuleConfig(group, "tcp", `
  port_range   = "8080/8080"
  dest_cidr_ip = "10.0.0.0/8"`))
	notServed := func(action string) func() {
		return func() {
			env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: "alicloud", Actions: []string{action}, Times: 1,
				ErrorStatus: 404, ErrorCode: "InvalidAction.NotFound"}})
		}
	}
	endpointError := acctest.ErrorRegexp(`(?s)HTTP 404 InvalidAction\.NotFound.*alicloud\.endpoints\.ecs`)
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			revokes := env.Requests(t, "alicloud", "RevokeSecurityGroupEgress")
			if len(revokes) != 2 || revokes[0].ErrorCode != "InvalidAction.NotFound" || revokes[1].Status != 200 {
				return fmt.Errorf("revoke calls %+v, want the refused one, then the final destroy's", revokes)
			}
			return testAccCheckEgressRulesDestroyed(t, env)(s)
		},
		Steps: []resource.TestStep{
			{Config: config, Check: testAccCheckEgressRuleExists(t, env, ecsRuleAddr)},
			{PreConfig: notServed("DescribeSecurityGroupAttribute"), Config: config, PlanOnly: true, ExpectError: endpointError},
			{
				// The rule is still in the state: nothing to re-create.
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{PreConfig: notServed("RevokeSecurityGroupEgress"), Config: config, Destroy: true, ExpectError: endpointError},
			{
				Config: config,
				Check: func(*terraform.State) error {
					if n := len(env.Ali.State().SecurityGroups[0].Egress); n != 1 {
						return fmt.Errorf("group has %d rules after the refused destroy, want the rule still there", n)
					}
					return nil
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Identity (Terraform >= 1.12): set by create (the rule ID ECS gave), kept
// by an in-place update (the description), imported by identity.
func TestAccEcsEgressRule_identity(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEcsGroup(t)
	cfg := func(extra string) string {
		return acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEcsEgressRuleConfig(group, "tcp",
			"port_range = \"22/22\"\n  dest_cidr_ip = \"10.0.0.0/8\"\n  "+extra))
	}
	tc := acctest.IdentityTestCase(ecsRuleAddr, cfg(""), cfg(`description = "ssh"`), ecsRuleIdentity(group))
	for _, i := range []int{0, 2} {
		tc.Steps[i].ConfigStateChecks = append(tc.Steps[i].ConfigStateChecks,
			statecheck.ExpectIdentityValueMatchesState(ecsRuleAddr, tfjsonpath.New("rule_id")))
	}
	tc.CheckDestroy = testAccCheckEgressRulesDestroyed(t, env)
	acctest.ParallelTest(t, tc)
}

// A state without identity gets it on the next refresh.
func TestAccEcsEgressRule_identityUpgrade(t *testing.T) {
	env := acctest.NewEnv(t)
	group := env.AliEcsGroup(t)
	tc := acctest.IdentityUpgradeTestCase(ecsRuleAddr, acctest.ConfigCompose(env.AliCloudProviderConfig(),
		testAccEcsEgressRuleConfig(group, "tcp", "port_range = \"22/22\"\n  dest_cidr_ip = \"10.0.0.0/8\"")), ecsRuleIdentity(group))
	tc.CheckDestroy = testAccCheckEgressRulesDestroyed(t, env)
	acctest.ParallelTest(t, tc)
}

func ecsRuleIdentity(group string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"security_group_id": knownvalue.StringExact(group),
		"rule_id":           knownvalue.StringRegexp(regexp.MustCompile(`^sgr-[a-z0-9]+$`)),
		"region":            knownvalue.StringExact(acctest.AliRegion),
	}
}
