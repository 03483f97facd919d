package alicloud

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloudclient"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// ENS (Edge Node Service, API 2017-11-10) egress rules: AuthorizeSecurityGroupEgress,
// DescribeSecurityGroupAttribute and RevokeSecurityGroupEgress, each naming
// the rule by its tuple. ENS has no rule IDs, so the resource ID is the tuple.
var (
	_ resource.Resource                     = &ensEgressRuleResource{}
	_ resource.ResourceWithConfigure        = &ensEgressRuleResource{}
	_ resource.ResourceWithImportState      = &ensEgressRuleResource{}
	_ resource.ResourceWithIdentity         = &ensEgressRuleResource{}
	_ resource.ResourceWithModifyPlan       = &ensEgressRuleResource{}
	_ resource.ResourceWithConfigValidators = &ensEgressRuleResource{}
)

var ensProtocols = []string{"tcp", "udp", "icmp", "gre", "all"}

// ensTimeouts are the operations the rule's timeouts block sets.
var ensTimeouts = timeouts.Opts{Create: true, Delete: true}

// NewEnsEgressRuleResource is the constructor the provider registers.
func NewEnsEgressRuleResource() resource.Resource {
	return &ensEgressRuleResource{}
}

type ensEgressRuleResource struct {
	resourceBase
}

type ensEgressRuleModel struct {
	ID              types.String   `tfsdk:"id"`
	SecurityGroupID types.String   `tfsdk:"security_group_id"`
	IPProtocol      types.String   `tfsdk:"ip_protocol"`
	PortRange       types.String   `tfsdk:"port_range"`
	DestCidrIP      types.String   `tfsdk:"dest_cidr_ip"`
	Policy          types.String   `tfsdk:"policy"`
	Priority        types.Int64    `tfsdk:"priority"`
	SourcePortRange types.String   `tfsdk:"source_port_range"`
	Description     types.String   `tfsdk:"description"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

func (m *ensEgressRuleModel) rule() EgressRule {
	return EgressRule{
		GroupID:         m.SecurityGroupID.ValueString(),
		Protocol:        m.IPProtocol.ValueString(),
		PortRange:       m.PortRange.ValueString(),
		SourcePortRange: m.SourcePortRange.ValueString(),
		DestCidrIP:      m.DestCidrIP.ValueString(),
		Policy:          m.Policy.ValueString(),
		Priority:        m.Priority.ValueInt64(),
		Description:     m.Description.ValueString(),
	}
}

func (r *ensEgressRuleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_alicloud_ens_egress_rule"
}

func (r *ensEgressRuleResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One outbound rule of an Alibaba Cloud ENS (Edge Node Service) security group, added with " +
			"`AuthorizeSecurityGroupEgress` and revoked on destroy with `RevokeSecurityGroupEgress`, exactly that rule. " +
			"Other rules of the group, whoever added them, are left alone. Every argument but `description` (kept in " +
			"the state only) replaces the rule. " +
			"Rules of one group share one `DescribeSecurityGroupAttribute` call per refresh.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The rule's tuple, `<security_group_id>:<ip_protocol>:<port_range>:<dest_cidr_ip>:<policy>:<priority>`, " +
					"followed by `:<source_port_range>` when that is set (`-1/-1` included), e.g. `sg-5p1fg655nh68xyz:tcp:80/80:10.0.0.0/8:accept:1`. " +
					"ENS rules have no ID of their own.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"security_group_id": schema.StringAttribute{
				MarkdownDescription: "ID of the ENS security group, e.g. `sg-5p1fg655nh68xyz`.",
				Required:            true,
				PlanModifiers:       replace,
				Validators:          []validator.String{securityGroupIDValidator()},
			},
			"ip_protocol": schema.StringAttribute{
				MarkdownDescription: "Transport protocol, case-sensitive: `tcp`, `udp`, `icmp`, `gre` or `all`.",
				Required:            true,
				PlanModifiers:       replace,
				Validators:          []validator.String{stringvalidator.OneOf(ensProtocols...)},
			},
			"port_range": portRangeAttribute("Destination port range"),
			"dest_cidr_ip": schema.StringAttribute{
				MarkdownDescription: "Destination: an IPv4 address or CIDR block.",
				Required:            true,
				PlanModifiers:       replace,
				Validators:          []validator.String{cidrValidator{}},
			},
			"policy":            policyAttribute(),
			"priority":          priorityAttribute(),
			"source_port_range": sourcePortRangeAttribute(),
			"description": schema.StringAttribute{
				MarkdownDescription: "A note about the rule, 1 to 512 characters, kept in the Terraform state only: ENS " +
					"`AuthorizeSecurityGroupEgress` takes no description, so it is never sent, and a description set " +
					"elsewhere (the console) is not read. Changing it updates the state without an API call and never " +
					"replaces the rule; an import leaves it unset.",
				Optional:      true,
				Computed:      true, // for generated configuration only: see resourcebase.UnsetIsNull
				PlanModifiers: []planmodifier.String{resourcebase.UnsetIsNull()},
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 512)},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, ensTimeouts),
		},
	}
}

// Attributes both rule resources declare alike.

func securityGroupIDValidator() validator.String {
	return stringvalidator.RegexMatches(idPattern("sg"), "must be a security group ID such as sg-5p1fg655nh68xyz")
}

func portRangeAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: what + ", `start/end`: for `tcp` and `udp` ports 1 to 65535 with start ≤ end (`1/200` is " +
			"valid, `200/1` is not), required; for the other protocols only `-1/-1`, which is also their default.",
		Optional:      true,
		Computed:      true,
		Default:       stringdefault.StaticString("-1/-1"),
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		Validators:    []validator.String{portRangeValidator{}},
	}
}

func sourcePortRangeAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Source port range, with the same rules as `port_range`. Unset by default.",
		Optional:            true,
		Computed:            true, // for generated configuration only: see resourcebase.UnsetIsNull
		PlanModifiers:       []planmodifier.String{resourcebase.UnsetIsNull(), stringplanmodifier.RequiresReplace()},
		Validators:          []validator.String{portRangeValidator{}},
	}
}

func policyAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "`accept` (allow) or `drop` (deny without answer). Default `accept`.",
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString("accept"),
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		Validators:          []validator.String{stringvalidator.OneOf("accept", "drop")},
	}
}

func priorityAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: "Priority, 1 to 100; a smaller value is a higher priority. Default `1`.",
		Optional:            true,
		Computed:            true,
		Default:             int64default.StaticInt64(1),
		PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		Validators:          []validator.Int64{int64validator.Between(1, 100)},
	}
}

func (r *ensEgressRuleResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{protocolPortsValidator{}}
}

// ModifyPlan reports a missing Alibaba Cloud configuration at plan time. ENS
// rules have no region of their own, so the provider's is required.
func (r *ensEgressRuleResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if c := r.Client(&resp.Diagnostics); c != nil && c.Region("") == "" {
		resp.Diagnostics.AddError("Alibaba Cloud Not Configured", cloudclient.Missing(cloudName, "region", "ALICLOUD_REGION").Error())
	}
}

func (r *ensEgressRuleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.SetIdentity(ctx, ensEgressRuleIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan ensEgressRuleModel
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
	rc := newRuleCall(&r.resourceBase, "ens", "", plan.rule(), "Error Creating Alibaba Cloud ENS Egress Rule",
		"Adding ENS egress rule %s to security group %q", &resp.Diagnostics)
	if rc == nil {
		return
	}
	defer rc.lock()()
	ok, landed := rc.authorize(ctx, &resp.Diagnostics, func(e *EgressRule) string { return ensRuleID(*e) })
	if landed != nil {
		plan.ID = types.StringValue(ensRuleID(rc.rule))
		rc.keepTainted(ctx, resp, plan, landed)
	}
	if !ok {
		return
	}
	plan.ID = types.StringValue(ensRuleID(rc.rule))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *ensEgressRuleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer r.SetReadIdentity(ctx, ensEgressRuleIdentity, req, resp)
	var state ensEgressRuleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, ruleReadTimeout)
	defer cancel()
	rc := newRuleCall(&r.resourceBase, "ens", "", state.rule(), "Error Reading Alibaba Cloud ENS Egress Rule",
		"Reading ENS egress rule %s of security group %q", &resp.Diagnostics)
	if rc == nil {
		return
	}
	_, err := rc.find(ctx)
	if apierr.IsNotFound(err) {
		resourcebase.RemoveGone(ctx, resp, "Alibaba Cloud ENS Egress Rule Not Found", err, "rule", errors.Is(err, errRuleNotListed))
		return
	}
	if err != nil {
		rc.fail(&resp.Diagnostics, err)
		return
	}
	// The tuple matched, so nothing the API keeps can differ. The description
	// is the state's own: ENS cannot set it, so taking a console-set one
	// would be a diff no apply could ever settle.
	state.ID = types.StringValue(ensRuleID(rc.rule))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update changes only what lives in the state alone: the description (ENS
// keeps none) and the timeouts. Every other argument replaces the rule.
func (r *ensEgressRuleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.SetIdentity(ctx, ensEgressRuleIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan ensEgressRuleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *ensEgressRuleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state ensEgressRuleModel
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
	rc := newRuleCall(&r.resourceBase, "ens", "", state.rule(), "Error Deleting Alibaba Cloud ENS Egress Rule",
		"Revoking ENS egress rule %s of security group %q", &resp.Diagnostics)
	if rc == nil {
		return
	}
	defer rc.lock()()
	// The tuple names the rule; the description is not part of it.
	if err := rc.revoke(ctx, rc.rule.params("ens")); err != nil {
		rc.fail(&resp.Diagnostics, err)
	}
}

// ensEgressRuleIdentity: the tuple that names an ENS rule (ENS gives rules
// no ID); the region is the provider's, as the rule has none of its own.
var ensEgressRuleIdentity = resourcebase.NewIdentity(func(v resourcebase.IdentityValues) string {
	prio, _ := strconv.ParseInt(v["priority"], 10, 64) // parseEnsRuleID refuses a bad one
	return ensRuleID(EgressRule{GroupID: v["security_group_id"], Protocol: v["ip_protocol"], PortRange: v["port_range"],
		DestCidrIP: v["dest_cidr_ip"], Policy: v["policy"], Priority: prio, SourcePortRange: v["source_port_range"]})
}, "security_group_id", "ip_protocol", "port_range", "dest_cidr_ip", "policy", "priority").Optional("source_port_range")

func (r *ensEgressRuleResource) IdentitySchema(ctx context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = ensEgressRuleIdentity.Schema(ctx, r)
}

func (r *ensEgressRuleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer r.SetIdentity(ctx, ensEgressRuleIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	importID, ok := r.ImportID(ctx, ensEgressRuleIdentity, req, resp)
	if !ok {
		return
	}
	rule, err := parseEnsRuleID(importID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf(
			"Expected <security_group_id>:<ip_protocol>:<port_range>:<dest_cidr_ip>:<policy>:<priority>[:<source_port_range>], "+
				"e.g. sg-5p1fg655nh68xyz:tcp:80/80:10.0.0.0/8:accept:1; got %q: %s.", importID, err))
		return
	}
	set := func(name string, v any) {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
	set("id", ensRuleID(rule))
	set("security_group_id", rule.GroupID)
	set("ip_protocol", rule.Protocol)
	set("port_range", rule.PortRange)
	set("dest_cidr_ip", rule.DestCidrIP)
	set("policy", rule.Policy)
	set("priority", rule.Priority)
	if rule.SourcePortRange != "" {
		set("source_port_range", rule.SourcePortRange)
	}
}

// ensRuleID is the rule's documented composite ID. ":" cannot occur in any
// field of an ENS rule (IPv4 only), while "/" does. A source port range is in
// it whenever set, "-1/-1" too, so that an import gives the configuration's
// value back.
func ensRuleID(r EgressRule) string {
	id := strings.Join([]string{r.GroupID, r.Protocol, r.PortRange, r.DestCidrIP, r.Policy, strconv.FormatInt(r.Priority, 10)}, ":")
	if r.SourcePortRange != "" {
		id += ":" + r.SourcePortRange
	}
	return id
}

// parseEnsRuleID checks every field as the schema's validators would.
func parseEnsRuleID(id string) (EgressRule, error) {
	parts := strings.Split(id, ":")
	if len(parts) != 6 && len(parts) != 7 {
		return EgressRule{}, fmt.Errorf("it has %d fields separated by ':', want 6 or 7", len(parts))
	}
	r := EgressRule{GroupID: parts[0], Protocol: parts[1], PortRange: parts[2], DestCidrIP: parts[3], Policy: parts[4]}
	prio, err := strconv.ParseInt(parts[5], 10, 64)
	switch {
	case !idPattern("sg").MatchString(r.GroupID):
		return r, fmt.Errorf("%q is not a security group ID", r.GroupID)
	case !slices.Contains(ensProtocols, r.Protocol):
		return r, fmt.Errorf("ip_protocol %q is not one of %s", r.Protocol, strings.Join(ensProtocols, ", "))
	case checkPortRange(r.PortRange) != "" || takesPorts(r.Protocol) == isAllPorts(r.PortRange):
		return r, fmt.Errorf("port_range %q does not suit ip_protocol %q", r.PortRange, r.Protocol)
	case !validCIDR(r.DestCidrIP, false):
		return r, fmt.Errorf("dest_cidr_ip %q is not an IPv4 address or CIDR block", r.DestCidrIP)
	case r.Policy != "accept" && r.Policy != "drop":
		return r, fmt.Errorf("policy %q is not accept or drop", r.Policy)
	case err != nil || prio < 1 || prio > 100:
		return r, fmt.Errorf("priority %q is not a number from 1 to 100", parts[5])
	}
	r.Priority = prio
	if len(parts) == 7 {
		r.SourcePortRange = parts[6]
		if checkPortRange(r.SourcePortRange) != "" || takesPorts(r.Protocol) == isAllPorts(r.SourcePortRange) {
			return r, fmt.Errorf("source_port_range %q does not suit ip_protocol %q", r.SourcePortRange, r.Protocol)
		}
	}
	return r, nil
}
