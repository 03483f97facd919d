package cloudclient

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

func TestBaseRegion(t *testing.T) {
	b := NewBase("cn-north-4", retry.DefaultPolicy, nil)
	if got := b.Region(""); got != "cn-north-4" {
		t.Errorf(`Region("") = %q, want the provider's region`, got)
	}
	if got := b.Region("ap-southeast-1"); got != "ap-southeast-1" {
		t.Errorf(`Region("ap-southeast-1") = %q, want the resource's region`, got)
	}
}

func TestBaseDoPaced(t *testing.T) {
	b := NewBase("r", retry.Policy{MaxRetries: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}, nil)
	for _, tc := range []struct {
		class retry.Class
		calls int
	}{
		{retry.Throttled, 3}, // without a deadline: the first try and the policy's two retries
		{retry.Transient, 3},
		{retry.Invalid, 1},
		{retry.NotFound, 1},
	} {
		t.Run(tc.class.String(), func(t *testing.T) {
			calls := 0
			err := b.DoPaced(context.Background(), "svc", func(_ context.Context, a retry.Attempt) error {
				calls++
				if a.N != calls {
					t.Errorf("attempt %d numbered %d", calls, a.N)
				}
				return &apierr.Error{Cloud: "test", Class: tc.class}
			})
			if apierr.ClassOf(err) != tc.class {
				t.Errorf("error %v, want one of class %v", err, tc.class)
			}
			if calls != tc.calls {
				t.Errorf("%d calls, want %d", calls, tc.calls)
			}
		})
	}

	// With a deadline (every resource operation has one), a throttle is a
	// wait: retried past max_retries until the cloud serves the call.
	calls := 0
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := b.DoPaced(ctx, "svc", func(context.Context, retry.Attempt) error {
		if calls++; calls <= 10 {
			return &apierr.Error{Cloud: "test", Class: retry.Throttled}
		}
		return nil
	})
	if err != nil || calls != 11 {
		t.Errorf("throttled 10 times with max_retries 2: error %v after %d calls, want none after 11", err, calls)
	}

	calls = 0
	err = b.DoPaced(context.Background(), "svc", func(context.Context, retry.Attempt) error {
		if calls++; calls == 1 {
			return &apierr.Error{Cloud: "test", Class: retry.Throttled}
		}
		return nil
	})
	if err != nil || calls != 2 {
		t.Errorf("throttled then fine: error %v after %d calls, want none after 2", err, calls)
	}
}

func TestMissing(t *testing.T) {
	err := Missing("huaweicloud", "region", "HW_REGION_NAME")
	want := `the huaweicloud provider block is missing "region": set huaweicloud { region = ... } in the provider configuration or the HW_REGION_NAME environment variable`
	if err == nil || err.Error() != want {
		t.Errorf("Missing = %v, want %q", err, want)
	}
}

func TestCheckService(t *testing.T) {
	known := []string{"vpc", "cvm"}
	if err := CheckService("tencentcloud", "cvm", known); err != nil {
		t.Errorf("known service: %v", err)
	}
	want := `tencentcloud: unknown service "ecs" (known: vpc, cvm)`
	if err := CheckService("tencentcloud", "ecs", known); err == nil || err.Error() != want {
		t.Errorf("unknown service: %v, want %q", err, want)
	}
}

func TestParseEndpoints(t *testing.T) {
	known := []string{"ecs", "vpc"}
	got, err := ParseEndpoints("huaweicloud", known, map[string]string{
		"ecs": "http://127.0.0.1:8080/",
		"vpc": "https://vpc.example.com/prefix", // a path is the cloud package's business
	})
	if err != nil {
		t.Fatal(err)
	}
	if u := got["ecs"]; u == nil || u.Scheme != "http" || u.Host != "127.0.0.1:8080" {
		t.Errorf("ecs = %v", u)
	}
	if u := got["vpc"]; u == nil || u.Scheme != "https" || u.Host != "vpc.example.com" || u.Path != "/prefix" {
		t.Errorf("vpc = %v", u)
	}

	if got, err := ParseEndpoints("huaweicloud", known, nil); err != nil || got == nil || len(got) != 0 {
		t.Errorf("no overrides: %v, %v; want an empty map", got, err)
	}

	for _, tc := range []struct {
		raw  map[string]string
		want string
	}{
		{map[string]string{"iam": "https://iam.example.com"}, `huaweicloud endpoints: unknown service "iam" (known: ecs, vpc)`},
		{map[string]string{"ecs": "ecs.example.com"}, `huaweicloud endpoints.ecs: "ecs.example.com" is not a full URL such as https://host or http://127.0.0.1:8080`},
		{map[string]string{"ecs": "ftp://ecs.example.com"}, `huaweicloud endpoints.ecs: "ftp://ecs.example.com" is not a full URL such as https://host or http://127.0.0.1:8080`},
		{map[string]string{"vpc": "https://"}, `huaweicloud endpoints.vpc: "https://" is not a full URL such as https://host or http://127.0.0.1:8080`},
		{map[string]string{"vpc": "http://[::1"}, `huaweicloud endpoints.vpc: parse "http://[::1": missing ']' in host`},
	} {
		if _, err := ParseEndpoints("huaweicloud", known, tc.raw); err == nil || err.Error() != tc.want {
			t.Errorf("ParseEndpoints(%v) = %v, want %q", tc.raw, err, tc.want)
		}
	}
}

func TestNewTransport(t *testing.T) {
	tr := NewTransport()
	if tr == NewTransport() {
		t.Error("NewTransport shares one transport: each Client is meant to own its pool")
	}
	if tr.Proxy == nil || tr.DialContext == nil || tr.TLSHandshakeTimeout == 0 {
		t.Error("transport lacks the proxy, the bounded dialer or the TLS timeout")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer srv.Close()
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("status %d", resp.StatusCode)
	}
	tr.CloseIdleConnections()
}

// A busy object retried until the deadline ends with the cloud's last
// answer, not with the rate limiter's "would exceed context deadline".
func TestBaseDoPacedTimeoutKeepsTheLastAnswer(t *testing.T) {
	b := NewBase("r", retry.Policy{MaxRetries: 0, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond},
		map[string]ratelimit.Limit{"svc": ratelimit.PerSecond(4)})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	calls := 0
	err := b.DoPaced(ctx, "svc", func(context.Context, retry.Attempt) error {
		calls++
		return &apierr.Error{Cloud: "test", Code: "InvalidOperation.InvalidEniState", Class: retry.Busy}
	})
	if !apierr.HasCode(err, "InvalidOperation.InvalidEniState") || !errors.Is(err, retry.ErrGaveUp) || calls < 2 {
		t.Fatalf("after %d calls: %v, want the busy answer, given up at the timeout", calls, err)
	}
}
