package provider_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
)

// throttleWindow is how long every cloud refuses every call: a quota spent
// by another pipeline in the same account (Alibaba Cloud refuses an API
// whose per-minute quota is spent until the next minute).
const throttleWindow = 60 * time.Second

// TestAccProvider_throttledMinute: 60 resources of all three clouds (10
// servers and 10 ports, 10 instances and 10 egress rules, 10 CVMs and 10
// security groups), applied and then destroyed, each through a minute in
// which every call of every cloud is throttled, at the provider's default
// settings: no failure, since throttling is waited out until the
// operation's timeout. Before, max_retries = 5 gave up after about 6 s.
func TestAccProvider_throttledMinute(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	hw, tc := env.Huawei(t), env.Tencent(t)
	const n = 10
	var b strings.Builder
	env.HW.Mutate(func(s *hwemu.State) {
		for i := range n {
			server, port := acctest.UUID(), acctest.UUID()
			s.Servers = append(s.Servers, hwemu.Server{ID: server, Name: fmt.Sprintf("t-%d", i), ProjectID: acctest.HWProjectID, Status: "ACTIVE", SecurityGroups: []string{hw.DefaultGroupID}})
			s.Ports = append(s.Ports, hwemu.Port{ID: port, ProjectID: acctest.HWProjectID, MACAddress: fmt.Sprintf("fa:16:3e:00:02:%02x", i),
				FixedIP: fmt.Sprintf("192.168.2.%d", 10+i), SecurityGroups: []string{hw.DefaultGroupID}})
			fmt.Fprintf(&b, "resource \"secgroup_huaweicloud_server_association\" \"s%d\" {\n  server_id = %q\n  security_group = %q\n}\n", i, server, hw.SecurityGroupID)
			fmt.Fprintf(&b, "resource \"secgroup_huaweicloud_port_association\" \"p%d\" {\n  port_id = %q\n  security_group_ids = [%q]\n}\n", i, port, hw.SecurityGroupID)
		}
	})
	const vpc = "vpc-throttle0000000000"
	aliGroup, aliDefault := acctest.AliID("sg"), acctest.AliID("sg")
	env.AliSeed(t, func(s *aliemu.State) {
		s.SecurityGroups = append(s.SecurityGroups,
			aliemu.SecurityGroup{ID: aliGroup, RegionID: acctest.AliRegion, Name: "fleet", VpcID: vpc},
			aliemu.SecurityGroup{ID: aliDefault, RegionID: acctest.AliRegion, Name: "default", VpcID: vpc})
		for i := range n {
			id := acctest.AliID("i")
			s.Instances = append(s.Instances, aliemu.Instance{ID: id, RegionID: acctest.AliRegion, Status: "Running", VpcID: vpc, SecurityGroupIDs: []string{aliDefault}})
			fmt.Fprintf(&b, "resource \"secgroup_alicloud_instance_association\" \"i%d\" {\n  instance_id = %q\n  security_group_id = %q\n}\n", i, id, aliGroup)
			fmt.Fprintf(&b, "resource \"secgroup_alicloud_ecs_egress_rule\" \"r%d\" {\n  security_group_id = %q\n  ip_protocol = \"tcp\"\n  port_range = \"%d/%d\"\n  dest_cidr_ip = \"10.0.0.0/8\"\n}\n", i, aliGroup, 8000+i, 8000+i)
		}
	})
	env.TC.Mutate(func(s *tcemu.State) {
		for i := range n {
			id := acctest.TencentID("ins")
			s.Instances = append(s.Instances, tcemu.Instance{ID: id, Name: fmt.Sprintf("t-%d", i), Region: acctest.TCRegion, SecurityGroupIDs: []string{tc.DefaultGroupID}})
			fmt.Fprintf(&b, "resource \"secgroup_tencentcloud_instance_association\" \"i%d\" {\n  instance_id = %q\n  security_group_id = %q\n}\n", i, id, tc.SecurityGroupID)
			fmt.Fprintf(&b, "resource \"secgroup_tencentcloud_security_group\" \"g%d\" {\n  name = \"throttled-%d\"\n}\n", i, i)
		}
	})
	config := acctest.ConfigCompose(env.AllCloudsDefaultProviderConfig(), b.String())

	throttleAll := func() {
		env.Emulator.SetFaults([]emulator.FaultRule{{ThrottleRate: 1, ForMS: int(throttleWindow / time.Millisecond)}})
		env.Emulator.ResetRequests()
	}
	// Each step was throttled and every cloud served once the window had
	// passed; every cloud was throttled in one step or both. Which clouds
	// meet the window in a step depends on which operations terraform
	// starts first: the calls of those already under way wait out the whole
	// minute in their 10 slots, and a cloud none of whose operations got a
	// slot in time makes its first call after the window.
	throttledSomewhere := map[string]bool{}
	throttledAndServed := func(last bool) func(*terraform.State) error {
		return func(*terraform.State) error {
			stepThrottled := 0
			for _, cloud := range []string{"huaweicloud", "alicloud", "tencentcloud"} {
				throttled, served := 0, 0
				for _, r := range env.Requests(t, cloud) {
					if r.Fault == emulator.FaultThrottle {
						throttled++
					} else if r.Status < 300 {
						served++
					}
				}
				t.Logf("%s: %d throttled answers, %d served", cloud, throttled, served)
				if served == 0 {
					return fmt.Errorf("%s: no call served after the window", cloud)
				}
				stepThrottled += throttled
				throttledSomewhere[cloud] = throttledSomewhere[cloud] || throttled > 0
			}
			if stepThrottled == 0 {
				return fmt.Errorf("no call was throttled: the step did not meet the window")
			}
			for cloud, throttled := range throttledSomewhere {
				if last && !throttled {
					return fmt.Errorf("%s: no call throttled in either step", cloud)
				}
			}
			return nil
		}
	}
	acctest.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{PreConfig: throttleAll, Config: config, Check: throttledAndServed(false)},
			{PreConfig: throttleAll, Config: config, Destroy: true, Check: throttledAndServed(true)},
		},
	})
}
