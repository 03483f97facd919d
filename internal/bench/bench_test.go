package bench

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestBenchReport is `make bench`: the full suite, its report and plot
// written into the repository's bench/ directory (or SECGROUP_BENCH_OUT).
// It takes minutes, so it runs only with SECGROUP_BENCH=1;
// SECGROUP_BENCH_NS=100,500 runs other sizes than 100, 500 and 1000.
// SECGROUP_BENCH_ONLY=fleet runs the fleet workload alone (its sizes from
// SECGROUP_BENCH_FLEET_NS, default 200 and 1000) and merges it into the
// results already in the output directory, noting its own machine and date. It never fails
// on time; it fails only when terraform reported errors, after writing the
// report that shows them.
func TestBenchReport(t *testing.T) {
	if os.Getenv("SECGROUP_BENCH") != "1" {
		t.Skip("set SECGROUP_BENCH=1 (make bench): the full benchmark takes minutes")
	}
	out := os.Getenv("SECGROUP_BENCH_OUT")
	if out == "" {
		out = filepath.Join("..", "..", "bench")
	}
	suite := FullSuite
	sizes := func(env string) []int {
		var out []int
		for f := range strings.SplitSeq(os.Getenv(env), ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				t.Fatalf("%s=%q: want counts such as 100,500", env, os.Getenv(env))
			}
			out = append(out, n)
		}
		return out
	}
	if os.Getenv("SECGROUP_BENCH_NS") != "" {
		suite.Ns = sizes("SECGROUP_BENCH_NS")
	}
	if os.Getenv("SECGROUP_BENCH_FLEET_NS") != "" {
		suite.FleetNs = sizes("SECGROUP_BENCH_FLEET_NS")
	}
	fleetOnly := os.Getenv("SECGROUP_BENCH_ONLY") == "fleet"
	if fleetOnly {
		suite = Suite{LatencyMS: suite.LatencyMS, FleetNs: suite.FleetNs}
	}
	res := NewRunner(t).Run(suite)
	if fleetOnly {
		raw, err := os.ReadFile(filepath.Join(out, DataFile))
		if err != nil {
			t.Fatalf("SECGROUP_BENCH_ONLY=fleet merges into the earlier results: %s", err)
		}
		var earlier Results
		if err := json.Unmarshal(raw, &earlier); err != nil {
			t.Fatalf("%s: %s", DataFile, err)
		}
		res = Merge(&earlier, res)
	}
	if err := WriteFiles(out, res); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s and %s", filepath.Join(out, ReportFile), filepath.Join(out, PlotFile))
	for _, m := range res.Measurements {
		if m.Errors > 0 {
			t.Errorf("%s N=%d %s: %d errors", m.Kind, m.N, m.Phase, m.Errors)
		}
	}
}

// smokeSuite is the full suite's shape at a size CI runs in seconds: no
// latency, and a throttle low enough that the provider meets it.
var smokeSuite = Suite{
	Ns:                   []int{4},
	RuleGroups:           4,
	Members:              2,
	ThrottledN:           6,
	ThrottleQPS:          2,
	ForceDeleteInstances: 150, // two listing pages and two unbinding batches of at most 100
	FleetNs:              []int{3},
}

// TestBenchSmoke keeps the harness honest: a tiny suite produces a report
// and a plot, terraform reports no error, and the call counts add up
// against the emulator's state.
func TestBenchSmoke(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("needs TF_ACC=1: it runs terraform")
	}
	if testing.Short() {
		t.Skip("builds the provider and runs terraform")
	}
	res := NewRunner(t).Run(smokeSuite)
	checkMeasurements(t, res)

	dir := t.TempDir()
	if err := WriteFiles(dir, res); err != nil {
		t.Fatal(err)
	}
	report, err := os.ReadFile(filepath.Join(dir, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| 4 | rules | plan |", "| 4 | associations | apply |", "| 4 | terraform_data | destroy |",
		"## Under a 2 requests/second throttle", "## Force delete of a Tencent group bound to 150 instances",
		"## Fleet: one group rolled onto N members per cloud", "| 3 | plan |",
		"](" + PlotFile + ")",
	} {
		if !strings.Contains(string(report), want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	checkSVG(t, filepath.Join(dir, PlotFile))

	raw, err := os.ReadFile(filepath.Join(dir, DataFile))
	if err != nil {
		t.Fatal(err)
	}
	var back Results
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("%s: %s", DataFile, err)
	}
	if len(back.Measurements) != len(res.Measurements) || back.Machine.Cores != res.Machine.Cores {
		t.Errorf("%s holds %d measurements (%d cores), want %d (%d)", DataFile, len(back.Measurements), back.Machine.Cores, len(res.Measurements), res.Machine.Cores)
	}
}

// checkMeasurements: every phase of every workload was measured without
// error, each one's calls add up, and the emulator's state followed the
// phases (everything after apply and plan, nothing after destroy).
func checkMeasurements(t *testing.T, res *Results) {
	t.Helper()
	seen := map[string]int{}
	for _, m := range res.Measurements {
		seen[m.Kind]++
		name := m.Kind + " " + m.Phase
		if m.Errors > 0 {
			t.Errorf("%s: %d errors:\n%s", name, m.Errors, m.Output)
		}
		if sum(m.ByAction) != m.Calls || sum(m.ThrottledByAction) != m.Throttled {
			t.Errorf("%s: %d calls and %d throttled, but the actions add up to %d and %d", name, m.Calls, m.Throttled, sum(m.ByAction), sum(m.ThrottledByAction))
		}
		writes := 0
		for a, c := range m.ByAction {
			if !IsRead(a[strings.LastIndex(a, " ")+1:]) {
				writes += c
			}
		}
		switch {
		case m.Kind == KindFloor || m.Kind == KindPluginFloor:
			if m.Calls != 0 {
				t.Errorf("%s: %d API calls, want none", name, m.Calls)
			}
			continue
		case isPlan(m.Phase) && writes > 0:
			t.Errorf("%s: %d write calls, want only reads: %v", name, writes, m.ByAction)
		case isPlan(m.Phase) && m.Kind == KindRules && m.Calls < m.Distinct:
			// Group describes are not batched; member reads are.
			t.Errorf("%s: %d calls for %d distinct objects", name, m.Calls, m.Distinct)
		case m.Kind == KindFleet && !isPlan(m.Phase) && writes < 2*m.N/3:
			// One write per Huawei and Alibaba membership; Tencent's are batched.
			t.Errorf("%s: %d write calls for %d resources", name, writes, m.N)
		case m.Kind != KindFleet && (m.Phase == PhaseApply && writes < m.N || m.Phase == PhaseDestroy && m.Kind != KindForceDelete && writes < m.N):
			t.Errorf("%s: %d write calls for %d resources", name, writes, m.N)
		}
		want := m.N
		if m.Phase == PhaseDestroy {
			want = 0
		}
		if m.Present != want {
			t.Errorf("%s: %d memberships or rules in the emulator afterwards, want %d", name, m.Present, want)
		}
	}
	for kind, phases := range map[string]int{KindFloor: 6, KindPluginFloor: 6, KindRules: 3, KindAssociations: 3, KindThrottled: 3, KindForceDelete: 1, KindFleet: 3} {
		if seen[kind] != phases {
			t.Errorf("%d %s measurements, want %d", seen[kind], kind, phases)
		}
	}
	if m, ok := res.Find(KindForceDelete, smokeSuite.ForceDeleteInstances, PhaseDestroy); ok {
		if got := m.ByAction["tencentcloud cvm DisassociateSecurityGroups"]; got != 2 {
			t.Errorf("force delete of a group bound to 150 instances: %d unbinding calls, want 2 batches: %v", got, m.ByAction)
		}
	}
}

func isPlan(phase string) bool { return phase == PhasePlan }

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// checkSVG: the plot is well-formed SVG with a title per phase.
func checkSVG(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(strings.NewReader(string(raw)))
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the plot is not well-formed XML: %s", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Fatalf("the plot's root element is %q, want svg", root)
	}
	for _, phase := range allPhases {
		if !strings.Contains(string(raw), "terraform "+phase) {
			t.Errorf("the plot has no %q panel", phase)
		}
	}
}

// The throttled workload paces every service it calls at the emulator's
// rate, and its settings reach the provider block.
func TestThrottledSettings(t *testing.T) {
	s := throttledSettings(7)
	for cloud, services := range map[string][]string{"huaweicloud": {"ecs", "vpc", "iam"}, "alicloud": {"ecs", "ens"}} {
		for _, svc := range services {
			if got := s.RateLimits[cloud][svc]; got != 7 {
				t.Errorf("%s %s: rate limit %v, want 7", cloud, svc, got)
			}
		}
	}
	if want := "`rate_limits = { ecs = 7, ens = 7 }` in alicloud"; !strings.Contains(s.String(), want) {
		t.Errorf("%q does not say %q", s.String(), want)
	}
}
