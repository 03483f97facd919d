package huaweicloud_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	vpcmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpc/v3/model"
)

func insertGroups(t *testing.T, e *env, port string, groups ...string) (*vpcmodel.AddSecurityGroupsResponse, error) {
	t.Helper()
	return e.vpc(t).AddSecurityGroups(&vpcmodel.AddSecurityGroupsRequest{
		PortId: port,
		Body:   &vpcmodel.AddSecurityGroupsRequestBody{Port: &vpcmodel.InsertSecurityGroupOption{SecurityGroups: groups}},
	})
}

func removeGroups(t *testing.T, e *env, port string, groups ...string) (*vpcmodel.RemoveSecurityGroupsResponse, error) {
	t.Helper()
	return e.vpc(t).RemoveSecurityGroups(&vpcmodel.RemoveSecurityGroupsRequest{
		PortId: port,
		Body:   &vpcmodel.RemoveSecurityGroupsRequestBody{Port: &vpcmodel.RemoveSecurityGroupOption{SecurityGroups: groups}},
	})
}

func TestPortInsertSecurityGroups(t *testing.T) {
	e := newEnv(t)
	resp, err := insertGroups(t, e, port1a, sgWeb, sgDB)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{sgDefault, sgWeb, sgDB}
	if resp.Port == nil || resp.Port.Id != port1a || !slices.Equal(resp.Port.SecurityGroups, want) || resp.RequestId == nil || *resp.RequestId == "" {
		t.Fatalf("response = %+v", resp)
	}
	if got := portGroups(t, e.cloud)[port1a]; !slices.Equal(got, want) {
		t.Fatalf("port groups = %v, want %v", got, want)
	}
	if p := portAt(t, e, port1a); p.UpdatedAt == nil || !time.Time(*p.UpdatedAt).After(created) {
		t.Fatalf("updated_at not moved: %v", p.UpdatedAt)
	}

	// A group already on the port is not duplicated and keeps its place.
	if _, err := insertGroups(t, e, port1a, sgDB, sgDefault); err != nil {
		t.Fatal(err)
	}
	if got := portGroups(t, e.cloud)[port1a]; !slices.Equal(got, want) {
		t.Fatalf("after re-insert, port groups = %v, want %v", got, want)
	}

	// Only this port changes, not its server's other port.
	if got := portGroups(t, e.cloud)[port1b]; !slices.Equal(got, []string{sgDefault}) {
		t.Fatalf("sibling port groups = %v", got)
	}
}

func TestPortInsertAtIndex(t *testing.T) {
	e := newEnv(t)
	index := int32(0)
	_, err := e.vpc(t).AddSecurityGroups(&vpcmodel.AddSecurityGroupsRequest{
		PortId: port2,
		Body:   &vpcmodel.AddSecurityGroupsRequestBody{Port: &vpcmodel.InsertSecurityGroupOption{SecurityGroups: []string{sgWeb}, Index: &index}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := portGroups(t, e.cloud)[port2]; !slices.Equal(got, []string{sgWeb, sgDefault}) {
		t.Fatalf("port groups = %v", got)
	}
}

func TestPortRemoveSecurityGroups(t *testing.T) {
	e := newEnv(t)
	if _, err := insertGroups(t, e, port1a, sgWeb, sgDB); err != nil {
		t.Fatal(err)
	}
	resp, err := removeGroups(t, e, port1a, sgWeb, sgDefault)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Port == nil || resp.Port.Id != port1a || !slices.Equal(resp.Port.SecurityGroups, []string{sgDB}) ||
		resp.Port.Status != "ACTIVE" || resp.RequestId == nil {
		t.Fatalf("response = %+v", resp)
	}
	// Removing groups the port no longer lists succeeds and changes nothing.
	if _, err := removeGroups(t, e, port1a, sgWeb); err != nil {
		t.Fatalf("repeated remove: %v", err)
	}
	if got := portGroups(t, e.cloud)[port1a]; !slices.Equal(got, []string{sgDB}) {
		t.Fatalf("port groups = %v", got)
	}
}

// TestPortRemoveBody checks the remove answer's shape against the documented
// example: the port object with its list fields, and request_id.
func TestPortRemoveBody(t *testing.T) {
	e := newEnv(t)
	status, text := e.signedCall(t, credentials(t, accessKey, secretKey, projectID), "PUT",
		"/v3/"+projectID+"/ports/"+portSpare+"/remove-security-groups",
		map[string]any{"port": map[string]any{"security_groups": []string{sgWeb}}}, nil)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, text)
	}
	var doc struct {
		Port      map[string]json.RawMessage `json:"port"`
		RequestID string                     `json:"request_id"`
	}
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "name", "status", "security_groups", "allowed_address_pairs", "extra_dhcp_opts", "private_ips",
		"binding:vif_type", "binding:vnic_type", "port_security_enabled", "created_at", "updated_at", "virsubnet_id", "tags"} {
		if _, ok := doc.Port[k]; !ok {
			t.Errorf("port has no %q: %s", k, text)
		}
	}
	if string(doc.Port["security_groups"]) != "[]" || doc.RequestID == "" {
		t.Fatalf("body = %s", text)
	}
}

func TestPortSecurityGroupErrors(t *testing.T) {
	e := newEnv(t)
	const missingPort = "00000000-0000-4000-8000-000000000000"

	_, err := insertGroups(t, e, missingPort, sgWeb)
	if se := serviceError(t, err, http.StatusNotFound); se.ErrorCode != "VPC.2502" {
		t.Fatalf("insert on missing port: %+v", se)
	}
	_, err = removeGroups(t, e, missingPort, sgWeb)
	if se := serviceError(t, err, http.StatusNotFound); se.ErrorCode != "VPC.2502" {
		t.Fatalf("remove from missing port: %+v", se)
	}
	// A group of another project is as unknown as one that does not exist;
	// nothing of a failed insert is applied.
	_, err = insertGroups(t, e, port1a, sgWeb, sgOther)
	if se := serviceError(t, err, http.StatusNotFound); se.ErrorCode != "VPC.0603" {
		t.Fatalf("insert of unknown group: %+v", se)
	}
	if got := portGroups(t, e.cloud)[port1a]; !slices.Equal(got, []string{sgDefault}) {
		t.Fatalf("failed insert changed the port: %v", got)
	}
	// The port of another project is not found.
	_, err = e.vpcAs(t, accessKey, secretKey, otherProject).AddSecurityGroups(&vpcmodel.AddSecurityGroupsRequest{
		PortId: port1a,
		Body:   &vpcmodel.AddSecurityGroupsRequestBody{Port: &vpcmodel.InsertSecurityGroupOption{SecurityGroups: []string{sgOther}}},
	})
	if se := serviceError(t, err, http.StatusNotFound); se.ErrorCode != "VPC.2502" {
		t.Fatalf("port of another project: %+v", se)
	}

	creds := credentials(t, accessKey, secretKey, projectID)
	for _, body := range []any{
		map[string]any{},
		map[string]any{"port": map[string]any{"security_groups": []string{}}},
		map[string]any{"port": map[string]any{"security_groups": []string{""}}},
	} {
		for _, action := range []string{"insert-security-groups", "remove-security-groups"} {
			status, text := e.signedCall(t, creds, "PUT", "/v3/"+projectID+"/ports/"+port1a+"/"+action, body, nil)
			if status != http.StatusBadRequest || !json.Valid([]byte(text)) {
				t.Errorf("%s with %v: %d %s", action, body, status, text)
			}
		}
	}
}

func TestPortSecurityGroupsLog(t *testing.T) {
	e := newEnv(t)
	if _, err := insertGroups(t, e, port2, sgWeb); err != nil {
		t.Fatal(err)
	}
	if _, err := removeGroups(t, e, port2, sgWeb); err != nil {
		t.Fatal(err)
	}
	recs := e.emu.Requests()
	if len(recs) != 2 {
		t.Fatalf("log = %+v", recs)
	}
	want := []struct{ action, path, body string }{
		{"AddSecurityGroups", "/v3/" + projectID + "/ports/" + port2 + "/insert-security-groups", `{"port":{"security_groups":["` + sgWeb + `"]}}`},
		{"RemoveSecurityGroups", "/v3/" + projectID + "/ports/" + port2 + "/remove-security-groups", `{"port":{"security_groups":["` + sgWeb + `"]}}`},
	}
	for i, r := range recs {
		if r.Service != "vpc" || r.Action != want[i].action || r.Method != "PUT" || r.Path != want[i].path || r.Status != http.StatusOK {
			t.Fatalf("record %d = %+v", i, r)
		}
		var got, exp any
		if json.Unmarshal([]byte(r.Body), &got) != nil || json.Unmarshal([]byte(want[i].body), &exp) != nil {
			t.Fatalf("record %d body %q", i, r.Body)
		}
		g, _ := json.Marshal(got)
		x, _ := json.Marshal(exp)
		if string(g) != string(x) {
			t.Fatalf("record %d body %s, want %s", i, g, x)
		}
	}
}

func portAt(t *testing.T, e *env, id string) *vpcmodel.Port {
	t.Helper()
	resp, err := e.vpc(t).ShowPort(&vpcmodel.ShowPortRequest{PortId: id})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Port
}
