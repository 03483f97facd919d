package tencentcloud_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
)

// TestAccInstanceAssociation_refreshCost: a refreshing plan of 12
// associations on 3 instances describes each instance once, not once per
// association (in batches of DescribeInstances); and a binding removed out of band after one command is seen
// by the next, since each command is a new provider process with an empty
// cache.
func TestAccInstanceAssociation_refreshCost(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	const instances, groups = 3, 4 // with the default group, 5: the most an instance may have
	var insIDs, sgIDs []string
	env.TC.Mutate(func(s *tcemu.State) {
		for i := range groups {
			sgIDs = append(sgIDs, acctest.TencentID("sg"))
			s.SecurityGroups = append(s.SecurityGroups, tcemu.SecurityGroup{ID: sgIDs[i], Name: fmt.Sprintf("cost-%d", i), Region: acctest.TCRegion})
		}
		for i := range instances {
			insIDs = append(insIDs, acctest.TencentID("ins"))
			s.Instances = append(s.Instances, tcemu.Instance{
				ID: insIDs[i], Name: fmt.Sprintf("cost-%d", i), Region: acctest.TCRegion, SecurityGroupIDs: []string{f.DefaultGroupID},
			})
		}
	})
	quoted := func(ids []string) string { return `["` + strings.Join(ids, `", "`) + `"]` }
	config := acctest.ConfigCompose(env.TencentProviderConfig(), fmt.Sprintf(`
locals {
  instances = %[1]s
  groups    = %[2]s
}

resource "secgroup_tencentcloud_instance_association" "many" {
  count             = length(local.instances) * length(local.groups)
  instance_id       = local.instances[count.index %% length(local.instances)]
  security_group_id = local.groups[floor(count.index / length(local.instances))]
}
`, quoted(insIDs), quoted(sgIDs)))
	oneDescribePerInstance := env.ExpectEachObjectOnce(t, "tencentcloud", "DescribeInstances", func(r emulator.Record) []string {
		var p struct{ InstanceIds []string }
		_ = json.Unmarshal([]byte(r.Body), &p)
		return p.InstanceIds
	}, insIDs)
	// many[0] (many.0 in the checks' state) is the first group on the first instance.
	const first = "secgroup_tencentcloud_instance_association.many"

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceAssociationDestroy(t, env),
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
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), oneDescribePerInstance},
				},
			},
			{
				PreConfig: func() {
					err := env.TencentClient(t).Call(context.Background(), "cvm", "", "DisassociateSecurityGroups", map[string]any{
						"SecurityGroupIds": []string{sgIDs[0]}, "InstanceIds": []string{insIDs[0]},
					}, nil)
					if err != nil {
						t.Fatal(err)
					}
					env.Emulator.ResetRequests()
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(first+"[0]", plancheck.ResourceActionCreate), oneDescribePerInstance},
				},
			},
			{
				Config: config,
				Check:  testAccCheckInstanceAssociationExists(t, env, first+".0"),
			},
		},
	})
}
