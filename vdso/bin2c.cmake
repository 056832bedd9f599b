# SPDX-License-Identifier: MIT
#
# cmake -DINPUT=file -DOUTPUT=file.c -DNAME=sym -P bin2c.cmake
#
# Writes @INPUT's bytes as `const unsigned char NAME[]` and its length as
# `const size_t NAME_len`, so that the library carries the blob and needs
# no file at run time.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" nhex)
math(EXPR len "${nhex} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# Twelve bytes a line.
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){12})" "\\1\n\t" bytes
	"${bytes}")
get_filename_component(base "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
"/* Generated from ${base} by vdso/bin2c.cmake: do not edit. */
#include <stddef.h>

extern const unsigned char ${NAME}[];
extern const size_t ${NAME}_len;

const unsigned char ${NAME}[] __attribute__((aligned(8))) = {
	${bytes}
};
const size_t ${NAME}_len = ${len};
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
