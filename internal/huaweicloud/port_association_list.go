package huaweicloud

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

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
	vpcmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpc/v3/model"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// Lists ports with their groups for `terraform query`: the given ports (VPC v3
// ListPorts batches by id, as a refresh reads them), or the ports holding a
// group (its group-side listing); the groups' names from ListSecurityGroups.
var (
	_ list.ListResourceWithConfigure        = &portAssociationListResource{}
	_ list.ListResourceWithConfigValidators = &portAssociationListResource{}
)

// NewPortAssociationListResource is the constructor the provider registers.
func NewPortAssociationListResource() list.ListResource {
	return &portAssociationListResource{}
}

type portAssociationListResource struct {
	resourceBase
}

type portAssociationListModel struct {
	PortIDs         types.List   `tfsdk:"port_ids"`
	SecurityGroupID types.String `tfsdk:"security_group_id"`
	Region          types.String `tfsdk:"region"`
}

func (r *portAssociationListResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	(&portAssociationResource{}).Metadata(ctx, req, resp)
}

func (r *portAssociationListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists ports with every security group on each, one result per port, as an import " +
			"adopts them (`security_group_ids` = all the port's groups). Set exactly one of `port_ids` and " +
			"`security_group_id`. A port without any group has no membership to adopt and is left out.",
		Attributes: map[string]schema.Attribute{
			"port_ids": schema.ListAttribute{
				MarkdownDescription: "IDs (UUIDs) of the ports to list.",
				Optional:            true,
				ElementType:         types.StringType,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(stringvalidator.RegexMatches(uuidPattern, "must be a port's ID, a UUID in lower case")),
				},
			},
			"security_group_id": schema.StringAttribute{
				MarkdownDescription: "ID (UUID) of a security group: lists the ports holding it (VPC v3 `ListPorts` " +
					"filtered by `security_groups`, paged to the end).",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(uuidPattern, "must be a security group's ID, a UUID in lower case"),
				},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the ports. Defaults to the provider's `huaweicloud.region`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (r *portAssociationListResource) ListResourceConfigValidators(context.Context) []list.ConfigValidator {
	return []list.ConfigValidator{
		listresourcevalidator.ExactlyOneOf(path.MatchRoot("port_ids"), path.MatchRoot("security_group_id")),
	}
}

func (r *portAssociationListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	r.resourceBase.List(ctx, req, stream, portAssociationIdentity, func(ctx context.Context, emit resourcebase.Emit) diag.Diagnostics {
		var diags diag.Diagnostics
		var cfg portAssociationListModel
		diags.Append(req.Config.Get(ctx, &cfg)...)
		c := r.Client(&diags)
		if diags.HasError() {
			return diags
		}
		region := c.Region(cfg.Region.ValueString())
		const summary = "Error Listing Huawei Cloud Port Security Groups"
		var ports []vpcmodel.Port
		if group := cfg.SecurityGroupID.ValueString(); group != "" {
			members, err := FindSecurityGroupMembers(ctx, c, region, group)
			if apierr.IsNotFound(err) {
				diags.AddAttributeError(path.Root("security_group_id"), summary, fmt.Sprintf("Security group %q was not found in %s: check its ID and region.", group, region))
				return diags
			}
			if err != nil {
				diags.AddError(summary, apierr.Detail(fmt.Sprintf("Listing the ports of security group %q in %s", group, region), err, credentialHint))
				return diags
			}
			ports = members.Ports
		} else {
			var ids []string
			diags.Append(cfg.PortIDs.ElementsAs(ctx, &ids, false)...)
			if diags.HasError() {
				return diags
			}
			var err error
			if ports, err = readPorts(ctx, c, region, ids); err != nil {
				diags.AddError(summary, apierr.Detail(fmt.Sprintf("Reading %d ports in %s", len(ids), region), err, credentialHint))
				return diags
			}
		}
		ports = slices.DeleteFunc(slices.Clone(ports), func(p vpcmodel.Port) bool { return len(p.SecurityGroups) == 0 })
		slices.SortFunc(ports, func(a, b vpcmodel.Port) int { return strings.Compare(a.Id, b.Id) })
		names, err := c.groupNames(ctx, region, ports)
		if err != nil {
			diags.AddError(summary, apierr.Detail("Reading the names of the ports' security groups in "+region, err, credentialHint))
			return diags
		}
		for _, p := range ports {
			m := portAssociationResourceModel{
				ID:                  types.StringValue(p.Id),
				PortID:              types.StringValue(p.Id),
				SecurityGroupIDs:    stringSet(ctx, p.SecurityGroups, &diags),
				Enforce:             types.BoolValue(false),
				Region:              types.StringValue(region),
				AllSecurityGroupIDs: stringSet(ctx, p.SecurityGroups, &diags),
				Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
					"create": types.StringType, "update": types.StringType, "delete": types.StringType,
				})},
			}
			groups := make([]string, 0, len(p.SecurityGroups))
			for _, g := range p.SecurityGroups {
				groups = append(groups, named(names[g], g))
			}
			if diags.HasError() || !emit(m, named(p.Name, p.Id)+" in "+strings.Join(groups, ", ")) {
				return diags
			}
		}
		return diags
	})
}

// readPorts reads the ports at once, so their reads go out together in
// ListPorts batches (through the cache, as a refresh reads them). A port
// that does not exist is an error naming it.
func readPorts(ctx context.Context, c *Client, region string, ids []string) ([]vpcmodel.Port, error) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make([]*vpcmodel.Port, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { out[i], errs[i] = FindPort(ctx, c, region, id) })
	}
	wg.Wait()
	var missing []string
	ports := make([]vpcmodel.Port, 0, len(ids))
	for i, err := range errs {
		switch {
		case apierr.IsNotFound(err):
			missing = append(missing, ids[i])
		case err != nil:
			return nil, err
		default:
			ports = append(ports, *out[i])
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("no port %s in %s: check port_ids and region", strings.Join(missing, ", "), region)
	}
	return ports, nil
}

// groupNames is the name of each group the ports hold, from VPC v3
// ListSecurityGroups filtered by id (100 a call, paged to the end). A group
// it does not list keeps no name (its ID shows).
func (c *Client) groupNames(ctx context.Context, region string, ports []vpcmodel.Port) (map[string]string, error) {
	var ids []string
	for _, p := range ports {
		ids = append(ids, p.SecurityGroups...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	names := map[string]string{}
	if len(ids) == 0 {
		return names, nil
	}
	conn, err := c.VPC(ctx, region)
	if err != nil {
		return nil, err
	}
	limit := int32(maxPortsPage)
	for chunk := range slices.Chunk(ids, maxBatchIDs) {
		req := &vpcmodel.ListSecurityGroupsRequest{Id: &chunk, Limit: &limit}
		for {
			var resp *vpcmodel.ListSecurityGroupsResponse
			err := c.DoPaced(ctx, "vpc", func(ctx context.Context, _ retry.Attempt) error {
				start := time.Now()
				var err error
				resp, err = conn.ListSecurityGroups(req)
				return c.result(ctx, "vpc", "ListSecurityGroups", start, err)
			})
			if err != nil {
				return nil, err
			}
			var groups []vpcmodel.SecurityGroup
			if resp.SecurityGroups != nil {
				groups = *resp.SecurityGroups
			}
			for _, g := range groups {
				names[g.Id] = g.Name
			}
			if len(groups) == 0 || resp.PageInfo == nil || resp.PageInfo.NextMarker == nil || *resp.PageInfo.NextMarker == "" {
				break
			}
			req.Marker = resp.PageInfo.NextMarker
		}
	}
	return names, nil
}
