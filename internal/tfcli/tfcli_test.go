package tfcli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/tfcli"
)

// The built provider is found through dev_overrides and answers validate:
// a resource with a missing required attribute fails in the provider's own
// words, which only the provider's schema can produce.
func TestWorkdir_usesBuiltProvider(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the provider")
	}
	if _, err := tfcli.Terraform(); err != nil {
		t.Skip("no terraform binary: ", err)
	}
	dir, err := tfcli.BuildProvider()
	if err != nil {
		t.Fatal(err)
	}
	w, err := tfcli.NewWorkdir(t.TempDir(), dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := tfcli.ProviderBlock + `
resource "secgroup_huaweicloud_server_association" "x" {
  server_id = "not-a-uuid"
  security_group = "default"
}
`
	if err := w.WriteConfig(cfg); err != nil {
		t.Fatal(err)
	}
	r := w.Run(context.Background(), nil, "validate")
	if r.Err == nil {
		t.Fatalf("validate passed; want the provider's validation error\n%s", r.Stdout)
	}
	if !strings.Contains(r.Stderr+r.Stdout, "server_id") {
		t.Fatalf("validate failed without naming server_id:\n%s%s", r.Stdout, r.Stderr)
	}
	if !strings.Contains(r.Stderr+r.Stdout, "Provider development overrides are in effect") {
		t.Fatalf("terraform did not use the dev override:\n%s%s", r.Stdout, r.Stderr)
	}
}
