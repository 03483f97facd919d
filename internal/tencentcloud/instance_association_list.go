package tencentcloud

import (
	"context"
	"fmt"
	"slices"
	"strings"
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

// Lists instance associations for `terraform query`: the groups of given
// CVM instances (DescribeInstances by InstanceIds, batched as refresh reads
// them), or the instances of one group (its listing, DescribeInstances
// with the security-group-id filter), one result per (instance, group).
var (
	_ list.ListResourceWithConfigure        = &instanceAssociationListResource{}
	_ list.ListResourceWithConfigValidators = &instanceAssociationListResource{}
)

// NewInstanceAssociationListResource is the constructor the provider registers.
func NewInstanceAssociationListResource() list.ListResource {
	return &instanceAssociationListResource{}
}

type instanceAssociationListResource struct {
	resourceBase
}

type instanceAssociationListModel struct {
	InstanceIDs     types.List   `tfsdk:"instance_ids"`
	SecurityGroupID types.String `tfsdk:"security_group_id"`
	Region          types.String `tfsdk:"region"`
}

func (r *instanceAssociationListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tencentcloud_instance_association"
}

func (r *instanceAssociationListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the security group bindings of Tencent Cloud CVM instances, for `terraform query`: " +
			"one result per (instance, group). Give exactly one of `instance_ids` and `security_group_id`.",
		Attributes: map[string]schema.Attribute{
			"instance_ids": schema.ListAttribute{
				MarkdownDescription: "Every group of each of these instances, `ins-xxxxxxxx` (an instance that does not exist is an error naming it).",
				ElementType:         types.StringType,
				Optional:            true,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(stringvalidator.RegexMatches(instanceIDPattern, "must be a CVM instance ID such as ins-1a2b3c4d")),
				},
			},
			"security_group_id": schema.StringAttribute{
				MarkdownDescription: "Every instance bound to this group, `sg-xxxxxxxx`.",
				Optional:            true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(securityGroupIDPattern, "must be a security group ID such as sg-1a2b3c4d"),
				},
			},
			"region": listRegionAttribute("association resource manages bindings"),
		},
	}
}

func (r *instanceAssociationListResource) ListResourceConfigValidators(context.Context) []list.ConfigValidator {
	return []list.ConfigValidator{
		listresourcevalidator.ExactlyOneOf(path.MatchRoot("instance_ids"), path.MatchRoot("security_group_id")),
	}
}

// binding is one (instance, group) result.
type binding struct {
	instance *Instance
	groupID  string
}

func (r *instanceAssociationListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	r.resourceBase.List(ctx, req, stream, instanceAssociationIdentity, func(ctx context.Context, emit resourcebase.Emit) diag.Diagnostics {
		var diags diag.Diagnostics
		var config instanceAssociationListModel
		c := r.listClient(ctx, req, &config, &config.Region, &diags)
		if c == nil {
			return diags
		}
		ctx, cancel := context.WithTimeout(ctx, readTimeout)
		defer cancel()
		const summary = "Error Listing Tencent Cloud Instance Associations"
		var bindings []binding
		if groupID := config.SecurityGroupID.ValueString(); groupID != "" {
			members, err := c.groupMembers(ctx, "", groupID)
			if err != nil {
				diags.AddError(summary, apierr.Detail(fmt.Sprintf("Listing the CVM instances of security group %q in %s", groupID, c.Region("")), err, credentialHint))
				return diags
			}
			for _, in := range members {
				bindings = append(bindings, binding{in, groupID})
			}
		} else {
			var ids []string
			if diags.Append(config.InstanceIDs.ElementsAs(ctx, &ids, false)...); diags.HasError() {
				return diags
			}
			instances, missing, err := readInstances(ctx, c, ids)
			if err != nil {
				diags.AddError(summary, apierr.Detail(fmt.Sprintf("Reading CVM instances in %s", c.Region("")), err, credentialHint))
				return diags
			}
			if len(missing) > 0 {
				diags.AddAttributeError(path.Root("instance_ids"), "Tencent Cloud Instance Not Found",
					fmt.Sprintf("DescribeInstances does not list CVM instance %s in %s: check the IDs and the provider's region.", strings.Join(missing, ", "), c.Region("")))
				return diags
			}
			for _, in := range instances {
				for _, g := range in.SecurityGroupIds {
					bindings = append(bindings, binding{in, g})
				}
			}
		}
		slices.SortFunc(bindings, func(a, b binding) int {
			return strings.Compare(associationID(a.groupID, a.instance.InstanceId), associationID(b.groupID, b.instance.InstanceId))
		})
		names, err := groupNames(ctx, c, bindings)
		if err != nil {
			diags.AddError(summary, apierr.Detail(fmt.Sprintf("Reading the names of the security groups in %s", c.Region("")), err, credentialHint))
			return diags
		}
		for _, b := range bindings {
			if !emit(importedAssociation(b.groupID, b.instance.InstanceId), displayName(b, names)) {
				return diags
			}
		}
		return diags
	})
}

// readInstances reads the instances through the client's cache and the
// batched DescribeInstances, as Read's confirmations do: concurrent reads,
// up to 100 instances per call; missing are the IDs no instance has.
func readInstances(ctx context.Context, c *Client, ids []string) (found []*Instance, missing []string, err error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	read := make([]*Instance, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			read[i], errs[i] = c.instances.Get(ctx, c.instanceKey(id), func(ctx context.Context) (*Instance, error) {
				return describeInstance(ctx, c, id)
			})
		})
	}
	wg.Wait()
	for i := range ids {
		switch {
		case apierr.IsNotFound(errs[i]):
			missing = append(missing, ids[i])
		case errs[i] != nil:
			return nil, nil, errs[i]
		default:
			found = append(found, read[i])
		}
	}
	return found, missing, nil
}

// groupNames are the names of the bindings' groups, for the display names:
// DescribeSecurityGroups filtered by their IDs, filterValuesMax per call.
func groupNames(ctx context.Context, c *Client, bindings []binding) (map[string]string, error) {
	var ids []string
	for _, b := range bindings {
		ids = append(ids, b.groupID)
	}
	names := map[string]string{}
	if len(ids) == 0 {
		return names, nil
	}
	groups, err := listGroupsMatching(ctx, c, ids, nil)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		names[g.SecurityGroupId] = g.SecurityGroupName
	}
	return names, nil
}

// displayName is "web-01 (ins-…) in web (sg-…)", with the IDs alone where
// the cloud gives no name.
func displayName(b binding, groupNames map[string]string) string {
	named := func(name, id string) string {
		if name == "" {
			return id
		}
		return name + " (" + id + ")"
	}
	return named(b.instance.InstanceName, b.instance.InstanceId) + " in " + named(groupNames[b.groupID], b.groupID)
}

// importedAssociation is the association as Read stores it after an
// import: the IDs, no timeouts.
func importedAssociation(groupID, instanceID string) instanceAssociationResourceModel {
	return instanceAssociationResourceModel{
		ID:              types.StringValue(associationID(groupID, instanceID)),
		SecurityGroupID: types.StringValue(groupID),
		InstanceID:      types.StringValue(instanceID),
		Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
			"create": types.StringType, "delete": types.StringType,
		})},
	}
}
