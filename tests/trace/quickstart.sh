#!/bin/sh
# SPDX-License-Identifier: MIT
#
# quickstart.sh MMSIM COLDFIRE - the README's main job, from the top of
# the source tree, as .ci/run takes it (the first command of the first
# block under "## Quick start"), with its setup left out and
# build/sim/mmsim standing for MMSIM: it must exit 0, having shown the
# tour, the race of scenario 1 as a timeline, and the vDSO verdict.
# Skipped (77) without the ColdFire room, which the verdict needs.

set -u
mmsim=$1
coldfire=$2
if [ "$coldfire" != 1 ]; then
	echo "SKIP: the main job's vdso-fuzz needs the ColdFire room"
	exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

job=$(awk '
	/^## / { inqs = ($0 ~ /^## Quick start[[:space:]]*$/); next }
	inqs && /^```/ { if (inblock) exit; inblock = 1; next }
	inblock && NF { print; exit }
' README.md)
case $job in
"bash .ci/setup && "*) job=${job#bash .ci/setup && } ;;
*)
	echo "FAIL: the main job does not start with the setup: $job"
	exit 1
	;;
esac
mkdir "$tmp/bin"
ln -s "$mmsim" "$tmp/bin/mmsim"
job=$(printf '%s\n' "$job" | sed "s|build/sim/mmsim|$tmp/bin/mmsim|g")

sh -c "$job" >"$tmp/out" 2>"$tmp/err"
status=$?
failed=0
[ $status -eq 0 ] || {
	echo "FAIL: the main job exited $status: $(tail -n 5 "$tmp/err")"
	failed=1
}
for want in '> mmap ' 'failure 1 of 1' ' step  fault' \
	'guest maps 0x10000000 -> pfn 0x2' 'main: FAILURE coherence:' \
	'replay: mmsim vdso-fuzz --replay'; do
	grep -qF -- "$want" "$tmp/out" || {
		echo "FAIL: the main job did not show: $want"
		failed=1
	}
done
[ $failed -eq 0 ] && echo "the main job exits 0: tour, race, verdict"
exit $failed
