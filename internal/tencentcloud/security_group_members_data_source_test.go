package tencentcloud_test

import (
	"encoding/json"
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
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
)

const membersAddr = "data.secgroup_tencentcloud_security_group_members.test"

func testAccMembersConfig(env *acctest.Env, groupID string) string {
	return acctest.ConfigCompose(env.TencentProviderConfig(), fmt.Sprintf(`
data "secgroup_tencentcloud_security_group_members" "test" {
  security_group_id = %q
}
`, groupID))
}

// TestAccSecurityGroupMembersDataSource_basic: a group of 130 instances
// (two DescribeInstances pages) lists all of them, sorted, and only them
// (an instance of another group is left out); an empty group lists none.
// Each read is one DescribeSecurityGroups for the group and one
// DescribeInstances per page, filtered by security-group-id at Limit 100.
func TestAccSecurityGroupMembersDataSource_basic(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	group := acctest.TencentID("sg")
	var members []string
	env.TC.Mutate(func(s *tcemu.State) {
		s.SecurityGroups = append(s.SecurityGroups, tcemu.SecurityGroup{ID: group, Name: "members", Region: acctest.TCRegion})
		for i := range 130 {
			id := acctest.TencentID("ins")
			members = append(members, id)
			s.Instances = append(s.Instances, tcemu.Instance{ID: id, Name: fmt.Sprintf("m-%d", i), Region: acctest.TCRegion, SecurityGroupIDs: []string{f.DefaultGroupID, group}})
		}
	})
	sorted := slices.Sorted(slices.Values(members))
	want := make([]knownvalue.Check, len(sorted))
	for i, id := range sorted {
		want[i] = knownvalue.StringExact(id)
	}

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: env.Emulator.ResetRequests,
				Config:    testAccMembersConfig(env, group),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("id"), knownvalue.StringExact(group)),
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("region"), knownvalue.StringExact(acctest.TCRegion)),
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("instance_ids"), knownvalue.ListExact(want)),
				},
				Check: func(*terraform.State) error { return checkMembersWire(t, env, group) },
			},
			{
				Config: testAccMembersConfig(env, f.SecurityGroupID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("instance_ids"), knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
		},
	})
}

// checkMembersWire: every read of the data source since the log's reset was
// one DescribeSecurityGroups of the group and two DescribeInstances pages
// (Offset 0 and 100, Limit 100, filtered by the group), nothing else.
func checkMembersWire(t *testing.T, env *acctest.Env, group string) error {
	reads := 0
	for _, r := range env.Requests(t, "tencentcloud", "DescribeSecurityGroups") {
		var p struct{ SecurityGroupIds []string }
		_ = json.Unmarshal([]byte(r.Body), &p)
		if !slices.Equal(p.SecurityGroupIds, []string{group}) {
			return fmt.Errorf("DescribeSecurityGroups of %v, want only %s", p.SecurityGroupIds, group)
		}
		reads++
	}
	if reads == 0 {
		return fmt.Errorf("no DescribeSecurityGroups: the group's existence was not checked")
	}
	var offsets []int
	for _, r := range env.Requests(t, "tencentcloud", "DescribeInstances") {
		var p struct {
			Filters []struct {
				Name   string
				Values []string
			}
			Offset, Limit int
		}
		_ = json.Unmarshal([]byte(r.Body), &p)
		if len(p.Filters) != 1 || p.Filters[0].Name != "security-group-id" || !slices.Equal(p.Filters[0].Values, []string{group}) || p.Limit != 100 {
			return fmt.Errorf("DescribeInstances with %s, want the security-group-id filter on %s at Limit 100", r.Body, group)
		}
		offsets = append(offsets, p.Offset)
	}
	var wantOffsets []int
	for range reads {
		wantOffsets = append(wantOffsets, 0, 100)
	}
	if !slices.Equal(offsets, wantOffsets) {
		return fmt.Errorf("DescribeInstances offsets %v for %d reads, want %v: two pages per read", offsets, reads, wantOffsets)
	}
	if n := len(env.Requests(t, "tencentcloud")); n != 3*reads {
		return fmt.Errorf("%d calls for %d reads, want 3 each", n, reads)
	}
	return nil
}

// TestAccSecurityGroupMembersDataSource_unknownGroup: a group that
// DescribeSecurityGroups does not know is an error naming it and the
// region, not an empty list.
func TestAccSecurityGroupMembersDataSource_unknownGroup(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	env.Tencent(t)
	missing := acctest.TencentID("sg")
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      testAccMembersConfig(env, missing),
			ExpectError: regexp.MustCompile(fmt.Sprintf(`Security group "%s" does not exist in\s+%s`, missing, acctest.TCRegion)),
		}},
	})
}
