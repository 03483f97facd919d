// Package provider holds the secgroup provider: its schema, its configuration
// with environment fallbacks, and the list of resources of every cloud.
package provider

import (
	"context"
	"fmt"
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/secgroup/terraform-provider-secgroup/internal/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloudclient"
	"github.com/secgroup/terraform-provider-secgroup/internal/huaweicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
	"github.com/secgroup/terraform-provider-secgroup/internal/tencentcloud"
)

var (
	_ provider.Provider                  = &SecgroupProvider{}
	_ provider.ProviderWithListResources = &SecgroupProvider{}
)

// SecgroupProvider is the provider implementation.
type SecgroupProvider struct {
	build Build

	mu   sync.Mutex
	data *providerData // once configured: for generated configuration's region
}

// Build is what the release build stamped into the binary.
type Build struct {
	Version string // "0.1.0"; "dev" when built by hand
	Commit  string
}

// New returns the provider factory for providerserver.
func New(version string) func() provider.Provider {
	return NewBuild(Build{Version: version})
}

// NewBuild is New with the build's commit too, for the provider's log.
func NewBuild(build Build) func() provider.Provider {
	return func() provider.Provider { return &SecgroupProvider{build: build} }
}

type providerModel struct {
	HuaweiCloud  *huaweiCloudModel  `tfsdk:"huaweicloud"`
	AliCloud     *aliCloudModel     `tfsdk:"alicloud"`
	TencentCloud *tencentCloudModel `tfsdk:"tencentcloud"`
	MaxRetries   types.Int64        `tfsdk:"max_retries"`
}

type huaweiCloudModel struct {
	Region     types.String `tfsdk:"region"`
	AccessKey  types.String `tfsdk:"access_key"`
	SecretKey  types.String `tfsdk:"secret_key"`
	ProjectID  types.String `tfsdk:"project_id"`
	Endpoints  types.Map    `tfsdk:"endpoints"`
	RateLimits types.Map    `tfsdk:"rate_limits"`
}

type aliCloudModel struct {
	Region        types.String `tfsdk:"region"`
	AccessKey     types.String `tfsdk:"access_key"`
	SecretKey     types.String `tfsdk:"secret_key"`
	SecurityToken types.String `tfsdk:"security_token"`
	Endpoints     types.Map    `tfsdk:"endpoints"`
	RateLimits    types.Map    `tfsdk:"rate_limits"`
}

type tencentCloudModel struct {
	Region     types.String `tfsdk:"region"`
	SecretID   types.String `tfsdk:"secret_id"`
	SecretKey  types.String `tfsdk:"secret_key"`
	Endpoints  types.Map    `tfsdk:"endpoints"`
	RateLimits types.Map    `tfsdk:"rate_limits"`
}

func (p *SecgroupProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "secgroup"
	resp.Version = p.build.Version
}

func (p *SecgroupProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages security-group memberships and egress rules as their own resources on " +
			"Huawei Cloud, Alibaba Cloud and Tencent Cloud. Each cloud has its own optional block; a cloud " +
			"that is not configured only fails the resources that use it.",
		Attributes: map[string]schema.Attribute{
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a transiently failed API call (HTTP 5xx, a connection refused " +
					"or reset, a timeout) is retried, on every cloud, with exponential backoff and jitter, and never " +
					"sooner than the wait the cloud names in a `Retry-After` header. Always bounded by the operation's " +
					"timeout too. Throttled answers (HTTP 429, `Throttling*`, `RequestLimitExceeded*`) are not counted: " +
					"a spent quota is waited out until the operation's timeout. Default `10`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
		},
		Blocks: map[string]schema.Block{
			"huaweicloud": schema.SingleNestedBlock{
				MarkdownDescription: "Huawei Cloud settings. Each attribute falls back to its environment variable, " +
					"then to the Huawei Cloud SDK's own `HUAWEICLOUD_SDK_AK`/`HUAWEICLOUD_SDK_SK` variables and " +
					"`~/.huaweicloud/credentials` profile file.",
				Attributes: map[string]schema.Attribute{
					"region":     cloudString("Region, e.g. `cn-north-4`. Environment: `HW_REGION_NAME`.", false),
					"access_key": cloudString("Access key (AK). Environment: `HW_ACCESS_KEY`.", false),
					"secret_key": cloudString("Secret key (SK). Environment: `HW_SECRET_KEY`.", true),
					"project_id": cloudString("Project ID of `region`. Environment: `HW_PROJECT_ID`. When unset, "+
						"the project whose name is the region is looked up in IAM (once per region).", false),
					"endpoints": endpointsAttribute(huaweicloud.EndpointKeys, sharedEndpointRules("huaweicloud", huaweicloud.EndpointKeys)),
					"rate_limits": rateLimitsAttribute(huaweicloud.EndpointKeys, huaweicloud.DefaultLimits,
						"Huawei Cloud publishes no per-user figure for these calls (its API gateway answers "+
							"HTTP 429 `APIGW.0308` above the account's quota), so the defaults are our conservative choice."),
				},
			},
			"alicloud": schema.SingleNestedBlock{
				MarkdownDescription: "Alibaba Cloud settings. Each attribute falls back to its environment variable, " +
					"then to the Alibaba Cloud SDK's own credential chain (environment and profile file).",
				Attributes: map[string]schema.Attribute{
					"region":         cloudString("Default region, e.g. `cn-hangzhou`, for resources that set none of their own (ENS rules have none, so they need it). Environment: `ALICLOUD_REGION`.", false),
					"access_key":     cloudString("AccessKey ID. Environment: `ALICLOUD_ACCESS_KEY`.", false),
					"secret_key":     cloudString("AccessKey secret. Environment: `ALICLOUD_SECRET_KEY`.", true),
					"security_token": cloudString("STS security token. Environment: `ALICLOUD_SECURITY_TOKEN`.", true),
					"endpoints":      endpointsAttribute(alicloud.EndpointKeys, alicloud.ParseEndpoints),
					"rate_limits": rateLimitsAttribute(alicloud.EndpointKeys, alicloud.DefaultLimits,
						"Alibaba Cloud sets its quotas per account, API and region (Quota Center, API Rate Limits) and "+
							"refuses an API for the rest of the minute once it is exceeded, so the defaults are our "+
							"conservative choice: raise them to your quotas."),
				},
			},
			"tencentcloud": schema.SingleNestedBlock{
				MarkdownDescription: "Tencent Cloud settings. Each attribute falls back to its environment variable, " +
					"then to the Tencent Cloud SDK's own environment and profile-file credentials.",
				Attributes: map[string]schema.Attribute{
					"region":     cloudString("Region, e.g. `ap-guangzhou`. Environment: `TENCENTCLOUD_REGION`.", false),
					"secret_id":  cloudString("SecretId. Environment: `TENCENTCLOUD_SECRET_ID`.", false),
					"secret_key": cloudString("SecretKey. Environment: `TENCENTCLOUD_SECRET_KEY`.", true),
					"endpoints":  endpointsAttribute(tencentcloud.EndpointKeys, sharedEndpointRules("tencentcloud", tencentcloud.EndpointKeys)),
					"rate_limits": rateLimitsAttribute(tencentcloud.EndpointKeys, tencentcloud.DefaultLimits,
						"Tencent Cloud documents 10 requests per second for the CVM security group calls and "+
							"`DescribeInstances`, and 20 for the tag service's `ModifyResourceTags`; VPC's security group "+
							"calls are documented at 100 per API, and 20 for the whole service is our conservative choice."),
				},
			},
		},
	}
}

func cloudString(description string, sensitive bool) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Optional:            true,
		Sensitive:           sensitive,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}

// endpointsAttribute is a cloud block's endpoint overrides; parse is the
// cloud client's own check of them, run at validate time so a URL the client
// cannot use fails once, on its attribute, not as every resource's "Not
// Configured" at plan time.
func endpointsAttribute(keys []string, parse endpointParser) schema.MapAttribute {
	return schema.MapAttribute{
		MarkdownDescription: "Full URLs that replace the public endpoints, keyed by service: `" +
			strings.Join(keys, "`, `") + "`. `http://` is allowed, e.g. for the local emulator.",
		Optional:    true,
		ElementType: types.StringType,
		Validators: []validator.Map{
			mapvalidator.KeysAre(stringvalidator.OneOf(keys...)),
			mapvalidator.ValueStringsAre(stringvalidator.RegexMatches(urlPattern, "must be a full URL such as https://host or http://127.0.0.1:8080")),
			endpointsValidator{keys: keys, parse: parse},
		},
	}
}

// rateLimitsAttribute is a cloud block's client-side rate limits, keyed by
// service like its endpoints. why says where the defaults come from.
func rateLimitsAttribute(keys []string, defaults map[string]ratelimit.Limit, why string) schema.MapAttribute {
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("`%s` %v", k, defaults[k].Rate))
	}
	return schema.MapAttribute{
		MarkdownDescription: "Client-side rate limits in requests per second, keyed by service: `" +
			strings.Join(keys, "`, `") + "`. Every API call, retries included, waits its turn, evenly spaced, so " +
			"a large apply stays under the cloud's quota instead of being throttled. `0` turns a service's limit " +
			"off; a service left out keeps its default. Defaults: " + strings.Join(parts, ", ") + ". " + why,
		Optional:    true,
		ElementType: types.Float64Type,
		Validators: []validator.Map{
			mapvalidator.KeysAre(stringvalidator.OneOf(keys...)),
			mapvalidator.ValueFloat64sAre(rateValidator{}),
		},
	}
}

func (p *SecgroupProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// Which build talks to the clouds, for bug reports; the same version is in
	// every request's User-Agent.
	tflog.Info(ctx, "configuring the secgroup provider", map[string]any{
		"version": p.build.Version, "commit": p.build.Commit, "terraform_version": req.TerraformVersion,
	})

	policy := retry.DefaultPolicy
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		policy.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}

	data := &providerData{}
	var hw huaweiCloudModel
	if cfg.HuaweiCloud != nil {
		hw = *cfg.HuaweiCloud
	}
	r := newSettings(ctx, "huaweicloud")
	hwCfg := huaweicloud.Config{
		Version:   p.build.Version,
		Region:    r.get(hw.Region, "region", "HW_REGION_NAME"),
		AccessKey: r.get(hw.AccessKey, "access_key", "HW_ACCESS_KEY"),
		SecretKey: r.get(hw.SecretKey, "secret_key", "HW_SECRET_KEY"),
		ProjectID: r.get(hw.ProjectID, "project_id", "HW_PROJECT_ID"),
		Endpoints: r.endpoints(hw.Endpoints),
		Retry:     policy,
		Limits:    ratelimit.WithOverrides(huaweicloud.DefaultLimits, r.rateLimits(hw.RateLimits)),
	}
	if data.hwErr = r.err(); data.hwErr == nil {
		data.hw, data.hwErr = huaweicloud.NewClient(hwCfg)
	}

	var ali aliCloudModel
	if cfg.AliCloud != nil {
		ali = *cfg.AliCloud
	}
	r = newSettings(ctx, "alicloud")
	aliCfg := alicloud.Config{
		Version:       p.build.Version,
		Region:        r.get(ali.Region, "region", "ALICLOUD_REGION"),
		AccessKey:     r.get(ali.AccessKey, "access_key", "ALICLOUD_ACCESS_KEY"),
		SecretKey:     r.get(ali.SecretKey, "secret_key", "ALICLOUD_SECRET_KEY"),
		SecurityToken: r.get(ali.SecurityToken, "security_token", "ALICLOUD_SECURITY_TOKEN"),
		Endpoints:     r.endpoints(ali.Endpoints),
		Retry:         policy,
		Limits:        ratelimit.WithOverrides(alicloud.DefaultLimits, r.rateLimits(ali.RateLimits)),
	}
	if data.aliErr = r.err(); data.aliErr == nil {
		data.ali, data.aliErr = alicloud.NewClient(aliCfg)
	}

	var tc tencentCloudModel
	if cfg.TencentCloud != nil {
		tc = *cfg.TencentCloud
	}
	r = newSettings(ctx, "tencentcloud")
	tcCfg := tencentcloud.Config{
		Version:   p.build.Version,
		Region:    r.get(tc.Region, "region", "TENCENTCLOUD_REGION"),
		SecretID:  r.get(tc.SecretID, "secret_id", "TENCENTCLOUD_SECRET_ID"),
		SecretKey: r.get(tc.SecretKey, "secret_key", "TENCENTCLOUD_SECRET_KEY"),
		Endpoints: r.endpoints(tc.Endpoints),
		Retry:     policy,
		Limits:    ratelimit.WithOverrides(tencentcloud.DefaultLimits, r.rateLimits(tc.RateLimits)),
	}
	if data.tcErr = r.err(); data.tcErr == nil {
		data.tc, data.tcErr = tencentcloud.NewClient(tcCfg)
	}

	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	p.mu.Lock()
	p.data = data
	p.mu.Unlock()
}

func (p *SecgroupProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		huaweicloud.NewServerAssociationResource,
		huaweicloud.NewPortAssociationResource,
		alicloud.NewInstanceAssociationResource,
		alicloud.NewEniAssociationResource,
		tencentcloud.NewSecurityGroupResource,
		tencentcloud.NewInstanceAssociationResource,
		alicloud.NewEnsEgressRuleResource,
		alicloud.NewEcsEgressRuleResource,
	}
}

func (p *SecgroupProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		huaweicloud.NewSecurityGroupMembersDataSource,
		alicloud.NewSecurityGroupMembersDataSource,
		tencentcloud.NewSecurityGroupMembersDataSource,
	}
}

// ListResources are the list resources of `terraform query` (Terraform >=
// 1.14): one per resource type.
func (p *SecgroupProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		alicloud.NewInstanceAssociationListResource,
		alicloud.NewEniAssociationListResource,
		alicloud.NewEnsEgressRuleListResource,
		alicloud.NewEcsEgressRuleListResource,
		huaweicloud.NewServerAssociationListResource,
		huaweicloud.NewPortAssociationListResource,
		tencentcloud.NewSecurityGroupListResource,
		tencentcloud.NewInstanceAssociationListResource,
	}
}

// sharedEndpointRules is the check of a cloud whose client takes its
// endpoints as cloudclient.ParseEndpoints does.
func sharedEndpointRules(cloud string, keys []string) endpointParser {
	return func(endpoints map[string]string) (map[string]*url.URL, error) {
		return cloudclient.ParseEndpoints(cloud, keys, endpoints)
	}
}

// endpointParser is a cloud client's check of its endpoint overrides.
type endpointParser func(map[string]string) (map[string]*url.URL, error)

// endpointsValidator runs the cloud client's check on each endpoint that the
// attribute's other validators let through (a known service, a URL's form).
type endpointsValidator struct {
	keys  []string
	parse endpointParser
}

func (endpointsValidator) Description(context.Context) string {
	return "each value must be a URL the cloud's client can use"
}

func (v endpointsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v endpointsValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, key := range slices.Sorted(maps.Keys(req.ConfigValue.Elements())) {
		s, ok := req.ConfigValue.Elements()[key].(types.String)
		if !ok || s.IsNull() || s.IsUnknown() || !slices.Contains(v.keys, key) || !urlPattern.MatchString(s.ValueString()) {
			continue // unknown until apply, or already reported
		}
		if _, err := v.parse(map[string]string{key: s.ValueString()}); err != nil {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(key), "Invalid Endpoint",
				fmt.Sprintf("Attribute %s cannot be used: %s.", req.Path.AtMapKey(key), err))
		}
	}
}

// rateValidator: a rate is 0 (no limit) or more requests per second, and
// the error prints the number as written (float64validator prints %f).
type rateValidator struct{}

func (rateValidator) Description(context.Context) string {
	return "value must be at least 0 (0 turns the limit off)"
}

func (v rateValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v rateValidator) ValidateFloat64(ctx context.Context, req validator.Float64Request, resp *validator.Float64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if f := req.ConfigValue.ValueFloat64(); f < 0 || math.IsNaN(f) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Rate Limit",
			fmt.Sprintf("Attribute %s %s, got %s.", req.Path, v.Description(ctx), strconv.FormatFloat(f, 'g', -1, 64)))
	}
}
