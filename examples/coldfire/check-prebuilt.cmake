# SPDX-License-Identifier: MIT
#
# The committed example programs against prebuilt/SHA256SUMS, as vdso/
# checks its blob.  Included by CMakeLists.txt when the programs are taken
# from prebuilt/ (no cross compiler), and run as a test in every build:
#
#   cmake -DPREBUILT=DIR -DNAMES="counter;spinlock;..." -P check-prebuilt.cmake
#
# A missing line or a digest that differs is a fatal error naming the file.

function(mmsim_check_prebuilt dir names)
	if(NOT EXISTS ${dir}/SHA256SUMS)
		message(FATAL_ERROR "${dir}/SHA256SUMS: missing")
	endif()
	file(STRINGS ${dir}/SHA256SUMS sums)
	foreach(name ${names})
		set(want "")
		foreach(line ${sums})
			if(line MATCHES "^([0-9a-f]+)  ${name}.elf$")
				set(want ${CMAKE_MATCH_1})
			endif()
		endforeach()
		if(NOT EXISTS ${dir}/${name}.elf)
			message(FATAL_ERROR "${dir}/${name}.elf: missing")
		endif()
		file(SHA256 ${dir}/${name}.elf got)
		if(NOT want STREQUAL got)
			message(FATAL_ERROR "${dir}/${name}.elf: SHA-256 ${got}, "
				"SHA256SUMS says '${want}'")
		endif()
	endforeach()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND DEFINED PREBUILT)
	mmsim_check_prebuilt(${PREBUILT} "${NAMES}")
endif()
