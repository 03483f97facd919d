package alicloud

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
)

// The ENS egress rules of given security groups, for `terraform query`: one
// DescribeSecurityGroupAttribute per group, the read refresh makes, and one
// result per egress rule, identified by its tuple as an import is.
var _ list.ListResourceWithConfigure = &ensEgressRuleListResource{}

// NewEnsEgressRuleListResource is the constructor the provider registers.
func NewEnsEgressRuleListResource() list.ListResource {
	return &ensEgressRuleListResource{}
}

type ensEgressRuleListResource struct {
	resourceBase
}

func (r *ensEgressRuleListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_alicloud_ens_egress_rule"
}

func (r *ensEgressRuleListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = egressRuleListSchema(
		"The egress rules of Alibaba Cloud ENS security groups, one result per rule, for `terraform query`: each "+
			"result's identity is the rule's tuple, which `import` blocks (and `terraform query -generate-config-out`) "+
			"take to import it as `secgroup_alicloud_ens_egress_rule`. Every ENS egress rule can be imported. A rule "+
			"has no description in the results: the resource keeps its description in the state only, and an import "+
			"leaves it unset. Display names read `tcp 443/443 to 10.0.0.0/8 accept, priority 1, in web (sg-…)`.",
		"ENS", "sg-5p1fg655nh68xyz",
		"The provider's region, the only one allowed (the default): ENS security groups are not regional, and the "+
			"rule resource imports in the provider's region. To list with another region, use a provider configuration "+
			"(alias) for it.")
}

func (r *ensEgressRuleListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	r.resourceBase.List(ctx, req, stream, ensEgressRuleIdentity, func(ctx context.Context, emit resourcebase.Emit) diag.Diagnostics {
		return listEgressRules(ctx, &r.resourceBase, "ens", req, emit, func(rule EgressRule, _ string) any {
			return ensListModel(ctx, rule)
		})
	})
}

// ensListModel is what Read stores after an import of rule by its ID: the
// tuple as Describe gives it, in the resource's case; no description (ENS
// keeps none); an unset source port range ("-1/-1" in Describe) unset, as
// it is in a configuration.
func ensListModel(ctx context.Context, rule EgressRule) ensEgressRuleModel {
	if isAllPorts(rule.SourcePortRange) {
		rule.SourcePortRange = ""
	}
	m := ensEgressRuleModel{
		ID:              types.StringValue(ensRuleID(rule)),
		SecurityGroupID: types.StringValue(rule.GroupID),
		IPProtocol:      types.StringValue(rule.Protocol),
		PortRange:       types.StringValue(rule.PortRange),
		DestCidrIP:      types.StringValue(rule.DestCidrIP),
		Policy:          types.StringValue(rule.Policy),
		Priority:        types.Int64Value(rule.Priority),
		SourcePortRange: types.StringNull(),
		Description:     types.StringNull(),
		Timeouts:        nullTimeouts(ctx, ensTimeouts),
	}
	if rule.SourcePortRange != "" {
		m.SourcePortRange = types.StringValue(rule.SourcePortRange)
	}
	return m
}
