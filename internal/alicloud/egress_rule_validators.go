package alicloud

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Validators for the egress rules' values, as the ENS and ECS docs state
// them. Each error names its attribute, and all of them run at validate
// time, before any API call.

// portRangeValidator checks a port range's form: "start/end" with
// 1 ≤ start ≤ end ≤ 65535, or "-1/-1". Which of the two a protocol takes is
// protocolPortsValidator's job.
type portRangeValidator struct{}

var _ validator.String = portRangeValidator{}

func (portRangeValidator) Description(context.Context) string {
	return `must be "start/end" with 1 ≤ start ≤ end ≤ 65535 (e.g. "1/200"), or "-1/-1"`
}

func (v portRangeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v portRangeValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := checkPortRange(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Port Range", fmt.Sprintf("Attribute %s %s, got %q.", req.Path, msg, req.ConfigValue.ValueString()))
	}
}

// checkPortRange returns what is wrong with a port range, or "".
func checkPortRange(s string) string {
	start, end, ok := strings.Cut(s, "/")
	a, errA := strconv.Atoi(start)
	b, errB := strconv.Atoi(end)
	switch {
	case !ok || errA != nil || errB != nil:
		return `must be "start/end", two port numbers separated by a forward slash such as "1/200", or "-1/-1"`
	case a == -1 && b == -1:
		return ""
	case a < 1 || a > 65535 || b < 1 || b > 65535:
		return `must have ports between 1 and 65535 (or be "-1/-1")`
	case a > b:
		return `must have start ≤ end: "1/200" is valid, "200/1" is not`
	case s != canonicalPortRange(a, b):
		// The API answers the plain form: "+80/0080" would differ forever.
		return fmt.Sprintf("must be written %q, without signs or leading zeros", canonicalPortRange(a, b))
	}
	return ""
}

func canonicalPortRange(a, b int) string { return strconv.Itoa(a) + "/" + strconv.Itoa(b) }

// isAllPorts: the only port range of icmp, icmpv6, gre and all.
func isAllPorts(s string) bool { return s == "-1/-1" }

// takesPorts reports whether a protocol takes a real port range.
func takesPorts(proto string) bool { return proto == "tcp" || proto == "udp" }

// cidrValidator accepts an address or a CIDR block of one IP version.
type cidrValidator struct{ v6 bool }

var _ validator.String = cidrValidator{}

func (v cidrValidator) Description(context.Context) string {
	if v.v6 {
		return "must be an IPv6 address or CIDR block, such as 2001:db8::/32"
	}
	return "must be an IPv4 address or CIDR block, such as 10.0.0.0/8 or 192.168.1.10"
}

func (v cidrValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v cidrValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	canonical, ok := canonicalCIDR(s, v.v6)
	switch {
	case !ok:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Address",
			fmt.Sprintf("Attribute %s %s, got %q.", req.Path, v.Description(ctx), s))
	case canonical != s:
		// The API answers the block in this form; any other spelling would
		// differ from it at every refresh.
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Address",
			fmt.Sprintf("Attribute %s must be written %q (host bits cleared; IPv6 in lower case, zeros compressed), "+
				"as the API returns it, got %q.", req.Path, canonical, s))
	}
}

// validCIDR: s is an address or CIDR block of the IP version, written in
// its canonical form.
func validCIDR(s string, v6 bool) bool {
	canonical, ok := canonicalCIDR(s, v6)
	return ok && canonical == s
}

// canonicalCIDR returns an address or CIDR block of the IP version in its
// canonical form, and whether s is one at all.
func canonicalCIDR(s string, v6 bool) (string, bool) {
	var addr netip.Addr
	var canonical string
	if p, err := netip.ParsePrefix(s); err == nil {
		addr, canonical = p.Addr(), p.Masked().String()
	} else if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		addr, canonical = a, a.String()
	} else {
		return "", false
	}
	return canonical, addr.Is6() == v6 && !addr.Is4In6()
}

// protocolPortsValidator checks the port ranges against the protocol: tcp
// and udp need a real range, the other protocols take only "-1/-1".
type protocolPortsValidator struct{}

var _ resource.ConfigValidator = protocolPortsValidator{}

func (protocolPortsValidator) Description(context.Context) string {
	return `port_range and source_port_range must be "start/end" port ranges for tcp and udp, and "-1/-1" (or unset) for the other protocols`
}

func (v protocolPortsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (protocolPortsValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var proto, ports, sourcePorts types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("ip_protocol"), &proto)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("port_range"), &ports)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("source_port_range"), &sourcePorts)...)
	if resp.Diagnostics.HasError() || proto.IsNull() || proto.IsUnknown() {
		return
	}
	p := proto.ValueString()
	for _, a := range []struct {
		name     string
		value    types.String
		required bool
	}{{"port_range", ports, true}, {"source_port_range", sourcePorts, false}} {
		if a.value.IsUnknown() {
			continue
		}
		switch {
		case takesPorts(p) && a.value.IsNull() && a.required:
			resp.Diagnostics.AddAttributeError(path.Root(a.name), "Missing Port Range",
				fmt.Sprintf(`Attribute %s is required for ip_protocol %q: a range such as "80/80" or "1/200", ports 1 to 65535.`, a.name, p))
		case takesPorts(p) && !a.value.IsNull() && isAllPorts(a.value.ValueString()):
			resp.Diagnostics.AddAttributeError(path.Root(a.name), "Invalid Port Range",
				fmt.Sprintf(`Attribute %s must be a range of ports 1 to 65535 for ip_protocol %q, such as "1/200"; "-1/-1" is only for icmp, gre and all.`, a.name, p))
		case !takesPorts(p) && !a.value.IsNull() && !isAllPorts(a.value.ValueString()):
			resp.Diagnostics.AddAttributeError(path.Root(a.name), "Invalid Port Range",
				fmt.Sprintf(`Attribute %s must be "-1/-1" (or unset) for ip_protocol %q, got %q: the protocol has no ports.`, a.name, p, a.value.ValueString()))
		}
	}
}
