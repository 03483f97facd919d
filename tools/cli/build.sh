#!/usr/bin/env bash
# tools/cli/build.sh terraform|tofu VERSION
#
# Builds a Terraform or OpenTofu CLI from the Go module proxy into ./bin and
# prints the binary's path; a binary already there is reused. A Terraform
# whose go.mod has no replace directive (1.5.7) installs with `go install`.
# Newer ones cannot (their go.mod replaces nested modules that module zips
# omit; 1.11.4 already does): the module is copied, the remote-state backends
# that live in those nested modules (eight, nine from 1.12 with oci) are
# dropped, and it builds with -mod=mod. OpenTofu builds unpatched.
set -euo pipefail

tool="${1:?usage: build.sh terraform|tofu VERSION}"
version="${2:?usage: build.sh terraform|tofu VERSION}"
version="${version#v}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$root/bin"
out="$bin/$tool-$version"
mkdir -p "$bin"
export CHECKPOINT_DISABLE=1

# version_line BINARY: its "Terraform vX.Y.Z" or "OpenTofu vX.Y.Z" line. The
# whole output is read first: a CLI configuration warning may come before it,
# and a reader that stops early would kill the CLI with SIGPIPE (pipefail).
version_line() {
	local text
	text="$("$1" version 2>/dev/null)" || return 1
	grep -m 1 -E '^(Terraform|OpenTofu) v' <<<"$text"
}

if [[ -x "$out" ]] && [[ "$(version_line "$out")" == *" v$version" ]]; then
	echo "$out"
	exit 0
fi

# A built CLI is also kept outside the work tree (SECGROUP_CLI_CACHE, default
# ~/.cache/terraform-provider-secgroup/cli), so a fresh clone on the same
# machine copies it instead of spending minutes on the build. The cache is
# only a shortcut: without it the CLI is built as below.
cache="${SECGROUP_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-secgroup/cli}"
if [[ -x "$cache/$tool-$version" ]] && [[ "$(version_line "$cache/$tool-$version")" == *" v$version" ]]; then
	cp "$cache/$tool-$version" "$out.tmp" && mv "$out.tmp" "$out"
	echo "$out"
	exit 0
fi

work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

case "$tool" in
terraform)
	dir="$(go mod download -json "github.com/hashicorp/terraform@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
	[[ -n "$dir" ]] || { echo "go mod download found no github.com/hashicorp/terraform@v$version" >&2; exit 1; }
	# The module's own go.mod decides, not a version boundary: 1.5.7 has no
	# replace directive, 1.11.4 already has them.
	if ! grep -q '^replace' "$dir/go.mod"; then
		GOBIN="$work" go install "github.com/hashicorp/terraform@v$version" >&2
		mv "$work/terraform" "$out"
	else
		cp -r "$dir" "$work/src"
		chmod -R u+w "$work/src"
		cd "$work/src"
		backends="azure consul cos gcs kubernetes oss pg s3 oci"
		init=internal/backend/init/init.go
		for b in $backends; do
			# The import line, and the map entry that uses it.
			sed -i "\#internal/backend/remote-state/$b\"#d" "$init"
			sed -i "\#internal/backend/remote-state/$b =>#d; \#internal/backend/remote-state/$b v0#d" go.mod
		done
		for entry in azurerm consul cos gcs kubernetes oss pg s3 oci; do
			sed -i "/^[[:space:]]*\"$entry\":[[:space:]]*func() backend.Backend/d" "$init"
		done
		# internal/legacy is another nested module; only the dropped backends use it.
		sed -i '\#internal/legacy =>#d; \#hashicorp/terraform/internal/legacy v0#d' go.mod
		# Go 1.26 no longer knows this setting (1.11 and older set it; it
		# turned off the draft Kyber key exchange Go has since replaced).
		sed -i '/^godebug tlskyber=/d' go.mod
		GOFLAGS=-mod=mod go build -o "$out" -ldflags "-X github.com/hashicorp/terraform/version.dev=no" . >&2
	fi
	;;
tofu)
	dir="$(go mod download -json "github.com/opentofu/opentofu@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
	[[ -n "$dir" ]] || { echo "go mod download found no github.com/opentofu/opentofu@v$version" >&2; exit 1; }
	cp -r "$dir" "$work/src"
	chmod -R u+w "$work/src"
	cd "$work/src"
	go build -o "$out" -ldflags "-X github.com/opentofu/opentofu/version.dev=no" ./cmd/tofu >&2
	;;
*)
	echo "unknown tool $tool: terraform or tofu" >&2
	exit 2
	;;
esac

line="$(version_line "$out")"
[[ "$line" == *" v$version" ]] || { echo "$out says \"$line\", not v$version" >&2; exit 1; }
echo "$line" >&2
if mkdir -p "$cache" 2>/dev/null && cp "$out" "$cache/.$tool-$version.tmp" 2>/dev/null; then
	mv "$cache/.$tool-$version.tmp" "$cache/$tool-$version"
fi
echo "$out"
