package huaweicloud_test

import (
	"context"
	"fmt"
	"regexp"
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

const serverListAddr = "secgroup_huaweicloud_server_association.test"

func testAccServerListConfig(env *acctest.Env, config string) string {
	return acctest.ConfigCompose(env.HuaweiProviderConfig(), fmt.Sprintf(`
list "secgroup_huaweicloud_server_association" "test" {
  provider         = secgroup
  include_resource = true
  limit            = 1000 # terraform's default is 100
  config {
    %s
  }
}
`, config))
}

// expectCalls is a query check of the calls since the log's reset (the
// project lookup aside): exactly want, or at most want when atMost.
func expectCalls(t *testing.T, env *acctest.Env, want map[string]int, atMost bool) querycheck.QueryResultCheck {
	return queryCheck(func() error {
		got := map[string]int{}
		for _, r := range env.Requests(t, "huaweicloud") {
			if r.Action != "KeystoneListProjects" {
				got[r.Action]++
			}
		}
		for action, n := range want {
			if got[action] > n || (!atMost && got[action] != n) || got[action] == 0 {
				return fmt.Errorf("calls %v, want %v (at most: %v)", got, want, atMost)
			}
		}
		for action := range got {
			if _, ok := want[action]; !ok {
				return fmt.Errorf("calls %v, want only %v", got, want)
			}
		}
		return nil
	})
}

type queryCheck func() error

func (f queryCheck) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	resp.Error = f()
}

// TestAccServerAssociationList_basic: one result per group of each server,
// with the identity an import takes, a display name with the server's and
// the group's names, and the object an import's Read stores; the servers are
// read in one ListServersDetails call.
func TestAccServerAssociationList_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	bare := acctest.UUID()
	env.HW.Mutate(func(s *hwemu.State) {
		s.Servers[0].SecurityGroups = append(s.Servers[0].SecurityGroups, f.SecurityGroupID)
		s.Servers = append(s.Servers, hwemu.Server{ID: bare, ProjectID: acctest.HWProjectID}) // no name, no group
	})
	identity := func(group string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{
			"server_id": knownvalue.StringExact(f.ServerID), "security_group_id": knownvalue.StringExact(group),
			"region": knownvalue.StringExact(acctest.HWRegion),
		}
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequests,
			Query:     true,
			Config:    testAccServerListConfig(env, fmt.Sprintf("server_ids = [%q, %q]", f.ServerID, bare)),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength(serverListAddr, 2),
				querycheck.ExpectIdentity(serverListAddr, identity(f.DefaultGroupID)),
				querycheck.ExpectIdentity(serverListAddr, identity(f.SecurityGroupID)),
				querycheck.ExpectResourceDisplayName(serverListAddr, queryfilter.ByResourceIdentity(identity(f.SecurityGroupID)),
					knownvalue.StringExact(fmt.Sprintf("acc-server (%s…) in %s (%s…)", f.ServerID[:8], f.SecurityGroupName, f.SecurityGroupID[:8]))),
				querycheck.ExpectResourceKnownValues(serverListAddr, queryfilter.ByResourceIdentity(identity(f.SecurityGroupID)), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(f.ServerID + "/" + f.SecurityGroupID)},
					{Path: tfjsonpath.New("security_group"), KnownValue: knownvalue.StringExact(f.SecurityGroupID)},
					{Path: tfjsonpath.New("security_group_name"), KnownValue: knownvalue.StringExact(f.SecurityGroupName)},
					{Path: tfjsonpath.New("region"), KnownValue: knownvalue.StringExact(acctest.HWRegion)},
				}),
				expectCalls(t, env, map[string]int{"ListServersDetails": 1}, false),
			},
		}},
	})
}

// TestAccServerAssociationList_batches: 150 servers are read in
// ListServersDetails batches of up to 100, not one call each; an unknown
// server is an error naming it.
func TestAccServerAssociationList_batches(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	var ids []string
	env.HW.Mutate(func(s *hwemu.State) {
		for i := range 150 {
			id := acctest.UUID()
			ids = append(ids, id)
			s.Servers = append(s.Servers, hwemu.Server{ID: id, Name: fmt.Sprintf("b-%d", i), ProjectID: acctest.HWProjectID, SecurityGroups: []string{f.SecurityGroupID}})
		}
	})
	missing := acctest.UUID()
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{
			{
				PreConfig: env.Emulator.ResetRequests,
				Query:     true,
				Config:    testAccServerListConfig(env, `server_ids = ["`+strings.Join(ids, `", "`)+`"]`),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength(serverListAddr, 150),
					// Two full batches; a third when a loaded machine splits the
					// window.
					expectCalls(t, env, map[string]int{"ListServersDetails": 3}, true),
				},
			},
			{
				Query:       true,
				Config:      testAccServerListConfig(env, fmt.Sprintf("server_ids = [%q, %q]", f.ServerID, missing)),
				ExpectError: regexp.MustCompile(`no server ` + missing),
			},
		},
	})
}

// TestAccServerAssociationList_validation: server_ids is required and must
// hold server IDs, refused before any call.
func TestAccServerAssociationList_validation(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Huawei(t)
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   acctest.QueryChecks(),
		Steps: []resource.TestStep{
			{
				PreConfig:   env.Emulator.ResetRequests,
				Query:       true,
				Config:      testAccServerListConfig(env, ""),
				ExpectError: regexp.MustCompile(`"server_ids" is required`),
			},
			{
				PreConfig: func() {
					if n := len(env.Requests(t, "huaweicloud")); n != 0 {
						t.Fatalf("%d calls for an invalid config, want none", n)
					}
				},
				Query:       true,
				Config:      testAccServerListConfig(env, `server_ids = ["WEB-01"]`),
				ExpectError: regexp.MustCompile(`must be a server's ID`),
			},
		},
	})
}
