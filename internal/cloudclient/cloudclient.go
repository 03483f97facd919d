// Package cloudclient is the plumbing every cloud client shares: the default
// region, the one retry loop and the per-service rate limits, the
// configuration errors, the endpoint overrides, the HTTP transport and the
// answers' Retry-After. Written once, it behaves the same on Huawei Cloud,
// Alibaba Cloud and Tencent Cloud.
package cloudclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// ReadTimeout bounds one HTTP exchange; the resource's timeout bounds the retries.
const ReadTimeout = 60 * time.Second

const connectTimeout = 10 * time.Second

// Base is embedded by each cloud's Client for Region and DoPaced.
type Base struct {
	region string
	policy retry.Policy
	limits *ratelimit.Set // per service, shared by every region and resource
}

// NewBase returns a Base for the provider's region, retry policy and
// client-side rate limits (per service; services without one are not paced).
func NewBase(region string, policy retry.Policy, limits map[string]ratelimit.Limit) Base {
	return Base{region: region, policy: policy, limits: ratelimit.New(limits)}
}

// Region returns the region a resource works in: its own, else the provider's.
func (b Base) Region(resourceRegion string) string {
	if resourceRegion != "" {
		return resourceRegion
	}
	return b.region
}

// DoPaced runs one API call of service with the shared retry policy,
// waiting for the service's rate limit before every attempt, retries
// included. op turns the SDK error into an *apierr.Error, whose class decides
// whether it is retried. A throttled answer also slows the service's limit
// down for a while (see ratelimit), so every call of the service, not just
// this one, backs off to what the quota allows. It is the only way a client
// runs a call, so no call can skip the pacing.
//
// When the deadline leaves no room for the next paced attempt of a retry, the
// error is the cloud's last answer, stopped by the timeout, not the rate
// limiter's wait: a busy object waited for until the timeout is reported with
// its code and advice.
func (b Base) DoPaced(ctx context.Context, service string, op func(ctx context.Context, a retry.Attempt) error) error {
	var last error
	attempts := 0
	err := retry.Do(ctx, b.policy, apierr.ClassOf, func(ctx context.Context, a retry.Attempt) error {
		if err := b.limits.Wait(ctx, service); err != nil {
			return &pacingError{err}
		}
		attempts = a.N
		last = op(ctx, a)
		if last != nil && apierr.ClassOf(last) == retry.Throttled {
			b.limits.Throttled(service)
		}
		return last
	})
	var pe *pacingError
	if last == nil || !errors.As(err, &pe) {
		return err
	}
	stop := retry.StopOf(pe.err)
	if stop == nil {
		return err
	}
	stopped := &retry.StoppedError{Cause: stop.Cause, Last: &retry.GaveUpError{Err: last, Attempts: attempts, Reason: "timeout reached"}}
	if retry.MayHaveLanded(err) {
		// An earlier attempt's answer was lost: the write may have landed.
		return retry.Landed(stopped)
	}
	return stopped
}

// pacingError is a rate-limit wait that failed: of no class, so the retry
// loop stops at once.
type pacingError struct{ err error }

func (e *pacingError) Error() string { return e.err.Error() }

// Unwrap lets the retry loop see that the wait sent nothing
// (retry.NotSentError) and what stopped it.
func (e *pacingError) Unwrap() error { return e.err }

// WaitTurn blocks until a call of service could go out at once under its
// rate limit, without taking the turn: a batch (see internal/batch) keeps
// collecting members until then.
func (b Base) WaitTurn(ctx context.Context, service string) error {
	return b.limits.WaitAvailable(ctx, service)
}

// CurrentRate returns the rate service is paced at now: its limit, or less
// while it recovers from throttling.
func (b Base) CurrentRate(service string) (float64, bool) {
	return b.limits.Current(service)
}

// RateLimit returns the client-side limit of service and whether it has one.
func (b Base) RateLimit(service string) (ratelimit.Limit, bool) {
	return b.limits.Limit(service)
}

// MissingError is a required setting of a cloud's provider block that
// neither the block nor its environment variable gave.
type MissingError struct {
	Cloud, Attr, Env string
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("the %s provider block is missing %q: set %s { %s = ... } in the provider configuration or the %s environment variable", e.Cloud, e.Attr, e.Cloud, e.Attr, e.Env)
}

// Missing returns the *MissingError for cloud's attr and its variable env.
func Missing(cloud, attr, env string) error {
	return &MissingError{Cloud: cloud, Attr: attr, Env: env}
}

// IsMissing reports whether err says that cloud's attr is not configured.
func IsMissing(err error, attr string) bool {
	var m *MissingError
	return errors.As(err, &m) && m.Attr == attr
}

// CheckService returns an error led by prefix (the cloud's name, say) unless
// svc is one of the known services.
func CheckService(prefix, svc string, known []string) error {
	if slices.Contains(known, svc) {
		return nil
	}
	return fmt.Errorf("%s: unknown service %q (known: %s)", prefix, svc, strings.Join(known, ", "))
}

// ParseEndpoints checks the endpoint overrides of cloud's provider block
// (service -> URL): every service must be known and every URL an absolute
// http or https one. Rules of one cloud alone are left to its package.
func ParseEndpoints(cloud string, known []string, raw map[string]string) (map[string]*url.URL, error) {
	out := make(map[string]*url.URL, len(raw))
	for key, s := range raw {
		if err := CheckService(cloud+" endpoints", key, known); err != nil {
			return nil, err
		}
		u, err := url.Parse(s)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%s endpoints.%s: %w", cloud, key, err)
		case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
			return nil, fmt.Errorf("%s endpoints.%s: %q is not a full URL such as https://host or http://127.0.0.1:8080", cloud, key, s)
		}
		out[key] = u
	}
	return out, nil
}

// NewTransport is http.DefaultTransport's setup with a bounded connect time.
// Each Client makes one and shares it, as one connection pool, among its SDK
// clients.
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// Product is the provider's product token in the User-Agent of every request,
// after the SDK's own, so a cloud's logs (and its support) tell the provider
// and its version from other callers.
const Product = "terraform-provider-secgroup"

// ProductVersion is the version in Product's token: the provider's, "dev"
// when it has none (a build by hand, a unit test).
func ProductVersion(version string) string {
	if version == "" {
		return "dev"
	}
	return version
}

// UserAgent is the provider's product token: "terraform-provider-secgroup/0.1.0".
func UserAgent(version string) string { return Product + "/" + ProductVersion(version) }
