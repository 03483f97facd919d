package acctest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// CheckRetryAfter proves, for one call of cloud (its action in the request
// log), that the client honours the Retry-After of a throttling answer: the
// classified error carries the wait; with a timeout shorter than the wait the
// call gives up at once instead of retrying early; with room for it, the
// retry goes out no earlier than the wait after the throttled answer.
func CheckRetryAfter(t *testing.T, env *Env, cloud, action string, call func(ctx context.Context) error) {
	t.Helper()
	env.RequireEmulator(t)
	throttleOnce := func(seconds int) {
		env.Emulator.SetFaults([]emulator.FaultRule{{Cloud: cloud, Actions: []string{action}, ThrottleRate: 1, RetryAfterSeconds: seconds, Times: 1}})
		env.Emulator.ResetRequests()
	}

	throttleOnce(30)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	start := time.Now()
	err := call(ctx)
	cancel()
	var e *apierr.Error
	var ra retry.RetryAfterer
	switch {
	case !errors.As(err, &e) || e.Class != retry.Throttled:
		t.Fatalf("throttled call: %v, want a throttled *apierr.Error", err)
	case e.Wait != 30*time.Second || !errors.As(err, &ra) || ra.RetryAfter() != 30*time.Second:
		t.Fatalf("throttled call's wait = %v, want the answer's Retry-After of 30s (%v)", e.Wait, err)
	case !errors.Is(err, retry.ErrGaveUp) || time.Since(start) > time.Second:
		t.Fatalf("after %v: %v; want to give up at once, the wait outlasting the 2s timeout", time.Since(start), err)
	}
	if n := len(env.Requests(t, cloud, action)); n != 1 {
		t.Fatalf("%d requests, want the throttled one only", n)
	}

	// No Retry-After: the error names no wait.
	throttleOnce(0)
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	err = call(ctx)
	cancel()
	if !errors.As(err, &e) || e.Class != retry.Throttled || e.Wait != 0 {
		t.Fatalf("throttle without Retry-After: %v (wait %v), want a throttled error with no wait", err, e.Wait)
	}

	throttleOnce(1)
	if err := call(context.Background()); err != nil {
		t.Fatalf("throttled once, then served: %v", err)
	}
	reqs := env.Requests(t, cloud, action)
	if len(reqs) != 2 || reqs[0].Fault != emulator.FaultThrottle || reqs[1].Fault != "" {
		t.Fatalf("request log %+v, want one throttled request and its retry", reqs)
	}
	if gap := reqs[1].Time.Sub(reqs[0].Done); gap < time.Second {
		t.Fatalf("the retry went out %v after the throttled answer, want at least its Retry-After of 1s", gap)
	}
	env.Emulator.SetFaults(nil)
}
