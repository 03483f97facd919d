package huaweicloud_test

import (
	"fmt"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
)

// fleetSize is the members of a fleet test: enough for terraform's 10
// parallel operations to fill batches, few enough for a shared machine.
const fleetSize = 30

// TestAccServerAssociation_fleet: a fleet group rolled onto 30 servers
// reads them in ListServersDetails batches: one addSecurityGroup per
// membership and a fraction of a read, instead of two reads each; the
// refreshing plan and the destroy too. Every server ends with its own group
// plus the fleet group, and only its own after the destroy.
func TestAccServerAssociation_fleet(t *testing.T) {
	env := acctest.NewEnv(t)
	env.Huawei(t)
	fleetGroup := acctest.UUID()
	var servers []string
	own := map[string][]string{}
	env.HW.Mutate(func(s *hwemu.State) {
		s.SecurityGroups = append(s.SecurityGroups, hwemu.SecurityGroup{ID: fleetGroup, Name: "fleet", ProjectID: acctest.HWProjectID})
		for i := range fleetSize {
			server, group := acctest.UUID(), acctest.UUID()
			servers = append(servers, server)
			own[server] = []string{group}
			s.SecurityGroups = append(s.SecurityGroups, hwemu.SecurityGroup{ID: group, Name: fmt.Sprintf("own-%d", i), ProjectID: acctest.HWProjectID})
			s.Servers = append(s.Servers, hwemu.Server{ID: server, Name: fmt.Sprintf("fleet-%d", i), ProjectID: acctest.HWProjectID, Status: "ACTIVE", SecurityGroups: []string{group}})
		}
	})
	env.RunFleet(t, &acctest.Fleet{
		Cloud: "huaweicloud",
		Config: acctest.ConfigCompose(env.HuaweiProviderConfig(), fmt.Sprintf(`
locals {
  servers = %s
}

resource "secgroup_huaweicloud_server_association" "fleet" {
  count          = length(local.servers)
  server_id      = local.servers[count.index]
  security_group = %q
}
`, acctest.FleetList(servers), fleetGroup)),
		Members: servers, Own: own, Group: fleetGroup,
		Groups: func() map[string][]string {
			out := map[string][]string{}
			for _, s := range env.HW.State().Servers {
				out[s.ID] = s.SecurityGroups
			}
			return out
		},
		// One call per member: 3.0 on apply (two reads and the write), 1.0
		// on refresh, 3.0 on destroy (refresh, write, wait). The destroy's
		// waits batch only with waits that start within the window, which a
		// loaded machine spreads apart: 2.5 leaves room for that and still
		// fails unbatched.
		MaxApply: 2.0, MaxRefresh: 0.5, MaxDestroy: 2.5,
	})
}
