package huaweicloud

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	vpcmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpc/v3/model"

	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// The group-side member listing: every port that holds a security group
// (VPC v3 ListPorts with security_groups=<id>, paged to the end), and
// through the ports' device_id, the servers whose NICs hold it. ECS lists a
// server's groups as the union of its NICs' groups, so a server is in the
// group exactly when one of its NICs is: the answer agrees with
// ListServersDetails for every server that has a NIC (every real server).

// maxPortsPage is the largest page VPC v3 ListPorts returns.
const maxPortsPage = 2000

// SecurityGroupMembers is a group and its members, as the cloud lists them.
type SecurityGroupMembers struct {
	ID, Name string
	// Ports are the ports holding the group, whole (all of their groups).
	Ports []vpcmodel.Port
	// Servers are the IDs of the servers one of whose NICs holds the group,
	// sorted.
	Servers []string
}

// HasServer reports whether the server is in the group.
func (m *SecurityGroupMembers) HasServer(id string) bool {
	_, ok := slices.BinarySearch(m.Servers, id)
	return ok
}

// Port returns the port when it holds the group, else nil.
func (m *SecurityGroupMembers) Port(id string) *vpcmodel.Port {
	for i := range m.Ports {
		if m.Ports[i].Id == id {
			return &m.Ports[i]
		}
	}
	return nil
}

// PortIDs are the IDs of the ports holding the group, sorted.
func (m *SecurityGroupMembers) PortIDs() []string {
	ids := make([]string, 0, len(m.Ports))
	for _, p := range m.Ports {
		ids = append(ids, p.Id)
	}
	slices.Sort(ids)
	return ids
}

// FindSecurityGroupMembers lists the group's members through the client's
// cache, kept per process by (region, group ID), so the refresh of every
// membership of a group costs one listing: the group's ShowSecurityGroup (its
// name, and whether it exists: a missing group is an *apierr.NotFoundError)
// and its ListPorts pages. A write by this process to a membership drops the
// listings (see invalidateGroups).
func FindSecurityGroupMembers(ctx context.Context, c *Client, region, groupID string) (*SecurityGroupMembers, error) {
	region = c.Region(region)
	return c.groups.Get(ctx, objectKey{region, groupID}, func(ctx context.Context) (*SecurityGroupMembers, error) {
		return c.listSecurityGroupMembers(ctx, region, groupID)
	})
}

func (c *Client) listSecurityGroupMembers(ctx context.Context, region, groupID string) (*SecurityGroupMembers, error) {
	conn, err := c.VPC(ctx, region)
	if err != nil {
		return nil, err
	}
	var group *vpcmodel.SecurityGroupInfo
	err = c.DoPaced(ctx, "vpc", func(ctx context.Context, _ retry.Attempt) error {
		start := time.Now()
		resp, err := conn.ShowSecurityGroup(&vpcmodel.ShowSecurityGroupRequest{SecurityGroupId: groupID})
		if err := c.result(ctx, "vpc", "ShowSecurityGroup", start, err); err != nil {
			return err
		}
		group = resp.SecurityGroup
		return nil
	})
	if err != nil {
		return nil, err
	}
	m := &SecurityGroupMembers{ID: groupID, Ports: []vpcmodel.Port{}, Servers: []string{}}
	if group != nil {
		m.Name = group.Name
	}
	limit := int32(maxPortsPage)
	req := &listPortsPageRequest{SecurityGroups: &[]string{groupID}, Limit: &limit}
	for {
		var page *vpcmodel.ListPortsResponse
		err := c.DoPaced(ctx, "vpc", func(ctx context.Context, _ retry.Attempt) error {
			start := time.Now()
			resp, err := conn.HcClient.Sync(req, listPortsPageDef())
			if err := c.result(ctx, "vpc", "ListPorts", start, err); err != nil {
				return err
			}
			page = resp.(*vpcmodel.ListPortsResponse) //nolint:forcetypeassert // the def's response type
			return nil
		})
		if err != nil {
			return nil, err
		}
		var ports []vpcmodel.Port
		if page.Ports != nil {
			ports = *page.Ports
		}
		for _, p := range ports {
			// The filter is the API's; a port is kept only when it says so.
			if slices.Contains(p.SecurityGroups, groupID) {
				m.Ports = append(m.Ports, p)
			}
		}
		next := page.PageInfo
		if len(ports) == 0 || next == nil || next.NextMarker == nil || *next.NextMarker == "" {
			break
		}
		req.Marker = next.NextMarker
	}
	for _, p := range m.Ports {
		if strings.HasPrefix(p.DeviceOwner, "compute:") && p.DeviceId != "" && !slices.Contains(m.Servers, p.DeviceId) {
			m.Servers = append(m.Servers, p.DeviceId)
		}
	}
	slices.Sort(m.Servers)
	return m, nil
}

// listPortsPageRequest is the SDK's ListPortsRequest filter the listing uses,
// with the API's limit and marker, which the SDK's request lacks.
type listPortsPageRequest struct {
	SecurityGroups *[]string `json:"security_groups,omitempty"`
	Limit          *int32    `json:"limit,omitempty"`
	Marker         *string   `json:"marker,omitempty"`
}

// listPortsPageDef is the SDK's ListPorts request definition
// (GET /v3/{project_id}/ports) for listPortsPageRequest.
func listPortsPageDef() *def.HttpRequestDef {
	b := def.NewHttpRequestDefBuilder().
		WithMethod(http.MethodGet).
		WithPath("/v3/{project_id}/ports").
		WithResponse(new(vpcmodel.ListPortsResponse)).
		WithContentType("application/json")
	for name, tag := range map[string]string{"SecurityGroups": "security_groups", "Limit": "limit", "Marker": "marker"} {
		b.WithRequestField(def.NewFieldDef().WithName(name).WithJsonTag(tag).WithLocationType(def.Query))
	}
	return b.Build()
}

// invalidateGroups drops every group's listing, before a membership write
// (so no read joins a listing that predates it) and after (so the next read
// sees it): a server action may name its group by name, and changes every
// NIC of the server.
func (c *Client) invalidateGroups() { c.groups.InvalidateAll() }
