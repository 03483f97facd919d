package alicloud

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/batch"
)

// The batch reads under FindMemberGroups: concurrent reads of one region's
// instances (or ENIs) go out as one ECS DescribeInstances with InstanceIds
// (DescribeNetworkInterfaces with NetworkInterfaceId.N) of up to 100 IDs,
// paged to the end, so a refresh of a fleet costs one call per batch, not
// per member (see internal/batch).

// maxBatchIDs is the most IDs either call takes, and the page size asked for.
const maxBatchIDs = 100

// memberBatch is what the members of one batch call share.
type memberBatch struct {
	kind   *MemberKind
	region string
}

func (c *Client) initBatches() {
	c.memberReads = batch.Batcher[memberBatch, string, []string]{
		Fetch: c.describeMembers, MaxSize: maxBatchIDs,
		Call:  func(b memberBatch) string { return cloudName + " ECS " + b.kind.describeAction },
		Ready: func(ctx context.Context, _ memberBatch) error { return c.WaitTurn(ctx, "ecs") },
		Missing: func(b memberBatch, id string) error {
			return &apierr.NotFoundError{Message: fmt.Sprintf("%s %s was not found in %s", b.kind.noun, id, b.region)}
		},
	}
}

// describeMembers makes the DescribeInstances or DescribeNetworkInterfaces
// calls for ids, one page of 100 at a time until the total is listed, and
// returns each listed member's groups; a member that does not exist is not
// listed.
func (c *Client) describeMembers(ctx context.Context, b memberBatch, ids []string) (map[string][]string, error) {
	params := map[string]string{"PageSize": strconv.Itoa(maxBatchIDs)}
	if b.kind == ENIMember {
		for i, id := range ids {
			params["NetworkInterfaceId."+strconv.Itoa(i+1)] = id
		}
	} else {
		encoded, err := json.Marshal(ids)
		if err != nil {
			return nil, err
		}
		params["InstanceIds"] = string(encoded)
	}
	type member struct {
		InstanceID       string `json:"InstanceId"`
		ENIID            string `json:"NetworkInterfaceId"`
		SecurityGroupIds struct {
			SecurityGroupID []string `json:"SecurityGroupId"`
		} `json:"SecurityGroupIds"`
	}
	out := make(map[string][]string, len(ids))
	for number, listed := 1, 0; ; number++ {
		var page struct {
			Instances struct {
				Instance []member `json:"Instance"`
			} `json:"Instances"`
			NetworkInterfaceSets struct {
				NetworkInterfaceSet []member `json:"NetworkInterfaceSet"`
			} `json:"NetworkInterfaceSets"`
			TotalCount int `json:"TotalCount"`
		}
		params["PageNumber"] = strconv.Itoa(number)
		if err := c.Call(ctx, "ecs", b.region, b.kind.describeAction, params, &page); err != nil {
			return nil, err
		}
		members := page.Instances.Instance
		if b.kind == ENIMember {
			members = page.NetworkInterfaceSets.NetworkInterfaceSet
		}
		for _, m := range members {
			id := m.InstanceID
			if b.kind == ENIMember {
				id = m.ENIID
			}
			if slices.Contains(ids, id) {
				out[id] = m.SecurityGroupIds.SecurityGroupID
			}
		}
		listed += len(members)
		// The total can move while we page; an empty page is the end.
		if len(members) == 0 || listed >= page.TotalCount {
			return out, nil
		}
	}
}
