package huaweicloud

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	hwemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

func TestNewClient_NamesMissingSetting(t *testing.T) {
	t.Setenv("HUAWEICLOUD_SDK_AK", "")
	t.Setenv("HUAWEICLOUD_SDK_SK", "")
	t.Setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", t.TempDir()+"/none")
	cases := []struct {
		cfg       Config
		attr, env string
	}{
		{Config{AccessKey: "a", SecretKey: "s"}, "region", "HW_REGION_NAME"},
		{Config{Region: "r", SecretKey: "s"}, "access_key", "HW_ACCESS_KEY"},
		{Config{Region: "r", AccessKey: "a"}, "secret_key", "HW_SECRET_KEY"},
	}
	for _, c := range cases {
		_, err := NewClient(c.cfg)
		if err == nil || !strings.Contains(err.Error(), `"`+c.attr+`"`) || !strings.Contains(err.Error(), c.env) {
			t.Errorf("missing %s: got %v, want an error naming %q and %s", c.attr, err, c.attr, c.env)
		}
	}
}

func TestNewClient_FallsBackToSDKEnvironment(t *testing.T) {
	t.Setenv("HUAWEICLOUD_SDK_AK", "sdk-ak")
	t.Setenv("HUAWEICLOUD_SDK_SK", "sdk-sk")
	c, err := NewClient(Config{Region: "cn-north-4"})
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.AccessKey != "sdk-ak" || c.cfg.SecretKey != "sdk-sk" {
		t.Fatalf("credentials %q/%q, want the SDK environment's", c.cfg.AccessKey, c.cfg.SecretKey)
	}
}

func TestClient_RegionAndEndpoints(t *testing.T) {
	c, err := NewClient(Config{Region: "cn-north-4", AccessKey: "a", SecretKey: "s", Endpoints: map[string]string{"ecs": "http://127.0.0.1:9/"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Region(""); got != "cn-north-4" {
		t.Errorf("default region %q", got)
	}
	if got := c.Region("ap-southeast-1"); got != "ap-southeast-1" {
		t.Errorf("resource region %q", got)
	}
	if got := c.endpoint("ecs", "cn-north-4"); got != "http://127.0.0.1:9" {
		t.Errorf("override endpoint %q", got)
	}
	if got := c.endpoint("vpc", "ap-southeast-1"); got != "https://vpc.ap-southeast-1.myhuaweicloud.com" {
		t.Errorf("public endpoint %q", got)
	}

	for _, tc := range []struct {
		endpoints map[string]string
		want      string
	}{
		{map[string]string{"rds": "https://rds.example.com"}, `huaweicloud endpoints: unknown service "rds" (known: ecs, vpc, iam)`},
		{map[string]string{"ecs": "ecs.example.com"}, `huaweicloud endpoints.ecs: "ecs.example.com" is not a full URL such as https://host or http://127.0.0.1:8080`},
		{map[string]string{"iam": "ftp://iam.example.com"}, `huaweicloud endpoints.iam: "ftp://iam.example.com" is not a full URL such as https://host or http://127.0.0.1:8080`},
	} {
		_, err := NewClient(Config{Region: "cn-north-4", AccessKey: "a", SecretKey: "s", Endpoints: tc.endpoints})
		if err == nil || err.Error() != tc.want {
			t.Errorf("endpoints %v: got %v, want %q", tc.endpoints, err, tc.want)
		}
	}
}

// The project of a region is looked up once in IAM, even by concurrent first
// uses, and reused by every service client.
func TestClient_ProjectLookup(t *testing.T) {
	hw := hwemu.New()
	srv := emulator.New(hw)
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hw.Mutate(func(s *hwemu.State) {
		s.Credentials = []hwemu.Credential{{AccessKey: "lookup-ak", SecretKey: "lookup-sk"}}
		s.Projects = []hwemu.Project{{ID: "11112222333344445555666677778888", Name: "cn-north-4"}}
	})
	u := srv.URL()
	c, err := NewClient(Config{Region: "cn-north-4", AccessKey: "lookup-ak", SecretKey: "lookup-sk",
		Endpoints: map[string]string{"ecs": u, "vpc": u, "iam": u}, Retry: retry.DefaultPolicy})
	if err != nil {
		t.Fatal(err)
	}
	// Every SDK client is to share the Client's transport: count its requests.
	var viaTransport atomic.Int32
	c.transport.Proxy = func(*http.Request) (*url.URL, error) { viaTransport.Add(1); return nil, nil }
	ctx := context.Background()
	// Terraform refreshes resources in parallel: their first calls share one lookup.
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() { defer wg.Done(); _, err := c.ECS(ctx, "cn-north-4"); errs <- err }()
		go func() { defer wg.Done(); _, err := c.VPC(ctx, "cn-north-4"); errs <- err }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if id, _ := c.projectID(ctx, "cn-north-4"); id != "11112222333344445555666677778888" {
		t.Fatalf("project %q", id)
	}
	lookups := 0
	for _, r := range srv.Requests() {
		if r.Action == "KeystoneListProjects" {
			lookups++
			if r.Params["name"] != "cn-north-4" {
				t.Errorf("lookup by name %q", r.Params["name"])
			}
		}
	}
	if lookups != 1 {
		t.Fatalf("%d IAM lookups, want 1", lookups)
	}
	if viaTransport.Load() == 0 {
		t.Error("the SDK clients bypass the shared transport")
	}
	_, err = c.ECS(ctx, "eu-west-101")
	if err == nil || !strings.Contains(err.Error(), `no IAM project is named "eu-west-101"`) || !strings.Contains(err.Error(), "HW_PROJECT_ID") {
		t.Fatalf("unknown region: %v", err)
	}
}

// By default every service is paced at our conservative 10 requests per
// second, evenly spaced; the configuration replaces a service's limit.
func TestClient_RateLimits(t *testing.T) {
	c, err := NewClient(Config{Region: "cn-north-4", AccessKey: "a", SecretKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range EndpointKeys {
		if l, ok := c.RateLimit(svc); !ok || l.Rate != 10 || l.Burst != 1 {
			t.Errorf("%s limit = %+v, %v; want 10 requests per second, burst 1", svc, l, ok)
		}
	}
	c, err = NewClient(Config{Region: "cn-north-4", AccessKey: "a", SecretKey: "s",
		Limits: ratelimit.WithOverrides(DefaultLimits, map[string]float64{"ecs": 0, "vpc": 3})})
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := c.RateLimit("ecs"); ok {
		t.Errorf("ecs is limited to %+v with rate_limits.ecs = 0", l)
	}
	if l, ok := c.RateLimit("vpc"); !ok || l.Rate != 3 {
		t.Errorf("vpc limit = %+v, %v; want 3", l, ok)
	}
	if l, ok := c.RateLimit("iam"); !ok || l.Rate != 10 {
		t.Errorf("iam limit = %+v, %v; want the default 10", l, ok)
	}
}
