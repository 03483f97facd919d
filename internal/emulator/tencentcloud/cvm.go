package tencentcloud

import (
	"slices"
	"strings"
	"time"
)

// instanceSet is an instance as CVM DescribeInstances lists it (the fields
// the provider reads, and a few that make it recognisable).
func instanceSet(in *Instance) map[string]any {
	return map[string]any{
		"InstanceId":       in.ID,
		"InstanceName":     in.Name,
		"InstanceState":    in.State,
		"SecurityGroupIds": slices.Clone(in.SecurityGroupIDs),
		"Placement":        map[string]any{"Zone": in.Zone},
	}
}

// describeInstances serves CVM DescribeInstances: by InstanceIds (unknown IDs
// are simply not listed) or by Filters, never both; Offset and Limit are
// integers here, Limit at most 100.
func (c *Cloud) describeInstances(req *apiRequest) (map[string]any, *apiError) {
	var p struct {
		InstanceIds []string
		Filters     []filter
		Offset      *int
		Limit       *int
	}
	if err := decode(req.body, &p); err != nil {
		return nil, err
	}
	if len(p.InstanceIds) > 0 && len(p.Filters) > 0 {
		return nil, errorf("InvalidParameterCoexistInstanceIdsFilters", "The parameters `InstanceIds` and `Filters` cannot be specified at the same time.")
	}
	if len(p.InstanceIds) > maxBatch {
		return nil, errorf("InvalidParameterValue.LimitExceeded", "At most %d `InstanceIds` may be given.", maxBatch)
	}
	offset, limit := 0, 20
	if p.Offset != nil {
		if *p.Offset < 0 {
			return nil, errorf("InvalidParameterValue", "The value of `Offset` must not be negative.")
		}
		offset = *p.Offset
	}
	if p.Limit != nil {
		if *p.Limit < 1 || *p.Limit > maxBatch {
			return nil, errorf("InvalidParameterValue.LimitExceeded", "The value of `Limit` must be between 1 and %d.", maxBatch)
		}
		limit = *p.Limit
	}
	for _, id := range p.InstanceIds {
		if !instanceIDPattern.MatchString(id) {
			return nil, errorf("InvalidInstanceId.Malformed", "The instance ID `%s` is malformed.", id)
		}
	}

	c.mu.RLock()
	defer c.mu.RUnlock()
	var matched []*Instance
	for i := range c.state.Instances {
		in := &c.state.Instances[i]
		if in.Region != req.region {
			continue
		}
		if len(p.InstanceIds) > 0 && !slices.Contains(p.InstanceIds, in.ID) {
			continue
		}
		ok, err := instanceMatches(in, p.Filters)
		if err != nil {
			return nil, err
		}
		if ok {
			matched = append(matched, in)
		}
	}
	set := []map[string]any{}
	for i := offset; i < len(matched) && i < offset+limit; i++ {
		set = append(set, instanceSet(matched[i]))
	}
	return map[string]any{"InstanceSet": set, "TotalCount": len(matched)}, nil
}

func instanceMatches(in *Instance, filters []filter) (bool, *apiError) {
	for _, f := range filters {
		var ok bool
		switch f.Name {
		case "security-group-id":
			ok = slices.ContainsFunc(f.Values, func(v string) bool { return slices.Contains(in.SecurityGroupIDs, v) })
		case "instance-id":
			ok = slices.Contains(f.Values, in.ID)
		case "instance-name":
			ok = slices.Contains(f.Values, in.Name)
		case "zone":
			ok = slices.Contains(f.Values, in.Zone)
		default:
			return false, errorf("InvalidFilter", "The filter `%s` is not supported.", f.Name)
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// bindingParams are the parameters of (Dis)AssociateSecurityGroups.
type bindingParams struct {
	SecurityGroupIds []string
	InstanceIds      []string
}

// resolveBinding checks a (Dis)AssociateSecurityGroups call as CVM does,
// before changing anything: one group, 1 to 100 well-formed instances, all
// of which exist. The caller holds the write lock.
func (c *Cloud) resolveBinding(req *apiRequest) (string, []*Instance, *apiError) {
	var p bindingParams
	if err := decode(req.body, &p); err != nil {
		return "", nil, err
	}
	switch {
	case len(p.SecurityGroupIds) == 0 || len(p.InstanceIds) == 0:
		return "", nil, errorf("MissingParameter", "The parameters `SecurityGroupIds` and `InstanceIds` are required.")
	case len(p.SecurityGroupIds) > 1:
		return "", nil, errorf("InvalidParameterValue.LimitExceeded", "Only one security group may be given per call.")
	case len(p.InstanceIds) > maxBatch:
		return "", nil, errorf("InvalidParameterValue.LimitExceeded", "At most %d `InstanceIds` may be given per call; got %d.", maxBatch, len(p.InstanceIds))
	}
	groupID := p.SecurityGroupIds[0]
	if !groupIDPattern.MatchString(groupID) {
		return "", nil, errorf("InvalidSecurityGroupId.Malformed", "The security group ID `%s` is malformed.", groupID)
	}
	if c.state.group(req.region, groupID) == nil {
		return "", nil, errorf("InvalidSecurityGroupId.NotFound", "The security group `%s` does not exist.", groupID)
	}
	var instances []*Instance
	var missing []string
	for _, id := range p.InstanceIds {
		if !instanceIDPattern.MatchString(id) {
			return "", nil, errorf("InvalidInstanceId.Malformed", "The instance ID `%s` is malformed.", id)
		}
		in := c.state.instance(req.region, id)
		if in == nil {
			missing = append(missing, id)
			continue
		}
		if !slices.Contains(instances, in) {
			instances = append(instances, in)
		}
	}
	if len(missing) > 0 {
		return "", nil, errorf("InvalidInstanceId.NotFound", "The instances %s do not exist.", strings.Join(missing, ", "))
	}
	return groupID, instances, nil
}

// associateSecurityGroups serves CVM AssociateSecurityGroups. An instance
// already in the group stays as it is; one that would exceed five groups
// fails the whole call.
func (c *Cloud) associateSecurityGroups(req *apiRequest) (map[string]any, *apiError) {
	c.mu.Lock()
	defer c.mu.Unlock()
	groupID, instances, err := c.resolveBinding(req)
	if err != nil {
		return nil, err
	}
	for _, in := range instances {
		if !slices.Contains(in.SecurityGroupIDs, groupID) && len(in.SecurityGroupIDs) >= maxGroupsOfInstance {
			return nil, errorf("LimitExceeded.AssociateUSGLimitExceeded", "The instance `%s` is already bound to %d security groups, the maximum.", in.ID, maxGroupsOfInstance)
		}
	}
	for _, in := range instances {
		if !slices.Contains(in.SecurityGroupIDs, groupID) {
			in.SecurityGroupIDs = append(in.SecurityGroupIDs, groupID)
		}
	}
	return nil, nil
}

// disassociateSecurityGroups serves CVM DisassociateSecurityGroups: the group
// leaves each instance, whose other groups stay in order. An instance not in
// the group is left as it is.
func (c *Cloud) disassociateSecurityGroups(req *apiRequest) (map[string]any, *apiError) {
	c.mu.Lock()
	defer c.mu.Unlock()
	groupID, instances, err := c.resolveBinding(req)
	if err != nil {
		return nil, err
	}
	for _, in := range instances {
		if slices.Contains(in.SecurityGroupIDs, groupID) {
			c.noteUnbinding(groupID, in.ID)
		}
		in.SecurityGroupIDs = slices.DeleteFunc(in.SecurityGroupIDs, func(id string) bool { return id == groupID })
	}
	return nil, nil
}

// noteUnbinding keeps an unbound instance counting for the group for
// UnbindPropagationMS. The caller holds the write lock.
func (c *Cloud) noteUnbinding(groupID, instanceID string) {
	if c.state.UnbindPropagationMS == 0 {
		return
	}
	if c.unbinding == nil {
		c.unbinding = map[string]map[string]time.Time{}
	}
	if c.unbinding[groupID] == nil {
		c.unbinding[groupID] = map[string]time.Time{}
	}
	c.unbinding[groupID][instanceID] = time.Now().Add(time.Duration(c.state.UnbindPropagationMS) * time.Millisecond)
}

// propagating is how many unbound instances the VPC still counts for the
// group. The caller holds the lock.
func (c *Cloud) propagating(groupID string, now time.Time) int {
	n := 0
	for _, until := range c.unbinding[groupID] {
		if now.Before(until) {
			n++
		}
	}
	return n
}

// modifyResourceTags serves the tag service's ModifyResourceTags for
// security groups, named qcs::cvm:<region>:uin/<uin>:sg/<id>.
func (c *Cloud) modifyResourceTags(req *apiRequest) (map[string]any, *apiError) {
	var p struct {
		Resource    string
		ReplaceTags []struct{ TagKey, TagValue string }
		DeleteTags  []struct{ TagKey string }
	}
	if err := decode(req.body, &p); err != nil {
		return nil, err
	}
	parts := strings.Split(p.Resource, ":")
	if len(parts) != 6 || parts[0] != "qcs" || parts[2] != "cvm" || !strings.HasPrefix(parts[4], "uin/") || !strings.HasPrefix(parts[5], "sg/") {
		return nil, errorf("InvalidParameterValue.ResourceDescriptionError", "The resource description `%s` is not qcs::cvm:<region>:uin/<uin>:sg/<id>.", p.Resource)
	}
	if len(p.ReplaceTags) == 0 && len(p.DeleteTags) == 0 {
		return nil, errorf("MissingParameter", "At least one of `ReplaceTags` and `DeleteTags` is required.")
	}
	for _, t := range p.ReplaceTags {
		if t.TagKey == "" {
			return nil, errorf("InvalidParameterValue.TagKeyEmpty", "A tag key must not be empty.")
		}
	}
	region, id := parts[3], strings.TrimPrefix(parts[5], "sg/")
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.state.group(region, id)
	if g == nil {
		return nil, errorf("ResourceNotFound", "The resource `%s` does not exist.", p.Resource)
	}
	for _, t := range p.DeleteTags {
		delete(g.Tags, t.TagKey)
	}
	for _, t := range p.ReplaceTags {
		if g.Tags == nil {
			g.Tags = map[string]string{}
		}
		g.Tags[t.TagKey] = t.TagValue
	}
	if len(g.Tags) == 0 {
		g.Tags = nil
	}
	g.UpdateTime = time.Now().UTC().Truncate(time.Second)
	return nil, nil
}
