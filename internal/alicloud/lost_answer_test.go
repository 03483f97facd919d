package alicloud_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
)

// Writes whose answer is lost after the cloud carried them out, for the
// paths the other resources' lost-answer tests leave out. The fault-injection
// soak (internal/provider, TestAccSoak_faults) meets them at random; here
// each meets them every time.

// TestAccEniAssociation_lostAnswers: as for an instance, the retry of a lost
// Join meets "already in the group" and the retry of a lost Leave "not in the
// group", and both take it as success; the ENI ends where it began.
func TestAccEniAssociation_lostAnswers(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.AliMembership(t)
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "alicloud", Actions: []string{"JoinSecurityGroup"}, DropRate: 1, Times: 1},
		{Cloud: "alicloud", Actions: []string{"LeaveSecurityGroup"}, DropRate: 1, Times: 1},
	})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			for action, code := range map[string]string{"JoinSecurityGroup": "InvalidInstanceId.AlreadyExists", "LeaveSecurityGroup": "InvalidSecurityGroupAssociation.NotFound"} {
				calls := env.Requests(t, "alicloud", action)
				if len(calls) != 2 || calls[0].Fault != emulator.FaultDrop || calls[1].ErrorCode != code ||
					calls[1].Params["NetworkInterfaceId"] != f.ENIID {
					return fmt.Errorf("%s calls %+v, want a dropped answer, then the retry's %s for %s", action, calls, code, f.ENIID)
				}
			}
			if got := memberGroups(env, f.ENIID); !slices.Equal(got, []string{f.DefaultGroupID}) {
				return fmt.Errorf("ENI groups after destroy %v, want only %s", got, f.DefaultGroupID)
			}
			return testAccCheckMembershipDestroy(t, env)(s)
		},
		Steps: []resource.TestStep{{
			Config: acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEniAssociationConfig(f.ENIID, f.SecurityGroupID, "")),
			Check: resource.ComposeAggregateTestCheckFunc(
				testAccCheckMembershipExists(t, env, eniAssocAddr),
				func(*terraform.State) error {
					if got, want := memberGroups(env, f.ENIID), []string{f.DefaultGroupID, f.SecurityGroupID}; !slices.Equal(got, want) {
						return fmt.Errorf("ENI groups %v, want %v", got, want)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccEcsEgressRule_lostModifyAnswer: the lost answer of a description
// change is retried (with the same ClientToken) and the update succeeds.
func TestAccEcsEgressRule_lostModifyAnswer(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEcsGroup(t)
	cfg := func(description string) string {
		return acctest.ConfigCompose(env.AliCloudProviderConfig(), testAccEcsEgressRuleConfig(group, "tcp", `
  port_range   = "22/22"
  dest_cidr_ip = "10.0.0.0/8"
  description  = "`+description+`"`))
	}
	env.Emulator.SetFaults([]emulator.FaultRule{
		{Cloud: "alicloud", Actions: []string{"ModifySecurityGroupEgressRule"}, DropRate: 1, Times: 1},
	})

	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckEgressRulesDestroyed(t, env),
		Steps: []resource.TestStep{
			{Config: cfg("first")},
			{
				Config: cfg("second"),
				Check: func(*terraform.State) error {
					calls := env.Requests(t, "alicloud", "ModifySecurityGroupEgressRule")
					if len(calls) != 2 || calls[0].Fault != emulator.FaultDrop || calls[1].Status != 200 ||
						calls[0].Params["ClientToken"] == "" || calls[1].Params["ClientToken"] != calls[0].Params["ClientToken"] {
						return fmt.Errorf("ModifySecurityGroupEgressRule calls %+v, want a dropped answer, then the retry's success with the same ClientToken", calls)
					}
					rules := env.Ali.State().SecurityGroups[0].Egress
					if len(rules) != 1 || rules[0].Description != "second" {
						return fmt.Errorf("group rules %+v, want the one rule, described \"second\"", rules)
					}
					return nil
				},
			},
		},
	})
}
