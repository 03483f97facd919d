package provider_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
)

// soakMaxRetries: with the faults below an attempt fails with probability
// p = 1 - (1-0.30)(1-0.10)(1-0.05) = 0.4015 (the rates roll independently; a
// throttle wins over a 5xx, a 5xx over a drop). A call gives up only after
// max_retries+1 failures in a row: p^26 = 5.0e-11 with 25 retries. The soak
// of 200 resources runs about 2,000 retry loops (one per answered call), so
// the chance that any of them gives up is about 1e-7 per run; at
// SECGROUP_SOAK_N=1000, about 10,000 loops, 5e-7. (The backoff, capped at
// 10 s, keeps even 25 retries within the resources' 5-minute timeouts.)
const soakMaxRetries = 25

// soakWriteActions are the write actions of the soak, by cloud and service.
// On top of the random faults, the first answers of each are lost, so that
// most soaks run every write's retry-after-a-lost-answer path rather than
// only those the 5% happen to land on. (Not all: a forced drop shows only
// when the random rule neither throttles nor fails the same call, p = 0.63;
// forcing more concentrates the drops on the few calls of a phase and leaves
// one resource backing off for a minute. Each of these actions' lost-answer
// paths has its own focused test beside its resource (TestAcc*_lost*).)
var soakWriteActions = []struct{ cloud, service, action string }{
	{"huaweicloud", "ecs", "addSecurityGroup"}, {"huaweicloud", "ecs", "removeSecurityGroup"},
	{"huaweicloud", "vpc", "AddSecurityGroups"}, {"huaweicloud", "vpc", "RemoveSecurityGroups"},
	{"alicloud", "ecs", "JoinSecurityGroup"}, {"alicloud", "ecs", "LeaveSecurityGroup"},
	{"alicloud", "ecs", "AuthorizeSecurityGroupEgress"}, {"alicloud", "ecs", "RevokeSecurityGroupEgress"},
	{"alicloud", "ecs", "ModifySecurityGroupEgressRule"},
	{"alicloud", "ens", "AuthorizeSecurityGroupEgress"}, {"alicloud", "ens", "RevokeSecurityGroupEgress"},
	{"tencentcloud", "vpc", "CreateSecurityGroup"}, {"tencentcloud", "vpc", "DeleteSecurityGroup"},
	{"tencentcloud", "vpc", "ModifySecurityGroupAttribute"}, {"tencentcloud", "tag", "ModifyResourceTags"},
	{"tencentcloud", "cvm", "AssociateSecurityGroups"}, {"tencentcloud", "cvm", "DisassociateSecurityGroups"},
}

// soakForcedDrops is how many of the first calls of each write action lose
// their answer: the chance that neither shows is 0.37^2 = 0.14.
const soakForcedDrops = 2

// soakFaults inject, on every service of every cloud, 30% throttling answers,
// 10% 5xx answers, 5% answers lost after the change was made, and 20 ms of
// latency on every call; plus soakForcedDrops lost answers per write action.
// One seeded rule per cloud keeps each cloud's sequence of rolls the same
// from run to run (which request draws which roll still depends on
// terraform's scheduling).
func soakFaults() []emulator.FaultRule {
	var rules []emulator.FaultRule
	for i, cloud := range []string{"huaweicloud", "alicloud", "tencentcloud"} {
		rules = append(rules, emulator.FaultRule{
			Cloud: cloud, LatencyMS: 20, ThrottleRate: 0.30, ErrorRate: 0.10, DropRate: 0.05, Seed: int64(7001 + i),
		})
	}
	for _, w := range soakWriteActions {
		rules = append(rules, emulator.FaultRule{
			Cloud: w.cloud, Service: w.service, Actions: []string{w.action}, DropRate: 1, Times: soakForcedDrops,
		})
	}
	return rules
}

// TestAccSoak_faults applies, changes, re-plans and destroys one
// configuration of about 200 resources of all eight types (SECGROUP_SOAK_N
// sets the size) while the emulator throttles, fails and loses answers on
// every call. It passes only if nothing fails, the cloud after each apply
// holds exactly the configuration (no missing, no duplicated membership, rule
// or group), the refresh plan is empty, and destroy leaves the seeded
// fixtures as they were. SECGROUP_SOAK_REQUEST_LOG=<file> writes the
// emulator's request log there as JSON, for a look at where the time went.
func TestAccSoak_faults(t *testing.T) {
	n := 200
	if v := os.Getenv("SECGROUP_SOAK_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 8 {
			t.Fatalf("SECGROUP_SOAK_N=%q: want a number of resources, at least 8", v)
		}
	}
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	s := newSoak(t, env, n)
	provider := env.AllCloudsProviderConfig(soakMaxRetries)
	first, second := s.build(0), s.build(1)
	t.Logf("soak: %d resources", first.resources)

	env.Emulator.SetFaults(soakFaults())
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             s.checkSeeded,
		Steps: []resource.TestStep{
			{
				Config: provider + first.hcl,
				Check:  s.checkApplied(first),
			},
			{
				// Descriptions, tags and port groups change in place; some
				// memberships are replaced. Spare instances are bound out of
				// band to the force_delete groups, as other tools would bind
				// them: the plan must not care, and destroy must unbind them.
				PreConfig: s.bindSpareInstances,
				Config:    provider + second.hcl,
				Check:     s.checkApplied(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
	s.checkFaultsFired(t)
	if f := os.Getenv("SECGROUP_SOAK_REQUEST_LOG"); f != "" {
		if err := os.WriteFile(f, mustJSON(t, env.Emulator.Requests()), 0o600); err != nil {
			t.Errorf("writing the request log: %s", err)
		}
	}
}

// soak holds the fixtures the configurations work on.
type soak struct {
	t   *testing.T
	env *acctest.Env
	per int // resources of each type

	hwDefault             string
	hwPool                []hwemu.SecurityGroup
	hwServers, hwPorts    []string
	aliPool               []string
	aliInstances, aliENIs []string
	ecsGroups, ensGroups  []string
	tcPool                []string
	tcInstances, tcSpare  []string
	seededHW              hwemu.State
	seededAli             aliemu.State
	seededTC              tcemu.State
}

// soakConfig is one configuration and what the cloud must hold after it is
// applied.
type soakConfig struct {
	hcl       string
	resources int

	// member ID -> group IDs the configuration adds (seeded groups come from
	// the seeded state).
	hwServers, hwPorts    map[string][]string
	aliInstances, aliENIs map[string][]string
	tcInstances           map[string][]string // group IDs, or "name:<group name>" for created groups
	ecsRules, ensRules    map[string][]string // group ID -> rule keys
	tcGroups              map[string]tcemu.SecurityGroup
	tcForceGroups         []string // names
}

func (c *soakConfig) add(format string, args ...any) {
	c.resources++
	c.hcl += fmt.Sprintf(format, args...)
}

// Fixture sizes: CVM and ECS allow 5 groups per instance or ENI, the seeded
// default one included.
const (
	soakHWPool          = 10
	soakHWGroupsPerSrv  = 5
	soakHWAssocsPerPort = 2
	soakAliPool         = 8
	soakGroupsPerMember = 4
	soakRuleGroups      = 3
	soakTCPool          = 4
)

func newSoak(t *testing.T, env *acctest.Env, n int) *soak {
	s := &soak{t: t, env: env, per: (n + 7) / 8}
	s.seedHuawei()
	s.seedAlicloud()
	s.seedTencent()
	s.seededHW, s.seededAli, s.seededTC = env.HW.State(), env.Ali.State(), env.TC.State()
	return s
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func (s *soak) seedHuawei() {
	def := hwemu.SecurityGroup{ID: acctest.UUID(), Name: "default", ProjectID: acctest.HWProjectID}
	s.hwDefault = def.ID
	s.hwPool = make([]hwemu.SecurityGroup, soakHWPool)
	for i := range s.hwPool {
		s.hwPool[i] = hwemu.SecurityGroup{ID: acctest.UUID(), Name: fmt.Sprintf("soak-hw-%d", i), ProjectID: acctest.HWProjectID}
	}
	state := hwemu.State{
		Credentials:    []hwemu.Credential{{AccessKey: acctest.HWAccessKey, SecretKey: acctest.HWSecretKey}},
		Projects:       []hwemu.Project{{ID: acctest.HWProjectID, Name: acctest.HWRegion}},
		SecurityGroups: append([]hwemu.SecurityGroup{def}, s.hwPool...),
	}
	for i := range ceilDiv(s.per, soakHWGroupsPerSrv) {
		id := acctest.UUID()
		s.hwServers = append(s.hwServers, id)
		state.Servers = append(state.Servers, hwemu.Server{
			ID: id, Name: fmt.Sprintf("soak-server-%d", i), ProjectID: acctest.HWProjectID, Status: "ACTIVE",
			SecurityGroups: []string{def.ID},
		})
	}
	for i := range ceilDiv(s.per, soakHWAssocsPerPort) {
		id := acctest.UUID()
		s.hwPorts = append(s.hwPorts, id)
		state.Ports = append(state.Ports, hwemu.Port{
			ID: id, Name: fmt.Sprintf("soak-port-%d", i), ProjectID: acctest.HWProjectID,
			MACAddress: fmt.Sprintf("fa:16:3e:00:%02x:%02x", i/256, i%256), FixedIP: fmt.Sprintf("192.168.%d.%d", i/250, i%250+2),
			SecurityGroups: []string{def.ID},
		})
	}
	if err := s.env.HW.LoadState(mustJSON(s.t, state)); err != nil {
		s.t.Fatalf("seeding Huawei Cloud: %s", err)
	}
}

func (s *soak) seedAlicloud() {
	const vpc = "vpc-soak000000000000000"
	state := aliemu.State{
		Credentials: []aliemu.Credential{{AccessKeyID: acctest.AliAccessKey, AccessKeySecret: acctest.AliSecretKey}},
	}
	group := func(name string) string {
		id := acctest.AliID("sg")
		state.SecurityGroups = append(state.SecurityGroups, aliemu.SecurityGroup{ID: id, RegionID: acctest.AliRegion, Name: name, VpcID: vpc})
		return id
	}
	def := group("default")
	for i := range soakAliPool {
		s.aliPool = append(s.aliPool, group(fmt.Sprintf("soak-ali-%d", i)))
	}
	for i := range soakRuleGroups {
		s.ecsGroups = append(s.ecsGroups, group(fmt.Sprintf("soak-ecs-rules-%d", i)))
		id := acctest.AliID("sg")
		s.ensGroups = append(s.ensGroups, id)
		state.EnsSecurityGroups = append(state.EnsSecurityGroups, aliemu.SecurityGroup{ID: id, RegionID: acctest.AliRegion, Name: fmt.Sprintf("soak-ens-%d", i)})
	}
	for i := range ceilDiv(s.per, soakGroupsPerMember) {
		in, eni := acctest.AliID("i"), acctest.AliID("eni")
		s.aliInstances, s.aliENIs = append(s.aliInstances, in), append(s.aliENIs, eni)
		state.Instances = append(state.Instances, aliemu.Instance{
			ID: in, RegionID: acctest.AliRegion, Name: fmt.Sprintf("soak-instance-%d", i), Status: "Running", VpcID: vpc,
			SecurityGroupIDs: []string{def},
		})
		state.NetworkInterfaces = append(state.NetworkInterfaces, aliemu.NetworkInterface{
			ID: eni, RegionID: acctest.AliRegion, VpcID: vpc, SecurityGroupIDs: []string{def},
		})
	}
	if err := s.env.Ali.LoadState(mustJSON(s.t, state)); err != nil {
		s.t.Fatalf("seeding Alibaba Cloud: %s", err)
	}
}

func (s *soak) seedTencent() {
	def := tcemu.SecurityGroup{ID: acctest.TencentID("sg"), Name: "default", Description: "System created security group", Region: acctest.TCRegion, IsDefault: true}
	state := tcemu.State{
		Credentials:        []tcemu.Credential{{SecretID: acctest.TCSecretID, SecretKey: acctest.TCSecretKey}},
		Regions:            []string{acctest.TCRegion},
		SecurityGroups:     []tcemu.SecurityGroup{def},
		SecurityGroupQuota: s.per + 100,
	}
	for i := range soakTCPool {
		id := acctest.TencentID("sg")
		s.tcPool = append(s.tcPool, id)
		state.SecurityGroups = append(state.SecurityGroups, tcemu.SecurityGroup{ID: id, Name: fmt.Sprintf("soak-tc-seeded-%d", i), Region: acctest.TCRegion})
	}
	instance := func(name string) string {
		id := acctest.TencentID("ins")
		state.Instances = append(state.Instances, tcemu.Instance{ID: id, Name: name, Region: acctest.TCRegion, SecurityGroupIDs: []string{def.ID}})
		return id
	}
	for i := range ceilDiv(s.per, soakGroupsPerMember) {
		s.tcInstances = append(s.tcInstances, instance(fmt.Sprintf("soak-instance-%d", i)))
	}
	// Every third created group has force_delete; each spare instance is
	// bound to up to 4 of them out of band.
	for range ceilDiv(ceilDiv(s.per, 3), soakGroupsPerMember) {
		s.tcSpare = append(s.tcSpare, instance("soak-spare"))
	}
	if err := s.env.TC.LoadState(mustJSON(s.t, state)); err != nil {
		s.t.Fatalf("seeding Tencent Cloud: %s", err)
	}
}

// build writes configuration gen (0: the first, 1: the changed one) and
// what the cloud must hold after it.
func (s *soak) build(gen int) *soakConfig {
	c := &soakConfig{
		hwServers: map[string][]string{}, hwPorts: map[string][]string{},
		aliInstances: map[string][]string{}, aliENIs: map[string][]string{},
		tcInstances: map[string][]string{}, ecsRules: map[string][]string{}, ensRules: map[string][]string{},
		tcGroups: map[string]tcemu.SecurityGroup{},
	}
	for _, g := range s.ensGroups {
		c.ensRules[g] = nil
	}
	s.huawei(c, gen)
	s.alicloud(c, gen)
	s.tencent(c, gen)
	return c
}

// huawei: server associations, up to 5 per server (the first by group
// name; in gen 1 the fifth moves to another group: a replacement), and port
// associations of two groups each, two per port (in gen 1 the second one
// swaps a group: an in-place update).
func (s *soak) huawei(c *soakConfig, gen int) {
	made := 0
	for i, id := range s.hwServers {
		for j := 0; j < soakHWGroupsPerSrv && made < s.per; j, made = j+1, made+1 {
			k := i + j
			if gen == 1 && j == 4 {
				k = i + 5
			}
			g := s.hwPool[k%soakHWPool]
			ref := g.ID
			if j == 0 {
				ref = g.Name // by name, as Nova allows
			}
			c.hwServers[id] = append(c.hwServers[id], g.ID)
			c.add(`
resource "secgroup_huaweicloud_server_association" "s%d_%d" {
  server_id      = %q
  security_group = %q
}
`, i, j, id, ref)
		}
	}
	made = 0
	for i, id := range s.hwPorts {
		for j := 0; j < soakHWAssocsPerPort && made < s.per; j, made = j+1, made+1 {
			second := i + 2*j + 1
			if gen == 1 && j == 1 {
				second = i + 4
			}
			a, b := s.hwPool[(i+2*j)%soakHWPool].ID, s.hwPool[second%soakHWPool].ID
			c.hwPorts[id] = append(c.hwPorts[id], a, b)
			c.add(`
resource "secgroup_huaweicloud_port_association" "p%d_%d" {
  port_id            = %q
  security_group_ids = [%q, %q]
}
`, i, j, id, a, b)
		}
	}
}

// alicloud: instance and ENI associations, up to 4 per member (in gen 1
// each instance's first moves to another group: a replacement); ECS egress
// rules of every destination kind over 3 groups (in gen 1 with new
// descriptions, changed in place); ENS egress rules over 3 ENS groups.
func (s *soak) alicloud(c *soakConfig, gen int) {
	made := 0
	for i, id := range s.aliInstances {
		for j := 0; j < soakGroupsPerMember && made < s.per; j, made = j+1, made+1 {
			k := i + j
			if gen == 1 && j == 0 {
				k = i + soakGroupsPerMember
			}
			g := s.aliPool[k%soakAliPool]
			c.aliInstances[id] = append(c.aliInstances[id], g)
			c.add(`
resource "secgroup_alicloud_instance_association" "i%d_%d" {
  instance_id       = %q
  security_group_id = %q
}
`, i, j, id, g)
		}
	}
	made = 0
	for i, id := range s.aliENIs {
		for j := 0; j < soakGroupsPerMember && made < s.per; j, made = j+1, made+1 {
			g := s.aliPool[(i+j+1)%soakAliPool]
			c.aliENIs[id] = append(c.aliENIs[id], g)
			c.add(`
resource "secgroup_alicloud_eni_association" "e%d_%d" {
  network_interface_id = %q
  security_group_id    = %q
}
`, i, j, id, g)
		}
	}

	for i := range s.per {
		g := s.ecsGroups[i%soakRuleGroups]
		port := fmt.Sprintf("%d/%d", 1000+i, 1000+i)
		priority := i%100 + 1
		var dest, key string
		switch i % 4 {
		case 0:
			dest = `ip_protocol = "tcp"` + "\n  port_range = " + strconv.Quote(port) + "\n  dest_cidr_ip = \"10.0.0.0/8\""
			key = ruleKey("tcp", port, "10.0.0.0/8", priority)
		case 1:
			dest = `ip_protocol = "udp"` + "\n  port_range = " + strconv.Quote(port) + "\n  dest_cidr_ip = \"192.168.0.0/16\""
			key = ruleKey("udp", port, "192.168.0.0/16", priority)
		case 2:
			cidr := fmt.Sprintf("10.%d.%d.0/24", i/256, i%256)
			dest = `ip_protocol = "icmp"` + "\n  dest_cidr_ip = " + strconv.Quote(cidr)
			key = ruleKey("icmp", "-1/-1", cidr, priority)
		default:
			to := s.aliPool[i%soakAliPool]
			dest = `ip_protocol = "tcp"` + "\n  port_range = " + strconv.Quote(port) + "\n  dest_group_id = " + strconv.Quote(to)
			key = ruleKey("tcp", port, to, priority)
		}
		description := fmt.Sprintf("soak rule %d", i)
		if gen == 1 {
			description += " (changed)"
		}
		c.ecsRules[g] = append(c.ecsRules[g], key+" "+strconv.Quote(description))
		c.add(`
resource "secgroup_alicloud_ecs_egress_rule" "r%d" {
  security_group_id = %q
  %s
  priority          = %d
  description       = %q
}
`, i, g, dest, priority, description)
	}

	for i := range s.per {
		g := s.ensGroups[i%soakRuleGroups]
		priority := i%100 + 1
		var dest, key string
		if i%3 == 2 {
			cidr := fmt.Sprintf("172.16.%d.%d/32", i/256, i%256)
			dest = `ip_protocol = "icmp"` + "\n  dest_cidr_ip = " + strconv.Quote(cidr)
			key = ruleKey("icmp", "-1/-1", cidr, priority)
		} else {
			proto := []string{"tcp", "udp"}[i%3]
			port := fmt.Sprintf("%d/%d", 2000+i, 2000+i)
			dest = "ip_protocol = " + strconv.Quote(proto) + "\n  port_range = " + strconv.Quote(port) + "\n  dest_cidr_ip = \"10.0.0.0/8\""
			key = ruleKey(proto, port, "10.0.0.0/8", priority)
		}
		c.ensRules[g] = append(c.ensRules[g], key+` ""`) // ENS keeps no description
		c.add(`
resource "secgroup_alicloud_ens_egress_rule" "n%d" {
  security_group_id = %q
  %s
  priority          = %d
}
`, i, g, dest, priority)
	}
}

// tencent: groups with tags and project IDs, every third with force_delete
// (in gen 1 with new descriptions and tags, changed in place); associations
// binding instances to created groups and to seeded ones.
func (s *soak) tencent(c *soakConfig, gen int) {
	for i := range s.per {
		name := fmt.Sprintf("soak-tc-%d", i)
		g := tcemu.SecurityGroup{
			Name: name, Description: fmt.Sprintf("soak group %d", i), ProjectID: strconv.Itoa(i % 3),
			Tags: map[string]string{"soak": "yes", "index": strconv.Itoa(i)},
		}
		tags := fmt.Sprintf(`{ soak = "yes", index = "%d" }`, i)
		if gen == 1 {
			g.Description += " (changed)"
			g.Tags["changed"] = "yes"
			tags = fmt.Sprintf(`{ soak = "yes", index = "%d", changed = "yes" }`, i)
		}
		c.tcGroups[name] = g
		force := i%3 == 0
		if force {
			c.tcForceGroups = append(c.tcForceGroups, name)
		}
		c.add(`
resource "secgroup_tencentcloud_security_group" "g%d" {
  name         = %q
  description  = %q
  project_id   = %d
  tags         = %s
  force_delete = %t
}
`, i, name, g.Description, i%3, tags, force)
	}
	if gen == 1 {
		for i, name := range c.tcForceGroups {
			spare := s.tcSpare[i/soakGroupsPerMember]
			c.tcInstances[spare] = append(c.tcInstances[spare], "name:"+name)
		}
	}
	made := 0
	for i, id := range s.tcInstances {
		for j := 0; j < soakGroupsPerMember && made < s.per; j, made = j+1, made+1 {
			var ref, expr string
			if j%2 == 0 {
				k := (i*soakGroupsPerMember + j) % s.per
				ref, expr = fmt.Sprintf("name:soak-tc-%d", k), fmt.Sprintf("secgroup_tencentcloud_security_group.g%d.id", k)
			} else {
				ref = s.tcPool[(i+j)%soakTCPool]
				expr = strconv.Quote(ref)
			}
			c.tcInstances[id] = append(c.tcInstances[id], ref)
			c.add(`
resource "secgroup_tencentcloud_instance_association" "a%d_%d" {
  instance_id       = %q
  security_group_id = %s
}
`, i, j, id, expr)
		}
	}
}

func ruleKey(protocol, portRange, dest string, priority int) string {
	return fmt.Sprintf("%s %s -> %s prio %d", protocol, portRange, dest, priority)
}

func permissionKey(p aliemu.Permission) string {
	dest := p.DestCidrIP
	if p.DestGroupID != "" {
		dest = p.DestGroupID
	}
	return ruleKey(p.IPProtocol, p.PortRange, dest, p.Priority) + " " + strconv.Quote(p.Description)
}

// checkApplied compares the emulator's state with the configuration: every
// member holds exactly its seeded groups plus the configured ones, every
// rule group exactly the configured rules, every created Tencent group
// exists once with the configured attributes.
func (s *soak) checkApplied(c *soakConfig) resource.TestCheckFunc {
	return func(*terraform.State) error { return s.compare(c) }
}

func (s *soak) compare(c *soakConfig) error {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	seededHW := s.seededHW
	hw := s.env.HW.State()
	ali, tc := s.env.Ali.State(), s.env.TC.State()
	for _, n := range []struct {
		what      string
		got, want int
	}{
		{"huawei servers", len(hw.Servers), len(seededHW.Servers)}, {"huawei ports", len(hw.Ports), len(seededHW.Ports)},
		{"alicloud instances", len(ali.Instances), len(s.seededAli.Instances)},
		{"alicloud ENIs", len(ali.NetworkInterfaces), len(s.seededAli.NetworkInterfaces)},
		{"alicloud ECS groups", len(ali.SecurityGroups), len(s.seededAli.SecurityGroups)},
		{"alicloud ENS groups", len(ali.EnsSecurityGroups), len(s.seededAli.EnsSecurityGroups)},
		{"tencent instances", len(tc.Instances), len(s.seededTC.Instances)},
	} {
		if n.got != n.want {
			fail("%d %s, want the %d seeded", n.got, n.what, n.want)
		}
	}
	for _, srv := range hw.Servers {
		want := append(slices.Clone(findHW(seededHW.Servers, srv.ID)), c.hwServers[srv.ID]...)
		if !sameMultiset(srv.SecurityGroups, want) {
			fail("huawei server %s: groups %v, want %v", srv.ID, srv.SecurityGroups, want)
		}
	}
	for _, p := range hw.Ports {
		want := append(slices.Clone(findHWPort(seededHW.Ports, p.ID)), c.hwPorts[p.ID]...)
		if !sameMultiset(p.SecurityGroups, want) {
			fail("huawei port %s: groups %v, want %v", p.ID, p.SecurityGroups, want)
		}
	}

	for _, in := range ali.Instances {
		want := append(slices.Clone(findAliInstance(s.seededAli.Instances, in.ID)), c.aliInstances[in.ID]...)
		if !sameMultiset(in.SecurityGroupIDs, want) {
			fail("alicloud instance %s: groups %v, want %v", in.ID, in.SecurityGroupIDs, want)
		}
	}
	for _, eni := range ali.NetworkInterfaces {
		want := append(slices.Clone(findAliENI(s.seededAli.NetworkInterfaces, eni.ID)), c.aliENIs[eni.ID]...)
		if !sameMultiset(eni.SecurityGroupIDs, want) {
			fail("alicloud ENI %s: groups %v, want %v", eni.ID, eni.SecurityGroupIDs, want)
		}
	}
	checkRules := func(kind string, groups []aliemu.SecurityGroup, want map[string][]string) {
		for _, g := range groups {
			var got []string
			for _, p := range g.Egress {
				got = append(got, permissionKey(p))
			}
			if !sameMultiset(got, want[g.ID]) {
				fail("alicloud %s group %s: egress rules\n  %v\nwant\n  %v", kind, g.ID, got, want[g.ID])
			}
		}
	}
	checkRules("ECS", ali.SecurityGroups, c.ecsRules)
	checkRules("ENS", ali.EnsSecurityGroups, c.ensRules)

	byName := map[string][]tcemu.SecurityGroup{}
	for _, g := range tc.SecurityGroups {
		byName[g.Name] = append(byName[g.Name], g)
	}
	if len(tc.SecurityGroups) != len(s.seededTC.SecurityGroups)+len(c.tcGroups) {
		fail("tencent: %d groups, want %d seeded + %d created", len(tc.SecurityGroups), len(s.seededTC.SecurityGroups), len(c.tcGroups))
	}
	for name, want := range c.tcGroups {
		got := byName[name]
		if len(got) != 1 {
			fail("tencent group %q exists %d times, want once", name, len(got))
			continue
		}
		g := got[0]
		if g.Description != want.Description || g.ProjectID != want.ProjectID || !maps.Equal(g.Tags, want.Tags) {
			fail("tencent group %q: description %q project %q tags %v, want %q %q %v",
				name, g.Description, g.ProjectID, g.Tags, want.Description, want.ProjectID, want.Tags)
		}
	}
	for _, in := range tc.Instances {
		want := slices.Clone(findTCInstance(s.seededTC.Instances, in.ID))
		for _, ref := range c.tcInstances[in.ID] {
			if name, ok := strings.CutPrefix(ref, "name:"); ok {
				if gs := byName[name]; len(gs) == 1 {
					ref = gs[0].ID
				}
			}
			want = append(want, ref)
		}
		if !sameMultiset(in.SecurityGroupIDs, want) {
			fail("tencent instance %s: groups %v, want %v", in.ID, in.SecurityGroupIDs, want)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("the cloud after apply differs from the configuration:\n%s", strings.Join(errs, "\n"))
	}
	return nil
}

// bindSpareInstances binds the spare instances to the force_delete groups,
// up to 4 groups each, behind terraform's back.
func (s *soak) bindSpareInstances() {
	s.env.TC.Mutate(func(st *tcemu.State) {
		ids := map[string]string{}
		for _, g := range st.SecurityGroups {
			ids[g.Name] = g.ID
		}
		for i, name := range s.build(0).tcForceGroups {
			spare := s.tcSpare[i/soakGroupsPerMember]
			for k := range st.Instances {
				if st.Instances[k].ID == spare {
					st.Instances[k].SecurityGroupIDs = append(st.Instances[k].SecurityGroupIDs, ids[name])
				}
			}
		}
	})
}

// checkSeeded: after destroy every seeded object is back to its seeded
// groups and rules, and nothing the configuration created remains.
func (s *soak) checkSeeded(*terraform.State) error {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	hw := s.env.HW.State()
	for _, srv := range hw.Servers {
		if want := findHW(s.seededHW.Servers, srv.ID); !sameMultiset(srv.SecurityGroups, want) {
			fail("huawei server %s: groups %v, want the seeded %v", srv.ID, srv.SecurityGroups, want)
		}
	}
	for _, p := range hw.Ports {
		if want := findHWPort(s.seededHW.Ports, p.ID); !sameMultiset(p.SecurityGroups, want) {
			fail("huawei port %s: groups %v, want the seeded %v", p.ID, p.SecurityGroups, want)
		}
	}
	ali := s.env.Ali.State()
	for _, in := range ali.Instances {
		if want := findAliInstance(s.seededAli.Instances, in.ID); !sameMultiset(in.SecurityGroupIDs, want) {
			fail("alicloud instance %s: groups %v, want the seeded %v", in.ID, in.SecurityGroupIDs, want)
		}
	}
	for _, eni := range ali.NetworkInterfaces {
		if want := findAliENI(s.seededAli.NetworkInterfaces, eni.ID); !sameMultiset(eni.SecurityGroupIDs, want) {
			fail("alicloud ENI %s: groups %v, want the seeded %v", eni.ID, eni.SecurityGroupIDs, want)
		}
	}
	for _, g := range slices.Concat(ali.SecurityGroups, ali.EnsSecurityGroups) {
		if len(g.Egress) != 0 {
			fail("alicloud group %s keeps %d egress rules, want none", g.ID, len(g.Egress))
		}
	}
	tc := s.env.TC.State()
	var names []string
	for _, g := range tc.SecurityGroups {
		names = append(names, g.Name)
	}
	var seededNames []string
	for _, g := range s.seededTC.SecurityGroups {
		seededNames = append(seededNames, g.Name)
	}
	if !sameMultiset(names, seededNames) {
		fail("tencent groups %v, want only the seeded %v", names, seededNames)
	}
	for _, in := range tc.Instances {
		if want := findTCInstance(s.seededTC.Instances, in.ID); !sameMultiset(in.SecurityGroupIDs, want) {
			fail("tencent instance %s: groups %v, want the seeded %v", in.ID, in.SecurityGroupIDs, want)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("after destroy:\n%s", strings.Join(errs, "\n"))
	}
	return nil
}

// checkFaultsFired fails a soak that was not one: every kind of fault must
// have hit every cloud, and some writes must have lost their answers. It
// logs the request counts by cloud, service and fault.
func (s *soak) checkFaultsFired(t *testing.T) {
	t.Helper()
	type tally struct{ total, throttled, failed, dropped, droppedWrites int }
	byCloud, byService := map[string]*tally{}, map[string]*tally{}
	for _, r := range s.env.Emulator.Requests() {
		for key, m := range map[string]map[string]*tally{r.Cloud: byCloud, r.Cloud + "/" + r.Service: byService} {
			if m[key] == nil {
				m[key] = &tally{}
			}
			c := m[key]
			c.total++
			switch r.Fault {
			case emulator.FaultThrottle:
				c.throttled++
			case emulator.FaultServerError:
				c.failed++
			case emulator.FaultDrop:
				c.dropped++
				if isWrite(r.Action) {
					c.droppedWrites++
				}
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(byService)) {
		c := byService[key]
		t.Logf("soak %-22s %5d requests: %4d throttled, %4d 5xx, %4d dropped (%d writes)", key, c.total, c.throttled, c.failed, c.dropped, c.droppedWrites)
	}
	dropsByAction := map[string]int{}
	for _, r := range s.env.Emulator.Requests() {
		if r.Fault == emulator.FaultDrop {
			dropsByAction[r.Cloud+"/"+r.Service+"/"+r.Action]++
		}
	}
	for _, w := range soakWriteActions {
		key := w.cloud + "/" + w.service + "/" + w.action
		t.Logf("soak %-50s %3d lost answers", key, dropsByAction[key])
	}
	for _, cloud := range []string{"huaweicloud", "alicloud", "tencentcloud"} {
		c := byCloud[cloud]
		if c == nil {
			c = &tally{}
		}
		t.Logf("soak %-22s %5d requests: %4d throttled, %4d 5xx, %4d dropped (%d writes)", cloud, c.total, c.throttled, c.failed, c.dropped, c.droppedWrites)
		if c.throttled == 0 || c.failed == 0 || c.dropped == 0 || c.droppedWrites == 0 {
			t.Errorf("soak %s: a kind of fault never fired (throttled %d, 5xx %d, dropped %d, dropped writes %d): the soak proved nothing about it",
				cloud, c.throttled, c.failed, c.dropped, c.droppedWrites)
		}
	}
}

// isWrite reports whether an action changes the cloud (the log's action
// names: Huawei's server actions and port actions, the others' API names).
func isWrite(action string) bool {
	for _, prefix := range []string{"add", "remove", "join", "leave", "authorize", "revoke", "create", "delete", "associate", "disassociate", "modify"} {
		if strings.HasPrefix(strings.ToLower(action), prefix) {
			return true
		}
	}
	return false
}

// sameMultiset reports whether a and b hold the same elements the same
// number of times: a duplicated membership or rule is a difference.
func sameMultiset(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

func findHW(servers []hwemu.Server, id string) []string {
	for _, s := range servers {
		if s.ID == id {
			return s.SecurityGroups
		}
	}
	return nil
}

func findHWPort(ports []hwemu.Port, id string) []string {
	for _, p := range ports {
		if p.ID == id {
			return p.SecurityGroups
		}
	}
	return nil
}

func findAliInstance(instances []aliemu.Instance, id string) []string {
	for _, in := range instances {
		if in.ID == id {
			return in.SecurityGroupIDs
		}
	}
	return nil
}

func findAliENI(enis []aliemu.NetworkInterface, id string) []string {
	for _, e := range enis {
		if e.ID == id {
			return e.SecurityGroupIDs
		}
	}
	return nil
}

func findTCInstance(instances []tcemu.Instance, id string) []string {
	for _, in := range instances {
		if in.ID == id {
			return in.SecurityGroupIDs
		}
	}
	return nil
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
