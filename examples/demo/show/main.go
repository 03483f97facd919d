// Command show prints what the demo changed in the emulated cloud. It talks
// to the emulator's admin API (/_emulator/...) and uses only the standard
// library, so the demo needs nothing but Go and terraform.
//
//	show wait   URL                wait until the emulator answers
//	show state  URL                print the emulator's state (JSON)
//	show groups [-same] [-removed ID] BEFORE URL
//	                               the groups of each server, port, instance and ENI: BEFORE file → now
//	show rules  [-same] BEFORE URL each Alibaba Cloud group's egress rules: BEFORE file → now
//	show calls  URL                the API calls logged since the last reset, then reset
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "wait":
		err = wait(arg(args, 0))
	case "state":
		err = printState(arg(args, 0))
	case "groups":
		fs := flag.NewFlagSet("groups", flag.ExitOnError)
		same := fs.Bool("same", false, "fail unless every server has the groups it had in BEFORE")
		removed := fs.String("removed", "", "with -same: a deleted group that may be missing from every server's BEFORE list")
		_ = fs.Parse(args)
		err = groups(arg(fs.Args(), 0), arg(fs.Args(), 1), *same, *removed)
	case "rules":
		fs := flag.NewFlagSet("rules", flag.ExitOnError)
		same := fs.Bool("same", false, "fail unless every group has the rules it had in BEFORE")
		_ = fs.Parse(args)
		err = rules(arg(fs.Args(), 0), arg(fs.Args(), 1), *same)
	case "calls":
		err = calls(arg(args, 0))
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "show:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: show wait URL | state URL | groups [-same] [-removed ID] BEFORE.json URL | rules [-same] BEFORE.json URL | calls URL")
	os.Exit(2)
}

func arg(args []string, i int) string {
	if i >= len(args) {
		usage()
	}
	return args[i]
}

// The parts of the emulator's Huawei Cloud state the demo reads. Decoding is
// lenient on purpose: the demo should not break when the emulator grows.
type state struct {
	HuaweiCloud struct {
		Projects []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"projects"`
		SecurityGroups []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"security_groups"`
		Servers []holder `json:"servers"`
		Ports   []holder `json:"ports"`
	} `json:"huaweicloud"`
	AliCloud struct {
		SecurityGroups    []aliGroup  `json:"security_groups"`
		EnsSecurityGroups []aliGroup  `json:"ens_security_groups"`
		Instances         []aliMember `json:"instances"`
		NetworkInterfaces []aliMember `json:"network_interfaces"`
	} `json:"alicloud"`
	TencentCloud struct {
		SecurityGroups []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"security_groups"`
		Instances []aliMember `json:"instances"`
	} `json:"tencentcloud"`
}

// aliGroup is an Alibaba Cloud (ECS or ENS) security group with its egress rules.
type aliGroup struct {
	ID     string            `json:"id"`
	Name   string            `json:"name"`
	Egress []json.RawMessage `json:"egress"`
}

// aliMember is an Alibaba instance or ENI, or a Tencent instance: the same JSON.
type aliMember struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	SecurityGroupIDs []string `json:"security_group_ids"`
}

// member is anything that is in security groups: a Huawei server or
// standalone port, an Alibaba instance or ENI, a Tencent instance.
type member struct {
	ID, Name string
	Groups   []string
}

func membersOf(s *state) []member {
	var out []member
	for _, h := range s.holders() {
		out = append(out, member{h.ID, h.Name, h.SecurityGroups})
	}
	for _, in := range s.AliCloud.Instances {
		out = append(out, member{in.ID, in.Name, in.SecurityGroupIDs})
	}
	for _, n := range s.AliCloud.NetworkInterfaces {
		out = append(out, member{n.ID, n.ID, n.SecurityGroupIDs})
	}
	for _, in := range s.TencentCloud.Instances {
		out = append(out, member{in.ID, in.Name, in.SecurityGroupIDs})
	}
	return out
}

// holder is a server or a port: something security groups are on.
type holder struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	SecurityGroups []string `json:"security_groups"`
	DeviceID       string   `json:"device_id"` // ports only
}

// holders lists the servers, then the ports that are not a server's NIC
// (those follow their server).
func (s *state) holders() []holder {
	out := slices.Clone(s.HuaweiCloud.Servers)
	for _, p := range s.HuaweiCloud.Ports {
		if !slices.ContainsFunc(s.HuaweiCloud.Servers, func(h holder) bool { return h.ID == p.DeviceID }) {
			out = append(out, p)
		}
	}
	return out
}

// record is one entry of GET /_emulator/requests.
type record struct {
	Cloud   string `json:"cloud"`
	Service string `json:"service"`
	Action  string `json:"action"`
	Method  string `json:"method"`
	Path    string `json:"path"`
	Body    string `json:"body"`
	// Params are an RPC call's parameters (Alibaba Cloud).
	Params    map[string]string `json:"params"`
	Status    int               `json:"status"`
	ErrorCode string            `json:"error_code"`
	Fault     string            `json:"fault"`
}

var client = &http.Client{Timeout: 10 * time.Second}

func do(method, url string) ([]byte, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, bytes.TrimSpace(body))
	}
	return body, nil
}

func wait(base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := do(http.MethodGet, base+"/_emulator/health")
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the emulator at %s did not answer within 30s: %w", base, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func printState(base string) error {
	body, err := do(http.MethodGet, base+"/_emulator/state")
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(append(body, '\n'))
	return err
}

func loadState(raw []byte) (*state, error) {
	var s state
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("reading the emulator state: %w", err)
	}
	return &s, nil
}

// groups prints, per server or instance, its groups in the BEFORE snapshot
// and now, by name, marking what was added (+) and removed (-). removed is a
// group that was deleted: with same, it may be gone from every list.
func groups(beforeFile, base string, same bool, removed string) error {
	raw, err := os.ReadFile(beforeFile)
	if err != nil {
		return err
	}
	before, err := loadState(raw)
	if err != nil {
		return err
	}
	now, err := currentState(base)
	if err != nil {
		return err
	}
	names := namesOf(before, now)
	was := map[string][]string{}
	for _, m := range membersOf(before) {
		was[m.ID] = m.Groups
	}

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	var changed []string
	for _, m := range membersOf(now) {
		old, cur := was[m.ID], m.Groups
		var after []string
		for _, id := range cur {
			mark := ""
			if !slices.Contains(old, id) {
				mark = "+"
			}
			after = append(after, mark+names.of(id))
		}
		for _, id := range old {
			if !slices.Contains(cur, id) {
				after = append(after, "-"+names.of(id))
			}
		}
		status := "unchanged"
		if !sameSet(old, cur) {
			status = "changed"
			if kept := slices.DeleteFunc(slices.Clone(old), func(id string) bool { return id == removed }); removed == "" || !sameSet(kept, cur) {
				changed = append(changed, m.Name)
			}
		}
		fmt.Fprintf(tw, "  %s\t[%s]\t→ [%s]\t%s\n", m.Name, strings.Join(names.all(old), ", "), strings.Join(after, ", "), status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if same && len(changed) > 0 {
		return fmt.Errorf("not back to their original groups: %s", strings.Join(changed, ", "))
	}
	return nil
}

func currentState(base string) (*state, error) {
	raw, err := do(http.MethodGet, base+"/_emulator/state")
	if err != nil {
		return nil, err
	}
	return loadState(raw)
}

// names maps the IDs of groups, servers and projects to their names.
type names map[string]string

func namesOf(states ...*state) names {
	n := names{}
	for _, s := range states {
		for _, p := range s.HuaweiCloud.Projects {
			n[p.ID] = p.Name
		}
		for _, g := range s.HuaweiCloud.SecurityGroups {
			n[g.ID] = g.Name
		}
		for _, h := range append(slices.Clone(s.HuaweiCloud.Servers), s.HuaweiCloud.Ports...) {
			n[h.ID] = h.Name
		}
		for _, g := range append(slices.Clone(s.AliCloud.SecurityGroups), s.AliCloud.EnsSecurityGroups...) {
			n[g.ID] = g.Name
		}
		for _, in := range s.AliCloud.Instances {
			n[in.ID] = in.Name
		}
		for _, g := range s.TencentCloud.SecurityGroups {
			n[g.ID] = g.Name
		}
		for _, in := range s.TencentCloud.Instances {
			n[in.ID] = in.Name
		}
	}
	return n
}

func (n names) of(id string) string {
	if name := n[id]; name != "" {
		return name
	}
	return id
}

func (n names) all(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = n.of(id)
	}
	return out
}

// path shows the known IDs in a request path by name, as <name>.
func (n names) path(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if name := n[part]; name != "" {
			parts[i] = "<" + name + ">"
		}
	}
	return strings.Join(parts, "/")
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// calls prints the API calls in the emulator's log, then clears it so the
// next step shows only its own calls.
func calls(base string) error {
	body, err := do(http.MethodGet, base+"/_emulator/requests")
	if err != nil {
		return err
	}
	var recs []record
	if err := json.Unmarshal(body, &recs); err != nil {
		return fmt.Errorf("reading the request log: %w", err)
	}
	now, err := currentState(base)
	if err != nil {
		return err
	}
	names := namesOf(now)

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	writes := 0
	for _, r := range recs {
		action := r.Action
		if action == "" {
			action = "?"
		}
		result := fmt.Sprint(r.Status)
		if r.ErrorCode != "" {
			result += " " + r.ErrorCode
		}
		if r.Fault != "" {
			result += " (injected " + r.Fault + ")"
		}
		// Alibaba and Tencent Cloud reads are POSTs too; their read actions start with Describe.
		read := r.Method == http.MethodGet || strings.HasPrefix(r.Action, "Describe")
		if !read {
			writes++
			if r.Body != "" {
				result += "  " + compact(r.Body)
			}
			if r.Cloud == "alicloud" {
				result += "  " + rpcParams(r.Params, names)
			}
		}
		fmt.Fprintf(tw, "  %s %s\t%s\t%s\t%s\n", r.Service, action, r.Method, names.path(r.Path), result)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Printf("  %d calls, %d of them changes (IDs in paths shown as <name>)\n", len(recs), writes)
	_, err = do(http.MethodDelete, base+"/_emulator/requests")
	return err
}

// rpcParams shows an RPC call's own parameters, without the protocol's.
func rpcParams(params map[string]string, n names) string {
	var out []string
	for k, v := range params {
		switch k {
		case "Action", "Version", "Format", "AccessKeyId", "Timestamp", "ClientToken",
			"Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "SignatureType":
			continue
		}
		if name := n[v]; name != "" {
			v = "<" + name + ">"
		}
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// compact puts a JSON body on one line; other bodies are shown as they are.
func compact(body string) string {
	var buf bytes.Buffer
	if json.Compact(&buf, []byte(body)) != nil {
		return body
	}
	return buf.String()
}

// rules prints each Alibaba Cloud group's egress rules in the BEFORE snapshot
// and now, marking what was added (+) and removed (-).
func rules(beforeFile, base string, same bool) error {
	raw, err := os.ReadFile(beforeFile)
	if err != nil {
		return err
	}
	before, err := loadState(raw)
	if err != nil {
		return err
	}
	now, err := currentState(base)
	if err != nil {
		return err
	}
	describe := func(groups []aliGroup) map[string][]string {
		out := map[string][]string{}
		for _, g := range groups {
			for _, r := range g.Egress {
				var p struct {
					Protocol    string `json:"ip_protocol"`
					Ports       string `json:"port_range"`
					Dest        string `json:"dest_cidr_ip"`
					Dest6       string `json:"ipv6_dest_cidr_ip"`
					DestGroup   string `json:"dest_group_id"`
					Policy      string `json:"policy"`
					Priority    int    `json:"priority"`
					Description string `json:"description"`
				}
				_ = json.Unmarshal(r, &p)
				rule := fmt.Sprintf("%s %s to %s%s%s %s p%d", p.Protocol, p.Ports, p.Dest, p.Dest6, p.DestGroup, p.Policy, p.Priority)
				if p.Description != "" {
					rule += fmt.Sprintf(" (%s)", p.Description)
				}
				out[g.ID] = append(out[g.ID], rule)
			}
		}
		return out
	}
	var changed []string
	for _, kind := range []struct {
		name          string
		before, after []aliGroup
	}{
		{"ECS", before.AliCloud.SecurityGroups, now.AliCloud.SecurityGroups},
		{"ENS", before.AliCloud.EnsSecurityGroups, now.AliCloud.EnsSecurityGroups},
	} {
		was, is := describe(kind.before), describe(kind.after)
		for _, g := range kind.after {
			fmt.Printf("  %s group %s (%s):\n", kind.name, g.Name, g.ID)
			for _, r := range is[g.ID] {
				mark := "  "
				if !slices.Contains(was[g.ID], r) {
					mark = "+ "
				}
				fmt.Printf("    %s%s\n", mark, r)
			}
			for _, r := range was[g.ID] {
				if !slices.Contains(is[g.ID], r) {
					fmt.Printf("    - %s\n", r)
				}
			}
			if !sameSet(was[g.ID], is[g.ID]) {
				changed = append(changed, g.Name)
			}
		}
	}
	if same && len(changed) > 0 {
		return fmt.Errorf("groups not back to their original rules: %s", strings.Join(changed, ", "))
	}
	return nil
}
