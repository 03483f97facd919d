package acctest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/secgroup/terraform-provider-secgroup/internal/tfcli"
)

// The suite runs on every CLI of the matrix (make test-matrix): Terraform
// 1.5.7 to 1.15.0 and OpenTofu. A test of a feature that only newer CLIs have
// declares it in its TestCase, and skips (passes) elsewhere:
//
//	TerraformVersionChecks: acctest.IdentityChecks(), // import { identity = ... }
//	TerraformVersionChecks: acctest.QueryChecks(),    // terraform query, list resources
//
// or composes its own from tfversion's checks and SkipOpenTofu. tfversion
// sees OpenTofu's version number as if it were Terraform's; the two agree on
// the features below (identity arrived in Terraform 1.12 and OpenTofu 1.12).

// OpenTofuHost is the registry OpenTofu resolves a provider source without a
// host to. terraform-plugin-testing serves the provider under test at
// TF_ACC_PROVIDER_HOST (default registry.terraform.io), so on OpenTofu that
// variable must name this host, or tofu init looks for the provider online.
const OpenTofuHost = "registry.opentofu.org"

// IdentityChecks skips a test of resource identity (import by identity,
// identity in state) on a CLI without it: before Terraform and OpenTofu 1.12.
func IdentityChecks() []tfversion.TerraformVersionCheck {
	return []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}
}

// QueryChecks skips a test of list resources (terraform query,
// -generate-config-out) on a CLI without them: before Terraform 1.14, and on
// OpenTofu, which has no query command.
func QueryChecks() []tfversion.TerraformVersionCheck {
	return []tfversion.TerraformVersionCheck{SkipOpenTofu(), tfversion.SkipBelow(tfversion.Version1_14_0)}
}

// SkipOpenTofu is a TerraformVersionChecks entry that skips (passes) the test
// when the CLI under test is OpenTofu.
func SkipOpenTofu() tfversion.TerraformVersionCheck { return skipOpenTofu{} }

type skipOpenTofu struct{}

func (skipOpenTofu) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	tofu, err := IsOpenTofu()
	switch {
	case err != nil:
		resp.Error = err
	case tofu:
		resp.Skip = fmt.Sprintf("the CLI is OpenTofu %s, which lacks this feature: skipping test.", req.TerraformVersion)
	}
}

// IsOpenTofu reports whether the CLI the tests run (TF_ACC_TERRAFORM_PATH,
// else terraform on PATH) is OpenTofu: tfversion's checks see only a version
// number, and OpenTofu's numbers overlap Terraform's.
func IsOpenTofu() (bool, error) { return cliIsOpenTofu() }

var cliIsOpenTofu = sync.OnceValues(func() (bool, error) {
	tf, err := tfcli.Terraform()
	if err != nil {
		return false, fmt.Errorf("the CLI under test: %w", err)
	}
	cmd := exec.Command(tf, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return false, fmt.Errorf("%s version: %w", tf, err)
	}
	return isOpenTofuVersion(string(out)), nil
})

// isOpenTofuVersion reads the output of `version`: a line "OpenTofu v1.12.6"
// or "Terraform v1.15.0", after any warning about the CLI configuration.
func isOpenTofuVersion(out string) bool {
	for line := range strings.Lines(out) {
		switch {
		case strings.HasPrefix(line, "OpenTofu v"):
			return true
		case strings.HasPrefix(line, "Terraform v"):
			return false
		}
	}
	return false
}

// checkProviderHost fails the test, before any step, when the CLI is
// OpenTofu but terraform-plugin-testing would serve the provider at another
// registry host: tofu init would otherwise try to download it and fail far
// from the cause.
func checkProviderHost(t *testing.T) {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		return
	}
	tofu, err := IsOpenTofu()
	if err != nil || !tofu {
		return // plugin-testing reports a missing CLI itself
	}
	if host := os.Getenv(resource.EnvTfAccProviderHost); host != OpenTofuHost {
		t.Fatalf("the CLI under test is OpenTofu: set %s=%s (make test does), not %q",
			resource.EnvTfAccProviderHost, OpenTofuHost, host)
	}
}
