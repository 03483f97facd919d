package emulator

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// FaultRule injects faults into the requests it matches. Every matching rule
// applies: latencies add up and each rate rolls independently. A throttle
// (from ThrottleRate or RateLimitQPS) wins over an error code, which wins
// over a server error, which wins over a drop.
type FaultRule struct {
	Cloud        string   `json:"cloud,omitempty"`          // empty = every cloud
	Service      string   `json:"service,omitempty"`        // empty = every service
	Actions      []string `json:"actions,omitempty"`        // empty = every action
	LatencyMS    int      `json:"latency_ms,omitempty"`     // added before the answer
	ThrottleRate float64  `json:"throttle_rate,omitempty"`  // 0..1: throttling answer, no state change
	ErrorRate    float64  `json:"error_rate,omitempty"`     // 0..1: 5xx answer, no state change
	DropRate     float64  `json:"drop_rate,omitempty"`      // 0..1: change applied, answer replaced by a 5xx
	RateLimitQPS float64  `json:"rate_limit_qps,omitempty"` // token bucket per (cloud, action); over it = throttling answer
	// RateLimitBurst is the bucket's size: how many requests may come at
	// once. 0 = one second's worth (RateLimitQPS).
	RateLimitBurst int   `json:"rate_limit_burst,omitempty"`
	Seed           int64 `json:"seed,omitempty"` // deterministic rolls when set
	// RetryAfterSeconds adds a Retry-After header (in seconds) to the
	// throttling answers of this rule; 0 keeps the cloud's plain answer.
	RetryAfterSeconds int `json:"retry_after_s,omitempty"`
	// Times ends the rule after it has matched this many requests (0 = never),
	// so a test can lose exactly one answer, or throttle exactly the first N calls.
	Times int `json:"times,omitempty"`
	// After lets the first After matching requests through untouched: the
	// rule applies from the next one on (to the Times after them), so a test
	// can lose one answer and have the retry answered with a code.
	After int `json:"after,omitempty"`
	// ErrorCode answers every matching request with this error code of the
	// cloud, in the cloud's own error format, and changes nothing: for the
	// documented answers the emulated state never leads to (the gateway's
	// "no such API", a busy object). ErrorStatus is its HTTP status (0: the
	// cloud's usual status for errors).
	ErrorCode   string `json:"error_code,omitempty"`
	ErrorStatus int    `json:"error_status,omitempty"`
	// ForMS ends the rule this many milliseconds after the rules were set
	// (0 = never): with ThrottleRate 1 and only Cloud (or Service) set, a
	// whole cloud or service is throttled for a time window, as when
	// another pipeline has spent the account's quota for a minute.
	ForMS int `json:"for_ms,omitempty"`
}

func (fr FaultRule) matches(cloud, service, action string) bool {
	return (fr.Cloud == "" || fr.Cloud == cloud) &&
		(fr.Service == "" || fr.Service == service) &&
		(len(fr.Actions) == 0 || slices.Contains(fr.Actions, action))
}

// validate reports a rule whose numbers are out of range.
func (fr FaultRule) validate() error {
	var errs []error
	for name, rate := range map[string]float64{
		"throttle_rate": fr.ThrottleRate, "error_rate": fr.ErrorRate, "drop_rate": fr.DropRate,
	} {
		if rate < 0 || rate > 1 {
			errs = append(errs, fmt.Errorf("%s %v is outside 0..1", name, rate))
		}
	}
	if fr.LatencyMS < 0 {
		errs = append(errs, fmt.Errorf("latency_ms %d is negative", fr.LatencyMS))
	}
	if fr.ErrorStatus != 0 && (fr.ErrorStatus < 100 || fr.ErrorStatus > 599) {
		errs = append(errs, fmt.Errorf("error_status %d is not an HTTP status", fr.ErrorStatus))
	}
	if fr.ErrorStatus != 0 && fr.ErrorCode == "" {
		errs = append(errs, errors.New("error_status needs an error_code"))
	}
	if fr.ForMS < 0 {
		errs = append(errs, fmt.Errorf("for_ms %d is negative", fr.ForMS))
	}
	if fr.Times < 0 {
		errs = append(errs, fmt.Errorf("times %d is negative", fr.Times))
	}
	if fr.After < 0 {
		errs = append(errs, fmt.Errorf("after %d is negative", fr.After))
	}
	if fr.RetryAfterSeconds < 0 {
		errs = append(errs, fmt.Errorf("retry_after_s %d is negative", fr.RetryAfterSeconds))
	}
	if fr.RateLimitBurst < 0 {
		errs = append(errs, fmt.Errorf("rate_limit_burst %d is negative", fr.RateLimitBurst))
	}
	if fr.RateLimitQPS < 0 {
		errs = append(errs, fmt.Errorf("rate_limit_qps %v is negative", fr.RateLimitQPS))
	}
	return errors.Join(errs...)
}

// SetFaults replaces all fault rules; nil clears them. Rate-limit buckets and
// seeded random sequences start afresh.
func (s *Server) SetFaults(rules []FaultRule) { s.faults.replace(rules) }

// Faults returns a copy of the fault rules.
func (s *Server) Faults() []FaultRule { return s.faults.list() }

// decision is what the fault rules make of one request.
type decision struct {
	latency    time.Duration
	kind       FaultKind     // empty: serve normally
	retryAfter time.Duration // with FaultThrottle: the Retry-After to send, 0 for none
	code       string        // with FaultCode: the error code to answer
	status     int           // with FaultCode: its HTTP status, 0 for the cloud's usual
}

type bucketKey struct {
	rule          int
	cloud, action string
}

// bucket is a token bucket holding up to RateLimitBurst requests (one second's worth by default).
type bucket struct {
	tokens float64
	last   time.Time
}

type faultSet struct {
	mu      sync.Mutex
	rules   []FaultRule
	rngs    []*rand.Rand // per rule; nil for unseeded rules
	matched []int        // per rule: requests matched so far, for Times
	buckets map[bucketKey]*bucket
	setAt   time.Time // when the rules were set, for ForMS
}

func newFaultSet(rules []FaultRule) *faultSet {
	f := &faultSet{}
	f.replace(rules)
	return f
}

func (f *faultSet) replace(rules []FaultRule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = cloneRules(rules)
	f.rngs = make([]*rand.Rand, len(rules))
	f.matched = make([]int, len(rules))
	for i, r := range rules {
		if r.Seed != 0 {
			f.rngs[i] = rand.New(rand.NewPCG(uint64(r.Seed), uint64(r.Seed)))
		}
	}
	f.buckets = map[bucketKey]*bucket{}
	f.setAt = time.Now()
}

func (f *faultSet) list() []FaultRule {
	f.mu.Lock()
	defer f.mu.Unlock()
	return cloneRules(f.rules)
}

func (f *faultSet) decide(cloud, service, action string, now time.Time) decision {
	f.mu.Lock()
	defer f.mu.Unlock()

	var d decision
	var throttled, failed, dropped bool
	for i, r := range f.rules {
		if !r.matches(cloud, service, action) || r.ForMS > 0 && now.Sub(f.setAt) >= time.Duration(r.ForMS)*time.Millisecond {
			continue
		}
		f.matched[i]++
		if n := f.matched[i]; n <= r.After || r.Times > 0 && n > r.After+r.Times {
			continue
		}
		if r.ErrorCode != "" && d.code == "" {
			d.code, d.status = r.ErrorCode, r.ErrorStatus
		}
		d.latency += time.Duration(r.LatencyMS) * time.Millisecond
		ruleThrottled := r.RateLimitQPS > 0 && !f.take(bucketKey{i, cloud, action}, r.RateLimitQPS, r.RateLimitBurst, now)
		// Roll every rate, even once the outcome is known, so that a seeded
		// rule draws the same sequence whatever the other rules do.
		ruleThrottled = f.roll(i, r.ThrottleRate) || ruleThrottled
		if ruleThrottled {
			throttled = true
			d.retryAfter = max(d.retryAfter, time.Duration(r.RetryAfterSeconds)*time.Second)
		}
		failed = f.roll(i, r.ErrorRate) || failed
		dropped = f.roll(i, r.DropRate) || dropped
	}
	switch {
	case throttled:
		d.kind = FaultThrottle
	case d.code != "":
		d.kind = FaultCode
	case failed:
		d.kind = FaultServerError
	case dropped:
		d.kind = FaultDrop
	}
	return d
}

func (f *faultSet) roll(rule int, rate float64) bool {
	if rate <= 0 {
		return false
	}
	if rng := f.rngs[rule]; rng != nil {
		return rng.Float64() < rate
	}
	return rand.Float64() < rate
}

func (f *faultSet) take(key bucketKey, qps float64, burst int, now time.Time) bool {
	capacity := max(1, qps)
	if burst > 0 {
		capacity = float64(burst)
	}
	b, ok := f.buckets[key]
	if !ok {
		b = &bucket{tokens: capacity, last: now}
		f.buckets[key] = b
	}
	// Callers read the clock before taking the lock, so now may trail b.last.
	if now.After(b.last) {
		b.tokens = min(capacity, b.tokens+now.Sub(b.last).Seconds()*qps)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func cloneRules(rules []FaultRule) []FaultRule {
	if rules == nil {
		return nil
	}
	out := make([]FaultRule, len(rules))
	for i, r := range rules {
		r.Actions = slices.Clone(r.Actions)
		out[i] = r
	}
	return out
}
