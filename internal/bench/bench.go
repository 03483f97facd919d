// Package bench is `make bench`: it drives the real terraform binary against
// the provider built as a plugin binary (internal/tfcli) and the in-process
// emulator of the three clouds (internal/acctest), times each terraform
// command, counts the API calls each one made from the emulator's request
// log, and writes a markdown report and a plot. Every number comes from a run;
// nothing here fails on time.
package bench

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	"github.com/secgroup/terraform-provider-secgroup/internal/tfcli"
)

// Phases of one workload, in the order they run.
const (
	PhaseApply   = "apply"
	PhasePlan    = "plan"
	PhaseDestroy = "destroy"
)

// Workload kinds.
const (
	KindRules        = "rules"
	KindAssociations = "associations"
	KindFloor        = "terraform_data"
	// KindPluginFloor is N resources of the smallest plugin provider
	// (floorprovider): the plugin protocol's own cost, no API call.
	KindPluginFloor = "plugin floor"
	KindThrottled   = "associations, throttled"
	KindForceDelete = "tencent force delete"
)

// Suite sizes one run. FullSuite is `make bench`; the smoke test runs a
// tiny one so that the harness cannot rot.
type Suite struct {
	// Ns are the resource counts of the rules, associations and terraform_data
	// workloads.
	Ns []int
	// LatencyMS is added by the emulator to every call of every workload.
	LatencyMS int
	// RuleGroups are the groups the rules are spread over (half ECS, half ENS).
	RuleGroups int
	// Members is how many servers, ports and instances each association kind
	// is spread over.
	Members int
	// ThrottledN associations are applied under a ThrottleQPS emulator rate
	// limit (per cloud and action, every service).
	ThrottledN  int
	ThrottleQPS float64
	// ForceDeleteInstances are bound to the Tencent group that is force-deleted.
	ForceDeleteInstances int
	// FleetNs are the members per cloud of the fleet workload (3N
	// resources, beside terraform_data and the plugin floor at 3N).
	FleetNs []int
}

// FullSuite is what `make bench` runs.
var FullSuite = Suite{
	Ns:                   []int{100, 500, 1000},
	LatencyMS:            50,
	RuleGroups:           10,
	Members:              20,
	ThrottledN:           300,
	ThrottleQPS:          20,
	ForceDeleteInstances: 1000,
	FleetNs:              []int{200, 1000},
}

// Measurement is one terraform command of one workload.
type Measurement struct {
	Kind  string
	N     int // resources in the configuration
	Phase string
	// Elapsed is the terraform command's wall time, provider start included.
	Elapsed time.Duration
	// CPU is the CPU time terraform and the provider process used (0 where
	// not measured); the emulator runs in the test process and is not in it.
	CPU time.Duration
	// Calls are the requests the emulator received during the command,
	// throttled answers included; ByAction splits them by
	// "cloud service Action".
	Calls    int
	ByAction map[string]int
	// Throttled answers, and other error answers, among Calls;
	// ThrottledByAction splits Throttled like ByAction.
	Throttled, Failed int
	ThrottledByAction map[string]int
	// Distinct is the target of a plan's refresh: the distinct groups,
	// servers, ports or instances its resources read (0: not applicable).
	Distinct int
	// Errors are the error diagnostics terraform printed (a plan that is not
	// empty counts as one).
	Errors int
	// Output is terraform's output when Errors > 0, for the log.
	Output string `json:",omitempty"`
	// Present is how many of the workload's memberships or rules the
	// emulator holds after the command (-1: not counted).
	Present int
}

// Seconds is Elapsed in seconds.
func (m Measurement) Seconds() float64 { return m.Elapsed.Seconds() }

// Results is one run of a suite.
type Results struct {
	Suite        Suite
	Machine      Machine
	Measurements []Measurement
	// FleetMachine is set when the fleet workload was measured in a run of
	// its own (SECGROUP_BENCH_ONLY=fleet) and merged into earlier results.
	FleetMachine *Machine `json:",omitempty"`
}

// Find returns the measurement of kind, n and phase.
func (r *Results) Find(kind string, n int, phase string) (Measurement, bool) {
	for _, m := range r.Measurements {
		if m.Kind == kind && m.N == n && m.Phase == phase {
			return m, true
		}
	}
	return Measurement{}, false
}

// Runner runs workloads: one emulator and one terraform working directory
// each, so that their request logs and states never mix.
type Runner struct {
	T           testing.TB
	ProviderDir string
	// FloorDir holds the floor provider's binary (KindPluginFloor).
	FloorDir string
	// Logf reports progress (t.Logf).
	Logf func(format string, args ...any)
	// Timeout bounds one terraform command.
	Timeout time.Duration
}

// NewRunner builds the provider binary (once per process).
func NewRunner(t testing.TB) *Runner {
	t.Helper()
	if _, err := tfcli.Terraform(); err != nil {
		t.Skip("no terraform binary: ", err)
	}
	dir, err := tfcli.BuildProvider()
	if err != nil {
		t.Fatal(err)
	}
	floorDir, err := tfcli.BuildPlugin("./internal/bench/floorprovider", "terraform-provider-floor")
	if err != nil {
		t.Fatal(err)
	}
	return &Runner{T: t, ProviderDir: dir, FloorDir: floorDir, Logf: t.Logf, Timeout: 30 * time.Minute}
}

// Run runs every workload of the suite, in order, and returns the results.
func (r *Runner) Run(s Suite) *Results {
	res := &Results{Suite: s, Machine: ReadMachine()}
	add := func(ms ...Measurement) { res.Measurements = append(res.Measurements, ms...) }
	for _, n := range s.Ns {
		add(r.Workload(floorWorkload(n))...)
		add(r.Workload(pluginFloorWorkload(n))...)
		add(r.Workload(rulesWorkload(n, s))...)
		add(r.Workload(associationsWorkload(KindAssociations, n, s, nil))...)
	}
	if s.ThrottledN > 0 {
		add(r.Workload(associationsWorkload(KindThrottled, s.ThrottledN, s, new(throttledSettings(s.ThrottleQPS))))...)
	}
	if s.ForceDeleteInstances > 0 {
		add(r.Workload(forceDeleteWorkload(s))...)
	}
	for _, n := range s.FleetNs {
		if !slices.Contains(s.Ns, 3*n) {
			add(r.Workload(floorWorkload(3 * n))...)
			add(r.Workload(pluginFloorWorkload(3 * n))...)
		}
		add(r.Workload(fleetWorkload(n, s))...)
	}
	return res
}

// Merge puts the measurements of fresh (a run of only some workloads) into
// earlier results, replacing those of the same kind, N and phase, and notes
// fresh's machine as the fleet's.
func Merge(earlier, fresh *Results) *Results {
	out := &Results{Suite: earlier.Suite, Machine: earlier.Machine, FleetMachine: &fresh.Machine}
	out.Suite.FleetNs = fresh.Suite.FleetNs
	for _, m := range earlier.Measurements {
		if _, replaced := fresh.Find(m.Kind, m.N, m.Phase); !replaced {
			out.Measurements = append(out.Measurements, m)
		}
	}
	out.Measurements = append(out.Measurements, fresh.Measurements...)
	return out
}

// workload is one configuration taken through apply, plan and destroy.
type workload struct {
	kind string
	n    int
	// distinct: see Measurement.Distinct.
	distinct int
	// faults are set on the emulator for every phase.
	faults []emulator.FaultRule
	// setup seeds the emulator and returns the whole configuration.
	setup func(t testing.TB, env *acctest.Env) string
	// present counts the workload's memberships or rules in the emulator;
	// nil when the workload has none (terraform_data).
	present func(env *acctest.Env) int
	// beforeDestroy runs, untimed, after the plan.
	beforeDestroy func(t testing.TB, env *acctest.Env)
	// phases to measure; nil means apply, plan, destroy.
	phases []string
}

// Workload runs one workload and returns its measurements. A phase that
// fails is recorded with its errors, and the rest still run.
func (r *Runner) Workload(w workload) []Measurement {
	t := r.T
	t.Helper()
	env := acctest.NewEnv(t)
	defer func() { _ = env.Emulator.Close() }()
	config := w.setup(t, env)
	wd, err := tfcli.NewWorkdirOverrides(t.TempDir(), map[string]string{
		tfcli.ProviderSource: r.ProviderDir,
		floorSource:          r.FloorDir,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := wd.WriteConfig(config); err != nil {
		t.Fatal(err)
	}
	env.Emulator.SetFaults(w.faults)

	measure := map[string]bool{PhaseApply: true, PhasePlan: true, PhaseDestroy: true}
	if w.phases != nil {
		measure = map[string]bool{}
		for _, p := range w.phases {
			measure[p] = true
		}
	}
	var out []Measurement
	run := func(phase string, tfEnv []string, args ...string) {
		m := r.phase(env, wd, w, phase, tfEnv, args...)
		r.Logf("%-24s N=%-5d %-8s %7.2fs (cpu %6.2fs)  %5d calls (%d throttled, %d failed)  %d errors  present=%d",
			w.kind, w.n, phase, m.Seconds(), m.CPU.Seconds(), m.Calls, m.Throttled, m.Failed, m.Errors, m.Present)
		if m.Errors > 0 {
			r.Logf("%s %s: terraform reported errors:\n%s", w.kind, phase, m.Output)
		}
		if measure[phase] {
			out = append(out, m)
		}
	}
	run(PhaseApply, nil, "apply", "-auto-approve", "-input=false")
	run(PhasePlan, nil, "plan", "-detailed-exitcode", "-input=false")
	if w.beforeDestroy != nil {
		w.beforeDestroy(t, env)
	}
	run(PhaseDestroy, nil, "destroy", "-auto-approve", "-input=false")
	return out
}

// phase runs one terraform command against a request log emptied for it.
func (r *Runner) phase(env *acctest.Env, wd *tfcli.Workdir, w workload, phase string, tfEnv []string, args ...string) Measurement {
	ctx, cancel := context.WithTimeout(context.Background(), r.Timeout)
	defer cancel()
	env.Emulator.ResetRequests()
	cpu := childrenCPU()
	res := wd.Run(ctx, tfEnv, args...)
	cpu = childrenCPU() - cpu
	reqs := env.Emulator.Requests()

	m := Measurement{Kind: w.kind, N: w.n, Phase: phase, Elapsed: res.Elapsed, CPU: cpu, ByAction: map[string]int{}, ThrottledByAction: map[string]int{}, Present: -1}
	if phase == PhasePlan {
		m.Distinct = w.distinct
	}
	for _, q := range reqs {
		m.Calls++
		m.ByAction[actionKey(q)]++
		switch {
		case q.Fault == emulator.FaultThrottle:
			m.Throttled++
			m.ThrottledByAction[actionKey(q)]++
		case q.Status >= 400:
			m.Failed++
		}
	}
	if res.Err != nil {
		m.Errors = max(1, countErrors(res.Stdout+res.Stderr))
		var exit *exec.ExitError
		if phase == PhasePlan && errors.As(res.Err, &exit) && exit.ExitCode() == 2 {
			m.Errors = 1 // -detailed-exitcode: the plan has changes
		}
		m.Output = res.Stdout + res.Stderr
	}
	if w.present != nil {
		m.Present = w.present(env)
	}
	return m
}

// actionKey names a request's action in ByAction.
func actionKey(q emulator.Record) string {
	return strings.Join([]string{q.Cloud, q.Service, q.Action}, " ")
}

// countErrors counts terraform's error diagnostics ("Error: summary", boxed
// or not).
func countErrors(output string) int {
	n := 0
	for line := range strings.SplitSeq(output, "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "│"))
		if strings.HasPrefix(line, "Error: ") {
			n++
		}
	}
	return n
}

// IsRead reports whether an action only reads: a plan, which refreshes,
// must make no other call.
func IsRead(action string) bool {
	return strings.HasPrefix(action, "Describe") || strings.HasPrefix(action, "Show") ||
		strings.Contains(action, "List") // ListSecurityGroups, ListServersDetails, ListPorts
}

// sortedActions returns ByAction's keys, most calls first.
func sortedActions(byAction map[string]int) []string {
	keys := make([]string, 0, len(byAction))
	for k := range byAction {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(byAction[b], byAction[a]), cmp.Compare(a, b))
	})
	return keys
}

// WriteFiles writes the report, the plot and the raw measurements into dir:
// RESULTS.md, results.svg and results.json.
func WriteFiles(dir string, res *Results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, DataFile), append(raw, '\n'), 0o644); err != nil {
		return err
	}
	svg, err := Plot(res)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, PlotFile), svg, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ReportFile), []byte(Markdown(res)), 0o644)
}

// Files written by WriteFiles.
const (
	ReportFile = "RESULTS.md"
	PlotFile   = "results.svg"
	DataFile   = "results.json"
)
