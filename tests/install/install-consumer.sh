#!/bin/bash
# SPDX-License-Identifier: MIT
#
# install_consumer: install a built mmsim tree into a fresh prefix, then
# build and run examples/consumer against that prefix, through
# find_package(mmsim) and through pkg-config, both shared and static; and
# likewise the kernel-style example drivers of examples/kernel/, through
# the kernel tree's CMake target mmsim::kernel and its pkg-config module
# mmsim-kernel.
#
# It also checks the ABI: the installed libmmsim.so and libmmsim.a export
# exactly tests/install/exports.txt (and exports-coldfire.txt with the
# ColdFire room), and a program defining kernel names of its own
# (clash/own.c) links with both and is never called by the library.
#
# install-consumer.sh --cmake CMAKE --cc CC --build-dir DIR --source-dir DIR
#	--work-dir DIR [--config CFG] [--sanitize=LIST] [--coldfire=ON|OFF]
set -euo pipefail

cmake=cmake cc=cc build= src= work= config= sanitize= coldfire=ON
while [ $# -gt 0 ]; do
	case $1 in
	--cmake) cmake=$2; shift ;;
	--cc) cc=$2; shift ;;
	--build-dir) build=$2; shift ;;
	--source-dir) src=$2; shift ;;
	--work-dir) work=$2; shift ;;
	--config) config=$2; shift ;;
	--config=*) config=${1#*=} ;;
	--sanitize) sanitize=$2; shift ;;
	--sanitize=*) sanitize=${1#*=} ;;
	--coldfire=*) coldfire=${1#*=} ;;
	*) echo "install-consumer: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
: "${build:?--build-dir missing}" "${src:?--source-dir missing}" \
	"${work:?--work-dir missing}"

step() { echo "install_consumer: $*"; }
die() { echo "install_consumer: FAIL: $*" >&2; exit 1; }

# A consumer of a sanitized library must link the sanitizer runtime too.
flags=
if [ -n "$sanitize" ]; then
	flags="-fsanitize=$sanitize -fno-omit-frame-pointer"
fi

rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix

step "cmake --install $build --prefix $prefix"
"$cmake" --install "$build" --prefix "$prefix" ${config:+--config "$config"} \
	>"$work/install.log" || { cat "$work/install.log"; die "install"; }

pc=$(find "$prefix" -name mmsim.pc -print -quit)
[ -n "$pc" ] || die "no mmsim.pc installed"
libdir=$(dirname "$(dirname "$pc")")
for f in "$libdir/libmmsim.a" "$libdir/libmmsim.so" \
	"$prefix/include/mmsim/mmsim.h" "$libdir/cmake/mmsim/mmsim-config.cmake" \
	"$prefix/include/mmsim/kernel/linux/mm.h" \
	"$prefix/include/mmsim/kernel/mmsim-kernel/custom/xarray.h" \
	"$libdir/pkgconfig/mmsim-kernel.pc" \
	"$libdir/cmake/mmsim/mmsim-config-version.cmake" \
	"$libdir/cmake/mmsim/mmsim-targets.cmake"; do
	[ -e "$f" ] || die "$f not installed"
done
soname=$(readelf -d "$libdir/libmmsim.so" |
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ -n "$soname" ] && [ -e "$libdir/$soname" ] ||
	die "soname link ${soname:-?} missing"
step "installed into $prefix (libdir $libdir, soname $soname)"

# Run a consumer and check what it prints.
run() {
	local exe=$1 out
	shift
	out=$("$@" "$exe") || { echo "$out"; die "$exe failed"; }
	echo "$out"
	grep -q '^consumer: ok$' <<<"$out" || die "$exe did not finish"
	grep -Eq '^[0-9a-f]+-[0-9a-f]+ rw-p ' <<<"$out" ||
		die "$exe printed no rw-p mapping"
}

# Does $1 need libmmsim.so?  $2 is yes or no.
needs_so() {
	local got=no dyn
	dyn=$(readelf -d "$1")
	grep -q "NEEDED.*\[$soname\]" <<<"$dyn" && got=yes
	[ "$got" = "$2" ] || die "$1: needs $soname: $got, expected $2"
}

# The exported set, from the shared and from the static library.
want=$work/exports.want
grep -hv '^#' "$src/tests/install/exports.txt" >"$want.tmp"
if [ "$coldfire" = ON ]; then
	grep -hv '^#' "$src/tests/install/exports-coldfire.txt" >>"$want.tmp"
fi
sort "$want.tmp" >"$want"
for lib in "$libdir/libmmsim.so" "$libdir/libmmsim.a"; do
	case $lib in
	*.so) nm -D --defined-only "$lib" ;;
	*) nm -g --defined-only "$lib" ;;
	esac | awk 'NF == 3 { print $3 }' |
		# AddressSanitizer's one-definition-rule indicators, one per
		# exported global, are the instrumentation's, not the ABI's.
		grep -v '^__odr_asan[.]' | sort >"$work/exports.got"
	if ! cmp -s "$want" "$work/exports.got"; then
		diff -u "$want" "$work/exports.got" |
			sed -n 's/^[-+][^-+]/&/p' >&2 || true
		die "$lib exports differ from tests/install/exports*.txt" \
			"(- missing, + unexpected)"
	fi
done
step "libmmsim.so and libmmsim.a export the $(wc -l <"$want") listed symbols"

step "find_package(mmsim) with CMAKE_PREFIX_PATH=$prefix"
"$cmake" -S "$src/examples/consumer" -B "$work/cmake" \
	-DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
	-DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
	>"$work/cmake.log" || { cat "$work/cmake.log"; die "configure"; }
found=$(sed -n 's/^mmsim_DIR:PATH=//p' "$work/cmake/CMakeCache.txt")
[ "$found" = "$libdir/cmake/mmsim" ] ||
	die "find_package found mmsim in $found, not in $prefix"
"$cmake" --build "$work/cmake" >"$work/cmake-build.log" 2>&1 ||
	{ cat "$work/cmake-build.log"; die "build"; }
needs_so "$work/cmake/consumer" yes
needs_so "$work/cmake/consumer_static" no
run "$work/cmake/consumer" env
run "$work/cmake/consumer_static" env

step "pkg-config with PKG_CONFIG_PATH=$libdir/pkgconfig"
export PKG_CONFIG_PATH=$libdir/pkgconfig
step "pkg-config --cflags --libs mmsim: $(pkg-config --cflags --libs mmsim)"
mkdir -p "$work/pkgconfig"
make -s -C "$src/examples/consumer" OUT="$work/pkgconfig" CC="$cc" \
	LDFLAGS="$flags" CFLAGS="-O2 -g -Wall -Wextra -Werror $flags" \
	>"$work/make.log" 2>&1 || { cat "$work/make.log"; die "make"; }
needs_so "$work/pkgconfig/consumer" yes
needs_so "$work/pkgconfig/consumer-static" no
run "$work/pkgconfig/consumer" env LD_LIBRARY_PATH="$libdir"
run "$work/pkgconfig/consumer-static" env

step "a program with its own spin_lock, list_add, vm_area_alloc, ..."
cflags=$(pkg-config --cflags mmsim)
"$cc" $flags $cflags -o "$work/clash" "$src/tests/install/clash/main.c" \
	"$src/tests/install/clash/own.c" $(pkg-config --libs mmsim) \
	>"$work/clash.log" 2>&1 || { cat "$work/clash.log"; die "clash link (shared)"; }
"$cc" $flags $cflags -o "$work/clash-static" \
	"$src/tests/install/clash/main.c" "$src/tests/install/clash/own.c" \
	-Wl,-Bstatic $(pkg-config --libs mmsim) -Wl,-Bdynamic \
	$(pkg-config --static --libs-only-l mmsim | sed 's/-lmmsim//') \
	>"$work/clash.log" 2>&1 || { cat "$work/clash.log"; die "clash link (static)"; }
LD_LIBRARY_PATH="$libdir" "$work/clash" || die "clash (shared)"
"$work/clash-static" || die "clash (static)"

# The kernel examples print "NAME: ok" as their last line.
run_kernel() {
	local exe=$1 name=$2 out
	shift 2
	out=$("$@" "$exe" 2>&1) || { echo "$out"; die "$exe failed"; }
	grep -q "^$name: ok\$" <<<"$out" || { echo "$out"; die "$exe did not finish"; }
	echo "$exe: ok"
}
kernel_examples="classic_notifier interval_mirror devmem_migrator"

step "kernel examples through find_package(mmsim), mmsim::kernel"
"$cmake" -S "$src/examples/kernel" -B "$work/kernel-cmake" \
	-DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
	-DCMAKE_C_FLAGS="-Wall -Wextra -Werror $flags" \
	-DCMAKE_EXE_LINKER_FLAGS="$flags" \
	>"$work/kernel-cmake.log" || { cat "$work/kernel-cmake.log"; die "configure kernel examples"; }
"$cmake" --build "$work/kernel-cmake" >"$work/kernel-cmake-build.log" 2>&1 ||
	{ cat "$work/kernel-cmake-build.log"; die "build kernel examples"; }
for ex in $kernel_examples; do
	needs_so "$work/kernel-cmake/$ex" yes
	needs_so "$work/kernel-cmake/${ex}_static" no
	run_kernel "$work/kernel-cmake/$ex" "$ex" env
	run_kernel "$work/kernel-cmake/${ex}_static" "$ex" env
done

step "kernel examples through pkg-config: $(pkg-config --cflags mmsim-kernel)"
mkdir -p "$work/kernel-pkgconfig"
make -s -C "$src/examples/kernel" OUT="$work/kernel-pkgconfig" CC="$cc" \
	LDFLAGS="$flags" CFLAGS="-O2 -g -Wall -Wextra -Werror $flags" \
	>"$work/kernel-make.log" 2>&1 || { cat "$work/kernel-make.log"; die "make kernel examples"; }
for ex in $kernel_examples; do
	needs_so "$work/kernel-pkgconfig/$ex" yes
	needs_so "$work/kernel-pkgconfig/$ex-static" no
	run_kernel "$work/kernel-pkgconfig/$ex" "$ex" env LD_LIBRARY_PATH="$libdir"
	run_kernel "$work/kernel-pkgconfig/$ex-static" "$ex" env
done

if [ "$coldfire" = ON ]; then
	step "ColdFire programs: share/mmsim/coldfire, mmsim-coldfire.pc"
	cfrt=$prefix/share/mmsim/coldfire
	for f in "$cfrt/cfrt.h" "$cfrt/crt0.S" "$cfrt/cfrt.c" \
		"$cfrt/mmsim-coldfire.cmake" "$libdir/pkgconfig/mmsim-coldfire.pc" \
		"$prefix/bin/mmsim"; do
		[ -e "$f" ] || die "$f not installed"
	done
	pkg-config --cflags mmsim-coldfire | grep -q -- "-mcpu=5475 .*-I$cfrt" ||
		die "mmsim-coldfire.pc: $(pkg-config --cflags mmsim-coldfire)"
	if command -v m68k-linux-gnu-gcc >/dev/null; then
		prog=$src/tests/cfprog/cfx-syscalls.c
		mkdir -p "$work/coldfire"
		# shellcheck disable=SC2046
		m68k-linux-gnu-gcc $(pkg-config --cflags mmsim-coldfire) \
			-o "$work/coldfire/pc.elf" \
			$(pkg-config --variable=crt mmsim-coldfire) "$prog" \
			$(pkg-config --libs mmsim-coldfire) ||
			die "a ColdFire program through pkg-config"
		"$cmake" -S "$src/tests/install/coldfire" \
			-B "$work/coldfire/cmake" -DCMAKE_C_COMPILER="$cc" \
			-DCMAKE_PREFIX_PATH="$prefix" -DPROGRAM="$prog" \
			-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
			>"$work/coldfire/cmake.log" ||
			{ cat "$work/coldfire/cmake.log"; die "configure"; }
		"$cmake" --build "$work/coldfire/cmake" \
			>"$work/coldfire/build.log" 2>&1 ||
			{ cat "$work/coldfire/build.log"; die "mmsim_coldfire_program()"; }
		# The installed mmsim runs both, and the C source compiled
		# with the installed start file.
		for p in "$work/coldfire/pc.elf" \
			"$work/coldfire/cmake/syscalls.elf" "$prog"; do
			"$prefix/bin/mmsim" cf-explore "$p" --interrupts 0 \
				>"$work/coldfire/out" 2>&1 ||
				{ cat "$work/coldfire/out"; die "cf-explore $p"; }
			grep -q '^Verdict: no violation' "$work/coldfire/out" ||
				{ cat "$work/coldfire/out"; die "cf-explore $p"; }
		done
		step "ColdFire programs built through pkg-config and CMake, run"
	fi
fi

step "ok"
