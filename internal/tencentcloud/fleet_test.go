package tencentcloud_test

import (
	"fmt"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
)

// fleetSize is the members of a fleet test: enough for terraform's 10
// parallel operations to fill batches six times over (so that one batch
// less full than the others moves the cost by little), few enough for a
// shared machine.
const fleetSize = 60

// TestAccInstanceAssociation_fleet: a fleet group rolled onto 60 CVMs
// batches the pre-write reads (DescribeInstances by InstanceIds) and the
// writes (AssociateSecurityGroups, DisassociateSecurityGroups), with no wait
// after a write answered success, and every refresh (the plan's and the
// destroy's three) answers from the group's listing (DescribeInstances with
// the security-group-id filter, one call per 100 members). Every instance
// ends with its own group plus the fleet group, and only its own after the
// destroy.
func TestAccInstanceAssociation_fleet(t *testing.T) {
	env := acctest.NewEnv(t)
	env.Tencent(t)
	fleetGroup := acctest.TencentID("sg")
	var instances []string
	own := map[string][]string{}
	env.TC.Mutate(func(s *tcemu.State) {
		s.SecurityGroups = append(s.SecurityGroups, tcemu.SecurityGroup{ID: fleetGroup, Name: "fleet", Region: acctest.TCRegion})
		for i := range fleetSize {
			id, group := acctest.TencentID("ins"), acctest.TencentID("sg")
			instances = append(instances, id)
			own[id] = []string{group}
			s.SecurityGroups = append(s.SecurityGroups, tcemu.SecurityGroup{ID: group, Name: fmt.Sprintf("own-%d", i), Region: acctest.TCRegion})
			s.Instances = append(s.Instances, tcemu.Instance{ID: id, Name: fmt.Sprintf("fleet-%d", i), Region: acctest.TCRegion, SecurityGroupIDs: []string{group}})
		}
	})
	env.RunFleet(t, &acctest.Fleet{
		Cloud: "tencentcloud",
		Config: acctest.ConfigCompose(env.TencentProviderConfig(), fmt.Sprintf(`
locals {
  instances = %s
}

resource "secgroup_tencentcloud_instance_association" "fleet" {
  count             = length(local.instances)
  instance_id       = local.instances[count.index]
  security_group_id = %q
}
`, acctest.FleetList(instances), fleetGroup)),
		Members: instances, Own: own, Group: fleetGroup,
		Groups: func() map[string][]string {
			out := map[string][]string{}
			for _, in := range env.TC.State().Instances {
				out[in.ID] = in.SecurityGroupIDs
			}
			return out
		},
		// Refresh: the first readcache.ListAfter members in a batch or two,
		// then one listing for the rest (0.03 to 0.05); member-side reads,
		// even batched, cost a call per 10 (terraform's -parallelism): 0.1.
		// Apply and destroy: the target is 0.5 at N = 200 in the
		// bench, where three clouds share the 10 slots. Here the fleet has
		// all 10 slots, so a batch holds about 10 members and each call per
		// batch costs 0.1 per membership: apply is the pre-write read and the
		// write (0.2), destroy the write and its three refreshes (0.2 to
		// 0.22); the bounds leave room for two batches that split. They fail
		// with a wait after each batch (0.3 and 0.32) or
		// member-side refreshes in the destroy (0.4), as well as with writes
		// one by one (over 1).
		MaxApply: 0.27, MaxRefresh: 0.07, MaxDestroy: 0.27,
	})
}
