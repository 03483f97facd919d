package alicloud

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ECS security-group membership of instances and ENIs: JoinSecurityGroup,
// LeaveSecurityGroup, DescribeInstanceAttribute and
// DescribeNetworkInterfaceAttribute. Error codes and HTTP statuses follow the
// LeaveSecurityGroup reference (api-docs/alicloud-ecs-leave-security-group.md,
// and its 2024-07-08 change for a member not in the group) and, for the codes
// only JoinSecurityGroup has, its reference page. The provider's codes table
// (internal/alicloud/errors.go) names the source of each.
func init() {
	actions["ecs"]["JoinSecurityGroup"] = joinSecurityGroup
	actions["ecs"]["LeaveSecurityGroup"] = leaveSecurityGroup
	actions["ecs"]["DescribeInstanceAttribute"] = describeInstanceAttribute
	actions["ecs"]["DescribeNetworkInterfaceAttribute"] = describeNetworkInterfaceAttribute
	actions["ecs"]["DescribeInstances"] = describeInstances
	actions["ecs"]["DescribeNetworkInterfaces"] = describeNetworkInterfaces
}

// maxBatchIDs is the most IDs DescribeInstances' InstanceIds and
// DescribeNetworkInterfaces' NetworkInterfaceId.N take.
const maxBatchIDs = 100

// listPage is how a describe pages: by PageNumber/PageSize (the API's
// original paging, answered with TotalCount), or by MaxResults/NextToken
// (the paging the references now recommend; used as soon as either is sent,
// and answered without TotalCount: the references say it is not returned
// then).
type listPage struct {
	token        bool
	number, size int // PageNumber/PageSize
	from         int // the NextToken's offset
}

// pageParams reads PageNumber (from 1) and PageSize (1 to maxSize, default
// 10), or MaxResults (minResults to maxResults, default 10) and NextToken (a
// token this API answered).
func pageParams(rq *Request, maxSize, minResults, maxResults int) (listPage, *Error) {
	invalid := func(name string) *Error {
		return Errorf(http.StatusBadRequest, "InvalidParameter", "The specified parameter %q is not valid.", name)
	}
	atoi := func(name string, lo, hi, def int) (int, *Error) {
		raw := rq.Get(name)
		if raw == "" {
			return def, nil
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < lo || n > hi {
			return 0, invalid(name)
		}
		return n, nil
	}
	var p listPage
	var err *Error
	if rq.Has("MaxResults") || rq.Has("NextToken") {
		p.token = true
		if p.size, err = atoi("MaxResults", minResults, maxResults, 10); err != nil {
			return p, err
		}
		if t := rq.Get("NextToken"); t != "" {
			n, ok := strings.CutPrefix(t, "next-")
			from, convErr := strconv.Atoi(n)
			if !ok || convErr != nil || from < 1 {
				return p, invalid("NextToken")
			}
			p.from = from
		}
		return p, nil
	}
	if p.number, err = atoi("PageNumber", 1, 1<<30, 1); err != nil {
		return p, err
	}
	p.size, err = atoi("PageSize", 1, maxSize, 10)
	return p, err
}

// slice is the part of n items the page holds, and what the answer says
// about paging: TotalCount/PageNumber/PageSize, or NextToken while more are
// left.
func (p listPage) slice(n int, out map[string]any) (from, to int) {
	if p.token {
		from = min(p.from, n)
		to = min(from+p.size, n)
		out["MaxResults"] = p.size
		if to < n {
			out["NextToken"] = "next-" + strconv.Itoa(to)
		}
		return from, to
	}
	from = min((p.number-1)*p.size, n)
	to = min(from+p.size, n)
	out["TotalCount"], out["PageNumber"], out["PageSize"] = n, p.number, p.size
	return from, to
}

// describeInstances serves ECS DescribeInstances in a region, with
// InstanceIds (a JSON array of up to 100 IDs; IDs that match no instance are
// simply not listed), SecurityGroupId (the instances in that group; a group
// that does not exist has none), and PageNumber/PageSize (at most 100) or
// MaxResults (1 to 100)/NextToken paging.
func describeInstances(s *State, rq *Request) (map[string]any, *Error) {
	if rq.Region == "" {
		return nil, Errorf(http.StatusBadRequest, "MissingParameter.RegionId", "The specified RegionId should not be null.")
	}
	var ids []string
	if raw := rq.Get("InstanceIds"); raw != "" {
		if json.Unmarshal([]byte(raw), &ids) != nil {
			return nil, Errorf(http.StatusBadRequest, "InvalidInstanceIds.Malformed", "The specified parameter InstanceIds is not valid.")
		}
		if len(ids) > maxBatchIDs {
			return nil, Errorf(http.StatusBadRequest, "InvalidInstanceIds.ValueNotSupported", "The specified parameter InstanceIds can contain at most %d items.", maxBatchIDs)
		}
	}
	p, perr := pageParams(rq, maxBatchIDs, 1, maxBatchIDs)
	if perr != nil {
		return nil, perr
	}
	group := rq.Get("SecurityGroupId")
	var matched []*Instance
	for i := range s.Instances {
		in := &s.Instances[i]
		if in.RegionID == rq.Region && (ids == nil || slices.Contains(ids, in.ID)) && (group == "" || slices.Contains(in.SecurityGroupIDs, group)) {
			matched = append(matched, in)
		}
	}
	out := map[string]any{}
	from, to := p.slice(len(matched), out)
	list := []map[string]any{}
	for _, in := range matched[from:to] {
		in.observe()
		list = append(list, map[string]any{
			"InstanceId":       in.ID,
			"InstanceName":     in.Name,
			"Status":           in.Status,
			"RegionId":         in.RegionID,
			"VpcAttributes":    map[string]any{"VpcId": in.VpcID},
			"SecurityGroupIds": map[string]any{"SecurityGroupId": slices.Clone(in.SecurityGroupIDs)},
		})
	}
	out["Instances"] = map[string]any{"Instance": list}
	return out, nil
}

// describeNetworkInterfaces serves ECS DescribeNetworkInterfaces in a region,
// with NetworkInterfaceId.1 to .100 (IDs that match no ENI are simply not
// listed), SecurityGroupId (the ENIs in that group), and PageNumber/PageSize
// (at most 1000) or MaxResults (10 to 500)/NextToken paging.
func describeNetworkInterfaces(s *State, rq *Request) (map[string]any, *Error) {
	if rq.Region == "" {
		return nil, Errorf(http.StatusBadRequest, "MissingParameter.RegionId", "The specified RegionId should not be null.")
	}
	var ids []string
	for k := range rq.Params {
		if n, ok := strings.CutPrefix(k, "NetworkInterfaceId."); ok {
			i, err := strconv.Atoi(n)
			if err != nil || i < 1 || i > maxBatchIDs {
				return nil, Errorf(http.StatusBadRequest, "InvalidParameter", "The specified parameter %q is not valid: at most %d NetworkInterfaceId.N.", k, maxBatchIDs)
			}
			ids = append(ids, rq.Get(k))
		}
	}
	p, perr := pageParams(rq, 1000, 10, 500)
	if perr != nil {
		return nil, perr
	}
	group := rq.Get("SecurityGroupId")
	var matched []*NetworkInterface
	for i := range s.NetworkInterfaces {
		n := &s.NetworkInterfaces[i]
		if n.RegionID == rq.Region && (ids == nil || slices.Contains(ids, n.ID)) && (group == "" || slices.Contains(n.SecurityGroupIDs, group)) {
			matched = append(matched, n)
		}
	}
	out := map[string]any{}
	from, to := p.slice(len(matched), out)
	list := []map[string]any{}
	for _, n := range matched[from:to] {
		list = append(list, map[string]any{
			"NetworkInterfaceId":   n.ID,
			"NetworkInterfaceName": n.Name,
			"Type":                 n.Type,
			"Status":               n.Status,
			"InstanceId":           n.InstanceID,
			"VpcId":                n.VpcID,
			"ServiceManaged":       n.ServiceManaged,
			"SecurityGroupIds":     map[string]any{"SecurityGroupId": slices.Clone(n.SecurityGroupIDs)},
		})
	}
	out["NetworkInterfaceSets"] = map[string]any{"NetworkInterfaceSet": list}
	return out, nil
}

// defaultGroupQuota is ECS's default quota of groups per instance or ENI.
const defaultGroupQuota = 5

var (
	instanceIDPattern = regexp.MustCompile(`^i-[a-z0-9]+$`)
	eniIDPattern      = regexp.MustCompile(`^eni-[a-z0-9]+$`)
)

// member is the instance or the ENI a membership call names, resolved.
type member struct {
	instance *Instance
	eni      *NetworkInterface
	region   string
	groups   *[]string
	quota    int // the member's GroupQuota
}

// groupQuota is how many groups the member may be in.
func (m *member) groupQuota() int {
	if m.quota > 0 {
		return m.quota
	}
	return defaultGroupQuota
}

// resolveMember checks the parameters both write actions share and finds the
// instance or ENI and the group, in the order the real API reports problems:
// parameters first, then existence, then the member's state.
func resolveMember(s *State, rq *Request) (*member, *Error) {
	instanceID, eniID, groupID := rq.Get("InstanceId"), rq.Get("NetworkInterfaceId"), rq.Get("SecurityGroupId")
	switch {
	case groupID == "":
		return nil, Errorf(http.StatusBadRequest, "MissingParameter", `The input parameter "SecurityGroupId" that is mandatory for processing this request is not supplied.`)
	case instanceID != "" && eniID != "":
		return nil, Errorf(http.StatusForbidden, "InvalidParam.EniIdAndInstanceId.Conflict", "The parameters InstanceId and NetworkInterfaceId are mutually exclusive.")
	case instanceID == "" && eniID == "":
		return nil, Errorf(http.StatusBadRequest, "MissingParameter", `The input parameter "InstanceId" or "NetworkInterfaceId" that is mandatory for processing this request is not supplied.`)
	case instanceID != "" && !instanceIDPattern.MatchString(instanceID):
		return nil, Errorf(http.StatusBadRequest, "InvalidInstanceId.Malformed", `The specified parameter "InstanceId" is not valid.`)
	case eniID != "" && !eniIDPattern.MatchString(eniID):
		return nil, Errorf(http.StatusForbidden, "InvalidParam.Malformed", "The specified parameter NetworkInterfaceId %q is not valid.", eniID)
	case eniID != "" && rq.Region == "":
		return nil, Errorf(http.StatusBadRequest, "MissingParameter.RegionId", "The specified RegionId should not be null.")
	}

	m := &member{region: rq.Region}
	if instanceID != "" {
		m.instance = s.findInstance(rq.Region, instanceID)
		if m.instance == nil {
			return nil, Errorf(http.StatusNotFound, "InvalidInstanceId.NotFound", "The specified InstanceId does not exist.")
		}
		m.instance.observe()
		m.region, m.groups, m.quota = m.instance.RegionID, &m.instance.SecurityGroupIDs, m.instance.GroupQuota
	} else {
		m.eni = s.networkInterface(rq.Region, eniID)
		if m.eni == nil {
			return nil, Errorf(http.StatusNotFound, "InvalidEniId.NotFound", "The specified EniId %q is not found.", eniID)
		}
		m.eni.observe()
		m.groups, m.quota = &m.eni.SecurityGroupIDs, m.eni.GroupQuota
	}
	g := s.securityGroup(m.region, groupID)
	if g == nil {
		return nil, Errorf(http.StatusNotFound, "InvalidSecurityGroupId.NotFound", "The specified SecurityGroupId does not exist.")
	}
	if g.ManagedByCloudProduct {
		return nil, Errorf(http.StatusForbidden, "InvalidOperation.ResourceManagedByCloudProduct", "The security group %s is managed by a cloud product and cannot be modified.", groupID)
	}
	if in := m.instance; in != nil {
		if in.LockedForSecurity {
			return nil, Errorf(http.StatusForbidden, "InstanceLockedForSecurity", "The specified operation is denied as your instance is locked for security reasons.")
		}
		if in.Status != "Running" && in.Status != "Stopped" {
			return nil, Errorf(http.StatusForbidden, "IncorrectInstanceStatus", "The current status of the resource does not support this operation.")
		}
	}
	if n := m.eni; n != nil {
		if n.ServiceManaged {
			return nil, Errorf(http.StatusForbidden, "InvalidOperation.EniServiceManaged", "The network interface %s is managed by a cloud service.", n.ID)
		}
		if n.Type != "Primary" && n.Type != "Secondary" {
			return nil, Errorf(http.StatusForbidden, "InvalidOperation.InvalidEniType", "The operation is not supported for a network interface of type %s.", n.Type)
		}
		if n.Status != "Available" && n.Status != "InUse" {
			return nil, Errorf(http.StatusBadRequest, "InvalidOperation.InvalidEniState", "The operation is not supported while the network interface is %s.", n.Status)
		}
	}
	return m, nil
}

// findInstance finds an instance in the request's region; without a RegionId
// (optional for instances) in any region, as the instance ID is global.
func (s *State) findInstance(region, id string) *Instance {
	if region != "" {
		return s.instance(region, id)
	}
	for i := range s.Instances {
		if s.Instances[i].ID == id {
			return &s.Instances[i]
		}
	}
	return nil
}

func joinSecurityGroup(s *State, rq *Request) (map[string]any, *Error) {
	m, err := resolveMember(s, rq)
	if err != nil {
		return nil, err
	}
	groupID := rq.Get("SecurityGroupId")
	g := s.securityGroup(m.region, groupID)
	var vpc string
	if m.instance != nil {
		vpc = m.instance.VpcID
	} else {
		vpc = m.eni.VpcID
	}
	switch {
	case slices.Contains(*m.groups, groupID):
		// The JoinSecurityGroup reference's code for an instance (and the one
		// alicloud checks); the emulator answers an ENI's duplicate join with
		// it too.
		return nil, Errorf(http.StatusForbidden, "InvalidInstanceId.AlreadyExists", "The specified instance already exists in the specified security group.")
	case g.VpcID != "" && vpc != "" && g.VpcID != vpc:
		return nil, Errorf(http.StatusBadRequest, "InvalidInstanceId.Mismatch", "Specified instance and security group are not in the same VPC.")
	case len(*m.groups) >= m.groupQuota():
		return nil, Errorf(http.StatusBadRequest, "InstanceSecurityGroupLimitExceeded", "Exceeding the allowed amount of security groups that an instance can be in.")
	}
	*m.groups = append(*m.groups, groupID)
	return nil, nil
}

func leaveSecurityGroup(s *State, rq *Request) (map[string]any, *Error) {
	m, err := resolveMember(s, rq)
	if err != nil {
		return nil, err
	}
	groupID := rq.Get("SecurityGroupId")
	i := slices.Index(*m.groups, groupID)
	switch {
	case i < 0:
		// Since 2024-07-08 (the reference's note); before, 403
		// InstanceNotInSecurityGroup, which the provider accepts too.
		return nil, Errorf(http.StatusBadRequest, "InvalidSecurityGroupAssociation.NotFound", "The specified security group association does not exist.")
	case len(*m.groups) == 1 && m.instance != nil:
		return nil, Errorf(http.StatusForbidden, "InstanceLastSecurityGroup", "The specified security group is the last security group for the instance.")
	case len(*m.groups) == 1:
		return nil, Errorf(http.StatusForbidden, "InvalidOperation.AtLeastInOneGroup", "The network interface %s must belong to at least one security group.", m.eni.ID)
	}
	*m.groups = slices.Delete(*m.groups, i, i+1)
	return nil, nil
}

// describeInstanceAttribute answers in the shape of the SDK's
// DescribeInstanceAttributeResponse; a missing instance is 404
// InvalidInstanceId.NotFound.
func describeInstanceAttribute(s *State, rq *Request) (map[string]any, *Error) {
	id := rq.Get("InstanceId")
	if id == "" {
		return nil, Errorf(http.StatusBadRequest, "MissingParameter", `The input parameter "InstanceId" that is mandatory for processing this request is not supplied.`)
	}
	in := s.findInstance(rq.Region, id)
	if in == nil {
		return nil, Errorf(http.StatusNotFound, "InvalidInstanceId.NotFound", "The specified InstanceId does not exist.")
	}
	in.observe()
	return map[string]any{
		"InstanceId":       in.ID,
		"InstanceName":     in.Name,
		"Status":           in.Status,
		"RegionId":         in.RegionID,
		"VpcAttributes":    map[string]any{"VpcId": in.VpcID},
		"SecurityGroupIds": map[string]any{"SecurityGroupId": slices.Clone(in.SecurityGroupIDs)},
	}, nil
}

// describeNetworkInterfaceAttribute answers in the shape of the SDK's
// DescribeNetworkInterfaceAttributeResponse. A missing ENI is 404
// InvalidEniId.NotFound, the code every ECS ENI operation's error table
// gives for an unknown NetworkInterfaceId.
func describeNetworkInterfaceAttribute(s *State, rq *Request) (map[string]any, *Error) {
	id := rq.Get("NetworkInterfaceId")
	switch {
	case id == "":
		return nil, Errorf(http.StatusBadRequest, "MissingParameter", `The input parameter "NetworkInterfaceId" that is mandatory for processing this request is not supplied.`)
	case rq.Region == "":
		return nil, Errorf(http.StatusBadRequest, "MissingParameter.RegionId", "The specified RegionId should not be null.")
	}
	n := s.networkInterface(rq.Region, id)
	if n == nil {
		return nil, Errorf(http.StatusNotFound, "InvalidEniId.NotFound", "The specified EniId %q is not found.", id)
	}
	return map[string]any{
		"NetworkInterfaceId":   n.ID,
		"NetworkInterfaceName": n.Name,
		"Type":                 n.Type,
		"Status":               n.Status,
		"InstanceId":           n.InstanceID,
		"VpcId":                n.VpcID,
		"ServiceManaged":       n.ServiceManaged,
		"SecurityGroupIds":     map[string]any{"SecurityGroupId": slices.Clone(n.SecurityGroupIDs)},
	}, nil
}
