package alicloud_test

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
)

// Helpers both egress rule resources' tests use.

const (
	ensRuleType = "secgroup_alicloud_ens_egress_rule"
	ecsRuleType = "secgroup_alicloud_ecs_egress_rule"
)

func serviceOf(resourceType string) string {
	if resourceType == ensRuleType {
		return "ens"
	}
	return "ecs"
}

// ruleFromAttrs is the rule a state entry describes.
func ruleFromAttrs(attrs map[string]string) alicloud.EgressRule {
	prio, _ := strconv.ParseInt(attrs["priority"], 10, 64)
	return alicloud.EgressRule{
		GroupID: attrs["security_group_id"], RuleID: attrs["rule_id"],
		Protocol: attrs["ip_protocol"], PortRange: attrs["port_range"], SourcePortRange: attrs["source_port_range"],
		DestCidrIP: attrs["dest_cidr_ip"], Ipv6DestCidrIP: attrs["ipv6_dest_cidr_ip"],
		DestGroupID: attrs["dest_group_id"], DestPrefixListID: attrs["dest_prefix_list_id"],
		NicType: attrs["nic_type"], Policy: attrs["policy"], Priority: prio,
	}
}

// findRule asks the cloud through a fresh client, so that no cache of an
// earlier check answers.
func findRule(t *testing.T, env *acctest.Env, resourceType string, attrs map[string]string) (*alicloud.EgressRule, error) {
	return alicloud.FindEgressRule(context.Background(), env.AliCloudClient(t), serviceOf(resourceType), attrs["region"], ruleFromAttrs(attrs))
}

func testAccCheckEgressRuleExists(t *testing.T, env *acctest.Env, addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in the state", addr)
		}
		_, err := findRule(t, env, rs.Type, rs.Primary.Attributes)
		return err
	}
}

func testAccCheckEgressRulesDestroyed(t *testing.T, env *acctest.Env) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for name, rs := range s.RootModule().Resources {
			if rs.Type != ensRuleType && rs.Type != ecsRuleType {
				continue
			}
			_, err := findRule(t, env, rs.Type, rs.Primary.Attributes)
			if err == nil {
				return fmt.Errorf("%s is still in security group %s", name, rs.Primary.Attributes["security_group_id"])
			}
			if !apierr.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}

// testAccRevokeEgressRule revokes a rule behind terraform's back, through the
// API: works against a real cloud too.
func testAccRevokeEgressRule(t *testing.T, env *acctest.Env, addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs := s.RootModule().Resources[addr]
		a := rs.Primary.Attributes
		params := map[string]string{
			"SecurityGroupId": a["security_group_id"], "IpProtocol": a["ip_protocol"], "PortRange": a["port_range"],
			"SourcePortRange": a["source_port_range"], "DestCidrIp": a["dest_cidr_ip"], "Policy": a["policy"], "Priority": a["priority"],
		}
		if rs.Type == ecsRuleType {
			params = map[string]string{"SecurityGroupId": a["security_group_id"], "SecurityGroupRuleId.1": a["rule_id"]}
		}
		return env.AliCloudClient(t).Call(context.Background(), serviceOf(rs.Type), a["region"], "RevokeSecurityGroupEgress", params, nil)
	}
}

// ruleParams is what a rule call sent besides the protocol's parameters and
// the RegionId the SDK adds.
func ruleParams(params map[string]string) map[string]string {
	out := acctest.RPCOwnParams(params)
	delete(out, "RegionId")
	return out
}

func equalParams(got, want map[string]string) error {
	if maps.Equal(got, want) {
		return nil
	}
	show := func(m map[string]string) string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k+"="+m[k])
		}
		sort.Strings(keys)
		return strings.Join(keys, " ")
	}
	return fmt.Errorf("parameters\n  %s\nwant\n  %s", show(got), show(want))
}

// TestAccEgressRule_unknownAtPlan: the group, the destination and the ports
// come from other resources and are unknown at plan time; the validators,
// the config validators and ModifyPlan let them through, the apply creates
// both rules, and the next plan is empty.
func TestAccEgressRule_unknownAtPlan(t *testing.T) {
	env := acctest.NewEnv(t)
	ensGroup, ecsGroup := env.AliEnsGroup(t), env.AliEcsGroup(t)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), fmt.Sprintf(`
resource "terraform_data" "from_elsewhere" {
  input = {
    ens_group = %[1]q
    ecs_group = %[2]q
    cidr      = "10.20.0.0/16"
    ports     = "8443/8443"
  }
}

resource "secgroup_alicloud_ens_egress_rule" "test" {
  security_group_id = terraform_data.from_elsewhere.output.ens_group
  ip_protocol       = "tcp"
  port_range        = terraform_data.from_elsewhere.output.ports
  dest_cidr_ip      = terraform_data.from_elsewhere.output.cidr
}

resource "secgroup_alicloud_ecs_egress_rule" "test" {
  security_group_id = terraform_data.from_elsewhere.output.ecs_group
  ip_protocol       = "tcp"
  port_range        = terraform_data.from_elsewhere.output.ports
  dest_cidr_ip      = terraform_data.from_elsewhere.output.cidr
}
`, ensGroup, ecsGroup))
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEgressRulesDestroyed(t, env),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(ensRuleType+".test", tfjsonpath.New("security_group_id")),
					plancheck.ExpectUnknownValue(ecsRuleType+".test", tfjsonpath.New("dest_cidr_ip")),
					plancheck.ExpectResourceAction(ensRuleType+".test", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(ecsRuleType+".test", plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					testAccCheckEgressRuleExists(t, env, ensRuleType+".test"),
					testAccCheckEgressRuleExists(t, env, ecsRuleType+".test"),
				),
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Helpers of both egress rule list resources' tests.

// seedRules gives the emulated group (ENS or ECS, by resourceType) a name and
// rules.
func seedRules(t *testing.T, env *acctest.Env, resourceType, group, name string, rules ...aliemu.Permission) {
	t.Helper()
	env.AliSeed(t, func(s *aliemu.State) {
		groups := s.SecurityGroups
		if resourceType == ensRuleType {
			groups = s.EnsSecurityGroups
		}
		for i := range groups {
			if g := &groups[i]; g.ID == group {
				g.Name = name
				g.Egress = append(g.Egress, rules...)
			}
		}
	})
}

// ruleListQuery is a query of resourceType's list resource named "test" over
// groups, with a limit (0: Terraform's default, 100); extra holds further
// arguments of its config block.
func ruleListQuery(env *acctest.Env, resourceType string, includeResource bool, limit int, extra string, groups ...string) string {
	limitLine := ""
	if limit > 0 {
		limitLine = fmt.Sprintf("limit            = %d", limit)
	}
	quoted := make([]string, len(groups))
	for i, g := range groups {
		quoted[i] = strconv.Quote(g)
	}
	return env.AliCloudProviderConfig() + fmt.Sprintf(`
list %q "test" {
  provider         = secgroup
  include_resource = %t
  %s

  config {
    security_group_ids = [%s]
    %s
  }
}
`, resourceType, includeResource, limitLine, strings.Join(quoted, ", "), extra)
}

// describesPerGroup counts DescribeSecurityGroupAttribute calls by group.
func describesPerGroup(t *testing.T, env *acctest.Env) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, r := range env.Requests(t, "alicloud", "DescribeSecurityGroupAttribute") {
		n[r.Params["SecurityGroupId"]]++
	}
	return n
}
