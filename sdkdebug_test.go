package main

import (
	"slices"
	"testing"
)

func TestWithoutSDKDebug(t *testing.T) {
	for _, tc := range []struct {
		env   []string
		want  []string
		found bool
	}{
		{[]string{"A=1", "DEBUG=sdk"}, []string{"A=1"}, true},
		{[]string{"DEBUG=tea,sdk,x", "B=2"}, []string{"DEBUG=tea,x", "B=2"}, true},
		{[]string{"DEBUG=sdkx", "B=2"}, []string{"DEBUG=sdkx", "B=2"}, false},
		{[]string{"B=sdk"}, []string{"B=sdk"}, false},
	} {
		got, found := withoutSDKDebug(tc.env)
		if found != tc.found || !slices.Equal(got, tc.want) {
			t.Errorf("withoutSDKDebug(%q) = %q, %v; want %q, %v", tc.env, got, found, tc.want, tc.found)
		}
	}
}
