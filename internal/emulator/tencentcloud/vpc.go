package tencentcloud

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type tag struct {
	Key   string
	Value string
}

type filter struct {
	Name   string
	Values []string
}

// securityGroupSet is a group as the VPC API lists it.
func securityGroupSet(g *SecurityGroup) map[string]any {
	tags := []tag{}
	for _, k := range slices.Sorted(maps.Keys(g.Tags)) {
		tags = append(tags, tag{k, g.Tags[k]})
	}
	return map[string]any{
		"SecurityGroupId":   g.ID,
		"SecurityGroupName": g.Name,
		"SecurityGroupDesc": g.Description,
		"ProjectId":         g.ProjectID,
		"IsDefault":         g.IsDefault,
		"CreatedTime":       apiTime(g.CreatedTime),
		"UpdateTime":        apiTime(g.UpdateTime),
		"TagSet":            tags,
	}
}

func checkGroupText(name, description *string) *apiError {
	if name != nil && (*name == "" || utf8.RuneCountInString(*name) > maxGroupName) {
		return errorf("InvalidParameterValue.Range", "The value of `GroupName` must be 1 to %d characters long.", maxGroupName)
	}
	if description != nil && utf8.RuneCountInString(*description) > maxGroupDescription {
		return errorf("InvalidParameterValue.Range", "The value of `GroupDescription` must be at most %d characters long.", maxGroupDescription)
	}
	return nil
}

func checkGroupID(id string) *apiError {
	if !groupIDPattern.MatchString(id) {
		return errorf("InvalidParameterValue.Malformed", "The value `%s` of parameter `SecurityGroupId` is malformed.", id)
	}
	return nil
}

// createSecurityGroup serves VPC CreateSecurityGroup. It takes no
// idempotency token: every call that arrives creates a group.
func (c *Cloud) createSecurityGroup(req *apiRequest) (map[string]any, *apiError) {
	var p struct {
		GroupName        *string
		GroupDescription *string
		ProjectId        *string
		Tags             []tag
	}
	if err := decode(req.body, &p); err != nil {
		return nil, err
	}
	if p.GroupName == nil || p.GroupDescription == nil {
		return nil, errorf("MissingParameter", "The request is missing the required parameters `GroupName` and `GroupDescription`.")
	}
	if err := checkGroupText(p.GroupName, p.GroupDescription); err != nil {
		return nil, err
	}
	project := "0"
	if p.ProjectId != nil {
		if _, err := strconv.ParseUint(*p.ProjectId, 10, 64); err != nil {
			return nil, errorf("InvalidParameterValue", "The value `%s` of parameter `ProjectId` is not a project ID.", *p.ProjectId)
		}
		project = *p.ProjectId
	}
	tags := map[string]string{}
	for _, t := range p.Tags {
		if t.Key == "" {
			return nil, errorf("InvalidParameterValue", "A tag key must not be empty.")
		}
		tags[t.Key] = t.Value
	}
	if len(tags) == 0 {
		tags = nil
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	quota := c.state.SecurityGroupQuota
	if quota == 0 {
		quota = defaultGroupQuota
	}
	n := 0
	for _, g := range c.state.SecurityGroups {
		if g.Region == req.region {
			n++
		}
	}
	if n >= quota {
		return nil, errorf("LimitExceeded", "The number of security groups in %s has reached the quota of %d.", req.region, quota)
	}
	now := time.Now().UTC().Truncate(time.Second)
	g := SecurityGroup{
		ID: newID("sg"), Name: *p.GroupName, Description: *p.GroupDescription, Region: req.region,
		ProjectID: project, Tags: tags, CreatedTime: now, UpdateTime: now,
	}
	c.state.SecurityGroups = append(c.state.SecurityGroups, g)
	return map[string]any{"SecurityGroup": securityGroupSet(&g)}, nil
}

// pageParams are VPC's Offset and Limit, strings in this API.
func pageParams(offset, limit *string) (int, int, *apiError) {
	o, l := 0, 20
	if offset != nil {
		v, err := strconv.Atoi(*offset)
		if err != nil || v < 0 {
			return 0, 0, errorf("InvalidParameterValue.Range", "The value `%s` of parameter `Offset` is out of range.", *offset)
		}
		o = v
	}
	if limit != nil {
		v, err := strconv.Atoi(*limit)
		if err != nil || v < 1 || v > 100 {
			return 0, 0, errorf("InvalidParameterValue.Range", "The value `%s` of parameter `Limit` is out of range [1, 100].", *limit)
		}
		l = v
	}
	return o, l, nil
}

// describeSecurityGroups serves VPC DescribeSecurityGroups: by IDs (an
// unknown ID is ResourceNotFound) or by filters, paged with string Offset/Limit.
func (c *Cloud) describeSecurityGroups(req *apiRequest) (map[string]any, *apiError) {
	var p struct {
		SecurityGroupIds []string
		Filters          []filter
		Offset           *string
		Limit            *string
		OrderField       *string
		OrderDirection   *string
	}
	if err := decode(req.body, &p); err != nil {
		return nil, err
	}
	if len(p.SecurityGroupIds) > 0 && len(p.Filters) > 0 {
		return nil, errorf("InvalidParameter.Coexist", "The parameters `SecurityGroupIds` and `Filters` cannot be specified at the same time.")
	}
	offset, limit, perr := pageParams(p.Offset, p.Limit)
	if perr != nil {
		return nil, perr
	}
	for _, id := range p.SecurityGroupIds {
		if err := checkGroupID(id); err != nil {
			return nil, err
		}
	}

	c.mu.RLock()
	defer c.mu.RUnlock()
	var matched []*SecurityGroup
	if len(p.SecurityGroupIds) > 0 {
		for _, id := range p.SecurityGroupIds {
			g := c.state.group(req.region, id)
			if g == nil {
				return nil, errorf("ResourceNotFound", "The specified resource `%s` is not found.", id)
			}
			matched = append(matched, g)
		}
	} else {
		for i := range c.state.SecurityGroups {
			g := &c.state.SecurityGroups[i]
			if g.Region != req.region {
				continue
			}
			ok, err := groupMatches(g, p.Filters)
			if err != nil {
				return nil, err
			}
			if ok {
				matched = append(matched, g)
			}
		}
	}
	set := []map[string]any{}
	for i := offset; i < len(matched) && i < offset+limit; i++ {
		set = append(set, securityGroupSet(matched[i]))
	}
	return map[string]any{"SecurityGroupSet": set, "TotalCount": len(matched)}, nil
}

func groupMatches(g *SecurityGroup, filters []filter) (bool, *apiError) {
	for _, f := range filters {
		var value string
		var ok bool
		switch {
		case f.Name == "security-group-id":
			value, ok = g.ID, true
		case f.Name == "security-group-name":
			value, ok = g.Name, true
		case f.Name == "project-id":
			value, ok = g.ProjectID, true
		case f.Name == "tag-key":
			if !slices.ContainsFunc(f.Values, func(k string) bool { _, has := g.Tags[k]; return has }) {
				return false, nil
			}
			continue
		case strings.HasPrefix(f.Name, "tag:"):
			value, ok = g.Tags[strings.TrimPrefix(f.Name, "tag:")]
		default:
			return false, errorf("InvalidParameterValue.FilterNotSupported", "The filter `%s` is not supported.", f.Name)
		}
		if !ok || !slices.Contains(f.Values, value) {
			return false, nil
		}
	}
	return true, nil
}

// modifySecurityGroupAttribute serves VPC ModifySecurityGroupAttribute.
func (c *Cloud) modifySecurityGroupAttribute(req *apiRequest) (map[string]any, *apiError) {
	var p struct {
		SecurityGroupId  string
		GroupName        *string
		GroupDescription *string
	}
	if err := decode(req.body, &p); err != nil {
		return nil, err
	}
	if err := checkGroupID(p.SecurityGroupId); err != nil {
		return nil, err
	}
	if p.GroupName == nil && p.GroupDescription == nil {
		return nil, errorf("MissingParameter", "At least one of `GroupName` and `GroupDescription` is required.")
	}
	if err := checkGroupText(p.GroupName, p.GroupDescription); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.state.group(req.region, p.SecurityGroupId)
	if g == nil {
		return nil, errorf("ResourceNotFound", "The specified resource `%s` is not found.", p.SecurityGroupId)
	}
	if p.GroupName != nil {
		g.Name = *p.GroupName
	}
	if p.GroupDescription != nil {
		g.Description = *p.GroupDescription
	}
	g.UpdateTime = time.Now().UTC().Truncate(time.Second)
	return nil, nil
}

// deleteSecurityGroup serves VPC DeleteSecurityGroup. API 3.0 has no forced
// flag: a group still bound to instances, or named in another group's
// rules, is ResourceInUse.
func (c *Cloud) deleteSecurityGroup(req *apiRequest) (map[string]any, *apiError) {
	var p struct{ SecurityGroupId string }
	if err := decode(req.body, &p); err != nil {
		return nil, err
	}
	if err := checkGroupID(p.SecurityGroupId); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.state.group(req.region, p.SecurityGroupId)
	if g == nil {
		return nil, errorf("ResourceNotFound", "The specified resource `%s` is not found.", p.SecurityGroupId)
	}
	if refs := c.state.referrers(req.region, g.ID); len(refs) > 0 {
		return nil, errorf("ResourceInUse", "The security group `%s` is referenced by the rules of security groups %s.", g.ID, strings.Join(refs, ", "))
	}
	if n := len(c.state.boundTo(req.region, g.ID)) + c.propagating(g.ID, time.Now()); n > 0 {
		return nil, errorf("ResourceInUse", "The security group `%s` is associated with %d instances.", g.ID, n)
	}
	if n := otherBindingCount(g); n > 0 {
		return nil, errorf("ResourceInUse", "The security group `%s` is associated with %d instances of other services.", g.ID, n)
	}
	if g.IsDefault {
		return nil, errorf("UnsupportedOperation", "The default security group cannot be deleted.")
	}
	id := g.ID
	delete(c.unbinding, id)
	c.state.SecurityGroups = slices.DeleteFunc(c.state.SecurityGroups, func(x SecurityGroup) bool { return x.ID == id })
	for i := range c.state.SecurityGroups {
		// The group's own rules go with it.
		other := &c.state.SecurityGroups[i]
		other.References = slices.DeleteFunc(other.References, func(x string) bool { return x == id })
	}
	return nil, nil
}

// describeSecurityGroupReferences serves VPC DescribeSecurityGroupReferences:
// for each group, the groups whose rules reference it.
func (c *Cloud) describeSecurityGroupReferences(req *apiRequest) (map[string]any, *apiError) {
	var p struct{ SecurityGroupIds []string }
	if err := decode(req.body, &p); err != nil {
		return nil, err
	}
	if len(p.SecurityGroupIds) == 0 {
		return nil, errorf("MissingParameter", "The request is missing the required parameter `SecurityGroupIds`.")
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	set := []map[string]any{}
	for _, id := range p.SecurityGroupIds {
		if err := checkGroupID(id); err != nil {
			return nil, err
		}
		if c.state.group(req.region, id) == nil {
			return nil, errorf("ResourceNotFound", "The specified resource `%s` is not found.", id)
		}
		set = append(set, map[string]any{"SecurityGroupId": id, "ReferredSecurityGroupIds": c.state.referrers(req.region, id)})
	}
	return map[string]any{"ReferredSecurityGroupSet": set}, nil
}

func otherBindingCount(g *SecurityGroup) int {
	n := 0
	for _, count := range g.OtherBindings {
		n += count
	}
	return n
}

// describeSecurityGroupAssociationStatistics serves VPC
// DescribeSecurityGroupAssociationStatistics: per group, how many instances
// of each service it is bound to (CVM: the instances that list it, and those
// whose unbinding is still propagating; the others from OtherBindings), how
// many groups' rules reference it (SG), and the total without SG.
func (c *Cloud) describeSecurityGroupAssociationStatistics(req *apiRequest) (map[string]any, *apiError) {
	var p struct{ SecurityGroupIds []string }
	if err := decode(req.body, &p); err != nil {
		return nil, err
	}
	switch {
	case len(p.SecurityGroupIds) == 0:
		return nil, errorf("MissingParameter", "The request is missing the required parameter `SecurityGroupIds`.")
	case len(p.SecurityGroupIds) > maxBatch:
		return nil, errorf("InvalidParameterValue.LimitExceeded", "At most %d `SecurityGroupIds` may be given.", maxBatch)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	now := time.Now()
	set := []map[string]any{}
	for _, id := range p.SecurityGroupIds {
		if err := checkGroupID(id); err != nil {
			return nil, err
		}
		g := c.state.group(req.region, id)
		if g == nil {
			return nil, errorf("ResourceNotFound", "The specified resource `%s` is not found.", id)
		}
		counts := maps.Clone(g.OtherBindings)
		if counts == nil {
			counts = map[string]int{}
		}
		counts["CVM"] = len(c.state.boundTo(req.region, id)) + c.propagating(id, now)
		stats := []map[string]any{}
		total := 0
		for _, kind := range slices.Sorted(maps.Keys(counts)) {
			if counts[kind] > 0 {
				stats = append(stats, map[string]any{"InstanceType": kind, "InstanceCount": counts[kind]})
				total += counts[kind]
			}
		}
		set = append(set, map[string]any{
			"SecurityGroupId": id,
			"CVM":             counts["CVM"], "CDB": counts["CDB"], "ENI": counts["ENI"], "CLB": counts["CLB"],
			"SG":                 len(c.state.referrers(req.region, id)),
			"InstanceStatistics": stats,
			"TotalCount":         total,
		})
	}
	return map[string]any{"SecurityGroupAssociationStatisticsSet": set}, nil
}
