package retry

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// TimeoutError is the cause of a context that WithTimeout bounds: the
// operation's timeout (the resource's timeouts block) ran out.
type TimeoutError struct {
	Op      string        // "create", "update", "delete"
	Timeout time.Duration // the timeout in force
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("the %s %s timeout expired", e.Timeout, e.Op)
}

// Unwrap keeps errors.Is(err, context.DeadlineExceeded) true.
func (e *TimeoutError) Unwrap() error { return context.DeadlineExceeded }

// Hint says what to change: the timeout is the user's to raise.
func (e *TimeoutError) Hint() string {
	return fmt.Sprintf("Raise the timeout: timeouts { %s = \"...\" } in the resource's configuration (it was %s), or retry later if the cloud was slow or throttling.", e.Op, e.Timeout)
}

type timeoutKey struct{}

// WithTimeout bounds an operation (op: "create", "update", "delete") by its
// timeout, so that every error it ends in names that timeout rather than a
// bare "context deadline exceeded" or the endpoint the call went to.
func WithTimeout(ctx context.Context, op string, timeout time.Duration) (context.Context, context.CancelFunc) {
	cause := &TimeoutError{Op: op, Timeout: timeout}
	return context.WithTimeoutCause(context.WithValue(ctx, timeoutKey{}, cause), timeout, cause)
}

// ErrInterrupted is the cause of an operation whose context was canceled from
// outside: terraform was interrupted (Ctrl-C, SIGINT or SIGTERM) and asked the
// provider to stop.
var ErrInterrupted error = interrupted{}

// interrupted unwraps to context.Canceled, so that errors.Is(err,
// context.Canceled) stays true of an interrupted operation's error.
type interrupted struct{}

func (interrupted) Error() string {
	return "interrupted: terraform was asked to stop (Ctrl-C or a signal)"
}
func (interrupted) Unwrap() error { return context.Canceled }

// Cause says why ctx ended: a *TimeoutError, ErrInterrupted, or the plain
// context error of a deadline nobody named. It is nil while ctx is live.
func Cause(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	cause := context.Cause(ctx)
	var te *TimeoutError
	switch {
	case errors.As(cause, &te):
		return te
	case errors.Is(cause, context.Canceled):
		return ErrInterrupted
	}
	// A context that carries the operation's values but not its cause (a
	// batch call made for several callers lasts until the latest of their
	// deadlines): its deadline is the operation's timeout.
	if te, ok := ctx.Value(timeoutKey{}).(*TimeoutError); ok && errors.Is(cause, context.DeadlineExceeded) {
		return te
	}
	return cause
}

// expiring is the cause to name when ctx's deadline is too near for the next
// retry: ctx is still live, but the operation's timeout is what stops it.
func expiring(ctx context.Context) error {
	if c := Cause(ctx); c != nil {
		return c
	}
	if te, ok := ctx.Value(timeoutKey{}).(*TimeoutError); ok {
		return te
	}
	return context.DeadlineExceeded
}

// Caller is implemented by errors that name the call they are about, such as
// "tencentcloud CVM AssociateSecurityGroups", and tell whether the cloud
// answered it (a throttle, a 5xx) or not (no answer, cut off).
type Caller interface {
	Call() string
	Answered() bool
}

// StoppedError is an operation that its context stopped (its timeout, or an
// interrupt), not the cloud: Cause says which. Last is the last error of the
// call under way, which the message keeps only when it is the cloud's own
// answer: "no answer: context canceled" would blame the endpoint.
type StoppedError struct {
	Cause error
	Last  error
}

// Stopped returns a *StoppedError for err when ctx has ended (or err already
// is one), else err.
func Stopped(ctx context.Context, err error) error {
	var s *StoppedError
	if err == nil || errors.As(err, &s) || ctx.Err() == nil {
		return err
	}
	return &StoppedError{Cause: Cause(ctx), Last: err}
}

// StoppedEarly is the *StoppedError of a wait that ctx's deadline would cut
// short: ctx is still live, but its timeout is what stops the operation.
func StoppedEarly(ctx context.Context, err error) error {
	return &StoppedError{Cause: expiring(ctx), Last: err}
}

func (e *StoppedError) Error() string {
	msg := e.Cause.Error()
	var c Caller
	if errors.As(e.Last, &c) {
		msg += " during " + c.Call()
		if c.Answered() {
			msg += "; its last answer: " + e.Last.Error()
		}
	} else if e.Last != nil && e.Last != context.Canceled && e.Last != context.DeadlineExceeded {
		msg += ": " + e.Last.Error()
	}
	return msg
}

// Unwrap keeps the cause (errors.Is(err, ErrInterrupted)) and the last error
// (its class, its request ID) reachable.
func (e *StoppedError) Unwrap() []error { return []error{e.Cause, e.Last} }

// Hint says what to do about a stopped operation.
func (e *StoppedError) Hint() string {
	var te *TimeoutError
	if errors.As(e.Cause, &te) {
		return te.Hint()
	}
	if errors.Is(e.Cause, ErrInterrupted) {
		return "Run the apply again to finish what was started."
	}
	return "The operation's time ran out; retry, and raise its timeout if this recurs."
}

// StopOf returns the *StoppedError in err's chain, or nil.
func StopOf(err error) *StoppedError {
	var s *StoppedError
	if errors.As(err, &s) {
		return s
	}
	return nil
}

// UncertainError is the error of a Do whose op may have been carried out
// although Do failed: an attempt's answer was lost (a Transient failure),
// or the context ended while an attempt was in flight. For a write, the
// object may exist now.
type UncertainError struct{ Err error }

func (e *UncertainError) Error() string { return e.Err.Error() }
func (e *UncertainError) Unwrap() error { return e.Err }

// MayHaveLanded reports whether the write that failed with err may have been
// carried out all the same: its answer was lost or cut off. A refusal (an
// invalid request, a conflict, missing rights) and a wait that ended before
// the call went out did nothing.
func MayHaveLanded(err error) bool {
	var u *UncertainError
	return errors.As(err, &u)
}

// Landed marks err, the failure of a step after a write that succeeded, so
// that MayHaveLanded(err) holds: the write is not to be forgotten.
func Landed(err error) error {
	if err == nil || MayHaveLanded(err) {
		return err
	}
	return &UncertainError{Err: err}
}

// NotSentError marks an attempt that ended before its request went out (a
// client-side rate limit's wait): it cannot have been carried out.
type NotSentError struct{ Err error }

func (e *NotSentError) Error() string { return e.Err.Error() }
func (e *NotSentError) Unwrap() error { return e.Err }

func notSent(err error) bool {
	var n *NotSentError
	return errors.As(err, &n)
}
