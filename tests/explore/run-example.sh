#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-example.sh MMSIM FILE - explore one scenario of examples/scenarios/
#
# Runs 'MMSIM explore OPTIONS FILE' with the OPTIONS of the file's
# '# explore:' line, and checks what it finds against its '# expect:'
# line: 'none' (exit status 0, no failure) or the kinds of failure it must
# report (exit status 1, each failure of one of those kinds, each kind
# found).  Then every failure's replay command is run, and the failure's
# report (kind and message, schedule) must be in the replay's standard
# error byte for byte.  Run from the top of the source tree, so that
# reports name the file as the command line does.

set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 MMSIM FILE" >&2
	exit 2
fi
mmsim=$1
file=$2

directive() {
	sed -n "s/^# $1: *//p" "$file" | head -n 1
}

opts=$(directive explore)
expect=$(directive expect)
if [ -z "$expect" ]; then
	echo "$file: no '# expect:' line" >&2
	exit 2
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# shellcheck disable=SC2086
"$mmsim" explore $opts "$file" >"$tmp/out" 2>"$tmp/err"
status=$?
cat "$tmp/out"

failed=0
if [ "$expect" = none ]; then
	if [ $status -ne 0 ]; then
		echo "$file: exit status $status, expected 0 (no failure)"
		failed=1
	fi
	grep -q '^no failure$' "$tmp/out" || failed=1
	grep -q ', complete,' "$tmp/out" || {
		echo "$file: the bounded space was not exhausted"
		failed=1
	}
	exit $failed
fi
if [ $status -ne 1 ]; then
	echo "$file: exit status $status, expected 1 (failures: $expect)"
	exit 1
fi

# Split the report into one file per failure: its report lines, then
# its replay command in NAME.cmd.
awk -v dir="$tmp" '
	/^failure [0-9]+ of [0-9]+$/ { n++; f = dir "/f" n; next }
	/^replay: / && n { sub(/^replay: /, ""); print > (f ".cmd"); close(f ".cmd"); f = ""; next }
	f { print > f }
' "$tmp/out"

for kind in $expect; do
	grep -q "^$kind: " "$tmp/out" || {
		echo "$file: no failure of kind $kind"
		failed=1
	}
done
for f in "$tmp"/f[0-9]*; do
	case $f in *.cmd) continue ;; esac
	kind=$(head -n 1 "$f" | sed 's/:.*//')
	case " $expect " in
	*" $kind "*) ;;
	*)
		echo "$file: unexpected failure of kind $kind"
		failed=1
		;;
	esac
	cmd=$(cat "$f.cmd")
	# The command, with mmsim as built; it quotes its schedule.
	eval "set -- ${cmd#mmsim }"
	"$mmsim" "$@" >/dev/null 2>"$tmp/replay"
	if ! awk -v want="$f" '
		BEGIN { while ((getline l < want) > 0) w[n++] = l }
		{ got[m++] = $0 }
		END {
			for (i = 0; i + n <= m; i++) {
				for (j = 0; j < n && got[i + j] == w[j]; j++)
					;
				if (j == n)
					exit 0
			}
			exit 1
		}' "$tmp/replay"; then
		echo "$file: the replay of failure $(basename "$f") does not report it:"
		echo "  $cmd"
		cat "$f" "$tmp/replay"
		failed=1
	fi
done
exit $failed
