#!/usr/bin/env bash
# .ci/goreleaser-config.sh DIST [TARGETS] <.goreleaser.yml >derived.yml
#
# The release configuration with another dist directory and, when TARGETS is
# given (goreleaser targets, comma separated: linux_amd64,darwin_arm64), only
# those platforms: goreleaser's `targets` replaces goos/goarch/ignore. Used by
# `make release-snapshot RELEASE_DIST=... RELEASE_TARGETS=...`; everything
# else is .goreleaser.yml's own.
set -euo pipefail
dist="${1:?usage: goreleaser-config.sh DIST [TARGETS]}"
targets="${2:-}"
awk -v dist="$dist" -v targets="$targets" '
	/^project_name:/ { print; print "dist: \"" dist "\""; next }
	/^  - id: provider$/ && targets != "" {
		print
		n = split(targets, t, ",")
		print "    targets:"
		for (i = 1; i <= n; i++) print "      - " t[i]
		in_build = 1
		next
	}
	# Drop goos, goarch and ignore (and their items) of the provider build.
	in_build && /^    (goos|goarch|ignore):/ { skipping = 1; next }
	in_build && skipping && /^      / { next }
	in_build && skipping { skipping = 0 }
	in_build && /^[^ ]/ { in_build = 0 }
	{ print }
' | { out="$(cat)"; grep -q '^dist: ' <<<"$out" || { echo "goreleaser-config.sh: no project_name line to put dist after" >&2; exit 1; }; printf '%s\n' "$out"; }
