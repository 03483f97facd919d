//go:build generate

// Package tools pins the code generators in their own module, so their
// dependencies stay out of the provider's go.mod.
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)

// Format the examples: the docs embed them.
//go:generate terraform fmt -recursive ../examples/

// Generate docs/ from the provider schema, templates/ and examples/.
// tfplugindocs asks the terraform on PATH for the schema (make puts ./bin
// first); without one it would download the latest release.
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-dir .. --provider-name secgroup
