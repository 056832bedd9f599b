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

# The value of the top-level number field $1 of a JSON report.
jnum() {
	grep -o "^{.*\"$1\": [0-9]*" "$tmp/out" | head -n 1 |
		sed 's/.*: //'
}

# One JSON object: its shape checked by python3 where there is one,
# against the schema README.md documents.
json_ok() {
	[ "$(wc -l <"$tmp/out")" -ge 1 ] || fail "no output"
	head -c 11 "$tmp/out" | grep -q '^{"cases": ' ||
		fail "does not start with {\"cases\": "
	tail -n 1 "$tmp/out" | grep -q '\]}$' || fail "does not end with ]}"
	grep -q '"verdict": "' "$tmp/out" || fail "no verdict"
	if command -v python3 >/dev/null; then
		python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
def num(x): return isinstance(x, int) and not isinstance(x, bool)
assert num(o["cases"]) and o["cases"] > 0, "cases"
assert num(o["violating"]) and num(o["windows"]), "counts"
assert isinstance(o["verdict"], str) and o["verdict"], "verdict"
for g in o["groups"]:
    assert (g["pc"] is None) == (g["pc_value"] is None), g
    assert g["pc"] is None or int(g["pc"], 16) == g["pc_value"], g
    assert g["pc"] is None or g["instruction"], g
    assert num(g["cases"]) and g["cases"] > 0, g
    assert num(g["example_interrupts"]), g
for v in o["violations"]:
    assert v["pc"] is None or v["pc"].startswith("0x5fffe4"), v["pc"]
    assert v["pc"] is None or int(v["pc"], 16) == v["pc_value"], v["pc"]
    for k in ("kind", "function", "replay", "case"):
        assert isinstance(v[k], str), k
    for k in ("word", "expected", "new", "returned", "word_after",
              "final_word"):
        if k in v:
            assert int(v[k], 16) == v[k + "_value"], k
    ev = v["events"]
    assert ev[0]["event"] == "call" and ev[-1]["event"] in (
        "return", "error"), ev
    irqs = [e for e in ev if e["event"] == "interrupt"]
    assert v["interrupts_delivered"] == len(irqs), v["case"]
    assert v["interrupts_delivered"] == v["case"].count("="), v["case"]
    for e in ev:
        assert all(num(x) for k, x in e.items()
                   if k not in ("event", "function", "error",
                                "failure")), e
    if v["kind"] == "not-linearizable":
        seen = (v["returned_value"], v["word_after_value"])
        outs = v["linearizable_outcomes"]
        assert seen not in [(x["returned"], x["word_after"])
                            for x in outs], v["case"]
        for x in outs:
            assert sum("thread" in s for s in x["order"]) >= 1, x
    else:
        assert v["linearizable_outcomes"] is None, v
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
	[ "$(jnum violating)" = 18 ] || fail "violating: $(jnum violating)"
	[ "$(jnum windows)" = 3 ] || fail "windows: $(jnum windows)"
	grep -q '"pc": "0x5fffe412", "pc_value": 1610605586, "kind"' \
		"$tmp/out" || fail "no pc_value beside pc"
	grep -q '"instruction": "move.l d1, (a0)"' "$tmp/out" ||
		fail "no instruction in the groups"
	grep -q '"case": "w1:x1,2\[2=s3\]".*"interrupts_delivered": 1, "linearizable_outcomes": \[{"returned": 1, "word_after": 3, "order": \[{"thread": 0}, {"store": 3}\]}, {"returned": 3, "word_after": 3, "order": \[{"store": 3}, {"thread": 0}\]}\], "events": \[{"event": "call", "thread": 0, "depth": 0,' "$tmp/out" ||
		fail "the lost update's outcomes or events"
	# Every field name it prints is documented in README.md.
	sed -n '/^### JSON/,/^## /p' ../../README.md >"$tmp/schema"
	[ -s "$tmp/schema" ] || fail "README.md has no ### JSON section"
	for f in random replay; do
		case $f in
		random) "$mmsim" vdso-fuzz --mode random --seed 3 --cases 300 \
			--json ;;
		replay) "$mmsim" vdso-fuzz --json --replay 'w1:x1,2[2=s3]' ;;
		esac >>"$tmp/out" 2>/dev/null
	done
	for key in $(grep -o '"[a-z0-9_]*": ' "$tmp/out" | sort -u |
		sed 's/"//g; s/: //'); do
		grep -q "\`$key\`" "$tmp/schema" ||
			fail "field $key is not in README.md's schema"
	done
	;;
report)
	# The report opens with what was checked, against which fixup, and
	# the verdict; each group's example is its simplest case; each
	# violation shows what would have been linearizable.
	run --interrupts 1
	expect_status 0
	head -n 1 "$tmp/out" | grep -q '^mmsim vdso-fuzz checked __kernel_atomic_cmpxchg_32 and __kernel_read_tp' ||
		fail "first line: $(head -n 1 "$tmp/out")"
	head -n 9 "$tmp/out" | tr '\n' ' ' | tr -s ' ' | grep -q "against the seed's entry fixup, in every case of at most 1 interrupt in all.*: 374 cases\. Verdict: 3 windows are open in __kernel_atomic_cmpxchg_32: not atomic when last interrupted at 0x5fffe40e (bne.w \$5fffe418), 0x5fffe412 (move.l d1, (a0)) and 0x5fffe418 (move.l (a0), d0); 18 of 374 cases violate\." ||
		fail "opening: $(head -n 9 "$tmp/out")"
	grep -q 'pc 0x5fffe412       5 cases, e.g. w1:x1,2\[2=s3\]$' \
		"$tmp/out" || fail "not the simplest example at 0x5fffe412"
	grep -q 'pc 0x5fffe418       4 cases, e.g. w1:x2,3\[2=s2\]$' \
		"$tmp/out" || fail "not the simplest example at 0x5fffe418"
	grep -A 2 '^  seen:          returned 0x1, word left 0x2 ' "$tmp/out" |
		grep -q '^                 returned 0x3, word left 0x3 (order: store 0x3, T0)$' ||
		fail "no linearizable outcomes beside what was seen"
	run --fixup fixups/correct.o --interrupts 1
	grep -q 'against the entry fixup fixups/correct.o,' "$tmp/out" ||
		fail "does not name the fixup"
	grep -q '^Verdict: no window is open: in all [0-9]* cases' "$tmp/out" ||
		fail "verdict: $(grep -A 2 Verdict "$tmp/out")"
	;;
random-shrink)
	# Random cases are shrunk: the seed's three faults, each at its
	# simplest, and every recorded case still fails at its PC.
	run --mode random --seed 11 --cases 3000 --interrupts 3 --json
	expect_status 0
	json_ok
	grep -q '"shrunk": true' "$tmp/out" || fail "not shrunk"
	for c in 'w1:x1,2\[1=s3\]' 'w1:x1,2\[2=s3\]' 'w1:x2,3\[2=s2\]'; do
		grep -q "\"example\": \"$c\"" "$tmp/out" ||
			fail "no group shrunk to $c"
	done
	[ "$(grep -c '"found_as": "w' "$tmp/out")" = \
		"$(grep -c '^  {"pc"' "$tmp/out")" ] || fail "a case without found_as"
	grep '^  {"pc"' "$tmp/out" | grep -v '"case": "w1:' &&
		fail "a case not renumbered from 1"
	grep -o '"case": "[^"]*"' "$tmp/out" | sed 's/.*: "//; s/"$//' |
		while read -r c; do
			"$mmsim" vdso-fuzz --replay "$c" >"$tmp/one" ||
				fail "replay $c"
			grep -q '^not-linearizable' "$tmp/one" ||
				fail "$c does not fail"
		done || exit 1
	;;
correct-prebuilt)
	# fixups/correct.o (for programs without the cross tools) is
	# correct.S, assembled.
	need_as
	run --fixup fixups/correct.o --json
	sed 's/"fixup": [^,]*,//' "$tmp/out" >"$tmp/o"
	run --fixup fixups/correct.S --json
	sed 's/"fixup": [^,]*,//' "$tmp/out" >"$tmp/s"
	cmp -s "$tmp/o" "$tmp/s" || fail "correct.o differs from correct.S"
	[ "$(jnum cases)" = 41436 ] || fail "cases: $(jnum cases)"
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
	[ "$(jnum windows)" = 0 ] || fail "windows: $(jnum windows)"
	grep -q '"verdict": "no window is open: in all [0-9]* cases' \
		"$tmp/out" || fail "verdict"
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
	[ "$(jnum violating)" = 816 ] || fail "violating: $(jnum violating)"
	grep -q '"verdict": "2 windows are open in __kernel_atomic_cmpxchg_32: not atomic when last interrupted at 0x5fffe418 (move.l (a0), d0) and 0x5fffe41a (rts); 816 of ' \
		"$tmp/out" || fail "verdict"
	;;
jobs)
	# --jobs 2 prints the very bytes one job prints: exhaustive K=2 and
	# random with shrinking.
	for args in "--interrupts 2" \
		"--mode random --seed 11 --cases 3000 --interrupts 3"; do
		# shellcheck disable=SC2086
		run $args --json
		expect_status 0
		cp "$tmp/out" "$tmp/one"
		# shellcheck disable=SC2086
		run $args --json --jobs 2
		expect_status 0
		cmp -s "$tmp/one" "$tmp/out" || fail "$args: --jobs 2 differs"
	done
	run --jobs 0
	expect_status 2
	run --replay 'w1:x1,2[2=s3]' --jobs 2
	expect_status 2
	;;
shards)
	# --shard I/N: the parts' counts and groups add up to the whole run.
	command -v python3 >/dev/null || { echo "$test: no python3: skipped"; exit 77; }
	for args in "--interrupts 2" \
		"--mode random --seed 11 --cases 3000 --interrupts 3"; do
		# shellcheck disable=SC2086
		run $args --json
		expect_status 0
		cp "$tmp/out" "$tmp/whole"
		for i in 0 1 2; do
			# shellcheck disable=SC2086
			run $args --json --shard $i/3
			expect_status 0
			grep -q "\"shard\": \"$i/3\"" "$tmp/out" ||
				fail "shard not said"
			cp "$tmp/out" "$tmp/part$i"
		done
		python3 -c '
import json, sys
whole = json.load(open(sys.argv[1]))
parts = [json.load(open(p)) for p in sys.argv[2:]]
for k in ("cases", "violating"):
    assert sum(p[k] for p in parts) == whole[k], k
    assert all(p["cases"] < whole["cases"] for p in parts)
got = {}
for p in parts:
    for g in p["groups"]:
        key = (g["kind"], g["function"], g["pc"])
        got[key] = got.get(key, 0) + g["cases"]
want = {(g["kind"], g["function"], g["pc"]): g["cases"]
        for g in whole["groups"]}
assert got == want, (got, want)
' "$tmp/whole" "$tmp/part0" "$tmp/part1" "$tmp/part2" ||
			fail "$args: the shards do not add up"
	done
	run --shard 3/3
	expect_status 2
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
	grep -q '^case w1:x1,2\[2=s3\]: 1 interrupt delivered, 1 violation$' \
		"$tmp/out" || fail "no count: $(head -n 1 "$tmp/out")"
	grep -q '^not-linearizable in T0' "$tmp/out" || fail "no verdict"
	grep -q '=> 0x5fffe412: 2081 ' "$tmp/out" || fail "no marked PC"
	grep -q "replay: mmsim vdso-fuzz --replay 'w1:x1,2\[2=s3\]'" \
		"$tmp/out" || fail "no replay line"
	run --replay 'w1:x1,2[2=s3]' --fail-on-violation
	expect_status 1
	run --replay 'w1:x1,2[0=s3]' --fail-on-violation
	expect_status 0
	grep -q '0 violations' "$tmp/out" || fail "a violation before the cmp"
	# An interrupt past the call's end is never delivered, and says so.
	run --replay 'w1:x1,2[1=-/2=-/30=s3]'
	grep -q ': 2 interrupts delivered, 0 violations$' "$tmp/out" ||
		fail "count: $(head -n 1 "$tmp/out")"
	grep -q "^  not delivered: T0's interrupt at instruction 30; T0 returned after 5 instructions$" \
		"$tmp/out" || fail "undelivered: $(cat "$tmp/out")"
	grep -q '^mmsim vdso-fuzz: warning: 1 interrupt of the case was never delivered (past the end of its call); the case as it ran is w1:x1,2\[1=-/2=-\]$' \
		"$tmp/err" || fail "no warning: $(cat "$tmp/err")"
	run --replay 'w1:t[63=-]'
	grep -q "^  not delivered: T0's interrupt at instruction 63; T0 returned after 4 instructions$" \
		"$tmp/out" || fail "undelivered: $(cat "$tmp/out")"
	run --replay 'w1:t[63=-]' --json
	grep -q '"interrupts_delivered": 0, "undelivered": \[{"thread": 0, "at": 63, "instructions": 4}\],' \
		"$tmp/out" || fail "JSON undelivered: $(head -c 300 "$tmp/out")"
	run --replay 'w1:x1,2[1=-/30=s3]' --json
	json_ok
	grep -q '"mode": "replay", "interrupts": 0, "fixup": null, "interrupts_delivered": 1,' \
		"$tmp/out" || fail "JSON count: $(head -c 200 "$tmp/out")"
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
fixup-fails-on-irq)
	# A fixup that faults only when entered for an interrupt: a finding
	# of its own kind, with the interrupt in its case, a replay that
	# reproduces it, and valid JSON.
	run --fixup ../ucpu/fixup-irqfault.o --interrupts 1 --json
	expect_status 0
	json_ok
	grep -q '"kind": "fixup-failed", "function": "__kernel_atomic_cmpxchg_32", "cases": [0-9]*, "example": "w1:x[1-3],[1-3]\[0=-\]"' \
		"$tmp/out" || fail "no fixup-failed group: $(head -c 900 "$tmp/out")"
	grep -q '"pc": null' "$tmp/out" && fail "a violation without its interrupt"
	grep -q '"failure": "fixup-fault"' "$tmp/out" || fail "no failure in the events"
	run --fixup ../ucpu/fixup-irqfault.o --interrupts 1
	expect_status 0
	grep -q '^\[1/[0-9]*\] fixup-failed in T0' "$tmp/out" || fail "report: $(head -n 30 "$tmp/out")"
	grep -q 'the fixup faulted: read of 0x00000000 at pc 0xc00001' \
		"$tmp/out" || fail "no reason: $(grep -A3 '^fixup-failed' "$tmp/out")"
	grep "replay: " "$tmp/out" | sed 's/.*replay: mmsim vdso-fuzz //' |
		while read -r line; do
			eval "set -- $line"
			"$mmsim" vdso-fuzz "$@" >"$tmp/one" 2>&1
			grep -q '^fixup-failed in T0' "$tmp/one" ||
				fail "does not replay: $line: $(cat "$tmp/one")"
		done || exit 1
	;;
fixup-writes-itself)
	# A fixup that writes over its own first instruction on every
	# interrupt: each case starts from the kernel area as it was loaded,
	# so that this is the correct fixup, case by case.
	run --fixup ../ucpu/fixup-selfpatch.o --interrupts 1 --json
	expect_status 0
	json_ok
	[ "$(jnum violating)" = 0 ] || fail "violating: $(jnum violating)"
	# With more interrupts a case breaks itself: its first interrupt
	# stops the rewinds of the next.  Each such case replays alone.
	run --fixup ../ucpu/fixup-selfpatch.o --mode random --seed 5 \
		--cases 500 --interrupts 3 --json
	expect_status 0
	[ "$(jnum violating)" -gt 0 ] || fail "random: no violation"
	grep -o '"case": "[^"]*"' "$tmp/out" | sed 's/.*: "//; s/"$//' |
		while read -r c; do
			if "$mmsim" vdso-fuzz --fixup ../ucpu/fixup-selfpatch.o \
				--replay "$c" --fail-on-violation >/dev/null; then
				fail "$c does not fail alone"
			fi
		done || exit 1
	;;
fixup-fails-without-irq)
	# A fixup that breaks even the calls without interrupts (their TLB
	# misses enter the kernel too) is refused with the reason.
	for f in oops:'the fixup faulted: read of 0x00000010 at pc 0xc0000100, on the access-error entry (TLB miss) at pc 0x5fffe4' \
		loop:'the fixup ran past its instruction bound (65536) at pc 0xc000010' \
		ipl:'the fixup corrupted the frame: rte: SR 0x07' \
		illegal:'the fixup raised an exception at pc 0xc0000100'; do
		run --fixup "../ucpu/fixup-${f%%:*}.o"
		expect_status 2
		grep -q "^\.\./ucpu/fixup-${f%%:*}\.o: calls fail with it even without interrupts: __kernel_atomic_cmpxchg_32 did not return: ${f#*:}" \
			"$tmp/err" || fail "${f%%:*}: $(cat "$tmp/err")"
	done
	;;
fixup-not-regular)
	# Only a regular file is opened: a FIFO or a device is refused before
	# anything reads from it (a FIFO would block the open).
	mkfifo "$tmp/fifo.o" "$tmp/fifo.S" || exit 1
	for f in "$tmp/fifo.o" "$tmp/fifo.S" /dev/zero; do
		run --fixup "$f"
		expect_status 2
		grep -q 'not a regular file' "$tmp/err" ||
			fail "$f: $(cat "$tmp/err")"
	done
	;;
fixup-bounded)
	# A source may include anything: the preprocessor and the assembler
	# run within bounds of time, memory and output, and are stopped.
	need_as
	printf '#include "/dev/zero"\n' >"$tmp/zero.S"
	run --fixup "$tmp/zero.S"
	expect_status 2
	grep -q "zero.S: cpp failed: \|zero.S: cpp stopped by its bounds" \
		"$tmp/err" || fail "/dev/zero: $(cat "$tmp/err")"
	mkfifo "$tmp/nobody-writes"
	printf '#include "nobody-writes"\n' >"$tmp/fifo.S"
	run --fixup "$tmp/fifo.S"
	expect_status 2
	grep -q 'fifo.S: cpp did not finish in 10 s' "$tmp/err" ||
		fail "FIFO: $(cat "$tmp/err")"
	;;
fixup-cleanup)
	# Its temporary files go on every way out, a signal included; the
	# signal then ends mmsim as it would have.  (perl puts SIGINT back to
	# its default, which a shell's background jobs ignore.)
	need_as
	command -v perl >/dev/null || { echo "perl missing: skipped"; exit 77; }
	mkdir "$tmp/t"
	mkfifo "$tmp/nobody-writes"
	printf '#include "nobody-writes"\n' >"$tmp/slow.S"
	for sig in TERM INT; do
		TMPDIR=$tmp/t perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' \
			"$mmsim" vdso-fuzz --fixup "$tmp/slow.S" \
			>/dev/null 2>&1 &
		pid=$!
		n=0
		while [ -z "$(ls "$tmp/t")" ] && [ $n -lt 50 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		[ -n "$(ls "$tmp/t")" ] || fail "$sig: no temporary directory"
		kill -$sig $pid
		wait $pid
		status=$?
		case $sig in
		TERM) expect_status 143 ;;
		INT) expect_status 130 ;;
		esac
		[ -z "$(ls "$tmp/t")" ] || fail "$sig: left $(ls "$tmp/t")"
	done
	printf 'bad\n' >"$tmp/bad.S"
	TMPDIR=$tmp/t "$mmsim" vdso-fuzz --fixup "$tmp/bad.S" >/dev/null 2>&1
	[ -z "$(ls "$tmp/t")" ] || fail "a failure left $(ls "$tmp/t")"
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
