package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/huaweicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/tencentcloud"
)

var urlPattern = regexp.MustCompile(`^https?://[^/\s]+(/\S*)?$`)

// settings reads one cloud block: configured value first, then the
// environment variable. A value that is unknown at plan time (set from another
// resource) cannot be used, and only that cloud's resources report it.
type settings struct {
	ctx     context.Context
	cloud   string
	unknown []string
}

func newSettings(ctx context.Context, cloud string) *settings {
	return &settings{ctx: ctx, cloud: cloud}
}

func (s *settings) get(v types.String, attr, env string) string {
	switch {
	case v.IsUnknown():
		s.unknown = append(s.unknown, attr)
		return ""
	case !v.IsNull():
		return v.ValueString()
	}
	return os.Getenv(env)
}

func (s *settings) endpoints(m types.Map) map[string]string {
	if m.IsUnknown() {
		s.unknown = append(s.unknown, "endpoints")
		return nil
	}
	out := map[string]string{}
	for k, v := range m.Elements() {
		str, ok := v.(types.String)
		if !ok || str.IsNull() {
			continue
		}
		if str.IsUnknown() {
			s.unknown = append(s.unknown, "endpoints."+k)
			continue
		}
		out[k] = str.ValueString()
	}
	return out
}

// rateLimits reads a rate_limits map: service -> requests per second.
func (s *settings) rateLimits(m types.Map) map[string]float64 {
	if m.IsUnknown() {
		s.unknown = append(s.unknown, "rate_limits")
		return nil
	}
	out := map[string]float64{}
	for k, v := range m.Elements() {
		f, ok := v.(types.Float64)
		if !ok || f.IsNull() {
			continue
		}
		if f.IsUnknown() {
			s.unknown = append(s.unknown, "rate_limits."+k)
			continue
		}
		out[k] = f.ValueFloat64()
	}
	return out
}

func (s *settings) err() error {
	if len(s.unknown) == 0 {
		return nil
	}
	sort.Strings(s.unknown)
	return fmt.Errorf("the %s provider block has values that are unknown until apply (%s): provider settings must be known at plan time; set them from variables or environment variables instead of resource outputs",
		s.cloud, strings.Join(s.unknown, ", "))
}

// providerData is handed to every resource. Each cloud's client, or the reason
// it cannot be built, is kept apart so an unconfigured cloud only fails the
// resources that use it.
type providerData struct {
	hw     *huaweicloud.Client
	hwErr  error
	ali    *alicloud.Client
	aliErr error
	tc     *tencentcloud.Client
	tcErr  error
}

func (d *providerData) HuaweiCloud() (*huaweicloud.Client, error)   { return d.hw, d.hwErr }
func (d *providerData) AliCloud() (*alicloud.Client, error)         { return d.ali, d.aliErr }
func (d *providerData) TencentCloud() (*tencentcloud.Client, error) { return d.tc, d.tcErr }
