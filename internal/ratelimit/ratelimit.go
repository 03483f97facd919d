// Package ratelimit keeps a cloud client under the request rates the cloud
// documents, so that a large batch of calls (unbinding hundreds of instances,
// say) is paced on our side instead of being throttled and retried. A Set
// holds one token bucket per key (a service, or a service and action), built
// on first use; keys without a configured limit are not limited.
package ratelimit

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/time/rate"

	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// Limit is a documented rate: Rate requests per second, with bursts of up to
// Burst requests (at least 1).
type Limit struct {
	Rate  float64
	Burst int
}

// Set is a group of limiters keyed by string. It is safe for concurrent use;
// the zero value limits nothing.
type Set struct {
	limits map[string]Limit

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

// New returns a Set that limits each key of limits to its Limit.
func New(limits map[string]Limit) *Set {
	return &Set{limits: limits, limiters: map[string]*rate.Limiter{}}
}

// limiter returns key's limiter, or nil when key has no limit.
func (s *Set) limiter(key string) *rate.Limiter {
	if s == nil {
		return nil
	}
	l, ok := s.limits[key]
	if !ok || l.Rate <= 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lim := s.limiters[key]
	if lim == nil {
		lim = rate.NewLimiter(rate.Limit(l.Rate), max(1, l.Burst))
		s.limiters[key] = lim
	}
	return lim
}

// Wait blocks until a request under key may go out, or ctx ends (a
// *retry.StoppedError inside a *retry.NotSentError). Keys without a limit
// return at once.
func (s *Set) Wait(ctx context.Context, key string) error {
	lim := s.limiter(key)
	if lim == nil {
		return nil
	}
	if err := lim.Wait(ctx); err != nil {
		// Name the timeout or the interrupt that ended the wait, not the
		// limit: the limit only paced the call. No request went out.
		waiting := &waitError{key: key, rate: lim.Limit(), err: err}
		if ctx.Err() != nil {
			return &retry.NotSentError{Err: retry.Stopped(ctx, waiting)}
		}
		// The wait would pass the deadline: the limiter says so at once.
		return &retry.NotSentError{Err: retry.StoppedEarly(ctx, waiting)}
	}
	return nil
}

// waitError is a wait for key's limit that did not end in a request.
type waitError struct {
	key  string
	rate rate.Limit
	err  error
}

func (e *waitError) Error() string {
	return fmt.Sprintf("waiting for the %s rate limit (%v requests per second)", e.key, e.rate)
}

func (e *waitError) Unwrap() error { return e.err }

// Limit returns the limit configured for key and whether there is one.
func (s *Set) Limit(key string) (Limit, bool) {
	if s == nil {
		return Limit{}, false
	}
	l, ok := s.limits[key]
	return l, ok && l.Rate > 0
}

// PerSecond is a limit of rps requests per second, evenly spaced (a burst of
// 1), so that a cloud counting per second on its own clock never sees more
// than rps. A rate of 0 is no limit.
func PerSecond(rps float64) Limit { return Limit{Rate: rps, Burst: 1} }

// WithOverrides returns defaults with the services of rps set to
// PerSecond(rps[service]): a user's setting wins, and 0 turns a limit off.
func WithOverrides(defaults map[string]Limit, rps map[string]float64) map[string]Limit {
	out := make(map[string]Limit, len(defaults)+len(rps))
	for k, l := range defaults {
		out[k] = l
	}
	for k, r := range rps {
		out[k] = PerSecond(r)
	}
	return out
}
