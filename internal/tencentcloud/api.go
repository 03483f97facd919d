package tencentcloud

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/apierr"
	"github.com/secgroup/terraform-provider-secgroup/internal/batch"
	"github.com/secgroup/terraform-provider-secgroup/internal/retry"
)

// Shapes of the API 3.0 parameters and answers the resources use.

type apiTag struct {
	Key   string
	Value string
}

type apiFilter struct {
	Name   string
	Values []string
}

// SecurityGroup is a group as VPC DescribeSecurityGroups lists it.
type SecurityGroup struct {
	SecurityGroupId   string //nolint:revive // the API's field names
	SecurityGroupName string
	SecurityGroupDesc string
	ProjectId         string //nolint:revive // the API's field names
	CreatedTime       string
	TagSet            []apiTag
}

// Instance is a CVM instance as DescribeInstances lists it.
type Instance struct {
	InstanceId       string //nolint:revive // the API's field names
	InstanceName     string
	SecurityGroupIds []string //nolint:revive // the API's field names
}

// cvmPageSize is CVM's largest Limit, and the most instances one
// (Dis)AssociateSecurityGroups call takes.
const cvmPageSize = 100

// vpcPageSize is VPC DescribeSecurityGroups' largest Limit.
const vpcPageSize = 100

// FindSecurityGroupByID returns the group, or an *apierr.NotFoundError when
// it does not exist. Read, Delete and the tests' checks all use it.
func FindSecurityGroupByID(ctx context.Context, c *Client, id string) (*SecurityGroup, error) {
	return findSecurityGroupIn(ctx, c, "", id)
}

// findSecurityGroupIn is FindSecurityGroupByID in region ("": the
// provider's), for the data source.
func findSecurityGroupIn(ctx context.Context, c *Client, region, id string) (*SecurityGroup, error) {
	var out struct {
		SecurityGroupSet []SecurityGroup
	}
	err := c.Call(ctx, "vpc", region, "DescribeSecurityGroups", map[string]any{"SecurityGroupIds": []string{id}}, &out)
	if apierr.IsNotFound(err) {
		return nil, &apierr.NotFoundError{Message: fmt.Sprintf("security group %q was not found", id), Err: err}
	}
	if err != nil {
		return nil, err
	}
	for i := range out.SecurityGroupSet {
		if out.SecurityGroupSet[i].SecurityGroupId == id {
			return &out.SecurityGroupSet[i], nil
		}
	}
	// Some answers list nothing rather than answering ResourceNotFound.
	return nil, &apierr.NotFoundError{Message: fmt.Sprintf("security group %q was not found", id)}
}

// listSecurityGroups lists, paged to the end at VPC's largest Limit, the
// groups of the provider's region that match every filter (Tencent ANDs
// the filters, ORs each one's values). The groupsNamed lookup of a create
// and the list resource use it.
func listSecurityGroups(ctx context.Context, c *Client, filters []apiFilter) ([]SecurityGroup, error) {
	var all []SecurityGroup
	for offset := 0; ; offset += vpcPageSize {
		var out struct {
			SecurityGroupSet []SecurityGroup
			TotalCount       int
		}
		params := map[string]any{
			"Offset": strconv.Itoa(offset), // strings in VPC, unlike CVM
			"Limit":  strconv.Itoa(vpcPageSize),
		}
		if len(filters) > 0 {
			params["Filters"] = filters
		}
		if err := c.Call(ctx, "vpc", "", "DescribeSecurityGroups", params, &out); err != nil {
			return nil, err
		}
		all = append(all, out.SecurityGroupSet...)
		if len(out.SecurityGroupSet) < vpcPageSize || offset+len(out.SecurityGroupSet) >= out.TotalCount {
			return all, nil
		}
	}
}

// describeInstancesPage is one CVM DescribeInstances call with the
// security-group-id filter: up to limit instances from offset, and the total.
func describeInstancesPage(ctx context.Context, c *Client, region, groupID string, offset, limit int) ([]Instance, int, error) {
	var out struct {
		InstanceSet []Instance
		TotalCount  int
	}
	err := c.Call(ctx, "cvm", region, "DescribeInstances", map[string]any{
		"Filters": []apiFilter{{Name: "security-group-id", Values: []string{groupID}}},
		"Offset":  offset, // integers in CVM, unlike VPC
		"Limit":   limit,
	}, &out)
	return out.InstanceSet, out.TotalCount, err
}

// FindInstancesBoundTo returns the IDs of every instance bound to the group,
// paging DescribeInstances to the end (fresh: the forced delete decides on it).
func FindInstancesBoundTo(ctx context.Context, c *Client, groupID string) ([]string, error) {
	members, err := listGroupMembers(ctx, c, "", groupID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(members))
	for i := range members {
		ids[i] = members[i].InstanceId
	}
	return ids, nil
}

// listGroupMembers is the group-side listing: every instance bound to the
// group in region ("": the provider's), by DescribeInstances with the
// security-group-id filter at CVM's largest Limit, paged to the end, each
// instance once.
func listGroupMembers(ctx context.Context, c *Client, region, groupID string) ([]Instance, error) {
	var members []Instance
	for offset := 0; ; offset += cvmPageSize {
		page, total, err := describeInstancesPage(ctx, c, region, groupID, offset, cvmPageSize)
		if err != nil {
			return nil, err
		}
		for _, in := range page {
			if !slices.ContainsFunc(members, func(m Instance) bool { return m.InstanceId == in.InstanceId }) {
				members = append(members, in)
			}
		}
		// The total can move while we page; an empty or short page is the end.
		if len(page) < cvmPageSize || offset+len(page) >= total {
			return members, nil
		}
	}
}

// groupMembers returns the group's listing in region ("": the provider's)
// through the client's cache: the refreshes of a fleet's memberships of one
// group share one listing per process (one call per 100 members) instead of
// a read per member.
func (c *Client) groupMembers(ctx context.Context, region, groupID string) (map[string]*Instance, error) {
	region = c.Region(region)
	return c.listings.Get(ctx, groupKey{region, groupID}, func(ctx context.Context) (map[string]*Instance, error) {
		members, err := listGroupMembers(ctx, c, region, groupID)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]*Instance, len(members))
		for i := range members {
			byID[members[i].InstanceId] = &members[i]
		}
		return byID, nil
	})
}

func (c *Client) groupKey(id string) groupKey { return groupKey{c.Region(""), id} }

// invalidateGroup drops the group's listing, before and after a write to
// one of its memberships, like invalidateInstances.
func (c *Client) invalidateGroup(id string) { c.listings.Invalidate(c.groupKey(id)) }

// FindGroupMember answers whether the instance is in the group, in a fleet
// from the group's cached listing (readcache.Listings says when it is worth
// its calls; until then, and for a few members of a large group, the
// instance's own batched read answers); when the listing does not show it,
// the instance's own read (FindInstanceSecurityGroup) decides, so that a
// lagging listing never drops a membership and the not-found error says
// whether the instance is gone or only out of the group. Read uses it.
func FindGroupMember(ctx context.Context, c *Client, instanceID, groupID string) error {
	if c.listings.Use(c.groupKey(groupID), c.instances.Cached(c.instanceKey(instanceID))) {
		members, err := c.groupMembers(ctx, "", groupID)
		if err != nil {
			return err
		}
		if _, ok := members[instanceID]; ok {
			return nil
		}
	}
	_, err := FindInstanceSecurityGroup(ctx, c, instanceID, groupID)
	return err
}

// errGroupNotListed marks a NotFoundError for an instance that exists but
// does not list the group, as opposed to an instance that is gone.
var errGroupNotListed = errors.New("the group is not in the instance's list")

func isGroupNotListed(err error) bool { return errors.Is(err, errGroupNotListed) }

// FindInstanceSecurityGroup returns the instance (shared between callers:
// read only) when it lists the group. It reads the instance through the
// client's cache: one DescribeInstances per instance and refresh. A missing
// instance or an unlisted group is an *apierr.NotFoundError. Read, the
// waiters and the tests' checks all use it.
func FindInstanceSecurityGroup(ctx context.Context, c *Client, instanceID, groupID string) (*Instance, error) {
	in, err := c.instances.Get(ctx, c.instanceKey(instanceID), func(ctx context.Context) (*Instance, error) {
		return c.instanceReads.Do(ctx, c.Region(""), instanceID)
	})
	if err != nil {
		return nil, err
	}
	if !slices.Contains(in.SecurityGroupIds, groupID) {
		return nil, &apierr.NotFoundError{Message: fmt.Sprintf("instance %q is not in security group %q", instanceID, groupID), Err: errGroupNotListed}
	}
	return in, nil
}

func (c *Client) instanceKey(id string) instanceKey { return instanceKey{c.Region(""), id} }

// invalidateInstances drops the instances' cache entries: before a write to
// them (so no read joins a call that predates it) and after (so the next
// read sees it).
func (c *Client) invalidateInstances(ids ...string) {
	for _, id := range ids {
		c.instances.Invalidate(c.instanceKey(id))
	}
}

// describeInstance reads the instance in the next DescribeInstances batch
// of its region (see batch): concurrent reads of a fleet cost one call per
// 100 instances. A missing instance is an *apierr.NotFoundError.
func describeInstance(ctx context.Context, c *Client, instanceID string) (*Instance, error) {
	return c.instanceReads.Do(ctx, c.Region(""), instanceID)
}

// describeInstances makes one DescribeInstances call for up to 100
// instances: CVM lists the ones that exist and leaves the others out.
func (c *Client) describeInstances(ctx context.Context, region string, ids []string) (map[string]*Instance, error) {
	var out struct {
		InstanceSet []Instance
	}
	// Limit: without it CVM lists 20 of the given instances.
	err := c.Call(ctx, "cvm", region, "DescribeInstances", map[string]any{"InstanceIds": ids, "Limit": len(ids)}, &out)
	if apierr.IsNotFound(err) && len(ids) == 1 {
		return nil, &apierr.NotFoundError{Message: fmt.Sprintf("instance %q was not found", ids[0]), Err: err}
	}
	if err != nil {
		return nil, err
	}
	found := make(map[string]*Instance, len(out.InstanceSet))
	for i := range out.InstanceSet {
		if in := &out.InstanceSet[i]; slices.Contains(ids, in.InstanceId) {
			found[in.InstanceId] = in
		}
	}
	return found, nil
}

func instanceNotFound(_ string, id string) error {
	return &apierr.NotFoundError{Message: fmt.Sprintf("instance %q was not found", id)}
}

// bindingBatch is what the instances of one (Dis)AssociateSecurityGroups
// call share: the region, the action and the one group.
type bindingBatch struct{ region, action, groupID string }

// bindInstance binds (AssociateSecurityGroups) or unbinds
// (DisassociateSecurityGroups) the group and the instance in the next call
// of that action for that group: concurrent memberships of one group (a
// fleet) are sent together, up to 100 instances per call. A call failed by
// one instance is split until each instance has its own answer.
func (c *Client) bindInstance(ctx context.Context, action, groupID, instanceID string) error {
	_, err := c.bindings.Do(ctx, bindingBatch{c.Region(""), action, groupID}, instanceID)
	return err
}

// associateChecked binds the group to the instance unless the instance is
// already in it, deciding from a fresh read: the read and the write go out
// in the next batch of the group's creates (checkAndAssociate). An instance
// already in the group is errAlreadyBound, one that does not exist an
// *apierr.NotFoundError; neither is written.
func (c *Client) associateChecked(ctx context.Context, groupID, instanceID string) error {
	_, err := c.associations.Do(ctx, bindingBatch{c.Region(""), "AssociateSecurityGroups", groupID}, instanceID)
	return err
}

// errAlreadyBound is a create's instance that is already in the group: adopting
// that binding would make our destroy remove a group someone else bound.
var errAlreadyBound = errors.New("the instance is already in the group")

// checkAndAssociate reads the batch's instances afresh (one DescribeInstances)
// and binds the group to those not yet in it (one AssociateSecurityGroups):
// two calls per batch of creates. The instances it leaves out get their own
// answer; a write failed by one instance fails the batch, which the batcher
// then splits.
func (c *Client) checkAndAssociate(ctx context.Context, b bindingBatch, ids []string) (map[string]struct{}, error) {
	found, err := c.describeInstances(ctx, b.region, ids)
	if err != nil {
		return nil, err
	}
	own := batch.Errors[string]{}
	var unbound []string
	for _, id := range ids {
		switch in := found[id]; {
		case in == nil:
			own[id] = instanceNotFound(b.region, id)
		case slices.Contains(in.SecurityGroupIds, b.groupID):
			own[id] = errAlreadyBound
		default:
			unbound = append(unbound, id)
		}
	}
	done := map[string]struct{}{}
	if len(unbound) > 0 {
		bound, err := c.bind(ctx, b, unbound)
		switch {
		case err == nil:
			done = bound
		case len(own) == 0 || len(unbound) > 1 && oneMembersFault(err):
			return nil, err // the batcher splits it, or it fails every caller alike
		default:
			for _, id := range unbound {
				own[id] = err
			}
		}
	}
	if len(own) == 0 {
		return done, nil
	}
	return done, own
}

func (c *Client) bind(ctx context.Context, b bindingBatch, ids []string) (map[string]struct{}, error) {
	params := map[string]any{"SecurityGroupIds": []string{b.groupID}, "InstanceIds": ids}
	err := c.DoPaced(ctx, "cvm", func(ctx context.Context, attempt retry.Attempt) error {
		err := c.Send(ctx, "cvm", b.region, b.action, params, nil)
		if err != nil && attempt.AfterLostAnswer() && !apierr.ClassOf(err).Retryable() && c.settled(ctx, b, ids) {
			return nil // our earlier try, whose answer was lost, did it
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	done := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		done[id] = struct{}{}
	}
	return done, nil
}

// settled reads the batch's instances afresh after a retry was refused: an
// earlier try whose answer was lost may have bound (or unbound) the group
// already, and the refusal (FailedOperation.SecurityGroupActionFailed, say)
// is then about our own success, as for the Huawei and Alibaba writes.
func (c *Client) settled(ctx context.Context, b bindingBatch, ids []string) bool {
	c.invalidateInstances(ids...)
	for _, id := range ids {
		_, err := FindInstanceSecurityGroup(ctx, c, id, b.groupID)
		if b.action == "DisassociateSecurityGroups" && !gone(err) || b.action != "DisassociateSecurityGroups" && err != nil {
			return false
		}
	}
	return true
}

// oneMembersFault reports whether a batch call's error may be caused by one
// of its instances (InvalidInstanceId.NotFound names every missing one, but
// fails the whole call; an instance at its five-group limit does too), so
// that splitting the batch gives the others their own success. Errors about
// the group, the credentials or the service fail every instance alike.
func oneMembersFault(err error) bool {
	var e *apierr.Error
	if !errors.As(err, &e) || strings.HasPrefix(e.Code, "InvalidSecurityGroupId") {
		return false
	}
	return strings.HasPrefix(e.Code, "InvalidInstanceId") || strings.HasPrefix(e.Code, "InvalidInstance") ||
		strings.HasPrefix(e.Code, "LimitExceeded.AssociateUSGLimitExceeded") ||
		strings.HasPrefix(e.Code, "OperationDenied") || strings.HasPrefix(e.Code, "UnsupportedOperation") ||
		strings.HasPrefix(e.Code, "ResourceNotFound")
}

// beijing is the time zone the API writes CreatedTime in.
var beijing = time.FixedZone("CST", 8*3600)

func parseAPITime(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateTime, s, beijing)
	return t, err == nil
}

func projectString(id int64) string { return strconv.FormatInt(id, 10) }
