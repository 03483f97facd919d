package bench

import "strings"

// throttledSettings is the one place that sets the provider up for the
// throttled workload (associations under an emulator rate limit of
// Suite.ThrottleQPS requests per second per action).
//
// Today the provider has only max_retries for it, so the workload leans on
// retries with backoff. Once the provider has rate_limits, pace every
// service at the emulator's rate here, for example:
//
//	BlockLines: map[string]string{
//		"huaweicloud": `rate_limits = { ecs = 20, vpc = 20, iam = 20 }`,
//		"alicloud":    `rate_limits = { ecs = 20, ens = 20 }`,
//	},
var throttledSettings = providerSettings{
	MaxRetries: 20,
}

// providerSettings are settings added to acctest's provider block.
type providerSettings struct {
	MaxRetries int
	// BlockLines are added at the top of a block of the provider
	// configuration: "" is the provider block itself, "huaweicloud",
	// "alicloud" and "tencentcloud" its cloud blocks.
	BlockLines map[string]string
}

// apply adds BlockLines to a provider configuration as
// acctest.AllCloudsProviderConfig writes it (one block opening per line).
func (p providerSettings) apply(config string) string {
	if len(p.BlockLines) == 0 {
		return config
	}
	lines := strings.Split(config, "\n")
	out := make([]string, 0, len(lines)+len(p.BlockLines))
	for _, line := range lines {
		out = append(out, line)
		trimmed := strings.TrimSpace(line)
		for block, extra := range p.BlockLines {
			opening := block + " {"
			if block == "" {
				opening = `provider "secgroup" {`
			}
			if trimmed == opening {
				indent := line[:len(line)-len(strings.TrimLeft(line, " "))] + "  "
				for l := range strings.SplitSeq(strings.TrimSpace(extra), "\n") {
					out = append(out, indent+strings.TrimSpace(l))
				}
			}
		}
	}
	return strings.Join(out, "\n")
}
