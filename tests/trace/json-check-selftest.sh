#!/bin/sh
# SPDX-License-Identifier: MIT
#
# json-check-selftest.sh CHECKER - the JSON checker refuses what it must
#
# Each case below is a small trace with one thing wrong, which the
# checker must refuse with the reason given; the good case must pass.

set -u
check=$1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0

meta='{"name": "process_name", "ph": "M", "pid": 1, "tid": 0, "args": {"name": "p"}},
{"name": "thread_name", "ph": "M", "pid": 1, "tid": 1, "args": {"name": "t"}}'

# case NAME WANT BODY: the events after the metadata; WANT is "ok" or a
# part of the reason the checker must give.
case_() {
	printf '{"traceEvents": [\n%s,\n%s\n], "displayTimeUnit": "ns"}\n' \
		"$meta" "$3" >"$tmp/$1.json"
	out=$("$check" "$tmp/$1.json")
	status=$?
	if [ "$2" = ok ]; then
		[ $status -eq 0 ] || {
			echo "$1: refused: $out"
			failed=1
		}
		return
	fi
	if [ $status -eq 0 ]; then
		echo "$1: accepted, expected: $2"
		failed=1
	elif ! printf '%s' "$out" | grep -q -- "$2"; then
		echo "$1: refused for another reason: $out (expected: $2)"
		failed=1
	fi
}

B='{"name": "a", "ph": "B", "ts": 1, "pid": 1, "tid": 1}'
E='{"name": "a", "ph": "E", "ts": 5, "pid": 1, "tid": 1}'
case_ good ok "$B,
{\"name\": \"inv\", \"ph\": \"s\", \"id\": 7, \"ts\": 1.25, \"pid\": 1, \"tid\": 1, \"cat\": \"c\"},
{\"name\": \"x\", \"ph\": \"X\", \"ts\": 2, \"dur\": 0.5, \"pid\": 1, \"tid\": 1},
{\"name\": \"inv\", \"ph\": \"t\", \"id\": 7, \"ts\": 2.25, \"pid\": 1, \"tid\": 1, \"cat\": \"c\"},
{\"name\": \"i\", \"ph\": \"i\", \"s\": \"t\", \"ts\": 3, \"pid\": 1, \"tid\": 1},
{\"name\": \"inv\", \"ph\": \"f\", \"bp\": \"e\", \"id\": 7, \"ts\": 4.75, \"pid\": 1, \"tid\": 1, \"cat\": \"c\"},
$E"
case_ trailing-comma "trailing comma" "$B,$E,"
case_ unclosed "open" "$B"
case_ unopened "nothing open" "$E"
case_ crossed "closes B" "$B,
{\"name\": \"b\", \"ph\": \"B\", \"ts\": 2, \"pid\": 1, \"tid\": 1},
{\"name\": \"a\", \"ph\": \"E\", \"ts\": 3, \"pid\": 1, \"tid\": 1},
{\"name\": \"b\", \"ph\": \"E\", \"ts\": 4, \"pid\": 1, \"tid\": 1}"
case_ x-straddles "inside an X" "$B,
{\"name\": \"x\", \"ph\": \"X\", \"ts\": 2, \"dur\": 10, \"pid\": 1, \"tid\": 1},
$E"
case_ time-back "goes back" "$B,
{\"name\": \"i\", \"ph\": \"i\", \"s\": \"t\", \"ts\": 0.5, \"pid\": 1, \"tid\": 1},
$E"
case_ flow-open "never closed" "$B,
{\"name\": \"inv\", \"ph\": \"s\", \"id\": 7, \"ts\": 1.25, \"pid\": 1, \"tid\": 1, \"cat\": \"c\"},
$E"
case_ flow-unstarted "not started" "$B,
{\"name\": \"inv\", \"ph\": \"f\", \"bp\": \"e\", \"id\": 9, \"ts\": 1.25, \"pid\": 1, \"tid\": 1, \"cat\": \"c\"},
$E"
case_ flow-unbound "binds to no slice" "{\"name\": \"inv\", \"ph\": \"s\", \"id\": 7, \"ts\": 0.5, \"pid\": 1, \"tid\": 1, \"cat\": \"c\"},
{\"name\": \"inv\", \"ph\": \"f\", \"bp\": \"e\", \"id\": 7, \"ts\": 0.6, \"pid\": 1, \"tid\": 1, \"cat\": \"c\"}"
case_ unnamed-thread "no thread_name" "{\"name\": \"i\", \"ph\": \"i\", \"s\": \"t\", \"ts\": 1, \"pid\": 1, \"tid\": 2}"
case_ bad-escape "bad escape" "{\"name\": \"a\\q\", \"ph\": \"i\", \"s\": \"t\", \"ts\": 1, \"pid\": 1, \"tid\": 1}"
case_ bad-ph "no ph" "{\"name\": \"a\", \"ph\": \"Q\", \"ts\": 1, \"pid\": 1, \"tid\": 1}"
printf '{"traceEvents": []} x' >"$tmp/after.json"
"$check" "$tmp/after.json" >/dev/null && {
	echo "after: text after the value accepted"
	failed=1
}
exit $failed
