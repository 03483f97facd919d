package huaweicloud

import (
	"net/http"
	"net/url"
)

// keystoneProject is one project as IAM's Keystone API lists it.
type keystoneProject struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	DomainID    string            `json:"domain_id"`
	ParentID    string            `json:"parent_id"`
	Description string            `json:"description"`
	Enabled     bool              `json:"enabled"`
	IsDomain    bool              `json:"is_domain"`
	Links       map[string]string `json:"links"`
}

// listProjects serves GET /v3/projects[?name=<region>], which the SDK calls
// to find a region's project ID when a client is built without one.
func (c *Cloud) listProjects(rp reply, req *apiRequest) {
	query := req.r.URL.Query()
	base := "http://" + req.r.Host + "/v3/projects"

	c.mu.RLock()
	projects := []keystoneProject{}
	for _, p := range c.state.Projects {
		if query.Has("name") && p.Name != query.Get("name") {
			continue
		}
		projects = append(projects, keystoneProject{
			ID:       p.ID,
			Name:     p.Name,
			DomainID: p.DomainID,
			// A region's project hangs directly under the account's domain.
			ParentID: p.DomainID,
			Enabled:  true,
			Links:    map[string]string{"self": base + "/" + url.PathEscape(p.ID)},
		})
	}
	c.mu.RUnlock()

	self := base
	if req.r.URL.RawQuery != "" {
		self += "?" + req.r.URL.RawQuery
	}
	rp.json(http.StatusOK, map[string]any{
		"projects": projects,
		"links":    map[string]any{"self": self, "previous": nil, "next": nil},
	})
}
