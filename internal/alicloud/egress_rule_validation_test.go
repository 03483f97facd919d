package alicloud_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
)

// TestAccEgressRule_validation: every invalid value the docs imply fails at
// plan time, on the attribute that holds it (terraform quotes that line), and
// no API call is made.
func TestAccEgressRule_validation(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	const ens, ecs = "secgroup_alicloud_ens_egress_rule", "secgroup_alicloud_ecs_egress_rule"
	cases := []struct {
		name, resourceType, body string
		attr, message            string // attr: where terraform must show the error ("" when not in the configuration)
	}{
		{"start after end", ens, `ip_protocol = "tcp"` + "\n" + `port_range = "200/1"`, "port_range", `must have start ≤ end: "1/200" is valid, "200/1" is not`},
		{"port 0", ens, `ip_protocol = "tcp"` + "\n" + `port_range = "0/10"`, "port_range", `must have ports between 1 and 65535`},
		{"port 70000", ens, `ip_protocol = "udp"` + "\n" + `port_range = "1/70000"`, "port_range", `must have ports between 1 and 65535`},
		// Written as the API returns it, or the ENS rule's ID (and the state)
		// would keep the spelling and differ from the cloud's forever.
		{"port with plus", ens, `ip_protocol = "tcp"` + "\n" + `port_range = "+80/80"`, "port_range", `must be written "80/80"`},
		{"port with zeros", ens, `ip_protocol = "tcp"` + "\n" + `port_range = "+80/0080"`, "port_range", `must be written "80/80"`},
		{"CIDR host bits", ens, `ip_protocol = "all"` + "\n" + `dest_cidr_ip = "10.0.0.1/8"`, "dest_cidr_ip", `must be written "10.0.0.0/8"`},
		{"ECS IPv6 upper case", ecs, `ip_protocol = "all"` + "\n" + `dest_cidr_ip = null` + "\n" + `ipv6_dest_cidr_ip = "2001:DB8::/32"`, "ipv6_dest_cidr_ip", `must be written "2001:db8::/32"`},
		{"ECS IPv6 long form", ecs, `ip_protocol = "all"` + "\n" + `dest_cidr_ip = null` + "\n" + `ipv6_dest_cidr_ip = "2001:0db8:0:0::1"`, "ipv6_dest_cidr_ip", `must be written "2001:db8::1"`},
		{"dash separator", ens, `ip_protocol = "tcp"` + "\n" + `port_range = "1-200"`, "port_range", `must be "start/end"`},
		{"tcp with all ports", ens, `ip_protocol = "tcp"` + "\n" + `port_range = "-1/-1"`, "port_range", `must be a range of ports 1 to 65535 for ip_protocol "tcp"`},
		{"tcp without ports", ens, `ip_protocol = "tcp"`, "", `port_range is required for ip_protocol "tcp"`},
		{"icmp with ports", ens, `ip_protocol = "icmp"` + "\n" + `port_range = "1/200"`, "port_range", `must be "-1/-1" (or unset) for ip_protocol "icmp"`},
		{"source ports after end", ens, `ip_protocol = "tcp"` + "\n" + `port_range = "80/80"` + "\n" + `source_port_range = "200/1"`, "source_port_range", `must have start ≤ end`},
		{"gre with source ports", ens, `ip_protocol = "gre"` + "\n" + `source_port_range = "1/200"`, "source_port_range", `must be "-1/-1" (or unset) for ip_protocol "gre"`},
		{"priority 0", ens, `ip_protocol = "all"` + "\n" + `priority = 0`, "priority", `value must be between 1 and 100, got: 0`},
		{"priority 101", ens, `ip_protocol = "all"` + "\n" + `priority = 101`, "priority", `value must be between 1 and 100, got: 101`},
		{"policy allow", ens, `ip_protocol = "all"` + "\n" + `policy = "allow"`, "policy", `value must be one of: ["accept" "drop"], got: "allow"`},
		{"protocol upper case", ens, `ip_protocol = "TCP"` + "\n" + `port_range = "80/80"`, "ip_protocol", `value must be one of`},
		{"ens icmpv6", ens, `ip_protocol = "icmpv6"`, "ip_protocol", `value must be one of`},
		{"malformed CIDR", ens, `ip_protocol = "all"` + "\n" + `dest_cidr_ip = "10.0.0.0/33"`, "dest_cidr_ip", `must be an IPv4 address or CIDR block`},
		{"IPv6 as IPv4", ens, `ip_protocol = "all"` + "\n" + `dest_cidr_ip = "2001:db8::/32"`, "dest_cidr_ip", `must be an IPv4 address or CIDR block`},
		{"bad group ID", ens, `ip_protocol = "all"` + "\n" + `security_group_id = "web"`, "security_group_id", `must be a security group ID`},
		{"two ECS destinations", ecs, `ip_protocol = "all"` + "\n" + `ipv6_dest_cidr_ip = "2001:db8::/32"`, "dest_cidr_ip", `2 attributes specified when one (and only one) of`},
		{"no ECS destination", ecs, `ip_protocol = "all"` + "\n" + `dest_cidr_ip = null`, "dest_cidr_ip", `No attribute specified when one (and only one) of`},
		{"ECS protocol upper case", ecs, `ip_protocol = "ALL"`, "ip_protocol", `value must be one of`},
		{"ECS icmpv6 to IPv4", ecs, `ip_protocol = "icmpv6"`, "ip_protocol", `icmpv6 needs an IPv6 destination`},
		{"ECS malformed IPv6", ecs, `ip_protocol = "icmpv6"` + "\n" + `dest_cidr_ip = null` + "\n" + `ipv6_dest_cidr_ip = "2001:db8::/129"`, "ipv6_dest_cidr_ip", `must be an IPv6 address or CIDR block`},
		{"ECS nic type", ecs, `ip_protocol = "all"` + "\n" + `nic_type = "public"`, "nic_type", `value must be one of: ["internet" "intranet"]`},
		{"ECS empty description", ecs, `ip_protocol = "all"` + "\n" + `description = ""`, "description", `string length must be between 1 and 512`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		// Arguments the case sets itself get no default: HCL refuses duplicates.
		defaults := map[string]string{"security_group_id": `"sg-0123456789abcdef"`, "dest_cidr_ip": `"10.0.0.0/8"`}
		body := c.body
		for attr, v := range defaults {
			if !regexp.MustCompile(`(?m)^` + attr + ` =`).MatchString(body) {
				body = attr + " = " + v + "\n" + body
			}
		}
		pattern := `(?s)\d+:\s+` + regexp.QuoteMeta(c.attr) + `\s+=.*` + spacedLiteral(c.message)
		if c.attr == "" {
			// An absent attribute has no line to quote.
			pattern = `(?s)` + spacedLiteral(c.message)
		}
		steps = append(steps, resource.TestStep{
			Config:      acctest.ConfigCompose(env.AliCloudProviderConfig(), fmt.Sprintf("resource %q \"test\" {\n%s\n}\n", c.resourceType, body)),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(pattern),
		})
	}
	acctest.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
		CheckDestroy:             env.CheckNoRequests(t, "alicloud"),
	})
}

// spacedLiteral matches s literally, with any run of white space (terraform
// wraps long lines) where s has a space.
func spacedLiteral(s string) string {
	return regexp.MustCompile(` +`).ReplaceAllString(regexp.QuoteMeta(s), `\s+`)
}
