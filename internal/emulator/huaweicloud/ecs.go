package huaweicloud

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
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

// ECS v1 error codes of ListServersDetails' parameter checks.
const codeECSBadParameter = "Ecs.0005"

// maxServerIDs is the most IDs ListServersDetails' server_id takes.
const maxServerIDs = 100

// serverDetail is a server as ECS v1 ListServersDetails lists it (the fields
// the provider reads, and a few that make it recognisable).
type serverDetail struct {
	ID             string                `json:"id"`
	Name           string                `json:"name"`
	Status         string                `json:"status"`
	TenantID       string                `json:"tenant_id"`
	SecurityGroups []serverSecurityGroup `json:"security_groups"`
}

type serverSecurityGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// listServersDetails serves GET /v1/{project_id}/cloudservers/detail with
// server_id (up to 100 comma-separated IDs), limit (default 25, at most
// 1000) and offset (the page number, from 1). A server_id that does not
// exist is answered, as ECS does, with an entry holding only its id and a
// fault.
func (c *Cloud) listServersDetails(rp reply, req *apiRequest) {
	query := req.r.URL.Query()
	limit, offset := 25, 1
	for _, p := range []struct {
		name     string
		to       *int
		min, max int
	}{{"limit", &limit, 1, 1000}, {"offset", &offset, 1, 1 << 30}} {
		raw := query.Get(p.name)
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < p.min || n > p.max {
			rp.apiError(http.StatusBadRequest, codeECSBadParameter, fmt.Sprintf("Invalid parameter %s: %q", p.name, raw))
			return
		}
		*p.to = n
	}
	var ids []string
	if raw := query.Get("server_id"); raw != "" {
		ids = strings.Split(raw, ",")
		if len(ids) > maxServerIDs {
			rp.apiError(http.StatusBadRequest, codeECSBadParameter, fmt.Sprintf("Invalid parameter server_id: at most %d IDs, got %d", maxServerIDs, len(ids)))
			return
		}
	}
	projectID := req.path["project_id"]

	var entries []any
	c.mu.RLock()
	detail := func(srv *Server) serverDetail {
		d := serverDetail{ID: srv.ID, Name: srv.Name, Status: srv.Status, TenantID: srv.ProjectID, SecurityGroups: []serverSecurityGroup{}}
		for _, id := range srv.SecurityGroups {
			if g := c.state.group(projectID, id); g != nil {
				d.SecurityGroups = append(d.SecurityGroups, serverSecurityGroup{ID: g.ID, Name: g.Name})
			}
		}
		return d
	}
	if ids != nil {
		for _, id := range ids {
			if srv := c.state.server(projectID, id); srv != nil {
				entries = append(entries, detail(srv))
				continue
			}
			entries = append(entries, map[string]any{"id": id, "fault": map[string]any{
				"code": http.StatusNotFound, "message": "Instance could not be found", "created": time.Now().UTC().Format(time.RFC3339),
			}})
		}
	} else {
		for i := range c.state.Servers {
			if srv := &c.state.Servers[i]; srv.ProjectID == projectID {
				entries = append(entries, detail(srv))
			}
		}
	}
	c.mu.RUnlock()

	total := len(entries)
	from := min((offset-1)*limit, total)
	page := entries[from:min(from+limit, total)]
	if page == nil {
		page = []any{}
	}
	rp.json(http.StatusOK, map[string]any{"count": total, "servers": page})
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
