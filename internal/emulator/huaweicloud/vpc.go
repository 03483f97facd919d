package huaweicloud

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// vpcTimeFormat is how VPC v3 writes times, e.g. "2023-05-10T01:35:02.000+00:00".
const vpcTimeFormat = "2006-01-02T15:04:05.000-07:00"

// defaultEnterpriseProject is the enterprise project every emulated group is in.
const defaultEnterpriseProject = "0"

// maxListLimit is the largest page VPC v3 list calls return.
const maxListLimit = 2000

func vpcTime(t time.Time) string { return t.UTC().Format(vpcTimeFormat) }

type privateIP struct {
	SubnetCidrID string `json:"subnet_cidr_id"`
	IPAddress    string `json:"ip_address"`
}

// vpcPort is a port as VPC v3 shows it.
type vpcPort struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	Description          string         `json:"description"`
	Status               string         `json:"status"`
	AdminStateUp         bool           `json:"admin_state_up"`
	ProjectID            string         `json:"project_id"`
	TenantID             string         `json:"tenant_id"`
	DeviceID             string         `json:"device_id"`
	DeviceOwner          string         `json:"device_owner"`
	MACAddress           string         `json:"mac_address"`
	SecurityGroups       []string       `json:"security_groups"`
	PrivateIPs           []privateIP    `json:"private_ips"`
	PortSecurityEnabled  bool           `json:"port_security_enabled"`
	VirsubnetID          string         `json:"virsubnet_id"`
	VpcID                string         `json:"vpc_id"`
	InstanceID           string         `json:"instance_id"`
	InstanceType         string         `json:"instance_type"`
	EcsFlavor            string         `json:"ecs_flavor"`
	ZoneID               string         `json:"zone_id"`
	Scope                string         `json:"scope"`
	PositionType         string         `json:"position_type"`
	EnableEfi            bool           `json:"enable_efi"`
	Tags                 []any          `json:"tags"`
	AllowedAddressPairs  []any          `json:"allowed_address_pairs"`
	ExtraDhcpOpts        []any          `json:"extra_dhcp_opts"`
	BindingHostID        string         `json:"binding:host_id"`
	BindingVifType       string         `json:"binding:vif_type"`
	BindingVnicType      string         `json:"binding:vnic_type"`
	BindingVifDetails    map[string]any `json:"binding:vif_details"`
	BindingProfile       map[string]any `json:"binding:profile"`
	BindingMigrationInfo map[string]any `json:"binding:migration_info"`
	CreatedAt            string         `json:"created_at"`
	UpdatedAt            string         `json:"updated_at"`
}

func toVPCPort(p Port) vpcPort {
	ips := []privateIP{}
	if p.FixedIP != "" {
		ips = append(ips, privateIP{IPAddress: p.FixedIP})
	}
	vifType := "unbound"
	if p.DeviceID != "" {
		vifType = "ovs"
	}
	return vpcPort{
		ID:                   p.ID,
		Name:                 p.Name,
		Status:               p.Status,
		AdminStateUp:         true,
		ProjectID:            p.ProjectID,
		TenantID:             p.ProjectID,
		DeviceID:             p.DeviceID,
		DeviceOwner:          p.DeviceOwner,
		MACAddress:           p.MACAddress,
		SecurityGroups:       slices.Clone(p.SecurityGroups),
		PrivateIPs:           ips,
		PortSecurityEnabled:  true,
		Scope:                "center",
		PositionType:         "center",
		Tags:                 []any{},
		AllowedAddressPairs:  []any{},
		ExtraDhcpOpts:        []any{},
		BindingVifType:       vifType,
		BindingVnicType:      "normal",
		BindingVifDetails:    map[string]any{},
		BindingProfile:       map[string]any{},
		BindingMigrationInfo: map[string]any{},
		CreatedAt:            vpcTime(p.CreatedAt),
		UpdatedAt:            vpcTime(p.UpdatedAt),
	}
}

// vpcSecurityGroup is a group as VPC v3 lists it; showing one adds its rules.
type vpcSecurityGroup struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	Description         string `json:"description"`
	ProjectID           string `json:"project_id"`
	EnterpriseProjectID string `json:"enterprise_project_id"`
	Tags                []any  `json:"tags"`
	CreatedAt           string `json:"created_at"`
	UpdatedAt           string `json:"updated_at"`
}

type vpcSecurityGroupDetail struct {
	vpcSecurityGroup
	Rules []any `json:"security_group_rules"`
}

func toVPCSecurityGroup(g SecurityGroup) vpcSecurityGroup {
	return vpcSecurityGroup{
		ID:                  g.ID,
		Name:                g.Name,
		Description:         g.Description,
		ProjectID:           g.ProjectID,
		EnterpriseProjectID: defaultEnterpriseProject,
		Tags:                []any{},
		CreatedAt:           vpcTime(g.CreatedAt),
		UpdatedAt:           vpcTime(g.UpdatedAt),
	}
}

// showPort serves GET /v3/{project_id}/ports/{port_id}.
func (c *Cloud) showPort(rp reply, req *apiRequest) {
	projectID, portID := req.path["project_id"], req.path["port_id"]
	c.mu.RLock()
	p := c.state.port(projectID, portID)
	var body vpcPort
	if p != nil {
		body = toVPCPort(*p)
	}
	c.mu.RUnlock()

	if p == nil {
		rp.apiError(http.StatusNotFound, codePortNotFound, fmt.Sprintf("Port %s could not be found.", portID))
		return
	}
	rp.json(http.StatusOK, map[string]any{"port": body, "request_id": rp.requestID})
}

// listPorts serves GET /v3/{project_id}/ports with the repeatable id,
// device_id and security_groups filters (security_groups: the ports holding
// any of the groups) and limit/marker paging (the marker is the last ID of
// the previous page). Values that match no port are simply not listed.
func (c *Cloud) listPorts(rp reply, req *apiRequest) {
	query := req.r.URL.Query()
	keep := func(param, value string) bool {
		return !query.Has(param) || slices.Contains(query[param], value)
	}
	holds := func(groups []string) bool {
		return !query.Has("security_groups") || slices.ContainsFunc(query["security_groups"], func(g string) bool { return slices.Contains(groups, g) })
	}
	matched := []vpcPort{}
	c.mu.RLock()
	for _, p := range c.state.Ports {
		if p.ProjectID == req.path["project_id"] && keep("id", p.ID) && keep("device_id", p.DeviceID) && holds(p.SecurityGroups) {
			matched = append(matched, toVPCPort(p))
		}
	}
	c.mu.RUnlock()
	page, pageInfo, ok := listPage(rp, query, "port", matched, func(p vpcPort) string { return p.ID })
	if !ok {
		return
	}
	rp.json(http.StatusOK, map[string]any{"ports": page, "page_info": pageInfo, "request_id": rp.requestID})
}

// showSecurityGroup serves GET /v3/{project_id}/vpc/security-groups/{security_group_id}.
func (c *Cloud) showSecurityGroup(rp reply, req *apiRequest) {
	projectID, groupID := req.path["project_id"], req.path["security_group_id"]
	c.mu.RLock()
	g := c.state.group(projectID, groupID)
	var body vpcSecurityGroupDetail
	if g != nil {
		body = vpcSecurityGroupDetail{vpcSecurityGroup: toVPCSecurityGroup(*g), Rules: []any{}}
	}
	c.mu.RUnlock()

	if g == nil {
		rp.apiError(http.StatusNotFound, codeGroupNotFound, fmt.Sprintf("Security group %s could not be found.", groupID))
		return
	}
	rp.json(http.StatusOK, map[string]any{"security_group": body, "request_id": rp.requestID})
}

// listSecurityGroups serves GET /v3/{project_id}/vpc/security-groups with the
// repeatable id, name and description filters, enterprise_project_id, and
// limit/marker paging (the marker is the last ID of the previous page).
func (c *Cloud) listSecurityGroups(rp reply, req *apiRequest) {
	query := req.r.URL.Query()
	keep := func(param, value string) bool {
		return !query.Has(param) || slices.Contains(query[param], value)
	}
	// Every emulated group is in the default enterprise project.
	ep := query.Get("enterprise_project_id")
	epMatches := ep == "" || ep == defaultEnterpriseProject || ep == "all_granted_eps"

	matched := []vpcSecurityGroup{}
	c.mu.RLock()
	for _, g := range c.state.SecurityGroups {
		if epMatches && g.ProjectID == req.path["project_id"] && keep("id", g.ID) && keep("name", g.Name) && keep("description", g.Description) {
			matched = append(matched, toVPCSecurityGroup(g))
		}
	}
	c.mu.RUnlock()

	page, pageInfo, ok := listPage(rp, query, "security group", matched, func(g vpcSecurityGroup) string { return g.ID })
	if !ok {
		return
	}
	rp.json(http.StatusOK, map[string]any{"security_groups": page, "page_info": pageInfo, "request_id": rp.requestID})
}

// listPage is VPC v3's limit/marker paging of a list query (the marker is the
// last ID of the previous page), with its page_info; a bad limit or an
// unknown marker is answered here, and ok is false.
func listPage[T any](rp reply, query url.Values, noun string, matched []T, id func(T) string) (page []T, pageInfo map[string]any, ok bool) {
	limit := maxListLimit
	if raw := query.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxListLimit {
			rp.apiError(http.StatusBadRequest, codeGroupBadArgument, fmt.Sprintf("Invalid value for limit: %q, it must be an integer from 1 to %d", raw, maxListLimit))
			return nil, nil, false
		}
		limit = n
	}
	if marker := query.Get("marker"); marker != "" {
		i := slices.IndexFunc(matched, func(v T) bool { return id(v) == marker })
		if i < 0 {
			rp.apiError(http.StatusBadRequest, codeGroupBadArgument, fmt.Sprintf("Invalid value for marker: %s %s not found", noun, marker))
			return nil, nil, false
		}
		matched = matched[i+1:]
	}
	page = matched[:min(limit, len(matched))]
	pageInfo = map[string]any{"current_count": len(page), "previous_marker": ""}
	if len(page) > 0 {
		pageInfo["previous_marker"] = id(page[0])
		if len(page) < len(matched) {
			pageInfo["next_marker"] = id(page[len(page)-1])
		}
	}
	return page, pageInfo, true
}

// portSecurityGroupsBody is the body of the port's insert-security-groups and
// remove-security-groups actions; Index is insert-only.
type portSecurityGroupsBody struct {
	Port *struct {
		SecurityGroups []string `json:"security_groups"`
		Index          *int     `json:"index"`
	} `json:"port"`
	DryRun bool `json:"dry_run"`
}

// parsePortSecurityGroups reads an insert or remove body; on a malformed one
// it answers 400 and returns nil.
func parsePortSecurityGroups(rp reply, req *apiRequest) *portSecurityGroupsBody {
	var body portSecurityGroupsBody
	if err := json.Unmarshal(req.body, &body); err != nil || body.Port == nil || len(body.Port.SecurityGroups) == 0 {
		rp.apiError(http.StatusBadRequest, codeGroupBadArgument, "Invalid request body: port.security_groups must be a non-empty list of security group IDs")
		return nil
	}
	for _, id := range body.Port.SecurityGroups {
		if id == "" {
			rp.apiError(http.StatusBadRequest, codeGroupBadArgument, "Invalid request body: security group ID must not be empty")
			return nil
		}
	}
	return &body
}

// insertPortSecurityGroups serves PUT /v3/{project_id}/ports/{port_id}/insert-security-groups:
// every group must exist in the project; a group already on the port stays
// where it is (no duplicate); the others go in at index, else at the end.
func (c *Cloud) insertPortSecurityGroups(rp reply, req *apiRequest) {
	body := parsePortSecurityGroups(rp, req)
	if body == nil {
		return
	}
	projectID, portID := req.path["project_id"], req.path["port_id"]
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.state.port(projectID, portID)
	if p == nil {
		rp.apiError(http.StatusNotFound, codePortNotFound, fmt.Sprintf("Port %s could not be found.", portID))
		return
	}
	var add []string
	for _, id := range body.Port.SecurityGroups {
		if c.state.group(projectID, id) == nil {
			rp.apiError(http.StatusNotFound, codeGroupNotFound, fmt.Sprintf("Securitygroup %s is not exist.", id))
			return
		}
		if !slices.Contains(p.SecurityGroups, id) && !slices.Contains(add, id) {
			add = append(add, id)
		}
	}
	at := len(p.SecurityGroups)
	if i := body.Port.Index; i != nil {
		if *i < 0 {
			rp.apiError(http.StatusBadRequest, codeGroupBadArgument, fmt.Sprintf("Invalid value for index: %d", *i))
			return
		}
		at = min(*i, at)
	}
	if body.DryRun {
		rp.empty(http.StatusAccepted)
		return
	}
	if len(add) > 0 {
		p.SecurityGroups = slices.Insert(p.SecurityGroups, at, add...)
		p.UpdatedAt = time.Now().UTC().Truncate(time.Second)
		c.state.syncServerGroups(p)
	}
	rp.json(http.StatusOK, map[string]any{"port": toVPCPort(*p), "request_id": rp.requestID})
}

// removePortSecurityGroups serves PUT /v3/{project_id}/ports/{port_id}/remove-security-groups.
// Groups the port does not list are ignored, so a repeated remove succeeds.
func (c *Cloud) removePortSecurityGroups(rp reply, req *apiRequest) {
	body := parsePortSecurityGroups(rp, req)
	if body == nil {
		return
	}
	projectID, portID := req.path["project_id"], req.path["port_id"]
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.state.port(projectID, portID)
	if p == nil {
		rp.apiError(http.StatusNotFound, codePortNotFound, fmt.Sprintf("Port %s could not be found.", portID))
		return
	}
	if body.DryRun {
		rp.empty(http.StatusAccepted)
		return
	}
	kept := slices.DeleteFunc(slices.Clone(p.SecurityGroups), func(id string) bool { return slices.Contains(body.Port.SecurityGroups, id) })
	if len(kept) != len(p.SecurityGroups) {
		p.SecurityGroups = kept
		p.UpdatedAt = time.Now().UTC().Truncate(time.Second)
		c.state.syncServerGroups(p)
	}
	rp.json(http.StatusOK, map[string]any{"port": toVPCPort(*p), "request_id": rp.requestID})
}
