// Package alicloud wires the Alibaba Cloud SDK (ECS and ENS, RPC style) and
// holds the provider's Alibaba Cloud resources.
package alicloud

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials/provider"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"

	"github.com/secgroup/terraform-provider-secgroup/internal/batch"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloudclient"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
	"github.com/secgroup/terraform-provider-secgroup/internal/readcache"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

const cloudName = "alicloud"

// Endpoint keys accepted in the provider's alicloud.endpoints map.
var EndpointKeys = []string{"ecs", "ens"}

// The SDK's own opt-in for the ECS RAM-role credentials: the role name.
const envECSMetadata = "ALIBABA_CLOUD_ECS_METADATA"

// service is one RPC API: the SDK's product name, its version and its public host.
type service struct {
	product, version string
	host             func(region string) string
}

var services = map[string]service{
	"ecs": {product: "Ecs", version: "2014-05-26", host: func(region string) string { return "ecs." + region + ".aliyuncs.com" }},
	"ens": {product: "Ens", version: "2017-11-10", host: func(string) string { return "ens.aliyuncs.com" }},
}

// DefaultLimits are the client-side rates, per service, when the provider's
// alicloud.rate_limits does not set them. Alibaba Cloud sets its quotas per
// account, API and region (Quota Center, API Rate Limits) and publishes no
// default figure; once one is exceeded in a minute, the API refuses calls
// until the next minute. 10 requests per second per service is our
// conservative choice.
var DefaultLimits = map[string]ratelimit.Limit{
	"ecs": ratelimit.PerSecond(10),
	"ens": ratelimit.PerSecond(10),
}

// Config is the provider's alicloud block after environment fallbacks.
type Config struct {
	Version       string // the provider's, for the User-Agent
	Region        string
	AccessKey     string
	SecretKey     string
	SecurityToken string            // STS token that goes with AccessKey and SecretKey
	Endpoints     map[string]string // service -> full URL
	Retry         retry.Policy
	// Limits are the client-side rate limits per service; nil means DefaultLimits.
	Limits map[string]ratelimit.Limit
}

// Client builds SDK clients and runs every call through the shared retry
// loop and the service's rate limit. One Client lives for the provider process.
type Client struct {
	cloudclient.Base
	cfg       Config
	overrides map[string]*url.URL // service -> endpoint override
	creds     credentials.CredentialsProvider
	transport http.RoundTripper // one connection pool for every SDK client
	// What describes answered, kept for the provider process (see readcache).
	groups    readcache.Cache[groupKey, *groupRules] // security groups' rules, shared by the rule resources
	instances readcache.Cache[memberKey, Member]     // an instance and its groups
	enis      readcache.Cache[memberKey, Member]     // an ENI and its groups
	// The members of a group, listed group-side (see group_members.go).
	groupInstances readcache.Listings[groupMembersKey, []Member]
	groupENIs      readcache.Listings[groupMembersKey, []Member]
	// Concurrent reads of one region's instances or ENIs, sent as batch calls.
	memberReads batch.Batcher[memberBatch, string, Member]
}

// NewClient checks the configuration that does not need the network and
// returns an error naming the missing attribute and its environment variable.
func NewClient(cfg Config) (*Client, error) {
	var cred auth.Credential
	if cfg.AccessKey == "" && cfg.SecretKey == "" {
		// Fall back to the SDK's own chain: ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET, then the
		// profile file. The ECS RAM role only counts when ALIBABA_CLOUD_ECS_METADATA
		// names it: otherwise every machine that merely lacks credentials would call
		// the metadata host.
		chain := provider.NewProviderChain([]provider.Provider{
			provider.ProviderEnv,
			provider.NewProfileProvider(cmp.Or(os.Getenv("ALIBABA_CLOUD_PROFILE"), "default")),
			ecsRAMRole{},
		})
		if c, err := chain.Resolve(); err == nil {
			cred = c
		}
	}
	// No region is fine here: a resource may name its own; RPC refuses a
	// call that has neither.
	switch {
	case cred == nil && cfg.AccessKey == "":
		return nil, cloudclient.Missing(cloudName, "access_key", "ALICLOUD_ACCESS_KEY")
	case cred == nil && cfg.SecretKey == "":
		return nil, cloudclient.Missing(cloudName, "secret_key", "ALICLOUD_SECRET_KEY")
	}
	if cred == nil {
		cred = credentials.NewAccessKeyCredential(cfg.AccessKey, cfg.SecretKey)
		if cfg.SecurityToken != "" {
			cred = credentials.NewStsTokenCredential(cfg.AccessKey, cfg.SecretKey, cfg.SecurityToken)
		}
	}
	creds, err := auth.ToCredentialsProvider(cred)
	if err != nil {
		return nil, fmt.Errorf("alicloud credentials: %w", err)
	}
	overrides, err := ParseEndpoints(cfg.Endpoints)
	if err != nil {
		return nil, err
	}
	limits := cfg.Limits
	if limits == nil {
		limits = DefaultLimits
	}
	c := &Client{
		Base:      cloudclient.NewBase(cfg.Region, cfg.Retry, limits),
		cfg:       cfg,
		overrides: overrides,
		creds:     &sharedCredentials{CredentialsProvider: creds},
		transport: cloudclient.NewTransport(),
	}
	c.initBatches()
	return c, nil
}

// ParseEndpoints adds Alibaba Cloud's own rule to the shared checks. The
// provider's validation uses it too.
func ParseEndpoints(endpoints map[string]string) (map[string]*url.URL, error) {
	out, err := cloudclient.ParseEndpoints(cloudName, EndpointKeys, endpoints)
	if err != nil {
		return nil, err
	}
	for key, u := range out {
		if strings.Trim(u.Path, "/") != "" {
			// RPC calls always go to "/": a path would be dropped silently.
			return nil, fmt.Errorf("alicloud endpoints.%s: %q has a path; Alibaba Cloud RPC endpoints are a scheme and a host only", key, endpoints[key])
		}
	}
	return out, nil
}

// endpoint is the scheme and host:port of a service in a region: the override
// when configured, else Alibaba Cloud's public endpoint.
func (c *Client) endpoint(svc, region string) (scheme, host string) {
	if u := c.overrides[svc]; u != nil {
		return u.Scheme, u.Host
	}
	return "https", services[svc].host(region)
}

// RPC returns an SDK client for service in region, bound to ctx, for one
// goroutine. It is built afresh rather than cached: the SDK rewrites its
// http.Client on every call, so one client shared by concurrent resources is a
// data race. Building one is cheap; the connections and the credentials (with
// any STS token they fetched) are shared.
func (c *Client) RPC(ctx context.Context, svc, region string) (*sdk.Client, error) {
	if err := cloudclient.CheckService(cloudName, svc, EndpointKeys); err != nil {
		return nil, err
	}
	region = c.Region(region)
	if region == "" {
		return nil, cloudclient.Missing(cloudName, "region", "ALICLOUD_REGION")
	}
	scheme, host := c.endpoint(svc, region)
	config := sdk.NewConfig()
	config.AutoRetry = false // c.DoPaced is the one retry policy
	config.MaxRetryTime = 0
	config.Scheme = scheme
	config.Transport = boundTransport{ctx: ctx, base: c.transport}
	client, err := sdk.NewClientWithOptions(region, config, c.creds)
	if err != nil {
		return nil, fmt.Errorf("building the Alibaba Cloud %s client: %w", strings.ToUpper(svc), err)
	}
	client.Domain = host
	client.AppendUserAgent(cloudclient.Product, cloudclient.ProductVersion(c.cfg.Version))
	client.SetReadTimeout(cloudclient.ReadTimeout)
	return client, nil
}

// Call makes one RPC call through c.DoPaced and decodes the JSON answer into out
// (unless out is nil). Empty parameters are not sent; the SDK adds RegionId.
func (c *Client) Call(ctx context.Context, svc, region, action string, params map[string]string, out any) error {
	return c.CallAttempts(ctx, svc, region, action, params, out, nil)
}

// CallAttempts is Call with check, which sees each attempt's error (nil on
// success) and returns the one the retry loop acts on: a write whose retry
// meets "already exists" may be meeting its own earlier try, whose answer was
// lost. A nil check keeps every error. Every attempt waits for the service's
// rate limit.
func (c *Client) CallAttempts(ctx context.Context, svc, region, action string, params map[string]string, out any, check func(retry.Attempt, error) error) error {
	client, err := c.RPC(ctx, svc, region)
	if err != nil {
		return err
	}
	return c.DoPaced(ctx, svc, func(ctx context.Context, attempt retry.Attempt) error {
		err := callOnce(ctx, client, svc, action, params, out)
		if check != nil {
			err = check(attempt, err)
		}
		return err
	})
}

// callOnce is one attempt: a new request each time, so that each is signed
// with a fresh nonce and timestamp.
func callOnce(ctx context.Context, client *sdk.Client, svc, action string, params map[string]string, out any) error {
	api := services[svc]
	req := requests.NewCommonRequest()
	req.Method = requests.POST
	req.Product, req.Version, req.ApiName = api.product, api.version, action
	for k, v := range params {
		if v != "" {
			req.QueryParams[k] = v
		}
	}
	start := time.Now()
	resp, err := client.ProcessCommonRequest(req)
	endpoint := strings.ToLower(client.GetConfig().Scheme) + "://" + client.Domain
	if err := cloudclient.LogCall(ctx, cloudName, svc, action, start, wrap(err, svc, action, endpoint)); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.GetHttpContentBytes(), out); err != nil {
		return fmt.Errorf("alicloud %s %s: decoding the answer: %w", strings.ToUpper(svc), action, err)
	}
	return nil
}

// boundTransport gives the requests the SDK builds without a context the
// caller's one, so cancellation and deadlines reach the connection. Not being
// an *http.Transport also keeps the SDK from rewriting the shared transport's
// dialer, TLS and proxy settings on every call.
type boundTransport struct {
	ctx  context.Context
	base http.RoundTripper
}

func (t boundTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.base.RoundTrip(r.WithContext(t.ctx))
}

// sharedCredentials serializes the one credentials provider every SDK client
// uses: the SDK's refreshing providers (RAM role ARN, ECS RAM role) update
// their cached token without a lock.
type sharedCredentials struct {
	mu sync.Mutex
	credentials.CredentialsProvider
}

func (s *sharedCredentials) GetCredentials() (*credentials.Credentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.CredentialsProvider.GetCredentials()
}

// ecsRAMRole is the chain's ECS RAM-role step. Unlike the SDK's
// provider.ProviderInstance it fetches nothing when the client is built, and
// the SDK provider it returns renews the token before it expires.
type ecsRAMRole struct{}

func (ecsRAMRole) Resolve() (auth.Credential, error) {
	role := os.Getenv(envECSMetadata)
	if role == "" {
		return nil, nil
	}
	return credentials.NewECSRAMRoleCredentialsProviderBuilder().WithRoleName(role).Build()
}
