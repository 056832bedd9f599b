#!/bin/sh
# SPDX-License-Identifier: MIT
#
# cli-test.sh MMSIM TEST - one test of 'mmsim vdso-fuzz' as a program: the
# JSON shape, replay, exit codes, and the known answers of the fixups in
# fixups/ (run from this directory).  Exits 77 (skipped) when a test needs
# m68k-linux-gnu-as and it is missing.

set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 MMSIM TEST" >&2
	exit 2
fi
mmsim=$1
test=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "$test: $*"
	exit 1
}

need_as() {
	command -v m68k-linux-gnu-as >/dev/null ||
		{ echo "$test: m68k-linux-gnu-as missing: skipped"; exit 77; }
}

# run ARGS...: stdout to $tmp/out, stderr to $tmp/err, status in $status
run() {
	"$mmsim" vdso-fuzz "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
}

expect_status() {
	[ "$status" = "$1" ] ||
		fail "exit status $status, expected $1; stderr: $(cat "$tmp/err")"
}

# The distinct "pc" values of a JSON report, sorted, on one line.
pcs() {
	grep -o '"pc": [^,]*' "$tmp/out" | sed 's/"pc": //; s/"//g' |
		sort -u | tr '\n' ' ' | sed 's/ $//'
}

# One JSON object: checked by python3 where there is one.
json_ok() {
	[ "$(wc -l <"$tmp/out")" -ge 1 ] || fail "no output"
	head -c 11 "$tmp/out" | grep -q '^{"cases": ' ||
		fail "does not start with {\"cases\": "
	tail -n 1 "$tmp/out" | grep -q '\]}$' || fail "does not end with ]}"
	if command -v python3 >/dev/null; then
		python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert isinstance(o["cases"], int) and o["cases"] > 0, "cases"
for v in o["violations"]:
    assert v["pc"] is None or v["pc"].startswith("0x5fffe4"), v["pc"]
    for k in ("kind", "function", "replay", "case"):
        assert isinstance(v[k], str), k
' "$tmp/out" || fail "bad JSON: $(head -c 300 "$tmp/out")"
	fi
}

case $test in
json-shape)
	run --interrupts 1 --json
	expect_status 0
	json_ok
	grep -q '"violations": \[$' "$tmp/out" || fail "no violations list"
	[ -z "$(cat "$tmp/err")" ] || fail "stderr: $(cat "$tmp/err")"
	;;
seed-k1)
	# The seed's fixup rewinds nothing: interrupts before the branch,
	# the store and the failure path's reload all break the cmpxchg.
	run --interrupts 1 --json
	expect_status 0
	json_ok
	[ "$(pcs)" = "0x5fffe40e 0x5fffe412 0x5fffe418" ] ||
		fail "violating PCs: $(pcs)"
	;;
seed-k2)
	run --json
	expect_status 0
	json_ok
	[ "$(pcs)" = "0x5fffe40e 0x5fffe412 0x5fffe414 0x5fffe418 0x5fffe41a" ] ||
		fail "violating PCs: $(pcs)"
	;;
like-rts-only-*)
	# The same violations, case for case, as a fixup that is a bare rts:
	# the seed's (K=2) and each half-mended version of it (K=1).
	need_as
	fixup=${test#like-rts-only-}
	k=1
	if [ "$fixup" = seed ]; then
		k=2
		run --interrupts $k --json
	else
		run --fixup "fixups/$fixup.S" --interrupts $k --json
	fi
	expect_status 0
	sed 's/"fixup": [^,]*,//; s/"replay": "[^"]*"//' "$tmp/out" >"$tmp/this"
	grep -q '"pc": "0x5fffe412"' "$tmp/this" || fail "no violation"
	run --fixup fixups/rts-only.S --interrupts $k --json
	expect_status 0
	sed 's/"fixup": [^,]*,//; s/"replay": "[^"]*"//' "$tmp/out" >"$tmp/rts"
	cmp -s "$tmp/this" "$tmp/rts" || fail "$fixup differs from rts-only"
	;;
correct-k1 | correct-k2)
	need_as
	run --fixup fixups/correct.S --interrupts "${test#correct-k}" --json \
		--fail-on-violation
	expect_status 0
	json_ok
	grep -q '"violations": \[\]}$' "$tmp/out" ||
		fail "violations: $(pcs)"
	;;
correct-random)
	need_as
	run --fixup fixups/correct.S --mode random --seed 7 --cases 3000 \
		--interrupts 3 --json --fail-on-violation
	expect_status 0
	grep -q '"violations": \[\]}$' "$tmp/out" ||
		fail "violations: $(pcs)"
	grep -q '^mmsim vdso-fuzz: seed 7$' "$tmp/err" || fail "no seed line"
	;;
rts-only-k1)
	need_as
	run --fixup fixups/rts-only.S --interrupts 1 --json
	expect_status 0
	[ "$(pcs)" = "0x5fffe40e 0x5fffe412 0x5fffe418" ] ||
		fail "violating PCs: $(pcs)"
	;;
intended-k2)
	# Rewinding only between the compare and the store leaves the reload
	# (0x5fffe41a: a second interrupt after one at the reload).
	need_as
	run --fixup fixups/intended.S --json
	expect_status 0
	[ "$(pcs)" = "0x5fffe418 0x5fffe41a" ] || fail "violating PCs: $(pcs)"
	;;
random-deterministic)
	run --mode random --seed 42 --cases 2000 --json
	expect_status 0
	json_ok
	cp "$tmp/out" "$tmp/first"
	run --mode random --seed 42 --cases 2000 --json
	cmp -s "$tmp/first" "$tmp/out" || fail "two runs with seed 42 differ"
	;;
replay)
	run --replay 'w1:x1,2[2=s3]'
	expect_status 0
	grep -q '^not-linearizable in T0' "$tmp/out" || fail "no verdict"
	grep -q '=> 0x5fffe412: 2081 ' "$tmp/out" || fail "no marked PC"
	grep -q "replay: mmsim vdso-fuzz --replay 'w1:x1,2\[2=s3\]'" \
		"$tmp/out" || fail "no replay line"
	run --replay 'w1:x1,2[2=s3]' --fail-on-violation
	expect_status 1
	run --replay 'w1:x1,2[0=s3]' --fail-on-violation
	expect_status 0
	grep -q '0 violations' "$tmp/out" || fail "a violation before the cmp"
	# Every replay line of a report replays to a violation.
	run --interrupts 1
	grep "replay: " "$tmp/out" | sed 's/.*replay: mmsim vdso-fuzz //' |
		while read -r line; do
			eval "set -- $line"
			"$mmsim" vdso-fuzz "$@" --fail-on-violation >/dev/null &&
				fail "does not replay: $line"
		done
	;;
read-tp)
	run --replay 'w1:t[0=t/1=x1,2[0=t]/2=t[0=t]]'
	expect_status 0
	grep -q '0 violations' "$tmp/out" || fail "read_tp: $(cat "$tmp/out")"
	;;
bad-replay)
	run --replay 'w1:x1,2[2=q]'
	expect_status 2
	grep -q "bad case 'w1:x1,2\[2=q\]': at offset 10: expected an effect" \
		"$tmp/err" || fail "stderr: $(cat "$tmp/err")"
	;;
*)
	fail "no such test"
	;;
esac
exit 0
