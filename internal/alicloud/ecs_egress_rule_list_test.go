package alicloud_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
)

const ecsRuleList = ecsRuleType + ".test"

// TestAccEcsEgressRuleList_basic lists the rules of a named group, one per
// kind of destination: one result per rule the resource can manage (not the
// rule to another account's group), the group and rule ID as identity,
// display names with the group's name, and with include_resource the
// object an import stores, at one describe.
func TestAccEcsEgressRuleList_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEcsGroup(t)
	seedRules(t, env, ecsRuleType, group, "web",
		aliemu.Permission{RuleID: "sgr-tcp443", IPProtocol: "tcp", PortRange: "443/443", DestCidrIP: "10.0.0.0/8", Policy: "accept", Priority: 1, Description: "to the backends"},
		aliemu.Permission{RuleID: "sgr-icmpv6", IPProtocol: "icmpv6", PortRange: "-1/-1", Ipv6DestCidrIP: "2001:db8::/32", Policy: "accept", Priority: 1, NicType: "intranet"},
		aliemu.Permission{RuleID: "sgr-udpgroup", IPProtocol: "udp", PortRange: "53/53", SourcePortRange: "-1/-1", DestGroupID: "sg-dns1", Policy: "drop", Priority: 3},
		aliemu.Permission{RuleID: "sgr-prefix", IPProtocol: "all", PortRange: "-1/-1", DestPrefixListID: "pl-office1", Policy: "accept", Priority: 2, NicType: "internet"},
		// Another account's group: the resource cannot name its owner.
		aliemu.Permission{RuleID: "sgr-theirs", IPProtocol: "tcp", PortRange: "22/22", DestGroupID: "sg-theirs1", DestGroupOwnerAccount: "1234567890123456", Policy: "accept", Priority: 1},
	)
	id := func(rule string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{
			"security_group_id": knownvalue.StringExact(group),
			"rule_id":           knownvalue.StringExact(rule),
			"region":            knownvalue.StringExact(acctest.AliRegion),
		}
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			Query:  true,
			Config: ruleListQuery(env, ecsRuleType, true, 0, "", group),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(ecsRuleList, 4),
				querycheck.ExpectIdentity(ecsRuleList, id("sgr-tcp443")),
				querycheck.ExpectIdentity(ecsRuleList, id("sgr-icmpv6")),
				querycheck.ExpectIdentity(ecsRuleList, id("sgr-udpgroup")),
				querycheck.ExpectIdentity(ecsRuleList, id("sgr-prefix")),
				querycheck.ExpectResourceDisplayName(ecsRuleList, queryfilter.ByResourceIdentity(id("sgr-tcp443")),
					knownvalue.StringExact("tcp 443/443 to 10.0.0.0/8 accept, priority 1, in web ("+group+"), rule sgr-tcp443")),
				querycheck.ExpectResourceDisplayName(ecsRuleList, queryfilter.ByResourceIdentity(id("sgr-udpgroup")),
					knownvalue.StringExact("udp 53/53 to group sg-dns1 drop, priority 3, in web ("+group+"), rule sgr-udpgroup")),
				querycheck.ExpectResourceDisplayName(ecsRuleList, queryfilter.ByResourceIdentity(id("sgr-prefix")),
					knownvalue.StringExact("all to prefix list pl-office1 accept, priority 2, internet NIC, in web ("+group+"), rule sgr-prefix")),
				querycheck.ExpectResourceKnownValues(ecsRuleList, queryfilter.ByResourceIdentity(id("sgr-tcp443")), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(group + "/sgr-tcp443")},
					{Path: tfjsonpath.New("region"), KnownValue: knownvalue.StringExact(acctest.AliRegion)},
					{Path: tfjsonpath.New("ip_protocol"), KnownValue: knownvalue.StringExact("tcp")},
					{Path: tfjsonpath.New("policy"), KnownValue: knownvalue.StringExact("accept")},
					{Path: tfjsonpath.New("description"), KnownValue: knownvalue.StringExact("to the backends")},
					// Describe answers no NicType: ECS's default.
					{Path: tfjsonpath.New("nic_type"), KnownValue: knownvalue.StringExact("intranet")},
					{Path: tfjsonpath.New("timeouts"), KnownValue: knownvalue.Null()},
				}),
				querycheck.ExpectResourceKnownValues(ecsRuleList, queryfilter.ByResourceIdentity(id("sgr-udpgroup")), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("dest_group_id"), KnownValue: knownvalue.StringExact("sg-dns1")},
					{Path: tfjsonpath.New("dest_cidr_ip"), KnownValue: knownvalue.Null()},
					// Describe's -1/-1 is an unset source port range.
					{Path: tfjsonpath.New("source_port_range"), KnownValue: knownvalue.Null()},
					{Path: tfjsonpath.New("description"), KnownValue: knownvalue.Null()},
				}),
				querycheck.ExpectResourceKnownValues(ecsRuleList, queryfilter.ByResourceIdentity(id("sgr-icmpv6")), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("ipv6_dest_cidr_ip"), KnownValue: knownvalue.StringExact("2001:db8::/32")},
				}),
			},
		}},
	})
	if t.Failed() {
		return
	}
	if n := describesPerGroup(t, env); len(n) != 1 || n[group] != 1 {
		t.Errorf("DescribeSecurityGroupAttribute calls per group: %v, want one for %s", n, group)
	}
}

// TestAccEcsEgressRuleList_paging lists a group of 1001 rules, past one
// page of ECS's largest (1000), and a small group: every rule once, at two
// describes of the large group (MaxResults 1000, then its NextToken; ECS's
// default page of 500 would take three) and one of the small one. A limit
// stops the listing before the groups after it are read.
func TestAccEcsEgressRuleList_paging(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	groups := env.AliEcsGroups(t, 2)
	large, small := groups[0], groups[1]
	rules := make([]aliemu.Permission, 1001)
	for i := range rules {
		rules[i] = aliemu.Permission{RuleID: fmt.Sprintf("sgr-page%04d", i), IPProtocol: "tcp", PortRange: fmt.Sprintf("%d/%d", i+1, i+1),
			DestCidrIP: "10.0.0.0/8", Policy: "accept", Priority: 1, NicType: "intranet"}
	}
	seedRules(t, env, ecsRuleType, large, "large", rules...)
	seedRules(t, env, ecsRuleType, small, "small",
		aliemu.Permission{RuleID: "sgr-small", IPProtocol: "all", PortRange: "-1/-1", DestCidrIP: "0.0.0.0/0", Policy: "drop", Priority: 100})
	last := map[string]knownvalue.Check{
		"security_group_id": knownvalue.StringExact(large),
		"rule_id":           knownvalue.StringExact("sgr-page1000"),
		"region":            knownvalue.StringExact(acctest.AliRegion),
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			Query:  true,
			Config: ruleListQuery(env, ecsRuleType, false, 2000, "", large, small),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(ecsRuleList, 1002),
				querycheck.ExpectIdentity(ecsRuleList, last),
				querycheck.ExpectResourceDisplayName(ecsRuleList, queryfilter.ByResourceIdentity(last),
					knownvalue.StringExact("tcp 1001/1001 to 10.0.0.0/8 accept, priority 1, in large ("+large+"), rule sgr-page1000")),
			},
		}, {
			PreConfig: func() {
				if n := describesPerGroup(t, env); n[large] != 2 || n[small] != 1 {
					t.Errorf("DescribeSecurityGroupAttribute calls per group: %v, want 2 for %s and 1 for %s", n, large, small)
				}
			},
			Query:             true,
			Config:            ruleListQuery(env, ecsRuleType, false, 1, "", small, large),
			QueryResultChecks: []querycheck.QueryResultCheck{querycheck.ExpectLength(ecsRuleList, 1)},
		}},
	})
	if t.Failed() {
		return
	}
	if n := describesPerGroup(t, env); n[large] != 2 || n[small] != 2 {
		t.Errorf("DescribeSecurityGroupAttribute calls per group after the limited query: %v, want still 2 for %s (the limit "+
			"was reached in %s, read first) and 2 for %s", n, large, small, small)
	}
	for _, r := range env.Requests(t, "alicloud", "DescribeSecurityGroupAttribute") {
		if r.Params["MaxResults"] != "1000" {
			t.Errorf("DescribeSecurityGroupAttribute with MaxResults %q, want 1000: %v", r.Params["MaxResults"], r.Params)
		}
	}
}

// TestAccEcsEgressRuleList_unknownGroup: a group that does not exist in the
// region is an error naming it and the region.
func TestAccEcsEgressRuleList_unknownGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEcsGroup(t)
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			Query:       true,
			Config:      ruleListQuery(env, ecsRuleType, false, 0, "", "sg-doesnotexist1", group),
			ExpectError: regexp.MustCompile(`ECS security group "sg-doesnotexist1" in security_group_ids was\s+not\s+found\s+in\s+region\s+"` + acctest.AliRegion + `"`),
		}, {
			// The group is in the provider's region, not in this one.
			Query:       true,
			Config:      ruleListQuery(env, ecsRuleType, false, 0, `region = "cn-beijing"`, group),
			ExpectError: regexp.MustCompile(`ECS security group "` + group + `" in security_group_ids was\s+not\s+found\s+in\s+region\s+"cn-beijing"`),
		}},
	})
}

// TestAccEcsEgressRuleList_invalidConfig: malformed or repeated group IDs
// fail at validate time, before any API call.
func TestAccEcsEgressRuleList_invalidConfig(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEcsGroup(t)
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			Query:       true,
			Config:      ruleListQuery(env, ecsRuleType, false, 0, "", group, "i-bp67acfmxazb4p"),
			ExpectError: regexp.MustCompile(`must be a security group ID such as sg-5p1fg655nh68xyz`),
		}, {
			Query:       true,
			Config:      ruleListQuery(env, ecsRuleType, false, 0, "", group, group),
			ExpectError: regexp.MustCompile(`duplicate values of: "` + group + `"`),
		}},
	})
	if n := describesPerGroup(t, env); len(n) != 0 {
		t.Errorf("DescribeSecurityGroupAttribute calls: %v, want none", n)
	}
}
