#!/bin/sh
# SPDX-License-Identifier: MIT
#
# browser.sh MMSIM - the web page of a record in a real browser
#
# Writes the page of scenario 01's failing run (and the same with every
# event), has headless Chromium load each and dump the document after its
# script ran, and checks that the page loaded clean (the script marked
# the body data-status="ok" and left <pre id="errors"> empty: the page
# records its own errors and console.error() there, and Chromium's log
# has no uncaught error) and that the SVG has a lane per thread and the
# bars and arrows it must: lock holds, callbacks, notifier calls, the
# invalidation's flow.  Skipped (exit status 77) without Chromium.
#
# Chromium runs as it may as root in a container: no sandbox, no GPU, and
# nothing that reaches for the network (which is closed here, and would
# fill the log with refused connections), in a profile of its own.

set -u
mmsim=$1

browser=
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then
		browser=$b
		break
	fi
done
if [ -z "$browser" ]; then
	echo "SKIP: no chromium (bash .ci/setup installs Debian's)"
	exit 77
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
	echo "FAIL: $*"
	failed=1
}

ex1=examples/scenarios/01-kvm-no-retry-populate-munmap.scn

render() { # PAGE DUMP
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--disable-default-apps --disable-extensions \
		--user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
		--virtual-time-budget=2000 \
		--dump-dom "file://$1" >"$2" 2>"$2.log"
}

has() {
	grep -qF -- "$2" "$1" || fail "$1 lacks: $2"
}

"$mmsim" explore "$ex1" --html "$tmp/page.html" >/dev/null 2>&1
"$mmsim" explore "$ex1" --html "$tmp/all.html" --all-events \
	>/dev/null 2>&1
for page in page all; do
	[ -s "$tmp/$page.html" ] || {
		fail "mmsim wrote no $page.html"
		continue
	}
	render "$tmp/$page.html" "$tmp/$page.dom" ||
		fail "$browser could not render $page.html: $(tail -n 3 "$tmp/$page.dom.log")"
	dom="$tmp/$page.dom"
	has "$dom" 'data-status="ok"'
	has "$dom" '<pre id="errors" hidden=""></pre>'
	if grep -E 'Uncaught|CONSOLE.*"Error' "$dom.log"; then
		fail "$page.html: errors in the browser's log"
	fi
	has "$dom" 'data-lanes="3"'
	has "$dom" 'class="lane" data-tid="0" data-name="main"'
	has "$dom" 'class="lane" data-tid="1" data-name="fault"'
	has "$dom" 'class="lane" data-tid="2" data-name="unmap"'
	has "$dom" 'class="span cat-lock"'
	has "$dom" 'class="span cat-callback"'
	has "$dom" 'class="span cat-notifier"'
	has "$dom" 'class="flow" data-flow='
	has "$dom" 'guest maps 0x10000000 -&gt; pfn 0x2'
	has "$dom" '&gt; munmap 0x10000000 0x1000'
	has "$dom" 'data-kind="failure"'
	has "$dom" '<title>guest-&gt;invalidate_range_start()'
	grep -q 'data-flows="[1-9]' "$dom" || fail "$page.html: no flow counted"
done
[ $failed -eq 0 ] && echo "both pages loaded clean, lanes and events there"
exit $failed
