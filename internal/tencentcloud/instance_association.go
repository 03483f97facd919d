package tencentcloud

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// Implements one security group's binding to one CVM instance with CVM
// AssociateSecurityGroups / DisassociateSecurityGroups.
var (
	_ resource.Resource                = &instanceAssociationResource{}
	_ resource.ResourceWithConfigure   = &instanceAssociationResource{}
	_ resource.ResourceWithImportState = &instanceAssociationResource{}
	_ resource.ResourceWithIdentity    = &instanceAssociationResource{}
	_ resource.ResourceWithModifyPlan  = &instanceAssociationResource{}
)

const instanceAssociationDefaultTimeout = 5 * time.Minute

// NewInstanceAssociationResource is the constructor the provider registers.
func NewInstanceAssociationResource() resource.Resource {
	return &instanceAssociationResource{}
}

type instanceAssociationResource struct {
	resourceBase
}

type instanceAssociationResourceModel struct {
	ID              types.String   `tfsdk:"id"`
	SecurityGroupID types.String   `tfsdk:"security_group_id"`
	InstanceID      types.String   `tfsdk:"instance_id"`
	Timeouts        timeouts.Value `tfsdk:"timeouts"`
}

func (r *instanceAssociationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tencentcloud_instance_association"
}

func (r *instanceAssociationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Binds one security group to one Tencent Cloud CVM instance with CVM `AssociateSecurityGroups`, " +
			"and unbinds exactly that group with `DisassociateSecurityGroups` on destroy. The instance's other groups, " +
			"whoever bound them, are left alone.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<security_group_id>/<instance_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"security_group_id": schema.StringAttribute{
				MarkdownDescription: "ID of the security group, `sg-xxxxxxxx`. Changing it replaces the association.",
				Required:            true,
				PlanModifiers:       replace,
				Validators: []validator.String{
					stringvalidator.RegexMatches(securityGroupIDPattern, "must be a security group ID such as sg-1a2b3c4d"),
				},
			},
			"instance_id": schema.StringAttribute{
				MarkdownDescription: "ID of the CVM instance, `ins-xxxxxxxx`. Changing it replaces the association.",
				Required:            true,
				PlanModifiers:       replace,
				Validators: []validator.String{
					stringvalidator.RegexMatches(instanceIDPattern, "must be a CVM instance ID such as ins-1a2b3c4d"),
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
}

func (r *instanceAssociationResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.CheckConfigured(req, resp)
}

// associationCall is one operation on an association and the words its
// errors use.
type associationCall struct {
	c                   *Client
	groupID, instanceID string
	summary, what       string
}

func (r *instanceAssociationResource) begin(m *instanceAssociationResourceModel, summary, doing string, diags *diag.Diagnostics) *associationCall {
	c := r.Client(diags)
	if c == nil {
		return nil
	}
	a := &associationCall{c: c, groupID: m.SecurityGroupID.ValueString(), instanceID: m.InstanceID.ValueString(), summary: summary}
	a.what = fmt.Sprintf(doing, a.groupID, a.instanceID, c.Region(""))
	return a
}

func (a *associationCall) fail(diags *diag.Diagnostics, err error, during string) {
	diags.AddError(a.summary, apierr.Detail(a.what+during, err, credentialHint))
}

// keepTainted saves the binding after an AssociateSecurityGroups that may
// have landed, and reports err.
func (a *associationCall) keepTainted(ctx context.Context, resp *resource.CreateResponse, m *instanceAssociationResourceModel, err error, during string) {
	m.ID = types.StringValue(associationID(a.groupID, a.instanceID))
	resourcebase.KeepTainted(ctx, &resp.State, m, &resp.Diagnostics, a.summary, apierr.Detail(a.what+during, err, credentialHint),
		fmt.Sprintf("CVM instance %q may now be in security group %q", a.instanceID, a.groupID))
}

// read answers from the group's listing, kept by the client for the
// process, and confirms a member it does not show with the instance's own
// read: Read uses it, so a fleet's refresh costs one DescribeInstances per
// 100 members of the group.
func (a *associationCall) read(ctx context.Context) error {
	return FindGroupMember(ctx, a.c, a.instanceID, a.groupID)
}

// associate binds the group to the instance unless a fresh read under the
// instance's lock (the caller holds it) finds it already there
// (errAlreadyBound): the read and the write ride in one batch with the
// group's other creates. The instance's cache entry and the group's listing
// are dropped before and after, as for write.
func (a *associationCall) associate(ctx context.Context) error {
	a.c.invalidateInstances(a.instanceID)
	a.c.invalidateGroup(a.groupID)
	defer a.c.invalidateGroup(a.groupID)
	defer a.c.invalidateInstances(a.instanceID)
	return a.c.associateChecked(ctx, a.groupID, a.instanceID)
}

// write calls action for this group and instance, in one call with the
// other instances of the group written at the same time; the caller holds
// the instance's lock, which serializes writes to it across every resource
// of the provider. The instance's cache entry and the group's listing are
// dropped before and after.
func (a *associationCall) write(ctx context.Context, action string) error {
	a.c.invalidateInstances(a.instanceID)
	a.c.invalidateGroup(a.groupID)
	defer a.c.invalidateGroup(a.groupID)
	defer a.c.invalidateInstances(a.instanceID)
	return a.c.bindInstance(ctx, action, a.groupID, a.instanceID)
}

func (r *instanceAssociationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.SetIdentity(ctx, instanceAssociationIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan instanceAssociationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, instanceAssociationDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := retry.WithTimeout(ctx, "create", timeout)
	defer cancel()
	a := r.begin(&plan, "Error Binding Security Group to Tencent Cloud Instance", "Binding security group %q to CVM instance %q in %s", &resp.Diagnostics)
	if a == nil {
		return
	}
	// Checked and written under the instance's lock: adopting a binding
	// someone else made would make our destroy remove their group.
	unlock := lockAll(instanceLockKey(a.instanceID))
	err := a.associate(ctx)
	unlock()
	switch {
	case errors.Is(err, errAlreadyBound):
		resp.Diagnostics.AddError(a.summary, fmt.Sprintf(
			"CVM instance %q is already in security group %q. To manage this existing binding, import it:\n\n%s",
			a.instanceID, a.groupID, resourcebase.ImportBlock("secgroup_tencentcloud_instance_association", associationID(a.groupID, a.instanceID))))
		return
	case retry.MayHaveLanded(err):
		a.keepTainted(ctx, resp, &plan, err, "")
		return
	case err != nil:
		a.fail(&resp.Diagnostics, err, "")
		return
	}
	// No wait: CVM changes the instance's SecurityGroupIds before it answers
	// (the next DescribeInstances lists the group), so a success is the
	// binding, and a fleet's apply costs its batched reads and writes only.
	plan.ID = types.StringValue(associationID(a.groupID, a.instanceID))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *instanceAssociationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer r.SetReadIdentity(ctx, instanceAssociationIdentity, req, resp)
	var state instanceAssociationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	a := r.begin(&state, "Error Reading Tencent Cloud Instance Security Groups", "Reading whether security group %q is bound to CVM instance %q in %s", &resp.Diagnostics)
	if a == nil {
		return
	}
	err := a.read(ctx)
	if apierr.IsNotFound(err) {
		// Unlike the tencentcloud provider, a binding that is gone is not an
		// error: the next apply binds it again.
		resourcebase.RemoveGone(ctx, resp, "Tencent Cloud Instance Association Not Found", err, "association", isGroupNotListed(err))
		return
	}
	if err != nil {
		a.fail(&resp.Diagnostics, err, "")
		return
	}
	state.ID = types.StringValue(associationID(a.groupID, a.instanceID))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update is never called for a change of arguments (they all require
// replacement); the timeouts block alone can change, and only in state.
func (r *instanceAssociationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.SetIdentity(ctx, instanceAssociationIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan instanceAssociationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *instanceAssociationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state instanceAssociationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, instanceAssociationDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := retry.WithTimeout(ctx, "delete", timeout)
	defer cancel()
	a := r.begin(&state, "Error Unbinding Security Group from Tencent Cloud Instance", "Unbinding security group %q from CVM instance %q in %s", &resp.Diagnostics)
	if a == nil {
		return
	}
	unlock := lockAll(instanceLockKey(a.instanceID))
	err := a.write(ctx, "DisassociateSecurityGroups")
	unlock()
	if gone(err) {
		return // the instance or the group is gone: so is the binding
	}
	if err != nil {
		a.fail(&resp.Diagnostics, err, "")
	}
	// No wait, as for Create: the success answer is the unbinding.
}

// instanceAssociationIdentity: the region is the provider's, as the
// association has none of its own.
var instanceAssociationIdentity = resourcebase.NewIdentity(func(v resourcebase.IdentityValues) string {
	return associationID(v["security_group_id"], v["instance_id"])
}, "security_group_id", "instance_id")

func (r *instanceAssociationResource) IdentitySchema(ctx context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = instanceAssociationIdentity.Schema(ctx, r)
}

func (r *instanceAssociationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer r.SetIdentity(ctx, instanceAssociationIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	importID, ok := r.ImportID(ctx, instanceAssociationIdentity, req, resp)
	if !ok {
		return
	}
	groupID, instanceID, ok := strings.Cut(importID, "/")
	if !ok || !securityGroupIDPattern.MatchString(groupID) || !instanceIDPattern.MatchString(instanceID) {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("Expected <security_group_id>/<instance_id>, such as sg-1a2b3c4d/ins-5e6f7g8h; got %q.", importID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), importID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("security_group_id"), groupID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), instanceID)...)
}

func associationID(groupID, instanceID string) string { return groupID + "/" + instanceID }
