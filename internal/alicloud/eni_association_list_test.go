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
)

// TestAccEniAssociationList_byIDs: network_interface_ids lists one result
// per (ENI, group), named with the ENI's and the group's names where they
// have them; the ENIs are read in one batch (DescribeNetworkInterfaces with
// NetworkInterfaceId.N), the group names in one DescribeSecurityGroups.
func TestAccEniAssociationList_byIDs(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := seedListFixture(t, env, "eni")
	const addr = eniAssocType + ".test"
	byIdentity := func(member, group string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(associationIdentity("network_interface_id", member, group))
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequests,
			Query:     true,
			Config:    queryConfig(env, eniAssocType, fmt.Sprintf("network_interface_ids = [%q, %q, %q]", f.named1, f.unnamed, f.named2), true),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(addr, 4),
				querycheck.ExpectIdentity(addr, associationIdentity("network_interface_id", f.named1, f.web)),
				querycheck.ExpectIdentity(addr, associationIdentity("network_interface_id", f.named1, f.bare)),
				querycheck.ExpectIdentity(addr, associationIdentity("network_interface_id", f.named2, f.web)),
				querycheck.ExpectIdentity(addr, associationIdentity("network_interface_id", f.unnamed, f.bare)),
				querycheck.ExpectResourceDisplayName(addr, byIdentity(f.named1, f.web), knownvalue.StringExact(fmt.Sprintf("eni-01 (%s) in web (%s)", f.named1, f.web))),
				querycheck.ExpectResourceDisplayName(addr, byIdentity(f.unnamed, f.bare), knownvalue.StringExact(fmt.Sprintf("%s in %s", f.unnamed, f.bare))),
				querycheck.ExpectResourceKnownValues(addr, byIdentity(f.named1, f.bare), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(f.bare + "/" + f.named1)},
					{Path: tfjsonpath.New("network_interface_id"), KnownValue: knownvalue.StringExact(f.named1)},
					{Path: tfjsonpath.New("security_group_id"), KnownValue: knownvalue.StringExact(f.bare)},
					{Path: tfjsonpath.New("region"), KnownValue: knownvalue.StringExact(acctest.AliRegion)},
					{Path: tfjsonpath.New("keep_last_group"), KnownValue: knownvalue.Bool(false)},
				}),
				expectMembersReadOnce(t, env, "DescribeNetworkInterfaces", []string{f.named1, f.named2, f.unnamed}, []string{f.web, f.bare}),
			},
		}},
	})
}

// TestAccEniAssociationList_byGroup: security_group_id lists every ENI in
// the group, past one page (DescribeNetworkInterfaces with SecurityGroupId
// and MaxResults=500, then NextToken).
func TestAccEniAssociationList_byGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group, _, _, enis := seedGroupMembers(t, env, 0, 510)
	const addr = eniAssocType + ".test"
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequests,
			Query:     true,
			Config:    queryConfig(env, eniAssocType, fmt.Sprintf("security_group_id = %q", group), false),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(addr, 510),
				querycheck.ExpectIdentity(addr, associationIdentity("network_interface_id", enis[0], group)),
				querycheck.ExpectIdentity(addr, associationIdentity("network_interface_id", enis[509], group)),
				expectDisplayNames(addr, regexp.MustCompile(`^nic-\d{3} \(eni-[a-z0-9]+\) in name-of-`+group+` \(`+group+`\)$`)),
				expectCalls(t, env, map[string]int{
					"DescribeSecurityGroups " + group:                 1,
					"DescribeNetworkInterfaces " + group + " max 500": 1,
					"DescribeNetworkInterfaces " + group + " next":    1,
				}),
			},
		}},
	})
}

// TestAccEniAssociationList_config: a config with neither
// network_interface_ids nor security_group_id fails with an attribute error
// at validate time, before any call.
func TestAccEniAssociationList_config(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			PreConfig:   env.Emulator.ResetRequests,
			Query:       true,
			Config:      queryConfig(env, eniAssocType, "", false),
			ExpectError: regexp.MustCompile(`(?s)Missing Attribute Configuration.*Exactly one of these attributes.*network_interface_ids,security_group_id`),
		}, {
			PreConfig: func() {
				if calls := env.Requests(t, "alicloud"); len(calls) != 0 {
					t.Errorf("a config refused at validate time made %d calls", len(calls))
				}
			},
			Query:       true,
			Config:      queryConfig(env, eniAssocType, `network_interface_ids = ["not-an-eni"]`, false),
			ExpectError: regexp.MustCompile(`must be an ENI ID`),
		}},
	})
}
