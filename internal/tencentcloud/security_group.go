package tencentcloud

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// Implements a VPC security group whose destroy can do what API 2.0's
// DeleteSecurityGroup forced=1 did: unbind every CVM instance, then delete.
var (
	_ resource.Resource                = &securityGroupResource{}
	_ resource.ResourceWithConfigure   = &securityGroupResource{}
	_ resource.ResourceWithImportState = &securityGroupResource{}
	_ resource.ResourceWithIdentity    = &securityGroupResource{}
	_ resource.ResourceWithModifyPlan  = &securityGroupResource{}
)

const (
	securityGroupDefaultTimeout = 10 * time.Minute
	readTimeout                 = 5 * time.Minute
	// landedLookupTimeout bounds the look for a group whose create was cut
	// off: it runs after the operation's own timeout or an interrupt.
	landedLookupTimeout   = 30 * time.Second
	securityGroupTypeName = "secgroup_tencentcloud_security_group"
	// boundSample is how many instance IDs an error or warning names.
	boundSample = 5
)

// NewSecurityGroupResource is the constructor the provider registers.
func NewSecurityGroupResource() resource.Resource {
	return &securityGroupResource{}
}

type securityGroupResource struct {
	resourceBase
}

type securityGroupResourceModel struct {
	ID          types.String   `tfsdk:"id"`
	Name        types.String   `tfsdk:"name"`
	Description types.String   `tfsdk:"description"`
	ProjectID   types.Number   `tfsdk:"project_id"`
	Tags        types.Map      `tfsdk:"tags"`
	ForceDelete types.Bool     `tfsdk:"force_delete"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

func (r *securityGroupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tencentcloud_security_group"
}

func (r *securityGroupResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Tencent Cloud VPC security group. With `force_delete = true`, destroying it first unbinds " +
			"every CVM instance from it (CVM `DisassociateSecurityGroups`, up to 100 instances per call; each instance " +
			"keeps its other groups), then deletes it: what API 2.0's `DeleteSecurityGroup` with `forced=1` did, on API 3.0.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Security group ID, `sg-xxxxxxxx`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name, 1 to 60 characters. Updated in place.",
				Required:            true,
				// The API counts characters, not bytes: a 60-character Chinese name is valid.
				Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, 60)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description, at most 100 characters. Default `\"\"`. Updated in place.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				Validators:          []validator.String{stringvalidator.UTF8LengthAtMost(100)},
			},
			// A number, not an Int64: the framework cannot read 1.5 into an
			// Int64 and would call that a provider bug; the validator says
			// what is wrong instead.
			"project_id": schema.NumberAttribute{
				MarkdownDescription: "Project ID, a whole number. Default `0`, the default project. Changing it replaces the group.",
				Optional:            true,
				Computed:            true,
				Default:             numberdefault.StaticBigFloat(big.NewFloat(0)),
				PlanModifiers:       []planmodifier.Number{numberplanmodifier.RequiresReplace()},
				Validators:          []validator.Number{projectIDValidator{}},
			},
			"tags": schema.MapAttribute{
				MarkdownDescription: "Tags. Set at creation and updated in place through the tag service (`ModifyResourceTags`).",
				Optional:            true,
				Computed:            true, // for generated configuration only: see resourcebase.UnsetIsNull
				PlanModifiers:       []planmodifier.Map{resourcebase.UnsetIsNullMap()},
				ElementType:         types.StringType,
				Validators: []validator.Map{
					mapvalidator.KeysAre(stringvalidator.LengthBetween(1, 127)),
					mapvalidator.ValueStringsAre(stringvalidator.LengthAtMost(255)),
				},
			},
			"force_delete": schema.BoolAttribute{
				MarkdownDescription: "Whether destroy unbinds the CVM instances still bound to the group before deleting it. " +
					"Default `false`: destroying a group that instances still use fails at once, naming how many and which. " +
					"Either way, a group that other groups' rules reference is never deleted, and nothing is unbound. " +
					"Only kept in the state; changing it calls no API.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

// ModifyPlan reports a missing configuration at plan time and, when the plan
// deletes the group (destroy, or a replacement for a new project_id), what
// the delete will meet: instances that force_delete will unbind, or that will
// make it fail.
func (r *securityGroupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.CheckConfigured(req, resp)
	if req.State.Raw.IsNull() {
		return
	}
	var state securityGroupResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	action, deleting := "Destroy", "destroying it"
	fix := "Set force_delete = true and apply before destroying to have the provider unbind them, or unbind them first."
	if !req.Plan.Raw.IsNull() {
		var project types.Number
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("project_id"), &project)...)
		if resp.Diagnostics.HasError() || project.Equal(state.ProjectID) {
			return // updated in place: nothing is deleted
		}
		// The old group's delete sees the force_delete already in the
		// state, not the one in this configuration.
		action, deleting = "Replacement", "replacing it (project_id changes)"
		fix = "Set force_delete = true alone and apply first (the replacement deletes the old group " +
			"with the force_delete already in the state), or unbind them first."
	}
	c, err := r.Lookup()
	if err != nil {
		return // the delete itself will report it
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	id := state.ID.ValueString()
	page, total, err := describeInstancesPage(ctx, c, "", id, 0, boundSample)
	if err != nil {
		resp.Diagnostics.AddWarning("Could Not Count the Instances Bound to the Security Group",
			apierr.Detail(fmt.Sprintf("Counting the CVM instances bound to security group %q", id), err, credentialHint))
		return
	}
	if total == 0 {
		return
	}
	ids := make([]string, len(page))
	for i, in := range page {
		ids[i] = in.InstanceId
	}
	if state.ForceDelete.ValueBool() {
		resp.Diagnostics.AddWarning(action+" Will Unbind Instances from the Security Group",
			fmt.Sprintf("Security group %s is bound to %s (%s). Because force_delete = true, %s first removes "+
				"the group from each of them (they keep their other security groups), then deletes the group.",
				id, countInstances(total), sampleList(ids, total), deleting))
		return
	}
	resp.Diagnostics.AddWarning(action+" Will Fail: Instances Still Use the Security Group",
		fmt.Sprintf("Security group %s is bound to %s (%s), so %s will fail when it deletes the group. %s",
			id, countInstances(total), sampleList(ids, total), deleting, fix))
}

func (r *securityGroupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.SetIdentity(ctx, securityGroupIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan securityGroupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, securityGroupDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	c := r.Client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	ctx, cancel := retry.WithTimeout(ctx, "create", timeout)
	defer cancel()
	tags, diags := tagMap(ctx, plan.Tags)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name, description, project := plan.Name.ValueString(), plan.Description.ValueString(), projectString(projectID(plan.ProjectID))
	params := map[string]any{"GroupName": name, "GroupDescription": description, "ProjectId": project}
	if len(tags) > 0 {
		apiTags := make([]apiTag, 0, len(tags))
		for _, k := range slices.Sorted(maps.Keys(tags)) {
			apiTags = append(apiTags, apiTag{k, tags[k]})
		}
		params["Tags"] = apiTags
	}

	// CreateSecurityGroup has no idempotency token: a retry must first look
	// for the group a lost attempt may have created, or it would leave a
	// duplicate behind. Only a group that did not exist before our first
	// attempt can be that one, so note the groups that already carry the
	// name; and create same-named groups of this process one at a time, so
	// a sibling resource's new group (count = 2) is never taken for ours.
	defer lockAll(createLockKey(name, project))()
	existing, err := groupsNamed(ctx, c, name, project)
	if err != nil {
		resp.Diagnostics.AddError("Error Creating Tencent Cloud Security Group",
			apierr.Detail(fmt.Sprintf("Creating security group %q in %s: listing the groups already named so", name, c.Region("")), err, credentialHint))
		return
	}
	var id string
	err = c.DoPaced(ctx, "vpc", func(ctx context.Context, attempt retry.Attempt) error {
		if attempt.AfterLostAnswer() {
			found, err := findCreatedGroup(ctx, c, name, description, project, tags, existing)
			if err != nil {
				return err
			}
			if found != "" {
				id = found
				return nil
			}
		}
		var out struct{ SecurityGroup SecurityGroup }
		if err := c.Send(ctx, "vpc", "", "CreateSecurityGroup", params, &out); err != nil {
			return err
		}
		id = out.SecurityGroup.SecurityGroupId
		return nil
	})
	if err != nil {
		summary := "Error Creating Tencent Cloud Security Group"
		detail := apierr.Detail(fmt.Sprintf("Creating security group %q in %s", name, c.Region("")), err, credentialHint)
		if !retry.MayHaveLanded(err) {
			resp.Diagnostics.AddError(summary, detail)
			return
		}
		// The answer that names the new group was lost or cut off: look for
		// the group once more, past the timeout or the interrupt, so that it
		// reaches the state rather than being orphaned.
		lctx, lcancel := context.WithTimeout(context.WithoutCancel(ctx), landedLookupTimeout)
		found, ferr := findCreatedGroup(lctx, c, name, description, project, tags, existing)
		lcancel()
		switch {
		case ferr == nil && found != "":
			plan.ID = types.StringValue(found)
			resourcebase.KeepTainted(ctx, &resp.State, plan, &resp.Diagnostics, summary, detail,
				fmt.Sprintf("security group %s (%q) was created", found, name))
		case ferr == nil:
			resp.Diagnostics.AddError(summary, detail+"\n\nNo group was created: the project lists no new group of this name.")
		default:
			resp.Diagnostics.AddError(summary, detail+fmt.Sprintf("\n\nA security group named %q may have been created, and "+
				"looking for it failed (%s). If DescribeSecurityGroups lists a new one, import it before the next apply, or "+
				"delete it:\n\n%s", name, ferr, resourcebase.ImportBlock(securityGroupTypeName, "<its ID, sg-...>")))
		}
		return
	}
	plan.ID = types.StringValue(id)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// groupsNamed lists, paged to the end, the groups of a project with this
// name. One attempt per page: the callers' retry loops retry it.
func groupsNamed(ctx context.Context, c *Client, name, project string) ([]SecurityGroup, error) {
	return listSecurityGroups(ctx, c, []apiFilter{{Name: "security-group-name", Values: []string{name}}, {Name: "project-id", Values: []string{project}}})
}

// findCreatedGroup returns the ID of the newest group with these attributes
// that is not among existing (the groups listed before the first attempt),
// or "" when there is none.
func findCreatedGroup(ctx context.Context, c *Client, name, description, project string, tags map[string]string, existing []SecurityGroup) (string, error) {
	groups, err := groupsNamed(ctx, c, name, project)
	if err != nil {
		return "", err
	}
	var best string
	var bestAt time.Time
	for _, g := range groups {
		if slices.ContainsFunc(existing, func(e SecurityGroup) bool { return e.SecurityGroupId == g.SecurityGroupId }) ||
			g.SecurityGroupName != name || g.SecurityGroupDesc != description || !maps.Equal(tagsOf(g), tags) {
			continue
		}
		at, _ := parseAPITime(g.CreatedTime)
		if best == "" || at.After(bestAt) {
			best, bestAt = g.SecurityGroupId, at
		}
	}
	return best, nil
}

func (r *securityGroupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer r.SetReadIdentity(ctx, securityGroupIdentity, req, resp)
	var state securityGroupResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := r.Client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	id := state.ID.ValueString()
	g, err := FindSecurityGroupByID(ctx, c, id)
	if apierr.IsNotFound(err) {
		resourcebase.RemoveGone(ctx, resp, "Tencent Cloud Security Group Not Found", err, "security group", true)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error Reading Tencent Cloud Security Group",
			apierr.Detail(fmt.Sprintf("Reading security group %q in %s", id, c.Region("")), err, credentialHint))
		return
	}
	resp.Diagnostics.Append(state.setFrom(g)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// setFrom copies what the cloud says into the model. Null tags stay null
// while the group has none; force_delete, unknown to the cloud, is false
// after an import.
func (m *securityGroupResourceModel) setFrom(g *SecurityGroup) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(g.SecurityGroupId)
	m.Name = types.StringValue(g.SecurityGroupName)
	m.Description = types.StringValue(g.SecurityGroupDesc)
	project, err := strconv.ParseInt(g.ProjectId, 10, 64)
	if err != nil {
		diags.AddError("Unexpected Tencent Cloud Answer", fmt.Sprintf("Security group %s has project ID %q, which is not a number.", g.SecurityGroupId, g.ProjectId))
		return diags
	}
	m.ProjectID = types.NumberValue(new(big.Float).SetInt64(project))
	if tags := tagsOf(*g); len(tags) > 0 || !m.Tags.IsNull() {
		value, d := types.MapValueFrom(context.Background(), types.StringType, tags)
		diags.Append(d...)
		m.Tags = value
	}
	if m.ForceDelete.IsNull() || m.ForceDelete.IsUnknown() {
		m.ForceDelete = types.BoolValue(false)
	}
	return diags
}

func (r *securityGroupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.SetIdentity(ctx, securityGroupIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	var plan, state securityGroupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, securityGroupDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	c := r.Client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	ctx, cancel := retry.WithTimeout(ctx, "update", timeout)
	defer cancel()
	id := state.ID.ValueString()
	defer lockAll(groupLockKey(id))()
	fail := func(what string, err error) {
		resp.Diagnostics.AddError("Error Updating Tencent Cloud Security Group",
			apierr.Detail(fmt.Sprintf("%s of security group %q in %s", what, id, c.Region("")), err, credentialHint))
	}

	if !plan.Name.Equal(state.Name) || !plan.Description.Equal(state.Description) {
		err := c.Call(ctx, "vpc", "", "ModifySecurityGroupAttribute", map[string]any{
			"SecurityGroupId": id, "GroupName": plan.Name.ValueString(), "GroupDescription": plan.Description.ValueString(),
		}, nil)
		if err != nil {
			fail("Changing the name and description", err)
			return
		}
	}

	oldTags, d := tagMap(ctx, state.Tags)
	resp.Diagnostics.Append(d...)
	newTags, d := tagMap(ctx, plan.Tags)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !maps.Equal(oldTags, newTags) {
		params := map[string]any{"Resource": fmt.Sprintf("qcs::cvm:%s:uin/:sg/%s", c.Region(""), id)}
		var replace []map[string]string
		for _, k := range slices.Sorted(maps.Keys(newTags)) {
			if v, ok := oldTags[k]; !ok || v != newTags[k] {
				replace = append(replace, map[string]string{"TagKey": k, "TagValue": newTags[k]})
			}
		}
		var remove []map[string]string
		for _, k := range slices.Sorted(maps.Keys(oldTags)) {
			if _, ok := newTags[k]; !ok {
				remove = append(remove, map[string]string{"TagKey": k})
			}
		}
		if len(replace) > 0 {
			params["ReplaceTags"] = replace
		}
		if len(remove) > 0 {
			params["DeleteTags"] = remove
		}
		if err := c.Call(ctx, "tag", "", "ModifyResourceTags", params, nil); err != nil {
			fail("Changing the tags", err)
			return
		}
	}
	plan.ID = state.ID
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *securityGroupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state securityGroupResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, securityGroupDefaultTimeout)
	resp.Diagnostics.Append(diags...)
	c := r.Client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	ctx, cancel := retry.WithTimeout(ctx, "delete", timeout)
	defer cancel()
	id := state.ID.ValueString()
	defer lockAll(groupLockKey(id))()
	err := deleteSecurityGroup(ctx, c, id, state.ForceDelete.ValueBool())
	if err != nil {
		resp.Diagnostics.AddError("Error Deleting Tencent Cloud Security Group", err.Error())
	}
}

// deleteError is a refusal the provider makes itself, with no cloud error
// to show: its message is the whole diagnostic.
type deleteError struct{ msg string }

func (e *deleteError) Error() string { return e.msg }

// deleteSecurityGroup refuses a referenced group before touching anything,
// then deletes the group, unbinding its instances first when force is set.
// A group that is already gone is success.
func deleteSecurityGroup(ctx context.Context, c *Client, id string, force bool) error {
	what := fmt.Sprintf("Deleting security group %q in %s", id, c.Region(""))
	detail := func(during string, err error) error {
		return &deleteError{apierr.Detail(what+during, err, credentialHint)}
	}

	var refs struct {
		ReferredSecurityGroupSet []struct {
			SecurityGroupId          string //nolint:revive // the API's field names
			ReferredSecurityGroupIds []string
		}
	}
	err := c.Call(ctx, "vpc", "", "DescribeSecurityGroupReferences", map[string]any{"SecurityGroupIds": []string{id}}, &refs)
	if gone(err) {
		return nil
	}
	if err != nil {
		return detail(": looking up the groups whose rules reference it", err)
	}
	var referrers []string
	for _, s := range refs.ReferredSecurityGroupSet {
		if s.SecurityGroupId == id {
			referrers = append(referrers, s.ReferredSecurityGroupIds...)
		}
	}
	if len(referrers) > 0 {
		return &deleteError{fmt.Sprintf("Security group %s cannot be deleted: the rules of %d other security group(s) reference it: %s. "+
			"Remove those rules (or those groups) first; force_delete does not change this. No instance was unbound.",
			id, len(referrers), strings.Join(referrers, ", "))}
	}

	if err := refuseOtherBindings(ctx, c, id); err != nil {
		if gone(err) {
			return nil
		}
		return err
	}

	// A binding just removed takes seconds to reach the VPC: until then
	// DeleteSecurityGroup answers ResourceInUse. Each round lists what is
	// bound afresh (an instance bound meanwhile is unbound too, or refused
	// without force_delete) and the rounds back off until the timeout.
	err = retry.Do(ctx, retry.DefaultPolicy, inUseIsBusy, func(ctx context.Context, _ retry.Attempt) error {
		bound, err := FindInstancesBoundTo(ctx, c, id)
		if err != nil {
			return detail(": listing the CVM instances bound to it", err)
		}
		if len(bound) > 0 && !force {
			return &deleteError{fmt.Sprintf("Security group %s is still bound to %s (%s), and API 3.0's DeleteSecurityGroup "+
				"cannot delete a group that instances use. Set force_delete = true on the resource and apply, then destroy "+
				"again: the provider will unbind them first (each keeps its other security groups). Or unbind them yourself.",
				id, countInstances(len(bound)), sampleList(bound, len(bound)))}
		}
		if done, err := unbindAll(ctx, c, id, bound); err != nil {
			// The group stays in the state: a new destroy lists what is
			// still bound and carries on.
			return detail(fmt.Sprintf(": unbinding %s (%d done; the group is still bound to the others and was not deleted; "+
				"run the destroy again to finish)", countInstances(len(bound)), done), err)
		}
		err = c.Call(ctx, "vpc", "", "DeleteSecurityGroup", map[string]any{"SecurityGroupId": id}, nil)
		switch {
		case err == nil || gone(err):
			return nil
		case apierr.HasCode(err, "ResourceInUse"):
			return &stillInUseError{err}
		}
		return detail("", err)
	})
	var inUse *stillInUseError
	if errors.As(err, &inUse) {
		return detail(": the group stayed in use (ResourceInUse) until the timeout, after its CVM instances were unbound; "+
			"an unbinding takes seconds to reach the VPC. Run the destroy again, or raise the delete timeout", err)
	}
	return err
}

// stillInUseError is DeleteSecurityGroup's ResourceInUse inside the delete
// rounds: busy, retried with backoff until the timeout.
type stillInUseError struct{ err error }

func (e *stillInUseError) Error() string { return e.err.Error() }
func (e *stillInUseError) Unwrap() error { return e.err }

func inUseIsBusy(err error) retry.Class {
	var inUse *stillInUseError
	if errors.As(err, &inUse) {
		return retry.Busy
	}
	return retry.Unknown
}

// associationStatistics is one group's VPC DescribeSecurityGroupAssociationStatistics.
type associationStatistics struct {
	SecurityGroupId    string //nolint:revive // the API's field names
	CVM, CDB, ENI, CLB int
	InstanceStatistics []struct {
		InstanceType  string
		InstanceCount int
	}
}

// refuseOtherBindings refuses at once, before anything is unbound, a group
// bound to instances of other services (CLB, CDB, an elastic network
// interface, ...): force_delete unbinds CVM instances only, and
// DeleteSecurityGroup would answer ResourceInUse until the timeout.
func refuseOtherBindings(ctx context.Context, c *Client, id string) error {
	var out struct {
		SecurityGroupAssociationStatisticsSet []associationStatistics
	}
	err := c.Call(ctx, "vpc", "", "DescribeSecurityGroupAssociationStatistics", map[string]any{"SecurityGroupIds": []string{id}}, &out)
	if err != nil {
		if gone(err) {
			return err
		}
		return &deleteError{apierr.Detail(fmt.Sprintf("Deleting security group %q in %s: looking up what it is bound to", id, c.Region("")), err, credentialHint)}
	}
	var others []string
	for _, st := range out.SecurityGroupAssociationStatisticsSet {
		if st.SecurityGroupId == id {
			others = append(others, otherBindings(st)...)
		}
	}
	if len(others) == 0 {
		return nil
	}
	return &deleteError{fmt.Sprintf("Security group %s cannot be deleted: it is bound to %s, which force_delete cannot unbind "+
		"(it unbinds CVM instances only). Unbind the group in those services first, then destroy again. No instance was unbound.",
		id, strings.Join(others, ", "))}
}

// otherBindings lists the group's non-CVM bindings as "2 CLB": from the
// per-type statistics when the answer has them, else its fixed fields.
func otherBindings(st associationStatistics) []string {
	var out []string
	if len(st.InstanceStatistics) > 0 {
		for _, is := range st.InstanceStatistics {
			if is.InstanceCount > 0 && !strings.EqualFold(is.InstanceType, "CVM") {
				out = append(out, fmt.Sprintf("%d %s", is.InstanceCount, is.InstanceType))
			}
		}
		return out
	}
	for _, kind := range []struct {
		name string
		n    int
	}{{"CDB", st.CDB}, {"CLB", st.CLB}, {"ENI", st.ENI}} {
		if kind.n > 0 {
			out = append(out, fmt.Sprintf("%d %s", kind.n, kind.name))
		}
	}
	return out
}

// unbindAll removes the group from the instances, at most 100 per
// DisassociateSecurityGroups call; the call removes only this group, so each
// instance keeps its others. Each batch holds its instances' locks, so an
// association resource never writes one of them at the same time. It returns
// how many instances it unbound before an error.
func unbindAll(ctx context.Context, c *Client, groupID string, instances []string) (int, error) {
	done := 0
	for batch := range slices.Chunk(instances, cvmPageSize) {
		keys := make([]string, len(batch))
		for i, id := range batch {
			keys[i] = instanceLockKey(id)
		}
		unlock := lockAll(keys...)
		c.invalidateInstances(batch...)
		c.invalidateGroup(groupID)
		err := c.Call(ctx, "cvm", "", "DisassociateSecurityGroups", map[string]any{
			"SecurityGroupIds": []string{groupID}, "InstanceIds": batch,
		}, nil)
		c.invalidateInstances(batch...)
		c.invalidateGroup(groupID)
		unlock()
		// An instance terminated since the listing fails the whole batch with
		// InvalidInstanceId.NotFound; the caller's next round lists again.
		if err != nil && !apierr.HasCode(err, "InvalidInstanceId.NotFound") {
			return done, err
		}
		if err == nil {
			done += len(batch)
		}
	}
	return done, nil
}

// securityGroupIdentity: the group's ID, which is the resource's id; the
// region is the provider's, as the group has none of its own.
var securityGroupIdentity = resourcebase.NewIdentity(func(v resourcebase.IdentityValues) string {
	return v["security_group_id"]
}, "security_group_id").From("security_group_id", "id")

func (r *securityGroupResource) IdentitySchema(ctx context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = securityGroupIdentity.Schema(ctx, r)
}

func (r *securityGroupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer r.SetIdentity(ctx, securityGroupIdentity, &resp.State, resp.Identity, &resp.Diagnostics)
	importID, ok := r.ImportID(ctx, securityGroupIdentity, req, resp)
	if !ok {
		return
	}
	if !securityGroupIDPattern.MatchString(importID) {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("Expected a security group ID such as sg-1a2b3c4d; got %q.", importID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), importID)...)
}

func tagMap(ctx context.Context, m types.Map) (map[string]string, diag.Diagnostics) {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out, nil
	}
	diags := m.ElementsAs(ctx, &out, false)
	return out, diags
}

func tagsOf(g SecurityGroup) map[string]string {
	out := make(map[string]string, len(g.TagSet))
	for _, t := range g.TagSet {
		out[t.Key] = t.Value
	}
	return out
}

func countInstances(n int) string {
	if n == 1 {
		return "1 CVM instance"
	}
	return fmt.Sprintf("%d CVM instances", n)
}

// sampleList names the first few IDs and how many more there are.
func sampleList(ids []string, total int) string {
	shown := ids[:min(len(ids), boundSample)]
	s := strings.Join(shown, ", ")
	if more := total - len(shown); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

// projectIDValidator: a project ID is a whole number, 0 or more, that fits
// the API's int64.
type projectIDValidator struct{}

func (projectIDValidator) Description(context.Context) string {
	return "must be a whole number, at least 0"
}

func (v projectIDValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (projectIDValidator) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	f := req.ConfigValue.ValueBigFloat()
	_, accuracy := f.Int64()
	switch {
	case !f.IsInt():
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Project ID",
			fmt.Sprintf("Attribute %s must be a whole number, got %s.", req.Path, f.Text('g', -1)))
	case f.Sign() < 0:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Project ID",
			fmt.Sprintf("Attribute %s value must be at least 0, got %s.", req.Path, f.Text('g', -1)))
	case accuracy != big.Exact:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Project ID",
			fmt.Sprintf("Attribute %s is too large for a project ID, got %s.", req.Path, f.Text('g', -1)))
	}
}

// projectID is the validated project_id as the API's integer.
func projectID(n types.Number) int64 {
	if n.IsNull() || n.IsUnknown() {
		return 0
	}
	i, _ := n.ValueBigFloat().Int64()
	return i
}
