package bench

import (
	"fmt"
	"slices"
	"strings"
)

// planRatioTarget: a plan of 1,000 rules should take at most this many times
// terraform's own floor.
const planRatioTarget = 1.5

// allPhases in the order they run.
var allPhases = []string{PhaseApply, PhasePlan, PhaseDestroy}

// Markdown renders the report.
func Markdown(res *Results) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	s, m := res.Suite, res.Machine

	p("# Benchmark results\n\n")
	p("Written by `make bench` (`internal/bench`); run it again rather than editing this file. ")
	p("Every number below was measured in one run; nothing in it is a pass/fail threshold. ")
	p("The raw measurements are in [%s](%s).\n\n", DataFile, DataFile)
	p("## Machine\n\n")
	p("| | |\n|---|---|\n")
	p("| Date | %s |\n", m.Date.Format("2006-01-02 15:04 UTC"))
	p("| CPU | %s |\n", orUnknown(m.CPU))
	p("| Cores | %d |\n", m.Cores)
	p("| OS | %s |\n", m.OS)
	p("| Go | %s |\n", m.Go)
	p("| Terraform | %s |\n", orUnknown(m.Terraform))
	p("| Load average at start | %s |\n\n", orUnknown(m.LoadAvg))
	p("The load average above says how much else ran on the same cores: the seconds are noisy; ")
	p("the API call counts are not.\n\n")

	p("## Setup\n\n")
	p("- The provider is built as a plugin binary and run by the real `terraform` (default `-parallelism=10`) ")
	p("through a `dev_overrides` CLI configuration, as users run it; the clouds are the in-process emulator, ")
	p("which adds **%d ms to every API call**.\n", s.LatencyMS)
	p("- Each workload gets its own emulator and working directory and goes through `terraform apply` (from ")
	p("nothing), `terraform plan -detailed-exitcode` (refreshes every resource; must find no change) and ")
	p("`terraform destroy`. API calls are the emulator's request log for that one command.\n")
	p("- **rules**: N Alibaba Cloud egress rules, half ECS and half ENS, spread over %d groups (half of them ECS).\n", s.RuleGroups)
	p("- **associations**: N memberships split evenly over Huawei server, Huawei port and Alibaba instance ")
	p("associations, each kind on %d servers, ports or instances of its own (so up to %d groups per object ", s.Members, ceilDiv(slices.Max(append([]int{0}, s.Ns...)), memberKinds*max(1, s.Members)))
	p("at the largest N: the Alibaba instances are seeded with a raised `group_quota`, ECS's default being 5; ")
	p("the emulated Huawei servers and ports have no limit).\n")
	p("- **terraform_data**: N `terraform_data` resources, terraform's own floor: no provider, no API call.\n")
	p("- **plugin floor**: N resources of the smallest plugin provider (`internal/bench/floorprovider`: one input, ")
	p("no API call, on terraform-plugin-framework like this provider): what any plugin provider pays for the plugin ")
	p("protocol, which the built-in `terraform_data` does not.\n")
	p("- The provider turns the plugin SDK's own per-call trace logs off unless `TF_LOG` or `TF_LOG_PROVIDER` ")
	p("asks for logs (`main.go`): terraform would parse and drop every line, which cost about half the CPU of a ")
	p("plan of 1,000 rules.\n")
	p("- **CPU** is the CPU time of terraform and the provider process together (the emulator runs elsewhere).\n")
	p("- **distinct objects** is the refresh target: the groups (rules) or servers, ports and instances ")
	p("(associations) the plan's resources read. A provider that reads each object once per refresh makes that ")
	p("many calls; one read per resource makes N.\n\n")

	writeTargets(&b, res)
	writeMainTable(&b, res)
	writeThrottled(&b, res)
	writeForceDelete(&b, res)
	writeFleet(&b, res)
	writeByAction(&b, res)
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// floorSeconds is the terraform_data time of the same N and phase.
func floorSeconds(res *Results, n int, phase string) (float64, bool) {
	f, ok := res.Find(KindFloor, n, phase)
	if !ok || f.Errors > 0 {
		return 0, false
	}
	return f.Seconds(), true
}

func verdict(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**not met**"
}

// projectLookup is the Huawei client's IAM project lookup, in ByAction's
// "cloud service action" form.
const projectLookup = "huaweicloud iam KeystoneListProjects"

func writeTargets(b *strings.Builder, res *Results) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Targets\n\n")
	p("| Target | Measured | |\n|---|---|---|\n")
	for _, kind := range []string{KindRules, KindAssociations} {
		for _, n := range res.Suite.Ns {
			m, ok := res.Find(kind, n, PhasePlan)
			if !ok {
				continue
			}
			// The Huawei client looks its project up once per provider
			// process (none with huaweicloud.project_id set): setup, not a read
			// of an object.
			setup := m.ByAction[projectLookup]
			note := ""
			if setup > 0 {
				note = fmt.Sprintf(" + %d one-time project lookup", setup)
			}
			p("| Refresh of %d %s: calls = distinct objects (%d) | %d calls%s (%.2f per resource) | %s |\n",
				n, kind, m.Distinct, m.Calls-setup, note, perResource(m), verdict(m.Errors == 0 && m.Calls-setup <= m.Distinct))
		}
	}
	if len(res.Suite.Ns) > 0 {
		n := slices.Max(res.Suite.Ns)
		m, ok := res.Find(KindRules, n, PhasePlan)
		floor, fok := floorSeconds(res, n, PhasePlan)
		if ok && fok {
			ratio := m.Seconds() / floor
			p("| Plan of %d rules ≤ %.1f× the terraform_data floor | %.2f s vs %.2f s: %.2f× | %s |\n",
				n, planRatioTarget, m.Seconds(), floor, ratio, verdict(m.Errors == 0 && ratio <= planRatioTarget))
			if pf, ok := res.Find(KindPluginFloor, n, PhasePlan); ok && pf.Errors == 0 {
				p("| (for scale) the plugin floor: %d resources of a provider with no API call, against terraform_data | %.2f s vs %.2f s: %.2f× | |\n",
					n, pf.Seconds(), floor, pf.Seconds()/floor)
				p("| (for scale) plan of %d rules against the plugin floor | %.2f s vs %.2f s: %.2f× | |\n",
					n, m.Seconds(), pf.Seconds(), m.Seconds()/pf.Seconds())
			}
		}
	}
	for _, m := range res.Measurements {
		if m.Kind == KindThrottled {
			p("| 0 errors under a %g requests/second throttle (%d associations, %s) | %d errors, %d throttled answers | %s |\n",
				res.Suite.ThrottleQPS, m.N, m.Phase, m.Errors, m.Throttled, verdict(m.Errors == 0))
		}
	}
	p("\n")
}

func perResource(m Measurement) float64 {
	if m.N == 0 {
		return 0
	}
	return float64(m.Calls) / float64(m.N)
}

func writeMainTable(b *strings.Builder, res *Results) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Apply, plan, destroy\n\n")
	p("![Seconds per phase against N](%s)\n\n", PlotFile)
	p("| N | Kind | Phase | Seconds | CPU s | API calls | Calls per resource | Distinct objects (refresh target) | Ratio to terraform_data | Errors |\n")
	p("|--:|---|---|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, n := range res.Suite.Ns {
		for _, kind := range []string{KindFloor, KindPluginFloor, KindRules, KindAssociations} {
			for _, phase := range allPhases {
				m, ok := res.Find(kind, n, phase)
				if !ok {
					continue
				}
				distinct := ""
				if m.Distinct > 0 {
					distinct = fmt.Sprint(m.Distinct)
				}
				ratio := "n/a"
				if floor, ok := floorSeconds(res, n, phase); ok && floor > 0 {
					ratio = fmt.Sprintf("%.2f×", m.Seconds()/floor)
				}
				p("| %d | %s | %s | %.2f | %.2f | %d | %.2f | %s | %s | %d |\n",
					n, kind, phase, m.Seconds(), m.CPU.Seconds(), m.Calls, perResource(m), distinct, ratio, m.Errors)
			}
		}
	}
	p("\n")
}

func writeThrottled(b *strings.Builder, res *Results) {
	var ms []Measurement
	for _, m := range res.Measurements {
		if m.Kind == KindThrottled {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return
	}
	qps := res.Suite.ThrottleQPS
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Under a %g requests/second throttle\n\n", qps)
	p("The emulator answers with each cloud's throttling error beyond %g requests per second (a token bucket per ", qps)
	p("cloud and action, on every service), on top of the %d ms latency. The provider runs with the ", res.Suite.LatencyMS)
	p("settings in `internal/bench/settings.go` (%s). ", throttledSettings(qps))
	p("Lower bounds on the time: N/QPS (one call per association), the answered calls at %g per second through ", qps)
	p("one shared bucket, and the busiest action's answered calls at %g per second, the bound that applies to the ", qps)
	p("emulator's buckets per action.\n\n")
	p("| Associations | Phase | Seconds | Calls answered | Throttled answers | Errors | N / %g | Calls / %g | Busiest action / %g |\n", qps, qps, qps)
	p("|--:|---|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, m := range ms {
		answered := m.Calls - m.Throttled
		busiest, busiestCalls := "", 0
		for _, a := range sortedActions(m.ByAction) {
			if c := m.ByAction[a] - m.ThrottledByAction[a]; c > busiestCalls {
				busiest, busiestCalls = a, c
			}
		}
		p("| %d | %s | %.2f | %d | %d | %d | %.2f s | %.2f s | %.2f s (%s) |\n", m.N, m.Phase, m.Seconds(), answered, m.Throttled,
			m.Errors, float64(m.N)/qps, float64(answered)/qps, float64(busiestCalls)/qps, busiest)
	}
	p("\n")
}

func writeForceDelete(b *strings.Builder, res *Results) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	for _, m := range res.Measurements {
		if m.Kind != KindForceDelete {
			continue
		}
		p("## Force delete of a Tencent group bound to %d instances\n\n", m.N)
		p("`terraform destroy` of a `secgroup_tencentcloud_security_group` with `force_delete = true`, after %d ", m.N)
		p("instances were bound to it out of band; the provider paces CVM calls at Tencent's documented rate ")
		p("(its default) and the emulator adds %d ms per call.\n\n", res.Suite.LatencyMS)
		p("| Instances | Seconds | API calls | Errors | Left after destroy |\n|--:|--:|--:|--:|--:|\n")
		p("| %d | %.2f | %d | %d | %d |\n\n", m.N, m.Seconds(), m.Calls, m.Errors, m.Present)
		p("| Action | Calls |\n|---|--:|\n")
		for _, a := range sortedActions(m.ByAction) {
			p("| %s | %d |\n", a, m.ByAction[a])
		}
		p("\n")
	}
}

func writeByAction(b *strings.Builder, res *Results) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## API calls per action\n\n")
	p("| Kind | N | Phase | Action | Calls | Throttled |\n|---|--:|---|---|--:|--:|\n")
	for _, m := range res.Measurements {
		if m.Kind == KindForceDelete || len(m.ByAction) == 0 {
			continue
		}
		for _, a := range sortedActions(m.ByAction) {
			p("| %s | %d | %s | %s | %d | %d |\n", m.Kind, m.N, m.Phase, a, m.ByAction[a], m.ThrottledByAction[a])
		}
	}
	p("\n")
}
