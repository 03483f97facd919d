package huaweicloud

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/resourcebase"
)

// Lists the servers' memberships for `terraform query`: each server's groups
// from ECS ListServersDetails (the resource's batch reads, up to 100 servers a
// call), one result per group of each server.
var _ list.ListResourceWithConfigure = &serverAssociationListResource{}

// NewServerAssociationListResource is the constructor the provider registers.
func NewServerAssociationListResource() list.ListResource {
	return &serverAssociationListResource{}
}

type serverAssociationListResource struct {
	resourceBase
}

func (r *serverAssociationListResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	(&serverAssociationResource{}).Metadata(ctx, req, resp)
}

type serverAssociationListModel struct {
	ServerIDs types.List   `tfsdk:"server_ids"`
	Region    types.String `tfsdk:"region"`
}

func (r *serverAssociationListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every security group of the given ECS servers, one result per (server, group), " +
			"with `security_group` set to the group's ID. Servers are read in `ListServersDetails` batches of up to 100.",
		Attributes: map[string]schema.Attribute{
			"server_ids": schema.ListAttribute{
				MarkdownDescription: "IDs (UUIDs) of the servers whose memberships to list.",
				Required:            true,
				ElementType:         types.StringType,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(stringvalidator.RegexMatches(uuidPattern, "must be a server's ID, a UUID in lower case")),
				},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the servers. Defaults to the provider's `huaweicloud.region`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (r *serverAssociationListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	r.resourceBase.List(ctx, req, stream, serverAssociationIdentity, func(ctx context.Context, emit resourcebase.Emit) diag.Diagnostics {
		var diags diag.Diagnostics
		var cfg serverAssociationListModel
		diags.Append(req.Config.Get(ctx, &cfg)...)
		c := r.Client(&diags)
		if diags.HasError() {
			return diags
		}
		region := c.Region(cfg.Region.ValueString())
		var ids []string
		diags.Append(cfg.ServerIDs.ElementsAs(ctx, &ids, false)...)
		if diags.HasError() {
			return diags
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		servers, err := readServers(ctx, c, region, ids)
		if err != nil {
			diags.AddError("Error Listing Huawei Cloud Server Security Groups",
				apierr.Detail(fmt.Sprintf("Reading the security groups of %d servers in %s", len(ids), region), err, credentialHint))
			return diags
		}
		for i, id := range ids {
			for _, g := range servers[i].Groups {
				m := serverAssociationResourceModel{
					ID:                types.StringValue(serverAssociationID(id, g.Id)),
					ServerID:          types.StringValue(id),
					SecurityGroup:     types.StringValue(g.Id),
					Region:            types.StringValue(region),
					SecurityGroupID:   types.StringValue(g.Id),
					SecurityGroupName: types.StringValue(g.Name),
					Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
						"create": types.StringType, "delete": types.StringType,
					})},
				}
				if !emit(m, named(servers[i].Name, id)+" in "+named(g.Name, g.Id)) {
					return diags
				}
			}
		}
		return diags
	})
}

// readServers reads the servers at once, so their reads go out together in
// ListServersDetails batches (through the cache, as a refresh reads them).
// A server that does not exist is an error naming it.
func readServers(ctx context.Context, c *Client, region string, ids []string) ([]*serverGroups, error) {
	out := make([]*serverGroups, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { out[i], errs[i] = findServer(ctx, c, region, id) })
	}
	wg.Wait()
	var missing []string
	for i, err := range errs {
		switch {
		case apierr.IsNotFound(err):
			missing = append(missing, ids[i])
		case err != nil:
			return nil, err
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("no server %s in %s: check server_ids and region", strings.Join(missing, ", "), region)
	}
	return out, nil
}

// named is how a display name shows an object: its name and the start of
// its ID, or its ID when it has no name.
func named(name, id string) string {
	if name == "" {
		return id
	}
	return fmt.Sprintf("%s (%s…)", name, id[:min(8, len(id))])
}
