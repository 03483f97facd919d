package huaweicloud

import (
	"net/http"
	"strings"
)

// apiRequest is an authenticated request matched to a route.
type apiRequest struct {
	r    *http.Request
	body []byte
	path map[string]string // values of the route's {placeholders}
}

type route struct {
	method  string
	pattern []string // path segments; "{name}" matches any non-empty segment
	service string
	action  string // empty: the request body names the action (Nova server actions)
	handle  func(c *Cloud, rp reply, req *apiRequest)
}

// routes is every API the emulator serves. Anything else is answered as the
// gateway answers an unpublished API.
var routes = buildRoutes()

func buildRoutes() []route {
	rs := []route{
		newRoute("GET", "/v3/projects", "iam", "KeystoneListProjects", (*Cloud).listProjects),

		newRoute("GET", "/v3/{project_id}/ports/{port_id}", "vpc", "ShowPort", (*Cloud).showPort),
		newRoute("GET", "/v3/{project_id}/ports", "vpc", "ListPorts", (*Cloud).listPorts),
		newRoute("GET", "/v1/{project_id}/cloudservers/detail", "ecs", "ListServersDetails", (*Cloud).listServersDetails),
		newRoute("PUT", "/v3/{project_id}/ports/{port_id}/insert-security-groups", "vpc", "AddSecurityGroups", (*Cloud).insertPortSecurityGroups),
		newRoute("PUT", "/v3/{project_id}/ports/{port_id}/remove-security-groups", "vpc", "RemoveSecurityGroups", (*Cloud).removePortSecurityGroups),
		newRoute("GET", "/v3/{project_id}/vpc/security-groups", "vpc", "ListSecurityGroups", (*Cloud).listSecurityGroups),
		newRoute("GET", "/v3/{project_id}/vpc/security-groups/{security_group_id}", "vpc", "ShowSecurityGroup", (*Cloud).showSecurityGroup),
	}
	// ECS serves its Nova-compatible API under both version prefixes.
	for _, version := range []string{"v2.1", "v2"} {
		rs = append(rs,
			newRoute("GET", "/"+version+"/{project_id}/servers/{server_id}/os-security-groups", "ecs", "NovaListServerSecurityGroups", (*Cloud).listServerSecurityGroups),
			newRoute("POST", "/"+version+"/{project_id}/servers/{server_id}/action", "ecs", "", (*Cloud).serverAction),
		)
	}
	return rs
}

func newRoute(method, pattern, service, action string, handle func(*Cloud, reply, *apiRequest)) route {
	return route{method: method, pattern: splitPath(pattern), service: service, action: action, handle: handle}
}

func splitPath(p string) []string { return strings.Split(strings.TrimPrefix(p, "/"), "/") }

// lookup finds the route for a method and path, and the path's placeholder values.
func lookup(method, path string) (*route, map[string]string) {
	segments := splitPath(path)
	for i := range routes {
		rt := &routes[i]
		if rt.method != method || len(rt.pattern) != len(segments) {
			continue
		}
		if params, ok := rt.match(segments); ok {
			return rt, params
		}
	}
	return nil, nil
}

func (rt *route) match(segments []string) (map[string]string, bool) {
	params := map[string]string{}
	for i, p := range rt.pattern {
		if name, ok := strings.CutPrefix(p, "{"); ok {
			if segments[i] == "" {
				return nil, false
			}
			params[strings.TrimSuffix(name, "}")] = segments[i]
			continue
		}
		if p != segments[i] {
			return nil, false
		}
	}
	return params, true
}
