package apierr

import (
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

func TestCodeTableLookup(t *testing.T) {
	table := CodeTable{
		{Code: "Throttling*", Class: retry.Throttled, Does: "wait", Source: "doc"},
		{Code: "Throttling.User", Class: retry.Throttled, Does: "wait", Source: "doc"},
		{Code: "InvalidInstanceId.*", Class: retry.Invalid, Does: "fail", Source: "doc"},
		{Code: "InvalidInstanceId.NotFound", Actions: []string{"LeaveSecurityGroup"}, Class: retry.NotFound, Does: "gone", Source: "doc"},
		{Code: "Busy", Status: 409, Class: retry.Busy, Does: "wait", Source: "doc"},
	}
	if err := table.Check(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		action, code string
		status       int
		want         string
		ok           bool
	}{
		{"X", "Throttling.Api", 400, "Throttling*", true},
		{"X", "Throttling.User", 400, "Throttling.User", true},
		{"LeaveSecurityGroup", "InvalidInstanceId.NotFound", 404, "InvalidInstanceId.NotFound", true},
		{"JoinSecurityGroup", "InvalidInstanceId.NotFound", 404, "InvalidInstanceId.*", true},
		{"X", "Busy", 409, "Busy", true},
		{"X", "Busy", 400, "", false},
		{"X", "", 500, "", false},
	}
	for _, c := range cases {
		got, ok := table.Lookup(c.action, c.status, c.code)
		if ok != c.ok || got.Code != c.want {
			t.Errorf("Lookup(%s, %d, %s) = %q, %v; want %q, %v", c.action, c.status, c.code, got.Code, ok, c.want, c.ok)
		}
	}
}

func TestCodeTableCheck(t *testing.T) {
	for name, table := range map[string]CodeTable{
		"no source": {{Code: "A", Does: "x"}},
		"no does":   {{Code: "A", Source: "x"}},
		"twice":     {{Code: "A", Does: "x", Source: "y"}, {Code: "A", Does: "x", Source: "y"}},
		"no code":   {{Code: "*", Does: "x", Source: "y"}},
	} {
		if table.Check() == nil {
			t.Errorf("%s: Check passed", name)
		}
	}
}
