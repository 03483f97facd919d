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

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"86400", maxRetryAfter, true},
		{now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
	} {
		got, ok := ParseRetryAfter(tc.value, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tc.value, got, ok, tc.want, tc.ok)
		}
	}
}

// The transport notes Retry-After in the Answer of the request's own
// context, so concurrent attempts never see each other's.
func TestObserveAnswers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.URL.Query().Get("after"); v != "" {
			w.Header().Set("Retry-After", v)
		}
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	client := &http.Client{Transport: ObserveAnswers(NewTransport())}
	send := func(ctx context.Context, after string) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/?after="+after, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	ctx1, a1 := WithAnswer(context.Background())
	ctx2, a2 := WithAnswer(context.Background())
	send(ctx1, "4")
	send(ctx2, "")
	if a1.RetryAfter() != 4*time.Second || a2.RetryAfter() != 0 {
		t.Errorf("answers noted %v and %v, want 4s and 0", a1.RetryAfter(), a2.RetryAfter())
	}
	send(context.Background(), "9") // no Answer in the context: nothing to note, no panic
}

// DoPaced waits for the service's limit before every attempt, retries
// included; other services are not held up.
func TestBaseDoPacedWaitsBeforeEveryAttempt(t *testing.T) {
	const rate = 20 // one request per 50 ms
	b := NewBase("r", retry.Policy{MaxRetries: 3, BaseDelay: time.Microsecond, MaxDelay: time.Microsecond},
		map[string]ratelimit.Limit{"ecs": ratelimit.PerSecond(rate)})
	var at []time.Time
	start := time.Now()
	err := b.DoPaced(context.Background(), "ecs", func(context.Context, retry.Attempt) error {
		at = append(at, time.Now())
		if len(at) < 4 {
			return &apierr.Error{Cloud: "test", Class: retry.Throttled}
		}
		return nil
	})
	if err != nil || len(at) != 4 {
		t.Fatalf("err %v after %d attempts, want success on the 4th", err, len(at))
	}
	// The first token is there at once; each further attempt waits for one.
	if elapsed := at[3].Sub(start); elapsed < 3*time.Second/rate-5*time.Millisecond {
		t.Errorf("4 attempts in %v, want at least %v at %d per second", elapsed, 3*time.Second/rate, rate)
	}
	start = time.Now()
	for range 3 {
		if err := b.DoPaced(context.Background(), "vpc", func(context.Context, retry.Attempt) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if time.Since(start) > time.Second {
		t.Errorf("an unlimited service waited %v", time.Since(start))
	}
}

// The cloud's wait rides on the classified error, where the retry loop finds it.
func TestWithWait(t *testing.T) {
	err := apierr.WithWait(&apierr.Error{Class: retry.Throttled}, 2*time.Second)
	var ra retry.RetryAfterer
	if !errors.As(err, &ra) || ra.RetryAfter() != 2*time.Second {
		t.Fatalf("%#v carries no 2s wait", err)
	}
}
