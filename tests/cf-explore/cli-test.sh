#!/bin/sh
# SPDX-License-Identifier: MIT
#
# cli-test.sh MMSIM TEST - one test of 'mmsim cf-explore' as a program:
# the JSON shape (against README.md's schema), the report, replay,
# programs and options refused, --shard (the parts add up to the
# whole) and --jobs (the same answer), C sources compiled on the fly.
# Run from this directory; exits 77 (skipped) when a test needs
# m68k-linux-gnu-gcc and it is missing.

set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 MMSIM TEST" >&2
	exit 2
fi
mmsim=$1
test=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
counter=../../examples/coldfire/prebuilt/counter.elf
map_unmap=../../examples/coldfire/prebuilt/map_unmap.elf
syscalls=../cfprog/cfx-syscalls.elf
bad=../cfprog/cfx-bad.elf

fail() {
	echo "$test: $*"
	exit 1
}

# run ARGS...: stdout to $tmp/out, stderr to $tmp/err, status in $status
run() {
	"$mmsim" cf-explore "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
}

expect_status() {
	[ "$status" = "$1" ] ||
		fail "exit status $status, expected $1; stderr: $(cat "$tmp/err")"
}

# The value of the top-level number field $1 of the JSON in $tmp/out.
jnum() {
	grep -o "\"$1\": [0-9]*" "$tmp/out" | head -n 1 | sed 's/.*: //'
}

# The groups of the JSON in $tmp/out, one a line: kind, pc, cases, example.
groups() {
	python3 -c '
import json, sys
for g in json.load(open(sys.argv[1]))["groups"]:
    print(g["kind"], g["pc"], g["cases"], g["example"])
' "$1"
}

need_python() {
	command -v python3 >/dev/null ||
		{ echo "$test: python3 missing: skipped"; exit 77; }
}

# The JSON object in $tmp/out, checked against the schema README.md
# documents, and every field name it uses documented there.
json_ok() {
	need_python
	python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
def num(x): return isinstance(x, int) and not isinstance(x, bool)
assert num(o["cases"]) and num(o["violating"]), "counts"
assert o["mode"] in ("exhaustive", "random", "replay"), o["mode"]
assert isinstance(o["verdict"], str) and o["verdict"], "verdict"
assert sum(e["count"] for e in o["enosys"]) <= o["enosys_calls"]
assert sum(g["cases"] for g in o["groups"]) == o["violating"]
for g in o["groups"]:
    assert g["pc"] is None or int(g["pc"], 16) == g["pc_value"], g
    assert 1 <= g["kept"] <= 16 and g["kept"] <= g["cases"], g
    assert g["example_interrupts"] == g["example"].count("="), g
runs = o["violations"] + ([o["run"]] if "run" in o else [])
for v in runs:
    assert (v["kind"] is None) == (v["detail"] is None), v["case"]
    assert v["pc"] is None or int(v["pc"], 16) == v["pc_value"], v["case"]
    assert v["replay"].endswith("--replay \x27%s\x27" % v["case"]), v
    assert v["interrupts_delivered"] == (v["case"] != "-" and
                                         v["case"].count("=")), v
    ev = v["events"]
    assert ev[0]["event"] == "start", ev[0]
    irqs = [e for e in ev if e["event"] == "interrupt"]
    assert len(irqs) == v["interrupts_delivered"], v["case"]
    for e in ev:
        assert all(num(x) for k, x in e.items()
                   if k not in ("event", "access", "fault", "action",
                                "error", "failure")), e
    for out in v["output"]:
        assert out["bytes"] >= len(out["text"]) or out["bytes"] > 512, out
' "$tmp/out" || fail "bad JSON: $(head -c 300 "$tmp/out")"
	sed -n '/^### cf-explore JSON/,/^##/p' ../../README.md >"$tmp/schema"
	[ -s "$tmp/schema" ] || fail "README.md has no ### cf-explore JSON"
	for key in $(grep -o '"[a-z0-9_-]*": ' "$tmp/out" | sort -u |
		sed 's/"//g; s/: //'); do
		grep -q "\`$key\`" "$tmp/schema" ||
			fail "field $key is not in README.md's schema"
	done
	for ev in $(grep -o '"event": "[a-z-]*"' "$tmp/out" | sort -u |
		sed 's/.*: //; s/"//g'); do
		grep -q "\`$ev\`" "$tmp/schema" ||
			fail "event $ev is not in README.md's schema"
	done
}

case $test in
json-shape)
	# Every kind of report as JSON: a campaign, a random one, replays
	# with violations and without, system calls and their counts.
	run "$counter" --json
	expect_status 0
	json_ok
	[ "$(jnum cases)" = 352 ] || fail "cases: $(jnum cases)"
	[ "$(jnum violating)" = 4 ] || fail "violating: $(jnum violating)"
	grep -q '"groups": \[{"pc": "0x5fffe40e", "pc_value": 1610605582, "symbol": "0x5fffe40e <__kernel_atomic_cmpxchg_32+0x2>", "kind": "check-failed", "cases": 2, "example": "T0@11=s1"' "$tmp/out" ||
		fail "not the first group: $(head -c 600 "$tmp/out")"
	grep -q '"output": \[{"thread": 2, "bytes": 22, "text": "counter 2, expected 4\\u000a"}\]' "$tmp/out" ||
		fail "no output of check()"
	for args in "$counter --mode random --seed 5 --cases 200 --interrupts 2" \
		"$counter --replay T0@11=s1" "$map_unmap --replay T0@5=r" \
		"$map_unmap --interrupts 1 --cases 40" \
		"$syscalls --interrupts 0" "$bad --entry exits --interrupts 0" \
		"$bad --entry spins --interrupts 0" \
		"$bad --entry illegal --interrupts 0" \
		"$counter --trace $tmp/t.json --timeline" \
		"$counter --replay T0@11=s1 --trace $tmp/t.json --timeline"; do
		# shellcheck disable=SC2086
		run $args --json
		expect_status 0
		json_ok
	done
	;;
report)
	# The report: what was checked, the verdict, the groups with their
	# simplest cases, and each case with its code, events, output and
	# the command that replays it.
	run "$counter"
	expect_status 0
	tr '\n' ' ' <"$tmp/out" | tr -s ' ' | grep -q "^mmsim cf-explore checked $counter: 2 threads calling thread_main(id), then check(), on the seed's vDSO against the seed's entry fixup, in every case of at most 1 interrupt in all, .*: 352 cases\. Verdict: check-failed when last interrupted at 0x5fffe40e <__kernel_atomic_cmpxchg_32+0x2> and 0x5fffe412 <__kernel_atomic_cmpxchg_32+0x6>; 4 of 352 cases violate\." ||
		fail "opening: $(head -n 10 "$tmp/out")"
	grep -q '^  check-failed  0x5fffe412 <__kernel_atomic_cmpxchg_32+0x6>  *2 cases, e.g. T0@12=s1$' "$tmp/out" ||
		fail "no group at 0x5fffe412"
	grep -q '^    => 0x5fffe412: 2081            move.l d1, (a0)$' \
		"$tmp/out" || fail "no code at the PC"
	grep -q '^    interrupt: T0 at pc 0x5fffe40e <__kernel_atomic_cmpxchg_32+0x2> (instruction 11)$' \
		"$tmp/out" || fail "no interrupt event"
	grep -q '^  output of check(): "counter 2, expected 4\\n"$' \
		"$tmp/out" || fail "no output"
	grep -q "^  replay: mmsim cf-explore $counter --threads 2 --replay 'T0@11=s1'$" \
		"$tmp/out" || fail "no replay command"
	# The system calls a program makes, and those answered ENOSYS.
	run "$syscalls" --interrupts 0
	expect_status 0
	grep -q '^system calls answered ENOSYS: 4; number 20 (x2), and 2 of numbers beyond 511$' \
		"$tmp/out" || fail "ENOSYS: $(grep ENOSYS "$tmp/out")"
	run "$syscalls" --replay -
	grep -q '^    T0 brk(0x0, ...) = 0x80004000$' "$tmp/out" ||
		fail "no brk"
	grep -q '^    T0 system call 999 = ENOSYS (not modelled)$' "$tmp/out" ||
		fail "no ENOSYS event"
	grep -q '^  output of T1: "thread 1\\n"$' "$tmp/out" ||
		fail "no output of T1"
	;;
replay)
	# Every case a campaign keeps fails again, alone, the same way;
	# an interrupt that is never delivered is said.
	run "$map_unmap" --json
	expect_status 0
	grep -o '"case": "[^"]*"' "$tmp/out" | sed 's/.*: "//; s/"$//' \
		>"$tmp/cases"
	[ -s "$tmp/cases" ] || fail "no cases"
	while read -r c; do
		"$mmsim" cf-explore "$map_unmap" --replay "$c" >"$tmp/one" ||
			fail "replay $c"
		head -n 1 "$tmp/one" | grep -q "^case $c: 1 interrupt delivered, 1 violation$" ||
			fail "$c: $(head -n 1 "$tmp/one")"
		grep -q '^fault, last interrupted at pc ' "$tmp/one" ||
			fail "$c is not a fault"
	done <"$tmp/cases"
	# A fixup that fails only on an interrupt: its cases carry the
	# interrupt, and replay to the same failure.
	run "$counter" --fixup ../ucpu/fixup-irqfault.o --json
	expect_status 0
	[ "$(jnum violating)" = 351 ] || fail "irqfault: $(jnum violating)"
	grep -o '"case": "[^"]*"' "$tmp/out" | sed 's/.*: "//; s/"$//' |
		head -n 5 >"$tmp/cases"
	grep -q '^-$' "$tmp/cases" && fail "a fixup failure without interrupt"
	while read -r c; do
		"$mmsim" cf-explore "$counter" --fixup ../ucpu/fixup-irqfault.o \
			--replay "$c" >"$tmp/one" || fail "replay $c"
		head -n 1 "$tmp/one" | grep -q "^case $c: 1 interrupt delivered, 1 violation$" ||
			fail "$c: $(head -n 1 "$tmp/one")"
		grep -q '^fixup-failed, last interrupted at pc ' "$tmp/one" ||
			fail "$c is not a fixup failure: $(sed -n 3p "$tmp/one")"
	done <"$tmp/cases"
	run "$counter" --replay 'T0@11=s1/T1@100000=-'
	expect_status 0
	head -n 1 "$tmp/out" | grep -q '^case T0@11=s1/T1@100000=-: 1 interrupt delivered, 1 not (the case as it ran: T0@11=s1), 1 violation$' ||
		fail "undelivered: $(head -n 1 "$tmp/out")"
	grep -q 'never delivered' "$tmp/err" || fail "no warning"
	;;
refused)
	# Usage errors and programs that cannot be loaded: exit 2 with the
	# reason.
	for args in "$counter --threads 9" "$counter --threads 0" \
		"$counter --interrupts 17" "$counter --mode sideways" \
		"$counter --shard 3/3" "$counter --shard 1" "$counter --jobs 0" \
		"$counter --replay T0@x=-" "$counter --replay T0@1=s0" \
		"$counter --seed 3" "$counter --replay - --jobs 2" \
		"$counter --entry nothere" "$counter --check nothere" \
		"$counter --fixup /nonexistent.o" "$counter --fixup ." \
		"/nonexistent" "." "cli-test.sh" "$counter extra"; do
		# shellcheck disable=SC2086
		run $args
		expect_status 2
		[ -s "$tmp/err" ] || fail "$args: no reason"
		[ -s "$tmp/out" ] && fail "$args: output on stdout"
	done
	run "$counter" --replay T0@x=-
	grep -q "bad case 'T0@x=-': at offset 3: expected an instruction index" \
		"$tmp/err" || fail "$(cat "$tmp/err")"
	run cli-test.sh
	grep -q 'not an ELF file' "$tmp/err" || fail "$(cat "$tmp/err")"
	run .
	grep -q 'not a regular file' "$tmp/err" || fail "$(cat "$tmp/err")"
	;;
shards)
	# --shard I/N: the parts' counts and groups add up to the whole run,
	# exhaustive and random.
	need_python
	for mode in "--threads 3" \
		"--mode random --seed 9 --cases 400 --interrupts 2"; do
		# shellcheck disable=SC2086
		run "$counter" $mode --json
		expect_status 0
		cp "$tmp/out" "$tmp/whole"
		for i in 0 1 2; do
			# shellcheck disable=SC2086
			run "$counter" $mode --shard $i/3 --json
			expect_status 0
			grep -q "\"shard\": \"$i/3\"" "$tmp/out" ||
				fail "shard not said"
			cp "$tmp/out" "$tmp/part$i"
		done
		python3 -c '
import json, sys
whole = json.load(open(sys.argv[1]))
parts = [json.load(open(p)) for p in sys.argv[2:]]
for k in ("cases", "violating", "undelivered", "enosys_calls"):
    assert sum(p[k] for p in parts) == whole[k], k
    assert all(p[k] < whole[k] for p in parts) or k != "cases", k
groups = {}
for p in parts:
    for g in p["groups"]:
        key = (g["kind"], g["pc"])
        c, ex = groups.get(key, (0, None))
        groups[key] = (c + g["cases"], ex)
want = {(g["kind"], g["pc"]): g["cases"] for g in whole["groups"]}
got = {k: v[0] for k, v in groups.items()}
assert got == want, (got, want)
' "$tmp/whole" "$tmp/part0" "$tmp/part1" "$tmp/part2" ||
			fail "$mode: the shards do not add up"
	done
	;;
jobs)
	# --jobs 2 gives the very same answer as one job.
	for mode in "--threads 3" \
		"--mode random --seed 9 --cases 400 --interrupts 2"; do
		# shellcheck disable=SC2086
		run "$counter" $mode --json
		expect_status 0
		cp "$tmp/out" "$tmp/one"
		# shellcheck disable=SC2086
		run "$counter" $mode --json --jobs 2
		expect_status 0
		cmp -s "$tmp/one" "$tmp/out" || fail "$mode: --jobs 2 differs"
	done
	;;
random-deterministic)
	# The same seed, the same run; the seed is said.
	run "$counter" --mode random --seed 77 --cases 300 --interrupts 2
	expect_status 0
	cp "$tmp/out" "$tmp/a"
	grep -q 'seed 77' "$tmp/a" || fail "seed not said"
	run "$counter" --mode random --seed 77 --cases 300 --interrupts 2
	cmp -s "$tmp/a" "$tmp/out" || fail "not deterministic"
	run "$counter" --mode random --cases 10
	expect_status 0
	grep -q 'seed [0-9]' "$tmp/out" || fail "the clock's seed not said"
	;;
c-source)
	# A C source is compiled on the fly; a compiler error is reported.
	command -v m68k-linux-gnu-gcc >/dev/null ||
		{ echo "$test: m68k-linux-gnu-gcc missing: skipped"; exit 77; }
	mkdir "$tmp/t" || exit 1
	TMPDIR=$tmp/t
	export TMPDIR
	run ../cfprog/cfx-syscalls.c --interrupts 0
	expect_status 0
	grep -q '^system calls answered ENOSYS: 4;' "$tmp/out" ||
		fail "$(cat "$tmp/out")"
	printf 'int thread_main(int id) { return id + ; }\n' >"$tmp/broken.c"
	run "$tmp/broken.c"
	expect_status 2
	grep -q 'broken.c:1:.*error' "$tmp/err" || fail "$(cat "$tmp/err")"
	[ -z "$(ls "$tmp/t")" ] || fail "left in TMPDIR: $(ls "$tmp/t")"
	;;
*)
	fail "no such test"
	;;
esac
exit 0
