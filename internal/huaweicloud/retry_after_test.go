package huaweicloud_test

import (
	"context"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/acctest"
	"github.com/secgroup/terraform-provider-secgroup/internal/huaweicloud"
)

// A throttle that names a wait (Retry-After) is retried no earlier than that
// wait; one whose wait outlasts the operation's timeout gives up at once,
// keeping the cloud's error and its wait.
func TestRetryAfter(t *testing.T) {
	env := acctest.NewEnv(t)
	env.RequireEmulator(t)
	f := env.Huawei(t)
	find := func(ctx context.Context) error {
		// A new client each time: its read cache must not answer for the cloud.
		_, err := huaweicloud.FindServerSecurityGroup(ctx, env.HuaweiClient(t), f.Region, f.ServerID, f.DefaultGroupID)
		return err
	}
	acctest.CheckRetryAfter(t, env, "huaweicloud", "ListServersDetails", find)
}
