// Package retry holds the one retry loop every cloud client uses. Each cloud
// classifies its own errors into a Class; the loop decides from the Class alone,
// so throttling, transient failures and busy resources behave the same on
// Huawei Cloud, Alibaba Cloud and Tencent Cloud.
package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"time"
)

// Class is what a cloud error means for the caller.
type Class int

const (
	// Unknown errors are returned at once: never swallowed, never retried blindly.
	Unknown Class = iota
	// NotFound: the object (or the relation) does not exist.
	NotFound
	// Throttled: the cloud asked us to slow down. Retried with backoff
	// until the deadline, not bounded by MaxRetries: a spent quota is a wait.
	Throttled
	// Transient: 5xx, connection reset, timeout. Retried with backoff.
	Transient
	// Busy: the object is in a state that does not allow the operation yet
	// (e.g. an instance that is Starting). Retried until the deadline, not bounded by MaxRetries.
	Busy
	// Conflict: the object is in use or already exists.
	Conflict
	// Invalid: the request itself is wrong; retrying cannot help.
	Invalid
	// Auth: credentials are missing, wrong or lack permission.
	Auth
)

func (c Class) String() string {
	switch c {
	case NotFound:
		return "not found"
	case Throttled:
		return "throttled"
	case Transient:
		return "transient"
	case Busy:
		return "busy"
	case Conflict:
		return "conflict"
	case Invalid:
		return "invalid"
	case Auth:
		return "auth"
	default:
		return "unknown"
	}
}

// Retryable reports whether the loop tries again after an error of this class.
func (c Class) Retryable() bool {
	return c == Throttled || c == Transient || c == Busy
}

// Classifier maps an error to its Class. Each cloud package provides one.
type Classifier func(error) Class

// RetryAfterer is implemented by errors that carry the cloud's own wait hint.
type RetryAfterer interface {
	RetryAfter() time.Duration
}

// Policy bounds the loop. The context deadline (the resource's timeout) bounds it too.
type Policy struct {
	// MaxRetries is how many times a transient failure (5xx, connection) is
	// retried. Throttled and busy answers are retried until the deadline.
	MaxRetries int
	// BaseDelay is the first backoff; it doubles on each retry up to MaxDelay.
	BaseDelay time.Duration
	MaxDelay  time.Duration
}

// DefaultPolicy is used when the provider's max_retries is not set. Ten
// retries of a transient failure ride out about a minute of a failing
// backend (backoff 0.2 s doubling to the 10 s cap), while a wrong endpoint
// still fails within that minute rather than at the operation's timeout.
var DefaultPolicy = Policy{MaxRetries: 10, BaseDelay: 200 * time.Millisecond, MaxDelay: 10 * time.Second}

// Attempt is handed to the operation so a mutating call can tell a first try from a retry:
// after an attempt whose answer was lost, the cloud's "already so" answer may be the echo of
// our own earlier success.
type Attempt struct {
	N int // 1 for the first try
	// lost: an earlier attempt failed as Transient (5xx, connection, timeout),
	// so the cloud may have carried it out.
	lost bool
}

// Retry reports whether this attempt follows an earlier one.
func (a Attempt) Retry() bool { return a.N > 1 }

// AfterLostAnswer reports whether an earlier attempt's answer may have been
// lost after the cloud carried it out. A throttled or busy answer carried
// nothing out, so after those alone an "already so" is someone else's doing.
func (a Attempt) AfterLostAnswer() bool { return a.lost }

type attemptKey struct{}

// AttemptOf returns the attempt that ctx, as Do hands it to op, belongs to:
// the request log reads the attempt number from it.
func AttemptOf(ctx context.Context) (Attempt, bool) {
	a, ok := ctx.Value(attemptKey{}).(Attempt)
	return a, ok
}

// ErrGaveUp wraps the last error when the retries or the deadline ran out.
var ErrGaveUp = errors.New("gave up retrying")

// Do runs op until it succeeds, fails with a class that is not retryable,
// exhausts p.MaxRetries (transient), or the context ends. Throttled and busy
// answers are retried until the context's deadline, with a backoff that
// grows to p.MaxDelay (a throttled context without a deadline is bounded by
// p.MaxRetries). An error after an attempt that may have been carried out
// (its answer lost or cut off) is an *UncertainError (see MayHaveLanded); one
// that the context stopped is a *StoppedError that names the cause, not the
// endpoint.
func Do(ctx context.Context, p Policy, classify Classifier, op func(ctx context.Context, a Attempt) error) error {
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultPolicy.BaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultPolicy.MaxDelay
	}
	retries := 0
	lost := false
	var answered error // the cloud's last busy or throttled answer, for a stop that cuts off a later attempt
	var prev error     // the last attempt's error
	for n := 1; ; n++ {
		if ctx.Err() != nil {
			// No attempt after the deadline or an interrupt, even with an
			// SDK that takes no context (Huawei Cloud's).
			if prev == nil {
				return uncertain(Stopped(ctx, ctx.Err()), lost)
			}
			last := prev
			if answered != nil && !isAnswer(prev) {
				last = answered
			}
			return uncertain(Stopped(ctx, &GaveUpError{Err: last, Attempts: n - 1, Reason: "timeout reached"}), lost)
		}
		a := Attempt{N: n, lost: lost}
		err := op(context.WithValue(ctx, attemptKey{}, a), a)
		if err == nil {
			return nil
		}
		prev = err
		class := classify(err)
		lost = lost || class == Transient
		if ctx.Err() != nil {
			// Cut off: an attempt in flight may have been carried out.
			landed := lost || !notSent(err)
			if last := answered; last != nil && !isAnswer(err) {
				// Report what the retries waited out (a busy code, say), not
				// the attempt the stop cut short.
				err = last
			}
			if class.Retryable() || err == answered {
				err = &GaveUpError{Err: err, Attempts: n, Reason: "timeout reached"}
			}
			return uncertain(Stopped(ctx, err), landed)
		}
		if (class == Busy || class == Throttled) && isAnswer(err) {
			answered = err // what the timeout was spent waiting out
		}
		if !class.Retryable() {
			return uncertain(err, lost)
		}
		_, hasDeadline := ctx.Deadline()
		// A throttle is a wait bounded by the deadline; a caller without one
		// (none in the provider: every operation has its timeout) is bounded
		// by MaxRetries rather than waiting for ever.
		if class == Transient || class == Throttled && !hasDeadline {
			if retries >= p.MaxRetries {
				return uncertain(&GaveUpError{Err: err, Attempts: n, Reason: "max_retries reached"}, lost)
			}
			retries++
		}
		delay := backoff(p, n)
		var ra RetryAfterer
		if errors.As(err, &ra) && ra.RetryAfter() > delay {
			delay = ra.RetryAfter()
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			return uncertain(&StoppedError{Cause: expiring(ctx), Last: &GaveUpError{Err: err, Attempts: n, Reason: "timeout reached"}}, lost)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return uncertain(Stopped(ctx, &GaveUpError{Err: err, Attempts: n, Reason: "timeout reached"}), lost)
		case <-t.C:
		}
	}
}

// isAnswer reports whether err is the cloud's answer to a call, as opposed
// to no answer at all.
func isAnswer(err error) bool {
	var c Caller
	return errors.As(err, &c) && c.Answered()
}

func uncertain(err error, lost bool) error {
	if lost {
		return &UncertainError{Err: err}
	}
	return err
}

// backoff is exponential with full jitter over the upper half, so parallel
// callers that were throttled together do not come back together.
func backoff(p Policy, n int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	if d > p.MaxDelay {
		d = p.MaxDelay
	}
	half := d / 2
	return half + rand.N(half+1)
}

// GaveUpError is returned when retrying stopped; it keeps the cloud's last error.
type GaveUpError struct {
	Err      error
	Attempts int
	Reason   string
}

func (e *GaveUpError) Error() string {
	return e.Err.Error() + " (after " + strconv.Itoa(e.Attempts) + " attempts, " + e.Reason + ")"
}

func (e *GaveUpError) Unwrap() []error { return []error{e.Err, ErrGaveUp} }
