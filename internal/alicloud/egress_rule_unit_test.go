package alicloud

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestPortRangeValidator(t *testing.T) {
	cases := []struct {
		value string
		want  string // part of the error; "" = valid
	}{
		{"1/200", ""},
		{"80/80", ""},
		{"1/65535", ""},
		{"-1/-1", ""},
		{"200/1", "start ≤ end"},
		{"0/10", "between 1 and 65535"},
		{"1/70000", "between 1 and 65535"},
		{"-1/80", "between 1 and 65535"},
		{"1-200", `"start/end"`},
		{"80", `"start/end"`},
		{"a/b", `"start/end"`},
		{"1/2/3", `"start/end"`},
		{"", `"start/end"`},
	}
	for _, c := range cases {
		resp := &validator.StringResponse{}
		portRangeValidator{}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("port_range"), ConfigValue: types.StringValue(c.value),
		}, resp)
		checkAttributeDiag(t, c.value, resp.Diagnostics, "port_range", c.want)
	}
}

func TestCIDRValidator(t *testing.T) {
	cases := []struct {
		value string
		v6    bool
		valid bool
	}{
		{"10.0.0.0/8", false, true},
		{"192.168.1.10", false, true},
		{"0.0.0.0/0", false, true},
		{"10.0.0.0/33", false, false},
		{"10.0.0", false, false},
		{"300.0.0.1", false, false},
		{"2001:db8::/32", false, false},
		{"::ffff:10.0.0.1", false, false},
		{"2001:db8::/32", true, true},
		{"2001:db8::1", true, true},
		{"2001:db8::/129", true, false},
		{"10.0.0.0/8", true, false},
		{"fe80::1%eth0", true, false},
	}
	for _, c := range cases {
		resp := &validator.StringResponse{}
		cidrValidator{v6: c.v6}.ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("dest"), ConfigValue: types.StringValue(c.value),
		}, resp)
		want := ""
		if !c.valid {
			want = "address or CIDR block"
		}
		checkAttributeDiag(t, c.value, resp.Diagnostics, "dest", want)
	}
}

// checkAttributeDiag: one error scoped to attr containing want, or none when
// want is empty.
func checkAttributeDiag(t *testing.T, value string, diags diag.Diagnostics, attr, want string) {
	t.Helper()
	if want == "" {
		if diags.HasError() {
			t.Errorf("%q: unexpected error %v", value, diags)
		}
		return
	}
	if len(diags) != 1 {
		t.Errorf("%q: want one error, got %v", value, diags)
		return
	}
	d, ok := diags[0].(diag.DiagnosticWithPath)
	if !ok || !d.Path().Equal(path.Root(attr)) {
		t.Errorf("%q: error not scoped to %s: %v", value, attr, diags[0])
	}
	if !strings.Contains(diags[0].Detail(), want) {
		t.Errorf("%q: error %q does not say %q", value, diags[0].Detail(), want)
	}
}

func TestSameTuple(t *testing.T) {
	ours := EgressRule{GroupID: "sg-1", Protocol: "tcp", PortRange: "80/80", DestCidrIP: "10.0.0.1", Policy: "accept", Priority: 1}
	same := []EgressRule{
		{GroupID: "sg-1", Protocol: "TCP", PortRange: "80/80", DestCidrIP: "10.0.0.1/32", Policy: "Accept", Priority: 1},
		{GroupID: "sg-1", Protocol: "tcp", PortRange: "80/80", SourcePortRange: "-1/-1", DestCidrIP: "10.0.0.1", Policy: "accept", Priority: 1},
	}
	for _, o := range same {
		if !ours.sameTuple(o) {
			t.Errorf("%+v should match %+v", o, ours)
		}
	}
	different := []EgressRule{
		{Protocol: "udp", PortRange: "80/80", DestCidrIP: "10.0.0.1", Policy: "accept", Priority: 1},
		{Protocol: "tcp", PortRange: "80/81", DestCidrIP: "10.0.0.1", Policy: "accept", Priority: 1},
		{Protocol: "tcp", PortRange: "80/80", DestCidrIP: "10.0.0.2", Policy: "accept", Priority: 1},
		{Protocol: "tcp", PortRange: "80/80", DestCidrIP: "10.0.0.1", Policy: "drop", Priority: 1},
		{Protocol: "tcp", PortRange: "80/80", DestCidrIP: "10.0.0.1", Policy: "accept", Priority: 2},
		{Protocol: "tcp", PortRange: "80/80", SourcePortRange: "1/2", DestCidrIP: "10.0.0.1", Policy: "accept", Priority: 1},
	}
	for _, o := range different {
		if ours.sameTuple(o) {
			t.Errorf("%+v should not match %+v", o, ours)
		}
	}
	if !sameCIDR("2001:DB8::0/32", "2001:db8::/32") {
		t.Error("IPv6 spellings of one block should match")
	}
}

func TestEnsRuleIDRoundTrip(t *testing.T) {
	for _, r := range []EgressRule{
		{GroupID: "sg-abc123", Protocol: "tcp", PortRange: "1/200", DestCidrIP: "10.0.0.0/8", Policy: "accept", Priority: 1},
		{GroupID: "sg-abc123", Protocol: "udp", PortRange: "53/53", SourcePortRange: "1024/65535", DestCidrIP: "192.168.0.1", Policy: "drop", Priority: 100},
		{GroupID: "sg-abc123", Protocol: "all", PortRange: "-1/-1", DestCidrIP: "0.0.0.0/0", Policy: "accept", Priority: 7},
		{GroupID: "sg-abc123", Protocol: "icmp", PortRange: "-1/-1", SourcePortRange: "-1/-1", DestCidrIP: "0.0.0.0/0", Policy: "accept", Priority: 1},
	} {
		got, err := parseEnsRuleID(ensRuleID(r))
		if err != nil || got != r {
			t.Errorf("%s: parsed %+v, %v; want %+v", ensRuleID(r), got, err, r)
		}
	}
	for _, id := range []string{"", "sg-abc123", "sg-abc123:tcp:200/1:10.0.0.0/8:accept:1", "sg-abc123:icmp:1/200:10.0.0.0/8:accept:1",
		"sg-abc123:tcp:80/80:10.0.0.0/8:accept:0", "sg-abc123:tcp:80/80:10.0.0.0/8:accept:1:-1/-1", "sg-abc123:tcp:80/80:10.0.0.0/8:accept:1:1/2:x"} {
		if _, err := parseEnsRuleID(id); err == nil {
			t.Errorf("%q parsed", id)
		}
	}
}
