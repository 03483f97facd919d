// Package acctest is the acceptance-test harness. By default every test gets
// its own emulator on a loopback port, seeded with the fixtures it asks for,
// and a provider configuration pointing every endpoint at it. With
// SECGROUP_ACC_REAL=1 the same tests run against the real clouds: credentials
// come from the standard environment variables and fixture IDs from
// SECGROUP_ACC_* variables; a test whose fixtures are missing skips and names
// the variable.
package acctest

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	aliemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/alicloud"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/provider"
)

// ProviderName is the provider's type name in configurations.
const ProviderName = "secgroup"

// ProtoV6ProviderFactories serves the provider in-process to the real terraform CLI.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	ProviderName: provider.NewProtocol6Server(provider.Build{Version: "test"}),
}

// ProviderOptions tune the emulator's provider block of a cloud.
type ProviderOptions struct {
	// MaxRetries is the provider's max_retries; 0 keeps the harness's 2.
	MaxRetries int
	// RateLimits is the cloud block's rate_limits (service -> requests per
	// second); an empty map keeps the provider's defaults. nil is the
	// harness's choice: see unpaced.
	RateLimits map[string]float64
}

func (o ProviderOptions) maxRetries() int {
	if o.MaxRetries == 0 {
		return 2
	}
	return o.MaxRetries
}

// AllCloudsProviderConfig is one provider block that points every cloud at the
// emulator, for configurations that use resources of all three clouds.
func (e *Env) AllCloudsProviderConfig(maxRetries int) string {
	return e.AllCloudsProviderConfigWith(maxRetries, nil)
}

// AllCloudsProviderConfigWith is AllCloudsProviderConfig with each cloud
// block's rate_limits (cloud -> service -> requests per second; a cloud left
// out keeps the provider's defaults).
func (e *Env) AllCloudsProviderConfigWith(maxRetries int, rateLimits map[string]map[string]float64) string {
	return providerBlock(maxRetries,
		e.huaweiBlock(HWAccessKey, HWSecretKey, rateLimits["huaweicloud"]),
		e.aliBlock(rateLimits["alicloud"]),
		e.tencentBlock(rateLimits["tencentcloud"]))
}

// AllCloudsDefaultProviderConfig is one provider block for all three clouds
// at the provider's default settings: no max_retries, the default
// rate_limits of every cloud.
func (e *Env) AllCloudsDefaultProviderConfig() string {
	defaults := map[string]float64{}
	return fmt.Sprintf("provider \"secgroup\" {\n%s%s%s}\n",
		e.huaweiBlock(HWAccessKey, HWSecretKey, defaults), e.aliBlock(defaults), e.tencentBlock(defaults))
}

// providerBlock wraps cloud blocks in the provider block.
func providerBlock(maxRetries int, clouds ...string) string {
	return fmt.Sprintf("provider \"secgroup\" {\n  max_retries = %d\n%s}\n", maxRetries, strings.Join(clouds, ""))
}

// unpaced is the rate_limits of a Huawei or Alibaba block when a test sets
// none: the emulator enforces no quota unless a test asks for one, so pacing
// would only slow the suite (200 Alibaba rules: 111 s paced, 49 s not). Tests
// of pacing set rate_limits themselves. Tencent keeps the provider's defaults,
// whose CVM pace its forced-delete test checks against an emulated quota.
func unpaced(services []string) map[string]float64 {
	out := make(map[string]float64, len(services))
	for _, s := range services {
		out[s] = 0
	}
	return out
}

// rateLimitsLine is the rate_limits line of a cloud block, or nothing (nil,
// or empty: the provider's defaults).
func rateLimitsLine(rateLimits map[string]float64) string {
	if len(rateLimits) == 0 {
		return ""
	}
	keys := make([]string, 0, len(rateLimits))
	for k := range rateLimits {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s = %v", k, rateLimits[k])
	}
	return "    rate_limits = { " + strings.Join(parts, ", ") + " }\n"
}

// RealCloud reports whether tests run against the real clouds.
func RealCloud() bool { return os.Getenv("SECGROUP_ACC_REAL") == "1" }

// Env is one test's cloud: an emulator of its own, or the real clouds.
type Env struct {
	// Emulator is nil against the real clouds.
	Emulator *emulator.Server
	// HW is the emulated Huawei Cloud, for seeding and out-of-band changes.
	HW *hwemu.Cloud
	// Ali is the emulated Alibaba Cloud.
	Ali *aliemu.Cloud
	// TC is the emulated Tencent Cloud.
	TC *tcemu.Cloud
}

// NewEnv starts an emulator for the test (stopped at cleanup), or returns the
// real-cloud environment.
func NewEnv(t testing.TB) *Env {
	t.Helper()
	if RealCloud() {
		return &Env{}
	}
	hw, ali, tc := hwemu.New(), aliemu.New(), tcemu.New()
	srv := emulator.New(hw, ali, tc)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("starting the emulator: %s", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return &Env{Emulator: srv, HW: hw, Ali: ali, TC: tc}
}

// RequireEmulator skips a test that inspects or manipulates the emulator
// (wire assertions, out-of-band deletions) when running against real clouds.
func (e *Env) RequireEmulator(t *testing.T) {
	t.Helper()
	if e.Emulator == nil {
		t.Skip("needs the emulator: it inspects the request log or changes the cloud out of band")
	}
}

// Requests returns the emulator's request log, filtered by cloud and actions
// (no actions: every request of the cloud).
func (e *Env) Requests(t *testing.T, cloud string, actions ...string) []emulator.Record {
	t.Helper()
	e.RequireEmulator(t)
	var out []emulator.Record
	for _, r := range e.Emulator.Requests() {
		if r.Cloud != cloud {
			continue
		}
		if len(actions) == 0 || contains(actions, r.Action) {
			out = append(out, r)
		}
	}
	return out
}

// FixtureEnv returns a real-cloud fixture ID from the environment, skipping the
// test when it is missing.
func FixtureEnv(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Skipf("real-cloud mode needs %s: the ID of a fixture this test uses", name)
	}
	return v
}

// ConfigCompose joins configuration fragments.
func ConfigCompose(parts ...string) string { return strings.Join(parts, "\n") }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("acctest: %s", err))
	}
	return b
}

// ErrorRegexp compiles pattern for ExpectError with every space matching any
// run of whitespace: terraform wraps long error lines wherever it likes.
func ErrorRegexp(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}

// ParallelTest is resource.ParallelTest that always runs CheckDestroy.
// terraform-plugin-testing skips CheckDestroy when the final state is empty,
// which it is whenever every step was expected to fail, so the checks such a
// test keeps there ("no API call was made", "the port kept its groups") would
// never run. Here they run against an empty state instead.
func ParallelTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	t.Parallel()
	Test(t, tc)
}

// Test is resource.Test that always runs CheckDestroy; see ParallelTest.
func Test(t *testing.T, tc resource.TestCase) {
	t.Helper()
	checkProviderHost(t)
	check := tc.CheckDestroy
	if check == nil {
		resource.Test(t, tc)
		return
	}
	ran := false
	tc.CheckDestroy = func(s *terraform.State) error {
		ran = true
		return check(s)
	}
	defer func() {
		if !ran && !t.Failed() && !t.Skipped() {
			if err := check(emptyState()); err != nil {
				t.Errorf("CheckDestroy, run after the steps left an empty state: %s", err)
			}
		}
	}()
	resource.Test(t, tc)
}

// emptyState is a state with an empty root module, as terraform leaves it
// when nothing was created.
func emptyState() *terraform.State {
	return &terraform.State{Modules: []*terraform.ModuleState{{
		Path:      []string{"root"},
		Outputs:   map[string]*terraform.OutputState{},
		Resources: map[string]*terraform.ResourceState{},
	}}}
}

// CheckNoRequests fails when the cloud received any request (of the given
// actions, or any action): bad input must be refused before an API call, and
// a refused write must write nothing.
func (e *Env) CheckNoRequests(t *testing.T, cloud string, actions ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if reqs := e.Requests(t, cloud, actions...); len(reqs) != 0 {
			return fmt.Errorf("%d %s requests %v, want none: %+v", len(reqs), cloud, actions, reqs)
		}
		return nil
	}
}
