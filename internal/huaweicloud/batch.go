package huaweicloud

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	ecsmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	vpcmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpc/v3/model"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/batch"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// The batch reads under the finders: concurrent reads of servers (or ports)
// of one region go out as one ECS ListServersDetails (VPC v3 ListPorts) call
// of up to 100 IDs, so a refresh of a fleet costs one call per batch, not
// per member (see internal/batch).

// maxBatchIDs is the most IDs ListServersDetails' server_id takes; ListPorts
// is held to the same size.
const maxBatchIDs = 100

func (c *Client) initBatches() {
	c.serverReads = batch.Batcher[string, string, *serverGroups]{
		Fetch: c.listServersDetails, MaxSize: maxBatchIDs,
		Call:  func(string) string { return cloudName + " ECS ListServersDetails" },
		Ready: func(ctx context.Context, _ string) error { return c.WaitTurn(ctx, "ecs") },
		Missing: func(_, id string) error {
			return &apierr.NotFoundError{Message: fmt.Sprintf("server %q was not found", id)}
		},
	}
	c.portReads = batch.Batcher[string, string, *vpcmodel.Port]{
		Fetch: c.listPorts, MaxSize: maxBatchIDs,
		Call:  func(string) string { return cloudName + " VPC ListPorts" },
		Ready: func(ctx context.Context, _ string) error { return c.WaitTurn(ctx, "vpc") },
		Missing: func(_, id string) error {
			return &apierr.NotFoundError{Message: fmt.Sprintf("port %q was not found", id)}
		},
	}
}

// serverGroups is what the provider reads of a server: its name and groups.
type serverGroups struct {
	Name   string
	Groups []ecsmodel.NovaSecurityGroup
}

// listServersDetails makes one ECS ListServersDetails call
// (GET /v1/{project_id}/cloudservers/detail?server_id=id1,id2,...) and
// returns each server's name and groups. ECS answers an ID that does not exist with an
// entry holding only the id and a fault: that server is left out (not found).
func (c *Client) listServersDetails(ctx context.Context, region string, ids []string) (map[string]*serverGroups, error) {
	conn, err := c.ECS(ctx, region)
	if err != nil {
		return nil, err
	}
	joined := strings.Join(ids, ",")
	limit := int32(len(ids)) //nolint:gosec // at most maxBatchIDs
	var servers []ecsmodel.ServerDetail
	err = c.DoPaced(ctx, "ecs", func(ctx context.Context, _ retry.Attempt) error {
		start := time.Now()
		resp, err := conn.ListServersDetails(&ecsmodel.ListServersDetailsRequest{ServerId: &joined, Limit: &limit})
		if err := c.result(ctx, "ecs", "ListServersDetails", start, err); err != nil {
			return err
		}
		servers = nil
		if resp.Servers != nil {
			servers = *resp.Servers
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*serverGroups, len(servers))
	for _, s := range servers {
		if s.Fault != nil || !slices.Contains(ids, s.Id) {
			continue
		}
		groups := make([]ecsmodel.NovaSecurityGroup, 0, len(s.SecurityGroups))
		for _, g := range s.SecurityGroups {
			groups = append(groups, ecsmodel.NovaSecurityGroup{Id: g.Id, Name: g.Name})
		}
		out[s.Id] = &serverGroups{Name: s.Name, Groups: groups}
	}
	return out, nil
}

// listPorts makes one VPC v3 ListPorts call with one id filter per port;
// ports that do not exist are not listed. The SDK's request has no paging
// parameters: the API's default page (2,000 ports) holds every batch.
func (c *Client) listPorts(ctx context.Context, region string, ids []string) (map[string]*vpcmodel.Port, error) {
	conn, err := c.VPC(ctx, region)
	if err != nil {
		return nil, err
	}
	idFilter := slices.Clone(ids)
	var ports []vpcmodel.Port
	err = c.DoPaced(ctx, "vpc", func(ctx context.Context, _ retry.Attempt) error {
		start := time.Now()
		resp, err := conn.ListPorts(&vpcmodel.ListPortsRequest{Id: &idFilter})
		if err := c.result(ctx, "vpc", "ListPorts", start, err); err != nil {
			return err
		}
		ports = nil
		if resp.Ports != nil {
			ports = *resp.Ports
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*vpcmodel.Port, len(ids))
	for i := range ports {
		if p := &ports[i]; slices.Contains(ids, p.Id) {
			out[p.Id] = p
		}
	}
	return out, nil
}
