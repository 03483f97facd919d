package huaweicloud

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Nova server actions the emulator performs. Other actions are answered as
// Nova answers an action it does not know.
const (
	actionAddSecurityGroup    = "addSecurityGroup"
	actionRemoveSecurityGroup = "removeSecurityGroup"
)

// malformedServerAction names, in the log, a server action whose body does
// not name exactly one action.
const malformedServerAction = "ServerAction"

// serverActionName is the action a server action body names: its only key.
func serverActionName(body []byte) string {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil || len(doc) != 1 {
		return malformedServerAction
	}
	for name := range doc {
		return name
	}
	return malformedServerAction
}

// novaSecurityGroup is a group as Nova lists it for a server.
type novaSecurityGroup struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	TenantID    string `json:"tenant_id"`
	Rules       []any  `json:"rules"`
}

// listServerSecurityGroups serves
// GET /v2.1/{project_id}/servers/{server_id}/os-security-groups.
func (c *Cloud) listServerSecurityGroups(rp reply, req *apiRequest) {
	projectID, serverID := req.path["project_id"], req.path["server_id"]

	c.mu.RLock()
	srv := c.state.server(projectID, serverID)
	if srv == nil {
		c.mu.RUnlock()
		rp.novaError(http.StatusNotFound, novaNotFound, fmt.Sprintf("Instance %s could not be found.", serverID))
		return
	}
	groups := []novaSecurityGroup{}
	for _, id := range srv.SecurityGroups {
		// A group deleted out of band no longer shows.
		if g := c.state.group(projectID, id); g != nil {
			groups = append(groups, novaSecurityGroup{ID: g.ID, Name: g.Name, Description: g.Description, TenantID: g.ProjectID, Rules: []any{}})
		}
	}
	c.mu.RUnlock()

	rp.json(http.StatusOK, map[string]any{"security_groups": groups})
}

// serverAction serves POST /v2.1/{project_id}/servers/{server_id}/action for
// {"addSecurityGroup": {"name": ...}} and {"removeSecurityGroup": {"name": ...}}.
// The name is a group ID or a group name within the project; the change
// applies to the server and to every port of the server.
func (c *Cloud) serverAction(rp reply, req *apiRequest) {
	projectID, serverID := req.path["project_id"], req.path["server_id"]

	action := serverActionName(req.body)
	if action == malformedServerAction {
		rp.novaError(http.StatusBadRequest, novaBadRequest, "Malformed request body: expected one server action")
		return
	}
	if action != actionAddSecurityGroup && action != actionRemoveSecurityGroup {
		rp.novaError(http.StatusBadRequest, novaBadRequest, "There is no such action: "+action)
		return
	}
	var body map[string]struct {
		Name *string `json:"name"`
	}
	if err := json.Unmarshal(req.body, &body); err != nil || body[action].Name == nil || *body[action].Name == "" {
		rp.novaError(http.StatusBadRequest, novaBadRequest, fmt.Sprintf("Invalid input for field/attribute %s. 'name' is a required non-empty string", action))
		return
	}
	ref := *body[action].Name

	c.mu.Lock()
	defer c.mu.Unlock()
	srv := c.state.server(projectID, serverID)
	if srv == nil {
		rp.novaError(http.StatusNotFound, novaNotFound, fmt.Sprintf("Instance %s could not be found.", serverID))
		return
	}
	group, fault := c.resolveGroup(projectID, ref)
	if fault != nil {
		fault.answer(rp)
		return
	}

	// As upstream Nova answers (Huawei documents nothing else for these
	// actions: "Returned Values for General Requests" only): addSecurityGroup
	// of a group already on the server is no error, the group is merely kept
	// (nova/network/security_group_api.py add_to_instance); removeSecurityGroup
	// of a group on none of the server's ports raises SecurityGroupNotFound,
	// a 404 (remove_from_instance; nova/api/openstack/compute/security_groups.py).
	add := action == actionAddSecurityGroup
	if !add && !slices.Contains(srv.SecurityGroups, group.ID) {
		rp.novaError(http.StatusNotFound, novaNotFound, fmt.Sprintf("Security group %s not associated with the instance %s", ref, serverID))
		return
	}

	apply := func(ids []string) ([]string, bool) {
		has := slices.Contains(ids, group.ID)
		switch {
		case add && !has:
			return append(ids, group.ID), true
		case !add && has:
			return slices.DeleteFunc(ids, func(id string) bool { return id == group.ID }), true
		}
		return ids, false
	}
	srv.SecurityGroups, _ = apply(srv.SecurityGroups)
	now := time.Now().UTC().Truncate(time.Second)
	for i := range c.state.Ports {
		p := &c.state.Ports[i]
		if p.DeviceID != serverID || p.ProjectID != projectID {
			continue
		}
		if ids, changed := apply(p.SecurityGroups); changed {
			p.SecurityGroups, p.UpdatedAt = ids, now
		}
	}
	rp.empty(http.StatusAccepted)
}

// novaFault is a Nova error answer: HTTP status, fault name, message.
type novaFault struct {
	status  int
	name    string
	message string
}

// answer writes the fault; its code is one of the novaFault literals.
func (f *novaFault) answer(rp reply) { rp.novaError(f.status, f.name, f.message) }

// resolveGroup finds a group by ID, else by name within the project, as Nova
// does; without a unique match it returns the fault to answer.
func (c *Cloud) resolveGroup(projectID, ref string) (*SecurityGroup, *novaFault) {
	if g := c.state.group(projectID, ref); g != nil {
		return g, nil
	}
	switch named := c.state.groupsNamed(projectID, ref); len(named) {
	case 0:
		return nil, &novaFault{http.StatusNotFound, novaNotFound, fmt.Sprintf("Security group %s not found.", ref)}
	case 1:
		return named[0], nil
	default:
		return nil, &novaFault{http.StatusConflict, novaConflict,
			fmt.Sprintf("Multiple security groups found matching '%s'. Use an ID to be more specific.", ref)}
	}
}
