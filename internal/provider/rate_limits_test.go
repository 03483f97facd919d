package provider_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
)

// quotaQPS is the emulated quota of the rate-limit test: requests per second
// per action of one service, in bursts of at most quotaBurst. A small burst
// makes the unlimited run meet the quota even on a loaded machine, where
// terraform's parallel calls come less close together; the client-side
// limit spaces calls evenly, so it stays under either way.
const (
	quotaQPS   = 10
	quotaBurst = 5
)

// rateLimitCase is one cloud's part of the rate-limit test: 20 resources
// that all call service.
type rateLimitCase struct {
	cloud, service string
	// resources seeds the emulator and returns the 20 resources.
	resources func(t *testing.T, env *acctest.Env) string
}

var rateLimitCases = []rateLimitCase{
	{"huaweicloud", "vpc", func(t *testing.T, env *acctest.Env) string {
		f := env.Huawei(t)
		ports := []string{f.PortID}
		env.HW.Mutate(func(s *hwemu.State) {
			for i := 1; i < 20; i++ {
				id := acctest.UUID()
				ports = append(ports, id)
				s.Ports = append(s.Ports, hwemu.Port{ID: id, ProjectID: acctest.HWProjectID, MACAddress: fmt.Sprintf("fa:16:3e:00:01:%02x", i),
					FixedIP: fmt.Sprintf("192.168.1.%d", i), SecurityGroups: []string{f.DefaultGroupID}})
			}
		})
		var b strings.Builder
		for i, p := range ports {
			fmt.Fprintf(&b, "resource \"secgroup_huaweicloud_port_association\" \"p%d\" {\n  port_id = %q\n  security_group_ids = [%q]\n}\n", i, p, f.SecurityGroupID)
		}
		return b.String()
	}},
	{"alicloud", "ecs", func(t *testing.T, env *acctest.Env) string {
		var b strings.Builder
		for i, g := range env.AliEcsGroups(t, 20) {
			fmt.Fprintf(&b, "resource \"secgroup_alicloud_ecs_egress_rule\" \"r%d\" {\n  security_group_id = %q\n  ip_protocol = \"tcp\"\n  port_range = \"443/443\"\n  dest_cidr_ip = \"10.0.0.0/8\"\n}\n", i, g)
		}
		return b.String()
	}},
	{"tencentcloud", "vpc", func(t *testing.T, env *acctest.Env) string {
		env.Tencent(t)
		var b strings.Builder
		for i := range 20 {
			fmt.Fprintf(&b, "resource \"secgroup_tencentcloud_security_group\" \"g%d\" {\n  name = \"rate-limit-%d\"\n}\n", i, i)
		}
		return b.String()
	}},
}

// The client-side rate limit keeps a large apply under the cloud's quota:
// with the emulator allowing quotaQPS requests per second on one service of
// each cloud and rate_limits set to the same, apply, refresh and destroy of
// 20 resources per cloud meet no throttling answer at all. With rate_limits
// = 0 (no client-side limit) the same run bounces off the quota and only gets
// through by retrying, so the test can fail.
func TestAccProvider_RateLimitsKeepApplyUnderQuota(t *testing.T) {
	for _, limit := range []float64{quotaQPS, 0} {
		t.Run(fmt.Sprintf("rate_limits=%v", limit), func(t *testing.T) {
			t.Parallel()
			env := acctest.NewEnv(t)
			env.RequireEmulator(t)
			limits := map[string]map[string]float64{}
			var faults []emulator.FaultRule
			config := ""
			for _, tc := range rateLimitCases {
				limits[tc.cloud] = map[string]float64{tc.service: limit}
				faults = append(faults, emulator.FaultRule{Cloud: tc.cloud, Service: tc.service, RateLimitQPS: quotaQPS, RateLimitBurst: quotaBurst})
				config += tc.resources(t, env)
			}
			// The unlimited run must get through by retrying.
			config = env.AllCloudsProviderConfigWith(10, limits) + config
			env.Emulator.SetFaults(faults)
			env.Emulator.ResetRequests()
			start := time.Now()
			acctest.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: config}},
				// Apply, the refreshes and plans, and destroy have all run:
				// read the log before any check of our own calls the cloud.
				CheckDestroy: func(*terraform.State) error {
					var errs []error
					for _, tc := range rateLimitCases {
						var calls, throttled int
						for _, r := range env.Requests(t, tc.cloud) {
							if r.Service == tc.service {
								calls++
								if r.Fault == emulator.FaultThrottle {
									throttled++
								}
							}
						}
						t.Logf("%s %s: %d calls, %d throttled (apply, refresh and destroy: %v in all)",
							tc.cloud, tc.service, calls, throttled, time.Since(start).Round(100*time.Millisecond))
						switch {
						case calls < 60:
							errs = append(errs, fmt.Errorf("%s: %d %s calls, the run did not exercise the service", tc.cloud, calls, tc.service))
						case limit > 0 && throttled > 0:
							errs = append(errs, fmt.Errorf("%s: %d of %d %s calls were throttled with rate_limits.%s = %v, the quota; want none",
								tc.cloud, throttled, calls, tc.service, tc.service, limit))
						case limit == 0 && throttled == 0:
							errs = append(errs, fmt.Errorf("%s: no throttling without a client-side limit: %d %s calls never exceeded %d per second, so the test proves nothing",
								tc.cloud, calls, tc.service, quotaQPS))
						}
					}
					return errors.Join(errs...)
				},
			})
		})
	}
}
