package acctest

import (
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// A test whose every step fails leaves an empty state, for which
// terraform-plugin-testing skips CheckDestroy; Test runs it anyway.
func TestCheckDestroyRunsAfterOnlyFailingSteps(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("needs TF_ACC=1: it runs terraform")
	}
	ran := false
	Test(t, resource.TestCase{
		ProtoV6ProviderFactories: ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			ran = len(s.RootModule().Resources) == 0
			return nil
		},
		Steps: []resource.TestStep{{
			Config:      `resource "terraform_data" "x" { no_such_argument = 1 }`,
			ExpectError: regexp.MustCompile(`Unsupported argument`),
		}},
	})
	if !ran {
		t.Fatal("CheckDestroy did not run")
	}
}
