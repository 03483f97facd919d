package bench

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/tfcli"
)

// KindFleet is the fleet workload: one group rolled onto N members per cloud.
const KindFleet = "fleet"

// fleetClouds are the clouds of the fleet workload, in report order.
var fleetClouds = []string{"huaweicloud", "alicloud", "tencentcloud"}

// Fleet targets (issue 13), in API calls per membership.
const (
	fleetRefreshTarget      = 0.05
	fleetRefreshSecsTarget  = 5.0 // the refreshing plan of all 3N at N = 200
	fleetWriteTarget        = 1.5 // apply and destroy, Huawei servers and Alibaba instances
	fleetTencentWriteTarget = 0.5 // apply and destroy, Tencent (writes batched too)
)

// fleetWorkload is n members per cloud (3n resources): Huawei servers,
// Alibaba instances and Tencent CVMs, each starting in one group of its own,
// each given the cloud's fleet group by one membership resource, at the
// provider's default settings (default rate limits and max_retries) and
// terraform's default -parallelism=10.
func fleetWorkload(n int, s Suite) workload {
	var f fleetFixtures
	return workload{
		kind:   KindFleet,
		n:      3 * n,
		faults: latency(s.LatencyMS),
		setup: func(t testing.TB, env *acctest.Env) string {
			f = seedFleet(env, n)
			return acctest.ConfigCompose(tfcli.ProviderBlock, env.AllCloudsDefaultProviderConfig(), fmt.Sprintf(`
locals {
  hw_servers    = %[1]s
  ali_instances = %[2]s
  tc_instances  = %[3]s
}

resource "secgroup_huaweicloud_server_association" "fleet" {
  count          = length(local.hw_servers)
  server_id      = local.hw_servers[count.index]
  security_group = %[4]q
}

resource "secgroup_alicloud_instance_association" "fleet" {
  count             = length(local.ali_instances)
  instance_id       = local.ali_instances[count.index]
  security_group_id = %[5]q
}

resource "secgroup_tencentcloud_instance_association" "fleet" {
  count             = length(local.tc_instances)
  instance_id       = local.tc_instances[count.index]
  security_group_id = %[6]q
}
`, hclList(f.hw), hclList(f.ali), hclList(f.tc), f.hwGroup, f.aliGroup, f.tcGroup))
		},
		present: func(env *acctest.Env) int { return f.present(env) },
	}
}

// fleetFixtures are the members and fleet groups the workload seeds.
type fleetFixtures struct {
	hw, ali, tc                []string
	hwGroup, aliGroup, tcGroup string
}

func seedFleet(env *acctest.Env, n int) fleetFixtures {
	f := fleetFixtures{hwGroup: acctest.UUID(), aliGroup: acctest.AliID("sg"), tcGroup: acctest.TencentID("sg")}
	env.HW.Mutate(func(s *hwemu.State) {
		s.Credentials = append(s.Credentials, hwemu.Credential{AccessKey: acctest.HWAccessKey, SecretKey: acctest.HWSecretKey})
		s.Projects = append(s.Projects, hwemu.Project{ID: acctest.HWProjectID, Name: acctest.HWRegion})
		s.SecurityGroups = append(s.SecurityGroups, hwemu.SecurityGroup{ID: f.hwGroup, Name: "fleet", ProjectID: acctest.HWProjectID})
		for i := range n {
			id, own := acctest.UUID(), acctest.UUID()
			f.hw = append(f.hw, id)
			s.SecurityGroups = append(s.SecurityGroups, hwemu.SecurityGroup{ID: own, Name: fmt.Sprintf("own-%d", i), ProjectID: acctest.HWProjectID})
			s.Servers = append(s.Servers, hwemu.Server{ID: id, Name: fmt.Sprintf("fleet-%d", i), ProjectID: acctest.HWProjectID, Status: "ACTIVE", SecurityGroups: []string{own}})
			// Its NIC: ECS lists a server's groups as its NICs', and a refresh
			// reads the fleet group's members from its ports.
			s.Ports = append(s.Ports, hwemu.Port{ID: acctest.UUID(), ProjectID: acctest.HWProjectID, DeviceID: id, DeviceOwner: "compute:" + acctest.HWRegion + "a",
				MACAddress: fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", i>>16&0xff, i>>8&0xff, i&0xff), SecurityGroups: []string{own}})
		}
	})
	env.Ali.Mutate(func(s *aliemu.State) {
		s.Credentials = append(s.Credentials, aliemu.Credential{AccessKeyID: acctest.AliAccessKey, AccessKeySecret: acctest.AliSecretKey})
		s.SecurityGroups = append(s.SecurityGroups, aliemu.SecurityGroup{ID: f.aliGroup, RegionID: acctest.AliRegion, Name: "fleet"})
		for i := range n {
			id, own := acctest.AliID("i"), acctest.AliID("sg")
			f.ali = append(f.ali, id)
			s.SecurityGroups = append(s.SecurityGroups, aliemu.SecurityGroup{ID: own, RegionID: acctest.AliRegion, Name: fmt.Sprintf("own-%d", i)})
			s.Instances = append(s.Instances, aliemu.Instance{ID: id, RegionID: acctest.AliRegion, Name: fmt.Sprintf("fleet-%d", i), Status: "Running", SecurityGroupIDs: []string{own}})
		}
	})
	env.TC.Mutate(func(s *tcemu.State) {
		s.Credentials = append(s.Credentials, tcemu.Credential{SecretID: acctest.TCSecretID, SecretKey: acctest.TCSecretKey})
		s.Regions = append(s.Regions, acctest.TCRegion)
		s.SecurityGroups = append(s.SecurityGroups, tcemu.SecurityGroup{ID: f.tcGroup, Name: "fleet", Region: acctest.TCRegion})
		for i := range n {
			id, own := acctest.TencentID("ins"), acctest.TencentID("sg")
			f.tc = append(f.tc, id)
			s.SecurityGroups = append(s.SecurityGroups, tcemu.SecurityGroup{ID: own, Name: fmt.Sprintf("own-%d", i), Region: acctest.TCRegion})
			s.Instances = append(s.Instances, tcemu.Instance{ID: id, Name: fmt.Sprintf("fleet-%d", i), Region: acctest.TCRegion, SecurityGroupIDs: []string{own}})
		}
	})
	return f
}

// present counts the fleet memberships, or is -1 when a member lost its own
// group (each must keep exactly its own group, plus the fleet group).
func (f fleetFixtures) present(env *acctest.Env) int {
	n, intact := 0, true
	count := func(groups []string, fleet string) {
		intact = intact && len(groups) > 0 && groups[0] != fleet
		if slices.Contains(groups, fleet) {
			n++
		}
	}
	for _, s := range env.HW.State().Servers {
		count(s.SecurityGroups, f.hwGroup)
	}
	for _, in := range env.Ali.State().Instances {
		count(in.SecurityGroupIDs, f.aliGroup)
	}
	for _, in := range env.TC.State().Instances {
		count(in.SecurityGroupIDs, f.tcGroup)
	}
	if !intact {
		return -1
	}
	return n
}

// perMembership is a fleet phase's calls of one cloud per member of that
// cloud (m.N is the three clouds' memberships together), the Huawei
// client's once-per-process project lookup left out.
func perMembership(m Measurement, cloud string) float64 {
	calls := 0
	for a, c := range m.ByAction {
		if strings.HasPrefix(a, cloud+" ") && a != projectLookup {
			calls += c
		}
	}
	return float64(calls) / float64(max(1, m.N/len(fleetClouds)))
}

func writeFleet(b *strings.Builder, res *Results) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	var ns []int
	for _, m := range res.Measurements {
		if m.Kind == KindFleet && !slices.Contains(ns, m.N/3) {
			ns = append(ns, m.N/3)
		}
	}
	if len(ns) == 0 {
		return
	}
	p("## Fleet: one group rolled onto N members per cloud\n\n")
	if fm := res.FleetMachine; fm != nil {
		p("Measured apart from the sections above, on %s with a load average of %s at the start: ", fm.Date.Format("2006-01-02 15:04 UTC"), orUnknown(fm.LoadAvg))
		p("the seconds depend on what else ran on the cores (the call counts do not); ")
		p("the floors beside it were measured in the same run.\n\n")
	}
	p("`secgroup_huaweicloud_server_association` on N servers, `secgroup_alicloud_instance_association` on N ")
	p("instances and `secgroup_tencentcloud_instance_association` on N CVMs (3N resources), each member starting ")
	p("in one group of its own, at the provider's default settings (default `rate_limits` and `max_retries`), ")
	p("`-parallelism=10`, %d ms per API call. Calls per membership are each cloud's calls over its N members ", res.Suite.LatencyMS)
	p("(the Huawei project lookup, once per process, left out). Reads are batched (ListServersDetails, ")
	p("DescribeInstances), Tencent's writes too; terraform's `-parallelism` bounds how many are in flight ")
	p("together, so a batch of member reads rarely holds more than 10 members, and a refresh answers from each ")
	p("group's member listing once it has read `readcache.ListAfter` members one by one.\n\n")
	p("| N per cloud | Phase | Seconds | terraform_data (3N) | plugin floor (3N) | Calls per membership: Huawei / Alibaba / Tencent | Errors |\n")
	p("|--:|---|--:|--:|--:|---|--:|\n")
	for _, n := range ns {
		for _, phase := range allPhases {
			m, ok := res.Find(KindFleet, 3*n, phase)
			if !ok {
				continue
			}
			floor, pfloor := "n/a", "n/a"
			if f, ok := res.Find(KindFloor, 3*n, phase); ok {
				floor = fmt.Sprintf("%.2f", f.Seconds())
			}
			if f, ok := res.Find(KindPluginFloor, 3*n, phase); ok {
				pfloor = fmt.Sprintf("%.2f", f.Seconds())
			}
			p("| %d | %s | %.2f | %s | %s | %.2f / %.2f / %.2f | %d |\n", n, phase, m.Seconds(), floor, pfloor,
				perMembership(m, "huaweicloud"), perMembership(m, "alicloud"), perMembership(m, "tencentcloud"), m.Errors)
		}
	}
	p("\n| Target (issue 13) | Measured | |\n|---|---|---|\n")
	for _, n := range ns {
		if m, ok := res.Find(KindFleet, 3*n, PhasePlan); ok {
			worst := 0.0
			for _, c := range fleetClouds {
				worst = max(worst, perMembership(m, c))
			}
			p("| N=%d: refreshing plan ≤ %.2f calls per membership on every cloud | at most %.2f | %s |\n", n, fleetRefreshTarget, worst, verdict(m.Errors == 0 && worst <= fleetRefreshTarget))
			if n == 200 {
				p("| N=200: the refreshing plan of all 600 ≤ %.0f s | %.2f s | %s |\n", fleetRefreshSecsTarget, m.Seconds(), verdict(m.Errors == 0 && m.Seconds() <= fleetRefreshSecsTarget))
			}
		}
		for _, phase := range []string{PhaseApply, PhaseDestroy} {
			m, ok := res.Find(KindFleet, 3*n, phase)
			if !ok {
				continue
			}
			hw, ali, tc := perMembership(m, "huaweicloud"), perMembership(m, "alicloud"), perMembership(m, "tencentcloud")
			p("| N=%d: %s ≤ %.1f calls per membership (Huawei, Alibaba), ≤ %.1f (Tencent) | %.2f / %.2f / %.2f | %s |\n", n, phase,
				fleetWriteTarget, fleetTencentWriteTarget, hw, ali, tc,
				verdict(m.Errors == 0 && hw <= fleetWriteTarget && ali <= fleetWriteTarget && tc <= fleetTencentWriteTarget))
			p("| N=%d: after %s, every member has exactly its own group%s | %d errors, %d fleet memberships left | %s |\n", n, phase,
				map[bool]string{true: " plus the fleet group", false: ""}[phase == PhaseApply], m.Errors, m.Present,
				verdict(m.Errors == 0 && (phase == PhaseApply && m.Present == m.N || phase == PhaseDestroy && m.Present == 0)))
		}
	}
	p("\n")
}
