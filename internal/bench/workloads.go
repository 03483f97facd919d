package bench

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/tfcli"
)

// defaultMaxRetries is the provider's own default: the workloads without
// throttling run as users run them.
const defaultMaxRetries = 10

// latency is the emulator's added latency on every call, or no rule.
func latency(ms int) []emulator.FaultRule {
	if ms <= 0 {
		return nil
	}
	return []emulator.FaultRule{{LatencyMS: ms}}
}

// floorWorkload is terraform's own floor: n terraform_data resources, no
// provider and no API call.
func floorWorkload(n int) workload {
	return workload{
		kind: KindFloor,
		n:    n,
		setup: func(testing.TB, *acctest.Env) string {
			return fmt.Sprintf(`
resource "terraform_data" "r" {
  count = %d
  input = count.index
}
`, n)
		},
	}
}

// floorSource is the floor provider's registry address (floorprovider.Address).
const floorSource = "registry.terraform.io/secgroup/floor"

// pluginFloorWorkload is n resources of the floor provider: what any plugin
// provider pays for n resources before its own code runs.
func pluginFloorWorkload(n int) workload {
	return workload{
		kind: KindPluginFloor,
		n:    n,
		setup: func(testing.TB, *acctest.Env) string {
			return fmt.Sprintf(`
terraform {
  required_providers {
    floor = {
      source = "secgroup/floor"
    }
  }
}

resource "floor_item" "r" {
  count = %d
  input = tostring(count.index)
}
`, n)
		},
	}
}

// rulesWorkload is n egress rules over s.RuleGroups groups: half of them
// Alibaba ECS rules over half the groups, the rest ENS rules over the rest.
func rulesWorkload(n int, s Suite) workload {
	nENS, nECS := n/2, n-n/2
	gENS, gECS := s.RuleGroups/2, s.RuleGroups-s.RuleGroups/2
	var ens, ecs []string
	return workload{
		kind:     KindRules,
		n:        n,
		distinct: min(gENS, nENS) + min(gECS, nECS),
		faults:   latency(s.LatencyMS),
		setup: func(t testing.TB, env *acctest.Env) string {
			ens, ecs = env.AliEnsGroups(t, gENS), env.AliEcsGroups(t, gECS)
			return acctest.ConfigCompose(tfcli.ProviderBlock, env.AllCloudsProviderConfig(defaultMaxRetries),
				fmt.Sprintf(`
locals {
  ens_groups = %[1]s
  ecs_groups = %[2]s
}

resource "secgroup_alicloud_ens_egress_rule" "r" {
  count             = %[3]d
  security_group_id = local.ens_groups[count.index %% length(local.ens_groups)]
  ip_protocol       = "tcp"
  port_range        = "${count.index + 1}/${count.index + 1}"
  dest_cidr_ip      = "10.0.0.0/8"
}

resource "secgroup_alicloud_ecs_egress_rule" "r" {
  count             = %[4]d
  security_group_id = local.ecs_groups[count.index %% length(local.ecs_groups)]
  ip_protocol       = "tcp"
  port_range        = "${count.index + 1}/${count.index + 1}"
  dest_cidr_ip      = "10.0.0.0/8"
}
`, hclList(ens), hclList(ecs), nENS, nECS))
		},
		present: func(env *acctest.Env) int {
			st := env.Ali.State()
			return egressIn(st.EnsSecurityGroups, ens) + egressIn(st.SecurityGroups, ecs)
		},
	}
}

func egressIn(groups []aliemu.SecurityGroup, ids []string) int {
	n := 0
	for _, g := range groups {
		if slices.Contains(ids, g.ID) {
			n += len(g.Egress)
		}
	}
	return n
}

// memberKinds are the association resources the associations workload
// spreads its n memberships over, each kind on its own Suite.Members objects.
const memberKinds = 3

// split returns how many of n associations go to each member kind.
func split(n int) [memberKinds]int {
	var out [memberKinds]int
	for i := range out {
		out[i] = n / memberKinds
		if i < n%memberKinds {
			out[i]++
		}
	}
	return out
}

// associationsWorkload is n memberships split over Huawei server, Huawei
// port and Alibaba instance associations, each kind on s.Members objects of
// its own; membership i of a kind puts object i%members in group
// i/members. Every object also keeps a default group the workload never
// touches (the Alibaba instance may not lose its last group). settings, when
// set, configures the provider and throttles the emulator.
func associationsWorkload(kind string, n int, s Suite, settings *providerSettings) workload {
	counts := split(n)
	members := [memberKinds]int{}
	groups := [memberKinds]int{}
	distinct := 0
	for i, c := range counts {
		members[i] = min(s.Members, c)
		if members[i] > 0 {
			groups[i] = (c + members[i] - 1) / members[i]
		}
		distinct += members[i]
	}
	maxRetries, faults := defaultMaxRetries, latency(s.LatencyMS)
	if settings != nil {
		maxRetries = settings.MaxRetries
		faults = append(faults, emulator.FaultRule{RateLimitQPS: s.ThrottleQPS})
	}
	var f associationFixtures
	return workload{
		kind:     kind,
		n:        n,
		distinct: distinct,
		faults:   faults,
		setup: func(t testing.TB, env *acctest.Env) string {
			f = seedAssociations(env, members, groups)
			provider := env.AllCloudsProviderConfig(maxRetries)
			if settings != nil {
				provider = settings.config(env)
			}
			return acctest.ConfigCompose(tfcli.ProviderBlock, provider, fmt.Sprintf(`
locals {
  hw_servers     = %[1]s
  hw_ports       = %[2]s
  hw_groups      = %[3]s
  ali_instances  = %[4]s
  ali_groups     = %[5]s
}

resource "secgroup_huaweicloud_server_association" "r" {
  count          = %[6]d
  server_id      = local.hw_servers[count.index %% length(local.hw_servers)]
  security_group = local.hw_groups[floor(count.index / length(local.hw_servers))]
}

resource "secgroup_huaweicloud_port_association" "r" {
  count              = %[7]d
  port_id            = local.hw_ports[count.index %% length(local.hw_ports)]
  security_group_ids = [local.hw_groups[floor(count.index / length(local.hw_ports))]]
}

resource "secgroup_alicloud_instance_association" "r" {
  count             = %[8]d
  instance_id       = local.ali_instances[count.index %% length(local.ali_instances)]
  security_group_id = local.ali_groups[floor(count.index / length(local.ali_instances))]
}
`, hclList(f.hwServers), hclList(f.hwPorts), hclList(f.hwGroups), hclList(f.aliInstances), hclList(f.aliGroups),
				counts[0], counts[1], counts[2]))
		},
		present: func(env *acctest.Env) int { return f.present(env) },
	}
}

// associationFixtures are the objects the associations workload seeds.
type associationFixtures struct {
	hwServers, hwPorts, hwGroups []string
	aliInstances, aliGroups      []string
	hwDefault, aliDefault        string
}

// seedAssociations seeds members[i] objects of kind i and enough groups for
// groups[i] memberships each (Huawei servers and ports share their groups),
// every object in one default group. Alibaba instances get a raised group
// quota (group_quota), as ECS's default of 5 is below what 1,000
// memberships on 20 instances need.
func seedAssociations(env *acctest.Env, members, groups [memberKinds]int) associationFixtures {
	f := associationFixtures{hwDefault: acctest.UUID(), aliDefault: acctest.AliID("sg")}
	for range max(groups[0], groups[1]) {
		f.hwGroups = append(f.hwGroups, acctest.UUID())
	}
	for range groups[2] {
		f.aliGroups = append(f.aliGroups, acctest.AliID("sg"))
	}
	env.HW.Mutate(func(s *hwemu.State) {
		s.Credentials = append(s.Credentials, hwemu.Credential{AccessKey: acctest.HWAccessKey, SecretKey: acctest.HWSecretKey})
		s.Projects = append(s.Projects, hwemu.Project{ID: acctest.HWProjectID, Name: acctest.HWRegion})
		s.SecurityGroups = append(s.SecurityGroups, hwemu.SecurityGroup{ID: f.hwDefault, Name: "default", ProjectID: acctest.HWProjectID})
		for i, id := range f.hwGroups {
			s.SecurityGroups = append(s.SecurityGroups, hwemu.SecurityGroup{ID: id, Name: fmt.Sprintf("bench-%d", i), ProjectID: acctest.HWProjectID})
		}
		for i := range members[0] {
			id := acctest.UUID()
			f.hwServers = append(f.hwServers, id)
			s.Servers = append(s.Servers, hwemu.Server{ID: id, Name: fmt.Sprintf("bench-%d", i), ProjectID: acctest.HWProjectID,
				Status: "ACTIVE", SecurityGroups: []string{f.hwDefault}})
		}
		for i := range members[1] {
			id := acctest.UUID()
			f.hwPorts = append(f.hwPorts, id)
			s.Ports = append(s.Ports, hwemu.Port{ID: id, Name: fmt.Sprintf("bench-%d", i), ProjectID: acctest.HWProjectID,
				MACAddress: fmt.Sprintf("fa:16:3e:00:%02x:%02x", i/256, i%256), FixedIP: fmt.Sprintf("192.168.%d.%d", i/250, i%250+2),
				SecurityGroups: []string{f.hwDefault}})
		}
	})
	env.Ali.Mutate(func(s *aliemu.State) {
		s.Credentials = append(s.Credentials, aliemu.Credential{AccessKeyID: acctest.AliAccessKey, AccessKeySecret: acctest.AliSecretKey})
		s.SecurityGroups = append(s.SecurityGroups, aliemu.SecurityGroup{ID: f.aliDefault, RegionID: acctest.AliRegion, Name: "default"})
		for _, id := range f.aliGroups {
			s.SecurityGroups = append(s.SecurityGroups, aliemu.SecurityGroup{ID: id, RegionID: acctest.AliRegion, Name: "bench"})
		}
		for i := range members[2] {
			id := acctest.AliID("i")
			f.aliInstances = append(f.aliInstances, id)
			s.Instances = append(s.Instances, aliemu.Instance{ID: id, RegionID: acctest.AliRegion, Name: fmt.Sprintf("bench-%d", i),
				Status: "Running", SecurityGroupIDs: []string{f.aliDefault}, GroupQuota: groups[2] + 1})
		}
	})
	return f
}

// present counts the memberships beyond each object's default group.
func (f associationFixtures) present(env *acctest.Env) int {
	n := 0
	hw := env.HW.State()
	for _, s := range hw.Servers {
		n += len(s.SecurityGroups) - 1
	}
	for _, p := range hw.Ports {
		n += len(p.SecurityGroups) - 1
	}
	for _, in := range env.Ali.State().Instances {
		n += len(in.SecurityGroupIDs) - 1
	}
	return n
}

// forceDeleteWorkload creates a Tencent group with force_delete, binds
// s.ForceDeleteInstances instances to it out of band (untimed), and times the
// destroy that unbinds them all and deletes the group. The provider paces
// CVM calls at Tencent's documented rate by itself.
func forceDeleteWorkload(s Suite) workload {
	const name = "bench-force-delete"
	var groupID string
	// left counts the group and its bindings still in the emulator.
	left := func(env *acctest.Env) int {
		n := 0
		st := env.TC.State()
		for _, g := range st.SecurityGroups {
			if g.ID == groupID {
				n++
			}
		}
		for _, in := range st.Instances {
			if slices.Contains(in.SecurityGroupIDs, groupID) {
				n++
			}
		}
		return n
	}
	return workload{
		kind:   KindForceDelete,
		n:      s.ForceDeleteInstances,
		faults: latency(s.LatencyMS),
		phases: []string{PhaseDestroy},
		setup: func(t testing.TB, env *acctest.Env) string {
			env.TC.Mutate(func(st *tcemu.State) {
				st.Credentials = append(st.Credentials, tcemu.Credential{SecretID: acctest.TCSecretID, SecretKey: acctest.TCSecretKey})
				st.Regions = append(st.Regions, acctest.TCRegion)
			})
			return acctest.ConfigCompose(tfcli.ProviderBlock, env.AllCloudsProviderConfig(defaultMaxRetries), fmt.Sprintf(`
resource "secgroup_tencentcloud_security_group" "bound" {
  name         = %q
  description  = "bound to many instances, force-deleted"
  force_delete = true
}
`, name))
		},
		beforeDestroy: func(t testing.TB, env *acctest.Env) {
			defaultID := acctest.TencentID("sg")
			env.TC.Mutate(func(st *tcemu.State) {
				for _, g := range st.SecurityGroups {
					if g.Name == name {
						groupID = g.ID
					}
				}
				st.SecurityGroups = append(st.SecurityGroups, tcemu.SecurityGroup{ID: defaultID, Name: "default", Region: acctest.TCRegion, IsDefault: true})
				for i := range s.ForceDeleteInstances {
					st.Instances = append(st.Instances, tcemu.Instance{ID: acctest.TencentID("ins"), Name: fmt.Sprintf("bench-%d", i),
						Region: acctest.TCRegion, SecurityGroupIDs: []string{defaultID, groupID}})
				}
			})
			if groupID == "" {
				t.Fatalf("the apply left no group named %s in the emulator", name)
			}
		},
		present: func(env *acctest.Env) int {
			if groupID == "" {
				return -1
			}
			return left(env)
		},
	}
}

// hclList is ids as an HCL list of strings.
func hclList(ids []string) string {
	if len(ids) == 0 {
		return "[]"
	}
	return `["` + strings.Join(ids, `", "`) + `"]`
}
