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
	c.memberReads = batch.Batcher[memberBatch, string, Member]{
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
// returns each listed member; a member that does not exist is not listed.
func (c *Client) describeMembers(ctx context.Context, b memberBatch, ids []string) (map[string]Member, error) {
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
	out := make(map[string]Member, len(ids))
	for number, listed := 1, 0; ; number++ {
		var page memberPage
		params["PageNumber"] = strconv.Itoa(number)
		if err := c.Call(ctx, "ecs", b.region, b.kind.describeAction, params, &page); err != nil {
			return nil, err
		}
		members := page.members(b.kind)
		for _, m := range members {
			if slices.Contains(ids, m.ID) {
				out[m.ID] = m
			}
		}
		listed += len(members)
		// The total can move while we page; an empty page is the end.
		if len(members) == 0 || listed >= page.TotalCount {
			return out, nil
		}
	}
}

// memberPage is one page of DescribeInstances or DescribeNetworkInterfaces.
type memberPage struct {
	Instances struct {
		Instance []listedMember `json:"Instance"`
	} `json:"Instances"`
	NetworkInterfaceSets struct {
		NetworkInterfaceSet []listedMember `json:"NetworkInterfaceSet"`
	} `json:"NetworkInterfaceSets"`
	TotalCount int    `json:"TotalCount"`
	NextToken  string `json:"NextToken"`
}

// listedMember is an instance or an ENI as the describes list it.
type listedMember struct {
	InstanceID       string `json:"InstanceId"`
	InstanceName     string `json:"InstanceName"`
	ENIID            string `json:"NetworkInterfaceId"`
	ENIName          string `json:"NetworkInterfaceName"`
	SecurityGroupIds struct {
		SecurityGroupID []string `json:"SecurityGroupId"`
	} `json:"SecurityGroupIds"`
}

// members is the page's members of kind k.
func (p *memberPage) members(k *MemberKind) []Member {
	listed := p.Instances.Instance
	if k == ENIMember {
		listed = p.NetworkInterfaceSets.NetworkInterfaceSet
	}
	out := make([]Member, 0, len(listed))
	for _, m := range listed {
		if k == ENIMember {
			out = append(out, Member{ID: m.ENIID, Name: m.ENIName, Groups: m.SecurityGroupIds.SecurityGroupID})
		} else {
			out = append(out, Member{ID: m.InstanceID, Name: m.InstanceName, Groups: m.SecurityGroupIds.SecurityGroupID})
		}
	}
	return out
}
