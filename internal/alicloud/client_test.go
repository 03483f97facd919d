package alicloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloudclient"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// isolateEnv hides the SDK's credential sources of the machine running the tests.
func isolateEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
		"ALIBABA_CLOUD_CREDENTIALS_FILE", "ALIBABA_CLOUD_PROFILE",
		envECSMetadata, "ALIBABA_CLOUD_ECS_METADATA_DISABLED",
	} {
		t.Setenv(k, "") // restores the old value after the test
		os.Unsetenv(k)
	}
	t.Setenv("HOME", t.TempDir())
}

// Short delays keep the retry tests quick.
var (
	fastRetry = retry.Policy{MaxRetries: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}
	noRetry   = retry.Policy{MaxRetries: 0, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}
)

type request struct {
	method, path string
	query        url.Values
	body         string
}

// fakeAPI records every request and answers with reply(n), n counting from 1.
type fakeAPI struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []request
}

func newFakeAPI(t *testing.T, reply func(n int, w http.ResponseWriter, r *http.Request)) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, request{method: r.Method, path: r.URL.Path, query: r.URL.Query(), body: string(body)})
		n := len(f.reqs)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		reply(n, w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.reqs...)
}

func answer(status int, body string) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// newTestClient returns a client whose ECS and ENS endpoints are the fake API.
func newTestClient(t *testing.T, api *fakeAPI, cfg Config) *Client {
	t.Helper()
	if cfg.Region == "" {
		cfg.Region = "cn-hangzhou"
	}
	if cfg.AccessKey == "" && cfg.SecretKey == "" {
		cfg.AccessKey, cfg.SecretKey = "test-ak", "test-sk"
	}
	cfg.Endpoints = map[string]string{"ecs": api.URL, "ens": api.URL}
	if cfg.Limits == nil {
		cfg.Limits = map[string]ratelimit.Limit{} // pacing has tests of its own
	}
	if cfg.Retry.BaseDelay == 0 {
		cfg.Retry = fastRetry
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func TestNewClientMissing(t *testing.T) {
	isolateEnv(t)
	for _, tc := range []struct {
		cfg       Config
		attr, env string
	}{
		{Config{Region: "cn-hangzhou"}, "access_key", "ALICLOUD_ACCESS_KEY"},
		{Config{Region: "cn-hangzhou", SecretKey: "sk"}, "access_key", "ALICLOUD_ACCESS_KEY"},
		{Config{Region: "cn-hangzhou", AccessKey: "ak"}, "secret_key", "ALICLOUD_SECRET_KEY"},
	} {
		t.Run(tc.attr, func(t *testing.T) {
			_, err := NewClient(tc.cfg)
			want := fmt.Sprintf("the alicloud provider block is missing %q: set alicloud { %s = ... } in the provider configuration or the %s environment variable", tc.attr, tc.attr, tc.env)
			if err == nil || err.Error() != want {
				t.Fatalf("NewClient(%+v) error = %v, want %q", tc.cfg, err, want)
			}
		})
	}
}

// A client without a region serves resources that name their own; a call
// with neither fails with the missing-setting error, before any request.
func TestCallWithoutAnyRegion(t *testing.T) {
	isolateEnv(t)
	c, err := NewClient(Config{AccessKey: "ak", SecretKey: "sk", Retry: retry.DefaultPolicy})
	if err != nil {
		t.Fatalf("NewClient without a region: %v", err)
	}
	err = c.Call(context.Background(), "ecs", "", "DescribeRegions", nil, nil)
	if !cloudclient.IsMissing(err, "region") || !strings.Contains(err.Error(), "ALICLOUD_REGION") {
		t.Fatalf("Call without a region: %v", err)
	}
}

// RPC checks svc against EndpointKeys and then uses services[svc].
func TestEndpointKeysAreServices(t *testing.T) {
	if len(EndpointKeys) != len(services) {
		t.Errorf("EndpointKeys %v and services differ", EndpointKeys)
	}
	for _, key := range EndpointKeys {
		if s, ok := services[key]; !ok || s.host == nil {
			t.Errorf("endpoint key %q has no service", key)
		}
	}
}

func TestNewClientEndpoints(t *testing.T) {
	isolateEnv(t)
	for _, bad := range []map[string]string{
		{"vpc": "https://vpc.example.com"},
		{"ecs": "ecs.example.com"},
		{"ecs": "ftp://ecs.example.com"},
		{"ens": "http://127.0.0.1:8080/ens"},
	} {
		if _, err := NewClient(Config{Region: "cn-hangzhou", AccessKey: "ak", SecretKey: "sk", Endpoints: bad}); err == nil {
			t.Errorf("NewClient accepted endpoints %v", bad)
		}
	}

	c, err := NewClient(Config{Region: "cn-hangzhou", AccessKey: "ak", SecretKey: "sk",
		Endpoints: map[string]string{"ens": "http://127.0.0.1:8080/"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ svc, region, scheme, host string }{
		{"ecs", "cn-beijing", "https", "ecs.cn-beijing.aliyuncs.com"},
		{"ens", "cn-beijing", "http", "127.0.0.1:8080"},
	} {
		if scheme, host := c.endpoint(tc.svc, tc.region); scheme != tc.scheme || host != tc.host {
			t.Errorf("endpoint(%s, %s) = %s://%s, want %s://%s", tc.svc, tc.region, scheme, host, tc.scheme, tc.host)
		}
	}
	c, _ = NewClient(Config{Region: "cn-hangzhou", AccessKey: "ak", SecretKey: "sk"})
	if scheme, host := c.endpoint("ens", "cn-beijing"); scheme != "https" || host != "ens.aliyuncs.com" {
		t.Errorf("public ENS endpoint = %s://%s", scheme, host)
	}
}

func TestRegion(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, answer(200, `{"RequestId":"r"}`))
	c := newTestClient(t, api, Config{})
	if got := c.Region(""); got != "cn-hangzhou" {
		t.Errorf(`Region("") = %q`, got)
	}
	if got := c.Region("cn-shanghai"); got != "cn-shanghai" {
		t.Errorf(`Region("cn-shanghai") = %q`, got)
	}
	if err := c.Call(context.Background(), "ecs", "cn-shanghai", "DescribeSecurityGroups", nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := api.requests()[0].query.Get("RegionId"); got != "cn-shanghai" {
		t.Errorf("RegionId = %q, want the resource's region", got)
	}
}

func TestCredentialFallback(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(t *testing.T, home string)
		cfg    Config
		wantAK string
	}{
		{
			name: "environment",
			setup: func(t *testing.T, _ string) {
				t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-ak")
				t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-sk")
			},
			wantAK: "env-ak",
		},
		{
			name: "provider block wins",
			setup: func(t *testing.T, _ string) {
				t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-ak")
				t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-sk")
			},
			cfg:    Config{AccessKey: "cfg-ak", SecretKey: "cfg-sk"},
			wantAK: "cfg-ak",
		},
		{
			name:   "profile file",
			setup:  func(t *testing.T, home string) { writeProfile(t, home, "default", "file-ak") },
			wantAK: "file-ak",
		},
		{
			name: "named profile",
			setup: func(t *testing.T, home string) {
				writeProfile(t, home, "other", "other-ak")
				t.Setenv("ALIBABA_CLOUD_PROFILE", "other")
			},
			wantAK: "other-ak",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isolateEnv(t)
			tc.setup(t, os.Getenv("HOME"))
			api := newFakeAPI(t, answer(200, `{"RequestId":"r"}`))
			cfg := tc.cfg
			cfg.Region = "cn-hangzhou"
			cfg.Endpoints = map[string]string{"ecs": api.URL}
			c, err := NewClient(cfg)
			if err != nil {
				t.Fatalf("NewClient: %v", err)
			}
			if err := c.Call(context.Background(), "ecs", "", "DescribeRegions", nil, nil); err != nil {
				t.Fatal(err)
			}
			if got := api.requests()[0].query.Get("AccessKeyId"); got != tc.wantAK {
				t.Errorf("AccessKeyId = %q, want %q", got, tc.wantAK)
			}
		})
	}
}

func writeProfile(t *testing.T, home, section, ak string) {
	t.Helper()
	dir := filepath.Join(home, ".alibabacloud")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	ini := fmt.Sprintf("[%s]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = secret\n", section, ak)
	if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(ini), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestECSRAMRoleNeedsOptIn(t *testing.T) {
	isolateEnv(t)
	if _, err := NewClient(Config{Region: "cn-hangzhou"}); err == nil {
		t.Fatal("NewClient without credentials succeeded")
	}
	// With the SDK's opt-in the client is built without asking the metadata
	// host (there is none here); the token is fetched at the first call.
	t.Setenv(envECSMetadata, "terraform-role")
	if _, err := NewClient(Config{Region: "cn-hangzhou"}); err != nil {
		t.Fatalf("NewClient with %s: %v", envECSMetadata, err)
	}
}

func TestCallRoundTrip(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, answer(200, `{"RequestId":"req-1","SecurityGroups":{"SecurityGroup":[{"SecurityGroupId":"sg-1"}]}}`))
	c := newTestClient(t, api, Config{SecurityToken: "sts-token"})

	var out struct {
		RequestId      string
		SecurityGroups struct {
			SecurityGroup []struct{ SecurityGroupId string }
		}
	}
	params := map[string]string{"VpcId": "vpc-1", "SecurityGroupName": ""}
	if err := c.Call(context.Background(), "ecs", "", "DescribeSecurityGroups", params, &out); err != nil {
		t.Fatal(err)
	}
	if out.RequestId != "req-1" || len(out.SecurityGroups.SecurityGroup) != 1 || out.SecurityGroups.SecurityGroup[0].SecurityGroupId != "sg-1" {
		t.Errorf("decoded answer = %+v", out)
	}

	reqs := api.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.method != http.MethodPost || r.path != "/" || r.body != "" {
		t.Errorf("request = %s %s with body %q, want POST / with an empty body", r.method, r.path, r.body)
	}
	for k, want := range map[string]string{
		"Action":           "DescribeSecurityGroups",
		"Version":          "2014-05-26",
		"Format":           "JSON",
		"SignatureMethod":  "HMAC-SHA1",
		"SignatureVersion": "1.0",
		"AccessKeyId":      "test-ak",
		"SecurityToken":    "sts-token",
		"RegionId":         "cn-hangzhou",
		"VpcId":            "vpc-1",
	} {
		if got := r.query.Get(k); got != want {
			t.Errorf("query %s = %q, want %q", k, got, want)
		}
	}
	for _, k := range []string{"Signature", "SignatureNonce", "Timestamp"} {
		if r.query.Get(k) == "" {
			t.Errorf("query has no %s", k)
		}
	}
	if r.query.Has("SecurityGroupName") {
		t.Error("an empty parameter was sent")
	}
}

func TestCallENS(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, answer(200, `{"RequestId":"r"}`))
	c := newTestClient(t, api, Config{})
	if err := c.Call(context.Background(), "ens", "", "DescribeSecurityGroups", nil, nil); err != nil {
		t.Fatal(err)
	}
	q := api.requests()[0].query
	if q.Get("Version") != "2017-11-10" || q.Get("Action") != "DescribeSecurityGroups" {
		t.Errorf("ENS call went out as Version=%s Action=%s", q.Get("Version"), q.Get("Action"))
	}
}

func TestCallUnknownService(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, answer(200, `{}`))
	c := newTestClient(t, api, Config{})
	if err := c.Call(context.Background(), "vpc", "", "DescribeVpcs", nil, nil); err == nil {
		t.Fatal("Call to an unknown service succeeded")
	}
	if n := len(api.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestCallErrorAnswer(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, answer(404, `{"RequestId":"req-404","HostId":"ecs.aliyuncs.com","Code":"InvalidSecurityGroupId.NotFound","Message":"The specified SecurityGroupId does not exist."}`))
	c := newTestClient(t, api, Config{})

	err := c.Call(context.Background(), "ecs", "", "LeaveSecurityGroup", map[string]string{"SecurityGroupId": "sg-x"}, nil)
	var e *apierr.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *apierr.Error", err, err)
	}
	want := apierr.Error{Cloud: "alicloud", Service: "ecs", Action: "LeaveSecurityGroup", Status: 404,
		Code: "InvalidSecurityGroupId.NotFound", Message: "The specified SecurityGroupId does not exist.",
		RequestID: "req-404", Class: retry.NotFound}
	e.Err = nil
	if *e != want {
		t.Errorf("error = %+v\nwant    %+v", *e, want)
	}
	if !apierr.IsNotFound(err) {
		t.Error("IsNotFound = false")
	}
	if n := len(api.requests()); n != 1 {
		t.Errorf("%d requests, want 1: NotFound is not retried", n)
	}
}

func TestCallRetriesThrottling(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"RequestId":"req-t","Code":"Throttling.User","Message":"Request was denied due to user flow control."}`)
			return
		}
		fmt.Fprint(w, `{"RequestId":"req-ok"}`)
	})
	c := newTestClient(t, api, Config{})

	var out struct{ RequestId string }
	if err := c.Call(context.Background(), "ecs", "", "JoinSecurityGroup", map[string]string{"InstanceId": "i-1"}, &out); err != nil {
		t.Fatalf("Call: %v", err)
	}
	reqs := api.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 (one throttled, one retry)", len(reqs))
	}
	if out.RequestId != "req-ok" {
		t.Errorf("answer = %+v, want the retry's", out)
	}
	if reqs[0].query.Get("SignatureNonce") == reqs[1].query.Get("SignatureNonce") {
		t.Error("the retry reused the first request's signature nonce")
	}
}

func TestCallConnectionRefused(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, answer(200, `{}`))
	c := newTestClient(t, api, Config{Retry: retry.Policy{MaxRetries: 1, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}})
	api.Close()

	err := c.Call(context.Background(), "ecs", "", "DescribeRegions", nil, nil)
	var gaveUp *retry.GaveUpError
	if !errors.As(err, &gaveUp) || gaveUp.Attempts != 2 {
		t.Fatalf("error = %v, want to give up after 2 attempts", err)
	}
	if class := apierr.ClassOf(err); class != retry.Transient {
		t.Errorf("class = %v, want transient", class)
	}
}

func TestCallHonoursContext(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, func(_ int, _ http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers; returns once the client hangs up
	})
	c := newTestClient(t, api, Config{Retry: noRetry})

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := c.Call(ctx, "ecs", "", "DescribeRegions", nil, nil); err == nil {
		t.Fatal("Call succeeded without an answer")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Call returned after %v: the context's deadline did not reach the request", d)
	}
}

// TestCallConcurrent fails under -race if SDK clients are shared between goroutines.
func TestCallConcurrent(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, answer(200, `{"RequestId":"r"}`))
	c := newTestClient(t, api, Config{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := EndpointKeys[i%len(EndpointKeys)]
			for range 4 {
				if err := c.Call(context.Background(), svc, "", "DescribeRegions", nil, nil); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := len(api.requests()); n != 32 {
		t.Errorf("%d requests, want 32", n)
	}
}

// TestNoSDKRetry checks that c.Do is the only retry loop: the SDK's own would
// resend a 5xx by itself.
func TestNoSDKRetry(t *testing.T) {
	isolateEnv(t)
	api := newFakeAPI(t, answer(500, `{"RequestId":"req-500","Code":"InternalError","Message":"The request processing has failed due to some unknown error."}`))
	c := newTestClient(t, api, Config{Retry: noRetry})

	err := c.Call(context.Background(), "ecs", "", "DescribeRegions", nil, nil)
	if class := apierr.ClassOf(err); class != retry.Transient {
		t.Errorf("error %v has class %v, want transient", err, class)
	}
	if n := len(api.requests()); n != 1 {
		t.Errorf("%d requests with max_retries 0, want 1", n)
	}

	client, err := c.RPC(context.Background(), "ecs", "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg := client.GetConfig(); cfg.AutoRetry || cfg.MaxRetryTime != 0 {
		t.Errorf("SDK auto-retry on: AutoRetry=%v MaxRetryTime=%d", cfg.AutoRetry, cfg.MaxRetryTime)
	}
	if client.GetReadTimeout() != cloudclient.ReadTimeout {
		t.Errorf("read timeout = %v, want %v", client.GetReadTimeout(), cloudclient.ReadTimeout)
	}
	if got := client.GetConfig().Scheme + "://" + client.Domain; got != api.URL {
		t.Errorf("client goes to %s, want %s", got, api.URL)
	}
}

// By default ECS and ENS are paced at our conservative 10 requests per
// second, evenly spaced; the configuration replaces a service's limit.
func TestRateLimits(t *testing.T) {
	isolateEnv(t)
	c, err := NewClient(Config{Region: "cn-hangzhou", AccessKey: "a", SecretKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range EndpointKeys {
		if l, ok := c.RateLimit(svc); !ok || l.Rate != 10 || l.Burst != 1 {
			t.Errorf("%s limit = %+v, %v; want 10 requests per second, burst 1", svc, l, ok)
		}
	}
	c, err = NewClient(Config{Region: "cn-hangzhou", AccessKey: "a", SecretKey: "s",
		Limits: ratelimit.WithOverrides(DefaultLimits, map[string]float64{"ens": 0})})
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := c.RateLimit("ens"); ok {
		t.Errorf("ens is limited to %+v with rate_limits.ens = 0", l)
	}
	if l, ok := c.RateLimit("ecs"); !ok || l.Rate != 10 {
		t.Errorf("ecs limit = %+v, %v; want the default 10", l, ok)
	}
}
