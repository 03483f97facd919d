#!/usr/bin/env bash
# The demo: the provider against the local emulator, offline. It builds the
# provider and the emulator, applies main.tf, shows what changed in the
# emulated cloud and which API calls did it, checks that a second plan is
# empty, destroys, and checks that the servers, instances and ENIs are back to
# their groups (and that the Tencent instances lost only the force-deleted group).
#
# Needs Go and terraform on PATH (make tools installs one into ./bin); no
# network, no terraform init: a dev_overrides CLI config points terraform at
# the provider built into ./bin. An installed provider (README, Install) goes
# through terraform init and a lock file instead; make test-release runs this
# configuration that way, from the release zips.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
demo="$root/examples/demo"
export PATH="$root/bin:$PATH"

section() { printf '\n=== %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

command -v terraform >/dev/null || die "terraform is not on PATH: run 'make tools' (installs it into ./bin)"

tmp="$(mktemp -d)"
emulator_pid=""
cleanup() {
	if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
		kill "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# terraform must not reach out (version checkpoint) nor ask anything.
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
tf_flags=()
[[ -t 1 ]] || tf_flags+=(-no-color)

section "Building the provider, the emulator and the demo helper"
mkdir -p "$root/bin"
(cd "$root" && go build -o bin/terraform-provider-secgroup .)
(cd "$root" && go build -o "$tmp/emulator" ./internal/emulator/cmd/emulator)
(cd "$root" && go build -o "$tmp/show" ./examples/demo/show)
show="$tmp/show"
echo "provider: $root/bin/terraform-provider-secgroup"

section "Starting the emulator with examples/demo/fixtures.json"
"$tmp/emulator" -listen 127.0.0.1:0 -state "$demo/fixtures.json" -url-file "$tmp/url" >"$tmp/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 300); do
	[[ -s "$tmp/url" ]] && break
	kill -0 "$emulator_pid" 2>/dev/null || { cat "$tmp/emulator.log" >&2; die "the emulator exited"; }
	sleep 0.1
done
[[ -s "$tmp/url" ]] || { cat "$tmp/emulator.log" >&2; die "the emulator wrote no URL within 30s"; }
url="$(tr -d '[:space:]' <"$tmp/url")"
"$show" wait "$url"
echo "emulator listening on $url"

# The provider comes from ./bin; nothing is installed or downloaded.
cat >"$tmp/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/secgroup/secgroup" = "$root/bin"
    "registry.opentofu.org/secgroup/secgroup" = "$root/bin"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$tmp/terraformrc"
echo "terraform: $(command -v terraform) ($(terraform version | head -n 1))"
# Work on a copy so no state or lock file lands in the repository.
work="$tmp/work"
mkdir -p "$work"
cp "$demo/main.tf" "$work/"
export TF_VAR_emulator_url="$url"
tf() { terraform -chdir="$work" "$@"; }

"$show" state "$url" >"$tmp/before.json"
"$show" calls "$url" >/dev/null # start the log empty

section "terraform apply"
tf apply -auto-approve -compact-warnings "${tf_flags[@]}"

section "What changed: the groups of each server, standalone port, instance and ENI, before → after"
"$show" groups "$tmp/before.json" "$url"

section "What changed: each Alibaba Cloud group's egress rules, before → after"
"$show" rules "$tmp/before.json" "$url"

section "API calls made by the apply"
"$show" calls "$url"

section "terraform plan -detailed-exitcode: a second plan must be empty"
set +e
tf plan -detailed-exitcode -compact-warnings "${tf_flags[@]}"
rc=$?
set -e
case "$rc" in
0) echo "no changes: the state matches the cloud" ;;
2) die "the plan after apply is not empty" ;;
*) die "terraform plan failed (exit $rc)" ;;
esac
section "API calls made by the plan (reads only)"
"$show" calls "$url"

section "terraform destroy"
tf destroy -auto-approve -compact-warnings "${tf_flags[@]}"

section "After destroy: the groups of each server, standalone port, instance and ENI, before apply → now"
"$show" groups -same -removed sg-legacy01 "$tmp/before.json" "$url"
echo "the associations are gone; every server, instance and ENI has its original groups, ssh-admin on db-01 included"
echo "the load balancer port lb-01-vip is back to its own ssh-admin group"
echo "force_delete: the Tencent group legacy-web was unbound from its 4 instances, which kept their other groups, and deleted"

section "After destroy: each Alibaba Cloud group's egress rules, before apply → now"
"$show" rules -same "$tmp/before.json" "$url"
echo "the demo's rules are revoked; the bastion rule that was there before stays"

section "API calls made by the destroy"
"$show" calls "$url"

section "Demo finished"
