package tencentcloud_test

import (
	"context"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/tencentcloud"
)

// A throttle that names a wait (Retry-After) is retried no earlier than that
// wait; one whose wait outlasts the operation's timeout gives up at once,
// keeping the cloud's error and its wait.
func TestRetryAfter(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Tencent(t)
	c := env.TencentClient(t)
	find := func(ctx context.Context) error {
		_, err := tencentcloud.FindSecurityGroupByID(ctx, c, f.SecurityGroupID)
		return err
	}
	acctest.CheckRetryAfter(t, env, "tencentcloud", "DescribeSecurityGroups", find)
}
