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

func TestCodeTableGoneAndCovers(t *testing.T) {
	table := CodeTable{
		{Code: "NoSuchAPI", Status: 404, Class: retry.Invalid, Does: "endpoint", Source: "doc"},
		{Code: "Gone.*", Status: 404, Actions: []string{"Remove"}, Class: retry.NotFound, Does: "gone", Source: "doc"},
		{Code: "Missing", Class: retry.NotFound, Does: "read: gone", Source: "doc"},
	}
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&Error{Action: "Remove", Status: 404, Code: "Gone.Member"}, true},
		{&NotFoundError{Message: "x", Err: &Error{Action: "Remove", Status: 404, Code: "Gone.Member"}}, true},
		{&Error{Action: "Add", Status: 404, Code: "Gone.Member"}, false},  // not that API's "gone"
		{&Error{Action: "Remove", Status: 404, Code: "NoSuchAPI"}, false}, // an endpoint error
		{&Error{Action: "Remove", Status: 404, Code: "Missing"}, false},   // not bound to the action
		{&Error{Action: "Remove", Status: 404, Code: "Undocumented"}, false},
		{&NotFoundError{Message: "not listed"}, true},
		{nil, false},
	} {
		if got := table.Gone(c.err); got != c.want {
			t.Errorf("Gone(%v) = %v, want %v", c.err, got, c.want)
		}
	}
	if !table.Covers("Gone.X") || !table.Covers("Missing") || table.Covers("Other") {
		t.Error("Covers matches codes and prefixes only")
	}
}
