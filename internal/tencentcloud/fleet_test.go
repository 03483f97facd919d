package tencentcloud_test

import (
	"fmt"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
)

// fleetSize is the members of a fleet test: enough for terraform's 10
// parallel operations to fill batches, few enough for a shared machine.
const fleetSize = 30

// TestAccInstanceAssociation_fleet: a fleet group rolled onto 30 CVMs
// batches the reads (DescribeInstances) and the writes
// (AssociateSecurityGroups, DisassociateSecurityGroups) alike, instead of
// three calls per membership; the refreshing plan too. Every instance ends
// with its own group plus the fleet group, and only its own after the
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
		// One call per member: 3.0 on apply (read, write, wait), 1.0 on
		// refresh, 3.0 on destroy (refresh, write, wait).
		MaxApply: 1.5, MaxRefresh: 0.5, MaxDestroy: 1.5,
	})
}
