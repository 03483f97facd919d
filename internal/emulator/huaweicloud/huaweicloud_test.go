package huaweicloud_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/impl"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/region"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	ecs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2"
	ecsmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
	vpc "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpc/v3"
	vpcmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpc/v3/model"

	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator/huaweicloud"
)

const (
	accessKey = "EMULATOR-TEST-AK"
	secretKey = "emulator-test-secret"

	projectID    = "0a1b2c3d4e5f40718293a4b5c6d7e8f9"
	otherProject = "9f8e7d6c5b4a40312f1e0d9c8b7a6f5e"
	domainID     = "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"

	sgDefault = "6c2d4540-3b7d-4207-a319-a7231b439995"
	sgWeb     = "8edd3747-ccd4-49a1-82b9-a165eec314b4"
	sgDB      = "a0608cbf-d047-4f54-8b28-cd7b59853fff"
	sgDupA    = "11111111-1111-4111-8111-111111111111"
	sgDupB    = "22222222-2222-4222-8222-222222222222"
	sgOther   = "33333333-3333-4333-8333-333333333333" // in otherProject

	server1 = "5a6b7c8d-1e2f-4a3b-9c4d-5e6f7a8b9c0d"
	server2 = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"

	port1a    = "99fd0c77-56b4-4bf6-8365-df352e45d5fc"
	port1b    = "0b6a6e0c-45e1-4a5e-9d55-3c9f1a2e7b10"
	port2     = "3f1c2b4a-7d6e-4c5b-8a9f-0e1d2c3b4a59"
	portSpare = "d4c3b2a1-0f9e-4d8c-b7a6-95847362f1e0"
)

var created = time.Date(2024, 5, 10, 1, 35, 2, 0, time.UTC)

func fixture() huaweicloud.State {
	return huaweicloud.State{
		Credentials: []huaweicloud.Credential{{AccessKey: accessKey, SecretKey: secretKey}},
		Projects: []huaweicloud.Project{
			{ID: projectID, Name: "cn-north-4", DomainID: domainID},
			{ID: otherProject, Name: "cn-south-1", DomainID: domainID},
		},
		SecurityGroups: []huaweicloud.SecurityGroup{
			{ID: sgDefault, Name: "default", Description: "Default security group", ProjectID: projectID, CreatedAt: created},
			{ID: sgWeb, Name: "web", Description: "HTTP from anywhere", ProjectID: projectID},
			{ID: sgDB, Name: "db", ProjectID: projectID},
			{ID: sgDupA, Name: "dup", ProjectID: projectID},
			{ID: sgDupB, Name: "dup", ProjectID: projectID},
			{ID: sgOther, Name: "web", ProjectID: otherProject},
		},
		Servers: []huaweicloud.Server{
			{ID: server1, Name: "srv-1", ProjectID: projectID, Status: "ACTIVE", SecurityGroups: []string{sgDefault}},
			{ID: server2, Name: "srv-2", ProjectID: projectID, Status: "ACTIVE", SecurityGroups: []string{sgDefault}},
		},
		Ports: []huaweicloud.Port{
			{ID: port1a, ProjectID: projectID, DeviceID: server1, DeviceOwner: "compute:cn-north-4a", Status: "ACTIVE",
				MACAddress: "fa:16:3e:1f:17:df", FixedIP: "192.168.0.10", SecurityGroups: []string{sgDefault}, CreatedAt: created},
			{ID: port1b, ProjectID: projectID, DeviceID: server1, DeviceOwner: "compute:cn-north-4a", Status: "ACTIVE",
				MACAddress: "fa:16:3e:1f:17:e0", FixedIP: "192.168.1.10", SecurityGroups: []string{sgDefault}},
			{ID: port2, ProjectID: projectID, DeviceID: server2, DeviceOwner: "compute:cn-north-4b", Status: "ACTIVE",
				MACAddress: "fa:16:3e:5a:2c:91", FixedIP: "192.168.0.11", SecurityGroups: []string{sgDefault}},
			{ID: portSpare, Name: "spare", ProjectID: projectID, MACAddress: "fa:16:3e:77:08:3b", SecurityGroups: []string{}},
		},
	}
}

type env struct {
	cloud *huaweicloud.Cloud
	emu   *emulator.Server
	url   string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	cloud := huaweicloud.New()
	emu := emulator.New(cloud)
	raw, err := json.Marshal(map[string]any{"huaweicloud": fixture()})
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.LoadState(raw); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(emu.Handler())
	t.Cleanup(ts.Close)
	return &env{cloud: cloud, emu: emu, url: ts.URL}
}

func credentials(t *testing.T, ak, sk, project string) *basic.Credentials {
	t.Helper()
	b := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk)
	if project != "" {
		b = b.WithProjectId(project)
	}
	creds, err := b.SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return creds
}

func (e *env) ecsAs(t *testing.T, ak, sk, project string) *ecs.EcsClient {
	t.Helper()
	hc, err := ecs.EcsClientBuilder().WithEndpoints([]string{e.url}).WithCredential(credentials(t, ak, sk, project)).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return ecs.NewEcsClient(hc)
}

func (e *env) ecs(t *testing.T) *ecs.EcsClient { return e.ecsAs(t, accessKey, secretKey, projectID) }

func (e *env) vpcAs(t *testing.T, ak, sk, project string) *vpc.VpcClient {
	t.Helper()
	hc, err := vpc.VpcClientBuilder().WithEndpoints([]string{e.url}).WithCredential(credentials(t, ak, sk, project)).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return vpc.NewVpcClient(hc)
}

func (e *env) vpc(t *testing.T) *vpc.VpcClient { return e.vpcAs(t, accessKey, secretKey, projectID) }

// signedCall sends a request signed by the SDK's own credentials code, for
// requests the typed clients cannot make (malformed bodies, other paths).
func (e *env) signedCall(t *testing.T, creds *basic.Credentials, method, path string, body any, headers map[string]string) (int, string) {
	t.Helper()
	cfg := config.DefaultHttpConfig()
	b := request.NewHttpRequestBuilder().WithEndpoint(e.url).WithMethod(method).WithPath(path).
		WithSigningAlgorithm(cfg.SigningAlgorithm).AddHeaderParam("Content-Type", "application/json;charset=UTF-8")
	for k, v := range headers {
		b.AddHeaderParam(k, v)
	}
	b.WithBody("body", body)
	client := impl.NewDefaultHttpClient(cfg)
	req, err := creds.ProcessAuthRequest(client, b.Build())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.SyncInvokeHttp(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetHeader("X-Request-Id") == "" {
		t.Errorf("%s %s: no X-Request-Id header", method, path)
	}
	text, err := resp.GetBodyAsString()
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetStatusCode(), text
}

// serviceError asserts that err is the SDK's error for an HTTP answer with
// the given status, and returns it.
func serviceError(t *testing.T, err error, status int) *sdkerr.ServiceResponseError {
	t.Helper()
	var se *sdkerr.ServiceResponseError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want *sdkerr.ServiceResponseError", err, err)
	}
	if se.StatusCode != status {
		t.Fatalf("status = %d, want %d (%v)", se.StatusCode, status, se)
	}
	if se.RequestId == "" {
		t.Errorf("SDK error carries no request ID: %v", se)
	}
	return se
}

func listGroups(t *testing.T, c *ecs.EcsClient, server string) []string {
	t.Helper()
	resp, err := c.NovaListServerSecurityGroups(&ecsmodel.NovaListServerSecurityGroupsRequest{ServerId: server})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, g := range *resp.SecurityGroups {
		ids = append(ids, g.Id)
	}
	return ids
}

func add(c *ecs.EcsClient, server, group string) error {
	_, err := c.NovaAssociateSecurityGroup(&ecsmodel.NovaAssociateSecurityGroupRequest{
		ServerId: server,
		Body:     &ecsmodel.NovaAssociateSecurityGroupRequestBody{AddSecurityGroup: &ecsmodel.NovaAddSecurityGroupOption{Name: group}},
	})
	return err
}

func remove(c *ecs.EcsClient, server, group string) error {
	_, err := c.NovaDisassociateSecurityGroup(&ecsmodel.NovaDisassociateSecurityGroupRequest{
		ServerId: server,
		Body:     &ecsmodel.NovaDisassociateSecurityGroupRequestBody{RemoveSecurityGroup: &ecsmodel.NovaRemoveSecurityGroupOption{Name: group}},
	})
	return err
}

func portGroups(t *testing.T, c *huaweicloud.Cloud) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, p := range c.State().Ports {
		out[p.ID] = p.SecurityGroups
	}
	return out
}

func TestProjectLookupThroughIAM(t *testing.T) {
	e := newEnv(t)
	build := func(ak, sk, regionID string) (*ecs.EcsClient, error) {
		creds, err := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithIamEndpointOverride(e.url).SafeBuild()
		if err != nil {
			return nil, err
		}
		hc, err := ecs.EcsClientBuilder().WithRegion(region.NewRegion(regionID, e.url)).WithCredential(creds).SafeBuild()
		if err != nil {
			return nil, err
		}
		return ecs.NewEcsClient(hc), nil
	}

	// The SDK caches project IDs by AK and region for the whole process, so
	// each case (and each run, under -count) uses an access key of its own.
	run := time.Now().UnixNano()
	okAK, noneAK, badSKAK := fmt.Sprintf("AK-LOOKUP-OK-%d", run), fmt.Sprintf("AK-LOOKUP-NONE-%d", run), fmt.Sprintf("AK-LOOKUP-BADSK-%d", run)
	e.cloud.Mutate(func(s *huaweicloud.State) {
		s.Credentials = append(s.Credentials,
			huaweicloud.Credential{AccessKey: okAK, SecretKey: "sk-1"},
			huaweicloud.Credential{AccessKey: noneAK, SecretKey: "sk-2"},
			huaweicloud.Credential{AccessKey: badSKAK, SecretKey: "sk-3"})
	})

	client, err := build(okAK, "sk-1", "cn-north-4")
	if err != nil {
		t.Fatal(err)
	}
	if got := listGroups(t, client, server1); !slices.Equal(got, []string{sgDefault}) {
		t.Fatalf("groups = %v", got)
	}
	recs := e.emu.Requests()
	if len(recs) != 2 {
		t.Fatalf("log = %+v", recs)
	}
	if r := recs[0]; r.Service != "iam" || r.Action != "KeystoneListProjects" || r.Params["name"] != "cn-north-4" || r.Status != 200 {
		t.Errorf("lookup record = %+v", r)
	}
	if r := recs[1]; r.Service != "ecs" || r.Action != "NovaListServerSecurityGroups" || !strings.Contains(r.Path, projectID) {
		t.Errorf("call record = %+v", r)
	}

	if _, err := build(noneAK, "sk-2", "eu-nowhere-1"); err == nil || !strings.Contains(err.Error(), "failed to get project id of region 'eu-nowhere-1'") {
		t.Errorf("unknown region: err = %v", err)
	}
	if _, err := build(badSKAK, "wrong", "cn-north-4"); err == nil || !strings.Contains(err.Error(), "APIGW.0301") {
		t.Errorf("bad secret: err = %v", err)
	}
}

func TestKeystoneProjectsBody(t *testing.T) {
	e := newEnv(t)
	status, body := e.signedCall(t, credentials(t, accessKey, secretKey, ""), "GET", "/v3/projects", nil, nil)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var doc struct {
		Projects []struct {
			ID       string            `json:"id"`
			Name     string            `json:"name"`
			DomainID string            `json:"domain_id"`
			ParentID string            `json:"parent_id"`
			Enabled  bool              `json:"enabled"`
			IsDomain *bool             `json:"is_domain"`
			Links    map[string]string `json:"links"`
		} `json:"projects"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Projects) != 2 {
		t.Fatalf("projects = %+v", doc.Projects)
	}
	p := doc.Projects[0]
	if p.ID != projectID || p.Name != "cn-north-4" || p.DomainID != domainID || p.ParentID != domainID || !p.Enabled ||
		p.IsDomain == nil || *p.IsDomain || !strings.HasSuffix(p.Links["self"], "/v3/projects/"+projectID) {
		t.Fatalf("project = %+v", p)
	}
}

func TestNovaListServerSecurityGroups(t *testing.T) {
	e := newEnv(t)
	resp, err := e.ecs(t).NovaListServerSecurityGroups(&ecsmodel.NovaListServerSecurityGroupsRequest{ServerId: server1})
	if err != nil {
		t.Fatal(err)
	}
	want := []ecsmodel.NovaSecurityGroup{{
		Id: sgDefault, Name: "default", Description: "Default security group", TenantId: projectID, Rules: []ecsmodel.NovaSecurityGroupCommonRule{},
	}}
	if resp.HttpStatusCode != http.StatusOK || !reflect.DeepEqual(*resp.SecurityGroups, want) {
		t.Fatalf("got %d %+v", resp.HttpStatusCode, *resp.SecurityGroups)
	}

	_, err = e.ecs(t).NovaListServerSecurityGroups(&ecsmodel.NovaListServerSecurityGroupsRequest{ServerId: "missing"})
	se := serviceError(t, err, http.StatusNotFound)
	if se.ErrorCode != "" || !strings.Contains(se.ErrorMessage, `"itemNotFound"`) || !strings.Contains(se.ErrorMessage, "Instance missing could not be found.") {
		t.Fatalf("error = %+v", se)
	}

	// The Nova API is also published under /v2.
	status, body := e.signedCall(t, credentials(t, accessKey, secretKey, projectID), "GET", "/v2/{project_id}/servers/"+server1+"/os-security-groups", nil, nil)
	if status != http.StatusOK || !strings.Contains(body, sgDefault) {
		t.Fatalf("/v2: %d %s", status, body)
	}
}

func TestNovaAssociateAndDisassociate(t *testing.T) {
	e := newEnv(t)
	c := e.ecs(t)

	if err := add(c, server1, sgWeb); err != nil {
		t.Fatal(err)
	}
	if err := add(c, server1, "db"); err != nil { // by name
		t.Fatal(err)
	}
	if got, want := listGroups(t, c, server1), []string{sgDefault, sgWeb, sgDB}; !slices.Equal(got, want) {
		t.Fatalf("server1 groups = %v, want %v", got, want)
	}
	// Both NICs of server1 follow; server2's and the spare port do not.
	ports := portGroups(t, e.cloud)
	for _, id := range []string{port1a, port1b} {
		if !slices.Equal(ports[id], []string{sgDefault, sgWeb, sgDB}) {
			t.Errorf("port %s groups = %v", id, ports[id])
		}
	}
	if !slices.Equal(ports[port2], []string{sgDefault}) || len(ports[portSpare]) != 0 {
		t.Errorf("unrelated ports changed: %v", ports)
	}

	if err := remove(c, server1, "web"); err != nil {
		t.Fatal(err)
	}
	if err := remove(c, server1, sgDefault); err != nil {
		t.Fatal(err)
	}
	if got := listGroups(t, c, server1); !slices.Equal(got, []string{sgDB}) {
		t.Fatalf("server1 groups = %v", got)
	}
	if got := portGroups(t, e.cloud)[port1b]; !slices.Equal(got, []string{sgDB}) {
		t.Fatalf("port1b groups = %v", got)
	}

	show, err := e.vpc(t).ShowPort(&vpcmodel.ShowPortRequest{PortId: port1a})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(show.Port.SecurityGroups, []string{sgDB}) || !time.Time(*show.Port.UpdatedAt).After(created) {
		t.Fatalf("ShowPort after change: groups %v updated_at %v", show.Port.SecurityGroups, show.Port.UpdatedAt)
	}
}

func TestNovaErrors(t *testing.T) {
	e := newEnv(t)
	c := e.ecs(t)
	cases := []struct {
		name    string
		call    func() error
		status  int
		message string
	}{
		{"unknown server", func() error { return add(c, "missing", sgWeb) }, 404,
			`{"itemNotFound":{"code":404,"message":"Instance missing could not be found."}}`},
		{"unknown group", func() error { return add(c, server1, "nope") }, 404,
			`{"itemNotFound":{"code":404,"message":"Security group nope not found."}}`},
		{"group of another project", func() error { return add(c, server1, sgOther) }, 404,
			`"Security group ` + sgOther + ` not found."`},
		{"ambiguous name", func() error { return add(c, server1, "dup") }, 409,
			`{"conflictingRequest":{"code":409,"message":"Multiple security groups found matching 'dup'. Use an ID to be more specific."}}`},
		// Upstream Nova: SecurityGroupNotFound, a 404.
		{"not associated", func() error { return remove(c, server1, sgWeb) }, 404,
			`{"itemNotFound":{"code":404,"message":"Security group ` + sgWeb + ` not associated with the instance ` + server1 + `"}}`},
		{"remove unknown group", func() error { return remove(c, server1, "nope") }, 404, `"Security group nope not found."`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			se := serviceError(t, tc.call(), tc.status)
			if !strings.Contains(se.ErrorMessage, tc.message) {
				t.Fatalf("message = %s, want it to contain %s", se.ErrorMessage, tc.message)
			}
		})
	}
	// Upstream Nova: adding a group the server is already in is no error,
	// and changes nothing.
	if err := add(c, server1, "default"); err != nil {
		t.Fatalf("adding a group already on the server: %v", err)
	}
	// Duplicate names are fine by ID.
	if err := add(c, server1, sgDupA); err != nil {
		t.Fatal(err)
	}

	creds := credentials(t, accessKey, secretKey, projectID)
	path := "/v2.1/{project_id}/servers/" + server1 + "/action"
	for body, want := range map[string]string{
		`not json`:                            "Malformed request body",
		`{"addSecurityGroup":{}}`:             "'name' is a required",
		`{"addSecurityGroup":{"name":""}}`:    "'name' is a required",
		`{"os-start":null}`:                   "There is no such action: os-start",
		`{"a":{"name":"x"},"b":{"name":"y"}}`: "Malformed request body",
	} {
		status, got := e.signedCall(t, creds, "POST", path, body, nil)
		if status != http.StatusBadRequest || !strings.Contains(got, `"badRequest"`) || !strings.Contains(got, want) {
			t.Errorf("body %s: got %d %s, want 400 containing %q", body, status, got, want)
		}
	}
	if got := listGroups(t, c, server1); !slices.Equal(got, []string{sgDefault, sgDupA}) {
		t.Fatalf("failed calls changed the server: %v", got)
	}
}

func TestAuthentication(t *testing.T) {
	e := newEnv(t)

	_, err := e.ecsAs(t, accessKey, "wrong-secret", projectID).NovaListServerSecurityGroups(&ecsmodel.NovaListServerSecurityGroupsRequest{ServerId: server1})
	se := serviceError(t, err, http.StatusUnauthorized)
	if se.ErrorCode != "APIGW.0301" || !strings.HasPrefix(se.ErrorMessage, "Incorrect IAM authentication information") {
		t.Fatalf("bad secret: %+v", se)
	}
	_, err = e.vpcAs(t, "UNKNOWN-AK", secretKey, projectID).ShowPort(&vpcmodel.ShowPortRequest{PortId: port1a})
	if se := serviceError(t, err, http.StatusUnauthorized); se.ErrorCode != "APIGW.0301" {
		t.Fatalf("unknown AK: %+v", se)
	}

	resp, err := http.Get(e.url + "/v3/" + projectID + "/ports/" + port1a)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusUnauthorized || body["error_code"] != "APIGW.0301" || body["request_id"] != resp.Header.Get("X-Request-Id") || body["request_id"] == "" {
		t.Fatalf("unsigned: %d %v", resp.StatusCode, body)
	}

	// Nothing secret reaches the log.
	raw, _ := json.Marshal(e.emu.Requests())
	for _, secret := range []string{secretKey, "wrong-secret", "SDK-HMAC-SHA256"} {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("log contains %q: %s", secret, raw)
		}
	}
	if recs := e.emu.Requests(); recs[0].ErrorCode != "APIGW.0301" || recs[0].Status != 401 {
		t.Fatalf("record = %+v", recs[0])
	}
}

func TestProjectAuthorization(t *testing.T) {
	e := newEnv(t)
	_, err := e.ecsAs(t, accessKey, secretKey, "ffffffffffffffffffffffffffffffff").NovaListServerSecurityGroups(&ecsmodel.NovaListServerSecurityGroupsRequest{ServerId: server1})
	if se := serviceError(t, err, http.StatusForbidden); se.ErrorCode != "APIGW.0302" || !strings.Contains(se.ErrorMessage, "does not exist") {
		t.Fatalf("unknown project: %+v", se)
	}

	// The signed X-Project-Id names the client's project; the path another.
	status, body := e.signedCall(t, credentials(t, accessKey, secretKey, projectID), "GET", "/v3/"+otherProject+"/vpc/security-groups/"+sgOther, nil, nil)
	if status != http.StatusForbidden || !strings.Contains(body, "APIGW.0302") || !strings.Contains(body, "does not match X-Project-Id") {
		t.Fatalf("mismatch: %d %s", status, body)
	}
	// Without the header, the path decides.
	status, body = e.signedCall(t, credentials(t, accessKey, secretKey, ""), "GET", "/v3/"+otherProject+"/vpc/security-groups/"+sgOther, nil, nil)
	if status != http.StatusOK || !strings.Contains(body, sgOther) {
		t.Fatalf("other project: %d %s", status, body)
	}
	// A project sees only its own objects.
	_, err = e.vpcAs(t, accessKey, secretKey, otherProject).ShowPort(&vpcmodel.ShowPortRequest{PortId: port1a})
	if se := serviceError(t, err, http.StatusNotFound); se.ErrorCode != "VPC.2502" {
		t.Fatalf("port of another project: %+v", se)
	}
}

func TestShowPort(t *testing.T) {
	e := newEnv(t)
	resp, err := e.vpc(t).ShowPort(&vpcmodel.ShowPortRequest{PortId: port1a})
	if err != nil {
		t.Fatal(err)
	}
	p := resp.Port
	if p.Id != port1a || p.ProjectId != projectID || p.TenantId != projectID || p.DeviceId != server1 || p.DeviceOwner != "compute:cn-north-4a" ||
		p.Status != "ACTIVE" || p.MacAddress != "fa:16:3e:1f:17:df" || !p.AdminStateUp || !p.PortSecurityEnabled ||
		!slices.Equal(p.SecurityGroups, []string{sgDefault}) || len(p.PrivateIps) != 1 || p.PrivateIps[0].IpAddress != "192.168.0.10" {
		t.Fatalf("port = %+v", p)
	}
	if p.CreatedAt == nil || !time.Time(*p.CreatedAt).Equal(created) || p.UpdatedAt == nil || !time.Time(*p.UpdatedAt).Equal(created) {
		t.Fatalf("timestamps created %v updated %v, want %v", p.CreatedAt, p.UpdatedAt, created)
	}
	if resp.RequestId == nil || *resp.RequestId == "" {
		t.Fatal("no request_id in body")
	}

	spare, err := e.vpc(t).ShowPort(&vpcmodel.ShowPortRequest{PortId: portSpare})
	if err != nil {
		t.Fatal(err)
	}
	if spare.Port.Name != "spare" || spare.Port.Status != "DOWN" || spare.Port.DeviceId != "" || len(spare.Port.SecurityGroups) != 0 || time.Time(*spare.Port.CreatedAt).IsZero() {
		t.Fatalf("spare port = %+v", spare.Port)
	}

	_, err = e.vpc(t).ShowPort(&vpcmodel.ShowPortRequest{PortId: "missing"})
	if se := serviceError(t, err, http.StatusNotFound); se.ErrorCode != "VPC.2502" || se.ErrorMessage != "Port missing could not be found." {
		t.Fatalf("missing port: %+v", se)
	}
}

func TestShowAndListSecurityGroups(t *testing.T) {
	e := newEnv(t)
	c := e.vpc(t)

	show, err := c.ShowSecurityGroup(&vpcmodel.ShowSecurityGroupRequest{SecurityGroupId: sgDefault})
	if err != nil {
		t.Fatal(err)
	}
	g := show.SecurityGroup
	if g.Id != sgDefault || g.Name != "default" || g.Description != "Default security group" || g.ProjectId != projectID ||
		g.SecurityGroupRules == nil || !time.Time(*g.CreatedAt).Equal(created) || g.EnterpriseProjectId != "0" {
		t.Fatalf("group = %+v", g)
	}
	_, err = c.ShowSecurityGroup(&vpcmodel.ShowSecurityGroupRequest{SecurityGroupId: sgOther})
	if se := serviceError(t, err, http.StatusNotFound); se.ErrorCode != "VPC.0603" || !strings.Contains(se.ErrorMessage, sgOther) {
		t.Fatalf("other project's group: %+v", se)
	}

	list := func(req vpcmodel.ListSecurityGroupsRequest) (*vpcmodel.ListSecurityGroupsResponse, []string) {
		t.Helper()
		resp, err := c.ListSecurityGroups(&req)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, g := range *resp.SecurityGroups {
			ids = append(ids, g.Id)
		}
		return resp, ids
	}
	if _, ids := list(vpcmodel.ListSecurityGroupsRequest{}); !slices.Equal(ids, []string{sgDefault, sgWeb, sgDB, sgDupA, sgDupB}) {
		t.Fatalf("all = %v", ids)
	}
	if _, ids := list(vpcmodel.ListSecurityGroupsRequest{Name: &[]string{"dup"}}); !slices.Equal(ids, []string{sgDupA, sgDupB}) {
		t.Fatalf("by name = %v", ids)
	}
	if _, ids := list(vpcmodel.ListSecurityGroupsRequest{Id: &[]string{sgDB, sgWeb, sgOther}}); !slices.Equal(ids, []string{sgWeb, sgDB}) {
		t.Fatalf("by id = %v", ids)
	}

	// Page through with limit 2.
	var all []string
	var marker *string
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		limit := int32(2)
		resp, ids := list(vpcmodel.ListSecurityGroupsRequest{Limit: &limit, Marker: marker})
		all = append(all, ids...)
		if int(resp.PageInfo.CurrentCount) != len(ids) {
			t.Fatalf("current_count %d for %d groups", resp.PageInfo.CurrentCount, len(ids))
		}
		if resp.PageInfo.NextMarker == nil {
			break
		}
		marker = resp.PageInfo.NextMarker
	}
	if !slices.Equal(all, []string{sgDefault, sgWeb, sgDB, sgDupA, sgDupB}) {
		t.Fatalf("paged = %v", all)
	}

	bad := "no-such-marker"
	_, err = c.ListSecurityGroups(&vpcmodel.ListSecurityGroupsRequest{Marker: &bad})
	if se := serviceError(t, err, http.StatusBadRequest); se.ErrorCode != "VPC.0601" {
		t.Fatalf("bad marker: %+v", se)
	}
}

func TestUnknownAPI(t *testing.T) {
	e := newEnv(t)
	_, err := e.vpc(t).ListVpcs(&vpcmodel.ListVpcsRequest{})
	se := serviceError(t, err, http.StatusNotFound)
	if se.ErrorCode != "APIGW.0101" || se.ErrorMessage != "The API does not exist or has not been published in the environment" {
		t.Fatalf("error = %+v", se)
	}
	// The method is part of the API.
	status, body := e.signedCall(t, credentials(t, accessKey, secretKey, projectID), "DELETE", "/v3/{project_id}/ports/"+port1a, nil, nil)
	if status != http.StatusNotFound || !strings.Contains(body, "APIGW.0101") {
		t.Fatalf("DELETE port: %d %s", status, body)
	}
	if r := e.emu.Requests()[0]; r.Cloud != "huaweicloud" || r.Service != "" || r.ErrorCode != "APIGW.0101" {
		t.Fatalf("record = %+v", r)
	}
}

func TestFaultsAsTheSDKSeesThem(t *testing.T) {
	e := newEnv(t)
	c := e.ecs(t)

	e.emu.SetFaults([]emulator.FaultRule{{Cloud: "huaweicloud", Actions: []string{"ShowPort"}, ThrottleRate: 1}})
	_, err := e.vpc(t).ShowPort(&vpcmodel.ShowPortRequest{PortId: port1a})
	if se := serviceError(t, err, http.StatusTooManyRequests); se.ErrorCode != "APIGW.0308" {
		t.Fatalf("throttle: %+v", se)
	}

	e.emu.SetFaults([]emulator.FaultRule{{Service: "ecs", Actions: []string{"addSecurityGroup"}, ErrorRate: 1}})
	if se := serviceError(t, add(c, server1, sgWeb), http.StatusServiceUnavailable); se.ErrorCode != "APIGW.0201" {
		t.Fatalf("server error: %+v", se)
	}
	if got := listGroups(t, c, server1); !slices.Equal(got, []string{sgDefault}) {
		t.Fatalf("server error changed state: %v", got)
	}

	// A lost answer: the group is added although the caller sees a 502.
	e.emu.SetFaults([]emulator.FaultRule{{Actions: []string{"addSecurityGroup"}, DropRate: 1}})
	if se := serviceError(t, add(c, server1, sgWeb), http.StatusBadGateway); se.ErrorCode != "APIGW.0201" {
		t.Fatalf("drop: %+v", se)
	}
	e.emu.SetFaults(nil)
	if got := listGroups(t, c, server1); !slices.Equal(got, []string{sgDefault, sgWeb}) {
		t.Fatalf("drop did not apply the change: %v", got)
	}
	if err := add(c, server1, sgWeb); err != nil {
		t.Fatalf("retry after drop: %v, want no error (upstream Nova)", err)
	}
	if got := listGroups(t, c, server1); !slices.Equal(got, []string{sgDefault, sgWeb}) {
		t.Fatalf("retry after drop changed the server: %v", got)
	}

	e.emu.SetFaults([]emulator.FaultRule{{Actions: []string{"NovaListServerSecurityGroups"}, RateLimitQPS: 1}})
	listGroups(t, c, server1)
	_, err = c.NovaListServerSecurityGroups(&ecsmodel.NovaListServerSecurityGroupsRequest{ServerId: server1})
	if se := serviceError(t, err, http.StatusTooManyRequests); se.ErrorCode != "APIGW.0308" {
		t.Fatalf("rate limit: %+v", se)
	}

	var faults []string
	for _, r := range e.emu.Requests() {
		if r.Fault != "" {
			faults = append(faults, fmt.Sprintf("%s:%s:%d:%s", r.Action, r.Fault, r.Status, r.ErrorCode))
		}
	}
	want := []string{
		"ShowPort:throttle:429:APIGW.0308",
		"addSecurityGroup:server_error:503:APIGW.0201",
		"addSecurityGroup:drop:502:APIGW.0201",
		"NovaListServerSecurityGroups:throttle:429:APIGW.0308",
	}
	if !slices.Equal(faults, want) {
		t.Fatalf("faults logged = %v, want %v", faults, want)
	}
}

func TestRequestLog(t *testing.T) {
	e := newEnv(t)
	if err := remove(e.ecs(t), server1, "default"); err != nil {
		t.Fatal(err)
	}
	recs := e.emu.Requests()
	if len(recs) != 1 {
		t.Fatalf("log = %+v", recs)
	}
	r := recs[0]
	if r.Cloud != "huaweicloud" || r.Service != "ecs" || r.Action != "removeSecurityGroup" || r.Method != "POST" ||
		r.Path != "/v2.1/"+projectID+"/servers/"+server1+"/action" || r.Status != http.StatusAccepted || r.ErrorCode != "" ||
		r.Body != `{"removeSecurityGroup":{"name":"default"}}`+"\n" {
		t.Fatalf("record = %+v", r)
	}
}

func TestStateValidation(t *testing.T) {
	cases := map[string]func(*huaweicloud.State){
		"duplicate server":       func(s *huaweicloud.State) { s.Servers = append(s.Servers, s.Servers[0]) },
		"unknown project":        func(s *huaweicloud.State) { s.SecurityGroups[0].ProjectID = "nope" },
		"dangling group":         func(s *huaweicloud.State) { s.Servers[0].SecurityGroups = []string{"nope"} },
		"cross project":          func(s *huaweicloud.State) { s.Ports[0].SecurityGroups = []string{sgOther} },
		"group twice":            func(s *huaweicloud.State) { s.Servers[0].SecurityGroups = []string{sgWeb, sgWeb} },
		"orphan NIC":             func(s *huaweicloud.State) { s.Ports[0].DeviceID = "no-such-server" },
		"server unlike its NICs": func(s *huaweicloud.State) { s.Servers[0].SecurityGroups = []string{sgDefault, sgWeb} },
		"empty secret":           func(s *huaweicloud.State) { s.Credentials[0].SecretKey = "" },
	}
	for name, spoil := range cases {
		t.Run(name, func(t *testing.T) {
			s := fixture()
			spoil(&s)
			raw, _ := json.Marshal(s)
			if err := huaweicloud.New().LoadState(raw); err == nil {
				t.Fatal("invalid state loaded")
			}
		})
	}
	if err := huaweicloud.New().LoadState([]byte(`{"servrs":[]}`)); err == nil || !strings.Contains(err.Error(), "servrs") {
		t.Fatalf("misspelt field: %v", err)
	}

	// Dump and load round-trip; null loads as empty.
	c := huaweicloud.New()
	raw, _ := json.Marshal(fixture())
	if err := c.LoadState(raw); err != nil {
		t.Fatal(err)
	}
	dump, err := c.DumpState()
	if err != nil {
		t.Fatal(err)
	}
	again := huaweicloud.New()
	if err := again.LoadState(dump); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.State(), again.State()) {
		t.Fatal("state changed across dump and load")
	}
	if err := again.LoadState(json.RawMessage("null")); err != nil || len(again.State().Servers) != 0 {
		t.Fatalf("null state: %v %+v", err, again.State())
	}
}

func TestStateIsACopyAndMutateIsSeen(t *testing.T) {
	e := newEnv(t)
	s := e.cloud.State()
	s.Servers[0].SecurityGroups[0] = "changed"
	if e.cloud.State().Servers[0].SecurityGroups[0] != sgDefault {
		t.Fatal("State exposes internal slices")
	}

	e.cloud.Mutate(func(s *huaweicloud.State) {
		s.Servers[0].SecurityGroups = append(s.Servers[0].SecurityGroups, sgWeb)
		s.Ports = append(s.Ports, huaweicloud.Port{ID: "new-port", ProjectID: projectID})
	})
	if got := listGroups(t, e.ecs(t), server1); !slices.Equal(got, []string{sgDefault, sgWeb}) {
		t.Fatalf("groups after Mutate = %v", got)
	}
	p, err := e.vpc(t).ShowPort(&vpcmodel.ShowPortRequest{PortId: "new-port"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Port.SecurityGroups == nil || time.Time(*p.Port.CreatedAt).IsZero() || p.Port.Status != "DOWN" {
		t.Fatalf("port added out of band = %+v", p.Port)
	}
}

func TestParallelAssociations(t *testing.T) {
	e := newEnv(t)
	var groups []string
	e.cloud.Mutate(func(s *huaweicloud.State) {
		for i := range 16 {
			id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
			groups = append(groups, id)
			s.SecurityGroups = append(s.SecurityGroups, huaweicloud.SecurityGroup{ID: id, Name: fmt.Sprintf("g%d", i), ProjectID: projectID})
		}
	})
	c := e.ecs(t)
	var wg sync.WaitGroup
	errs := make(chan error, len(groups))
	for _, g := range groups {
		wg.Go(func() { errs <- add(c, server1, g) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := append([]string{sgDefault}, groups...)
	got := listGroups(t, c, server1)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("server groups = %v", got)
	}
	ports := portGroups(t, e.cloud)
	slices.Sort(ports[port1b])
	if !slices.Equal(ports[port1b], want) {
		t.Fatalf("port groups = %v", ports[port1b])
	}
}

func TestMatch(t *testing.T) {
	c := huaweicloud.New()
	for target, want := range map[string]bool{
		"/v3/projects":                  true,
		"/v2.1/p/servers/s/action":      true,
		"/?Action=DescribeInstances":    false,
		"/":                             false,
		"/_emulator/health":             false,
		"/version/p/servers/s/action":   false,
		"/v1.0/p/cloudservers/s/action": true,
	} {
		r := httptest.NewRequest("POST", target, nil)
		if got := c.Match(r); got != want {
			t.Errorf("Match(%s) = %v, want %v", target, got, want)
		}
	}
	tc := httptest.NewRequest("POST", "/", nil)
	tc.Header.Set("X-TC-Action", "DescribeSecurityGroups")
	if c.Match(tc) {
		t.Error("matched a Tencent Cloud request")
	}
	signed := httptest.NewRequest("GET", "/anything", nil)
	signed.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date, Signature=00")
	if !c.Match(signed) {
		t.Error("did not match an SDK-HMAC-SHA256 request")
	}
}

// ErrorCodes lists every code the emulator's sources answer, and no other:
// the provider's table test reads it, so no code is answered unseen.
func TestErrorCodesListsEveryCode(t *testing.T) {
	codes, problems, err := emulator.ErrorCodesIn(".", map[string]int{"apiError": 1, "novaError": 1, "novaFault": 1}, "WriteErrorCode", "answer")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if want := slices.Sorted(slices.Values(huaweicloud.ErrorCodes)); !slices.Equal(codes, want) {
		t.Errorf("the sources answer %v; ErrorCodes lists %v", codes, want)
	}
}
