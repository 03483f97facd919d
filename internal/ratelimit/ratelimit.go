// Package ratelimit keeps a cloud client under the request rates the cloud
// documents, so that a large batch of calls (unbinding hundreds of instances,
// say) is paced on our side instead of being throttled and retried. A Set
// holds one token bucket per key (a service, or a service and action), built
// on first use; keys without a configured limit are not limited.
//
// The limits adapt (additive increase, multiplicative decrease): a throttled
// answer halves its key's rate, at most once per second and down to a tenth
// of the configured one; every second without throttling gives back a tenth
// of the configured rate, up to it. A quota spent by someone else in the
// same account thus slows the provider down to what is left of it, instead
// of every call bouncing off it, and the rate recovers once the quota does.
package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"time"

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
	now    func() time.Time // time.Now; tests set their own clock

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	adapt    map[string]*aimd
}

// Adaptation steps: see the package comment.
const (
	decreaseFactor = 0.5
	floorFraction  = 0.1
	stepFraction   = 0.1
	adaptEvery     = time.Second
)

// aimd is the adaptive state of one key: its current rate and when it last
// changed.
type aimd struct {
	rate      float64
	decreased time.Time
	increased time.Time
}

// New returns a Set that limits each key of limits to its Limit.
func New(limits map[string]Limit) *Set {
	return &Set{limits: limits, now: time.Now, limiters: map[string]*rate.Limiter{}, adapt: map[string]*aimd{}}
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
	s.recover(key, lim)
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

// WaitAvailable blocks until a request under key could go out at once (a
// token is free, after every request already waiting), or ctx ends, without
// taking the token: a batch keeps collecting members meanwhile, and its call
// then takes the token in Wait.
func (s *Set) WaitAvailable(ctx context.Context, key string) error {
	lim := s.limiter(key)
	if lim == nil {
		return nil
	}
	for {
		s.recover(key, lim)
		now := s.now()
		tokens := lim.TokensAt(now)
		if tokens >= 1 || lim.Limit() <= 0 {
			return nil
		}
		wait := time.Duration((1 - tokens) / float64(lim.Limit()) * float64(time.Second))
		t := time.NewTimer(max(wait, time.Millisecond))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Throttled tells the Set that the cloud throttled a request under key: its
// rate halves (once per second at most, so that the answers to one burst
// count once), down to a tenth of the configured rate.
func (s *Set) Throttled(key string) {
	lim := s.limiter(key)
	if lim == nil {
		return
	}
	configured := s.limits[key].Rate
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.adapt[key]
	if a == nil {
		a = &aimd{rate: configured}
		s.adapt[key] = a
	}
	if now.Sub(a.decreased) < adaptEvery {
		return
	}
	a.rate = max(a.rate*decreaseFactor, configured*floorFraction)
	a.decreased, a.increased = now, now
	lim.SetLimitAt(now, rate.Limit(a.rate))
}

// recover gives key's rate back a step per second since its last change,
// up to the configured rate.
func (s *Set) recover(key string, lim *rate.Limiter) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.adapt[key]
	if a == nil {
		return
	}
	configured := s.limits[key].Rate
	steps := int(now.Sub(a.increased) / adaptEvery)
	if steps <= 0 {
		return
	}
	a.rate = min(configured, a.rate+float64(steps)*configured*stepFraction)
	a.increased = a.increased.Add(time.Duration(steps) * adaptEvery)
	lim.SetLimitAt(now, rate.Limit(a.rate))
	if a.rate >= configured {
		delete(s.adapt, key)
	}
}

// Current returns the rate key is paced at now (the configured rate, or
// less after throttling), and whether key is limited.
func (s *Set) Current(key string) (float64, bool) {
	lim := s.limiter(key)
	if lim == nil {
		return 0, false
	}
	s.recover(key, lim)
	return float64(lim.Limit()), true
}

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
