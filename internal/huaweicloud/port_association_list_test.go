package huaweicloud_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
)

const portListAddr = "secgroup_huaweicloud_port_association.test"

func testAccPortListConfig(env *acctest.Env, config string) string {
	return acctest.ConfigCompose(env.HuaweiProviderConfig(), fmt.Sprintf(`
list "secgroup_huaweicloud_port_association" "test" {
  provider         = secgroup
  include_resource = true
  limit            = 1000 # terraform's default is 100
  config {
    %s
  }
}
`, config))
}

func portIdentity(port string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"port_id": knownvalue.StringExact(port), "region": knownvalue.StringExact(acctest.HWRegion)}
}

// TestAccPortAssociationList_byGroup: the ports holding a group (its
// group-side listing: ShowSecurityGroup and ListPorts filtered by it), one
// result per port with all its groups, named with the port's and the groups'
// names (one ListSecurityGroups call); a port without a name shows its ID.
func TestAccPortAssociationList_byGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	other := acctest.UUID()
	env.HW.Mutate(func(s *hwemu.State) {
		s.Ports[0].SecurityGroups = append(s.Ports[0].SecurityGroups, f.SecurityGroupID)
		s.Ports = append(s.Ports,
			hwemu.Port{ID: other, ProjectID: acctest.HWProjectID, SecurityGroups: []string{f.SecurityGroupID}},
			hwemu.Port{ID: acctest.UUID(), ProjectID: acctest.HWProjectID, SecurityGroups: []string{f.DefaultGroupID}}, // not in the group
		)
	})
	both := knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(f.DefaultGroupID), knownvalue.StringExact(f.SecurityGroupID)})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequests,
			Query:     true,
			Config:    testAccPortListConfig(env, fmt.Sprintf("security_group_id = %q", f.SecurityGroupID)),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(portListAddr, 2),
				querycheck.ExpectIdentity(portListAddr, portIdentity(f.PortID)),
				querycheck.ExpectIdentity(portListAddr, portIdentity(other)),
				querycheck.ExpectResourceDisplayName(portListAddr, queryfilter.ByResourceIdentity(portIdentity(f.PortID)),
					knownvalue.StringExact(fmt.Sprintf("acc-port (%s…) in default (%s…), %s (%s…)", f.PortID[:8], f.DefaultGroupID[:8], f.SecurityGroupName, f.SecurityGroupID[:8]))),
				querycheck.ExpectResourceDisplayName(portListAddr, queryfilter.ByResourceIdentity(portIdentity(other)),
					knownvalue.StringExact(fmt.Sprintf("%s in %s (%s…)", other, f.SecurityGroupName, f.SecurityGroupID[:8]))),
				querycheck.ExpectResourceKnownValues(portListAddr, queryfilter.ByResourceIdentity(portIdentity(f.PortID)), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(f.PortID)},
					{Path: tfjsonpath.New("security_group_ids"), KnownValue: both},
					{Path: tfjsonpath.New("all_security_group_ids"), KnownValue: both},
					{Path: tfjsonpath.New("enforce"), KnownValue: knownvalue.Bool(false)},
					{Path: tfjsonpath.New("region"), KnownValue: knownvalue.StringExact(acctest.HWRegion)},
				}),
				expectCalls(t, env, map[string]int{"ShowSecurityGroup": 1, "ListPorts": 1, "ListSecurityGroups": 1}, false),
			},
		}},
	})
}

// TestAccPortAssociationList_byIDs: 150 ports are read in ListPorts batches
// of up to 100 ids; a port without any group is left out; an unknown port is
// an error naming it.
func TestAccPortAssociationList_byIDs(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	var ids []string
	empty := acctest.UUID()
	env.HW.Mutate(func(s *hwemu.State) {
		for i := range 150 {
			id := acctest.UUID()
			ids = append(ids, id)
			s.Ports = append(s.Ports, hwemu.Port{ID: id, Name: fmt.Sprintf("p-%d", i), ProjectID: acctest.HWProjectID, SecurityGroups: []string{f.SecurityGroupID}})
		}
		s.Ports = append(s.Ports, hwemu.Port{ID: empty, ProjectID: acctest.HWProjectID})
	})
	missing := acctest.UUID()
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{
			{
				PreConfig: env.Emulator.ResetRequests,
				Query:     true,
				Config:    testAccPortListConfig(env, `port_ids = ["`+strings.Join(append(slices.Clone(ids), empty), `", "`)+`"]`),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength(portListAddr, 150),
					querycheck.ExpectResourceDisplayName(portListAddr, queryfilter.ByResourceIdentity(portIdentity(ids[7])),
						knownvalue.StringExact(fmt.Sprintf("p-7 (%s…) in %s (%s…)", ids[7][:8], f.SecurityGroupName, f.SecurityGroupID[:8]))),
					// Two full batches; a third when a loaded machine splits the window.
					expectCalls(t, env, map[string]int{"ListPorts": 3, "ListSecurityGroups": 1}, true),
				},
			},
			{
				Query:       true,
				Config:      testAccPortListConfig(env, fmt.Sprintf("port_ids = [%q, %q]", f.PortID, missing)),
				ExpectError: regexp.MustCompile(`no port ` + missing),
			},
		},
	})
}

// TestAccPortAssociationList_validation: exactly one of port_ids and
// security_group_id, refused at validate time before any call; an unknown
// group is an error naming it.
func TestAccPortAssociationList_validation(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	missing := acctest.UUID()
	noCalls := func() {
		if n := len(env.Requests(t, "huaweicloud")); n != 0 {
			t.Fatalf("%d calls for an invalid config, want none", n)
		}
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{
			{
				PreConfig:   env.Emulator.ResetRequests,
				Query:       true,
				Config:      testAccPortListConfig(env, ""),
				ExpectError: regexp.MustCompile(`(?s)Missing Attribute Configuration.*Exactly one of these attributes must be configured:\s+\[port_ids,security_group_id\]`),
			},
			{
				PreConfig:   noCalls,
				Query:       true,
				Config:      testAccPortListConfig(env, fmt.Sprintf("port_ids = [%q]\n    security_group_id = %q", f.PortID, f.SecurityGroupID)),
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
			{
				PreConfig:   noCalls,
				Query:       true,
				Config:      testAccPortListConfig(env, fmt.Sprintf("security_group_id = %q", missing)),
				ExpectError: regexp.MustCompile(`Security group "` + missing + `" was not found in\s+cn-north-4`),
			},
		},
	})
}
