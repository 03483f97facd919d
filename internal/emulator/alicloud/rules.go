package alicloud

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Security group egress rules, shared by ECS (2014-05-26) and ENS
// (2017-11-10). Both APIs take a rule as a tuple of flat parameters and find
// it again by that tuple; ECS also names each rule with a SecurityGroupRuleId
// and takes a ClientToken for idempotent writes. ENS is case-sensitive about
// protocol and policy values, ECS is not; both echo them back in their own
// case ("TCP", "Accept").

// defaultRuleLimit is ECS's documented default: 200 rules per group.
const defaultRuleLimit = 200

// Permission is one egress rule. ECS-only fields stay empty on ENS groups.
type Permission struct {
	RuleID           string `json:"rule_id,omitempty"` // ECS: sgr-...
	IPProtocol       string `json:"ip_protocol"`       // lower case
	PortRange        string `json:"port_range"`
	SourcePortRange  string `json:"source_port_range,omitempty"`
	DestCidrIP       string `json:"dest_cidr_ip,omitempty"`
	Ipv6DestCidrIP   string `json:"ipv6_dest_cidr_ip,omitempty"`
	DestGroupID      string `json:"dest_group_id,omitempty"`
	DestPrefixListID string `json:"dest_prefix_list_id,omitempty"`
	// DestGroupOwnerAccount: DestGroupID is another account's group (ECS
	// fixtures only; the provider does not create such rules).
	DestGroupOwnerAccount string `json:"dest_group_owner_account,omitempty"`
	NicType               string `json:"nic_type,omitempty"`
	Policy                string `json:"policy"` // lower case
	Priority              int    `json:"priority"`
	Description           string `json:"description,omitempty"`
	CreateTime            string `json:"create_time,omitempty"`
	// ClientToken is the ECS token of the request that created the rule, so
	// that a retry of that request succeeds instead of meeting a duplicate.
	ClientToken string `json:"client_token,omitempty"`
}

func (p *Permission) normalize() {
	p.IPProtocol = strings.ToLower(p.IPProtocol)
	p.Policy = strings.ToLower(p.Policy)
	if p.Policy == "" {
		p.Policy = "accept"
	}
	if p.Priority == 0 {
		p.Priority = 1
	}
	if p.PortRange == "" {
		p.PortRange = "-1/-1"
	}
	if p.CreateTime == "" {
		p.CreateTime = time.Now().UTC().Format("2006-01-02T15:04:05Z")
	}
}

// sameRule reports whether two rules are the same rule for the API: every
// field of the tuple but the description.
func (p *Permission) sameRule(q *Permission) bool {
	return p.IPProtocol == q.IPProtocol && p.PortRange == q.PortRange &&
		normPortRange(p.SourcePortRange) == normPortRange(q.SourcePortRange) &&
		p.DestCidrIP == q.DestCidrIP && p.Ipv6DestCidrIP == q.Ipv6DestCidrIP &&
		p.DestGroupID == q.DestGroupID && p.DestPrefixListID == q.DestPrefixListID &&
		p.NicType == q.NicType && p.Policy == q.Policy && p.Priority == q.Priority
}

func normPortRange(s string) string {
	if s == "-1/-1" {
		return ""
	}
	return s
}

func (g *SecurityGroup) limit() int {
	if g.RuleLimit > 0 {
		return g.RuleLimit
	}
	return defaultRuleLimit
}

// checkRules validates a fixture's rules as the API would have.
func (g *SecurityGroup) checkRules(service string) []error {
	var errs []error
	for i := range g.Egress {
		p := g.Egress[i]
		if err := validatePermission(service, &p); err != nil {
			errs = append(errs, fmt.Errorf("security group %s: egress rule %d: %s", g.ID, i, err.Message))
		}
		for j := range i {
			if g.Egress[j].sameRule(&p) {
				errs = append(errs, fmt.Errorf("security group %s: egress rules %d and %d are the same rule", g.ID, j, i))
			}
		}
	}
	return errs
}

func (s *State) ensSecurityGroup(id string) *SecurityGroup {
	for i := range s.EnsSecurityGroups {
		if g := &s.EnsSecurityGroups[i]; g.ID == id {
			return g
		}
	}
	return nil
}

// group finds the request's group: ECS groups are regional, ENS groups are not.
func (s *State) group(rq *Request) (*SecurityGroup, *Error) {
	id := rq.Get("SecurityGroupId")
	if id == "" {
		return nil, missing("SecurityGroupId")
	}
	var g *SecurityGroup
	if rq.Service == "ens" {
		g = s.ensSecurityGroup(id)
	} else {
		g = s.securityGroup(rq.Region, id)
	}
	if g == nil {
		return nil, Errorf(http.StatusBadRequest, "InvalidSecurityGroupId.NotFound", "The specified SecurityGroupId does not exist.")
	}
	return g, nil
}

func missing(name string) *Error {
	return Errorf(http.StatusBadRequest, "MissingParameter", "The input parameter %q that is mandatory for processing this request is not supplied.", name)
}

func invalid(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, "InvalidParameter", "The errorMessage is %s. Please check it again.", fmt.Sprintf(format, args...))
}

// permissionFrom reads a rule's tuple from the request's parameters, with the
// documented defaults, and validates it.
func permissionFrom(rq *Request) (*Permission, *Error) {
	if rq.Get("IpProtocol") == "" {
		return nil, missing("IpProtocol")
	}
	p := &Permission{
		IPProtocol:      rq.Get("IpProtocol"),
		PortRange:       rq.Get("PortRange"),
		SourcePortRange: rq.Get("SourcePortRange"),
		DestCidrIP:      rq.Get("DestCidrIp"),
		Policy:          rq.Get("Policy"),
	}
	if rq.Service == "ecs" {
		// ENS AuthorizeSecurityGroupEgress has no Description parameter (doc
		// and SDK): like any unknown parameter, it is ignored there.
		p.Description = rq.Get("Description")
		p.Ipv6DestCidrIP = rq.Get("Ipv6DestCidrIp")
		p.DestGroupID = rq.Get("DestGroupId")
		p.DestPrefixListID = rq.Get("DestPrefixListId")
		p.NicType = strings.ToLower(rq.Get("NicType"))
		if p.NicType == "" {
			p.NicType = "intranet"
		}
	}
	if s := rq.Get("Priority"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, invalid("Priority %q is not a number", s)
		}
		p.Priority = n
	} else {
		p.Priority = 1
	}
	if p.Policy == "" {
		p.Policy = "accept"
	}
	if p.PortRange == "" {
		switch strings.ToLower(p.IPProtocol) {
		case "tcp", "udp":
			return nil, missing("PortRange")
		default:
			p.PortRange = "-1/-1"
		}
	}
	if err := validatePermission(rq.Service, p); err != nil {
		return nil, err
	}
	p.IPProtocol, p.Policy = strings.ToLower(p.IPProtocol), strings.ToLower(p.Policy)
	return p, nil
}

// validatePermission applies each API's documented value rules.
func validatePermission(service string, p *Permission) *Error {
	protocols := []string{"tcp", "udp", "icmp", "gre", "all"}
	proto, policy := p.IPProtocol, p.Policy
	if service == "ecs" {
		protocols = append(protocols, "icmpv6")
		proto, policy = strings.ToLower(proto), strings.ToLower(policy)
	}
	if !slices.Contains(protocols, proto) {
		return invalid("IpProtocol %q must be one of %s", p.IPProtocol, strings.Join(protocols, ", "))
	}
	if policy != "accept" && policy != "drop" {
		return invalid("Policy %q must be accept or drop", p.Policy)
	}
	if p.Priority < 1 || p.Priority > 100 {
		return invalid("Priority %d must be between 1 and 100", p.Priority)
	}
	if err := checkPortRange("PortRange", p.PortRange, proto); err != nil {
		return err
	}
	if p.SourcePortRange != "" {
		if err := checkPortRange("SourcePortRange", p.SourcePortRange, proto); err != nil {
			return err
		}
	}
	dests := 0
	if p.DestCidrIP != "" {
		dests++
		if !isIPv4OrCIDR(p.DestCidrIP) {
			return invalid("DestCidrIp %q is not an IPv4 address or CIDR block", p.DestCidrIP)
		}
	}
	if p.Ipv6DestCidrIP != "" {
		dests++
		if !isIPv6OrCIDR(p.Ipv6DestCidrIP) {
			return invalid("Ipv6DestCidrIp %q is not an IPv6 address or CIDR block", p.Ipv6DestCidrIP)
		}
	}
	if p.DestGroupID != "" {
		dests++
	}
	if p.DestPrefixListID != "" {
		dests++
	}
	if service == "ecs" {
		if dests != 1 {
			return invalid("exactly one of DestCidrIp, Ipv6DestCidrIp, DestGroupId and DestPrefixListId must be given")
		}
		if p.NicType != "" && p.NicType != "internet" && p.NicType != "intranet" {
			return invalid("NicType %q must be internet or intranet", p.NicType)
		}
	}
	return nil
}

// checkPortRange: "start/end" with 1 ≤ start ≤ end ≤ 65535 for tcp and udp,
// only "-1/-1" for the other protocols.
func checkPortRange(name, value, proto string) *Error {
	start, end, ok := strings.Cut(value, "/")
	a, errA := strconv.Atoi(start)
	b, errB := strconv.Atoi(end)
	if !ok || errA != nil || errB != nil {
		return invalid("%s %q must be start/end", name, value)
	}
	if proto == "tcp" || proto == "udp" {
		if a < 1 || b > 65535 || a > b {
			return invalid("%s %q must be between 1/1 and 65535/65535 with start <= end for %s", name, value, proto)
		}
		return nil
	}
	if a != -1 || b != -1 {
		return invalid("%s must be -1/-1 for %s, got %q", name, proto, value)
	}
	return nil
}

func isIPv4OrCIDR(s string) bool {
	if pfx, err := netip.ParsePrefix(s); err == nil {
		return pfx.Addr().Is4()
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

func isIPv6OrCIDR(s string) bool {
	if pfx, err := netip.ParsePrefix(s); err == nil {
		return pfx.Addr().Is6()
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6()
}

func newRuleID() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return "sgr-" + hex.EncodeToString(b)
}

// authorizeEgress serves AuthorizeSecurityGroupEgress on both APIs.
func authorizeEgress(s *State, rq *Request) (map[string]any, *Error) {
	g, err := s.group(rq)
	if err != nil {
		return nil, err
	}
	p, err := permissionFrom(rq)
	if err != nil {
		return nil, err
	}
	token := ""
	if rq.Service == "ecs" {
		token = rq.Get("ClientToken")
	}
	for i := range g.Egress {
		q := &g.Egress[i]
		if token != "" && q.ClientToken == token {
			return nil, nil // the retry of a request that succeeded
		}
		if q.sameRule(p) && rq.Service == "ecs" {
			// ECS's reference today: authorizing a rule that exists
			// succeeds and creates nothing.
			return nil, nil
		}
		if q.sameRule(p) {
			return nil, Errorf(http.StatusBadRequest, "SecurityGroupRuleConflict.Duplicated", "The SecurityGroup rule already exists.")
		}
	}
	if len(g.Egress) >= g.limit() {
		return nil, Errorf(http.StatusBadRequest, "AuthorizationLimitExceed", "The limit of authorization records in the security group reaches.")
	}
	if rq.Service == "ecs" {
		p.RuleID = newRuleID()
		p.ClientToken = token
	}
	p.normalize()
	g.Egress = append(g.Egress, *p)
	return nil, nil
}

// revokeEgress serves RevokeSecurityGroupEgress: by the tuple on both APIs,
// or on ECS by SecurityGroupRuleId.N.
func revokeEgress(s *State, rq *Request) (map[string]any, *Error) {
	g, err := s.group(rq)
	if err != nil {
		return nil, err
	}
	notFound := Errorf(http.StatusBadRequest, "SecurityGroupRule.NotFound", "The input security group rule does not exist.")
	if rq.Service == "ecs" {
		// Since mid-2024 ECS refuses to revoke a rule that is not there.
		notFound = Errorf(http.StatusBadRequest, "InvalidSecurityGroupRule.RuleNotExist", "The specified security group rule does not exist.")
		var ids []string
		for n := 1; rq.Has(fmt.Sprintf("SecurityGroupRuleId.%d", n)); n++ {
			ids = append(ids, rq.Get(fmt.Sprintf("SecurityGroupRuleId.%d", n)))
		}
		if len(ids) > 0 {
			for _, id := range ids {
				if !slices.ContainsFunc(g.Egress, func(p Permission) bool { return p.RuleID == id }) {
					return nil, notFound
				}
			}
			g.Egress = slices.DeleteFunc(g.Egress, func(p Permission) bool { return slices.Contains(ids, p.RuleID) })
			return nil, nil
		}
	}
	p, err := permissionFrom(rq)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(g.Egress, func(q Permission) bool { return q.sameRule(p) })
	if i < 0 {
		return nil, notFound
	}
	g.Egress = slices.Delete(g.Egress, i, i+1)
	return nil, nil
}

// modifyEgress serves ECS ModifySecurityGroupEgressRule for a rule named by
// its SecurityGroupRuleId. Only the description is changed; the emulator
// refuses other changes rather than ignoring them.
func modifyEgress(s *State, rq *Request) (map[string]any, *Error) {
	g, err := s.group(rq)
	if err != nil {
		return nil, err
	}
	id := rq.Get("SecurityGroupRuleId")
	if id == "" {
		return nil, missing("SecurityGroupRuleId")
	}
	i := slices.IndexFunc(g.Egress, func(p Permission) bool { return p.RuleID == id })
	if i < 0 {
		return nil, Errorf(http.StatusBadRequest, "InvalidSecurityGroupRule.RuleNotExist", "The specified security group rule does not exist.")
	}
	for _, name := range []string{"IpProtocol", "PortRange", "SourcePortRange", "DestCidrIp", "Ipv6DestCidrIp", "DestGroupId", "DestPrefixListId", "NicType", "Policy", "Priority"} {
		if rq.Has(name) {
			return nil, invalid("the emulator's ModifySecurityGroupEgressRule changes only Description, not %s", name)
		}
	}
	if rq.Has("Description") {
		g.Egress[i].Description = rq.Get("Description")
	}
	return nil, nil
}

// describeAttribute serves DescribeSecurityGroupAttribute with the egress
// rules in each SDK's response shape. ECS filters by Direction and pages
// with MaxResults/NextToken, 500 rules a page by default (its reference).
func describeAttribute(s *State, rq *Request) (map[string]any, *Error) {
	g, err := s.group(rq)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"SecurityGroupId":   g.ID,
		"SecurityGroupName": g.Name,
		"Description":       g.Description,
	}
	perms := []map[string]any{}
	if rq.Service == "ens" {
		for _, p := range g.Egress {
			perms = append(perms, map[string]any{
				"Direction":       "egress",
				"IpProtocol":      strings.ToUpper(p.IPProtocol),
				"PortRange":       p.PortRange,
				"SourcePortRange": p.SourcePortRange,
				"DestCidrIp":      p.DestCidrIP,
				"SourceCidrIp":    "",
				"Policy":          apiCase(p.Policy),
				"Priority":        p.Priority,
				"Description":     p.Description,
				"CreationTime":    p.CreateTime,
			})
		}
		out["Permissions"] = map[string]any{"Permission": perms}
		return out, nil
	}

	out["RegionId"], out["VpcId"], out["InnerAccessPolicy"] = g.RegionID, g.VpcID, "Accept"
	rules := g.Egress
	if d := strings.ToLower(rq.Get("Direction")); d == "ingress" {
		rules = nil
	} else if d != "" && d != "egress" && d != "all" {
		return nil, invalid("Direction %q must be ingress, egress or all", rq.Get("Direction"))
	}
	size, start := 500, 0
	if rq.Has("MaxResults") {
		n, err := strconv.Atoi(rq.Get("MaxResults"))
		if err != nil {
			n = 0
		}
		size = n
	}
	if t := rq.Get("NextToken"); t != "" {
		start, _ = strconv.Atoi(strings.TrimPrefix(t, "page-"))
	}
	if size < 10 || size > 1000 || start < 0 || start > len(rules) {
		return nil, invalid("MaxResults must be 10 to 1000 and NextToken a token this API returned")
	}
	end := min(start+size, len(rules))
	if end < len(rules) {
		out["NextToken"] = fmt.Sprintf("page-%d", end)
	}
	rules = rules[start:end]
	for _, p := range rules {
		perms = append(perms, map[string]any{
			"SecurityGroupRuleId":   p.RuleID,
			"Direction":             "egress",
			"IpProtocol":            strings.ToUpper(p.IPProtocol),
			"PortRange":             p.PortRange,
			"SourcePortRange":       p.SourcePortRange,
			"DestCidrIp":            p.DestCidrIP,
			"Ipv6DestCidrIp":        p.Ipv6DestCidrIP,
			"DestGroupId":           p.DestGroupID,
			"DestPrefixListId":      p.DestPrefixListID,
			"DestGroupOwnerAccount": p.DestGroupOwnerAccount,
			"NicType":               p.NicType,
			"Policy":                apiCase(p.Policy),
			"Priority":              strconv.Itoa(p.Priority),
			"Description":           p.Description,
			"CreateTime":            p.CreateTime,
		})
	}
	out["Permissions"] = map[string]any{"Permission": perms}
	return out, nil
}

// apiCase is how Describe spells a policy: "Accept", "Drop".
func apiCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
