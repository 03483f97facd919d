// Package huaweicloud wires the Huawei Cloud SDK (ECS, VPC, IAM) and holds the
// provider's Huawei Cloud resources.
package huaweicloud

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	httpclient "github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/provider"
	hwconfig "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	ecs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2"
	iam "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3"
	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
	vpc "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpc/v3"
	vpcmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpc/v3/model"
	"golang.org/x/sync/singleflight"

	"github.com/secgroup/terraform-provider-secgroup/internal/batch"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloudclient"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
	"github.com/secgroup/terraform-provider-secgroup/internal/readcache"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

const cloudName = "huaweicloud"

// Endpoint keys accepted in the provider's huaweicloud.endpoints map.
var EndpointKeys = []string{"ecs", "vpc", "iam"}

// DefaultLimits are the client-side rates, per service, when the provider's
// huaweicloud.rate_limits does not set them. Huawei Cloud publishes no
// per-user figure for the ECS, VPC and IAM calls used here (they are set per
// account and API at the gateway, which answers 429 APIGW.0308 above them):
// 10 requests per second each is our conservative choice.
var DefaultLimits = map[string]ratelimit.Limit{
	"ecs": ratelimit.PerSecond(10),
	"vpc": ratelimit.PerSecond(10),
	"iam": ratelimit.PerSecond(10),
}

// credentialHint is appended to authentication errors.
const credentialHint = "huaweicloud.access_key / huaweicloud.secret_key in the provider block, or HW_ACCESS_KEY / HW_SECRET_KEY"

// Config is the provider's huaweicloud block after environment fallbacks.
type Config struct {
	Version   string // the provider's, for the User-Agent
	Region    string
	AccessKey string
	SecretKey string
	ProjectID string            // for Region; other regions are looked up in IAM
	Endpoints map[string]string // service -> full URL
	Retry     retry.Policy
	// Limits are the client-side rate limits per service; nil means DefaultLimits.
	Limits map[string]ratelimit.Limit
}

// Client builds SDK clients lazily, per region, and runs every call through
// the shared retry loop and the service's rate limit (DoPaced). One Client lives
// for the provider process.
type Client struct {
	cloudclient.Base
	cfg       Config
	transport *http.Transport // one connection pool for every SDK client

	mu       sync.Mutex
	projects map[string]string // region -> project ID
	lookups  singleflight.Group
	ecs      map[string]*ecs.EcsClient
	vpc      map[string]*vpc.VpcClient
	iam      *iam.IamClient

	// What describes answered, kept for the provider process (see readcache).
	servers readcache.Cache[objectKey, *serverGroups]            // a server's name and groups
	groups  readcache.Listings[objectKey, *SecurityGroupMembers] // a group's members (FindSecurityGroupMembers)
	ports   readcache.Cache[objectKey, *vpcmodel.Port]
	// Concurrent reads of one region's servers or ports, sent as batch calls.
	serverReads batch.Batcher[string, string, *serverGroups]  // by region
	portReads   batch.Batcher[string, string, *vpcmodel.Port] // by region
}

// objectKey names a server or a port: its region and ID.
type objectKey struct{ region, id string }

// NewClient checks the configuration that does not need the network and
// returns an error naming the missing attribute and its environment variable.
func NewClient(cfg Config) (*Client, error) {
	if cfg.AccessKey == "" && cfg.SecretKey == "" {
		// Fall back to the SDK's own chain: HUAWEICLOUD_SDK_AK/SK and the profile file.
		// The instance-metadata provider is left out: it would call 169.254.169.254
		// from every machine that merely lacks credentials.
		chain := provider.NewCredentialProviderChain([]provider.ICredentialProvider{
			provider.NewEnvCredentialProvider("basic"),
			provider.NewProfileCredentialProvider("basic"),
		})
		if c, err := chain.GetCredentials(); err == nil {
			if b, ok := c.(*basic.Credentials); ok {
				cfg.AccessKey, cfg.SecretKey = b.AK, b.SK
				if cfg.ProjectID == "" {
					cfg.ProjectID = b.ProjectId
				}
			}
		}
	}
	switch {
	case cfg.Region == "":
		return nil, cloudclient.Missing(cloudName, "region", "HW_REGION_NAME")
	case cfg.AccessKey == "":
		return nil, cloudclient.Missing(cloudName, "access_key", "HW_ACCESS_KEY")
	case cfg.SecretKey == "":
		return nil, cloudclient.Missing(cloudName, "secret_key", "HW_SECRET_KEY")
	}
	// Checked like the other clouds' overrides; endpoint uses them as given.
	if _, err := cloudclient.ParseEndpoints(cloudName, EndpointKeys, cfg.Endpoints); err != nil {
		return nil, err
	}
	limits := cfg.Limits
	if limits == nil {
		limits = DefaultLimits
	}
	c := &Client{
		Base:      cloudclient.NewBase(cfg.Region, cfg.Retry, limits),
		cfg:       cfg,
		transport: cloudclient.NewTransport(),
		projects:  map[string]string{},
		ecs:       map[string]*ecs.EcsClient{},
		vpc:       map[string]*vpc.VpcClient{},
	}
	if cfg.ProjectID != "" {
		c.projects[cfg.Region] = cfg.ProjectID
	}
	c.initBatches()
	return c, nil
}

// endpoint is the service URL for a region: the override when configured,
// else Huawei Cloud's public pattern.
func (c *Client) endpoint(service, region string) string {
	if u := c.cfg.Endpoints[service]; u != "" {
		return strings.TrimSuffix(u, "/")
	}
	return fmt.Sprintf("https://%s.%s.myhuaweicloud.com", service, region)
}

// result turns the outcome of one SDK call, started at start, into an
// *apierr.Error (nil on success) and writes the exchange to the debug log.
func (c *Client) result(ctx context.Context, service, action string, start time.Time, err error) error {
	return cloudclient.LogCall(ctx, cloudName, service, action, start, wrap(err, service, action, c.cfg.Endpoints[service]))
}

// hcClient builds an SDK HTTP client for one endpoint on the shared transport.
// projectID is empty for global services (IAM).
func (c *Client) hcClient(builder *httpclient.HcHttpClientBuilder, endpoint, projectID string) (*httpclient.HcHttpClient, error) {
	cred, err := basic.NewCredentialsBuilder().
		WithAk(c.cfg.AccessKey).WithSk(c.cfg.SecretKey).WithProjectId(projectID).SafeBuild()
	if err != nil {
		return nil, err
	}
	hcfg := hwconfig.DefaultHttpConfig().WithTimeout(cloudclient.ReadTimeout).WithHttpTransport(c.transport).
		WithUserAgent(cloudclient.UserAgent(c.cfg.Version))
	return builder.WithEndpoints([]string{endpoint}).WithCredential(cred).WithHttpConfig(hcfg).
		WithErrorHandler(retryAfterHandler{}).SafeBuild()
}

// projectID returns the project of a region, asking IAM once per region;
// concurrent first uses (terraform refreshes in parallel) share one call.
// The lookup is ours rather than the SDK's so it goes through the retry loop
// and its errors carry the cloud's code.
func (c *Client) projectID(ctx context.Context, region string) (string, error) {
	c.mu.Lock()
	id, ok := c.projects[region]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	v, err, _ := c.lookups.Do(region, func() (any, error) {
		id, err := c.lookupProject(ctx, region)
		if err == nil {
			c.mu.Lock()
			c.projects[region] = id
			c.mu.Unlock()
		}
		return id, err
	})
	if err != nil {
		return "", err
	}
	return v.(string), nil //nolint:forcetypeassert // the function above returns a string
}

func (c *Client) lookupProject(ctx context.Context, region string) (string, error) {
	iamClient, err := c.iamClient()
	if err != nil {
		return "", err
	}
	var projects []iammodel.ProjectResult
	err = c.DoPaced(ctx, "iam", func(ctx context.Context, _ retry.Attempt) error {
		start := time.Now()
		resp, err := iamClient.KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{Name: &region})
		if err := c.result(ctx, "iam", "KeystoneListProjects", start, err); err != nil {
			return err
		}
		projects = nil
		if resp.Projects != nil {
			projects = *resp.Projects
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("looking up the project ID of region %q: %w", region, err)
	}
	switch len(projects) {
	case 0:
		return "", fmt.Errorf("no IAM project is named %q: check the region, or set huaweicloud.project_id (HW_PROJECT_ID)", region)
	case 1:
		return projects[0].Id, nil
	default:
		return "", fmt.Errorf("%d IAM projects are named %q: set huaweicloud.project_id (HW_PROJECT_ID) to choose one", len(projects), region)
	}
}

func (c *Client) iamClient() (*iam.IamClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.iam != nil {
		return c.iam, nil
	}
	// Endpoints, not a region: with a region the SDK would run its own,
	// unretried project lookup.
	hc, err := c.hcClient(iam.IamClientBuilder(), c.endpoint("iam", c.cfg.Region), "")
	if err != nil {
		return nil, err
	}
	c.iam = iam.NewIamClient(hc)
	return c.iam, nil
}

// ECS returns the ECS client of a region.
func (c *Client) ECS(ctx context.Context, region string) (*ecs.EcsClient, error) {
	return serviceClient(ctx, c, c.ecs, "ecs", region, ecs.NewEcsClient)
}

// VPC returns the VPC v3 client of a region.
func (c *Client) VPC(ctx context.Context, region string) (*vpc.VpcClient, error) {
	return serviceClient(ctx, c, c.vpc, "vpc", region, vpc.NewVpcClient)
}

// serviceClient builds (once per region) a project-scoped SDK client.
func serviceClient[T any](ctx context.Context, c *Client, cache map[string]*T, service, region string, build func(*httpclient.HcHttpClient) *T) (*T, error) {
	c.mu.Lock()
	cached, ok := cache[region]
	c.mu.Unlock()
	if ok {
		return cached, nil
	}
	projectID, err := c.projectID(ctx, region)
	if err != nil {
		return nil, err
	}
	hc, err := c.hcClient(httpclient.NewHcHttpClientBuilder(), c.endpoint(service, region), projectID)
	if err != nil {
		return nil, fmt.Errorf("building the Huawei Cloud %s client: %w", strings.ToUpper(service), err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if existing, ok := cache[region]; ok {
		return existing, nil
	}
	cache[region] = build(hc)
	return cache[region], nil
}
