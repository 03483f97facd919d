package alicloud

import (
	"encoding/json"
	"net/http"
	"slices"
)

// ECS DescribeSecurityGroups: the groups of a region, by SecurityGroupIds (a
// JSON array of up to 100 IDs; IDs that match no group are simply not
// listed), paged by PageNumber/PageSize (at most 50) or MaxResults (10 to
// 100)/NextToken. The provider reads group names with it.
func init() {
	actions["ecs"]["DescribeSecurityGroups"] = describeSecurityGroups
}

func describeSecurityGroups(s *State, rq *Request) (map[string]any, *Error) {
	if rq.Region == "" {
		return nil, Errorf(http.StatusBadRequest, "MissingParameter.RegionId", "The specified RegionId should not be null.")
	}
	var ids []string
	if raw := rq.Get("SecurityGroupIds"); raw != "" {
		if json.Unmarshal([]byte(raw), &ids) != nil || len(ids) > maxBatchIDs {
			return nil, Errorf(http.StatusBadRequest, "InvalidParameter", "The specified parameter SecurityGroupIds is not valid: a JSON array of at most %d IDs.", maxBatchIDs)
		}
	}
	p, perr := pageParams(rq, 50, 10, 100)
	if perr != nil {
		return nil, perr
	}
	var matched []*SecurityGroup
	for i := range s.SecurityGroups {
		g := &s.SecurityGroups[i]
		if g.RegionID == rq.Region && (ids == nil || slices.Contains(ids, g.ID)) {
			matched = append(matched, g)
		}
	}
	out := map[string]any{"RegionId": rq.Region}
	from, to := p.slice(len(matched), out)
	list := []map[string]any{}
	for _, g := range matched[from:to] {
		list = append(list, map[string]any{
			"SecurityGroupId":   g.ID,
			"SecurityGroupName": g.Name,
			"Description":       g.Description,
			"VpcId":             g.VpcID,
			"SecurityGroupType": "normal",
		})
	}
	out["SecurityGroups"] = map[string]any{"SecurityGroup": list}
	return out, nil
}
