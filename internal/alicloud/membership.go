package alicloud

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/mutexkv"
	"github.com/secgroup/terraform-provider-secgroup/internal/readcache"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// The machinery shared by secgroup_alicloud_instance_association and
// secgroup_alicloud_eni_association: ECS JoinSecurityGroup on create,
// DescribeInstances / DescribeNetworkInterfaces (in batches) on read, and
// LeaveSecurityGroup on destroy. The two differ only in a MemberKind.

const (
	membershipDefaultTimeout = 5 * time.Minute
	membershipReadTimeout    = 5 * time.Minute
)

// MemberKind is what joins the group: an ECS instance or an ENI.
type MemberKind struct {
	typeSuffix     string // resource type after the provider's name
	attr           string // the member's ID attribute
	param          string // the member's ID parameter in the API
	idPrefix       string
	lockKind       string
	noun           string // in messages: "instance", "ENI"
	title          string // in summaries
	describeAction string
	// regionRequired: LeaveSecurityGroup needs RegionId for an ENI, so its
	// association refuses to plan without one.
	regionRequired bool
	identity       *resourcebase.Identity
}

// withIdentity gives a kind its identity: the group and the member.
func withIdentity(k *MemberKind) *MemberKind {
	k.identity = resourcebase.NewIdentity(func(v resourcebase.IdentityValues) string {
		return resourcebase.WithRegion(v["region"], v["security_group_id"]+"/"+v[k.attr])
	}, "security_group_id", k.attr)
	return k
}

// InstanceMember and ENIMember are the two kinds of member.
var (
	InstanceMember = withIdentity(&MemberKind{
		typeSuffix: "_alicloud_instance_association", attr: "instance_id", param: "InstanceId", idPrefix: "i",
		lockKind: "instance", noun: "instance", title: "Instance", describeAction: "DescribeInstances",
	})
	ENIMember = withIdentity(&MemberKind{
		typeSuffix: "_alicloud_eni_association", attr: "network_interface_id", param: "NetworkInterfaceId", idPrefix: "eni",
		lockKind: "eni", noun: "ENI", title: "ENI", describeAction: "DescribeNetworkInterfaces",
		regionRequired: true,
	})
)

// Error codes LeaveSecurityGroup and JoinSecurityGroup answer that the
// resource handles on purpose; the codes table (errors.go) says where each is
// documented. Leave's "gone" answers are the table's NotFound entries for it.
var (
	// lastGroupCodes: ECS keeps every instance and ENI in at least one group.
	lastGroupCodes = []string{"InstanceLastSecurityGroup", "InvalidOperation.AtLeastInOneGroup"}
	// alreadyMemberCode answers a JoinSecurityGroup for a group the member is in.
	alreadyMemberCode = "InvalidInstanceId.AlreadyExists"
)

// refusalAdvice says what to do about refusals that no retry can change.
// InvalidParam.* is matched by prefix in advice.
var refusalAdvice = map[string]string{
	"InstanceLockedForSecurity": "Alibaba Cloud has locked the instance for security reasons (for example a security " +
		"violation or an overdue payment) and refuses security group changes until the lock is lifted; see the " +
		"instance's OperationLocks in the ECS console.",
	"InvalidOperation.ResourceManagedByCloudProduct": "The security group or the member is managed by another " +
		"Alibaba Cloud product (such as Container Service for Kubernetes); change its memberships through that product.",
	"InvalidOperation.EniServiceManaged": "The ENI is managed by an Alibaba Cloud service, which does not let users " +
		"change its security groups; remove it from the configuration.",
	"InvalidOperation.InvalidEniType": "This type of ENI does not support joining or leaving security groups this way.",
	"InvalidOperation.InvalidEniState": "The ENI stayed in a state (e.g. attaching or detaching) that does not allow the " +
		"change until the timeout; raise the resource's timeout, or retry once it is Available or InUse.",
}

func advice(err error) (string, bool) {
	var e *apierr.Error
	if !errors.As(err, &e) {
		return "", false
	}
	if a, ok := refusalAdvice[e.Code]; ok {
		return a, true
	}
	if strings.HasPrefix(e.Code, "InvalidParam") || strings.HasPrefix(e.Code, "MissingParameter") {
		return "Alibaba Cloud rejected a parameter of the request; check security_group_id, the member's ID and the region.", true
	}
	return "", false
}

// membershipModel holds the attributes both resources share; each resource's
// model embeds it and adds its member's ID.
type membershipModel struct {
	ID              types.String   `tfsdk:"id"`
	SecurityGroupID types.String   `tfsdk:"security_group_id"`
	Region          types.String   `tfsdk:"region"`
	KeepLastGroup   types.Bool     `tfsdk:"keep_last_group"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

// memberModel is implemented by the pointer to each resource's model.
type memberModel interface {
	fields() *membershipModel
	member() *types.String
}

// membershipResource is one association resource; M is its model.
type membershipResource[M any, P interface {
	*M
	memberModel
}] struct {
	resourceBase
	kind *MemberKind
}

func (r *membershipResource[M, P]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.kind.typeSuffix
}

func (r *membershipResource[M, P]) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	k := r.kind
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	regionDoc := "Region of the " + k.noun + " and the group. Defaults to the provider's `alicloud.region`; changing either replaces the association."
	if k.regionRequired {
		regionDoc += " LeaveSecurityGroup requires the region for an ENI, so planning fails on this attribute when neither " +
			"it nor the provider's region is set."
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Adds an Alibaba Cloud ECS %s to one security group with `JoinSecurityGroup`, and "+
			"removes it from exactly that group with `LeaveSecurityGroup` on destroy. Other groups of the %s are left alone.", k.noun, k.noun),
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("`<security_group_id>/<%s>`.", k.attr),
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"security_group_id": schema.StringAttribute{
				MarkdownDescription: "ID of the security group (`sg-...`). Changing it replaces the association.",
				Required:            true,
				PlanModifiers:       replace,
				Validators:          []validator.String{stringvalidator.RegexMatches(idPattern("sg"), "must be a security group ID such as sg-bp67acfmxazb4p0000")},
			},
			k.attr: schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("ID of the %s (`%s-...`). Changing it replaces the association.", k.noun, k.idPrefix),
				Required:            true,
				PlanModifiers:       replace,
				Validators: []validator.String{stringvalidator.RegexMatches(idPattern(k.idPrefix),
					fmt.Sprintf("must be an %s ID such as %s-bp67acfmxazb4p0000", k.noun, k.idPrefix))},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: regionDoc,
				Optional:            true,
				Computed:            true,
				PlanModifiers:       replace,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"keep_last_group": schema.BoolAttribute{
				MarkdownDescription: fmt.Sprintf("When `true` and the group is the %[1]s's last one, destroy leaves the membership "+
					"in place with a warning instead of failing with `InstanceLastSecurityGroup` / "+
					"`InvalidOperation.AtLeastInOneGroup`; the membership ends when the %[1]s itself is deleted. Meant for "+
					"tearing down a whole stack, %[1]s included. Default `false`: destroy fails and says what to do.", k.noun),
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
}

func (r *membershipResource[M, P]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.kind.regionRequired && !req.Plan.Raw.IsNull() && !r.checkRegion(ctx, req, resp) {
		return
	}
	r.PlanRegion(ctx, req, resp)
	if resp.Diagnostics.HasError() || req.State.Raw.IsNull() {
		return
	}
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.Plan.Raw.IsNull() {
		// resp.Plan, not req.Plan: with region unset, only resp.Plan has the
		// region PlanRegion just filled in (req.Plan's is still unknown).
		var plan M
		resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
		if resp.Diagnostics.HasError() {
			return
		}
		p, s := P(&plan), P(&state)
		sameMember := p.member().Equal(*s.member()) && p.fields().Region.Equal(s.fields().Region)
		sameGroup := p.fields().SecurityGroupID.Equal(s.fields().SecurityGroupID)
		switch {
		case len(resp.RequiresReplace) == 0 && sameMember && sameGroup:
			return // an in-place update (keep_last_group, timeouts) leaves no group
		case sameMember && !p.fields().SecurityGroupID.IsUnknown():
			// Only the group changes: create_before_destroy joins the new
			// group before the old one is left, so the member keeps one.
			r.warnLastGroup(ctx, P(&state), planReplaceGroup, &resp.Diagnostics)
			return
		}
		r.warnLastGroup(ctx, P(&state), planReplace, &resp.Diagnostics)
		return
	}
	r.warnLastGroup(ctx, P(&state), planDestroy, &resp.Diagnostics)
}

// planKind is what the plan does to the association's current membership.
type planKind int

const (
	planDestroy      planKind = iota
	planReplace               // the member (or its region) changes, or is not known yet
	planReplaceGroup          // the same member moves to another group
)

// checkRegion turns a missing region of an ENI association into an error on
// its region attribute: the API cannot find an ENI without it.
func (r *membershipResource[M, P]) checkRegion(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) bool {
	var configured types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("region"), &configured)...)
	if resp.Diagnostics.HasError() || !configured.IsNull() {
		return !resp.Diagnostics.HasError()
	}
	if c, err := r.Lookup(); err == nil && c.Region("") == "" {
		resp.Diagnostics.AddAttributeError(path.Root("region"), "Missing Region for Alibaba Cloud ENI Association",
			"LeaveSecurityGroup needs the ENI's region (RegionId): set region on this resource, or alicloud.region "+
				"in the provider block, or the ALICLOUD_REGION environment variable.")
		return false
	}
	return true
}

// warnLastGroup says in the plan when destroying or replacing the
// association would take away the member's last group, so the failure (or,
// with keep_last_group, the membership left behind) is not a surprise
// half-way through the apply. It reads the member's current groups; any error
// is left for the apply to report.
func (r *membershipResource[M, P]) warnLastGroup(ctx context.Context, m P, kind planKind, diags *diag.Diagnostics) {
	var ignored diag.Diagnostics
	c := r.Client(&ignored)
	if c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, membershipReadTimeout)
	defer cancel()
	k, f := r.kind, m.fields()
	group, id, region := f.SecurityGroupID.ValueString(), m.member().ValueString(), c.Region(f.Region.ValueString())
	groups, err := listedGroups(ctx, c, k, region, group, id)
	if err != nil || len(groups) != 1 || groups[0] != group {
		return
	}
	keep := f.KeepLastGroup.ValueBool()
	switch {
	case kind == planReplaceGroup && keep:
		diags.AddWarning(fmt.Sprintf("Replacing This Association May Leave the Alibaba Cloud %s in Two Security Groups", k.title),
			fmt.Sprintf("Security group %[1]s is the last group of %[2]s %[3]s, and keep_last_group is true: unless this "+
				"resource has lifecycle { create_before_destroy = true }, Terraform removes the old association first, "+
				"which then leaves the %[2]s in %[1]s (no longer managed by Terraform) and the replacement adds the new "+
				"group next to it. Add create_before_destroy to move the %[2]s from one group to the other.", group, k.noun, id))
	case kind == planReplaceGroup:
		diags.AddWarning(fmt.Sprintf("Replacing This Association May Leave the Alibaba Cloud %s in No Security Group", k.title),
			fmt.Sprintf("Security group %[1]s is the last group of %[2]s %[3]s, and Alibaba Cloud keeps every %[2]s in at "+
				"least one group. Unless this resource has lifecycle { create_before_destroy = true }, Terraform removes "+
				"the old association before adding the new one, and the apply will fail with InstanceLastSecurityGroup / "+
				"InvalidOperation.AtLeastInOneGroup. With create_before_destroy the new group is joined first and the "+
				"replacement succeeds.", group, k.noun, id))
	case keep:
		diags.AddWarning(fmt.Sprintf("Alibaba Cloud %s Keeps Its Last Security Group", k.title),
			fmt.Sprintf("Security group %s is the last group of %s %s, and keep_last_group is true: destroying the "+
				"association leaves the membership in place, and it ends when the %s is deleted.", group, k.noun, id, k.noun))
	default:
		summary := "Destroying This Association Would Leave the Alibaba Cloud %s in No Security Group"
		if kind == planReplace {
			summary = "Replacing This Association Would Leave the Alibaba Cloud %s in No Security Group"
		}
		diags.AddWarning(fmt.Sprintf(summary, k.title), lastGroupAdvice(k, group, id)+" The apply will fail unless that changes first.")
	}
}

func lastGroupAdvice(k *MemberKind, group, id string) string {
	return fmt.Sprintf("Security group %[1]s is the last group of %[2]s %[3]s, and Alibaba Cloud keeps every %[2]s in "+
		"at least one group, so LeaveSecurityGroup refuses to remove it. Add the %[2]s's replacement group first (for "+
		"example another association with lifecycle { create_before_destroy = true }), or, when the %[2]s is being "+
		"deleted too, set keep_last_group = true to leave this membership in place.", group, k.noun, id)
}

func (r *membershipResource[M, P]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.SetIdentity(ctx, r.kind.identity, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := P(&plan)
	timeout, diags := m.fields().Timeouts.Create(ctx, membershipDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := retry.WithTimeout(ctx, "create", timeout)
	defer cancel()
	a := r.begin(m, fmt.Sprintf("Error Adding Alibaba Cloud %s to Security Group", r.kind.title), "Adding %s %s to security group %s in %s", &resp.Diagnostics)
	if a == nil {
		return
	}
	defer a.lock()()

	// Read inside the lock (afresh): adopting a membership someone else made
	// would make our destroy remove their group.
	if err := a.find(ctx); err == nil {
		resp.Diagnostics.AddError(a.summary, fmt.Sprintf(
			"%s %s is already in security group %s. To manage this existing membership, import it:\n\n%s",
			a.kind.title, a.member, a.group, resourcebase.ImportBlock("secgroup"+a.kind.typeSuffix, a.id())))
		return
	} else if !isGroupNotListed(err) {
		a.fail(&resp.Diagnostics, err)
		return
	}

	err := a.write(ctx, "JoinSecurityGroup", func(attempt retry.Attempt, err error) error {
		// A retry whose first try's answer was lost meets "already in group":
		// the member was not in it before, under our lock, so that was us.
		if attempt.AfterLostAnswer() && apierr.HasCode(err, alreadyMemberCode) && a.find(ctx) == nil {
			return nil
		}
		return err
	})
	if err != nil {
		if retry.MayHaveLanded(err) {
			a.setComputed(m)
			resourcebase.KeepTainted(ctx, &resp.State, &plan, &resp.Diagnostics, a.summary, apierr.Detail(a.what, err, credentialHint),
				fmt.Sprintf("%s %s may now be in security group %s", a.kind.noun, a.member, a.group))
			return
		}
		a.fail(&resp.Diagnostics, err)
		return
	}
	a.setComputed(m)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *membershipResource[M, P]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer r.SetReadIdentity(ctx, r.kind.identity, req, resp)
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := P(&state)
	ctx, cancel := context.WithTimeout(ctx, membershipReadTimeout)
	defer cancel()
	a := r.begin(m, fmt.Sprintf("Error Reading Alibaba Cloud %s Security Groups", r.kind.title), "Reading whether %s %s is in security group %s in %s", &resp.Diagnostics)
	if a == nil {
		return
	}
	err := a.read(ctx)
	if apierr.IsNotFound(err) {
		resourcebase.RemoveGone(ctx, resp, fmt.Sprintf("Alibaba Cloud %s Association Not Found", r.kind.title), err, "association", isGroupNotListed(err))
		return
	}
	if err != nil {
		a.fail(&resp.Diagnostics, err)
		return
	}
	a.setComputed(m)
	if m.fields().KeepLastGroup.IsNull() {
		m.fields().KeepLastGroup = types.BoolValue(false) // after import
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only stores keep_last_group and timeouts: every other argument
// requires replacement, and neither of these is in the cloud.
func (r *membershipResource[M, P]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.SetIdentity(ctx, r.kind.identity, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *membershipResource[M, P]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := P(&state)
	timeout, diags := m.fields().Timeouts.Delete(ctx, membershipDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := retry.WithTimeout(ctx, "delete", timeout)
	defer cancel()
	a := r.begin(m, fmt.Sprintf("Error Removing Alibaba Cloud %s from Security Group", r.kind.title), "Removing %s %s from security group %s in %s", &resp.Diagnostics)
	if a == nil {
		return
	}
	defer a.lock()()

	// IncorrectInstanceStatus (Starting, Stopping...) is retried until the
	// timeout, throttling and 5xx with backoff, by the client's retry loop.
	err := a.write(ctx, "LeaveSecurityGroup", nil)
	switch {
	case err == nil:
	case apierr.IsNotFound(err):
		// Not in the group (InstanceNotInSecurityGroup, or since 2024-07-08
		// InvalidSecurityGroupAssociation.NotFound), or the member or the
		// group is gone: so is the membership. This is also what a retry
		// after a lost answer meets. Nothing else counts as gone.
	case apierr.HasCode(err, lastGroupCodes...) && m.fields().KeepLastGroup.ValueBool():
		resp.Diagnostics.AddWarning(fmt.Sprintf("Alibaba Cloud %s Left in Its Last Security Group", r.kind.title),
			fmt.Sprintf("Security group %s is the last group of %s %s, and keep_last_group is true: the membership "+
				"stays until the %s is deleted, and the association is removed from the state.", a.group, a.kind.noun, a.member, a.kind.noun))
	case apierr.HasCode(err, lastGroupCodes...):
		resp.Diagnostics.AddError(a.summary, a.what+": "+err.Error()+"\n\n"+lastGroupAdvice(a.kind, a.group, a.member))
	default:
		a.fail(&resp.Diagnostics, err)
	}
}

// ImportState takes the resource's ID, <security_group_id>/<member_id>, in
// the provider's region, or <region>/<security_group_id>/<member_id> for a
// member elsewhere: Read can only find it in the right region.
func (r *membershipResource[M, P]) IdentitySchema(ctx context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = r.kind.identity.Schema(ctx, r)
}

func (r *membershipResource[M, P]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	k := r.kind
	defer r.SetIdentity(ctx, k.identity, &resp.State, resp.Identity, &resp.Diagnostics)
	importID, ok := r.ImportID(ctx, k.identity, req, resp)
	if !ok {
		return
	}
	parts := strings.Split(importID, "/")
	var region string
	if len(parts) == 3 && parts[0] != "" {
		region, parts = parts[0], parts[1:]
	}
	if len(parts) != 2 || !idPattern("sg").MatchString(parts[0]) || !idPattern(k.idPrefix).MatchString(parts[1]) {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf(
			"Expected <security_group_id>/<%[1]s>, such as sg-bp67acfmxazb4p0000/%[2]s-bp67acfmxazb4p0000, or "+
				"<region>/<security_group_id>/<%[1]s> for an %[3]s outside the provider's region; got %[4]q.", k.attr, k.idPrefix, k.noun, importID))
		return
	}
	group, member := parts[0], parts[1]
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), group+"/"+member)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("security_group_id"), group)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(k.attr), member)...)
	if region != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	}
}

// membershipCall is one operation on an association: the client, the IDs,
// and the words its errors use.
type membershipCall struct {
	c                     *Client
	kind                  *MemberKind
	group, member, region string
	summary, what         string
}

// begin resolves the client and the region. doing is a format taking the
// member's noun and ID, the group and the region.
func (r *membershipResource[M, P]) begin(m P, summary, doing string, diags *diag.Diagnostics) *membershipCall {
	c := r.Client(diags)
	if c == nil {
		return nil
	}
	a := &membershipCall{
		c:       c,
		kind:    r.kind,
		group:   m.fields().SecurityGroupID.ValueString(),
		member:  m.member().ValueString(),
		region:  c.Region(m.fields().Region.ValueString()),
		summary: summary,
	}
	a.what = fmt.Sprintf(doing, r.kind.noun, a.member, a.group, a.region)
	return a
}

// params are the Join/Leave parameters: the group and exactly one of
// InstanceId / NetworkInterfaceId. RegionId is the client's region.
func (a *membershipCall) params() map[string]string {
	return map[string]string{"SecurityGroupId": a.group, a.kind.param: a.member}
}

func (a *membershipCall) id() string { return a.group + "/" + a.member }

// read answers Read, in a fleet from the group's listing, through the
// client's cache: a refresh of a group's memberships then costs a call per
// page of its members (readcache.Listings says when the listing is worth its
// calls; until then, and for a few members of a large group, the members'
// own batched reads answer). A member the listing does not show is confirmed
// by the member's own read, so the drift message is exact (member gone, or no
// longer in the group) and a listing that lags cannot drop the resource.
func (a *membershipCall) read(ctx context.Context) error {
	if a.c.groupMembers(a.kind).Use(groupMembersKey{region: a.region, group: a.group}, a.c.members(a.kind).Cached(a.key())) {
		members, err := FindGroupMembers(ctx, a.c, a.kind, a.region, a.group)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(members, func(m Member) bool { return m.ID == a.member }) {
			return nil
		}
	}
	return FindMembership(ctx, a.c, a.kind, a.region, a.member, a.group)
}

// find reads the member afresh, member-side: for the reads under the
// member's lock that decide what to write.
func (a *membershipCall) find(ctx context.Context) error {
	a.c.members(a.kind).Invalidate(a.key())
	return FindMembership(ctx, a.c, a.kind, a.region, a.member, a.group)
}

func (a *membershipCall) key() memberKey { return memberKey{region: a.region, id: a.member} }

// write makes one Join or Leave call, under the member's lock. It drops the
// member's cache entry before (so no read joins a describe that predates
// the write) and after (so the next read sees it), every entry of the other
// kind (an instance's groups are its primary ENI's), and the group's
// listings.
func (a *membershipCall) write(ctx context.Context, action string, check func(retry.Attempt, error) error) error {
	own, other := a.c.members(a.kind), a.c.members(a.kind.other())
	invalidate := func() {
		own.Invalidate(a.key())
		other.InvalidateAll()
		a.c.invalidateGroup(a.region, a.group)
	}
	invalidate()
	defer invalidate()
	return a.c.CallAttempts(ctx, "ecs", a.region, action, a.params(), nil, check)
}

func (a *membershipCall) fail(diags *diag.Diagnostics, err error) {
	if adv, ok := advice(err); ok {
		diags.AddError(a.summary, a.what+": "+err.Error()+"\n\n"+adv)
		return
	}
	diags.AddError(a.summary, apierr.Detail(a.what, err, credentialHint))
}

// lock serializes writes to the member across every resource of the
// provider; the returned function unlocks.
func (a *membershipCall) lock() func() {
	key := mutexkv.Key(cloudName, a.kind.lockKind, a.member)
	mutexkv.Global.Lock(key)
	return func() { mutexkv.Global.Unlock(key) }
}

func (a *membershipCall) setComputed(m memberModel) {
	m.fields().ID = types.StringValue(a.id())
	m.fields().Region = types.StringValue(a.region)
}

// memberKey names an instance or ENI of one kind: its region and ID.
type memberKey struct{ region, id string }

// members is the cache of the kind's describes.
func (c *Client) members(k *MemberKind) *readcache.Cache[memberKey, Member] {
	if k == ENIMember {
		return &c.enis
	}
	return &c.instances
}

func (k *MemberKind) other() *MemberKind {
	if k == ENIMember {
		return InstanceMember
	}
	return ENIMember
}

// FindMember returns the instance or ENI (shared between callers: read
// only). It reads through the client's cache, so the associations of one
// member cost one describe per refresh. A missing member is an
// *apierr.NotFoundError.
func FindMember(ctx context.Context, c *Client, k *MemberKind, region, id string) (Member, error) {
	region = c.Region(region)
	return c.members(k).Get(ctx, memberKey{region: region, id: id}, func(ctx context.Context) (Member, error) {
		return c.memberReads.Do(ctx, memberBatch{kind: k, region: region}, id)
	})
}

// FindMemberGroups returns the security groups of an instance or ENI, as
// FindMember reads them.
func FindMemberGroups(ctx context.Context, c *Client, k *MemberKind, region, id string) ([]string, error) {
	m, err := FindMember(ctx, c, k, region, id)
	return m.Groups, err
}

// listedGroups returns the member's groups as the group's listing shows
// them when the process has it (Read made it, in a fleet), or from the
// member's own describe (which Read has usually made): the plan-time check
// then costs no call of its own.
func listedGroups(ctx context.Context, c *Client, k *MemberKind, region, group, id string) ([]string, error) {
	if !c.groupMembers(k).Cached(groupMembersKey{region: c.Region(region), group: group}) {
		return FindMemberGroups(ctx, c, k, region, id)
	}
	members, err := FindGroupMembers(ctx, c, k, region, group)
	if err != nil {
		return nil, err
	}
	if i := slices.IndexFunc(members, func(m Member) bool { return m.ID == id }); i >= 0 {
		return members[i].Groups, nil
	}
	return FindMemberGroups(ctx, c, k, region, id)
}

// FindMembership returns nil when the instance or ENI lists the group, and an
// *apierr.NotFoundError when it is gone or does not list the group. Read, the
// plan check and the tests' checks all use it.
func FindMembership(ctx context.Context, c *Client, k *MemberKind, region, id, group string) error {
	groups, err := FindMemberGroups(ctx, c, k, region, id)
	if err != nil {
		return err
	}
	if !slices.Contains(groups, group) {
		return &apierr.NotFoundError{Message: fmt.Sprintf("%s %s is not in security group %s", k.noun, id, group), Err: errGroupNotListed}
	}
	return nil
}

// errGroupNotListed marks a NotFoundError for a member that exists but does
// not list the group, as opposed to a member that is gone.
var errGroupNotListed = errors.New("the group is not in the member's list")

func isGroupNotListed(err error) bool { return errors.Is(err, errGroupNotListed) }
