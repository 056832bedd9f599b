#!/bin/sh
# SPDX-License-Identifier: MIT
#
# known-answers.sh MMSIM NAME PROGRAM CORRECT-FIXUP: the known answers of
# example NAME through the mmsim command, under the seed's fixup and a
# correct one (explore.c checks the same from C).  PROGRAM is the built
# executable or the C source.

set -u
[ $# -eq 4 ] || { echo "usage: $0 MMSIM NAME PROGRAM FIXUP" >&2; exit 2; }
mmsim=$1
name=$2
prog=$3
correct=$4
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "$name: $*"
	exit 1
}

# The value of the top-level number field $1 of the JSON in $tmp/out.
jnum() {
	grep -o "\"$1\": [0-9]*" "$tmp/out" | head -n 1 | sed "s/.*: //"
}

# answers K CASES_SEED VIOLATING_SEED KIND CASES_CORRECT VIOLATING_CORRECT
answers() {
	"$mmsim" cf-explore "$prog" --interrupts "$1" --json >"$tmp/out" \
		2>"$tmp/err" || fail "seed: exit $?: $(cat "$tmp/err")"
	[ "$(jnum cases)" = "$2" ] || fail "seed: $(jnum cases) cases"
	[ "$(jnum violating)" = "$3" ] ||
		fail "seed: $(jnum violating) violating, expected $3"
	if [ "$3" != 0 ]; then
		grep -o '"kind": "[a-z-]*", "cases"' "$tmp/out" | sort -u |
			grep -v "\"$4\"" && fail "seed: another kind than $4"
		# Every kept case replays to a violation.
		grep -o '"replay": "[^"]*"' "$tmp/out" | head -n 3 |
			sed 's/.*--replay //; s/"$//; s/^'"'"'//; s/'"'"'$//' |
			while read -r c; do
				"$mmsim" cf-explore "$prog" --replay "$c" \
					>"$tmp/one" || fail "replay $c"
				grep -q '1 violation$' "$tmp/one" ||
					fail "$c does not fail again"
			done || exit 1
	fi
	"$mmsim" cf-explore "$prog" --fixup "$correct" --interrupts "$1" \
		--json >"$tmp/out" 2>"$tmp/err" ||
		fail "correct: exit $?: $(cat "$tmp/err")"
	[ "$(jnum cases)" = "$5" ] || fail "correct: $(jnum cases) cases"
	[ "$(jnum violating)" = "$6" ] ||
		fail "correct: $(jnum violating) violating, expected $6"
}

case $name in
counter) answers 1 352 4 check-failed 352 0 ;;
spinlock) answers 2 45988 12 check-failed 46180 0 ;;
plain_increment) answers 1 100 5 check-failed 100 5 ;;
map_unmap) answers 1 325 3 fault 325 3 ;;
*) fail "no such example" ;;
esac
exit 0
