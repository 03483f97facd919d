package huaweicloud

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	vpc "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpc/v3"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpc/v3/model"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/mutexkv"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// Implements the VPC v3 port actions insert-security-groups and
// remove-security-groups (PUT /v3/{project_id}/ports/{port_id}/...). They
// change only the listed groups, unlike a full-list port update, which would
// drop groups another writer added in the meantime.
var (
	_ resource.Resource                = &portAssociationResource{}
	_ resource.ResourceWithConfigure   = &portAssociationResource{}
	_ resource.ResourceWithImportState = &portAssociationResource{}
	_ resource.ResourceWithIdentity    = &portAssociationResource{}
	_ resource.ResourceWithModifyPlan  = &portAssociationResource{}
)

const portAssociationDefaultTimeout = 5 * time.Minute

// NewPortAssociationResource is the constructor the provider registers.
func NewPortAssociationResource() resource.Resource {
	return &portAssociationResource{}
}

type portAssociationResource struct {
	resourceBase
}

type portAssociationResourceModel struct {
	ID                  types.String   `tfsdk:"id"`
	PortID              types.String   `tfsdk:"port_id"`
	SecurityGroupIDs    types.Set      `tfsdk:"security_group_ids"`
	Enforce             types.Bool     `tfsdk:"enforce"`
	Region              types.String   `tfsdk:"region"`
	AllSecurityGroupIDs types.Set      `tfsdk:"all_security_group_ids"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

func (r *portAssociationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_huaweicloud_port_association"
}

func (r *portAssociationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Attaches security groups to a Huawei Cloud VPC port (a network interface) with the VPC v3 " +
			"port actions `insert-security-groups` and `remove-security-groups`. Unless `enforce` is set, groups other " +
			"writers put on the port are left alone and never show as a difference.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The port's ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"port_id": schema.StringAttribute{
				MarkdownDescription: "ID (UUID) of the port. Changing it replaces the association.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators: []validator.String{
					stringvalidator.RegexMatches(uuidPattern, "must be the port's ID, a UUID in lower case such as 99fd0c77-56b4-4bf6-8365-df352e45d5fc"),
				},
			},
			"security_group_ids": schema.SetAttribute{
				MarkdownDescription: "IDs of the security groups this resource puts on the port (at least one). The " +
					"state holds those of them the port still lists, so a group removed out of band shows as a difference " +
					"and is inserted again; other writers' groups are never listed here, with or without `enforce` (with " +
					"`enforce` they show as removals from `all_security_group_ids`).",
				Required:    true,
				ElementType: types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.RegexMatches(uuidPattern, "must be a security group ID, a UUID in lower case")),
				},
			},
			"enforce": schema.BoolAttribute{
				MarkdownDescription: "When `true`, the port gets exactly `security_group_ids`: every other group is removed " +
					"on apply, and the plan shows which (the planned `all_security_group_ids`); a group added by another " +
					"writer shows as a difference; destroy removes every group the port listed when it was last read, " +
					"with a warning in the plan when that leaves the port with no group. Turning it off stops managing " +
					"other writers' groups: they stay. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the port. Defaults to the provider's `huaweicloud.region`; changing " +
					"either replaces the association.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"all_security_group_ids": schema.SetAttribute{
				MarkdownDescription: "Every security group on the port, whoever added it. With `enforce`, the plan " +
					"knows it: exactly `security_group_ids`, so the groups the apply will remove show in the plan.",
				Computed:    true,
				ElementType: types.StringType,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *portAssociationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		warnPortLeftEmpty(ctx, req.State, &resp.Diagnostics)
		return
	}
	r.PlanRegion(ctx, req, resp)
	var enforce types.Bool
	var planned types.Set
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("enforce"), &enforce)...)
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("security_group_ids"), &planned)...)
	if resp.Diagnostics.HasError() || !enforce.ValueBool() || planned.IsUnknown() {
		return
	}
	// With enforce the port ends up with exactly the planned groups: saying
	// so shows every group the apply removes as a removal in the plan.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("all_security_group_ids"), planned)...)
}

// warnPortLeftEmpty says in a destroy plan when removing the association's
// groups leaves the port with none at all, from the refreshed state.
func warnPortLeftEmpty(ctx context.Context, state tfsdk.State, diags *diag.Diagnostics) {
	var m portAssociationResourceModel
	if d := state.Get(ctx, &m); d.HasError() {
		return // the destroy itself reports a broken state
	}
	var ignored diag.Diagnostics
	all := setStrings(ctx, m.AllSecurityGroupIDs, &ignored)
	drop := portDeleteDrop(ctx, m, all, &ignored)
	if ignored.HasError() || len(all) == 0 || len(subtract(all, drop)) > 0 {
		return
	}
	diags.AddWarning("Destroying This Association Leaves the Huawei Cloud Port with No Security Group",
		fmt.Sprintf("Port %s lists only %s, and destroying this association removes all of them (with enforce = true, "+
			"destroy removes every group on the port). A port with no security group is no longer filtered by one. Add "+
			"the port's next group first (for example another association with lifecycle { create_before_destroy = true }) "+
			"if it must keep one.", m.PortID.ValueString(), strings.Join(all, ", ")))
}

// portDeleteDrop is what destroy removes of the groups on the port: ours,
// and with enforce every group the port listed when it was last read.
func portDeleteDrop(ctx context.Context, m portAssociationResourceModel, onPort []string, diags *diag.Diagnostics) []string {
	ours := setStrings(ctx, m.SecurityGroupIDs, diags)
	if m.Enforce.ValueBool() {
		ours = append(ours, subtract(setStrings(ctx, m.AllSecurityGroupIDs, diags), ours)...)
	}
	return intersect(ours, onPort)
}

func (r *portAssociationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.SetIdentity(ctx, portAssociationIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan portAssociationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, portAssociationDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := retry.WithTimeout(ctx, "create", timeout)
	defer cancel()
	a := r.begin(ctx, &plan, "Error Adding Security Groups to Huawei Cloud Port", "Adding security groups to port %q in %s", &resp.Diagnostics)
	if a == nil {
		return
	}
	planned := setStrings(ctx, plan.SecurityGroupIDs, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	all, landed, err := a.reconcile(ctx, planned, nil, plan.Enforce.ValueBool())
	if err != nil {
		// The insert may have landed (a removal failed after it, or its
		// answer was lost): record the groups, or destroy would never take
		// them off again.
		if landed {
			a.setPartial(ctx, &plan, nil, planned, all, &resp.Diagnostics)
			resourcebase.KeepTainted(ctx, &resp.State, plan, &resp.Diagnostics, a.summary, apierr.Detail(a.what, err, credentialHint), a.left(planned))
			return
		}
		a.fail(&resp.Diagnostics, err, "")
		return
	}
	a.setComputed(ctx, &plan, all, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *portAssociationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer r.SetReadIdentity(ctx, portAssociationIdentity, req, resp)
	var state portAssociationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	a := r.begin(ctx, &state, "Error Reading Huawei Cloud Port Security Groups", "Reading the security groups of port %q in %s", &resp.Diagnostics)
	if a == nil {
		return
	}
	port, err := a.read(ctx)
	if apierr.IsNotFound(err) {
		resourcebase.RemoveGone(ctx, resp, "Huawei Cloud Port Not Found", err, "port association", false)
		return
	}
	if err != nil {
		a.fail(&resp.Diagnostics, err, "")
		return
	}
	all := port.SecurityGroups
	if state.Enforce.IsNull() {
		state.Enforce = types.BoolValue(false) // after import
	}
	// Ours that the port still lists; others' groups never show here, with
	// enforce either: they show in all_security_group_ids, which ModifyPlan
	// plans as exactly ours, and turning enforce off must not make them
	// look like ours to remove.
	ours := all // import: adopt every group on the port
	if !state.SecurityGroupIDs.IsNull() {
		ours = intersect(setStrings(ctx, state.SecurityGroupIDs, &resp.Diagnostics), all)
	}
	state.SecurityGroupIDs = stringSet(ctx, ours, &resp.Diagnostics)
	a.setComputed(ctx, &state, all, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *portAssociationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.SetIdentity(ctx, portAssociationIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan, state portAssociationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, portAssociationDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := retry.WithTimeout(ctx, "update", timeout)
	defer cancel()
	a := r.begin(ctx, &plan, "Error Updating Security Groups of Huawei Cloud Port", "Updating the security groups of port %q in %s", &resp.Diagnostics)
	if a == nil {
		return
	}
	planned := setStrings(ctx, plan.SecurityGroupIDs, &resp.Diagnostics)
	prior := setStrings(ctx, state.SecurityGroupIDs, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	all, landed, err := a.reconcile(ctx, planned, subtract(prior, planned), plan.Enforce.ValueBool())
	if err != nil {
		// The prior state would not list the groups the insert added, and
		// destroy would leave them behind: record what is on the port now.
		if landed {
			a.setPartial(ctx, &plan, prior, planned, all, &resp.Diagnostics)
			resourcebase.KeepPartial(ctx, &resp.State, plan, &resp.Diagnostics, a.summary, apierr.Detail(a.what, err, credentialHint), a.left(planned))
			return
		}
		a.fail(&resp.Diagnostics, err, "")
		return
	}
	a.setComputed(ctx, &plan, all, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *portAssociationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state portAssociationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, portAssociationDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := retry.WithTimeout(ctx, "delete", timeout)
	defer cancel()
	a := r.begin(ctx, &state, "Error Removing Security Groups from Huawei Cloud Port", "Removing security groups from port %q in %s", &resp.Diagnostics)
	if a == nil {
		return
	}
	defer a.lock()()

	port, err := a.find(ctx)
	if gone(err) {
		return // the port is gone, and its groups with it
	}
	if err != nil {
		a.fail(&resp.Diagnostics, err, "")
		return
	}
	// Only what is still there: the API takes no empty list, and a group
	// someone else already removed is not ours to fail on.
	drop := portDeleteDrop(ctx, state, port.SecurityGroups, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || len(drop) == 0 {
		return
	}
	if _, err := a.remove(ctx, drop); err != nil && !gone(err) {
		a.fail(&resp.Diagnostics, err, "")
	}
}

var portAssociationIdentity = resourcebase.NewIdentity(func(v resourcebase.IdentityValues) string {
	return resourcebase.WithRegion(v["region"], v["port_id"])
}, "port_id")

func (r *portAssociationResource) IdentitySchema(ctx context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = portAssociationIdentity.Schema(ctx, r)
}

func (r *portAssociationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer r.SetIdentity(ctx, portAssociationIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	importID, ok := r.ImportID(ctx, portAssociationIdentity, req, resp)
	if !ok {
		return
	}
	region, portID, regionOK := cutImportRegion(importID, 1)
	if !regionOK || !uuidPattern.MatchString(portID) {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("Expected the port's ID, a UUID in lower case such as 99fd0c77-56b4-4bf6-8365-df352e45d5fc, or "+
				"<region>/<port_id> for a port outside the provider's region; got %q.", importID))
		return
	}
	// Read fills security_group_ids with every group on the port.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), portID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("port_id"), portID)...)
	if region != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	}
}

// portAssociationCall is one operation on a port: its region's VPC client,
// and the words its errors use.
type portAssociationCall struct {
	c              *Client
	conn           *vpc.VpcClient
	portID, region string
	summary, what  string
}

// begin resolves the port's region and VPC client. doing is a format taking
// the port and the region. On failure it adds the diagnostic and returns nil.
func (r *portAssociationResource) begin(ctx context.Context, m *portAssociationResourceModel, summary, doing string, diags *diag.Diagnostics) *portAssociationCall {
	c := r.Client(diags)
	if c == nil {
		return nil
	}
	a := &portAssociationCall{
		c:       c,
		portID:  m.PortID.ValueString(),
		region:  c.Region(m.Region.ValueString()),
		summary: summary,
	}
	a.what = fmt.Sprintf(doing, a.portID, a.region)
	conn, err := c.VPC(ctx, a.region)
	if err != nil {
		a.fail(diags, err, "")
		return nil
	}
	a.conn = conn
	return a
}

func (a *portAssociationCall) fail(diags *diag.Diagnostics, err error, during string) {
	diags.AddError(a.summary, apierr.Detail(a.what+during, err, credentialHint))
}

// lock serializes writes to the port across every resource of the provider
// that writes ports; the returned function unlocks.
func (a *portAssociationCall) lock() func() {
	key := mutexkv.Key(cloudName, "port", a.portID)
	mutexkv.Global.Lock(key)
	return func() { mutexkv.Global.Unlock(key) }
}

// read reads the port through the client's cache: Read uses it, so the
// associations of one port cost one ShowPort per refresh.
func (a *portAssociationCall) read(ctx context.Context) (*model.Port, error) {
	return FindPort(ctx, a.c, a.region, a.portID)
}

// find reads the port afresh: for the reads under the port's lock that
// decide what to write.
func (a *portAssociationCall) find(ctx context.Context) (*model.Port, error) {
	a.c.ports.Invalidate(objectKey{a.region, a.portID})
	return a.read(ctx)
}

// invalidate drops the port's cache entry, before a write (so no read joins
// a call that predates it) and after (so the next read sees it), and every
// server's and group listing's: a server lists the groups of its ports.
func (a *portAssociationCall) invalidate() {
	a.c.ports.Invalidate(objectKey{a.region, a.portID})
	a.c.servers.InvalidateAll()
	a.c.invalidateGroups()
}

// reconcile brings the port to planned under the port's lock: it inserts the
// planned groups the port lacks, then removes the dropped ones (with
// enforce, every unplanned one) that it still lists. Inserting first keeps
// the port from being left without a group in between. It returns the port's
// groups afterwards; when the insert went through and the removal failed, it
// returns the groups after the insert along with the error. landed reports
// that a write may have landed before the error (all is nil when the port's
// groups are not known then).
func (a *portAssociationCall) reconcile(ctx context.Context, planned, dropped []string, enforce bool) (all []string, landed bool, err error) {
	defer a.lock()()
	// Read inside the lock: another writer may have changed the port since
	// terraform's refresh.
	port, err := a.find(ctx)
	if err != nil {
		return nil, false, err
	}
	all = port.SecurityGroups
	inserted := false
	if add := subtract(planned, all); len(add) > 0 {
		if all, err = a.insert(ctx, add); err != nil {
			return nil, retry.MayHaveLanded(err), err
		}
		inserted = true
	}
	var drop []string
	for _, g := range all {
		if !slices.Contains(planned, g) && (enforce || slices.Contains(dropped, g)) {
			drop = append(drop, g)
		}
	}
	if len(drop) > 0 {
		after, err := a.remove(ctx, drop)
		if err != nil {
			if !inserted {
				return nil, retry.MayHaveLanded(err), err
			}
			return all, true, err
		}
		all = after
	}
	return all, false, nil
}

// insert puts groups on the port and returns the port's groups afterwards.
func (a *portAssociationCall) insert(ctx context.Context, groups []string) ([]string, error) {
	var port *model.Port
	a.invalidate()
	defer a.invalidate()
	err := a.c.DoPaced(ctx, "vpc", func(ctx context.Context, attempt retry.Attempt) error {
		start := time.Now()
		resp, err := a.conn.AddSecurityGroups(&model.AddSecurityGroupsRequest{
			PortId: a.portID,
			Body:   &model.AddSecurityGroupsRequestBody{Port: &model.InsertSecurityGroupOption{SecurityGroups: groups}},
		})
		if err = a.c.result(ctx, "vpc", "AddSecurityGroups", start, err); err != nil {
			// A retry after a lost answer may be refused as a duplicate: the
			// port's list tells whether our first try went through.
			if attempt.AfterLostAnswer() && (apierr.ClassOf(err) == retry.Invalid || apierr.ClassOf(err) == retry.Conflict) {
				if p, ferr := a.find(ctx); ferr == nil && len(subtract(groups, p.SecurityGroups)) == 0 {
					port = p
					return nil
				}
			}
			return err
		}
		port = resp.Port
		return nil
	})
	return a.groupsAfter(ctx, port, err)
}

// remove takes groups off the port and returns the port's groups afterwards.
func (a *portAssociationCall) remove(ctx context.Context, groups []string) ([]string, error) {
	var port *model.Port
	a.invalidate()
	defer a.invalidate()
	err := a.c.DoPaced(ctx, "vpc", func(ctx context.Context, attempt retry.Attempt) error {
		start := time.Now()
		resp, err := a.conn.RemoveSecurityGroups(&model.RemoveSecurityGroupsRequest{
			PortId: a.portID,
			Body:   &model.RemoveSecurityGroupsRequestBody{Port: &model.RemoveSecurityGroupOption{SecurityGroups: groups}},
		})
		if err = a.c.result(ctx, "vpc", "RemoveSecurityGroups", start, err); err != nil {
			// As for insert: a retry may be refused because the groups are
			// already gone, by our own first try.
			if attempt.AfterLostAnswer() && apierr.ClassOf(err) == retry.Invalid {
				if p, ferr := a.find(ctx); ferr == nil && len(intersect(groups, p.SecurityGroups)) == 0 {
					port = p
					return nil
				}
			}
			return err
		}
		port = resp.Port
		return nil
	})
	return a.groupsAfter(ctx, port, err)
}

// groupsAfter is the port's list from a write's answer, or read again when
// the answer carried no port.
func (a *portAssociationCall) groupsAfter(ctx context.Context, port *model.Port, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	if port == nil {
		p, err := a.find(ctx)
		if err != nil {
			return nil, retry.Landed(err) // the write went through
		}
		port = p
	}
	return port.SecurityGroups, nil
}

// setPartial records a write that stopped half-way: the port lists all, and
// ours are the prior and planned groups it still lists, as Read would have
// it, so the next plan shows what is left to do. When all is not known (the
// write's answer was lost), ours are the prior and planned groups, which the
// next Read narrows to those the port lists.
func (a *portAssociationCall) setPartial(ctx context.Context, m *portAssociationResourceModel, prior, planned, all []string, diags *diag.Diagnostics) {
	ours := append(slices.Clone(prior), subtract(planned, prior)...)
	if all != nil {
		ours = intersect(all, ours)
	}
	m.SecurityGroupIDs = stringSet(ctx, ours, diags)
	a.setComputed(ctx, m, all, diags)
	if all == nil {
		m.AllSecurityGroupIDs = types.SetNull(types.StringType)
	}
}

// left says what a write that may have landed left behind.
func (a *portAssociationCall) left(planned []string) string {
	return fmt.Sprintf("port %q may now have security groups %v", a.portID, planned)
}

func (a *portAssociationCall) setComputed(ctx context.Context, m *portAssociationResourceModel, all []string, diags *diag.Diagnostics) {
	m.ID = types.StringValue(a.portID)
	m.Region = types.StringValue(a.region)
	m.AllSecurityGroupIDs = stringSet(ctx, all, diags)
}

// FindPort returns the port (shared between callers: read only) through the
// client's cache: once per port and refresh, in VPC v3 ListPorts batches. A missing port is
// an *apierr.NotFoundError. Read, the writes and the tests' checks all use it.
func FindPort(ctx context.Context, c *Client, region, portID string) (*model.Port, error) {
	region = c.Region(region)
	return c.ports.Get(ctx, objectKey{region, portID}, func(ctx context.Context) (*model.Port, error) {
		return c.portReads.Do(ctx, region, portID) // a ListPorts batch
	})
}

func setStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	var out []string
	if s.IsNull() || s.IsUnknown() {
		return out
	}
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	return out
}

func stringSet(ctx context.Context, ids []string, diags *diag.Diagnostics) types.Set {
	if ids == nil {
		ids = []string{} // an empty set, not null: null means "not read yet" (import)
	}
	s, d := types.SetValueFrom(ctx, types.StringType, ids)
	diags.Append(d...)
	return s
}

// intersect returns the elements of a that b contains, in a's order.
func intersect(a, b []string) []string {
	var out []string
	for _, v := range a {
		if slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}

// subtract returns the elements of a that b does not contain, in a's order.
func subtract(a, b []string) []string {
	var out []string
	for _, v := range a {
		if !slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}
