package retry

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// call is an error that names its call, as *apierr.Error does.
type call struct {
	class    Class
	answered bool
}

func (c call) Error() string  { return "cloud SVC Action: " + c.class.String() }
func (c call) Call() string   { return "cloud SVC Action" }
func (c call) Answered() bool { return c.answered }

func classOfCall(err error) Class {
	var c call
	if errors.As(err, &c) {
		return c.class
	}
	return classOf(err)
}

// A write whose answer was lost, then retried until max_retries, may have
// landed; a refusal on the first try, or throttling alone, did nothing.
func TestDo_MayHaveLanded(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answers []Class
		want    bool
	}{
		{"refused", []Class{Invalid}, false},
		{"throttled out", []Class{Throttled, Throttled, Throttled, Throttled}, false},
		{"lost then refused", []Class{Transient, Conflict}, true},
		{"lost out", []Class{Transient, Transient, Transient, Transient}, true},
		{"throttled then lost out", []Class{Throttled, Transient, Transient, Transient}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			err := Do(context.Background(), fast, classOfCall, func(context.Context, Attempt) error {
				c := tc.answers[min(n, len(tc.answers)-1)]
				n++
				return call{class: c, answered: true}
			})
			if err == nil || MayHaveLanded(err) != tc.want {
				t.Fatalf("err=%v MayHaveLanded=%v, want %v", err, MayHaveLanded(err), tc.want)
			}
			if got := classOfCall(err); got != tc.answers[min(n-1, len(tc.answers)-1)] {
				t.Fatalf("class %v: the wrapping hides the last error", got)
			}
		})
	}
}

// An attempt in flight when the context ends may have landed; a wait that
// ended before the request went out did not.
func TestDo_CutOff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	err := Do(ctx, fast, classOfCall, func(context.Context, Attempt) error {
		cancel()
		return call{class: Unknown}
	})
	if !MayHaveLanded(err) || !errors.Is(err, ErrInterrupted) || !errors.Is(err, context.Canceled) {
		t.Fatalf("in flight: err=%v, want an interrupted write that may have landed", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	err = Do(ctx, fast, classOfCall, func(context.Context, Attempt) error {
		cancel()
		return &NotSentError{Err: Stopped(ctx, ctx.Err())}
	})
	if MayHaveLanded(err) || !errors.Is(err, ErrInterrupted) {
		t.Fatalf("not sent: err=%v, want an interrupted call that did nothing", err)
	}
	// No attempt starts after the end: an SDK without a context would run it.
	calls := 0
	err = Do(ctx, fast, classOfCall, func(context.Context, Attempt) error { calls++; return nil })
	if calls != 0 || !errors.Is(err, ErrInterrupted) {
		t.Fatalf("calls=%d err=%v, want no call and interrupted", calls, err)
	}
}

// The message names the timeout and what to raise, never "context deadline
// exceeded" or the endpoint a cut-off call went to; an answer the cloud did
// give is kept.
func TestStoppedError_Messages(t *testing.T) {
	ctx, cancel := WithTimeout(context.Background(), "create", 20*time.Millisecond)
	defer cancel()
	err := Do(ctx, Policy{MaxRetries: 100, BaseDelay: 5 * time.Millisecond, MaxDelay: 5 * time.Millisecond}, classOfCall,
		func(context.Context, Attempt) error { return call{class: Throttled, answered: true} })
	msg := err.Error()
	for _, want := range []string{"the 20ms create timeout expired during cloud SVC Action", "its last answer: cloud SVC Action: throttled"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not say %q", msg, want)
		}
	}
	if h := StopOf(err).Hint(); !strings.Contains(h, `timeouts { create = "..." }`) || !strings.Contains(h, "20ms") {
		t.Errorf("hint %q does not say to raise timeouts.create", h)
	}

	// Waits report the timeout too, and a call without an answer is not quoted.
	ctx, cancel = WithTimeout(context.Background(), "delete", time.Millisecond)
	defer cancel()
	err = WaitFor(ctx, func(context.Context) (bool, error) { return false, nil })
	if msg := err.Error(); msg != "the 1ms delete timeout expired" || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitFor: %q", msg)
	}
	stopped := &StoppedError{Cause: ErrInterrupted, Last: call{class: Transient}}
	if msg := stopped.Error(); msg != ErrInterrupted.Error()+" during cloud SVC Action" {
		t.Errorf("interrupted: %q", msg)
	}
	if h := stopped.Hint(); !strings.Contains(h, "apply again") {
		t.Errorf("interrupted hint %q", h)
	}
}

// A deadline too near for the next retry names the operation's timeout
// before the context has even ended.
func TestDo_TimeoutTooNearForRetry(t *testing.T) {
	ctx, cancel := WithTimeout(context.Background(), "update", time.Hour)
	defer cancel()
	ctx, cancel2 := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel2()
	err := Do(ctx, Policy{MaxRetries: 5, BaseDelay: time.Second, MaxDelay: time.Second}, classOfCall,
		func(context.Context, Attempt) error { return call{class: Transient} })
	if !strings.HasPrefix(err.Error(), "the 1h0m0s update timeout expired") || !errors.Is(err, ErrGaveUp) || !MayHaveLanded(err) {
		t.Fatalf("err=%v", err)
	}
}

// A busy object waited for until the timeout, whose last attempt the timeout
// cut off, is reported with the cloud's last answer, not the cut-off attempt.
func TestDo_CutOffKeepsTheLastAnswer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := Do(ctx, Policy{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}, classOfCall, func(ctx context.Context, a Attempt) error {
		if a.N == 1 {
			return call{class: Busy, answered: true}
		}
		<-ctx.Done() // the timeout ends the attempt in flight
		return call{class: Unknown}
	})
	var c call
	if !errors.As(err, &c) || !c.answered || c.class != Busy {
		t.Fatalf("got %v, want the busy answer", err)
	}
	if !strings.Contains(err.Error(), "its last answer: cloud SVC Action: busy") {
		t.Errorf("message %q does not give the last answer", err)
	}
	if !MayHaveLanded(err) {
		t.Error("an attempt cut off in flight may have landed")
	}
}

// A context made for a batch of callers keeps the operation's values but not
// its cause: its deadline still names the operation's timeout.
func TestCause_DeadlineOfADetachedContext(t *testing.T) {
	op, cancel := WithTimeout(context.Background(), "create", time.Hour)
	defer cancel()
	detached, cancel2 := context.WithDeadline(context.WithoutCancel(op), time.Now().Add(-time.Second))
	defer cancel2()
	var te *TimeoutError
	if err := Cause(detached); !errors.As(err, &te) || te.Op != "create" {
		t.Fatalf("Cause = %v, want the create timeout", err)
	}
	plain, cancel3 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel3()
	if err := Cause(plain); !errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) {
		t.Fatalf("Cause of an unnamed deadline = %v", err)
	}
}
