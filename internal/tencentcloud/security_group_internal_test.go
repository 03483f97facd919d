package tencentcloud

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/secgroup/terraform-provider-secgroup/internal/emulator"
	tcemu "github.com/secgroup/terraform-provider-secgroup/internal/emulator/tencentcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/ratelimit"
)

const (
	emuRegion   = "ap-guangzhou"
	emuGroup    = "sg-bound000"
	emuOther    = "sg-other000"
	emuSecretID = "AKIDinternaltest"
	emuKey      = "internal-test-key"
)

// newEmulated starts an emulator holding emuGroup bound to n instances (each
// also in emuOther) and returns it with a client whose limits are limits.
func newEmulated(t testing.TB, n int, limits map[string]ratelimit.Limit) (*emulator.Server, *tcemu.Cloud, *Client) {
	t.Helper()
	return newEmulatedWith(t, n, limits, func(h http.Handler) http.Handler { return h })
}

// newEmulatedWith is newEmulated with the emulator's handler wrapped by wrap.
func newEmulatedWith(t testing.TB, n int, limits map[string]ratelimit.Limit, wrap func(http.Handler) http.Handler) (*emulator.Server, *tcemu.Cloud, *Client) {
	t.Helper()
	cloud := tcemu.New()
	state := tcemu.State{
		Credentials: []tcemu.Credential{{SecretID: emuSecretID, SecretKey: emuKey}},
		Regions:     []string{emuRegion},
		SecurityGroups: []tcemu.SecurityGroup{
			{ID: emuGroup, Name: "bound", Region: emuRegion},
			{ID: emuOther, Name: "other", Region: emuRegion},
		},
	}
	for i := range n {
		state.Instances = append(state.Instances, tcemu.Instance{
			ID: fmt.Sprintf("ins-%08d", i), Region: emuRegion, SecurityGroupIDs: []string{emuOther, emuGroup},
		})
	}
	raw, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	if err := cloud.LoadState(raw); err != nil {
		t.Fatal(err)
	}
	srv := emulator.New(cloud)
	ts := httptest.NewServer(wrap(srv.Handler()))
	t.Cleanup(ts.Close)
	c, err := NewClient(Config{
		Region: emuRegion, SecretID: emuSecretID, SecretKey: emuKey,
		Endpoints: map[string]string{"vpc": ts.URL, "cvm": ts.URL, "tag": ts.URL},
		Retry:     fastRetry, Limits: limits,
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv, cloud, c
}

// TestClientPacesCVM: 20 CVM calls at once against the cloud's own limit of
// 10 per second (a bucket of 10) meet no throttling, because the client
// spaces them. Without the client's limiter, half of them would be throttled.
func TestClientPacesCVM(t *testing.T) {
	srv, _, c := newEmulated(t, 1, nil)
	srv.SetFaults([]emulator.FaultRule{{Cloud: "tencentcloud", Service: "cvm", RateLimitQPS: 10}})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := c.Call(context.Background(), "cvm", "", "DescribeInstances", map[string]any{"Limit": 1}, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	reqs := srv.Requests()
	if len(reqs) != 20 {
		t.Fatalf("%d requests reached the cloud, want 20", len(reqs))
	}
	for _, r := range reqs {
		if r.ErrorCode != "" {
			t.Errorf("request %d answered %s", r.Seq, r.ErrorCode)
		}
	}
}

// TestClientWithoutLimiterIsThrottled is the control for TestClientPacesCVM:
// the same burst, unpaced, is throttled by the emulated limit.
func TestClientWithoutLimiterIsThrottled(t *testing.T) {
	srv, _, c := newEmulated(t, 1, map[string]ratelimit.Limit{})
	srv.SetFaults([]emulator.FaultRule{{Cloud: "tencentcloud", Service: "cvm", RateLimitQPS: 10}})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_ = c.Send(context.Background(), "cvm", "", "DescribeInstances", map[string]any{"Limit": 1}, nil)
		})
	}
	wg.Wait()
	throttled := 0
	for _, r := range srv.Requests() {
		if r.ErrorCode == "RequestLimitExceeded" {
			throttled++
		}
	}
	if throttled == 0 {
		t.Fatal("20 unpaced calls at once were all served under a limit of 10 per second")
	}
}

func TestDeleteSecurityGroupAlreadyGone(t *testing.T) {
	_, _, c := newEmulated(t, 0, map[string]ratelimit.Limit{})
	if err := deleteSecurityGroup(context.Background(), c, "sg-gone0000", true); err != nil {
		t.Fatalf("deleting a group that is gone: %v, want success", err)
	}
}

func TestDeleteSecurityGroupBatches(t *testing.T) {
	srv, cloud, c := newEmulated(t, 201, map[string]ratelimit.Limit{})
	if err := deleteSecurityGroup(context.Background(), c, emuGroup, true); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, r := range srv.Requests() {
		if r.Action == "DisassociateSecurityGroups" {
			var p struct{ InstanceIds []string }
			_ = json.Unmarshal([]byte(r.Body), &p)
			sizes = append(sizes, len(p.InstanceIds))
		}
	}
	if fmt.Sprint(sizes) != "[100 100 1]" {
		t.Errorf("batches of %v instances, want [100 100 1]", sizes)
	}
	for _, in := range cloud.State().Instances {
		if len(in.SecurityGroupIDs) != 1 || in.SecurityGroupIDs[0] != emuOther {
			t.Fatalf("instance %s is in %v, want only %s", in.ID, in.SecurityGroupIDs, emuOther)
		}
	}
}

// TestDeleteSecurityGroupInstanceTerminated: an instance that is terminated
// between the listing and the unbinding fails its batch with
// InvalidInstanceId.NotFound; the next round lists again and finishes.
func TestDeleteSecurityGroupInstanceTerminated(t *testing.T) {
	srv, cloud, c := newEmulated(t, 3, map[string]ratelimit.Limit{})
	// The first listing sees 3 instances; one is gone before the unbinding.
	bound, err := FindInstancesBoundTo(context.Background(), c, emuGroup)
	if err != nil || len(bound) != 3 {
		t.Fatalf("bound = %v, %v", bound, err)
	}
	cloud.Mutate(func(s *tcemu.State) { s.Instances = s.Instances[1:] })
	if _, err := unbindAll(context.Background(), c, emuGroup, bound); err != nil {
		t.Fatalf("unbindAll with a terminated instance: %v", err)
	}
	if err := deleteSecurityGroup(context.Background(), c, emuGroup, true); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()); n == 0 {
		t.Fatal("no requests")
	}
	for _, g := range cloud.State().SecurityGroups {
		if g.ID == emuGroup {
			t.Fatal("the group was not deleted")
		}
	}
}

// TestDeleteSecurityGroupFailsHalfWay: the second unbinding batch fails with
// an error that is not retried. The error names the cloud's code, how far the
// unbinding got and what to do; the group is not deleted; the first batch
// stays unbound; and a second run finishes the job from where it stopped.
func TestDeleteSecurityGroupFailsHalfWay(t *testing.T) {
	srv, cloud, c := newEmulatedWith(t, 250, map[string]ratelimit.Limit{}, func(next http.Handler) http.Handler {
		var mu sync.Mutex
		unbinds := 0
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-TC-Action") == "DisassociateSecurityGroups" {
				mu.Lock()
				unbinds++
				n := unbinds
				mu.Unlock()
				if n == 2 {
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write([]byte(`{"Response":{"Error":{"Code":"UnauthorizedOperation","Message":"not allowed"},"RequestId":"r-2"}}`))
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	})
	err := deleteSecurityGroup(context.Background(), c, emuGroup, true)
	if err == nil {
		t.Fatal("the delete succeeded although an unbinding batch failed")
	}
	for _, want := range []string{emuGroup, "UnauthorizedOperation", "unbinding 250 CVM instances (100 done", "run the destroy again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	still := 0
	for _, in := range cloud.State().Instances {
		if slices.Contains(in.SecurityGroupIDs, emuGroup) {
			still++
		}
	}
	if still != 150 {
		t.Fatalf("%d instances still bound after the failure, want 150", still)
	}
	srv.ResetRequests()
	if err := deleteSecurityGroup(context.Background(), c, emuGroup, true); err != nil {
		t.Fatalf("the second run: %v", err)
	}
	unbinds := 0
	for _, r := range srv.Requests() {
		if r.Action == "DisassociateSecurityGroups" {
			unbinds++
		}
	}
	if unbinds != 2 {
		t.Errorf("the second run made %d unbinding calls, want 2 (for the 150 left)", unbinds)
	}
	for _, in := range cloud.State().Instances {
		if !slices.Equal(in.SecurityGroupIDs, []string{emuOther}) {
			t.Fatalf("instance %s is in %v, want only %s", in.ID, in.SecurityGroupIDs, emuOther)
		}
	}
	if slices.ContainsFunc(cloud.State().SecurityGroups, func(g tcemu.SecurityGroup) bool { return g.ID == emuGroup }) {
		t.Fatal("the group was not deleted by the second run")
	}
}

// TestModifyPlanDestroyWarnings: a destroy plan names how many instances are
// bound, and what destroy will do about them.
func TestModifyPlanDestroyWarnings(t *testing.T) {
	_, _, c := newEmulated(t, 250, map[string]ratelimit.Limit{})
	for _, tc := range []struct {
		force bool
		want  []string
	}{
		{true, []string{"Destroy Will Unbind Instances", "is bound to 250 CVM instances (ins-00000000, ins-00000001, ins-00000002, ins-00000003, ins-00000004 and 245 more)", "force_delete = true"}},
		{false, []string{"Destroy Will Fail", "is bound to 250 CVM instances", "Set force_delete = true"}},
	} {
		t.Run(fmt.Sprint(tc.force), func(t *testing.T) {
			resp := planDestroy(t, c, emuGroup, tc.force)
			if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
				t.Fatalf("diagnostics = %v, want one warning", resp.Diagnostics)
			}
			w := resp.Diagnostics.Warnings()[0]
			text := w.Summary() + ": " + w.Detail()
			for _, s := range tc.want {
				if !strings.Contains(text, s) {
					t.Errorf("warning %q does not contain %q", text, s)
				}
			}
		})
	}
	t.Run("unbound", func(t *testing.T) {
		if resp := planDestroy(t, c, "sg-unbound0", true); len(resp.Diagnostics) != 0 {
			t.Fatalf("a group bound to no instance got %v", resp.Diagnostics)
		}
	})
}

type staticProvider struct{ c *Client }

func (p staticProvider) TencentCloud() (*Client, error) { return p.c, nil }

func planDestroy(t *testing.T, c *Client, id string, force bool) *resource.ModifyPlanResponse {
	t.Helper()
	return planChange(t, c, groupModel(id, force, 0), nil)
}

func groupModel(id string, force bool, project int64) *securityGroupResourceModel {
	return &securityGroupResourceModel{
		ID: types.StringValue(id), Name: types.StringValue("g"), Description: types.StringValue(""),
		ProjectID: types.NumberValue(new(big.Float).SetInt64(project)), Tags: types.MapNull(types.StringType), ForceDelete: types.BoolValue(force),
		Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
			"create": types.StringType, "update": types.StringType, "delete": types.StringType,
		})},
	}
}

// planChange runs ModifyPlan from state to planned (nil: a destroy).
func planChange(t *testing.T, c *Client, state, planned *securityGroupResourceModel) *resource.ModifyPlanResponse {
	t.Helper()
	ctx := context.Background()
	r := &securityGroupResource{}
	var cr resource.ConfigureResponse
	r.Configure(ctx, resource.ConfigureRequest{ProviderData: staticProvider{c}}, &cr)
	if cr.Diagnostics.HasError() {
		t.Fatal(cr.Diagnostics)
	}
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx)
	st := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}
	if diags := st.Set(ctx, state); diags.HasError() {
		t.Fatal(diags)
	}
	plan := tfsdk.Plan{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}
	if planned != nil {
		if diags := plan.Set(ctx, planned); diags.HasError() {
			t.Fatal(diags)
		}
	}
	resp := &resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(ctx, resource.ModifyPlanRequest{State: st, Plan: plan}, resp)
	return resp
}

// TestModifyPlanReplaceWarnings: a new project_id replaces the group, so its
// plan warns like a destroy plan, with the force_delete the delete will use
// (the state's); an in-place update of a bound group warns of nothing.
func TestModifyPlanReplaceWarnings(t *testing.T) {
	_, _, c := newEmulated(t, 7, map[string]ratelimit.Limit{})
	for _, tc := range []struct {
		name        string
		state, plan *securityGroupResourceModel
		want        []string
	}{
		{"force", groupModel(emuGroup, true, 0), groupModel(emuGroup, true, 1001),
			[]string{"Replacement Will Unbind Instances", "is bound to 7 CVM instances (ins-00000000, ins-00000001, ins-00000002, ins-00000003, ins-00000004 and 2 more)", "replacing it"}},
		{"no force", groupModel(emuGroup, false, 0), groupModel(emuGroup, false, 1001),
			[]string{"Replacement Will Fail", "is bound to 7 CVM instances", "Set force_delete = true alone and apply first"}},
		// Turning force_delete on in the same change does not help: the
		// delete reads the state.
		{"force set with the replacement", groupModel(emuGroup, false, 0), groupModel(emuGroup, true, 1001),
			[]string{"Replacement Will Fail", "with the force_delete already in the state"}},
		{"unknown project", groupModel(emuGroup, false, 0), func() *securityGroupResourceModel {
			m := groupModel(emuGroup, false, 0)
			m.ProjectID = types.NumberUnknown()
			return m
		}(), []string{"Replacement Will Fail"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := planChange(t, c, tc.state, tc.plan)
			if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
				t.Fatalf("diagnostics = %v, want one warning", resp.Diagnostics)
			}
			w := resp.Diagnostics.Warnings()[0]
			text := w.Summary() + ": " + w.Detail()
			for _, s := range tc.want {
				if !strings.Contains(text, s) {
					t.Errorf("warning %q does not contain %q", text, s)
				}
			}
		})
	}
	t.Run("in place", func(t *testing.T) {
		planned := groupModel(emuGroup, true, 0)
		planned.Name = types.StringValue("renamed")
		if resp := planChange(t, c, groupModel(emuGroup, false, 0), planned); len(resp.Diagnostics) != 0 {
			t.Fatalf("an in-place update got %v", resp.Diagnostics)
		}
	})
}

// BenchmarkForceDelete250 measures a forced delete of a group bound to 250
// instances against the emulator with the documented CVM pacing: 3 listing
// pages and 3 unbinding batches at 10 requests per second.
func BenchmarkForceDelete250(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		_, _, c := newEmulated(b, 250, nil)
		b.StartTimer()
		if err := deleteSecurityGroup(context.Background(), c, emuGroup, true); err != nil {
			b.Fatal(err)
		}
	}
}
