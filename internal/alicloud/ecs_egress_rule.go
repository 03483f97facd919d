package alicloud

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// ECS (API 2014-05-26) egress rules: the ENS rule's shape plus ECS's
// destinations and NIC type. ECS names each rule with a SecurityGroupRuleId,
// which is the rule's identity here once created; the description changes in
// place with ModifySecurityGroupEgressRule.
var (
	_ resource.Resource                     = &ecsEgressRuleResource{}
	_ resource.ResourceWithConfigure        = &ecsEgressRuleResource{}
	_ resource.ResourceWithImportState      = &ecsEgressRuleResource{}
	_ resource.ResourceWithIdentity         = &ecsEgressRuleResource{}
	_ resource.ResourceWithModifyPlan       = &ecsEgressRuleResource{}
	_ resource.ResourceWithConfigValidators = &ecsEgressRuleResource{}
)

// ecsTimeouts are the operations the rule's timeouts block sets.
var ecsTimeouts = timeouts.Opts{Create: true, Update: true, Delete: true}

var ecsDestinations = []string{"dest_cidr_ip", "ipv6_dest_cidr_ip", "dest_group_id", "dest_prefix_list_id"}

// NewEcsEgressRuleResource is the constructor the provider registers.
func NewEcsEgressRuleResource() resource.Resource {
	return &ecsEgressRuleResource{}
}

type ecsEgressRuleResource struct {
	resourceBase
}

type ecsEgressRuleModel struct {
	ID               types.String   `tfsdk:"id"`
	RuleID           types.String   `tfsdk:"rule_id"`
	Region           types.String   `tfsdk:"region"`
	SecurityGroupID  types.String   `tfsdk:"security_group_id"`
	IPProtocol       types.String   `tfsdk:"ip_protocol"`
	PortRange        types.String   `tfsdk:"port_range"`
	DestCidrIP       types.String   `tfsdk:"dest_cidr_ip"`
	Ipv6DestCidrIP   types.String   `tfsdk:"ipv6_dest_cidr_ip"`
	DestGroupID      types.String   `tfsdk:"dest_group_id"`
	DestPrefixListID types.String   `tfsdk:"dest_prefix_list_id"`
	NicType          types.String   `tfsdk:"nic_type"`
	Policy           types.String   `tfsdk:"policy"`
	Priority         types.Int64    `tfsdk:"priority"`
	SourcePortRange  types.String   `tfsdk:"source_port_range"`
	Description      types.String   `tfsdk:"description"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

func (m *ecsEgressRuleModel) rule() EgressRule {
	return EgressRule{
		GroupID:          m.SecurityGroupID.ValueString(),
		RuleID:           m.RuleID.ValueString(),
		Protocol:         m.IPProtocol.ValueString(),
		PortRange:        m.PortRange.ValueString(),
		SourcePortRange:  m.SourcePortRange.ValueString(),
		DestCidrIP:       m.DestCidrIP.ValueString(),
		Ipv6DestCidrIP:   m.Ipv6DestCidrIP.ValueString(),
		DestGroupID:      m.DestGroupID.ValueString(),
		DestPrefixListID: m.DestPrefixListID.ValueString(),
		NicType:          m.NicType.ValueString(),
		Policy:           m.Policy.ValueString(),
		Priority:         m.Priority.ValueInt64(),
		Description:      m.Description.ValueString(),
	}
}

// setFromAPI copies what the cloud says into the model, keeping the
// configuration's spelling where it means the same.
func (m *ecsEgressRuleModel) setFromAPI(r *EgressRule, region string) {
	m.ID = types.StringValue(ecsRuleID(r.GroupID, r.RuleID))
	m.RuleID = types.StringValue(r.RuleID)
	m.Region = types.StringValue(region)
	m.SecurityGroupID = types.StringValue(r.GroupID)
	m.IPProtocol = keepString(m.IPProtocol, r.Protocol, strings.EqualFold)
	m.PortRange = keepString(m.PortRange, r.PortRange, equalString)
	// Unset stays unset: the API may spell that "-1/-1".
	if !m.SourcePortRange.IsNull() || !samePorts(r.SourcePortRange, "") {
		m.SourcePortRange = keepString(m.SourcePortRange, r.SourcePortRange, samePorts)
	}
	m.DestCidrIP = keepString(m.DestCidrIP, r.DestCidrIP, sameCIDR)
	m.Ipv6DestCidrIP = keepString(m.Ipv6DestCidrIP, r.Ipv6DestCidrIP, sameCIDR)
	m.DestGroupID = keepString(m.DestGroupID, r.DestGroupID, equalString)
	m.DestPrefixListID = keepString(m.DestPrefixListID, r.DestPrefixListID, equalString)
	// An empty NicType is ECS's default, intranet: an import must not leave
	// it null, or the attribute's default would plan a replacement.
	m.NicType = keepString(m.NicType, cmp.Or(r.NicType, "intranet"), strings.EqualFold)
	m.Policy = keepString(m.Policy, r.Policy, strings.EqualFold)
	m.Priority = types.Int64Value(r.Priority)
	m.Description = keepString(m.Description, r.Description, equalString)
}

func (r *ecsEgressRuleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_alicloud_ecs_egress_rule"
}

func (r *ecsEgressRuleResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	destination := func(description string, v validator.String) schema.StringAttribute {
		vs := []validator.String{v}
		if strings.HasPrefix(description, "IPv4") {
			// One place reports the rule for all four, at this attribute.
			vs = append(vs, stringvalidator.ExactlyOneOf(
				path.MatchRoot("dest_cidr_ip"), path.MatchRoot("ipv6_dest_cidr_ip"),
				path.MatchRoot("dest_group_id"), path.MatchRoot("dest_prefix_list_id")))
		}
		return schema.StringAttribute{
			MarkdownDescription: description + " Exactly one of `" + strings.Join(ecsDestinations, "`, `") + "` must be set.",
			Optional:            true,
			Computed:            true, // for generated configuration only: see resourcebase.UnsetIsNull
			PlanModifiers:       []planmodifier.String{resourcebase.UnsetIsNull(), stringplanmodifier.RequiresReplace()},
			Validators:          vs,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One outbound rule of an Alibaba Cloud ECS security group, added with " +
			"`AuthorizeSecurityGroupEgress` and revoked on destroy with `RevokeSecurityGroupEgress` by its " +
			"`SecurityGroupRuleId`, exactly that rule. Other rules of the group, whoever added them, are left alone. " +
			"`description` changes in place; every other argument replaces the rule. Rules of one group share one " +
			"`DescribeSecurityGroupAttribute` call per refresh.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<security_group_id>/<rule_id>`, e.g. `sg-bp67acfmxazb4p/sgr-bp1fg655nh68xyz`.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"rule_id": schema.StringAttribute{
				MarkdownDescription: "The rule's `SecurityGroupRuleId`, given by ECS.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the security group. Defaults to the provider's `alicloud.region`; changing " +
					"either replaces the rule.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: replace,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"security_group_id": schema.StringAttribute{
				MarkdownDescription: "ID of the ECS security group, e.g. `sg-bp67acfmxazb4p`.",
				Required:            true,
				PlanModifiers:       replace,
				Validators:          []validator.String{securityGroupIDValidator()},
			},
			"ip_protocol": schema.StringAttribute{
				MarkdownDescription: "Transport protocol, lower case: `tcp`, `udp`, `icmp`, `icmpv6`, `gre` or `all`. " +
					"`icmpv6` goes with `ipv6_dest_cidr_ip`.",
				Required:      true,
				PlanModifiers: replace,
				Validators:    []validator.String{stringvalidator.OneOf(append(slicesClone(ensProtocols), "icmpv6")...)},
			},
			"port_range":          portRangeAttribute("Destination port range"),
			"dest_cidr_ip":        destination("IPv4 address or CIDR block of the destination.", cidrValidator{}),
			"ipv6_dest_cidr_ip":   destination("IPv6 address or CIDR block of the destination.", cidrValidator{v6: true}),
			"dest_group_id":       destination("Security group whose instances are the destination.", securityGroupIDValidator()),
			"dest_prefix_list_id": destination("Prefix list of destination CIDR blocks, e.g. `pl-x1j1k5ykzqlixdcy****`.", stringvalidator.RegexMatches(prefixListPattern, "must be a prefix list ID such as pl-x1j1k5ykzqlixdcy")),
			"nic_type": schema.StringAttribute{
				MarkdownDescription: "`intranet` (default; the only type in a VPC) or `internet` (classic network public NIC).",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString("intranet"),
				PlanModifiers:       replace,
				Validators:          []validator.String{stringvalidator.OneOf("internet", "intranet")},
			},
			"policy":            policyAttribute(),
			"priority":          priorityAttribute(),
			"source_port_range": sourcePortRangeAttribute(),
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the rule, 1 to 512 characters. Set or changed in place with " +
					"`ModifySecurityGroupEgressRule`. ECS cannot clear a description (no field goes from non-empty to " +
					"empty), so removing it from the configuration stops managing it: the rule keeps its text, the " +
					"plan says so in a warning, and nothing is replaced.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.String{unsetKeepsPrior{}},
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 512)},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, ecsTimeouts),
		},
	}
}

var prefixListPattern = idPattern("pl")

func slicesClone(s []string) []string { return append([]string(nil), s...) }

func (r *ecsEgressRuleResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{protocolPortsValidator{}, icmpv6Validator{}}
}

// icmpv6Validator: ICMPv6 is for IPv6 destinations, ICMP for IPv4 ones.
type icmpv6Validator struct{}

func (icmpv6Validator) Description(context.Context) string {
	return "ip_protocol icmpv6 goes with ipv6_dest_cidr_ip, and icmp not"
}

func (v icmpv6Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (icmpv6Validator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var proto, v6 types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("ip_protocol"), &proto)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("ipv6_dest_cidr_ip"), &v6)...)
	if resp.Diagnostics.HasError() || proto.IsUnknown() || v6.IsUnknown() {
		return
	}
	switch {
	case proto.ValueString() == "icmpv6" && v6.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("ip_protocol"), "Invalid Protocol",
			"Attribute ip_protocol icmpv6 needs an IPv6 destination: set ipv6_dest_cidr_ip, or use icmp for IPv4.")
	case proto.ValueString() == "icmp" && !v6.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("ip_protocol"), "Invalid Protocol",
			"Attribute ip_protocol icmp is IPv4 only: use icmpv6 with ipv6_dest_cidr_ip.")
	}
}

func (r *ecsEgressRuleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.PlanRegion(ctx, req, resp)
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var configured, prior types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("description"), &configured)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("description"), &prior)...)
	if configured.IsNull() && !prior.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("description"), "ECS Egress Rule Keeps Its Description",
			fmt.Sprintf("The description was removed from the configuration, but ECS cannot clear a rule's description "+
				"(ModifySecurityGroupEgressRule changes no field from non-empty to empty), so the rule keeps %q and "+
				"Terraform stops managing it. Set another description to change it, or replace the rule (terraform apply "+
				"-replace=...) to drop it.", prior.ValueString()))
	}
}

// unsetKeepsPrior plans an unset description as the state's: null on
// create (not "known after apply"), the rule's text once it has one, which
// ECS cannot clear.
type unsetKeepsPrior struct{}

func (unsetKeepsPrior) Description(context.Context) string {
	return "When unset, the description stays as the rule has it."
}

func (m unsetKeepsPrior) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (unsetKeepsPrior) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.ConfigValue.IsNull() {
		resp.PlanValue = req.StateValue
	}
}

func (r *ecsEgressRuleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.SetIdentity(ctx, ecsEgressRuleIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan ecsEgressRuleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, ruleDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := retry.WithTimeout(ctx, "create", timeout)
	defer cancel()
	rc := newRuleCall(&r.resourceBase, "ecs", plan.Region.ValueString(), plan.rule(), "Error Creating Alibaba Cloud ECS Egress Rule",
		"Adding ECS egress rule %s to security group %q", &resp.Diagnostics)
	if rc == nil {
		return
	}
	defer rc.lock()()
	listed, ok := rc.refuseExisting(ctx, &resp.Diagnostics, ecsImportID)
	if !ok {
		return
	}
	ok, landed := rc.authorize(ctx, &resp.Diagnostics, ecsImportID)
	if landed != nil {
		// No rule ID yet: Read finds the rule by its tuple, which no rule had
		// before the write (refuseExisting).
		plan.Region = types.StringValue(rc.region)
		rc.keepTainted(ctx, resp, plan, landed)
	}
	if !ok {
		return
	}

	// The answer carries no rule ID: the group's describe does.
	var found *EgressRule
	err := retry.WaitFor(ctx, func(ctx context.Context) (bool, error) {
		f, err := rc.findNew(ctx, listed)
		if errors.Is(err, errRuleNotListed) {
			return false, nil // the group is there, the new rule not listed yet
		}
		found = f
		return err == nil, err
	})
	if err != nil {
		plan.Region = types.StringValue(rc.region)
		rc.keepTainted(ctx, resp, plan, fmt.Errorf("the rule was added, but reading its ID failed: %w", err))
		return
	}
	plan.setFromAPI(found, rc.region)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *ecsEgressRuleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer r.SetReadIdentity(ctx, ecsEgressRuleIdentity, req, resp)
	var state ecsEgressRuleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, ruleReadTimeout)
	defer cancel()
	rc := newRuleCall(&r.resourceBase, "ecs", state.Region.ValueString(), state.rule(), "Error Reading Alibaba Cloud ECS Egress Rule",
		"Reading ECS egress rule %s of security group %q", &resp.Diagnostics)
	if rc == nil {
		return
	}
	found, err := rc.find(ctx)
	if apierr.IsNotFound(err) {
		resourcebase.RemoveGone(ctx, resp, "Alibaba Cloud ECS Egress Rule Not Found", err, "rule", errors.Is(err, errRuleNotListed))
		return
	}
	if err != nil {
		rc.fail(&resp.Diagnostics, err)
		return
	}
	state.setFromAPI(found, rc.region)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update changes the description, the one argument that does not replace
// the rule (or only the timeouts, in state).
func (r *ecsEgressRuleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.SetIdentity(ctx, ecsEgressRuleIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan, state ecsEgressRuleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.Description.IsNull() && !plan.Description.Equal(state.Description) {
		timeout, diags := plan.Timeouts.Update(ctx, ruleDefaultTimeout)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		ctx, cancel := retry.WithTimeout(ctx, "update", timeout)
		defer cancel()
		rc := newRuleCall(&r.resourceBase, "ecs", state.Region.ValueString(), state.rule(), "Error Updating Alibaba Cloud ECS Egress Rule",
			"Changing the description of ECS egress rule %s of security group %q", &resp.Diagnostics)
		if rc == nil {
			return
		}
		defer rc.lock()()
		err := rc.write(ctx, "ModifySecurityGroupEgressRule", map[string]string{
			"SecurityGroupId":     rc.rule.GroupID,
			"SecurityGroupRuleId": rc.rule.RuleID,
			"Description":         plan.Description.ValueString(),
			"ClientToken":         clientToken(),
		}, nil)
		if err != nil {
			rc.fail(&resp.Diagnostics, err)
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *ecsEgressRuleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state ecsEgressRuleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, ruleDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := retry.WithTimeout(ctx, "delete", timeout)
	defer cancel()
	rc := newRuleCall(&r.resourceBase, "ecs", state.Region.ValueString(), state.rule(), "Error Deleting Alibaba Cloud ECS Egress Rule",
		"Revoking ECS egress rule %s of security group %q", &resp.Diagnostics)
	if rc == nil {
		return
	}
	defer rc.lock()()
	// The rule ID names exactly this rule; the tuple only when there is none.
	params := map[string]string{"SecurityGroupId": rc.rule.GroupID, "SecurityGroupRuleId.1": rc.rule.RuleID}
	if rc.rule.RuleID == "" {
		params = rc.rule.params("ecs")
	}
	if err := rc.revoke(ctx, params); err != nil {
		rc.fail(&resp.Diagnostics, err)
	}
}

var ecsEgressRuleIdentity = resourcebase.NewIdentity(func(v resourcebase.IdentityValues) string {
	return resourcebase.WithRegion(v["region"], ecsRuleID(v["security_group_id"], v["rule_id"]))
}, "security_group_id", "rule_id")

func (r *ecsEgressRuleResource) IdentitySchema(ctx context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = ecsEgressRuleIdentity.Schema(ctx, r)
}

func (r *ecsEgressRuleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer r.SetIdentity(ctx, ecsEgressRuleIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	importID, ok := r.ImportID(ctx, ecsEgressRuleIdentity, req, resp)
	if !ok {
		return
	}
	// <region>/ in front for a group outside the provider's region.
	parts := strings.Split(importID, "/")
	var region string
	if len(parts) == 3 && parts[0] != "" {
		region, parts = parts[0], parts[1:]
	}
	if len(parts) != 2 || !idPattern("sg").MatchString(parts[0]) || !idPattern("sgr").MatchString(parts[1]) {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf(
			"Expected <security_group_id>/<rule_id>, e.g. sg-bp67acfmxazb4p/sgr-bp1fg655nh68xyz (the rule ID is the "+
				"SecurityGroupRuleId that DescribeSecurityGroupAttribute lists), or <region>/<security_group_id>/<rule_id> "+
				"for a group outside the provider's region; got %q.", importID))
		return
	}
	group, ruleID := parts[0], parts[1]
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ecsRuleID(group, ruleID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("security_group_id"), group)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("rule_id"), ruleID)...)
	if region != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	}
}

func ecsRuleID(group, ruleID string) string { return group + "/" + ruleID }

// ecsImportID is the import ID of a rule the group already has.
func ecsImportID(e *EgressRule) string { return ecsRuleID(e.GroupID, e.RuleID) }
