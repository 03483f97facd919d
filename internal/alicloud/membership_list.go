package alicloud

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listresourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
)

// The list resources (terraform query) of secgroup_alicloud_instance_association
// and secgroup_alicloud_eni_association: one result per (member, group), for
// the members named by ID (through the batch reads of refresh: DescribeInstances
// with InstanceIds, DescribeNetworkInterfaces with NetworkInterfaceId.N), or
// for every member of one group (the group-side listing). Group names come
// from one DescribeSecurityGroups per 100 groups.

// membershipList lists the associations of one kind; M is the resource's model.
type membershipList[M any, P interface {
	*M
	memberModel
}] struct {
	resourceBase
	kind *MemberKind
}

// idsAttr is the config's attribute naming members: instance_ids, network_interface_ids.
func (k *MemberKind) idsAttr() string { return k.attr[:len(k.attr)-len("_id")] + "_ids" }

func (r *membershipList[M, P]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.kind.typeSuffix
}

func (r *membershipList[M, P]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	k := r.kind
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("Lists the memberships of Alibaba Cloud ECS %[1]ss in security groups, one result per "+
			"(%[1]s, group): every group of the %[1]ss named by `%[2]s`, or every %[1]s in the group `security_group_id`. "+
			"Set exactly one of the two.", k.noun, k.idsAttr()),
		Attributes: map[string]schema.Attribute{
			k.idsAttr(): schema.ListAttribute{
				MarkdownDescription: fmt.Sprintf("IDs of the %ss (`%s-...`) whose groups to list, read in batches of 100 "+
					"(`%s`). An ID that does not exist in the region is an error.", k.noun, k.idPrefix, k.describeAction),
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(stringvalidator.RegexMatches(idPattern(k.idPrefix),
						fmt.Sprintf("must be an %s ID such as %s-bp67acfmxazb4p0000", k.noun, k.idPrefix))),
				},
			},
			"security_group_id": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("ID of a security group (`sg-...`): lists every %s in it (`%s` with "+
					"`SecurityGroupId`, paged to the end). A group that does not exist in the region is an error.", k.noun, k.describeAction),
				Optional:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(idPattern("sg"), "must be a security group ID such as sg-bp67acfmxazb4p0000")},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the " + k.noun + "s and groups. Defaults to the provider's `alicloud.region`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (r *membershipList[M, P]) ListResourceConfigValidators(context.Context) []list.ConfigValidator {
	return []list.ConfigValidator{
		listresourcevalidator.ExactlyOneOf(path.MatchRoot(r.kind.idsAttr()), path.MatchRoot("security_group_id")),
	}
}

func (r *membershipList[M, P]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	k := r.kind
	// The config: the kind's IDs attribute, or the group; and the region.
	var memberIDs types.List
	var group, configRegion types.String
	diags := req.Config.GetAttribute(ctx, path.Root(k.idsAttr()), &memberIDs)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("security_group_id"), &group)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("region"), &configRegion)...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	r.resourceBase.List(ctx, req, stream, k.identity, func(ctx context.Context, emit resourcebase.Emit) diag.Diagnostics {
		var diags diag.Diagnostics
		c := r.Client(&diags)
		if c == nil {
			return diags
		}
		ctx, cancel := context.WithTimeout(ctx, membershipReadTimeout)
		defer cancel()
		region := c.Region(configRegion.ValueString())
		if region == "" {
			diags.AddAttributeError(path.Root("region"), fmt.Sprintf("Missing Region for Alibaba Cloud %s Associations", k.title),
				"Set region in the list block's config, or alicloud.region in the provider block, or the ALICLOUD_REGION environment variable.")
			return diags
		}
		l := &membershipLister[M, P]{c: c, kind: k, region: region, emit: emit}
		if !group.IsNull() {
			l.byGroup(ctx, group.ValueString(), &diags)
			return diags
		}
		var ids []string
		diags.Append(memberIDs.ElementsAs(ctx, &ids, false)...)
		if !diags.HasError() {
			l.byIDs(ctx, ids, &diags)
		}
		return diags
	})
}

// membershipLister is one listing: the client, the region and the stream.
type membershipLister[M any, P interface {
	*M
	memberModel
}] struct {
	c      *Client
	kind   *MemberKind
	region string
	emit   resourcebase.Emit
}

// byGroup emits every member of the group, by ID.
func (l *membershipLister[M, P]) byGroup(ctx context.Context, group string, diags *diag.Diagnostics) {
	what := fmt.Sprintf("Listing the %ss in security group %s in %s", l.kind.noun, group, l.region)
	names, err := FindGroupNames(ctx, l.c, l.region, []string{group})
	if err != nil {
		l.fail(diags, what, err)
		return
	}
	if _, ok := names[group]; !ok {
		diags.AddAttributeError(path.Root("security_group_id"), "Alibaba Cloud Security Group Not Found",
			fmt.Sprintf("DescribeSecurityGroups does not list security group %s in region %s: check the ID and the region.", group, l.region))
		return
	}
	members, err := FindGroupMembers(ctx, l.c, l.kind, l.region, group)
	if err != nil {
		l.fail(diags, what, err)
		return
	}
	members = slices.Clone(members)
	slices.SortFunc(members, func(a, b Member) int { return cmp.Compare(a.ID, b.ID) })
	for i, m := range members {
		if i > 0 && m.ID == members[i-1].ID {
			continue // listed twice while the group changed between pages
		}
		if !l.result(diags, m, group, names[group]) {
			return
		}
	}
}

// byIDs emits every group of each member, in the order given. The members
// are read concurrently, so they go out in batches of 100.
func (l *membershipLister[M, P]) byIDs(ctx context.Context, ids []string, diags *diag.Diagnostics) {
	ids = uniq(ids)
	members := make([]Member, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { members[i], errs[i] = FindMember(ctx, l.c, l.kind, l.region, id) })
	}
	wg.Wait()
	var groups []string
	for i, err := range errs {
		if apierr.IsNotFound(err) {
			diags.AddAttributeError(path.Root(l.kind.idsAttr()), fmt.Sprintf("Alibaba Cloud %s Not Found", l.kind.title),
				fmt.Sprintf("%s does not list %s %s in region %s: check the ID and the region.", l.kind.describeAction, l.kind.noun, ids[i], l.region))
			continue
		}
		if err != nil {
			l.fail(diags, fmt.Sprintf("Reading the security groups of %s %s in %s", l.kind.noun, ids[i], l.region), err)
			continue
		}
		groups = append(groups, members[i].Groups...)
	}
	if diags.HasError() {
		return
	}
	names, err := FindGroupNames(ctx, l.c, l.region, uniq(groups))
	if err != nil {
		l.fail(diags, fmt.Sprintf("Reading the names of the security groups of the %ss in %s", l.kind.noun, l.region), err)
		return
	}
	for _, m := range members {
		for _, g := range m.Groups {
			if !l.result(diags, m, g, names[g]) {
				return
			}
		}
	}
}

// result emits the association of m with group as the resource's Read
// stores it after an import; false when the listing must stop.
func (l *membershipLister[M, P]) result(diags *diag.Diagnostics, m Member, group, groupName string) bool {
	var model M
	p := P(&model)
	f := p.fields()
	f.ID = types.StringValue(group + "/" + m.ID)
	f.SecurityGroupID = types.StringValue(group)
	f.Region = types.StringValue(l.region)
	f.KeepLastGroup = types.BoolValue(false)
	f.Timeouts = timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{"create": types.StringType, "delete": types.StringType})}
	*p.member() = types.StringValue(m.ID)
	return l.emit(&model, named(m.Name, m.ID)+" in "+named(groupName, group))
}

func (l *membershipLister[M, P]) fail(diags *diag.Diagnostics, what string, err error) {
	diags.AddError(fmt.Sprintf("Error Listing Alibaba Cloud %s Associations", l.kind.title), apierr.Detail(what, err, credentialHint))
}

// named is "name (id)", or the ID alone when the object has no name.
func named(name, id string) string {
	if name == "" || name == id {
		return id
	}
	return name + " (" + id + ")"
}

// uniq is ids without repeats, in their first order.
func uniq(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
