package cloudclient

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxRetryAfter caps a cloud's wait hint: a misconfigured gateway asking for
// an hour must not park an apply; the operation's timeout bounds it anyway.
const maxRetryAfter = 5 * time.Minute

// ParseRetryAfter reads a Retry-After header (RFC 9110: delay-seconds or an
// HTTP date) as a wait from now. ok is false when the header is absent or
// malformed; a date in the past is a wait of 0.
func ParseRetryAfter(value string, now time.Time) (wait time.Duration, ok bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true
	}
	at, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return min(max(at.Sub(now), 0), maxRetryAfter), true
}

// Answer is what the transport saw of one attempt's HTTP answer that the
// SDKs do not hand back with their errors: the Retry-After header. An attempt
// puts a fresh one in its request's context (WithAnswer); ObserveAnswers fills it.
type Answer struct {
	mu         sync.Mutex
	retryAfter time.Duration
}

type answerKey struct{}

// WithAnswer returns ctx carrying a fresh Answer for one attempt.
func WithAnswer(ctx context.Context) (context.Context, *Answer) {
	a := &Answer{}
	return context.WithValue(ctx, answerKey{}, a), a
}

// RetryAfter is the wait the answer asked for; 0 when it named none.
func (a *Answer) RetryAfter() time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.retryAfter
}

// ObserveAnswers wraps base so that every answer to a request whose context
// carries an Answer records its Retry-After there. Requests without one pass
// through untouched.
func ObserveAnswers(base http.RoundTripper) http.RoundTripper {
	return observingTransport{base: base}
}

type observingTransport struct{ base http.RoundTripper }

func (t observingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if resp != nil {
		if a, ok := r.Context().Value(answerKey{}).(*Answer); ok {
			if wait, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				a.mu.Lock()
				a.retryAfter = wait
				a.mu.Unlock()
			}
		}
	}
	return resp, err
}
