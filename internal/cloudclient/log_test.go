package cloudclient

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// Each call is one debug line with the chosen fields; the error's message and
// the SDK's error, which can hold a signed URL or a signed string, are not in it.
func TestLogCall(t *testing.T) {
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	const secret = "Signature=c2VjcmV0&SecurityToken=the-token"
	calls := 0
	err := retry.Do(ctx, retry.Policy{MaxRetries: 1, BaseDelay: time.Millisecond}, apierr.ClassOf, func(ctx context.Context, _ retry.Attempt) error {
		calls++
		var err error
		if calls == 1 {
			err = &apierr.Error{Cloud: "alicloud", Service: "ecs", Action: "JoinSecurityGroup", Status: 503,
				Code: "ServiceUnavailable", Message: "unavailable " + secret, RequestID: "req-1", Class: retry.Throttled,
				Endpoint: "http://127.0.0.1:9", Err: errors.New("POST http://127.0.0.1:9/?" + secret)}
		}
		return LogCall(ctx, "alicloud", "ecs", "JoinSecurityGroup", time.Now(), err)
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "the-token") || strings.Contains(out.String(), "c2VjcmV0") {
		t.Fatalf("the log holds the secret: %s", out.String())
	}
	lines, err := tflogtest.MultilineJSONDecode(&out)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2: %v", len(lines), lines)
	}
	want := []map[string]any{
		{"@level": "debug", "@message": "API call", "cloud": "alicloud", "service": "ecs", "action": "JoinSecurityGroup",
			"attempt": float64(1), "outcome": "throttled", "http_status": float64(503), "error_code": "ServiceUnavailable",
			"request_id": "req-1", "endpoint": "http://127.0.0.1:9"},
		{"@level": "debug", "@message": "API call", "cloud": "alicloud", "service": "ecs", "action": "JoinSecurityGroup",
			"attempt": float64(2), "outcome": "ok"},
	}
	for i, line := range lines {
		if _, ok := line["duration_ms"]; !ok {
			t.Errorf("line %d has no duration_ms: %v", i, line)
		}
		for k, v := range want[i] {
			if line[k] != v {
				t.Errorf("line %d: %s = %v, want %v (%v)", i, k, line[k], v, line)
			}
		}
	}
	if _, ok := lines[1]["error_code"]; ok {
		t.Errorf("a successful call has an error code: %v", lines[1])
	}
}
