package alicloud

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/secgroup/terraform-provider-secgroup/internal/readcache"
)

// The group-side listing of members: ECS DescribeInstances and
// DescribeNetworkInterfaces with SecurityGroupId list every instance (ENI) in
// a group, MaxResults per page (the most each API takes: 100 instances, 500
// ENIs) and NextToken to the end. A membership's Read answers from it, so a
// refresh of a fleet of one group costs a call per page of members; the data
// source and the list resources use it too.

// Member is an instance or an ENI as the describes list it: its ID, its name
// (empty when it has none) and its groups. Shared between callers: read only.
type Member struct {
	ID, Name string
	Groups   []string
}

// groupMembersKey names a group of ECS: its region and ID.
type groupMembersKey struct{ region, group string }

// maxResults is the most members one page of the kind's describe holds.
func (k *MemberKind) maxResults() int {
	if k == ENIMember {
		return 500
	}
	return 100
}

// groupMembers is the cache of the kind's group listings.
func (c *Client) groupMembers(k *MemberKind) *readcache.Listings[groupMembersKey, []Member] {
	if k == ENIMember {
		return &c.groupENIs
	}
	return &c.groupInstances
}

// FindGroupMembers returns every instance (or ENI) in the group, through the
// client's cache: concurrent reads of one group share one listing, kept for
// the provider process. A group that does not exist has no members (the
// describes filter by it; they do not check it).
func FindGroupMembers(ctx context.Context, c *Client, k *MemberKind, region, group string) ([]Member, error) {
	region = c.Region(region)
	return c.groupMembers(k).Get(ctx, groupMembersKey{region: region, group: group}, func(ctx context.Context) ([]Member, error) {
		return listGroupMembers(ctx, c, k, region, group)
	})
}

// listGroupMembers pages the kind's describe filtered by the group to the end.
func listGroupMembers(ctx context.Context, c *Client, k *MemberKind, region, group string) ([]Member, error) {
	params := map[string]string{"SecurityGroupId": group, "MaxResults": strconv.Itoa(k.maxResults())}
	var out []Member
	for {
		var page memberPage
		if err := c.Call(ctx, "ecs", region, k.describeAction, params, &page); err != nil {
			return nil, err
		}
		out = append(out, page.members(k)...)
		if page.NextToken == "" {
			return out, nil
		}
		params["NextToken"] = page.NextToken
	}
}

// invalidateGroup drops the group's listings of both kinds and makes those
// under way stale: a membership write changes the group's instances and, as
// an instance's groups are its primary ENI's, its ENIs.
func (c *Client) invalidateGroup(region, group string) {
	key := groupMembersKey{region: region, group: group}
	c.groupInstances.Invalidate(key)
	c.groupENIs.Invalidate(key)
}

// FindGroupNames returns the name of each of the region's groups among ids
// that exists (an empty name when it has none): ECS DescribeSecurityGroups
// with SecurityGroupIds, 100 IDs a call, paged to the end. A group that does
// not exist is left out.
func FindGroupNames(ctx context.Context, c *Client, region string, ids []string) (map[string]string, error) {
	region = c.Region(region)
	out := make(map[string]string, len(ids))
	for chunk := range slices.Chunk(ids, maxBatchIDs) {
		encoded, err := json.Marshal(chunk)
		if err != nil {
			return nil, err
		}
		params := map[string]string{"SecurityGroupIds": string(encoded), "MaxResults": strconv.Itoa(maxBatchIDs)}
		for {
			var page struct {
				SecurityGroups struct {
					SecurityGroup []struct {
						ID   string `json:"SecurityGroupId"`
						Name string `json:"SecurityGroupName"`
					} `json:"SecurityGroup"`
				} `json:"SecurityGroups"`
				NextToken string `json:"NextToken"`
			}
			if err := c.Call(ctx, "ecs", region, "DescribeSecurityGroups", params, &page); err != nil {
				return nil, err
			}
			for _, g := range page.SecurityGroups.SecurityGroup {
				out[g.ID] = g.Name
			}
			if page.NextToken == "" {
				break
			}
			params["NextToken"] = page.NextToken
		}
	}
	return out, nil
}
