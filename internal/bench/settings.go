package bench

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
)

// throttledSettings is the one place that sets the provider up for the
// throttled workload (associations under an emulator rate limit of qps
// requests per second per action): every service the workload calls is
// paced at that rate on our side, so the apply stays under the quota
// instead of bouncing off it, and max_retries stays at its default.
func throttledSettings(qps float64) providerSettings {
	return providerSettings{
		MaxRetries: 5,
		RateLimits: map[string]map[string]float64{
			"huaweicloud": {"ecs": qps, "vpc": qps, "iam": qps},
			"alicloud":    {"ecs": qps, "ens": qps},
		},
	}
}

// providerSettings are the provider block's max_retries and each cloud
// block's rate_limits (cloud -> service -> requests per second).
type providerSettings struct {
	MaxRetries int
	RateLimits map[string]map[string]float64
}

// config is the provider block for env with these settings.
func (p providerSettings) config(env *acctest.Env) string {
	return env.AllCloudsProviderConfigWith(p.MaxRetries, p.RateLimits)
}

// String describes the settings for the report.
func (p providerSettings) String() string {
	parts := []string{fmt.Sprintf("`max_retries = %d`", p.MaxRetries)}
	for _, cloud := range slices.Sorted(maps.Keys(p.RateLimits)) {
		var kv []string
		for _, svc := range slices.Sorted(maps.Keys(p.RateLimits[cloud])) {
			kv = append(kv, fmt.Sprintf("%s = %v", svc, p.RateLimits[cloud][svc]))
		}
		parts = append(parts, fmt.Sprintf("`rate_limits = { %s }` in %s", strings.Join(kv, ", "), cloud))
	}
	if len(p.RateLimits) == 0 {
		parts = append(parts, "no client-side rate limit set")
	}
	return strings.Join(parts, ", ")
}
