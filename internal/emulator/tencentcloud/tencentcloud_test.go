package tencentcloud_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	"github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
)

const (
	secretID  = "AKIDemulatortest"
	secretKey = "emulator-test-key"
	region    = "ap-guangzhou"

	sgWeb   = "sg-web00001"
	sgDB    = "sg-db000001"
	sgRefer = "sg-refer001" // its rules reference sgDB
	ins1    = "ins-0000000a"
	ins2    = "ins-0000000b"
)

type env struct {
	cloud *tencentcloud.Cloud
	emu   *emulator.Server
	url   string
}

func fixture() tencentcloud.State {
	return tencentcloud.State{
		Credentials: []tencentcloud.Credential{{SecretID: secretID, SecretKey: secretKey}},
		Regions:     []string{region, "ap-shanghai"},
		SecurityGroups: []tencentcloud.SecurityGroup{
			{ID: sgWeb, Name: "web", Description: "HTTP", Region: region, Tags: map[string]string{"team": "a"}},
			{ID: sgDB, Name: "db", Region: region},
			{ID: sgRefer, Name: "app", Region: region, References: []string{sgDB}},
		},
		Instances: []tencentcloud.Instance{
			{ID: ins1, Name: "one", Region: region, SecurityGroupIDs: []string{sgWeb, sgDB}},
			{ID: ins2, Name: "two", Region: region, SecurityGroupIDs: []string{sgWeb}},
		},
	}
}

func newEnv(t *testing.T, s tencentcloud.State) *env {
	t.Helper()
	cloud := tencentcloud.New()
	emu := emulator.New(cloud)
	raw, err := json.Marshal(map[string]any{"tencentcloud": s})
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

// call sends one request through the SDK's common client and decodes the
// Response object into out.
func (e *env) callAs(t *testing.T, id, key, reg, service, version, action string, params any, out any) error {
	t.Helper()
	cp := profile.NewClientProfile()
	cp.HttpProfile.Scheme, cp.HttpProfile.Endpoint = "HTTP", strings.TrimPrefix(e.url, "http://")
	cp.RateLimitExceededMaxRetries = 0
	cp.DisableRegionBreaker = true
	client := common.NewCommonClient(common.NewCredential(id, key), reg, cp)
	req := tchttp.NewCommonRequest(service, version, action)
	body, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	if err := req.SetActionParameters(body); err != nil {
		t.Fatal(err)
	}
	resp := tchttp.NewCommonResponse()
	if err := client.Send(req, resp); err != nil {
		return err
	}
	if out != nil {
		raw := resp.GetBody()
		var doc struct{ Response json.RawMessage }
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(doc.Response, out); err != nil {
			t.Fatal(err)
		}
	}
	return nil
}

func (e *env) call(t *testing.T, service, action string, params any, out any) error {
	t.Helper()
	version := "2017-03-12"
	if service == "tag" {
		version = "2018-08-13"
	}
	return e.callAs(t, secretID, secretKey, region, service, version, action, params, out)
}

func (e *env) mustCall(t *testing.T, service, action string, params any, out any) {
	t.Helper()
	if err := e.call(t, service, action, params, out); err != nil {
		t.Fatalf("%s %s: %v", service, action, err)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var se *tcerr.TencentCloudSDKError
	if !errors.As(err, &se) || se.Code != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
	if se.RequestId == "" && !strings.HasPrefix(code, "ClientError.") {
		t.Errorf("error without a RequestId: %v", err)
	}
}

type groupSet struct {
	SecurityGroupSet []struct {
		SecurityGroupId, SecurityGroupName, SecurityGroupDesc, ProjectId, CreatedTime string
		TagSet                                                                        []struct{ Key, Value string }
	}
	TotalCount int
}

type instanceSet struct {
	InstanceSet []struct {
		InstanceId       string
		SecurityGroupIds []string
	}
	TotalCount int
}

func (e *env) groupsOf(t *testing.T, instance string) []string {
	t.Helper()
	for _, in := range e.cloud.State().Instances {
		if in.ID == instance {
			return in.SecurityGroupIDs
		}
	}
	t.Fatalf("no instance %s", instance)
	return nil
}

func TestAuthentication(t *testing.T) {
	e := newEnv(t, fixture())
	err := e.callAs(t, secretID, "wrong", region, "vpc", "2017-03-12", "DescribeSecurityGroups", map[string]any{}, nil)
	wantCode(t, err, "AuthFailure.SignatureFailure")
	err = e.callAs(t, "AKIDnobody", secretKey, region, "vpc", "2017-03-12", "DescribeSecurityGroups", map[string]any{}, nil)
	wantCode(t, err, "AuthFailure.SecretIdNotFound")
	err = e.callAs(t, secretID, secretKey, "eu-nowhere", "vpc", "2017-03-12", "DescribeSecurityGroups", map[string]any{}, nil)
	wantCode(t, err, "UnsupportedRegion")
	err = e.callAs(t, secretID, secretKey, region, "vpc", "2099-01-01", "DescribeSecurityGroups", map[string]any{}, nil)
	wantCode(t, err, "NoSuchVersion")
	wantCode(t, e.call(t, "vpc", "DeleteEverything", map[string]any{}, nil), "InvalidAction")

	recs := e.emu.Requests()
	if len(recs) != 5 || recs[0].Cloud != "tencentcloud" || recs[0].Service != "vpc" || recs[0].Action != "DescribeSecurityGroups" ||
		recs[0].ErrorCode != "AuthFailure.SignatureFailure" || recs[0].Status != 200 {
		t.Errorf("request log = %+v", recs)
	}
}

func TestSecurityGroupLifecycle(t *testing.T) {
	e := newEnv(t, fixture())
	var created struct {
		SecurityGroup struct{ SecurityGroupId, ProjectId string }
	}
	e.mustCall(t, "vpc", "CreateSecurityGroup", map[string]any{
		"GroupName": "api", "GroupDescription": "API tier", "ProjectId": "7",
		"Tags": []map[string]string{{"Key": "env", "Value": "test"}},
	}, &created)
	id := created.SecurityGroup.SecurityGroupId
	if !strings.HasPrefix(id, "sg-") || len(id) != 11 || created.SecurityGroup.ProjectId != "7" {
		t.Fatalf("created %+v", created)
	}

	var got groupSet
	e.mustCall(t, "vpc", "DescribeSecurityGroups", map[string]any{"SecurityGroupIds": []string{id}}, &got)
	if got.TotalCount != 1 || got.SecurityGroupSet[0].SecurityGroupName != "api" || got.SecurityGroupSet[0].SecurityGroupDesc != "API tier" ||
		len(got.SecurityGroupSet[0].TagSet) != 1 || got.SecurityGroupSet[0].TagSet[0].Key != "env" || len(got.SecurityGroupSet[0].CreatedTime) != 19 {
		t.Fatalf("described %+v", got)
	}

	e.mustCall(t, "vpc", "ModifySecurityGroupAttribute", map[string]any{"SecurityGroupId": id, "GroupName": "api2"}, nil)
	e.mustCall(t, "tag", "ModifyResourceTags", map[string]any{
		"Resource":    "qcs::cvm:" + region + ":uin/:sg/" + id,
		"ReplaceTags": []map[string]string{{"TagKey": "owner", "TagValue": "me"}},
		"DeleteTags":  []map[string]string{{"TagKey": "env"}},
	}, nil)
	e.mustCall(t, "vpc", "DescribeSecurityGroups", map[string]any{
		"Filters": []map[string]any{{"Name": "security-group-name", "Values": []string{"api2"}}, {"Name": "tag:owner", "Values": []string{"me"}}},
		"Offset":  "0", "Limit": "100",
	}, &got)
	if got.TotalCount != 1 || got.SecurityGroupSet[0].SecurityGroupId != id || got.SecurityGroupSet[0].SecurityGroupDesc != "API tier" {
		t.Fatalf("after modify %+v", got)
	}

	e.mustCall(t, "vpc", "DeleteSecurityGroup", map[string]any{"SecurityGroupId": id}, nil)
	wantCode(t, e.call(t, "vpc", "DeleteSecurityGroup", map[string]any{"SecurityGroupId": id}, nil), "ResourceNotFound")
	wantCode(t, e.call(t, "vpc", "DescribeSecurityGroups", map[string]any{"SecurityGroupIds": []string{id}}, nil), "ResourceNotFound")
	wantCode(t, e.call(t, "vpc", "DescribeSecurityGroups", map[string]any{"SecurityGroupIds": []string{"sg-BAD"}}, nil), "InvalidParameterValue.Malformed")
}

func TestVPCParameterChecks(t *testing.T) {
	e := newEnv(t, fixture())
	for name, tc := range map[string]struct {
		action string
		params any
		code   string
	}{
		"numeric Limit":  {"DescribeSecurityGroups", map[string]any{"Limit": 100}, "InvalidParameter"},
		"Limit too big":  {"DescribeSecurityGroups", map[string]any{"Limit": "101"}, "InvalidParameterValue.Range"},
		"unknown param":  {"DescribeSecurityGroups", map[string]any{"Forced": 1}, "UnknownParameter"},
		"ids and filter": {"DescribeSecurityGroups", map[string]any{"SecurityGroupIds": []string{sgWeb}, "Filters": []map[string]any{{"Name": "project-id", "Values": []string{"0"}}}}, "InvalidParameter.Coexist"},
		"long name":      {"CreateSecurityGroup", map[string]any{"GroupName": strings.Repeat("n", 61), "GroupDescription": ""}, "InvalidParameterValue.Range"},
		"no description": {"CreateSecurityGroup", map[string]any{"GroupName": "x"}, "MissingParameter"},
		"forced flag":    {"DeleteSecurityGroup", map[string]any{"SecurityGroupId": sgWeb, "Forced": 1}, "UnknownParameter"},
	} {
		t.Run(name, func(t *testing.T) {
			wantCode(t, e.call(t, "vpc", tc.action, tc.params, nil), tc.code)
		})
	}
}

func TestSecurityGroupQuota(t *testing.T) {
	s := fixture()
	s.SecurityGroupQuota = 4
	e := newEnv(t, s)
	e.mustCall(t, "vpc", "CreateSecurityGroup", map[string]any{"GroupName": "a", "GroupDescription": ""}, nil)
	wantCode(t, e.call(t, "vpc", "CreateSecurityGroup", map[string]any{"GroupName": "b", "GroupDescription": ""}, nil), "LimitExceeded")
}

func TestDeleteRefusedWhileInUse(t *testing.T) {
	e := newEnv(t, fixture())
	// Bound to two instances: ResourceInUse, and nothing changes.
	wantCode(t, e.call(t, "vpc", "DeleteSecurityGroup", map[string]any{"SecurityGroupId": sgWeb}, nil), "ResourceInUse")
	// Referenced by sgRefer's rules (and bound to ins1).
	var refs struct {
		ReferredSecurityGroupSet []struct {
			SecurityGroupId          string
			ReferredSecurityGroupIds []string
		}
	}
	e.mustCall(t, "vpc", "DescribeSecurityGroupReferences", map[string]any{"SecurityGroupIds": []string{sgDB, sgWeb}}, &refs)
	if len(refs.ReferredSecurityGroupSet) != 2 || !slices.Equal(refs.ReferredSecurityGroupSet[0].ReferredSecurityGroupIds, []string{sgRefer}) ||
		len(refs.ReferredSecurityGroupSet[1].ReferredSecurityGroupIds) != 0 {
		t.Fatalf("references = %+v", refs)
	}
	e.mustCall(t, "cvm", "DisassociateSecurityGroups", map[string]any{"SecurityGroupIds": []string{sgDB}, "InstanceIds": []string{ins1}}, nil)
	err := e.call(t, "vpc", "DeleteSecurityGroup", map[string]any{"SecurityGroupId": sgDB}, nil)
	wantCode(t, err, "ResourceInUse")
	if !strings.Contains(err.Error(), sgRefer) {
		t.Errorf("error does not name the referencing group: %v", err)
	}
	if len(e.cloud.State().SecurityGroups) != 3 {
		t.Fatal("a refused delete deleted something")
	}
	// The referencing group itself can go, and then the referenced one.
	e.mustCall(t, "vpc", "DeleteSecurityGroup", map[string]any{"SecurityGroupId": sgRefer}, nil)
	e.mustCall(t, "vpc", "DeleteSecurityGroup", map[string]any{"SecurityGroupId": sgDB}, nil)
}

// DescribeSecurityGroupAssociationStatistics counts the CVM bindings, the
// other services' and the referencing groups; a binding just removed keeps
// counting, and keeps the group from being deleted, for UnbindPropagationMS.
func TestAssociationStatisticsAndUnbindPropagation(t *testing.T) {
	s := fixture()
	s.UnbindPropagationMS = 300
	s.SecurityGroups[1].OtherBindings = map[string]int{"CLB": 1, "CDB": 2}
	e := newEnv(t, s)
	type stat struct {
		SecurityGroupId                    string
		CVM, CDB, ENI, CLB, SG, TotalCount int
		InstanceStatistics                 []struct {
			InstanceType  string
			InstanceCount int
		}
	}
	var out struct{ SecurityGroupAssociationStatisticsSet []stat }
	e.mustCall(t, "vpc", "DescribeSecurityGroupAssociationStatistics", map[string]any{"SecurityGroupIds": []string{sgWeb, sgDB}}, &out)
	got := fmt.Sprintf("%+v", out.SecurityGroupAssociationStatisticsSet)
	want := "[{SecurityGroupId:sg-web00001 CVM:2 CDB:0 ENI:0 CLB:0 SG:0 TotalCount:2 InstanceStatistics:[{InstanceType:CVM InstanceCount:2}]} " +
		"{SecurityGroupId:sg-db000001 CVM:1 CDB:2 ENI:0 CLB:1 SG:1 TotalCount:4 InstanceStatistics:[{InstanceType:CDB InstanceCount:2} {InstanceType:CLB InstanceCount:1} {InstanceType:CVM InstanceCount:1}]}]"
	if got != want {
		t.Fatalf("statistics\n%s\nwant\n%s", got, want)
	}
	wantCode(t, e.call(t, "vpc", "DescribeSecurityGroupAssociationStatistics", map[string]any{"SecurityGroupIds": []string{"sg-nope0000"}}, nil), "ResourceNotFound")
	wantCode(t, e.call(t, "vpc", "DescribeSecurityGroupAssociationStatistics", map[string]any{}, nil), "MissingParameter")

	e.mustCall(t, "cvm", "DisassociateSecurityGroups", map[string]any{"SecurityGroupIds": []string{sgWeb}, "InstanceIds": []string{ins1, ins2}}, nil)
	if slices.Contains(e.groupsOf(t, ins1), sgWeb) {
		t.Fatal("the instance still lists the group")
	}
	// Still propagating: counted, and in use.
	e.mustCall(t, "vpc", "DescribeSecurityGroupAssociationStatistics", map[string]any{"SecurityGroupIds": []string{sgWeb}}, &out)
	if n := out.SecurityGroupAssociationStatisticsSet[0].CVM; n != 2 {
		t.Errorf("CVM = %d while the unbinding propagates, want 2", n)
	}
	wantCode(t, e.call(t, "vpc", "DeleteSecurityGroup", map[string]any{"SecurityGroupId": sgWeb}, nil), "ResourceInUse")
	time.Sleep(350 * time.Millisecond)
	e.mustCall(t, "vpc", "DeleteSecurityGroup", map[string]any{"SecurityGroupId": sgWeb}, nil)

	// Other services' bindings keep the group whatever CVM does.
	e.mustCall(t, "cvm", "DisassociateSecurityGroups", map[string]any{"SecurityGroupIds": []string{sgDB}, "InstanceIds": []string{ins1}}, nil)
	e.mustCall(t, "vpc", "DeleteSecurityGroup", map[string]any{"SecurityGroupId": sgRefer}, nil)
	time.Sleep(350 * time.Millisecond)
	err := e.call(t, "vpc", "DeleteSecurityGroup", map[string]any{"SecurityGroupId": sgDB}, nil)
	wantCode(t, err, "ResourceInUse")
	if !strings.Contains(err.Error(), "other services") {
		t.Errorf("error does not say which bindings: %v", err)
	}
}

func TestBindings(t *testing.T) {
	e := newEnv(t, fixture())
	bind := func(action, group string, instances ...string) error {
		return e.call(t, "cvm", action, map[string]any{"SecurityGroupIds": []string{group}, "InstanceIds": instances}, nil)
	}
	if err := bind("AssociateSecurityGroups", sgDB, ins2); err != nil {
		t.Fatal(err)
	}
	if got := e.groupsOf(t, ins2); !slices.Equal(got, []string{sgWeb, sgDB}) {
		t.Fatalf("ins2 groups = %v", got)
	}
	// Already bound: no change, no error.
	if err := bind("AssociateSecurityGroups", sgDB, ins2); err != nil {
		t.Fatal(err)
	}
	if err := bind("DisassociateSecurityGroups", sgWeb, ins1, ins2); err != nil {
		t.Fatal(err)
	}
	if a, b := e.groupsOf(t, ins1), e.groupsOf(t, ins2); !slices.Equal(a, []string{sgDB}) || !slices.Equal(b, []string{sgDB}) {
		t.Fatalf("after unbinding web: ins1 %v, ins2 %v; want only db on each", a, b)
	}
	// Not bound any more: no change, no error.
	if err := bind("DisassociateSecurityGroups", sgWeb, ins1); err != nil {
		t.Fatal(err)
	}
	// A missing instance fails the whole call before anything changes.
	wantCode(t, bind("DisassociateSecurityGroups", sgDB, ins1, "ins-gone0000"), "InvalidInstanceId.NotFound")
	if got := e.groupsOf(t, ins1); !slices.Equal(got, []string{sgDB}) {
		t.Fatalf("a failed call changed ins1: %v", got)
	}
	wantCode(t, bind("AssociateSecurityGroups", "sg-gone0000", ins1), "InvalidSecurityGroupId.NotFound")
	wantCode(t, bind("AssociateSecurityGroups", "web", ins1), "InvalidSecurityGroupId.Malformed")
	wantCode(t, e.call(t, "cvm", "AssociateSecurityGroups", map[string]any{"SecurityGroupIds": []string{sgWeb, sgDB}, "InstanceIds": []string{ins1}}, nil), "InvalidParameterValue.LimitExceeded")
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("ins-%08d", i)
	}
	wantCode(t, bind("DisassociateSecurityGroups", sgDB, many...), "InvalidParameterValue.LimitExceeded")
}

func TestAssociateLimit(t *testing.T) {
	s := fixture()
	for i := range 4 {
		id := fmt.Sprintf("sg-extra00%d", i)
		s.SecurityGroups = append(s.SecurityGroups, tencentcloud.SecurityGroup{ID: id, Region: region})
		s.Instances[0].SecurityGroupIDs = append(s.Instances[0].SecurityGroupIDs, id)
	}
	s.Instances[0].SecurityGroupIDs = s.Instances[0].SecurityGroupIDs[:5]
	e := newEnv(t, s)
	err := e.call(t, "cvm", "AssociateSecurityGroups", map[string]any{"SecurityGroupIds": []string{"sg-extra003"}, "InstanceIds": []string{ins1}}, nil)
	wantCode(t, err, "LimitExceeded.AssociateUSGLimitExceeded")
}

func TestDescribeInstancesPaging(t *testing.T) {
	s := fixture()
	for i := range 250 {
		s.Instances = append(s.Instances, tencentcloud.Instance{ID: fmt.Sprintf("ins-p%07d", i), Region: region, SecurityGroupIDs: []string{sgDB}})
	}
	e := newEnv(t, s)
	seen := map[string]bool{}
	for offset := 0; ; offset += 100 {
		var page instanceSet
		e.mustCall(t, "cvm", "DescribeInstances", map[string]any{
			"Filters": []map[string]any{{"Name": "security-group-id", "Values": []string{sgDB}}},
			"Offset":  offset, "Limit": 100,
		}, &page)
		if page.TotalCount != 251 {
			t.Fatalf("TotalCount = %d, want 251", page.TotalCount)
		}
		for _, in := range page.InstanceSet {
			seen[in.InstanceId] = true
		}
		if len(page.InstanceSet) < 100 {
			break
		}
	}
	if len(seen) != 251 {
		t.Fatalf("paging saw %d instances, want 251", len(seen))
	}
	for name, tc := range map[string]struct {
		params any
		code   string
	}{
		"Limit 101":      {map[string]any{"Limit": 101}, "InvalidParameterValue.LimitExceeded"},
		"string Limit":   {map[string]any{"Limit": "100"}, "InvalidParameter"},
		"ids and filter": {map[string]any{"InstanceIds": []string{ins1}, "Filters": []map[string]any{{"Name": "zone", "Values": []string{"x"}}}}, "InvalidParameterCoexistInstanceIdsFilters"},
		"malformed id":   {map[string]any{"InstanceIds": []string{"i-1"}}, "InvalidInstanceId.Malformed"},
	} {
		t.Run(name, func(t *testing.T) {
			wantCode(t, e.call(t, "cvm", "DescribeInstances", tc.params, nil), tc.code)
		})
	}
	var none instanceSet
	e.mustCall(t, "cvm", "DescribeInstances", map[string]any{"InstanceIds": []string{"ins-gone0000"}}, &none)
	if none.TotalCount != 0 || len(none.InstanceSet) != 0 {
		t.Fatalf("an unknown instance was listed: %+v", none)
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t, fixture())
	e.emu.SetFaults([]emulator.FaultRule{{Cloud: "tencentcloud", Service: "cvm", ThrottleRate: 1, Times: 1}})
	wantCode(t, e.call(t, "cvm", "DescribeInstances", map[string]any{}, nil), "RequestLimitExceeded")
	e.mustCall(t, "cvm", "DescribeInstances", map[string]any{}, nil)

	e.emu.SetFaults([]emulator.FaultRule{{Cloud: "tencentcloud", Actions: []string{"DisassociateSecurityGroups"}, DropRate: 1, Times: 1}})
	err := e.call(t, "cvm", "DisassociateSecurityGroups", map[string]any{"SecurityGroupIds": []string{sgWeb}, "InstanceIds": []string{ins2}}, nil)
	wantCode(t, err, "ClientError.HttpStatusCodeError")
	if got := e.groupsOf(t, ins2); len(got) != 0 {
		t.Fatalf("a dropped answer must still apply the change; ins2 groups = %v", got)
	}

	// A rate limit per action answers RequestLimitExceeded beyond it.
	e.emu.SetFaults([]emulator.FaultRule{{Cloud: "tencentcloud", Service: "cvm", RateLimitQPS: 2}})
	var throttled int
	for range 5 {
		if err := e.call(t, "cvm", "DescribeInstances", map[string]any{}, nil); err != nil {
			wantCode(t, err, "RequestLimitExceeded")
			throttled++
		}
	}
	if throttled == 0 {
		t.Fatal("5 calls at once under a 2 per second limit were all served")
	}
}

func TestLoadStateValidation(t *testing.T) {
	for name, tc := range map[string]struct {
		mutate func(*tencentcloud.State)
		want   string
	}{
		"bad group id":      {func(s *tencentcloud.State) { s.SecurityGroups[0].ID = "web" }, "sg-xxxxxxxx"},
		"unknown region":    {func(s *tencentcloud.State) { s.Instances[0].Region = "mars" }, `region "mars"`},
		"dangling binding":  {func(s *tencentcloud.State) { s.Instances[0].SecurityGroupIDs = []string{"sg-nothere0"} }, "is not a group of region"},
		"dangling ref":      {func(s *tencentcloud.State) { s.SecurityGroups[2].References = []string{"sg-nothere0"} }, "references"},
		"duplicate binding": {func(s *tencentcloud.State) { s.Instances[1].SecurityGroupIDs = []string{sgWeb, sgWeb} }, "listed twice"},
	} {
		t.Run(name, func(t *testing.T) {
			s := fixture()
			tc.mutate(&s)
			raw, _ := json.Marshal(s)
			err := tencentcloud.New().LoadState(raw)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadState = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if err := tencentcloud.New().LoadState([]byte(`{"instancez": []}`)); err == nil {
		t.Fatal("a misspelt field loaded")
	}
}

// TestTestdataLoads keeps the example state file in step with the state format.
func TestTestdataLoads(t *testing.T) {
	raw, err := os.ReadFile("../testdata/tencentcloud.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := emulator.New(tencentcloud.New()).LoadState(raw); err != nil {
		t.Fatal(err)
	}
}

// ErrorCodes lists every code the emulator's sources answer, and no other:
// the provider's table test reads it, so no code is answered unseen.
func TestErrorCodesListsEveryCode(t *testing.T) {
	codes, problems, err := emulator.ErrorCodesIn(".", map[string]int{"errorf": 0, "authError": 0}, "WriteErrorCode", "errorf")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if want := slices.Sorted(slices.Values(tencentcloud.ErrorCodes)); !slices.Equal(codes, want) {
		t.Errorf("the sources answer %v; ErrorCodes lists %v", codes, want)
	}
}
