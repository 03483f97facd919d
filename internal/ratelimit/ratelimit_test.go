package ratelimit

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// TestSetCountsTokens checks the pacing by counting tokens at given instants,
// not by measuring elapsed time: a burst of Burst passes, the next request
// waits, and Rate tokens come back per second.
func TestSetCountsTokens(t *testing.T) {
	s := New(map[string]Limit{"cvm": {Rate: 10, Burst: 1}, "vpc": {Rate: 20, Burst: 5}})
	start := time.Now()
	for key, want := range map[string]int{"cvm": 1, "vpc": 5} {
		lim := s.limiter(key)
		got := 0
		for lim.AllowN(start, 1) {
			got++
		}
		if got != want {
			t.Errorf("%s: %d requests passed at once, want the burst %d", key, got, want)
		}
	}
	// One second later, cvm has earned 10 tokens, capped by its burst of 1.
	cvm := s.limiter("cvm")
	passed := 0
	for i := 0; i < 100; i++ {
		// 100 requests spread over one second at 10ms intervals.
		if cvm.AllowN(start.Add(time.Duration(i+1)*10*time.Millisecond), 1) {
			passed++
		}
	}
	if passed != 10 {
		t.Errorf("cvm let %d of 100 requests through in one second, want 10", passed)
	}
}

func TestSetUnlimitedKeys(t *testing.T) {
	var nilSet *Set
	for _, s := range []*Set{nilSet, New(nil), New(map[string]Limit{"cvm": {Rate: 0}})} {
		for i := 0; i < 1000; i++ {
			if err := s.Wait(context.Background(), "cvm"); err != nil {
				t.Fatal(err)
			}
		}
		if _, ok := s.Limit("cvm"); ok {
			t.Error("a key without a positive rate reports a limit")
		}
	}
}

func TestSetSharedPerKey(t *testing.T) {
	s := New(map[string]Limit{"cvm": {Rate: 10, Burst: 1}})
	first, second := s.limiter("cvm"), s.limiter("cvm")
	if first != second {
		t.Fatal("one key got two limiters: callers would not share the rate")
	}
}

func TestWaitHonoursContext(t *testing.T) {
	s := New(map[string]Limit{"cvm": {Rate: 0.001, Burst: 1}})
	if err := s.Wait(context.Background(), "cvm"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Wait(ctx, "cvm")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait after the burst with a cancelled context = %v, want context.Canceled", err)
	}
}

// A wait the operation's timeout cuts short names the timeout, and says that
// no request went out: the limit is not the cause, and nothing landed.
func TestWaitNamesTheTimeout(t *testing.T) {
	s := New(map[string]Limit{"ecs": {Rate: 0.001, Burst: 1}})
	ctx, cancel := retry.WithTimeout(context.Background(), "create", time.Second)
	defer cancel()
	if err := s.Wait(ctx, "ecs"); err != nil {
		t.Fatal(err)
	}
	err := s.Wait(ctx, "ecs")
	if err == nil || err.Error() != "the 1s create timeout expired: waiting for the ecs rate limit (0.001 requests per second)" {
		t.Fatalf("err = %v", err)
	}
	var notSent *retry.NotSentError
	if !errors.As(err, &notSent) || retry.StopOf(err) == nil {
		t.Fatalf("err = %#v, want a stop before any request", err)
	}
}

// BenchmarkWaitUnlimited is the cost every call of an unlimited service pays.
func BenchmarkWaitUnlimited(b *testing.B) {
	s := New(map[string]Limit{"cvm": {Rate: 10, Burst: 1}})
	ctx := context.Background()
	for b.Loop() {
		_ = s.Wait(ctx, "vpc")
	}
}

// A user's setting replaces the default of its key only; 0 turns a limit off.
func TestWithOverrides(t *testing.T) {
	defaults := map[string]Limit{"cvm": PerSecond(10), "vpc": PerSecond(20)}
	got := New(WithOverrides(defaults, map[string]float64{"cvm": 0, "tag": 5}))
	if l, ok := got.Limit("cvm"); ok {
		t.Errorf("cvm = %+v, want no limit", l)
	}
	if l, ok := got.Limit("vpc"); !ok || l != (Limit{Rate: 20, Burst: 1}) {
		t.Errorf("vpc = %+v, %v; want the default", l, ok)
	}
	if l, ok := got.Limit("tag"); !ok || l != (Limit{Rate: 5, Burst: 1}) {
		t.Errorf("tag = %+v, %v; want 5 per second, evenly spaced", l, ok)
	}
	if defaults["cvm"].Rate != 10 {
		t.Error("the defaults were changed")
	}
}

// TestAdaptsToThrottling: a throttled answer halves the rate (once per
// second however many answers say so), down to a tenth of the configured
// rate; each second without throttling gives a tenth back, up to the
// configured rate.
func TestAdaptsToThrottling(t *testing.T) {
	s := New(map[string]Limit{"ecs": PerSecond(10)})
	now := time.Unix(1_000_000, 0)
	s.now = func() time.Time { return now }
	current := func() float64 {
		r, _ := s.Current("ecs")
		return r
	}
	if r := current(); r != 10 {
		t.Fatalf("before throttling: %v, want 10", r)
	}
	for range 5 { // one burst of throttled answers
		s.Throttled("ecs")
	}
	if r := current(); r != 5 {
		t.Fatalf("after one burst: %v, want 5 (halved once)", r)
	}
	for range 10 { // a throttled minute: one decrease per second
		now = now.Add(time.Second)
		s.Throttled("ecs")
	}
	if r := current(); r != 1 {
		t.Fatalf("throttled for 10 s: %v, want the floor of 1", r)
	}
	now = now.Add(3 * time.Second)
	if r := current(); r < 3.99 || r > 4.01 {
		t.Fatalf("3 s after the last throttle: %v, want 4 (three additive steps)", r)
	}
	now = now.Add(time.Minute)
	if r := current(); r != 10 {
		t.Fatalf("a minute later: %v, want back at 10", r)
	}
	s.Throttled("unlimited") // no limit, nothing to adapt
	if _, ok := s.Current("unlimited"); ok {
		t.Fatal("an unlimited key got a limit")
	}
}

// TestWaitAvailableTakesNoToken: WaitAvailable returns once a token is
// free, and leaves it for the call that follows.
func TestWaitAvailableTakesNoToken(t *testing.T) {
	s := New(map[string]Limit{"cvm": PerSecond(20)})
	if err := s.Wait(context.Background(), "cvm"); err != nil { // takes the only token
		t.Fatal(err)
	}
	if err := s.WaitAvailable(context.Background(), "cvm"); err != nil {
		t.Fatal(err)
	}
	if !s.limiter("cvm").Allow() {
		t.Fatal("WaitAvailable took the token it waited for")
	}
	if err := s.WaitAvailable(context.Background(), "unlimited"); err != nil {
		t.Fatal(err)
	}
}
