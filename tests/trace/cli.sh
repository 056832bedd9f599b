#!/bin/sh
# SPDX-License-Identifier: MIT
#
# cli.sh MMSIM CHECKER COLDFIRE EXAMPLE - the trace options of mmsim, from
# the top of the source tree:
#  - explore: each failure's replay recorded, the files named under its
#    report, numbered when there are several, the JSON valid, the page
#    written, the timeline after the report (and in --json's object);
#  - run: a file without threads, and one with --schedule, recorded,
#    each with its three views;
#  - every run docs/notifiers.md draws recorded, its JSON valid;
#  - a ring too small: the record says how many events it dropped, and
#    its JSON is still valid;
#  - vdso-fuzz --replay (COLDFIRE 1): the three views, with the CPU's
#    threads and events; cf-explore --replay and a campaign's groups,
#    likewise;
#  - options refused with a reason;
#  - the same from C: EXAMPLE (examples/trace_race.c) explores a race,
#    records the failing run and writes its views, the JSON valid.

set -u
mmsim=$1
check=$2
coldfire=$3
example=$4
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
	echo "FAIL: $*"
	failed=1
}

has() { # FILE TEXT: the file has the line part TEXT
	grep -qF -- "$2" "$1" || fail "$1 lacks: $2"
}

valid() { # FILE: the checker passes it
	"$check" "$1" || fail "$1 is not valid trace JSON"
}

ex1=examples/scenarios/01-kvm-no-retry-populate-munmap.scn

# explore, one failure
"$mmsim" explore "$ex1" --trace "$tmp/one.json" --html "$tmp/one.html" \
	--timeline >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "explore $ex1: exit status not 1"
has "$tmp/out" "trace: $tmp/one.json"
has "$tmp/out" "html: $tmp/one.html"
has "$tmp/out" "timeline of $ex1, failure 1"
has "$tmp/out" " step  fault"
has "$tmp/out" "guest maps 0x10000000 -> pfn 0x2"
has "$tmp/out" "main: FAILURE coherence:"
valid "$tmp/one.json"
has "$tmp/one.json" '"ph": "s"'
has "$tmp/one.json" '"ph": "f"'
has "$tmp/one.json" '"name": "thread_name", "ph": "M", "pid": 1, "tid": 1, "args": {"name": "fault"}'
has "$tmp/one.html" 'class="lane" data-tid="1" data-name="fault"'
has "$tmp/one.html" '<pre id="errors" hidden></pre>'
[ -s "$tmp/err" ] && fail "explore wrote on stderr: $(cat "$tmp/err")"

# explore --json: the files and the timeline in the object
"$mmsim" explore "$ex1" --json --trace "$tmp/j.json" --timeline \
	>"$tmp/out" 2>/dev/null
has "$tmp/out" "\"trace\": \"$tmp/j.json\""
has "$tmp/out" '"timeline": "timeline of '
[ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "explore --json: not one line"
valid "$tmp/j.json"

# explore, two failures: numbered
"$mmsim" explore tests/trace/two-failures.scn --preemptions 1 \
	--trace "$tmp/two.json" --html "$tmp/two.page.html" >"$tmp/out" 2>&1
has "$tmp/out" "trace: $tmp/two-1.json"
has "$tmp/out" "trace: $tmp/two-2.json"
has "$tmp/out" "html: $tmp/two.page-1.html"
has "$tmp/out" "html: $tmp/two.page-2.html"
valid "$tmp/two-1.json"
valid "$tmp/two-2.json"
[ -e "$tmp/two.json" ] && fail "two failures: an unnumbered file too"

# run, with and without threads
"$mmsim" run examples/quickstart.scn --trace "$tmp/q.json" --timeline \
	--html "$tmp/q.html" >"$tmp/out" 2>/dev/null
has "$tmp/out" "timeline of examples/quickstart.scn"
has "$tmp/out" " step  main"
valid "$tmp/q.json"
has "$tmp/q.html" 'class="lane" data-tid="0" data-name="main"'
has "$tmp/q.html" 'class="span cat-fault"'
has "$tmp/q.html" '<pre id="errors" hidden></pre>'
"$mmsim" run --ram 16M --schedule fault@kvm_fault_install,unmap,fault \
	"$ex1" --trace "$tmp/s.json" --html "$tmp/s.html" >/dev/null 2>&1
valid "$tmp/s.json"
has "$tmp/s.json" '"args": {"name": "unmap"}'
has "$tmp/s.html" 'class="lane" data-tid="2" data-name="unmap"'
has "$tmp/s.html" 'class="flow" data-flow='
"$mmsim" run --ram 16M --schedule fault@kvm_fault_install,unmap,fault \
	"$ex1" --timeline >"$tmp/out" 2>/dev/null
[ $? -eq 1 ] || fail "run --schedule $ex1: exit status not 1"
has "$tmp/out" "timeline of $ex1, schedule"
has "$tmp/out" "  fault@kvm_fault_install,unmap,fault"
has "$tmp/out" "preempted at kvm_fault_install;"
has "$tmp/out" "main: FAILURE coherence:"

# every run the lesson draws (its explorations that find nothing record
# nothing)
grep '^\$ build/sim/mmsim .*--timeline' docs/notifiers.md |
	sed 's|^\$ build/sim/mmsim ||' >"$tmp/lesson.cmds"
n=0
while IFS= read -r cmd; do
	n=$((n + 1))
	eval "set -- $cmd"
	"$mmsim" "$@" --trace "$tmp/lesson-$n.json" >/dev/null 2>&1
	valid "$tmp/lesson-$n.json"
done <"$tmp/lesson.cmds"
[ $n -ge 7 ] || fail "docs/notifiers.md: $n commands, expected 7 or more"

# a ring too small
"$mmsim" run examples/quickstart.scn --trace "$tmp/small.json" \
	--trace-events 100 >/dev/null 2>"$tmp/err"
has "$tmp/err" "events dropped: the record keeps the last 100 (--trace-events N for more)"
valid "$tmp/small.json"
has "$tmp/small.json" '"capacity": 100'

# refused
"$mmsim" run --trace-events 0 examples/quickstart.scn >/dev/null \
	2>"$tmp/err"
[ $? -eq 2 ] || fail "--trace-events 0 accepted"
has "$tmp/err" "bad number of trace events '0'"
"$mmsim" run --trace /nonexistent/dir/x.json examples/quickstart.scn \
	>/dev/null 2>"$tmp/err"
[ $? -eq 1 ] || fail "an unwritable --trace file: exit status not 1"
has "$tmp/err" "mmsim: /nonexistent/dir/x.json: No such file or directory"
# explore names only the files it wrote
"$mmsim" explore "$ex1" --trace /nonexistent/dir/x.json \
	--html "$tmp/w.html" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "explore, an unwritable --trace: exit status not 1"
has "$tmp/err" "mmsim: /nonexistent/dir/x.json: No such file or directory"
grep -q '^trace: ' "$tmp/out" && fail "explore named a file it did not write"
has "$tmp/out" "html: $tmp/w.html"

if [ "$coldfire" = 1 ]; then
	"$mmsim" vdso-fuzz --fixup tests/vdso-fuzz/fixups/correct.o \
		--replay 'w1:x1,2[1=x1,3]' --trace "$tmp/v.json" --timeline \
		--html "$tmp/v.html" >"$tmp/out" 2>&1 ||
		fail "vdso-fuzz --replay failed"
	has "$tmp/out" "trace: $tmp/v.json"
	has "$tmp/out" "html: $tmp/v.html"
	has "$tmp/v.html" 'data-name="T0"'
	has "$tmp/v.html" 'data-name="T1"'
	has "$tmp/v.html" 'class="span cat-coldfire"'
	has "$tmp/v.html" '<pre id="errors" hidden></pre>'
	has "$tmp/out" " step  T0"
	has "$tmp/out" "| fixup rewinds pc 0x5fffe40e ->"
	has "$tmp/out" "T1 returns, d0 = 0x1"
	valid "$tmp/v.json"
	"$mmsim" vdso-fuzz --trace "$tmp/v.json" >/dev/null 2>"$tmp/err"
	[ $? -eq 2 ] || fail "vdso-fuzz --trace without --replay accepted"
	has "$tmp/err" "they need --replay CASE"

	# cf-explore --replay: the case's threads, the CPU's and the mm's
	# events, the engine's marks and the failure.
	counter=examples/coldfire/prebuilt/counter.elf
	"$mmsim" cf-explore "$counter" --replay 'T0@11=s1' \
		--trace "$tmp/c.json" --timeline --html "$tmp/c.html" \
		>"$tmp/out" 2>&1 || fail "cf-explore --replay failed"
	has "$tmp/out" "trace: $tmp/c.json"
	has "$tmp/out" "html: $tmp/c.html"
	has "$tmp/out" " step  T0"
	has "$tmp/out" "T1                       check"
	has "$tmp/out" "| interrupt at pc"
	has "$tmp/out" "| switch to T1"
	has "$tmp/out" "T1 calls 0x80000304"
	has "$tmp/out" "| > T0 fetch of"
	has "$tmp/out" "FAILURE check-failed:"
	has "$tmp/c.html" 'data-name="check"'
	valid "$tmp/c.json"
	# A campaign: a record for each group's example, numbered, and in
	# each group's JSON object.
	"$mmsim" cf-explore "$counter" --trace "$tmp/g.json" --json \
		>"$tmp/out" 2>&1 || fail "cf-explore --trace failed"
	for n in 1 2; do
		has "$tmp/out" "\"trace\": \"$tmp/g-$n.json\""
		valid "$tmp/g-$n.json"
	done
	[ -e "$tmp/g-3.json" ] && fail "cf-explore: a third record"
	"$mmsim" cf-explore "$counter" --replay - --trace-events 0 \
		>/dev/null 2>"$tmp/err"
	[ $? -eq 2 ] || fail "cf-explore --trace-events 0 accepted"
	has "$tmp/err" "bad number of trace events '0'"
	"$mmsim" cf-explore "$counter" --replay - --trace /nonexistent/d/x.json \
		>/dev/null 2>"$tmp/err"
	[ $? -eq 1 ] || fail "cf-explore, an unwritable --trace: not 1"
	has "$tmp/err" "/nonexistent/d/x.json: No such file or directory"
fi
# from C
"$example" "$tmp" >"$tmp/out" 2>&1 ||
	fail "$example failed: $(tail -n 5 "$tmp/out")"
has "$tmp/out" "schedule: 6.2z,52n (1 preemption)"
has "$tmp/out" " step  fault"
valid "$tmp/trace_race.json"
has "$tmp/trace_race.json" '"ph": "f"'
has "$tmp/trace_race.html" 'class="lane" data-tid="2" data-name="unmap"'
exit $failed
