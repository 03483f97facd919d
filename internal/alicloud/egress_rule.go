package alicloud

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloudclient"
	"github.com/secgroup/terraform-provider-secgroup/internal/mutexkv"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// The machinery both egress rule resources share: the rule tuple and its
// matching, the describe through the client's read cache, and the authorize and
// revoke calls with their error handling. ENS and ECS differ only in the
// fields they carry, how Describe spells Priority, and ECS's rule IDs and
// ClientToken.

const (
	ruleDefaultTimeout = 5 * time.Minute
	ruleReadTimeout    = 5 * time.Minute
)

// Codes that mean "this rule already exists" (the ENS doc's, and ECS's older one).
var duplicateCodes = []string{"SecurityGroupRuleConflict.Duplicated", "InvalidPermission.Duplicate"}

// EgressRule is one outbound rule of an ENS or ECS security group, as both
// resources and FindEgressRule see it. Protocol and Policy are lower case;
// empty fields are unset.
type EgressRule struct {
	GroupID          string
	RuleID           string // ECS's SecurityGroupRuleId
	Protocol         string
	PortRange        string
	SourcePortRange  string
	DestCidrIP       string
	Ipv6DestCidrIP   string
	DestGroupID      string
	DestPrefixListID string
	DestGroupOwner   string // ECS: DestGroupOwnerAccount, for a group of another account
	NicType          string // ECS
	Policy           string
	Priority         int64
	Description      string
}

// params is the rule's tuple as RPC parameters. Empty values are never sent
// (Client.Call drops them), so unset optional fields are simply absent.
func (r EgressRule) params(svc string) map[string]string {
	p := map[string]string{
		"SecurityGroupId": r.GroupID,
		"IpProtocol":      r.Protocol,
		"PortRange":       r.PortRange,
		"SourcePortRange": r.SourcePortRange,
		"DestCidrIp":      r.DestCidrIP,
		"Policy":          r.Policy,
		"Priority":        strconv.FormatInt(r.Priority, 10),
	}
	if svc == "ecs" {
		p["Ipv6DestCidrIp"] = r.Ipv6DestCidrIP
		p["DestGroupId"] = r.DestGroupID
		p["DestPrefixListId"] = r.DestPrefixListID
		p["NicType"] = r.NicType
	}
	return p
}

// sameTuple reports whether o is the same rule as r for the API: Describe
// echoes protocol and policy in its own case, and may spell an address or a
// CIDR block differently from the configuration.
func (r EgressRule) sameTuple(o EgressRule) bool {
	return strings.EqualFold(r.Protocol, o.Protocol) &&
		r.PortRange == o.PortRange &&
		samePorts(r.SourcePortRange, o.SourcePortRange) &&
		sameCIDR(r.DestCidrIP, o.DestCidrIP) &&
		sameCIDR(r.Ipv6DestCidrIP, o.Ipv6DestCidrIP) &&
		r.DestGroupID == o.DestGroupID &&
		r.DestPrefixListID == o.DestPrefixListID &&
		strings.EqualFold(r.NicType, o.NicType) &&
		strings.EqualFold(r.Policy, o.Policy) &&
		r.Priority == o.Priority
}

// samePorts: an unset source port range may come back empty or as "-1/-1".
func samePorts(a, b string) bool {
	norm := func(s string) string {
		if s == "-1/-1" {
			return ""
		}
		return s
	}
	return norm(a) == norm(b)
}

// sameCIDR compares addresses and blocks by value: "10.0.0.1" is
// "10.0.0.1/32", and IPv6 has many spellings of one address.
func sameCIDR(a, b string) bool {
	if a == b {
		return true
	}
	pa, oka := parseCIDR(a)
	pb, okb := parseCIDR(b)
	return oka && okb && pa == pb
}

func parseCIDR(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

// groupKey names a group: the service ("ecs", "ens"), the region and its ID.
type groupKey struct{ service, region, group string }

// groupRules is what a describe says about a group. Shared between callers:
// read only.
type groupRules struct {
	Name string // SecurityGroupName, for messages and display names
	// Total counts every rule of the group, both directions: the cloud's
	// per-group limit counts them all.
	Total  int
	Egress []EgressRule
}

// ecsDescribePageSize is the largest page ECS DescribeSecurityGroupAttribute
// answers (MaxResults 10 to 1000; without it, pages of 500): a group at the
// raised rule quota still costs one call.
const ecsDescribePageSize = "1000"

// describeGroup makes one DescribeSecurityGroupAttribute call (following
// ECS's NextToken pages) and returns the group's egress rules. A missing
// group is an *apierr.NotFoundError.
func describeGroup(ctx context.Context, c *Client, svc, region, groupID string) (*groupRules, error) {
	out := &groupRules{}
	params := map[string]string{"SecurityGroupId": groupID}
	if svc == "ecs" {
		params["MaxResults"] = ecsDescribePageSize // ENS does not page
	}
	for {
		var resp struct {
			NextToken         string
			SecurityGroupName string
			Permissions       struct {
				Permission []struct {
					SecurityGroupRuleId, Direction, IpProtocol, PortRange, SourcePortRange string
					DestCidrIp, Ipv6DestCidrIp, DestGroupId, DestPrefixListId, NicType     string
					DestGroupOwnerAccount, Policy, Description                             string
					// ENS answers a number, ECS a string.
					Priority json.Number
				}
			}
		}
		err := c.Call(ctx, svc, region, "DescribeSecurityGroupAttribute", params, &resp)
		if apierr.IsNotFound(err) {
			return nil, &apierr.NotFoundError{Message: fmt.Sprintf("%s security group %q was not found", strings.ToUpper(svc), groupID), Err: err}
		}
		if err != nil {
			return nil, err
		}
		out.Name = resp.SecurityGroupName
		for _, p := range resp.Permissions.Permission {
			out.Total++
			if !strings.EqualFold(p.Direction, "egress") {
				continue
			}
			prio, _ := strconv.ParseInt(p.Priority.String(), 10, 64)
			out.Egress = append(out.Egress, EgressRule{
				GroupID: groupID, RuleID: p.SecurityGroupRuleId,
				Protocol: strings.ToLower(p.IpProtocol), PortRange: p.PortRange, SourcePortRange: p.SourcePortRange,
				DestCidrIP: p.DestCidrIp, Ipv6DestCidrIP: p.Ipv6DestCidrIp, DestGroupID: p.DestGroupId, DestPrefixListID: p.DestPrefixListId,
				DestGroupOwner: p.DestGroupOwnerAccount, NicType: strings.ToLower(p.NicType), Policy: strings.ToLower(p.Policy), Priority: prio, Description: p.Description,
			})
		}
		if resp.NextToken == "" {
			return out, nil
		}
		params["NextToken"] = resp.NextToken
	}
}

// FindEgressRule returns the group's egress rule that is want: by its rule ID
// when want has one (ECS), else by its tuple. It reads the group through the
// client's cache, so the rules of one group cost one describe. A missing
// group or rule is an *apierr.NotFoundError. Read, Create and the tests'
// checks use it.
func FindEgressRule(ctx context.Context, c *Client, svc, region string, want EgressRule) (*EgressRule, error) {
	rules, err := readGroup(ctx, c, svc, c.Region(region), want.GroupID)
	if err != nil {
		return nil, err
	}
	for i := range rules.Egress {
		r := rules.Egress[i]
		if (want.RuleID != "" && r.RuleID == want.RuleID) || (want.RuleID == "" && want.sameTuple(r)) {
			return &r, nil
		}
	}
	return nil, &apierr.NotFoundError{Message: fmt.Sprintf("security group %q has no egress rule %s", want.GroupID, want.describe()), Err: errRuleNotListed}
}

// readGroup is the group's describe through the client's read cache:
// concurrent reads of one group (a refresh, a listing) share one describe.
func readGroup(ctx context.Context, c *Client, svc, region, groupID string) (*groupRules, error) {
	return c.groups.Get(ctx, groupKey{service: svc, region: region, group: groupID}, func(ctx context.Context) (*groupRules, error) {
		return describeGroup(ctx, c, svc, region, groupID)
	})
}

// errRuleNotListed marks a NotFoundError for a group that exists but does not
// list the rule, as opposed to a group that is gone.
var errRuleNotListed = errors.New("the group does not list the rule")

// describe names the rule in messages.
func (r EgressRule) describe() string {
	if r.RuleID != "" {
		return r.RuleID
	}
	dest := r.DestCidrIP + r.Ipv6DestCidrIP + r.DestGroupID + r.DestPrefixListID
	return fmt.Sprintf("%s %s to %s (%s, priority %d)", r.Protocol, r.PortRange, dest, r.Policy, r.Priority)
}

// ruleCall is one operation on a rule: the client, where the group is, and
// the words its errors use.
type ruleCall struct {
	c             *Client
	svc, region   string
	rule          EgressRule
	summary, what string
}

// newRuleCall resolves the client; on failure it adds the diagnostic and
// returns nil. doing is a format taking the rule and the group.
func newRuleCall(b *resourceBase, svc, region string, rule EgressRule, summary, doing string, diags *diag.Diagnostics) *ruleCall {
	c := b.Client(diags)
	if c == nil {
		return nil
	}
	rc := &ruleCall{c: c, svc: svc, region: c.Region(region), rule: rule, summary: summary}
	rc.what = fmt.Sprintf(doing, rule.describe(), rule.GroupID)
	return rc
}

func (rc *ruleCall) fail(diags *diag.Diagnostics, err error) {
	diags.AddError(rc.summary, apierr.Detail(rc.what, err, credentialHint))
}

func (rc *ruleCall) key() groupKey {
	return groupKey{service: rc.svc, region: rc.region, group: rc.rule.GroupID}
}

// lock serializes writes to the group across every resource of the provider;
// the returned function unlocks.
func (rc *ruleCall) lock() func() {
	kind := "security_group"
	if rc.svc == "ens" {
		kind = "ens_security_group" // a separate product: its IDs are not ECS's
	}
	key := mutexkv.Key(cloudName, kind, rc.rule.GroupID)
	mutexkv.Global.Lock(key)
	return func() { mutexkv.Global.Unlock(key) }
}

func (rc *ruleCall) find(ctx context.Context) (*EgressRule, error) {
	return FindEgressRule(ctx, rc.c, rc.svc, rc.region, rc.rule)
}

// write makes one write call to the group, dropping the group's cache entry
// before (so no read joins a describe that predates the write) and after (so
// the next read sees it).
func (rc *ruleCall) write(ctx context.Context, action string, params map[string]string, check func(retry.Attempt, error) error) error {
	rc.c.groups.Invalidate(rc.key())
	defer rc.c.groups.Invalidate(rc.key())
	return rc.c.CallAttempts(ctx, rc.svc, rc.region, action, params, nil, check)
}

// authorize adds the rule. importID is the ID to import an existing rule
// with, given the rule the cloud already has. Errors are added to diags,
// except the error of a write that may have landed (its answer lost or cut
// off), which is returned as landed for the caller to keep the rule with.
func (rc *ruleCall) authorize(ctx context.Context, diags *diag.Diagnostics, importID func(existing *EgressRule) string) (ok bool, landed error) {
	params := rc.rule.params(rc.svc)
	if rc.svc == "ecs" {
		// ENS's AuthorizeSecurityGroupEgress takes no description (the doc
		// and the SDK's request have none): there it stays in the state.
		params["Description"] = rc.rule.Description
		// One token for every attempt: ECS answers the retry of a request it
		// already carried out with that request's success.
		params["ClientToken"] = clientToken()
	}
	// A Duplicated after a lost answer is our own rule; after a mere throttle
	// it is someone else's, and adopting it would revoke it on destroy.
	err := rc.write(ctx, "AuthorizeSecurityGroupEgress", params, func(attempt retry.Attempt, err error) error {
		if attempt.AfterLostAnswer() && apierr.HasCode(err, duplicateCodes...) {
			return nil
		}
		return err
	})
	switch {
	case err == nil:
		return true, nil
	case retry.MayHaveLanded(err):
		return false, err
	case apierr.HasCode(err, duplicateCodes...):
		id := "<id>"
		if existing, ferr := rc.find(ctx); ferr == nil {
			id = importID(existing)
		}
		rc.alreadyExists(diags, err.Error(), id)
	case apierr.HasCode(err, "AuthorizationLimitExceed"):
		count := "as many rules as it may hold"
		if rules, derr := readGroup(ctx, rc.c, rc.svc, rc.region, rc.rule.GroupID); derr == nil {
			count = fmt.Sprintf("%d rules, its limit", rules.Total)
		}
		diags.AddError(rc.summary, fmt.Sprintf(
			"%s: security group %q already has %s (%s). Remove rules the group no longer needs, merge rules "+
				"(port ranges, wider CIDR blocks), or put the rule in another group.", rc.what, rc.rule.GroupID, count, err))
	default:
		rc.fail(diags, err)
	}
	return false, nil
}

// keepTainted saves a rule whose AuthorizeSecurityGroupEgress may have landed
// (m, the plan, with what is known), and reports err.
func (rc *ruleCall) keepTainted(ctx context.Context, resp *resource.CreateResponse, m any, err error) {
	resourcebase.KeepTainted(ctx, &resp.State, m, &resp.Diagnostics, rc.summary, apierr.Detail(rc.what, err, credentialHint),
		fmt.Sprintf("security group %q may now have egress rule %s", rc.rule.GroupID, rc.rule.describe()))
}

// alreadyExists refuses a rule the group already has: adopting it would make
// our destroy revoke another writer's rule.
func (rc *ruleCall) alreadyExists(diags *diag.Diagnostics, cause, id string) {
	diags.AddError(rc.summary, fmt.Sprintf(
		"%s: security group %q already has this egress rule (%s), created outside this resource. "+
			"To manage the existing rule, import it:\n\n%s\n\nor remove it from the group first.",
		rc.what, rc.rule.GroupID, cause, resourcebase.ImportBlock("secgroup_alicloud_"+rc.svc+"_egress_rule", id)))
}

// refuseExisting reads the group afresh (never from the read cache; the
// caller holds the group's lock) and refuses a rule whose tuple is already
// there. ECS answers the authorize of an existing rule with success and
// creates nothing, so only this read tells our rule from another writer's.
// It returns the rule IDs listed before the write, for findNew. Errors are
// added to diags.
func (rc *ruleCall) refuseExisting(ctx context.Context, diags *diag.Diagnostics, importID func(existing *EgressRule) string) (map[string]bool, bool) {
	rc.c.groups.Invalidate(rc.key())
	rules, err := describeGroup(ctx, rc.c, rc.svc, rc.region, rc.rule.GroupID)
	if err != nil {
		rc.fail(diags, err)
		return nil, false
	}
	listed := make(map[string]bool, len(rules.Egress))
	for i := range rules.Egress {
		r := rules.Egress[i]
		if rc.rule.sameTuple(r) {
			rc.alreadyExists(diags, "DescribeSecurityGroupAttribute lists it as "+r.RuleID, importID(&r))
			return nil, false
		}
		listed[r.RuleID] = true
	}
	return listed, true
}

// findNew returns the rule with our tuple whose ID was not listed before the
// authorize (a fresh read): an ID listed then is someone else's rule. A rule
// not listed yet is an *apierr.NotFoundError wrapping errRuleNotListed.
func (rc *ruleCall) findNew(ctx context.Context, listed map[string]bool) (*EgressRule, error) {
	rc.c.groups.Invalidate(rc.key())
	rules, err := describeGroup(ctx, rc.c, rc.svc, rc.region, rc.rule.GroupID)
	if err != nil {
		return nil, err
	}
	for i := range rules.Egress {
		if r := rules.Egress[i]; rc.rule.sameTuple(r) && !listed[r.RuleID] {
			return &r, nil
		}
	}
	return nil, &apierr.NotFoundError{Message: fmt.Sprintf("security group %q has no new egress rule %s", rc.rule.GroupID, rc.rule.describe()), Err: errRuleNotListed}
}

// revoke removes the rule; a rule or group that is already gone is success.
func (rc *ruleCall) revoke(ctx context.Context, params map[string]string) error {
	err := rc.write(ctx, "RevokeSecurityGroupEgress", params, nil)
	if apierr.IsNotFound(err) {
		// SecurityGroupRule.NotFound, InvalidSecurityGroupRule.RuleNotExist,
		// InvalidSecurityGroupId.NotFound: also the retry of our own revoke.
		return nil
	}
	return err
}

// clientToken is an idempotency token: at most 64 ASCII characters.
func clientToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return "tf-" + hex.EncodeToString(b)
}

// keepString returns the state's value when the API's means the same, so a
// refresh does not rewrite the user's spelling; the API's otherwise ("" is
// null).
func keepString(prior types.String, api string, same func(a, b string) bool) types.String {
	if !prior.IsNull() && !prior.IsUnknown() && same(prior.ValueString(), api) {
		return prior
	}
	if api == "" {
		return types.StringNull()
	}
	return types.StringValue(api)
}

func equalString(a, b string) bool { return a == b }

// The two egress rule list resources (terraform query) share their config,
// its schema and the listing; each makes its resource's model from a rule.

type egressRuleListConfig struct {
	SecurityGroupIDs types.List   `tfsdk:"security_group_ids"`
	Region           types.String `tfsdk:"region"`
}

// egressRuleListSchema is the config schema; product is "ENS" or "ECS".
func egressRuleListSchema(description, product, example, regionDescription string) listschema.Schema {
	perCall := ""
	if product == "ECS" {
		perCall = " per 1,000 rules"
	}
	return listschema.Schema{
		MarkdownDescription: description,
		Attributes: map[string]listschema.Attribute{
			"security_group_ids": listschema.ListAttribute{
				MarkdownDescription: "IDs of the " + product + " security groups whose egress rules to list, at least one, e.g. `[\"" +
					example + "\"]`. Each group costs one `DescribeSecurityGroupAttribute` call" + perCall + ", the read a " +
					"refresh of its rules makes; a group that does not exist is an error naming it.",
				ElementType: types.StringType,
				Required:    true,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(securityGroupIDValidator()),
				},
			},
			"region": listschema.StringAttribute{
				MarkdownDescription: regionDescription,
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

// listEgressRules reads each group of the query once, through the client's
// read cache and pacing like a refresh, and emits each egress rule the
// resource can import (importable), in the API's order, as model makes it.
func listEgressRules(ctx context.Context, b *resourceBase, svc string, req list.ListRequest, emit resourcebase.Emit,
	model func(r EgressRule, region string) any) diag.Diagnostics {
	var diags diag.Diagnostics
	product := strings.ToUpper(svc)
	summary := "Error Listing Alibaba Cloud " + product + " Egress Rules"
	var cfg egressRuleListConfig
	diags.Append(req.Config.Get(ctx, &cfg)...)
	var groups []string
	if !diags.HasError() {
		diags.Append(cfg.SecurityGroupIDs.ElementsAs(ctx, &groups, false)...)
	}
	if diags.HasError() {
		return diags
	}
	c := b.Client(&diags)
	if c == nil {
		return diags
	}
	region := c.Region(cfg.Region.ValueString())
	switch {
	case region == "":
		diags.AddError("Alibaba Cloud Not Configured", cloudclient.Missing(cloudName, "region", "ALICLOUD_REGION").Error())
		return diags
	case svc == "ens" && region != c.Region(""):
		// The ENS rule resource works in the provider's region only (it has
		// no region argument): what is listed elsewhere could not be imported.
		diags.AddError(summary, fmt.Sprintf("The region is %q, but ENS egress rules are imported in the provider's region, %q. "+
			"Leave region out, or list with a provider configuration (alias) for %q.", region, c.Region(""), region))
		return diags
	}
	for _, group := range groups {
		rctx, cancel := context.WithTimeout(ctx, ruleReadTimeout)
		rules, err := readGroup(rctx, c, svc, region, group)
		cancel()
		if apierr.IsNotFound(err) {
			where := fmt.Sprintf(" in region %q", region)
			if svc == "ens" {
				where = "" // ENS groups are not regional
			}
			diags.AddError(product+" Security Group Not Found", fmt.Sprintf(
				"%s security group %q in security_group_ids was not found%s (%s). Check the ID and the region, or remove it from security_group_ids.",
				product, group, where, err))
			return diags
		}
		if err != nil {
			diags.AddError(summary, apierr.Detail(fmt.Sprintf("Reading the egress rules of %s security group %q", product, group), err, credentialHint))
			return diags
		}
		for _, r := range rules.Egress {
			if !r.importable(svc) {
				continue
			}
			if !emit(model(r, region), r.displayName(rules.Name)) {
				return diags
			}
		}
	}
	return diags
}

// importable reports whether the rule resource can manage r: an ECS rule
// needs its SecurityGroupRuleId (the resource's identity), and one to
// another account's group (DestGroupOwnerAccount) has an owner the resource
// cannot express, so that a replacement would make a different rule; a
// protocol the resource does not know would fail the generated
// configuration.
func (r EgressRule) importable(svc string) bool {
	protocols := ensProtocols
	if svc == "ecs" {
		if r.RuleID == "" || r.DestGroupOwner != "" {
			return false
		}
		protocols = append(slicesClone(ensProtocols), "icmpv6")
	}
	return slices.Contains(protocols, r.Protocol)
}

// displayName is what `terraform query` shows for r, e.g.
// `tcp 443/443 to 10.0.0.0/8 accept, priority 1, in web (sg-…)`.
func (r EgressRule) displayName(groupName string) string {
	var b strings.Builder
	b.WriteString(r.Protocol)
	if r.PortRange != "" && !isAllPorts(r.PortRange) {
		b.WriteString(" " + r.PortRange)
	}
	if r.SourcePortRange != "" && !isAllPorts(r.SourcePortRange) {
		b.WriteString(" from ports " + r.SourcePortRange)
	}
	dest := r.DestCidrIP + r.Ipv6DestCidrIP
	switch {
	case r.DestGroupID != "":
		dest = "group " + r.DestGroupID
	case r.DestPrefixListID != "":
		dest = "prefix list " + r.DestPrefixListID
	}
	fmt.Fprintf(&b, " to %s %s, priority %d", dest, r.Policy, r.Priority)
	if r.NicType == "internet" {
		b.WriteString(", internet NIC")
	}
	b.WriteString(", in ")
	if groupName != "" {
		b.WriteString(groupName + " (" + r.GroupID + ")")
	} else {
		b.WriteString(r.GroupID)
	}
	if r.RuleID != "" {
		b.WriteString(", rule " + r.RuleID)
	}
	return b.String()
}

// nullTimeouts is an unset timeouts block of opts, as Read stores it after
// an import.
func nullTimeouts(ctx context.Context, opts timeouts.Opts) timeouts.Value {
	t, _ := timeouts.Block(ctx, opts).Type().(timeouts.Type)
	return timeouts.Value{Object: types.ObjectNull(t.AttrTypes)}
}
