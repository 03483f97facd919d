package alicloud

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
)

// The ECS egress rules of given security groups, for `terraform query`: one
// DescribeSecurityGroupAttribute per group (pages of 1000 rules), the read
// refresh makes, and one result per rule the resource can manage,
// identified by its SecurityGroupRuleId.
var _ list.ListResourceWithConfigure = &ecsEgressRuleListResource{}

// NewEcsEgressRuleListResource is the constructor the provider registers.
func NewEcsEgressRuleListResource() list.ListResource {
	return &ecsEgressRuleListResource{}
}

type ecsEgressRuleListResource struct {
	resourceBase
}

func (r *ecsEgressRuleListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_alicloud_ecs_egress_rule"
}

func (r *ecsEgressRuleListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = egressRuleListSchema(
		"The egress rules of Alibaba Cloud ECS security groups, one result per rule, for `terraform query`: each "+
			"result's identity is the group and the rule's `SecurityGroupRuleId`, which `import` blocks (and "+
			"`terraform query -generate-config-out`) take to import it as `secgroup_alicloud_ecs_egress_rule`. "+
			"Only rules that resource can manage are listed: a rule to a security group of another account "+
			"(`DestGroupOwnerAccount`) is left out, as the resource cannot name the owner, so that a replacement "+
			"would make another rule; so is a rule without a `SecurityGroupRuleId` or with a protocol the resource "+
			"does not know. Display names read `tcp 443/443 to 10.0.0.0/8 accept, priority 1, in web (sg-…), rule sgr-…`.",
		"ECS", "sg-bp67acfmxazb4p",
		"Region of the security groups. Defaults to the provider's `alicloud.region`.")
}

func (r *ecsEgressRuleListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	r.resourceBase.List(ctx, req, stream, ecsEgressRuleIdentity, func(ctx context.Context, emit resourcebase.Emit) diag.Diagnostics {
		return listEgressRules(ctx, &r.resourceBase, "ecs", req, emit, func(rule EgressRule, region string) any {
			return ecsListModel(ctx, rule, region)
		})
	})
}

// ecsListModel is what Read stores after an import of rule by its ID: the
// import sets the IDs, and Read the rest from Describe (setFromAPI).
func ecsListModel(ctx context.Context, rule EgressRule, region string) ecsEgressRuleModel {
	m := ecsEgressRuleModel{Timeouts: nullTimeouts(ctx, ecsTimeouts)}
	m.setFromAPI(&rule, region)
	return m
}
