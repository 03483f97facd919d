package alicloud_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
)

const membersDataType = "data.secgroup_alicloud_security_group_members"

// seedGroupMembers adds a group holding instances and enis new members
// (more than a page of each: 100 instances, 500 ENIs), members of another
// group beside them, and an empty group. It returns the groups and the
// members' IDs, sorted.
func seedGroupMembers(t *testing.T, env *acctest.Env, instances, enis int) (group, empty string, instanceIDs, eniIDs []string) {
	const vpc = "vpc-members000000000000"
	group, empty, other := acctest.AliID("sg"), acctest.AliID("sg"), acctest.AliID("sg")
	env.AliSeed(t, func(s *aliemu.State) {
		for _, g := range []string{group, empty, other} {
			s.SecurityGroups = append(s.SecurityGroups, aliemu.SecurityGroup{ID: g, RegionID: acctest.AliRegion, Name: "name-of-" + g, VpcID: vpc})
		}
		for i := range instances + 3 {
			id, groups := acctest.AliID("i"), []string{other}
			if i < instances {
				instanceIDs, groups = append(instanceIDs, id), []string{other, group}
			}
			s.Instances = append(s.Instances, aliemu.Instance{ID: id, RegionID: acctest.AliRegion, Name: fmt.Sprintf("web-%03d", i), VpcID: vpc, SecurityGroupIDs: groups})
		}
		for i := range enis + 3 {
			id, groups := acctest.AliID("eni"), []string{other}
			if i < enis {
				eniIDs, groups = append(eniIDs, id), []string{group}
			}
			s.NetworkInterfaces = append(s.NetworkInterfaces, aliemu.NetworkInterface{ID: id, RegionID: acctest.AliRegion, Name: fmt.Sprintf("nic-%03d", i), VpcID: vpc, SecurityGroupIDs: groups})
		}
	})
	slices.Sort(instanceIDs)
	slices.Sort(eniIDs)
	return group, empty, instanceIDs, eniIDs
}

func stringList(ids []string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.StringExact(id)
	}
	return knownvalue.ListExact(checks)
}

// TestAccSecurityGroupMembersDataSource_basic: a group's instances and ENIs,
// sorted, listed past one page of each (DescribeInstances and
// DescribeNetworkInterfaces with SecurityGroupId, MaxResults at each API's
// maximum, then NextToken), after one DescribeSecurityGroups that finds the
// group; an empty group has empty lists.
func TestAccSecurityGroupMembersDataSource_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group, empty, instances, enis := seedGroupMembers(t, env, 120, 510)
	config := acctest.ConfigCompose(env.AliCloudProviderConfig(), fmt.Sprintf(`
data "secgroup_alicloud_security_group_members" "fleet" {
  security_group_id = %q
}

data "secgroup_alicloud_security_group_members" "empty" {
  security_group_id = %q
  region            = %q
}
`, group, empty, acctest.AliRegion))
	fleet, none := membersDataType+".fleet", membersDataType+".empty"
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequests,
			Config:    config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(fleet, tfjsonpath.New("id"), knownvalue.StringExact(group)),
				statecheck.ExpectKnownValue(fleet, tfjsonpath.New("region"), knownvalue.StringExact(acctest.AliRegion)),
				statecheck.ExpectKnownValue(fleet, tfjsonpath.New("instance_ids"), stringList(instances)),
				statecheck.ExpectKnownValue(fleet, tfjsonpath.New("network_interface_ids"), stringList(enis)),
				statecheck.ExpectKnownValue(none, tfjsonpath.New("instance_ids"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue(none, tfjsonpath.New("network_interface_ids"), knownvalue.ListExact([]knownvalue.Check{})),
			},
			Check: testAccCheckMembersWire(t, env, map[string]int{group: 2, empty: 1}, map[string]int{group: 2, empty: 1}),
		}},
	})
}

// testAccCheckMembersWire checks that each read of the data source made one
// DescribeSecurityGroups naming the group, then listed its instances and
// ENIs in the pages given (per group), at each API's maximum page size, and
// made no other call. Terraform reads data sources in more than one command
// of a step, so the calls are counted per DescribeSecurityGroups.
func testAccCheckMembersWire(t *testing.T, env *acctest.Env, instancePages, eniPages map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reads, pages := map[string]int{}, map[string]int{}
		for _, r := range env.Requests(t, "alicloud") {
			switch r.Action {
			case "DescribeSecurityGroups":
				for g := range instancePages {
					if r.Params["SecurityGroupIds"] == fmt.Sprintf(`["%s"]`, g) {
						reads[g]++
					}
				}
			case "DescribeInstances", "DescribeNetworkInterfaces":
				pageSize := map[string]string{"DescribeInstances": "100", "DescribeNetworkInterfaces": "500"}[r.Action]
				if r.Params["MaxResults"] != pageSize || r.Params["InstanceIds"] != "" {
					return fmt.Errorf("%s %v: want a listing by SecurityGroupId with MaxResults=%s", r.Action, r.Params, pageSize)
				}
				pages[r.Action+" "+r.Params["SecurityGroupId"]]++
			default:
				return fmt.Errorf("unexpected call %s %v", r.Action, r.Params)
			}
		}
		for g, n := range reads {
			if n == 0 {
				return fmt.Errorf("no DescribeSecurityGroups of %s", g)
			}
			if got, want := pages["DescribeInstances "+g], n*instancePages[g]; got != want {
				return fmt.Errorf("%d DescribeInstances pages of %s for %d reads, want %d", got, g, n, want)
			}
			if got, want := pages["DescribeNetworkInterfaces "+g], n*eniPages[g]; got != want {
				return fmt.Errorf("%d DescribeNetworkInterfaces pages of %s for %d reads, want %d", got, g, n, want)
			}
		}
		if len(reads) != len(instancePages) {
			return fmt.Errorf("DescribeSecurityGroups reads %v, want each of %v", reads, instancePages)
		}
		return nil
	}
}

// TestAccSecurityGroupMembersDataSource_unknownGroup: a group that
// DescribeSecurityGroups does not list is an error naming it and the region,
// and nothing is listed.
func TestAccSecurityGroupMembersDataSource_unknownGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	seedGroupMembers(t, env, 1, 1)
	gone := acctest.AliID("sg")
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.Emulator.ResetRequests,
			Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), fmt.Sprintf(`
data "secgroup_alicloud_security_group_members" "gone" {
  security_group_id = %q
}
`, gone)),
			ExpectError: regexp.MustCompile(`Security group "` + gone + `" does not exist in\s+` + acctest.AliRegion),
		}, {
			// The failed step's calls: the group lookup only.
			PreConfig: func() {
				for _, r := range env.Requests(t, "alicloud") {
					if r.Action != "DescribeSecurityGroups" {
						t.Errorf("unexpected call %s %v for a group that does not exist", r.Action, r.Params)
					}
				}
			},
			Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), `output "ok" { value = true }`),
		}},
	})
}
