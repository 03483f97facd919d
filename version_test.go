package main

import (
	"runtime/debug"
	"testing"
)

func TestBuildCommit(t *testing.T) {
	if got := buildCommit("abc123"); got != "abc123" {
		t.Errorf("stamped commit: got %q", got)
	}
	for _, tc := range []struct {
		settings []debug.BuildSetting
		want     string
	}{
		{nil, "unknown"},
		{[]debug.BuildSetting{{Key: "vcs.revision", Value: "f00d"}, {Key: "vcs.modified", Value: "false"}}, "f00d"},
		{[]debug.BuildSetting{{Key: "vcs.modified", Value: "true"}, {Key: "vcs.revision", Value: "f00d"}}, "f00d-dirty"},
	} {
		if got := commitFromSettings(tc.settings); got != tc.want {
			t.Errorf("commitFromSettings(%v) = %q, want %q", tc.settings, got, tc.want)
		}
	}
}
