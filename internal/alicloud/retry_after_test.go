package alicloud_test

import (
	"context"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
)

// A throttle that names a wait (Retry-After) is retried no earlier than that
// wait; one whose wait outlasts the operation's timeout gives up at once,
// keeping the cloud's error and its wait.
func TestRetryAfter(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	group := env.AliEcsGroup(t)
	c := env.AliCloudClient(t)
	describe := func(ctx context.Context) error {
		return c.Call(ctx, "ecs", "", "DescribeSecurityGroupAttribute",
			map[string]string{"SecurityGroupId": group, "Direction": "egress"}, nil)
	}
	acctest.CheckRetryAfter(t, env, "alicloud", "DescribeSecurityGroupAttribute", describe)
}
