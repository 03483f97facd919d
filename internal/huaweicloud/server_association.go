package huaweicloud

import (
	"context"
	"errors"
	"fmt"
	"regexp"
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
	ecs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/mutexkv"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// Implements the ECS (Nova-compatible) server actions addSecurityGroup and
// removeSecurityGroup: POST /v2.1/{project_id}/servers/{server_id}/action.
var (
	_ resource.Resource                = &serverAssociationResource{}
	_ resource.ResourceWithConfigure   = &serverAssociationResource{}
	_ resource.ResourceWithImportState = &serverAssociationResource{}
	_ resource.ResourceWithIdentity    = &serverAssociationResource{}
	_ resource.ResourceWithModifyPlan  = &serverAssociationResource{}
)

const (
	serverAssociationDefaultTimeout = 5 * time.Minute
	readTimeout                     = 5 * time.Minute
)

// NewServerAssociationResource is the constructor the provider registers.
func NewServerAssociationResource() resource.Resource {
	return &serverAssociationResource{}
}

type serverAssociationResource struct {
	resourceBase
}

type serverAssociationResourceModel struct {
	ID                types.String   `tfsdk:"id"`
	ServerID          types.String   `tfsdk:"server_id"`
	SecurityGroup     types.String   `tfsdk:"security_group"`
	Region            types.String   `tfsdk:"region"`
	SecurityGroupID   types.String   `tfsdk:"security_group_id"`
	SecurityGroupName types.String   `tfsdk:"security_group_name"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (r *serverAssociationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_huaweicloud_server_association"
}

func (r *serverAssociationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Adds one security group to a Huawei Cloud ECS server (all of its NICs) with the server " +
			"action `addSecurityGroup`, and removes exactly that group with `removeSecurityGroup` on destroy. " +
			"Other groups on the server, whoever added them, are left alone.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<server_id>/<security_group>`.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"server_id": schema.StringAttribute{
				MarkdownDescription: "ID (UUID) of the ECS server. Changing it replaces the association.",
				Required:            true,
				PlanModifiers:       replace,
				Validators: []validator.String{
					stringvalidator.RegexMatches(uuidPattern, "must be the server's ID, a UUID in lower case such as 2b6d7a3c-4f3e-4a8e-9d6b-3a1c2e5f7a90"),
				},
			},
			"security_group": schema.StringAttribute{
				MarkdownDescription: "ID or name of the security group, sent to the API as given. A name must be unique " +
					"in the project. Changing it to another group replaces the association; changing it to the same " +
					"group's ID or name (as `security_group_id` and `security_group_name` hold them) is an in-place " +
					"update that makes no API call.",
				Required: true,
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.RequiresReplaceIf(otherGroup,
						"Changing it to another group replaces the association.",
						"Changing it to another group replaces the association."),
				},
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringvalidator.RegexMatches(groupRefPattern, "must be a security group ID or name, without '/' and without leading or trailing spaces"),
					lowerCaseIDValidator{},
				},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the server. Defaults to the provider's `huaweicloud.region`; changing " +
					"either replaces the association.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: replace,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"security_group_id": schema.StringAttribute{
				MarkdownDescription: "ID of the security group, as the server lists it.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"security_group_name": schema.StringAttribute{
				MarkdownDescription: "Name of the security group, as the server lists it.",
				Computed:            true,
				PlanModifiers:       keep,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
}

// serverAssociationIdentity: the group by its ID, which security_group may
// give as a name.
var serverAssociationIdentity = resourcebase.NewIdentity(func(v resourcebase.IdentityValues) string {
	return resourcebase.WithRegion(v["region"], serverAssociationID(v["server_id"], v["security_group_id"]))
}, "server_id", "security_group_id")

func (r *serverAssociationResource) IdentitySchema(ctx context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = serverAssociationIdentity.Schema(ctx, r)
}

// groupRefPattern: no '/' (it separates the import ID) and no padding spaces.
var groupRefPattern = regexp.MustCompile(`^[^/\s](?:[^/]*[^/\s])?$`)

// lowerCaseIDValidator refuses a group ID in upper case, which the API
// would take for a group name and not find: Huawei Cloud's IDs are lower case.
type lowerCaseIDValidator struct{}

func (lowerCaseIDValidator) Description(context.Context) string {
	return "a security group ID must be in lower case"
}

func (v lowerCaseIDValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (lowerCaseIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if lower := strings.ToLower(s); lower != s && uuidPattern.MatchString(lower) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Security Group",
			fmt.Sprintf("Attribute %s must be a security group ID in lower case, as Huawei Cloud gives it: %q, got %q.", req.Path, lower, s))
	}
}

// otherGroup replaces the association unless security_group now names the
// group the state holds, by its ID or its name: "web" and web's ID are the
// same membership.
func otherGroup(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	var id, name types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("security_group_id"), &id)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("security_group_name"), &name)...)
	same := req.PlanValue.Equal(id) || req.PlanValue.Equal(name)
	resp.RequiresReplace = req.PlanValue.IsUnknown() || !same
}

func (r *serverAssociationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.PlanRegion(ctx, req, resp)
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	// The same group under another reference: the ID follows it (a
	// replacement plans the ID unknown anyway).
	var server, group types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("server_id"), &server)...)
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("security_group"), &group)...)
	if !resp.Diagnostics.HasError() && !server.IsUnknown() && !group.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), serverAssociationID(server.ValueString(), group.ValueString()))...)
	}
}

func (r *serverAssociationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.SetIdentity(ctx, serverAssociationIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan serverAssociationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, serverAssociationDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := retry.WithTimeout(ctx, "create", timeout)
	defer cancel()
	a := r.begin(ctx, &plan, "Error Adding Security Group to Huawei Cloud Server", "Adding security group %q to server %q in %s", &resp.Diagnostics)
	if a == nil {
		return
	}
	defer a.lock()()

	// Read inside the lock (afresh): adopting a membership someone else made
	// would make our destroy remove their group.
	if sg, err := a.find(ctx); err == nil {
		resp.Diagnostics.AddError(a.summary, fmt.Sprintf(
			"Server %q is already in security group %q (ID %s). To manage this existing membership, import it:\n\n%s",
			a.serverID, a.group, sg.Id, resourcebase.ImportBlock("secgroup_huaweicloud_server_association", serverAssociationID(a.serverID, a.group))))
		return
	} else if !isGroupNotListed(err) {
		a.fail(&resp.Diagnostics, err, "")
		return
	}

	a.invalidate()
	err := a.c.DoPaced(ctx, "ecs", func(ctx context.Context, attempt retry.Attempt) error {
		start := time.Now()
		_, err := a.conn.NovaAssociateSecurityGroup(&model.NovaAssociateSecurityGroupRequest{
			ServerId: a.serverID,
			Body: &model.NovaAssociateSecurityGroupRequestBody{
				AddSecurityGroup: &model.NovaAddSecurityGroupOption{Name: a.group},
			},
		})
		err = a.c.result(ctx, "ecs", "addSecurityGroup", start, err)
		if err != nil && attempt.AfterLostAnswer() && apierr.ClassOf(err) == retry.Invalid {
			// Huawei's Nova answers 400 "already associated" (upstream Nova: no error)
			// when our earlier try's answer was lost.
			if _, ferr := a.find(ctx); ferr == nil {
				return nil
			}
		}
		return err
	})
	a.invalidate()
	if err != nil {
		if retry.MayHaveLanded(err) {
			a.keepTainted(ctx, resp, &plan, err, "")
			return
		}
		a.fail(&resp.Diagnostics, err, "")
		return
	}

	// The action is asynchronous (202): wait until the server lists the group.
	var sg *model.NovaSecurityGroup
	err = retry.WaitFor(ctx, func(ctx context.Context) (bool, error) {
		found, err := a.find(ctx)
		if isGroupNotListed(err) {
			return false, nil
		}
		sg = found
		return err == nil, err
	})
	if err != nil {
		a.keepTainted(ctx, resp, &plan, err, ": waiting for the server to list the group")
		return
	}
	a.setComputed(&plan, sg)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *serverAssociationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer r.SetReadIdentity(ctx, serverAssociationIdentity, req, resp)
	var state serverAssociationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	a := r.begin(ctx, &state, "Error Reading Huawei Cloud Server Security Groups", "Reading whether server %[2]q is in security group %[1]q in %[3]s", &resp.Diagnostics)
	if a == nil {
		return
	}
	// By the group's ID from the state when known: a group renamed out of
	// band is still the same membership.
	if id := state.SecurityGroupID.ValueString(); id != "" {
		a.ref = id
		// In a fleet, the group's listing, shared by every membership of the
		// group in this process, answers when it shows the server (see
		// readcache.Listings for when it is worth its calls). When it does
		// not (or the group is gone), the server's own list decides, so the
		// drift message is exact and a listing that lags cannot drop the
		// resource.
		if a.c.groups.Use(objectKey{a.region, id}, a.c.servers.Cached(objectKey{a.region, a.serverID})) {
			members, err := FindSecurityGroupMembers(ctx, a.c, a.region, id)
			if err != nil && !apierr.IsNotFound(err) {
				a.fail(&resp.Diagnostics, err, ": listing the security group's members")
				return
			}
			if err == nil && members.HasServer(a.serverID) {
				a.setComputed(&state, &model.NovaSecurityGroup{Id: members.ID, Name: members.Name})
				resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
				return
			}
		}
	}
	sg, err := a.read(ctx)
	if apierr.IsNotFound(err) {
		resourcebase.RemoveGone(ctx, resp, "Huawei Cloud Server Association Not Found", err, "association", isGroupNotListed(err))
		return
	}
	if err != nil {
		a.fail(&resp.Diagnostics, err, "")
		return
	}
	a.setComputed(&state, sg)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update changes only the state: the timeouts block, or security_group
// rewritten as the same group's ID or name (any other change replaces).
func (r *serverAssociationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.SetIdentity(ctx, serverAssociationIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan serverAssociationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *serverAssociationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state serverAssociationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, serverAssociationDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := retry.WithTimeout(ctx, "delete", timeout)
	defer cancel()
	a := r.begin(ctx, &state, "Error Removing Security Group from Huawei Cloud Server", "Removing security group %q from server %q in %s", &resp.Diagnostics)
	if a == nil {
		return
	}
	// The group's ID, which a rename or a second group of the same name
	// cannot make ambiguous.
	if id := state.SecurityGroupID.ValueString(); id != "" {
		a.ref = id
	}
	defer a.lock()()

	a.invalidate()
	err := a.c.DoPaced(ctx, "ecs", func(ctx context.Context, _ retry.Attempt) error {
		start := time.Now()
		_, err := a.conn.NovaDisassociateSecurityGroup(&model.NovaDisassociateSecurityGroupRequest{
			ServerId: a.serverID,
			Body: &model.NovaDisassociateSecurityGroupRequestBody{
				RemoveSecurityGroup: &model.NovaRemoveSecurityGroupOption{Name: a.ref},
			},
		})
		return a.c.result(ctx, "ecs", "removeSecurityGroup", start, err)
	})
	a.invalidate()
	switch {
	case err == nil:
	case gone(err):
		return // the server or the group is gone, or (upstream Nova) not on it: so is the membership
	case apierr.ClassOf(err) == retry.Invalid:
		// Huawei's Nova answers 400 when the group is not on the server
		// (upstream Nova: 404 itemNotFound, above), whether removed by someone
		// else or by our own try whose answer was lost. Only the server's list
		// can tell that apart from a real error.
		if _, ferr := a.find(ctx); gone(ferr) {
			return
		}
		fallthrough
	default:
		a.fail(&resp.Diagnostics, err, "")
		return
	}

	err = retry.WaitFor(ctx, func(ctx context.Context) (bool, error) {
		_, err := a.find(ctx)
		if gone(err) {
			return true, nil
		}
		return false, err
	})
	if err != nil {
		a.fail(&resp.Diagnostics, err, ": waiting for the server to stop listing the group")
	}
}

// serverAssociationCall is one operation on an association: its region's
// clients, and the words its errors use.
type serverAssociationCall struct {
	c                       *Client
	conn                    *ecs.EcsClient
	serverID, group, region string
	// ref is how the calls name the group: security_group, or the group's
	// ID once the state holds it.
	ref           string
	summary, what string
}

// begin resolves the association's region and ECS client. doing is a format
// taking the group, the server and the region. On failure it adds the
// diagnostic and returns nil.
func (r *serverAssociationResource) begin(ctx context.Context, m *serverAssociationResourceModel, summary, doing string, diags *diag.Diagnostics) *serverAssociationCall {
	c := r.Client(diags)
	if c == nil {
		return nil
	}
	a := &serverAssociationCall{
		c:        c,
		serverID: m.ServerID.ValueString(),
		group:    m.SecurityGroup.ValueString(),
		ref:      m.SecurityGroup.ValueString(),
		region:   c.Region(m.Region.ValueString()),
		summary:  summary,
	}
	a.what = fmt.Sprintf(doing, a.group, a.serverID, a.region)
	conn, err := c.ECS(ctx, a.region)
	if err != nil {
		a.fail(diags, err, "")
		return nil
	}
	a.conn = conn
	return a
}

func (a *serverAssociationCall) fail(diags *diag.Diagnostics, err error, during string) {
	diags.AddError(a.summary, apierr.Detail(a.what+during, err, credentialHint))
}

// lock serializes writes to the server across every resource of the provider;
// the returned function unlocks.
func (a *serverAssociationCall) lock() func() {
	key := mutexkv.Key(cloudName, "server", a.serverID)
	mutexkv.Global.Lock(key)
	return func() { mutexkv.Global.Unlock(key) }
}

// read reads the server's groups through the client's cache: Read uses it,
// so the associations of one server cost one call per refresh.
func (a *serverAssociationCall) read(ctx context.Context) (*model.NovaSecurityGroup, error) {
	return FindServerSecurityGroup(ctx, a.c, a.region, a.serverID, a.ref)
}

// find reads the server's groups afresh: for the reads under the server's
// lock that decide what to write, and the waiters that poll for a change.
func (a *serverAssociationCall) find(ctx context.Context) (*model.NovaSecurityGroup, error) {
	a.c.servers.Invalidate(objectKey{a.region, a.serverID})
	return a.read(ctx)
}

// invalidate drops the server's cache entry, before a write (so no read
// joins a call that predates it) and after (so the next read sees it), and
// every port's and group listing's: a server action changes the groups of
// all the server's ports.
func (a *serverAssociationCall) invalidate() {
	a.c.servers.Invalidate(objectKey{a.region, a.serverID})
	a.c.ports.InvalidateAll()
	a.c.invalidateGroups()
}

// keepTainted saves the association after an addSecurityGroup that may have
// landed, with what the plan knows (the group's listed name, and its ID when
// security_group names it, stay null until Read finds them), and reports err.
func (a *serverAssociationCall) keepTainted(ctx context.Context, resp *resource.CreateResponse, m *serverAssociationResourceModel, err error, during string) {
	m.ID = types.StringValue(serverAssociationID(a.serverID, a.group))
	m.Region = types.StringValue(a.region)
	if uuidPattern.MatchString(a.group) {
		// A group given by its ID: the identity is known (a name waits for Read).
		m.SecurityGroupID = types.StringValue(a.group)
	}
	resourcebase.KeepTainted(ctx, &resp.State, m, &resp.Diagnostics, a.summary, apierr.Detail(a.what+during, err, credentialHint),
		fmt.Sprintf("server %q may now be in security group %q", a.serverID, a.group))
}

func (a *serverAssociationCall) setComputed(m *serverAssociationResourceModel, sg *model.NovaSecurityGroup) {
	m.ID = types.StringValue(serverAssociationID(a.serverID, a.group))
	m.Region = types.StringValue(a.region)
	m.SecurityGroupID = types.StringValue(sg.Id)
	m.SecurityGroupName = types.StringValue(sg.Name)
}

func (r *serverAssociationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer r.SetIdentity(ctx, serverAssociationIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	importID, ok := r.ImportID(ctx, serverAssociationIdentity, req, resp)
	if !ok {
		return
	}
	region, id, regionOK := cutImportRegion(importID, 2)
	serverID, group, ok := strings.Cut(id, "/")
	if !regionOK || !ok || !uuidPattern.MatchString(serverID) || !groupRefPattern.MatchString(group) {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("Expected <server_id>/<security_group>, where server_id is the server's UUID (lower case) and security_group "+
				"is the group's ID or name as written in the configuration, or <region>/<server_id>/<security_group> for a "+
				"server outside the provider's region; got %q.", importID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("server_id"), serverID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("security_group"), group)...)
	if region != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	}
}

func serverAssociationID(serverID, group string) string { return serverID + "/" + group }

// FindServerSecurityGroup returns the group of the server that matches ref by
// ID, else by name (shared between callers: read only). It reads the
// server's groups through the client's cache: once per server and refresh,
// in ListServersDetails batches. A missing server or an unlisted group is an
// *apierr.NotFoundError. Read, the waiters and the tests' checks all use it.
func FindServerSecurityGroup(ctx context.Context, c *Client, region, serverID, ref string) (*model.NovaSecurityGroup, error) {
	region = c.Region(region)
	server, err := findServer(ctx, c, region, serverID)
	if err != nil {
		return nil, err
	}
	groups := server.Groups
	for i := range groups {
		if groups[i].Id == ref {
			return &groups[i], nil
		}
	}
	for i := range groups {
		if groups[i].Name == ref {
			return &groups[i], nil
		}
	}
	return nil, &apierr.NotFoundError{Message: fmt.Sprintf("server %q is not in security group %q", serverID, ref), Err: errGroupNotListed}
}

// errGroupNotListed marks a NotFoundError for a server that exists but does
// not list the group, as opposed to a server that is gone.
var errGroupNotListed = errors.New("the group is not in the server's list")

func isGroupNotListed(err error) bool { return errors.Is(err, errGroupNotListed) }

// findServer reads the server's name and groups through the client's cache,
// in ListServersDetails batches; a missing server is an
// *apierr.NotFoundError.
func findServer(ctx context.Context, c *Client, region, serverID string) (*serverGroups, error) {
	return c.servers.Get(ctx, objectKey{region, serverID}, func(ctx context.Context) (*serverGroups, error) {
		return c.serverReads.Do(ctx, region, serverID) // a ListServersDetails batch
	})
}
