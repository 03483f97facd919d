package retry

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

type classed struct {
	class Class
	after time.Duration
}

func (c classed) Error() string             { return c.class.String() }
func (c classed) RetryAfter() time.Duration { return c.after }

func classOf(err error) Class {
	var c classed
	if errors.As(err, &c) {
		return c.class
	}
	return Unknown
}

var fast = Policy{MaxRetries: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}

func TestDo_RetriesThrottledThenSucceeds(t *testing.T) {
	calls := 0
	err := Do(context.Background(), fast, classOf, func(context.Context, Attempt) error {
		calls++
		if calls < 3 {
			return classed{class: Throttled}
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("err=%v calls=%d, want nil after 3 calls", err, calls)
	}
}

func TestDo_StopsAtMaxRetries(t *testing.T) {
	calls := 0
	err := Do(context.Background(), fast, classOf, func(context.Context, Attempt) error {
		calls++
		return classed{class: Transient}
	})
	if calls != fast.MaxRetries+1 {
		t.Fatalf("calls=%d, want %d", calls, fast.MaxRetries+1)
	}
	var gave *GaveUpError
	if !errors.As(err, &gave) || !errors.Is(err, ErrGaveUp) || classOf(err) != Transient {
		t.Fatalf("err=%v, want a GaveUpError that still carries the transient error", err)
	}
}

func TestDo_DoesNotRetryOtherClasses(t *testing.T) {
	for _, c := range []Class{Unknown, NotFound, Conflict, Invalid, Auth} {
		calls := 0
		err := Do(context.Background(), fast, classOf, func(context.Context, Attempt) error {
			calls++
			return classed{class: c}
		})
		if calls != 1 || classOf(err) != c {
			t.Errorf("%s: calls=%d err=%v, want one call and the error back", c, calls, err)
		}
	}
}

func TestDo_BusyIsBoundedByDeadlineNotRetries(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	calls := 0
	err := Do(ctx, fast, classOf, func(context.Context, Attempt) error {
		calls++
		return classed{class: Busy}
	})
	if calls <= fast.MaxRetries+1 {
		t.Fatalf("busy was retried %d times; it should outlast MaxRetries until the deadline", calls)
	}
	if !errors.Is(err, ErrGaveUp) {
		t.Fatalf("err=%v, want ErrGaveUp", err)
	}
}

func TestDo_AttemptNumbers(t *testing.T) {
	var seen []Attempt
	_ = Do(context.Background(), fast, classOf, func(_ context.Context, a Attempt) error {
		seen = append(seen, a)
		if len(seen) < 2 {
			return classed{class: Throttled}
		}
		return nil
	})
	if len(seen) != 2 || seen[0].Retry() || !seen[1].Retry() {
		t.Fatalf("attempts %+v: the first must not be a retry, the second must", seen)
	}
}

// Only a transient failure may have been carried out: after a throttle alone,
// "already so" is not our own doing.
func TestDo_AfterLostAnswer(t *testing.T) {
	var seen []Attempt
	errs := []error{classed{class: Throttled}, classed{class: Transient}, classed{class: Throttled}}
	_ = Do(context.Background(), fast, classOf, func(_ context.Context, a Attempt) error {
		seen = append(seen, a)
		if len(seen) <= len(errs) {
			return errs[len(seen)-1]
		}
		return nil
	})
	var got []bool
	for _, a := range seen {
		got = append(got, a.AfterLostAnswer())
	}
	if fmt.Sprint(got) != "[false false true true]" {
		t.Fatalf("AfterLostAnswer per attempt = %v, want [false false true true]", got)
	}
}

func TestDo_HonoursRetryAfterAndDeadline(t *testing.T) {
	// A Retry-After longer than the time left ends the loop at once instead of sleeping past the deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	calls := 0
	err := Do(ctx, fast, classOf, func(context.Context, Attempt) error {
		calls++
		return classed{class: Throttled, after: time.Hour}
	})
	if calls != 1 || !errors.Is(err, ErrGaveUp) {
		t.Fatalf("calls=%d err=%v, want one call and ErrGaveUp", calls, err)
	}
}

func TestBackoff_GrowsAndIsCapped(t *testing.T) {
	p := Policy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for n := 1; n < 12; n++ {
		d := backoff(p, n)
		ceiling := p.BaseDelay << (n - 1)
		if ceiling > p.MaxDelay || ceiling <= 0 {
			ceiling = p.MaxDelay
		}
		if d < ceiling/2 || d > ceiling {
			t.Fatalf("backoff(%d)=%s, want within [%s, %s]", n, d, ceiling/2, ceiling)
		}
	}
}

func TestWaitFor(t *testing.T) {
	n := 0
	err := WaitFor(context.Background(), func(context.Context) (bool, error) {
		n++
		return n == 3, nil
	})
	if err != nil || n != 3 {
		t.Fatalf("err=%v n=%d", err, n)
	}
	boom := errors.New("boom")
	if err := WaitFor(context.Background(), func(context.Context) (bool, error) { return false, boom }); !errors.Is(err, boom) {
		t.Fatalf("err=%v, want boom", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := WaitFor(ctx, func(context.Context) (bool, error) { return false, nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err=%v, want deadline exceeded", err)
	}
}

// TestDo_ThrottledWaitsUntilDeadline: a throttled call is retried past
// MaxRetries until the deadline (a spent quota is a wait), and then gives up
// with the cloud's error; a transient one stops at MaxRetries.
func TestDo_ThrottledWaitsUntilDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	calls := 0
	err := Do(ctx, fast, classOf, func(context.Context, Attempt) error {
		calls++
		return classed{class: Throttled}
	})
	var gave *GaveUpError
	if calls <= fast.MaxRetries+1 || !errors.As(err, &gave) || gave.Reason != "timeout reached" || classOf(err) != Throttled {
		t.Fatalf("throttled for ever: %d calls, %v; want retries past MaxRetries=%d until the timeout", calls, err, fast.MaxRetries)
	}

	calls = 0
	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Minute)
	defer cancel2()
	err = Do(ctx2, fast, classOf, func(context.Context, Attempt) error {
		calls++
		return classed{class: Transient}
	})
	if calls != fast.MaxRetries+1 || !errors.As(err, &gave) || gave.Reason != "max_retries reached" {
		t.Fatalf("transient: %d calls, %v; want MaxRetries+1", calls, err)
	}
}
