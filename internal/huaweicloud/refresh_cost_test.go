package huaweicloud_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
)

// refreshCostObjects and refreshCostGroups: 12 associations, each of the 4
// groups on each of the 3 servers (or ports).
const refreshCostObjects, refreshCostGroups = 3, 4

// seedRefreshCost adds 3 servers, 3 ports and 4 groups to the emulator.
func seedRefreshCost(t *testing.T, env *acctest.Env) (servers, ports, groups []string) {
	env.Huawei(t)
	env.HW.Mutate(func(s *hwemu.State) {
		for i := range refreshCostGroups {
			id := acctest.UUID()
			groups = append(groups, id)
			s.SecurityGroups = append(s.SecurityGroups, hwemu.SecurityGroup{ID: id, Name: fmt.Sprintf("cost-%d", i), ProjectID: acctest.HWProjectID})
		}
		for i := range refreshCostObjects {
			server, port := acctest.UUID(), acctest.UUID()
			servers, ports = append(servers, server), append(ports, port)
			s.Servers = append(s.Servers, hwemu.Server{ID: server, Name: fmt.Sprintf("cost-%d", i), ProjectID: acctest.HWProjectID, Status: "ACTIVE"})
			s.Ports = append(s.Ports, hwemu.Port{
				ID: port, Name: fmt.Sprintf("cost-%d", i), ProjectID: acctest.HWProjectID,
				MACAddress: fmt.Sprintf("fa:16:3e:00:01:%02x", i), FixedIP: fmt.Sprintf("192.168.1.%d", 10+i),
			})
		}
	})
	return servers, ports, groups
}

func quoted(ids []string) string { return `["` + strings.Join(ids, `", "`) + `"]` }

// TestAccServerAssociation_refreshCost: a refreshing plan of 12 associations
// on 3 servers lists each server's groups once, not once per association;
// and a membership removed out of band after one command is seen by the
// next, since each command is a new provider process with an empty cache.
func TestAccServerAssociation_refreshCost(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	servers, _, groups := seedRefreshCost(t, env)
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), fmt.Sprintf(`
locals {
  servers = %[1]s
  groups  = %[2]s
}

resource "secgroup_huaweicloud_server_association" "many" {
  count          = length(local.servers) * length(local.groups)
  server_id      = local.servers[count.index %% length(local.servers)]
  security_group = local.groups[floor(count.index / length(local.servers))]
}
`, quoted(servers), quoted(groups)))
	// many[0] (many.0 in the checks' state) is the first group on the first server.
	const first = "secgroup_huaweicloud_server_association.many[0]"
	oneListPerServer := env.ExpectEachObjectOnce(t, "huaweicloud", "ListServersDetails",
		func(r emulator.Record) []string { return strings.Split(r.Params["server_id"], ",") }, servers)

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckServerAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// A plan-only step runs one plan without refresh, then one
				// `terraform plan` that refreshes every association: its
				// calls are the log after this reset.
				PreConfig: env.Emulator.ResetRequests,
				Config:    config,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), oneListPerServer},
				},
			},
			{
				PreConfig: func() {
					if err := testAccRemoveServerGroup(t, env, servers[0], groups[0])(nil); err != nil {
						t.Fatal(err)
					}
					env.Emulator.ResetRequests()
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(first, plancheck.ResourceActionCreate), oneListPerServer},
				},
			},
			{
				Config: config,
				Check:  testAccCheckServerAssociationExists(t, env, "secgroup_huaweicloud_server_association.many.0"),
			},
		},
	})
}

// TestAccPortAssociation_refreshCost: a refreshing plan of 12 associations on
// 3 ports shows each port once (in ListPorts batches), not once per association; and a group
// removed out of band after one command is seen by the next.
func TestAccPortAssociation_refreshCost(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	_, ports, groups := seedRefreshCost(t, env)
	config := acctest.ConfigCompose(env.HuaweiProviderConfig(), fmt.Sprintf(`
locals {
  ports  = %[1]s
  groups = %[2]s
}

resource "secgroup_huaweicloud_port_association" "many" {
  count              = length(local.ports) * length(local.groups)
  port_id            = local.ports[count.index %% length(local.ports)]
  security_group_ids = [local.groups[floor(count.index / length(local.ports))]]
}
`, quoted(ports), quoted(groups)))
	const first = "secgroup_huaweicloud_port_association.many[0]"
	oneShowPerPort := env.ExpectEachObjectOnce(t, "huaweicloud", "ListPorts",
		func(r emulator.Record) []string { return strings.Split(r.Params["id"], ",") }, ports)

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckPortAssociationDestroy(t, env),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: env.Emulator.ResetRequests,
				Config:    config,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), oneShowPerPort},
				},
			},
			{
				PreConfig: func() {
					if err := removePortGroupsViaAPI(t, env, ports[0], groups[0]); err != nil {
						t.Fatal(err)
					}
					env.Emulator.ResetRequests()
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(first, plancheck.ResourceActionUpdate), oneShowPerPort},
				},
			},
			{
				Config: config,
				Check:  testAccCheckPortAssociationExists(t, env, "secgroup_huaweicloud_port_association.many.0"),
			},
		},
	})
}
