package acctest

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/secgroup/terraform-provider-secgroup/internal/tfcli"
)

func TestIsOpenTofuVersion(t *testing.T) {
	for out, want := range map[string]bool{
		"OpenTofu v1.12.6\non linux_amd64\n":                                              true,
		"Terraform v1.15.0\non linux_amd64\n":                                             false,
		"Terraform v1.5.7\non linux_amd64\n\nYour version of Terraform is out of date!\n": false,
		// A missing TF_CLI_CONFIG_FILE makes tofu warn before its version.
		"\nWarning: Unable to open CLI configuration file\n\nThe CLI configuration file at \"/x\" does not exist.\nOpenTofu v1.12.6\n": true,
		"": false,
	} {
		if got := isOpenTofuVersion(out); got != want {
			t.Errorf("isOpenTofuVersion(%q) = %t, want %t", out, got, want)
		}
	}
}

// IdentityChecks and QueryChecks run a test exactly on the CLIs that have the
// feature, whichever CLI of the matrix runs the suite: the expectation is
// worked out here from `version -json` and the CLI's own name.
func TestAccCLIChecks(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("needs TF_ACC=1: it runs terraform")
	}
	tf, err := tfcli.Terraform()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tf, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %s", tf, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %s\n%s", tf, err, out)
	}
	cli := version.Must(version.NewVersion(v.Version)).Core()
	tofu, err := IsOpenTofu()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("CLI %s: version %s, OpenTofu %t", tf, cli, tofu)

	for _, c := range []struct {
		name   string
		checks []tfversion.TerraformVersionCheck
		want   bool
	}{
		{"identity", IdentityChecks(), cli.GreaterThanOrEqual(tfversion.Version1_12_0)},
		{"query", QueryChecks(), !tofu && cli.GreaterThanOrEqual(tfversion.Version1_14_0)},
		{"not OpenTofu", []tfversion.TerraformVersionCheck{SkipOpenTofu()}, !tofu},
	} {
		ran := false
		t.Run(c.name, func(t *testing.T) {
			Test(t, resource.TestCase{
				ProtoV6ProviderFactories: ProtoV6ProviderFactories,
				TerraformVersionChecks:   c.checks,
				Steps: []resource.TestStep{{
					Config: `resource "terraform_data" "x" { input = 1 }`,
					Check:  func(*terraform.State) error { ran = true; return nil },
				}},
			})
		})
		if ran != c.want {
			t.Errorf("%s: the test ran = %t on %s %s (OpenTofu %t), want %t", c.name, ran, tf, cli, tofu, c.want)
		}
	}
}
