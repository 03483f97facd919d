package huaweicloud

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// State is everything the emulated Huawei Cloud account holds. Its JSON form
// is the "huaweicloud" part of the emulator's state document.
type State struct {
	Credentials    []Credential    `json:"credentials"`
	Projects       []Project       `json:"projects"`
	SecurityGroups []SecurityGroup `json:"security_groups"`
	Servers        []Server        `json:"servers"`
	Ports          []Port          `json:"ports"`
}

// Credential is an access key pair accepted by the API gateway.
type Credential struct {
	AccessKey string `json:"access_key"`
	SecretKey string `json:"secret_key"`
}

// Project is an IAM project; Huawei Cloud names a region's project after the
// region (for example "cn-north-4").
type Project struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	DomainID string `json:"domain_id,omitempty"`
}

// SecurityGroup is a VPC security group.
type SecurityGroup struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	ProjectID   string    `json:"project_id"`
	CreatedAt   time.Time `json:"created_at,omitzero"`
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
}

// Server is an ECS instance. Its SecurityGroups list is what ECS reports:
// for a server with NICs (ports whose device is the server), the union of
// their groups, as Nova derives a server's groups from its ports; a server
// without NICs is a fixture's shortcut that keeps its own list.
type Server struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	ProjectID      string   `json:"project_id"`
	Status         string   `json:"status"`
	SecurityGroups []string `json:"security_groups"`
}

// Port is a VPC port (NIC). Ports whose DeviceID is a server follow that
// server's security group changes made through ECS.
type Port struct {
	ID             string    `json:"id"`
	Name           string    `json:"name,omitempty"`
	ProjectID      string    `json:"project_id"`
	DeviceID       string    `json:"device_id"`
	DeviceOwner    string    `json:"device_owner"`
	Status         string    `json:"status"`
	MACAddress     string    `json:"mac_address"`
	FixedIP        string    `json:"fixed_ip"`
	SecurityGroups []string  `json:"security_groups"`
	CreatedAt      time.Time `json:"created_at,omitzero"`
	UpdatedAt      time.Time `json:"updated_at,omitzero"`
}

// Clone returns a deep copy.
func (s State) Clone() State {
	out := State{
		Credentials:    slices.Clone(s.Credentials),
		Projects:       slices.Clone(s.Projects),
		SecurityGroups: slices.Clone(s.SecurityGroups),
		Servers:        slices.Clone(s.Servers),
		Ports:          slices.Clone(s.Ports),
	}
	for i := range out.Servers {
		out.Servers[i].SecurityGroups = slices.Clone(out.Servers[i].SecurityGroups)
	}
	for i := range out.Ports {
		out.Ports[i].SecurityGroups = slices.Clone(out.Ports[i].SecurityGroups)
	}
	return out
}

// normalize fills what a fixture may leave out: empty lists, statuses and
// timestamps (set to now, as if the objects had just been created).
func (s *State) normalize(now time.Time) {
	now = now.UTC().Truncate(time.Second)
	if s.Credentials == nil {
		s.Credentials = []Credential{}
	}
	if s.Projects == nil {
		s.Projects = []Project{}
	}
	if s.SecurityGroups == nil {
		s.SecurityGroups = []SecurityGroup{}
	}
	if s.Servers == nil {
		s.Servers = []Server{}
	}
	if s.Ports == nil {
		s.Ports = []Port{}
	}
	for i := range s.SecurityGroups {
		g := &s.SecurityGroups[i]
		g.CreatedAt, g.UpdatedAt = stamps(g.CreatedAt, g.UpdatedAt, now)
	}
	for i := range s.Servers {
		srv := &s.Servers[i]
		if srv.Status == "" {
			srv.Status = "ACTIVE"
		}
		if srv.SecurityGroups == nil {
			srv.SecurityGroups = []string{}
		}
	}
	for i := range s.Ports {
		p := &s.Ports[i]
		if p.Status == "" {
			p.Status = "DOWN"
			if p.DeviceID != "" {
				p.Status = "ACTIVE"
			}
		}
		if p.SecurityGroups == nil {
			p.SecurityGroups = []string{}
		}
		p.CreatedAt, p.UpdatedAt = stamps(p.CreatedAt, p.UpdatedAt, now)
	}
}

func stamps(created, updated, now time.Time) (time.Time, time.Time) {
	if created.IsZero() {
		created = now
	}
	if updated.IsZero() {
		updated = created
	}
	return created, updated
}

// validate rejects states the real cloud could not be in: duplicate IDs,
// dangling references, groups attached across projects.
func (s *State) validate() error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	keys := map[string]bool{}
	for i, c := range s.Credentials {
		switch {
		case c.AccessKey == "" || c.SecretKey == "":
			fail("credentials[%d]: access_key and secret_key are required", i)
		case keys[c.AccessKey]:
			fail("credentials[%d]: duplicate access_key", i)
		}
		keys[c.AccessKey] = true
	}

	projects := map[string]bool{}
	for i, p := range s.Projects {
		switch {
		case p.ID == "" || p.Name == "":
			fail("projects[%d]: id and name are required", i)
		case projects[p.ID]:
			fail("projects[%d]: duplicate id %q", i, p.ID)
		}
		projects[p.ID] = true
	}

	groups := map[string]string{} // id -> project
	for i, g := range s.SecurityGroups {
		where := fmt.Sprintf("security_groups[%d] %q", i, g.ID)
		switch {
		case g.ID == "":
			fail("security_groups[%d]: id is required", i)
		case groups[g.ID] != "":
			fail("%s: duplicate id", where)
		case !projects[g.ProjectID]:
			fail("%s: unknown project_id %q", where, g.ProjectID)
		}
		groups[g.ID] = g.ProjectID
	}
	checkGroups := func(where, project string, ids []string) {
		for j, id := range ids {
			switch {
			case groups[id] == "":
				fail("%s: unknown security group %q", where, id)
			case groups[id] != project:
				fail("%s: security group %q belongs to another project", where, id)
			case slices.Index(ids, id) != j:
				fail("%s: security group %q listed twice", where, id)
			}
		}
	}

	servers := map[string]string{} // id -> project
	for i, srv := range s.Servers {
		where := fmt.Sprintf("servers[%d] %q", i, srv.ID)
		switch {
		case srv.ID == "":
			fail("servers[%d]: id is required", i)
		case servers[srv.ID] != "":
			fail("%s: duplicate id", where)
		case !projects[srv.ProjectID]:
			fail("%s: unknown project_id %q", where, srv.ProjectID)
		}
		servers[srv.ID] = srv.ProjectID
		checkGroups(where, srv.ProjectID, srv.SecurityGroups)
	}

	ports := map[string]bool{}
	for i, p := range s.Ports {
		where := fmt.Sprintf("ports[%d] %q", i, p.ID)
		switch {
		case p.ID == "":
			fail("ports[%d]: id is required", i)
		case ports[p.ID]:
			fail("%s: duplicate id", where)
		case !projects[p.ProjectID]:
			fail("%s: unknown project_id %q", where, p.ProjectID)
		}
		ports[p.ID] = true
		// A compute NIC must belong to a known server, or ECS changes would
		// silently miss it.
		if strings.HasPrefix(p.DeviceOwner, "compute:") && p.DeviceID != "" && servers[p.DeviceID] != p.ProjectID {
			fail("%s: device_id %q is not a server of project %q", where, p.DeviceID, p.ProjectID)
		}
		checkGroups(where, p.ProjectID, p.SecurityGroups)
	}
	for i := range s.Servers {
		srv := &s.Servers[i]
		if union, ok := s.nicGroups(srv); ok && !sameSet(union, srv.SecurityGroups) {
			fail("servers[%d] %q: security_groups %v differ from its NICs' groups %v", i, srv.ID, srv.SecurityGroups, union)
		}
	}
	return errors.Join(errs...)
}

// isNIC reports whether the port is a NIC of the server.
func isNIC(p *Port, srv *Server) bool {
	return p.DeviceID == srv.ID && p.ProjectID == srv.ProjectID && strings.HasPrefix(p.DeviceOwner, "compute:")
}

// nicGroups is the union of the groups of the server's NICs, in order of
// first appearance; ok is false for a server without NICs.
func (s *State) nicGroups(srv *Server) (union []string, ok bool) {
	union = []string{}
	for i := range s.Ports {
		if p := &s.Ports[i]; isNIC(p, srv) {
			ok = true
			for _, g := range p.SecurityGroups {
				if !slices.Contains(union, g) {
					union = append(union, g)
				}
			}
		}
	}
	return union, ok
}

// syncServerGroups makes the server of a NIC whose groups changed through
// VPC list what its NICs hold, as ECS reports it.
func (s *State) syncServerGroups(p *Port) {
	if !strings.HasPrefix(p.DeviceOwner, "compute:") {
		return
	}
	if srv := s.server(p.ProjectID, p.DeviceID); srv != nil {
		if union, ok := s.nicGroups(srv); ok {
			srv.SecurityGroups = union
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func (s *State) project(id string) *Project {
	for i := range s.Projects {
		if s.Projects[i].ID == id {
			return &s.Projects[i]
		}
	}
	return nil
}

func (s *State) server(projectID, id string) *Server {
	for i := range s.Servers {
		if srv := &s.Servers[i]; srv.ID == id && srv.ProjectID == projectID {
			return srv
		}
	}
	return nil
}

func (s *State) port(projectID, id string) *Port {
	for i := range s.Ports {
		if p := &s.Ports[i]; p.ID == id && p.ProjectID == projectID {
			return p
		}
	}
	return nil
}

func (s *State) group(projectID, id string) *SecurityGroup {
	for i := range s.SecurityGroups {
		if g := &s.SecurityGroups[i]; g.ID == id && g.ProjectID == projectID {
			return g
		}
	}
	return nil
}

// groupsNamed returns the project's groups called name.
func (s *State) groupsNamed(projectID, name string) []*SecurityGroup {
	var out []*SecurityGroup
	for i := range s.SecurityGroups {
		if g := &s.SecurityGroups[i]; g.Name == name && g.ProjectID == projectID {
			out = append(out, g)
		}
	}
	return out
}

func (s *State) secretKey(accessKey string) (string, bool) {
	for _, c := range s.Credentials {
		if c.AccessKey == accessKey {
			return c.SecretKey, true
		}
	}
	return "", false
}
