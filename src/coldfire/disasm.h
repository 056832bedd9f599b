/* SPDX-License-Identifier: MIT */
/* m68k disassembly for the vDSO fuzzer's reports (capstone). */
#ifndef MMSIM_COLDFIRE_DISASM_H
#define MMSIM_COLDFIRE_DISASM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Prints the instructions of @code (big-endian m68k, loaded at @addr), one
 * a line after @indent, with "=>" before the one at @mark.  Returns the
 * number of instructions printed, or -1 if capstone cannot be opened.
 */
int msim_vf_disasm(FILE *out, const uint8_t *code, size_t len, uint32_t addr,
		   uint32_t mark, const char *indent);

/*
 * The instruction at the start of @code (loaded at @addr) into @buf, as
 * "mnemonic operands".  Returns 0, or -1 (with @buf empty) when capstone
 * cannot be opened or the bytes are no instruction.
 */
int msim_vf_disasm_one(const uint8_t *code, size_t len, uint32_t addr,
		       char *buf, size_t size);

struct msim_m68k_regs;

/*
 * The address of the first memory operand of the instruction at the
 * start of @code (at @addr), with the registers @r before it runs; the
 * stack for rts, jsr, bsr, pea, link and unlk.  Returns 0 with *@ea set,
 * 1 when the instruction touches no memory but its own code, -1 when it
 * cannot be decoded.
 */
int msim_cf_insn_access(const uint8_t *code, size_t len, uint32_t addr,
			const struct msim_m68k_regs *r, uint32_t *ea);

#endif /* MMSIM_COLDFIRE_DISASM_H */
