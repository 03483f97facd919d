package alicloud_test

import (
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

const ensRuleList = ensRuleType + ".test"

// ensRuleListIdentity is the identity of an ENS rule of group (source port
// range unset).
func ensRuleListIdentity(group, protocol, ports, dest, policy string, priority int64) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"security_group_id": knownvalue.StringExact(group),
		"ip_protocol":       knownvalue.StringExact(protocol),
		"port_range":        knownvalue.StringExact(ports),
		"dest_cidr_ip":      knownvalue.StringExact(dest),
		"policy":            knownvalue.StringExact(policy),
		"priority":          knownvalue.Int64Exact(priority),
		"source_port_range": knownvalue.Null(),
		"region":            knownvalue.StringExact(acctest.AliRegion),
	}
}

// TestAccEnsEgressRuleList_basic lists the rules of two groups, one named:
// one result per rule with the rule's tuple as identity, a display name with
// the group's name where it has one, and with include_resource the object an
// import stores (no description, though the console set one; an unset
// source port range, though Describe says -1/-1), at one describe per group.
func TestAccEnsEgressRuleList_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	groups := env.AliEnsGroups(t, 2)
	web, other := groups[0], groups[1]
	seedRules(t, env, ensRuleType, web, "web",
		aliemu.Permission{IPProtocol: "tcp", PortRange: "443/443", DestCidrIP: "10.0.0.0/8", Policy: "accept", Priority: 1},
		aliemu.Permission{IPProtocol: "udp", PortRange: "53/53", SourcePortRange: "1024/65535", DestCidrIP: "192.168.0.10", Policy: "accept", Priority: 5},
		aliemu.Permission{IPProtocol: "gre", PortRange: "-1/-1", SourcePortRange: "-1/-1", DestCidrIP: "172.16.0.0/12", Policy: "accept", Priority: 1},
	)
	seedRules(t, env, ensRuleType, other, "",
		aliemu.Permission{IPProtocol: "all", PortRange: "-1/-1", DestCidrIP: "0.0.0.0/0", Policy: "drop", Priority: 100, Description: "set in the console"},
	)
	udp := ensRuleListIdentity(web, "udp", "53/53", "192.168.0.10", "accept", 5)
	udp["source_port_range"] = knownvalue.StringExact("1024/65535")
	gre := ensRuleListIdentity(web, "gre", "-1/-1", "172.16.0.0/12", "accept", 1)
	all := ensRuleListIdentity(other, "all", "-1/-1", "0.0.0.0/0", "drop", 100)
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			Query:  true,
			Config: ruleListQuery(env, ensRuleType, true, 0, "", web, other),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(ensRuleList, 4),
				querycheck.ExpectIdentity(ensRuleList, ensRuleListIdentity(web, "tcp", "443/443", "10.0.0.0/8", "accept", 1)),
				querycheck.ExpectIdentity(ensRuleList, udp),
				querycheck.ExpectIdentity(ensRuleList, gre),
				querycheck.ExpectIdentity(ensRuleList, all),
				querycheck.ExpectResourceDisplayName(ensRuleList, queryfilter.ByResourceIdentity(udp),
					knownvalue.StringExact("udp 53/53 from ports 1024/65535 to 192.168.0.10 accept, priority 5, in web ("+web+")")),
				querycheck.ExpectResourceDisplayName(ensRuleList, queryfilter.ByResourceIdentity(all),
					knownvalue.StringExact("all to 0.0.0.0/0 drop, priority 100, in "+other)),
				querycheck.ExpectResourceKnownValues(ensRuleList, queryfilter.ByResourceIdentity(udp), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(web + ":udp:53/53:192.168.0.10:accept:5:1024/65535")},
					{Path: tfjsonpath.New("source_port_range"), KnownValue: knownvalue.StringExact("1024/65535")},
				}),
				querycheck.ExpectResourceKnownValues(ensRuleList, queryfilter.ByResourceIdentity(gre), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(web + ":gre:-1/-1:172.16.0.0/12:accept:1")},
					{Path: tfjsonpath.New("source_port_range"), KnownValue: knownvalue.Null()},
				}),
				querycheck.ExpectResourceKnownValues(ensRuleList, queryfilter.ByResourceIdentity(all), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("ip_protocol"), KnownValue: knownvalue.StringExact("all")},
					{Path: tfjsonpath.New("policy"), KnownValue: knownvalue.StringExact("drop")},
					{Path: tfjsonpath.New("description"), KnownValue: knownvalue.Null()},
					{Path: tfjsonpath.New("timeouts"), KnownValue: knownvalue.Null()},
				}),
			},
		}},
	})
	if t.Failed() {
		return
	}
	// The wire: one describe per group, as a refresh of their rules costs.
	if n := describesPerGroup(t, env); len(n) != 2 || n[web] != 1 || n[other] != 1 {
		t.Errorf("DescribeSecurityGroupAttribute calls per group: %v, want one for each of %s and %s", n, web, other)
	}
}

// TestAccEnsEgressRuleList_unknownGroup: a group that does not exist is an
// error naming it, after the rules of the groups before it.
func TestAccEnsEgressRuleList_unknownGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEnsGroup(t)
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			Query:       true,
			Config:      ruleListQuery(env, ensRuleType, false, 0, "", group, "sg-doesnotexist1"),
			ExpectError: regexp.MustCompile(`ENS security group "sg-doesnotexist1" in security_group_ids was\s+not found`),
		}},
	})
}

// TestAccEnsEgressRuleList_invalidConfig: a malformed group ID, an empty
// list and another region fail before any API call.
func TestAccEnsEgressRuleList_invalidConfig(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEnsGroup(t)
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			Query:       true,
			Config:      ruleListQuery(env, ensRuleType, false, 0, "", "web-servers"),
			ExpectError: regexp.MustCompile(`must be a security group ID such as sg-5p1fg655nh68xyz`),
		}, {
			Query:       true,
			Config:      ruleListQuery(env, ensRuleType, false, 0, ""),
			ExpectError: regexp.MustCompile(`security_group_ids list must contain at least 1 elements`),
		}, {
			Query:       true,
			Config:      ruleListQuery(env, ensRuleType, false, 0, `region = "cn-beijing"`, group),
			ExpectError: regexp.MustCompile(`ENS egress rules are imported in the provider's region`),
		}},
	})
	if n := describesPerGroup(t, env); len(n) != 0 {
		t.Errorf("DescribeSecurityGroupAttribute calls: %v, want none", n)
	}
}
