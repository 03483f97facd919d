// Package tencentcloud wires the Tencent Cloud SDK's common client (VPC and
// CVM, API 3.0) and holds the provider's Tencent Cloud resources.
package tencentcloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/batch"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloudclient"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
	"github.com/secgroup/terraform-provider-secgroup/internal/readcache"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

const cloudName = "tencentcloud"

// Endpoint keys accepted in the provider's tencentcloud.endpoints map. The
// tag service updates a security group's tags in place.
var EndpointKeys = []string{"vpc", "cvm", "tag"}

// apiVersions are the API 3.0 versions the provider speaks, per service.
var apiVersions = map[string]string{"vpc": "2017-03-12", "cvm": "2017-03-12", "tag": "2018-08-13"}

// DefaultLimits are the client-side rates, per service, when the provider's
// tencentcloud.rate_limits does not set them: Tencent Cloud documents 10
// requests per second for CVM's security group calls (and DescribeInstances),
// 20 for the tag service's ModifyResourceTags and 100 for VPC's security
// group calls; VPC's 20 is our conservative choice, as the limit here is per
// service rather than per API. A burst of 1 spaces the calls evenly, so a
// cloud that counts per second on its own clock never sees 11.
var DefaultLimits = map[string]ratelimit.Limit{
	"cvm": ratelimit.PerSecond(10),
	"vpc": ratelimit.PerSecond(20),
	"tag": ratelimit.PerSecond(20),
}

// bindWindow and bindMaxWait are how long a binding write (a create's with
// its check) collects the others of its group before it goes out: longer
// than a read's few milliseconds, because a membership's whole create or
// delete is this one batch, so little else of its group would be under way
// at the same moment. bindFillWindow is how long a batch whose memberships
// are still arriving, or that holds fewer than the group has had under way
// at once, keeps collecting (batch.Batcher.FillWindow): when terraform
// shares its 10 slots with other work (the other clouds of a fleet), the
// group's creates arrive a few at a time and would otherwise go out three to
// five per batch; a lone create, and a fleet holding every slot, still go at
// bindWindow.
const (
	bindWindow     = 250 * time.Millisecond
	bindMaxWait    = 500 * time.Millisecond
	bindFillWindow = 750 * time.Millisecond
)

// credentialHint is appended to authentication errors.
const credentialHint = "tencentcloud.secret_id / tencentcloud.secret_key in the provider block, or TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY"

// Config is the provider's tencentcloud block after environment fallbacks.
type Config struct {
	Version   string // the provider's, for the User-Agent
	Region    string
	SecretID  string
	SecretKey string
	Endpoints map[string]string // service -> full URL
	Retry     retry.Policy
	// Limits are the client-side rate limits per service; nil means DefaultLimits.
	Limits map[string]ratelimit.Limit
}

// Client builds SDK clients lazily, per service and region, and runs every
// call through the shared retry loop. One Client lives for the provider process.
type Client struct {
	cloudclient.Base
	cfg       Config
	overrides map[string]*url.URL // service -> endpoint override
	transport http.RoundTripper   // one connection pool for every SDK client

	mu      sync.Mutex
	clients map[clientKey]*common.Client

	// What describes answered, kept for the provider process (see readcache).
	instances readcache.Cache[instanceKey, *Instance]
	listings  readcache.Listings[groupKey, map[string]*Instance] // a group's members
	// Concurrent calls about single instances, sent as batch calls (see batch).
	instanceReads batch.Batcher[string, string, *Instance] // by region
	// Creates: the fresh read under each instance's lock that decides the
	// write, and the write, as one batch (checkAndAssociate), so that a
	// create waits for one window and every create under way shares it.
	associations batch.Batcher[bindingBatch, string, struct{}]
	// Deletes (and the tests' bindings): the write alone.
	bindings batch.Batcher[bindingBatch, string, struct{}]
}

// instanceKey names a CVM instance: its region and ID.
type instanceKey struct{ region, id string }

// groupKey names a security group's member listing: its region and ID.
type groupKey struct{ region, id string }

type clientKey struct{ service, region string }

// NewClient checks the configuration that does not need the network and
// returns an error naming the missing attribute and its environment variable.
func NewClient(cfg Config) (*Client, error) {
	if cfg.SecretID == "" && cfg.SecretKey == "" {
		// Fall back to the SDK's own providers: TENCENTCLOUD_SECRET_ID/KEY, then the
		// profile file. The CVM role provider is left out: it would call the
		// metadata host from every machine that merely lacks credentials.
		chain := common.NewProviderChain([]common.Provider{
			common.DefaultEnvProvider(),
			common.DefaultProfileProvider(),
		})
		if cred, err := chain.GetCredential(); err == nil {
			cfg.SecretID, cfg.SecretKey = cred.GetSecretId(), cred.GetSecretKey()
		}
	}
	switch {
	case cfg.Region == "":
		return nil, cloudclient.Missing(cloudName, "region", "TENCENTCLOUD_REGION")
	case cfg.SecretID == "":
		return nil, cloudclient.Missing(cloudName, "secret_id", "TENCENTCLOUD_SECRET_ID")
	case cfg.SecretKey == "":
		return nil, cloudclient.Missing(cloudName, "secret_key", "TENCENTCLOUD_SECRET_KEY")
	}
	overrides, err := cloudclient.ParseEndpoints(cloudName, EndpointKeys, cfg.Endpoints)
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
		transport: cloudclient.ObserveAnswers(cloudclient.NewTransport()),
		clients:   map[clientKey]*common.Client{},
	}
	c.instanceReads = batch.Batcher[string, string, *Instance]{
		Fetch: c.describeInstances, Missing: instanceNotFound, Split: oneMembersFault, MaxSize: cvmPageSize,
		Call:  func(string) string { return cloudName + " CVM DescribeInstances" },
		Ready: func(ctx context.Context, _ string) error { return c.WaitTurn(ctx, "cvm") },
	}
	c.associations = c.bindingBatcher(c.checkAndAssociate)
	c.bindings = c.bindingBatcher(c.bind)
	return c, nil
}

// bindingBatcher batches the binding writes of one group made by fetch.
func (c *Client) bindingBatcher(fetch func(context.Context, bindingBatch, []string) (map[string]struct{}, error)) batch.Batcher[bindingBatch, string, struct{}] {
	return batch.Batcher[bindingBatch, string, struct{}]{
		Fetch: fetch, Split: oneMembersFault, MaxSize: cvmPageSize, Writes: true,
		Window: bindWindow, MaxWait: bindMaxWait, FillWindow: bindFillWindow,
		Call:  func(b bindingBatch) string { return cloudName + " CVM " + b.action },
		Ready: func(ctx context.Context, _ bindingBatch) error { return c.WaitTurn(ctx, "cvm") },
	}
}

// endpoint is the SDK's scheme and endpoint (host[:port][/path]) of a
// service: the override when configured, else Tencent Cloud's public endpoint.
func (c *Client) endpoint(svc string) (scheme, endpoint string) {
	if u := c.overrides[svc]; u != nil {
		return strings.ToUpper(u.Scheme), u.Host + strings.TrimSuffix(u.Path, "/")
	}
	return "HTTPS", svc + "." + tchttp.RootDomain
}

// endpointURL is the service's endpoint as a URL, for error messages.
func (c *Client) endpointURL(svc string) string {
	scheme, endpoint := c.endpoint(svc)
	return strings.ToLower(scheme) + "://" + endpoint
}

// sdkClient returns the common client of a service in a region, built once.
// The common client is safe for concurrent use: it changes no state per call.
func (c *Client) sdkClient(svc, region string) (*common.Client, error) {
	if err := cloudclient.CheckService(cloudName, svc, EndpointKeys); err != nil {
		return nil, err
	}
	key := clientKey{svc, region}
	c.mu.Lock()
	defer c.mu.Unlock()
	if client, ok := c.clients[key]; ok {
		return client, nil
	}
	cp := profile.NewClientProfile()
	cp.HttpProfile.Scheme, cp.HttpProfile.Endpoint = c.endpoint(svc)
	cp.HttpProfile.ReqTimeout = int(cloudclient.ReadTimeout / time.Second)
	cp.Language = "en-US" // error messages are shown to the user
	// c.DoPaced is the one retry policy. The region breaker would also send calls
	// to ap-guangzhou.tencentcloudapi.com, past an endpoint override.
	cp.NetworkFailureMaxRetries = 0
	cp.RateLimitExceededMaxRetries = 0
	cp.DisableRegionBreaker = true
	client := common.NewCommonClient(common.NewCredential(c.cfg.SecretID, c.cfg.SecretKey), region, cp).
		WithHttpTransport(c.transport)
	c.clients[key] = client
	return client, nil
}

// Call makes one API call (POST, JSON, TC3-HMAC-SHA256) through c.DoPaced and
// decodes the answer's Response object into out (unless out is nil). params
// is encoded with encoding/json; nil sends an empty object.
func (c *Client) Call(ctx context.Context, svc, region, action string, params any, out any) error {
	return c.DoPaced(ctx, svc, func(ctx context.Context, _ retry.Attempt) error {
		return c.Send(ctx, svc, region, action, params, out)
	})
}

// Send makes one attempt of an API call, without retries or pacing, for
// callers that run their own c.DoPaced because a retry must first check what
// the lost attempt did (CreateSecurityGroup has no idempotency token).
func (c *Client) Send(ctx context.Context, svc, region, action string, params any, out any) error {
	client, err := c.sdkClient(svc, c.Region(region))
	if err != nil {
		return err
	}
	body := []byte("{}")
	if params != nil {
		if body, err = json.Marshal(params); err != nil {
			return fmt.Errorf("tencentcloud %s %s: encoding the parameters: %w", strings.ToUpper(svc), action, err)
		}
	}
	// A new request per attempt: each one gets a fresh timestamp, nonce and
	// signature, and a context where the transport notes the answer's Retry-After.
	ctx, hint := cloudclient.WithAnswer(ctx)
	req := tchttp.NewCommonRequest(svc, apiVersions[svc], action)
	req.SetContext(ctx)
	req.SetHeader(map[string]string{"User-Agent": cloudclient.UserAgent(c.cfg.Version)})
	if err := req.SetActionParameters(body); err != nil {
		return fmt.Errorf("tencentcloud %s %s: the parameters are not a JSON object: %w", strings.ToUpper(svc), action, err)
	}
	resp := &answer{BaseResponse: &tchttp.BaseResponse{}}
	start := time.Now()
	err = apierr.WithWait(wrap(client.Send(req, resp), svc, action, c.endpointURL(svc)), hint.RetryAfter())
	if err := cloudclient.LogCall(ctx, cloudName, svc, action, start, err); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Response, out); err != nil {
		return fmt.Errorf("tencentcloud %s %s: decoding the answer: %w", strings.ToUpper(svc), action, err)
	}
	return nil
}

// answer keeps the Response object's bytes for the caller's types: the SDK's
// CommonResponse decodes into map[string]any, turning numbers into float64.
type answer struct {
	*tchttp.BaseResponse
	Response json.RawMessage `json:"Response"`
}
