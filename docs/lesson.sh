#!/bin/sh
# SPDX-License-Identifier: MIT
#
# lesson.sh check|update|pages MMSIM [OUTDIR] - the commands of
# docs/notifiers.md, run for real
#
# The lesson shows what commands print in blocks like
#
#	<!-- page: NAME -->
#	```console
#	$ build/sim/mmsim explore examples/scenarios/... --timeline
#	...what it prints...
#	```
#
# ("<!-- output: NAME -->" for a block that has no page: an exploration
# that finds nothing, say).
#
# From the top of the source tree, with MMSIM for build/sim/mmsim:
#   check   runs every command and compares what it prints on standard
#           output with the block (times in seconds aside), so that the
#           lesson cannot go stale; checks that each timeline fits 80
#           columns and that the lesson links to each block's page;
#   update  writes what the commands print now into the blocks;
#   pages   runs every command with --html OUTDIR/NAME.html, the page
#           each section links to.

set -u

mode=$1
mmsim=$2
outdir=${3:-}
lesson=docs/notifiers.md
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "$lesson" ]; then
	echo "lesson.sh: run it from the top of the source tree" >&2
	exit 2
fi

# Each block into $tmp/N.name, N.kind (page or output), N.cmd and N.want.
awk -v dir="$tmp" '
	/^<!-- (page|output): .* -->$/ {
		kind = $2
		sub(/:$/, "", kind)
		name = $3
		next
	}
	/^```console$/ && name != "" {
		n++
		inblock = 1
		getline
		sub(/^\$ /, "")
		print name > (dir "/" n ".name")
		print kind > (dir "/" n ".kind")
		print > (dir "/" n ".cmd")
		printf "" > (dir "/" n ".want")
		name = ""
		next
	}
	inblock && /^```$/ {
		inblock = 0
		next
	}
	inblock { print > (dir "/" n ".want") }
' "$lesson"

# What a command prints, seconds aside.
run() { # N
	cmd=$(cat "$tmp/$1.cmd")
	eval "set -- ${cmd#build/sim/mmsim }"
	"$mmsim" "$@" 2>/dev/null
}

normal() {
	sed 's/, [0-9][0-9.]* s$/, N s/'
}

failed=0
n=1
while [ -f "$tmp/$n.cmd" ]; do
	name=$(cat "$tmp/$n.name")
	kind=$(cat "$tmp/$n.kind")
	case $mode in
	check)
		run $n | normal >"$tmp/$n.got"
		normal <"$tmp/$n.want" >"$tmp/$n.wantn"
		if ! cmp -s "$tmp/$n.got" "$tmp/$n.wantn"; then
			echo "$lesson: the block of $name no longer shows what"
			echo "  $(cat "$tmp/$n.cmd")"
			echo "prints (docs/lesson.sh update MMSIM writes it):"
			diff -u "$tmp/$n.wantn" "$tmp/$n.got" | head -n 40
			failed=1
		fi
		# Two or three threads fit 80 columns.
		wide=$(awk '/^timeline of / { t = 1 }
			t && length($0) > 80 { print; exit }' "$tmp/$n.got")
		if [ -n "$wide" ]; then
			echo "$lesson: the timeline of $name is wider than 80"
			echo "  columns: $wide"
			failed=1
		fi
		if [ "$kind" = page ] &&
			! grep -qF "(../build/docs/html/$name.html)" "$lesson"; then
			echo "$lesson: no link to the page of $name"
			failed=1
		fi
		;;
	update)
		run $n >"$tmp/$n.got"
		;;
	pages)
		mkdir -p "$outdir"
		if [ "$kind" != page ]; then
			n=$((n + 1))
			continue
		fi
		cmd=$(cat "$tmp/$n.cmd")
		eval "set -- ${cmd#build/sim/mmsim }"
		# The page of the run the block shows: no terminal view.
		shift_args=
		for a in "$@"; do
			[ "$a" = --timeline ] || shift_args="$shift_args '$a'"
		done
		eval "set -- $shift_args"
		"$mmsim" "$@" --html "$outdir/$name.html" >/dev/null 2>&1
		[ -s "$outdir/$name.html" ] || {
			echo "lesson.sh: no page for $name" >&2
			failed=1
		}
		;;
	*)
		echo "usage: lesson.sh check|update|pages MMSIM [OUTDIR]" >&2
		exit 2
		;;
	esac
	n=$((n + 1))
done

if [ "$mode" = update ]; then
	awk -v dir="$tmp" '
		/^<!-- (page|output): .* -->$/ { name = $3; print; next }
		/^```console$/ && name != "" {
			n++
			print
			getline
			print
			while ((getline l < (dir "/" n ".got")) > 0)
				print l
			while ((getline) > 0 && $0 != "```")
				;
			print "```"
			name = ""
			next
		}
		{ print }
	' "$lesson" >"$tmp/lesson" && cp "$tmp/lesson" "$lesson"
fi
[ $n -gt 1 ] || {
	echo "$lesson: no command blocks" >&2
	failed=1
}
exit $failed
