package alicloud_test

import (
	"fmt"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
)

// fleetSize is the members of a fleet test: enough for terraform's 10
// parallel operations to fill batches and for the refresh (the first
// readcache.ListAfter members in a batch or two, then the group's listing)
// to cost a fraction of the members' batches, few enough for a shared
// machine.
const fleetSize = 50

// TestAccInstanceAssociation_fleet: a fleet group rolled onto 50 instances
// reads them in DescribeInstances batches: one JoinSecurityGroup per
// membership and a fraction of a read, instead of a read each; the destroy
// too. The refreshing plan reads the group's listing (DescribeInstances with
// SecurityGroupId): one call for the fleet, after the first members' batch. Every instance ends with its own
// group plus the fleet group, and only its own after the destroy.
func TestAccInstanceAssociation_fleet(t *testing.T) {
	env := acctest.NewEnv(t)
	const vpc = "vpc-fleet00000000000000"
	fleetGroup := acctest.AliID("sg")
	var instances []string
	own := map[string][]string{}
	env.AliSeed(t, func(s *aliemu.State) {
		s.SecurityGroups = append(s.SecurityGroups, aliemu.SecurityGroup{ID: fleetGroup, RegionID: acctest.AliRegion, Name: "fleet", VpcID: vpc})
		for i := range fleetSize {
			id, group := acctest.AliID("i"), acctest.AliID("sg")
			instances = append(instances, id)
			own[id] = []string{group}
			s.SecurityGroups = append(s.SecurityGroups, aliemu.SecurityGroup{ID: group, RegionID: acctest.AliRegion, Name: fmt.Sprintf("own-%d", i), VpcID: vpc})
			s.Instances = append(s.Instances, aliemu.Instance{
				ID: id, RegionID: acctest.AliRegion, Name: fmt.Sprintf("fleet-%d", i), Status: "Running", VpcID: vpc, SecurityGroupIDs: []string{group},
			})
		}
	})
	env.RunFleet(t, &acctest.Fleet{
		Cloud: "alicloud",
		Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), fmt.Sprintf(`
locals {
  instances = %s
}

resource "secgroup_alicloud_instance_association" "fleet" {
  count             = length(local.instances)
  instance_id       = local.instances[count.index]
  security_group_id = %q
}
`, acctest.FleetList(instances), fleetGroup)),
		Members: instances, Own: own, Group: fleetGroup,
		Groups: func() map[string][]string {
			out := map[string][]string{}
			for _, in := range env.Ali.State().Instances {
				out[in.ID] = in.SecurityGroupIDs
			}
			return out
		},
		// One read per member: 2.0 on apply (read, write), 1.0 on refresh
		// (0.13 with the member-side batches alone, 0.04 to 0.06 with the
		// listing after readcache.ListAfter members).
		// The destroy step's commands read every member in each of their
		// plans (the refresh and the plan-time last-group check, in fresh
		// provider processes): about 6 reads and the write per member
		// unbatched (7.0), the write and a fraction in batches (1.2 to 1.5,
		// depending on how the batches fall and on how many plans the CLI
		// makes): 2.0 fails the first and not the second.
		MaxApply: 1.5, MaxRefresh: 0.1, MaxDestroy: 2.0,
	})
}
