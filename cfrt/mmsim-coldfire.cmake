# SPDX-License-Identifier: MIT
#
# Building ColdFire programs for mmsim (mmsim cf-explore, msim_cf_exec())
# with Debian's gcc-m68k-linux-gnu: static, freestanding, with mmsim's
# start file (crt0.S, cfrt.c) and <cfrt.h>.
#
#   mmsim_coldfire_program(NAME SOURCES file.c... [OUTPUT file.elf])
#
# builds NAME.elf (or OUTPUT) in the current binary directory, as a
# target NAME built by default.  The flags make the output the same
# bytes from build to build, wherever the sources are.  Included by the
# build tree and by an installed mmsim's CMake package, which sets
# MMSIM_CFRT_DIR to where the start file and the header are.

# The one list of the flags (the library's C program loader, the
# pkg-config module and tests/cfprog/build.sh use the same).
set(MMSIM_CFRT_FLAGS -mcpu=5475 -O2 -static -nostdlib -ffreestanding
	-fno-pic -no-pie -fno-builtin -fno-ident -g0 -Wl,--build-id=none)

if(NOT MMSIM_CFRT_DIR)
	set(MMSIM_CFRT_DIR ${CMAKE_CURRENT_LIST_DIR})
endif()
find_program(MMSIM_M68K_GCC m68k-linux-gnu-gcc)

function(mmsim_coldfire_program name)
	cmake_parse_arguments(P "" "OUTPUT" "SOURCES" ${ARGN})
	if(NOT MMSIM_M68K_GCC)
		message(FATAL_ERROR "mmsim_coldfire_program(${name}): "
			"m68k-linux-gnu-gcc not found (Debian package "
			"gcc-m68k-linux-gnu)")
	endif()
	if(NOT P_OUTPUT)
		set(P_OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/${name}.elf)
	endif()
	set(sources)
	foreach(s ${P_SOURCES})
		get_filename_component(abs ${s} ABSOLUTE)
		list(APPEND sources ${abs})
	endforeach()
	add_custom_command(OUTPUT ${P_OUTPUT}
		COMMAND ${MMSIM_M68K_GCC} ${MMSIM_CFRT_FLAGS}
			-I${MMSIM_CFRT_DIR}
			-ffile-prefix-map=${MMSIM_CFRT_DIR}=cfrt
			-ffile-prefix-map=${CMAKE_CURRENT_SOURCE_DIR}=.
			-o ${P_OUTPUT} ${MMSIM_CFRT_DIR}/crt0.S
			${MMSIM_CFRT_DIR}/cfrt.c ${sources} -lgcc
		DEPENDS ${sources} ${MMSIM_CFRT_DIR}/crt0.S
			${MMSIM_CFRT_DIR}/cfrt.c ${MMSIM_CFRT_DIR}/cfrt.h
		COMMENT "Building the ColdFire program ${name}"
		VERBATIM)
	add_custom_target(${name} ALL DEPENDS ${P_OUTPUT})
endfunction()
