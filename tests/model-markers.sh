#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The deliberate differences from Linux, named twice: in a comment at the
# code that makes each one ("MODEL: name: why"), and in README.md's "The
# model" section ("(MODEL: name)" after the sentence that states it).
# This test fails unless both name the same set, each name once in the
# code and once in the README, in the one form each place uses.
#
# Usage: model-markers.sh [SOURCE_DIR]   (default: $MMSIM_SOURCE_DIR, or .)

set -u
top=${1:-${MMSIM_SOURCE_DIR:-.}}
cd "$top" || exit 2
[ -f README.md ] || { echo "model-markers: no README.md in $top" >&2; exit 2; }

LC_ALL=C
export LC_ALL
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
status=0
name='[a-z0-9][a-z0-9]*(-[a-z0-9][a-z0-9]*)*'

# The code: every "MODEL:" in src/, include/ and sim/ must be a marker.
grep -rnE --include='*.c' --include='*.h' --include='*.in' 'MODEL:' \
	src include sim 2>/dev/null >"$tmp/code-lines"
grep -vE "MODEL: $name: " "$tmp/code-lines" >"$tmp/bad-code"
if [ -s "$tmp/bad-code" ]; then
	echo "model-markers: not of the form 'MODEL: name: why':"
	sed 's/^/  /' "$tmp/bad-code"
	status=1
fi
grep -oE "MODEL: $name: " "$tmp/code-lines" |
	sed -e 's/^MODEL: //' -e 's/: $//' | sort >"$tmp/code-all"

# The README: "The model" section, up to the next "## " heading, joined
# into one line so that a name may be cut by the line wrapping.
awk '/^## / { on = ($0 == "## The model") } on' README.md |
	tr '\n' ' ' | tr -s ' ' >"$tmp/section"
if [ ! -s "$tmp/section" ]; then
	echo "model-markers: README.md has no '## The model' section"
	exit 1
fi
grep -oE '\(MODEL:[^)]*\)' "$tmp/section" >"$tmp/readme-groups"
grep -vE "^\(MODEL: $name\)\$" "$tmp/readme-groups" >"$tmp/bad-readme"
if [ -s "$tmp/bad-readme" ]; then
	echo "model-markers: README.md, not of the form '(MODEL: name)':"
	sed 's/^/  /' "$tmp/bad-readme"
	status=1
fi
grep -E "^\(MODEL: $name\)\$" "$tmp/readme-groups" |
	sed -e 's/^(MODEL: //' -e 's/)$//' | sort >"$tmp/readme-all"

# Each name once on each side.
for side in code readme; do
	uniq -d "$tmp/$side-all" >"$tmp/$side-dup"
	if [ -s "$tmp/$side-dup" ]; then
		echo "model-markers: named more than once in the $side:" \
			"$(paste -sd' ' "$tmp/$side-dup")"
		status=1
	fi
	uniq "$tmp/$side-all" >"$tmp/$side"
done

comm -23 "$tmp/code" "$tmp/readme" >"$tmp/only-code"
comm -13 "$tmp/code" "$tmp/readme" >"$tmp/only-readme"
if [ -s "$tmp/only-code" ]; then
	echo "model-markers: in the code but not in README's \"The model\":"
	grep -rnE "MODEL: ($(paste -sd'|' "$tmp/only-code")): " \
		src include sim | sed 's/^/  /'
	status=1
fi
if [ -s "$tmp/only-readme" ]; then
	echo "model-markers: in README's \"The model\" but in no code comment:" \
		"$(paste -sd' ' "$tmp/only-readme")"
	status=1
fi

[ "$status" = 0 ] &&
	echo "model-markers: $(wc -l <"$tmp/code") differences, named alike" \
		"in the code and in README.md"
exit "$status"
