package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// NewProtocol6Server returns the provider's protocol 6 server, for main.go
// and the tests alike: the framework's, with generated configuration made
// minimal.
func NewProtocol6Server(build Build) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := &SecgroupProvider{build: build}
		inner, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		lists, ok := inner.(tfprotov6.ListResourceServer)
		if !ok {
			return nil, fmt.Errorf("the framework's server (%T) serves no list resources", inner)
		}
		return &server{ProviderServer: inner, lists: lists, p: p}, nil
	}
}

// server answers GenerateResourceConfig (Terraform 1.14 and later, for
// `plan -generate-config-out`) with what a person would write: the
// framework's answer (the state without its read-only attributes) without
// the attributes that equal their default, and without a region that is the
// provider's, which the resource follows when it is left out. Everything else
// is the framework's. Older Terraform builds the configuration from the
// state itself, without asking the provider.
type server struct {
	tfprotov6.ProviderServer
	lists tfprotov6.ListResourceServer // the framework's, for terraform query
	p     *SecgroupProvider

	once  sync.Once
	types map[string]resourceShape
}

// resourceShape is what the generated configuration needs of a resource
// type's schema.
type resourceShape struct {
	typ      tftypes.Type
	defaults map[string]tftypes.Value // attribute -> its default
}

// GetMetadata and GetProviderSchema announce GenerateResourceConfig, which
// the framework (v1.19) answers but does not announce, so Terraform would
// not call it.
func (s *server) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	resp, err := s.ProviderServer.GetMetadata(ctx, req)
	if resp != nil {
		resp.ServerCapabilities = withGenerateResourceConfig(resp.ServerCapabilities)
	}
	return resp, err
}

func (s *server) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	resp, err := s.ProviderServer.GetProviderSchema(ctx, req)
	if resp != nil {
		resp.ServerCapabilities = withGenerateResourceConfig(resp.ServerCapabilities)
	}
	return resp, err
}

func withGenerateResourceConfig(c *tfprotov6.ServerCapabilities) *tfprotov6.ServerCapabilities {
	if c == nil {
		c = &tfprotov6.ServerCapabilities{}
	}
	c.GenerateResourceConfig = true
	return c
}

func (s *server) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	resp, err := s.ProviderServer.GenerateResourceConfig(ctx, req)
	if err != nil || resp == nil || resp.Config == nil {
		return resp, err
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return resp, nil
		}
	}
	// Anything unexpected keeps the framework's answer as it is.
	if config, err := s.minimal(ctx, req.TypeName, resp.Config); err == nil && config != nil {
		resp.Config = config
	}
	return resp, nil
}

// minimal is config without the attributes that equal their default and
// without the provider's own region; nil when the type is not ours.
func (s *server) minimal(ctx context.Context, typeName string, config *tfprotov6.DynamicValue) (*tfprotov6.DynamicValue, error) {
	s.once.Do(func() { s.types = resourceShapes(ctx, s.p) })
	shape, ok := s.types[typeName]
	if !ok {
		return nil, nil
	}
	value, err := config.Unmarshal(shape.typ)
	if err != nil {
		return nil, err
	}
	var attrs map[string]tftypes.Value
	if err := value.As(&attrs); err != nil || attrs == nil {
		return nil, err
	}
	for name, def := range shape.defaults {
		if v, ok := attrs[name]; ok && v.Equal(def) {
			attrs[name] = tftypes.NewValue(v.Type(), nil)
		}
	}
	if v, ok := attrs["region"]; ok && v.IsKnown() && !v.IsNull() {
		var region string
		if v.As(&region) == nil && region != "" && region == s.p.defaultRegion(typeName) {
			attrs["region"] = tftypes.NewValue(tftypes.String, nil)
		}
	}
	out, err := tfprotov6.NewDynamicValue(shape.typ, tftypes.NewValue(shape.typ, attrs))
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// resourceShapes reads every resource's schema: its type and the defaults
// of its top-level attributes.
func resourceShapes(ctx context.Context, p *SecgroupProvider) map[string]resourceShape {
	out := map[string]resourceShape{}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "secgroup"}, &meta)
		var sr resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sr)
		if sr.Diagnostics.HasError() {
			continue
		}
		shape := resourceShape{typ: sr.Schema.Type().TerraformType(ctx), defaults: map[string]tftypes.Value{}}
		for name, a := range sr.Schema.Attributes {
			if v := defaultOf(ctx, a); v != nil {
				if tf, err := v.ToTerraformValue(ctx); err == nil {
					shape.defaults[name] = tf
				}
			}
		}
		out[meta.TypeName] = shape
	}
	return out
}

// defaultOf is an attribute's static default, or nil.
func defaultOf(ctx context.Context, a schema.Attribute) attr.Value {
	switch a := a.(type) {
	case schema.StringAttribute:
		if a.Default != nil {
			var r defaults.StringResponse
			a.Default.DefaultString(ctx, defaults.StringRequest{}, &r)
			return r.PlanValue
		}
	case schema.BoolAttribute:
		if a.Default != nil {
			var r defaults.BoolResponse
			a.Default.DefaultBool(ctx, defaults.BoolRequest{}, &r)
			return r.PlanValue
		}
	case schema.Int64Attribute:
		if a.Default != nil {
			var r defaults.Int64Response
			a.Default.DefaultInt64(ctx, defaults.Int64Request{}, &r)
			return r.PlanValue
		}
	case schema.NumberAttribute:
		if a.Default != nil {
			var r defaults.NumberResponse
			a.Default.DefaultNumber(ctx, defaults.NumberRequest{}, &r)
			return r.PlanValue
		}
	}
	return nil
}

// defaultRegion is the region a resource of the type follows when its
// region is unset: its cloud's, once the provider is configured, else "".
func (p *SecgroupProvider) defaultRegion(typeName string) string {
	p.mu.Lock()
	data := p.data
	p.mu.Unlock()
	if data == nil {
		return ""
	}
	switch {
	case strings.HasPrefix(typeName, "secgroup_huaweicloud_") && data.hw != nil:
		return data.hw.Region("")
	case strings.HasPrefix(typeName, "secgroup_alicloud_") && data.ali != nil:
		return data.ali.Region("")
	}
	return ""
}

// The framework serves list resources (`terraform query`) through
// tfprotov6.ListResourceServer, which tfprotov6.ProviderServer does not
// include yet: embedding the latter hides them, and Terraform gets
// "ValidateListResourceConfig Not Implemented". They are forwarded.
var _ tfprotov6.ListResourceServer = &server{}

func (s *server) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return s.lists.ValidateListResourceConfig(ctx, req)
}

func (s *server) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	return s.lists.ListResource(ctx, req)
}
