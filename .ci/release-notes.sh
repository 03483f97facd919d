#!/usr/bin/env bash
# .ci/release-notes.sh [VERSION]
#
# Prints the release notes of VERSION: its section of CHANGELOG.md (Keep a
# Changelog), without the heading, for goreleaser's --release-notes. With no
# VERSION, prints the newest numbered version instead (what `make install`
# and `make release-snapshot` build as). Fails when the section is missing or
# empty, so a release cannot go out without notes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
changelog="$root/CHANGELOG.md"

if [[ $# -eq 0 ]]; then
	version="$(sed -n 's/^## \[\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][^]]*\)\].*/\1/p' "$changelog" | head -n 1)"
	[[ -n "$version" ]] || { echo "CHANGELOG.md has no numbered version section (## [X.Y.Z] - date)" >&2; exit 1; }
	echo "$version"
	exit 0
fi

version="${1#v}"
notes="$(awk -v want="## [$version]" '
	index($0, want) == 1 { found = 1; next }
	found && /^## \[/ { exit }
	found && /^\[[^]]*\]: / { exit }
	found { print }
' "$changelog" | sed -e '/./,$!d' -e :a -e '/^\n*$/{$d;N;ba' -e '}')"
[[ -n "$notes" ]] || { echo "CHANGELOG.md has no notes for $version: add a '## [$version] - YYYY-MM-DD' section" >&2; exit 1; }
printf '%s\n' "$notes"
