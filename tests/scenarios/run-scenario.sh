#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-scenario.sh MMSIM NAME.scn - run one golden-output scenario test
#
# Runs 'MMSIM run NAME.scn' in the current directory and compares its
# standard output with NAME.out, its standard error with NAME.err (a
# missing file means nothing is expected) and its exit status with the
# scenario's '# exit: N' line (0 if there is none).  Other lines of the
# scenario's header:
#   # args: OPTIONS   options for 'mmsim run', before the file name
#   # cmd: ARGS       run 'MMSIM ARGS' instead, for tests of the command
#                     line itself
# Messages name the file as the command line did, so run this from the
# scenarios directory to keep NAME.err independent of the build tree.

set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 MMSIM NAME.scn" >&2
	exit 2
fi
mmsim=$1
scn=$2
base=${scn%.scn}

directive() {
	sed -n "s/^# $1: *//p" "$scn" | head -n 1
}

want_status=$(directive exit)
want_status=${want_status:-0}
cmd=$(directive cmd)
if [ -z "$cmd" ]; then
	cmd="run $(directive args) $scn"
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Word splitting of $cmd is what makes '# args:' and '# cmd:' work.
# shellcheck disable=SC2086
"$mmsim" $cmd >"$tmp/out" 2>"$tmp/err" </dev/null
status=$?

failed=0
compare() {
	want=$base.$1
	[ -f "$want" ] || want=/dev/null
	if ! cmp -s "$want" "$tmp/$1"; then
		echo "$scn: standard $2 differs from $base.$1:"
		diff -u --label "$base.$1 (expected)" --label "mmsim (actual)" \
			"$want" "$tmp/$1"
		failed=1
	fi
}
compare out output
compare err error
if [ "$status" != "$want_status" ]; then
	echo "$scn: exit status $status, expected $want_status"
	failed=1
fi
exit $failed
