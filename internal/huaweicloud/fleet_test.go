package huaweicloud_test

import (
	"fmt"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
)

// fleetSize is the members of a fleet test: enough for terraform's 10
// parallel operations to fill batches and for the refresh (the first
// readcache.ListAfter servers in a batch or two, then the group's listing:
// two calls) to cost a fraction of the servers' batches, few enough for a
// shared machine. At the bench's 200 members the same calls are the issue's
// 0.05 per membership or less.
const fleetSize = 50

// TestAccServerAssociation_fleet: a fleet group rolled onto 50 servers
// reads them in ListServersDetails batches: one addSecurityGroup per
// membership and a fraction of a read, instead of two reads each; the
// destroy too. The refreshing plan answers from the group's listing (its
// ShowSecurityGroup and one ListPorts page, for every membership), not from
// the servers. Every server ends with its own group plus the fleet group, and
// only its own after the destroy.
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
			// Its NIC: ECS lists the server's groups as its NICs'.
			s.Ports = append(s.Ports, hwemu.Port{
				ID: acctest.UUID(), ProjectID: acctest.HWProjectID, DeviceID: server, DeviceOwner: "compute:cn-north-4a",
				MACAddress: fmt.Sprintf("fa:16:3e:00:%02x:%02x", i/256, i%256), FixedIP: fmt.Sprintf("192.168.%d.%d", 10+i/200, 10+i%200),
				SecurityGroups: []string{group},
			})
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
		// fails unbatched. The refresh from the servers' batches costs 0.1
		// or more (10 parallel reads a batch); with the listing, 0.08 at
		// most at this size.
		MaxApply: 2.0, MaxRefresh: 0.1, MaxDestroy: 2.5,
	})
}
