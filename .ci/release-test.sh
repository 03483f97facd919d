#!/usr/bin/env bash
# The release test (make test-release; a step of .ci/run). It installs the
# provider the way users do and runs the demo with it:
#
#  1. make release-snapshot for this machine's platform (RELEASE_TEST_TARGETS=all:
#     every platform) into a temporary dist; checks the zips, SHA256SUMS and the
#     manifest; builds it again signed with a throwaway GPG key and checks that
#     the signature verifies and the zips are byte-identical.
#  2. Lays the zips out as a filesystem mirror (the registry's packed layout)
#     and, for terraform and OpenTofu, inits a fresh copy of examples/demo with a
#     CLI configuration that points only at that mirror and no network (a proxy
#     that refuses everything); checks that the lock file records the zip's h1:
#     hash, computed here from the zip; applies, plans (no changes) and destroys
#     the demo against the emulator, whose log must show the release's version
#     in every request's User-Agent.
#  3. terraform providers mirror from that setup, the signed snapshot served as
#     registry.terraform.io (a CLI host block; Terraform verifies the signature),
#     and init from its output.
#  4. make install into a temporary HOME, then terraform and OpenTofu init the
#     README's Quick start (pinned with "~> X.Y") from the implied local mirror,
#     apply, plan (no changes) and destroy it.
#
# HOME, TF_CLI_CONFIG_FILE and every directory are temporary: nothing is left in
# ~/.terraform.d. Needs Go, terraform, unzip, curl, jq, gpg and python3 (its
# http.server is the registry) on PATH; OpenTofu
# comes from tools/cli/build.sh (cached in ./bin).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/bin:$PATH"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_CLI_ARGS TF_CLI_ARGS_init
TOFU_VERSION="${TOFU_VERSION:-1.12.6}"

section() { printf '\n=== %s\n' "$*"; }
die() { printf 'release test: %s\n' "$*" >&2; exit 1; }

for cmd in go terraform unzip curl jq gpg sha256sum base64 xxd python3; do
	command -v "$cmd" >/dev/null || die "$cmd is not on PATH"
done

tmp="$(mktemp -d)"
emulator_pid=""
registry_pid=""
stop_emulator() {
	if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
		kill "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
	fi
	emulator_pid=""
}
cleanup() {
	stop_emulator
	[[ -z "$registry_pid" ]] || kill "$registry_pid" 2>/dev/null || true
	chmod -R u+w "$tmp" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# No user CLI configuration anywhere (no provider_installation block: the
# implied local mirror, then the registry); steps that need one set their own.
: >"$tmp/empty.tfrc"
export TF_CLI_CONFIG_FILE="$tmp/empty.tfrc"

# Go keeps its caches under HOME: pin them before any command runs with a
# temporary one.
export GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)" GOPATH="$(go env GOPATH)" GOENV="$(go env GOENV)"
goos="$(go env GOOS)" goarch="$(go env GOARCH)" exe="$(go env GOEXE)"
platform="${goos}_${goarch}"

# h1 ZIP: the h1: hash Terraform records for a provider zip (dirhash.Hash1 of
# the zip's files): SHA-256 of the sorted "<sha256 hex>  <name>\n" lines.
h1() {
	local zip="$1" name
	unzip -Z1 "$zip" | LC_ALL=C sort | while IFS= read -r name; do
		printf '%s  %s\n' "$(unzip -p "$zip" "$name" | sha256sum | cut -d' ' -f1)" "$name"
	done | sha256sum | cut -d' ' -f1 | xxd -r -p | base64 | sed 's/^/h1:/'
}

# lock_hashes DIR HOST: the hashes of secgroup/secgroup in DIR's lock file.
lock_hashes() {
	awk -v want="provider \"$2/secgroup/secgroup\" {" '
		index($0, want) == 1 { inside = 1; next }
		inside && /^}/ { exit }
		inside && /"(h1|zh):/ { gsub(/[ ",]/, ""); print }
	' "$1/.terraform.lock.hcl"
}
lock_version() {
	awk -v want="provider \"$2/secgroup/secgroup\" {" '
		index($0, want) == 1 { inside = 1; next }
		inside && /^}/ { exit }
		inside && $1 == "version" { gsub(/"/, "", $3); print $3 }
	' "$1/.terraform.lock.hcl"
}

section "OpenTofu $TOFU_VERSION"
tofu="$(tools/cli/build.sh tofu "$TOFU_VERSION")"
"$tofu" version | sed -n 1p

section "Snapshot: make release-snapshot (${RELEASE_TEST_TARGETS:-host}) into a temporary dist"
targets="${RELEASE_TEST_TARGETS:-host}"
[[ "$targets" != all ]] || targets=""
dist="$tmp/dist"
make --no-print-directory release-snapshot RELEASE_TARGETS="$targets" RELEASE_DIST="$dist" GPG_FINGERPRINT=
version="$(jq -r .version "$dist/metadata.json")"
commit="$(git rev-parse HEAD)"
echo "version $version, commit $commit"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+-snapshot-[0-9a-f]{7}$ ]] || die "snapshot version $version is not X.Y.Z-snapshot-<commit>"
prefix="terraform-provider-secgroup_${version}"

section "Snapshot: zips, SHA256SUMS and manifest"
if [[ -z "$targets" ]]; then
	want_platforms="darwin_amd64 darwin_arm64 freebsd_386 freebsd_amd64 freebsd_arm freebsd_arm64 linux_386 linux_amd64 linux_arm linux_arm64 windows_386 windows_amd64 windows_arm64"
else
	want_platforms="$platform"
fi
got_platforms="$(cd "$dist" && ls ${prefix}_*.zip | sed "s/^${prefix}_//; s/\.zip$//" | LC_ALL=C sort | xargs)"
[[ "$got_platforms" == "$want_platforms" ]] || die "zips for [$got_platforms], want [$want_platforms]"
sums="$dist/${prefix}_SHA256SUMS"
[[ -f "$sums" ]] || die "no $sums"
(cd "$dist" && grep '\.zip$' "$sums" | sha256sum --quiet -c -) || die "a zip does not match SHA256SUMS"
[[ "$(grep -c '\.zip$' "$sums")" == "$(wc -w <<<"$want_platforms")" ]] || die "SHA256SUMS does not list every zip"
manifest_sum="$(sha256sum terraform-registry-manifest.json | cut -d' ' -f1)"
grep -qx "$manifest_sum  ${prefix}_manifest.json" "$sums" || die "SHA256SUMS lacks ${prefix}_manifest.json with the sum of terraform-registry-manifest.json"
[[ -z "$(ls "$dist"/*.sig 2>/dev/null)" ]] || die "a signature without a key"
for zip in "$dist"/${prefix}_*.zip; do
	os_arch="${zip#"$dist/${prefix}_"}"
	os_arch="${os_arch%.zip}"
	want="terraform-provider-secgroup_v${version}"
	[[ "$os_arch" != windows_* ]] || want+=".exe"
	[[ "$(unzip -Z1 "$zip")" == "$want" ]] || die "$zip holds [$(unzip -Z1 "$zip" | xargs)], want $want alone"
done
host_zip="$dist/${prefix}_${platform}.zip"
unzip -q -d "$tmp/unzipped" "$host_zip"
got="$("$tmp/unzipped/terraform-provider-secgroup_v${version}${exe}" -version)"
[[ "$got" == "terraform-provider-secgroup $version (commit $commit)" ]] || die "-version says '$got'"
echo "$got"
.ci/release-notes.sh "$(.ci/release-notes.sh)" >/dev/null || die "CHANGELOG.md has no release notes for its newest version"
cat "$sums"

section "Snapshot: signed with a throwaway GPG key, the same zips"
export GNUPGHOME="$tmp/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key 'secgroup release test <release-test@invalid>' ed25519 sign never
fingerprint="$(gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')"
signed="$tmp/dist-signed"
make --no-print-directory release-snapshot RELEASE_TARGETS="$targets" RELEASE_DIST="$signed" GPG_FINGERPRINT="$fingerprint" >"$tmp/signed.log" 2>&1 ||
	{ cat "$tmp/signed.log" >&2; die "the signed snapshot failed"; }
[[ "$(wc -l <"$signed/${prefix}_SHA256SUMS")" == "$(($(wc -w <<<"$want_platforms") + 1))" ]] ||
	die "the signed SHA256SUMS lists more than the zips and the manifest: $(cat "$signed/${prefix}_SHA256SUMS")"
gpg --batch --verify "$signed/${prefix}_SHA256SUMS.sig" "$signed/${prefix}_SHA256SUMS" ||
	die "the signature of SHA256SUMS does not verify"
cmp "$sums" "$signed/${prefix}_SHA256SUMS" || die "two builds of one commit gave different zips"
echo "SHA256SUMS.sig verifies; both builds' SHA256SUMS are identical"
gpg --batch --armor --export "$fingerprint" >"$tmp/release-key.asc"
unset GNUPGHOME

section "Building the emulator and the demo helper"
go build -o "$tmp/emulator" ./internal/emulator/cmd/emulator
go build -o "$tmp/show" ./examples/demo/show
start_emulator() {
	stop_emulator
	rm -f "$tmp/url"
	"$tmp/emulator" -listen 127.0.0.1:0 -state examples/demo/fixtures.json -url-file "$tmp/url" >"$tmp/emulator.log" 2>&1 &
	emulator_pid=$!
	for _ in $(seq 1 300); do
		[[ -s "$tmp/url" ]] && break
		kill -0 "$emulator_pid" 2>/dev/null || { cat "$tmp/emulator.log" >&2; die "the emulator exited"; }
		sleep 0.1
	done
	[[ -s "$tmp/url" ]] || die "the emulator wrote no URL within 30s"
	url="$(tr -d '[:space:]' <"$tmp/url")"
	"$tmp/show" wait "$url"
	export TF_VAR_emulator_url="$url"
}

# No network: every request but the emulator's (loopback is never proxied)
# goes to a proxy that refuses it, so a registry lookup fails the test.
export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1,localhost
export HOME="$tmp/home"
mkdir -p "$HOME"

mirror="$tmp/mirror"
for host in registry.terraform.io registry.opentofu.org; do
	mkdir -p "$mirror/$host/secgroup/secgroup"
	cp "$dist"/${prefix}_*.zip "$mirror/$host/secgroup/secgroup/"
done
cat >"$tmp/mirror.tfrc" <<CONF
provider_installation {
  filesystem_mirror {
    path = "$mirror"
  }
}
CONF
want_h1="$(h1 "$host_zip")"

# demo_dir DIR CONSTRAINT: a fresh copy of the demo, secgroup pinned to CONSTRAINT.
demo_dir() {
	mkdir -p "$1"
	cp examples/demo/main.tf "$1/"
	cat >"$1/main_override.tf" <<CONF
terraform {
  required_providers {
    secgroup = {
      source  = "secgroup/secgroup"
      version = "$2"
    }
  }
}
CONF
}

# check_lock DIR HOST VERSION H1
check_lock() {
	local got_version hashes
	[[ -f "$1/.terraform.lock.hcl" ]] || die "$1: no .terraform.lock.hcl"
	got_version="$(lock_version "$1" "$2")"
	[[ "$got_version" == "$3" ]] || die "$1: the lock file selects $2/secgroup/secgroup $got_version, want $3"
	hashes="$(lock_hashes "$1" "$2" | xargs)"
	[[ "$hashes" == "$4" ]] || die "$1: the lock file records [$hashes] for $2/secgroup/secgroup, want [$4]"
	echo "lock file: $2/secgroup/secgroup $got_version $hashes"
}

# The User-Agent of every request the emulator logged must name the release.
check_user_agent() {
	local bad
	bad="$(curl -fsS "$url/_emulator/requests" | jq -r --arg ua "terraform-provider-secgroup/$version" \
		'[.[] | select(.cloud != "" and ((.user_agent // "") | contains($ua) | not))] | length')"
	[[ "$bad" == 0 ]] || die "$bad requests without terraform-provider-secgroup/$version in their User-Agent"
	echo "every request's User-Agent carries terraform-provider-secgroup/$version"
}

tf_flags=(-no-color)
run_demo() {
	local cli="$1" host="$2" work="$tmp/demo-$(basename "$1")" rc
	section "$cli: init from the filesystem mirror alone"
	start_emulator
	demo_dir "$work" "$version"
	TF_CLI_CONFIG_FILE="$tmp/mirror.tfrc" "$cli" -chdir="$work" init "${tf_flags[@]}"
	check_lock "$work" "$host" "$version" "$want_h1"
	installed="$work/.terraform/providers/$host/secgroup/secgroup/$version/$platform/terraform-provider-secgroup_v${version}${exe}"
	cmp "$installed" "$tmp/unzipped/terraform-provider-secgroup_v${version}${exe}" || die "$cli installed another binary than the zip's"

	section "$cli: apply, plan (no changes), destroy the demo against the emulator"
	export TF_CLI_CONFIG_FILE="$tmp/mirror.tfrc"
	"$cli" -chdir="$work" apply -auto-approve -compact-warnings "${tf_flags[@]}" >"$tmp/apply.log" ||
		{ cat "$tmp/apply.log" >&2; die "$cli apply failed"; }
	tail -n 3 "$tmp/apply.log"
	set +e
	"$cli" -chdir="$work" plan -detailed-exitcode -compact-warnings "${tf_flags[@]}" >"$tmp/plan.log"
	rc=$?
	set -e
	case "$rc" in
	0) echo "no changes after apply" ;;
	2) cat "$tmp/plan.log" >&2; die "$cli: the plan after apply is not empty" ;;
	*) cat "$tmp/plan.log" >&2; die "$cli plan failed (exit $rc)" ;;
	esac
	"$cli" -chdir="$work" destroy -auto-approve -compact-warnings "${tf_flags[@]}" >"$tmp/destroy.log" ||
		{ cat "$tmp/destroy.log" >&2; die "$cli destroy failed"; }
	tail -n 1 "$tmp/destroy.log"
	export TF_CLI_CONFIG_FILE="$tmp/empty.tfrc"
	check_user_agent
}

run_demo terraform registry.terraform.io
run_demo "$tofu" registry.opentofu.org

section "terraform providers mirror: the signed snapshot served as the registry"
# providers mirror asks the provider's origin registry, whatever the
# provider_installation block says: the CLI configuration's host block points
# registry.terraform.io's providers.v1 service at the signed dist, laid out as
# the registry protocol's static answers. Terraform checks the zip against
# SHA256SUMS and SHA256SUMS against its signature, as for a published release.
reg="$tmp/registry"
api="v1/providers/secgroup/secgroup"
mkdir -p "$reg/files" "$reg/$api/$version/download/$goos"
cp "$signed"/${prefix}_*.zip "$signed/${prefix}_SHA256SUMS" "$signed/${prefix}_SHA256SUMS.sig" "$reg/files/"
python3 -u -m http.server --bind 127.0.0.1 --directory "$reg" 0 >"$tmp/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 100); do
	port="$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$tmp/registry.log" | head -n 1)"
	[[ -z "$port" ]] || break
	sleep 0.1
done
[[ -n "$port" ]] || { cat "$tmp/registry.log" >&2; die "the registry server did not start"; }
files="http://127.0.0.1:$port/files"
jq -n --arg v "$version" --arg ps "$want_platforms" '{versions: [{version: $v, protocols: ["6.0"],
	platforms: [$ps | split(" ")[] | split("_") | {os: .[0], arch: .[1]}]}]}' >"$reg/$api/versions"
jq -n --arg os "$goos" --arg arch "$goarch" --arg zip "${prefix}_${platform}.zip" --arg files "$files" \
	--arg sums "${prefix}_SHA256SUMS" --arg shasum "$(sha256sum "$host_zip" | cut -d' ' -f1)" \
	--arg key_id "${fingerprint: -16}" --rawfile armor "$tmp/release-key.asc" '{protocols: ["6.0"], os: $os, arch: $arch,
	filename: $zip, download_url: "\($files)/\($zip)", shasums_url: "\($files)/\($sums)",
	shasums_signature_url: "\($files)/\($sums).sig", shasum: $shasum,
	signing_keys: {gpg_public_keys: [{key_id: $key_id, ascii_armor: $armor}]}}' >"$reg/$api/$version/download/$goos/$goarch"
cat >"$tmp/registry.tfrc" <<CONF
host "registry.terraform.io" {
  services = {
    "providers.v1" = "http://127.0.0.1:$port/v1/providers/"
  }
}
provider_installation {
  filesystem_mirror {
    path = "$mirror"
  }
}
CONF
mirror2="$tmp/mirror2"
TF_CLI_CONFIG_FILE="$tmp/registry.tfrc" terraform -chdir="$tmp/demo-terraform" providers mirror -platform="$platform" "${tf_flags[@]}" "$mirror2"
kill "$registry_pid" 2>/dev/null || true
wait "$registry_pid" 2>/dev/null || true
registry_pid=""
mirrored="$mirror2/registry.terraform.io/secgroup/secgroup/${prefix}_${platform}.zip"
cmp "$mirrored" "$host_zip" || die "providers mirror wrote another zip than the release's"
jq -e --arg h "$want_h1" --arg p "$platform" '.archives[$p].hashes | index($h)' \
	"$mirror2/registry.terraform.io/secgroup/secgroup/$version.json" >/dev/null ||
	die "providers mirror's $version.json lacks $want_h1"
echo "providers mirror wrote the release zip and its $want_h1"
cat >"$tmp/mirror2.tfrc" <<CONF
provider_installation {
  filesystem_mirror {
    path = "$mirror2"
  }
}
CONF
demo_dir "$tmp/from-mirror2" "$version"
TF_CLI_CONFIG_FILE="$tmp/mirror2.tfrc" terraform -chdir="$tmp/from-mirror2" init "${tf_flags[@]}" >/dev/null
check_lock "$tmp/from-mirror2" registry.terraform.io "$version" "$want_h1"

section "make install into a temporary HOME; the README's Quick start (\"~> X.Y\") from the implied local mirror"
install_version="$(.ci/release-notes.sh)"
make --no-print-directory install
# The Quick start's main.tf, as the README gives it, pointed at this emulator.
quickstart="$(awk '/^## Quick start/ { on = 1 } on && /^```hcl$/ { grab = 1; next } grab && /^```$/ { exit } grab { print }' README.md)"
grep -q 'version = "~> ' <<<"$quickstart" || die "the README's Quick start has no \"~>\" constraint"
grep -q '127.0.0.1:8787' <<<"$quickstart" || die "the README's Quick start does not point at the emulator on 127.0.0.1:8787"
start_emulator
for cli in terraform "$tofu"; do
	host=registry.terraform.io
	[[ "$cli" == terraform ]] || host=registry.opentofu.org
	work="$tmp/quickstart-$(basename "$cli")"
	mkdir -p "$work"
	sed "s#http://127.0.0.1:8787#$url#" <<<"$quickstart" >"$work/main.tf"
	"$cli" -chdir="$work" init "${tf_flags[@]}" >"$tmp/init.log" ||
		{ cat "$tmp/init.log" >&2; die "$cli init from the make install layout failed"; }
	installed="$HOME/.terraform.d/plugins/$host/secgroup/secgroup/$install_version/$platform/terraform-provider-secgroup_v${install_version}${exe}"
	[[ -x "$installed" ]] || die "make install wrote no $installed"
	[[ "$(lock_version "$work" "$host")" == "$install_version" ]] || die "$cli: the lock file does not select $install_version"
	lock_hashes "$work" "$host" | grep -q '^h1:' || die "$cli: no h1: hash in the lock file"
	echo "$cli: selected $install_version from $installed"
	"$cli" -chdir="$work" apply -auto-approve "${tf_flags[@]}" >"$tmp/apply.log" || { cat "$tmp/apply.log" >&2; die "$cli apply failed"; }
	set +e
	"$cli" -chdir="$work" plan -detailed-exitcode "${tf_flags[@]}" >"$tmp/plan.log"
	rc=$?
	set -e
	[[ "$rc" == 0 ]] || { cat "$tmp/plan.log" >&2; die "$cli: plan after apply exited $rc, want 0 (no changes)"; }
	"$cli" -chdir="$work" destroy -auto-approve "${tf_flags[@]}" >"$tmp/destroy.log" || { cat "$tmp/destroy.log" >&2; die "$cli destroy failed"; }
	echo "$cli: apply, plan (no changes) and destroy passed"
done
got="$("$installed" -version)"
[[ "$got" == "terraform-provider-secgroup $install_version (commit $commit)" ]] || die "the installed -version says '$got'"
echo "$got"

section "Release test passed"
