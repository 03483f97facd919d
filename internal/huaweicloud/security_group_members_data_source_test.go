package huaweicloud_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
)

const membersAddr = "data.secgroup_huaweicloud_security_group_members.test"

func testAccMembersConfig(env *acctest.Env, group string) string {
	return acctest.ConfigCompose(env.HuaweiProviderConfig(), fmt.Sprintf(`
data "secgroup_huaweicloud_security_group_members" "test" {
  security_group_id = %q
}
`, group))
}

func knownStrings(ids []string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(ids))
	for _, id := range ids {
		checks = append(checks, knownvalue.StringExact(id))
	}
	return knownvalue.ListExact(checks)
}

// seedMembers puts servers with NICs (one with two) and loose ports into
// the fixture's group, in no particular order of IDs, and returns the
// sorted server and port IDs.
func seedMembers(env *acctest.Env, group string, servers, loose int) (serverIDs, portIDs []string) {
	env.HW.Mutate(func(s *hwemu.State) {
		port := func(device, owner string, groups ...string) {
			id := acctest.UUID()
			s.Ports = append(s.Ports, hwemu.Port{ID: id, ProjectID: acctest.HWProjectID, DeviceID: device, DeviceOwner: owner, SecurityGroups: groups})
			if slices.Contains(groups, group) {
				portIDs = append(portIDs, id)
			}
		}
		for i := range servers {
			id := acctest.UUID()
			serverIDs = append(serverIDs, id)
			s.Servers = append(s.Servers, hwemu.Server{ID: id, Name: fmt.Sprintf("m-%d", i), ProjectID: acctest.HWProjectID, SecurityGroups: []string{group}})
			port(id, "compute:cn-north-4a", group)
			if i == 0 {
				port(id, "compute:cn-north-4a", group) // a second NIC: the server is listed once
			}
		}
		for range loose {
			port("", "", group)
		}
		port("", "") // in no group
	})
	slices.Sort(serverIDs)
	slices.Sort(portIDs)
	return serverIDs, portIDs
}

// TestAccSecurityGroupMembersDataSource_basic: the group's servers (through
// their NICs) and ports, sorted, from one ShowSecurityGroup and one ListPorts
// filtered by the group; a group without members has empty lists.
func TestAccSecurityGroupMembersDataSource_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	servers, ports := seedMembers(env, f.SecurityGroupID, 3, 2)
	empty := acctest.UUID()
	env.HW.Mutate(func(s *hwemu.State) {
		s.SecurityGroups = append(s.SecurityGroups, hwemu.SecurityGroup{ID: empty, Name: "empty", ProjectID: acctest.HWProjectID})
	})
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: env.Emulator.ResetRequests,
				Config:    testAccMembersConfig(env, f.SecurityGroupID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("id"), knownvalue.StringExact(f.SecurityGroupID)),
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("region"), knownvalue.StringExact(acctest.HWRegion)),
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("server_ids"), knownStrings(servers)),
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("port_ids"), knownStrings(ports)),
				},
				Check: expectMembersCalls(t, env, f.SecurityGroupID, 1),
			},
			{
				Config: testAccMembersConfig(env, empty),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("server_ids"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("port_ids"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}

// expectMembersCalls checks the calls since the log's reset: one
// ShowSecurityGroup of the group and pages ListPorts calls filtered by it at
// the API's page size.
func expectMembersCalls(t *testing.T, env *acctest.Env, group string, pages int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := map[string]int{}
		for _, r := range env.Requests(t, "huaweicloud") {
			switch r.Action {
			case "KeystoneListProjects":
				continue
			case "ListPorts":
				if r.Params["security_groups"] != group || r.Params["limit"] != "2000" {
					return fmt.Errorf("ListPorts with %v, want security_groups=%s and limit=2000", r.Params, group)
				}
			}
			got[r.Action]++
		}
		if want := map[string]int{"ShowSecurityGroup": 1, "ListPorts": pages}; !maps.Equal(got, want) {
			return fmt.Errorf("calls %v, want %v", got, want)
		}
		return nil
	}
}

// TestAccSecurityGroupMembersDataSource_paging: more ports than one page of
// 2,000 are listed to the end, by marker.
func TestAccSecurityGroupMembersDataSource_paging(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	servers, ports := seedMembers(env, f.SecurityGroupID, 2, 2010)
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequests,
			Config:    testAccMembersConfig(env, f.SecurityGroupID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("server_ids"), knownStrings(servers)),
				statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("port_ids"), knownStrings(ports)),
			},
			Check: expectMembersCalls(t, env, f.SecurityGroupID, 2),
		}},
	})
}

// TestAccSecurityGroupMembersDataSource_unknownGroup: a group that does not
// exist is an error naming it and the region, and no port is listed; an ID
// that is not a UUID is refused before any call.
func TestAccSecurityGroupMembersDataSource_unknownGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Huawei(t)
	missing := acctest.UUID()
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   env.Emulator.ResetRequests,
				Config:      testAccMembersConfig(env, missing),
				ExpectError: regexp.MustCompile(`Security group "` + missing + `" does not exist in\s+cn-north-4`),
			},
			{
				PreConfig: func() {
					if n := len(env.Requests(t, "huaweicloud", "ListPorts")); n != 0 {
						t.Fatalf("%d ListPorts calls for an unknown group, want none", n)
					}
					env.Emulator.ResetRequests()
				},
				Config:      testAccMembersConfig(env, "web"),
				ExpectError: regexp.MustCompile(`must be the security group's ID`),
			},
			{
				PreConfig: func() {
					if n := len(env.Requests(t, "huaweicloud")); n != 0 {
						t.Fatalf("%d calls for an invalid ID, want none", n)
					}
				},
				Config:   testAccMembersConfig(env, missing),
				PlanOnly: true, ExpectError: regexp.MustCompile(`does not exist`),
			},
		},
	})
}
