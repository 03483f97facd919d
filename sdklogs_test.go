package main

import (
	"maps"
	"testing"
)

func TestQuietSDKLogs(t *testing.T) {
	off := map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF"}
	for _, tc := range []struct {
		name     string
		env, set map[string]string
	}{
		{"no logs asked for", map[string]string{}, off},
		{"TF_LOG", map[string]string{"TF_LOG": "trace"}, map[string]string{}},
		{"TF_LOG_PROVIDER", map[string]string{"TF_LOG_PROVIDER": "debug"}, map[string]string{}},
		{"the user's own SDK level wins", map[string]string{"TF_LOG_SDK_PROTO": "TRACE"},
			map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := map[string]string{}
			err := quietSDKLogs(func(k string) string { return tc.env[k] }, func(k, v string) error { set[k] = v; return nil })
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(set, tc.set) {
				t.Fatalf("set %v, want %v", set, tc.set)
			}
		})
	}
}
