// SPDX-License-Identifier: MIT
/*
 * m68k disassembly through capstone.  Capstone has no ColdFire mode; the
 * 68040 mode decodes the ISA_B instructions the vDSO and the fixups use
 * (ColdFire's are a subset of the 68k's, in the same encodings).
 */
#include <capstone/capstone.h>

#include "disasm.h"

int msim_vf_disasm(FILE *out, const uint8_t *code, size_t len, uint32_t addr,
		   uint32_t mark, const char *indent)
{
	csh h;
	cs_insn *insn;
	size_t n, i;

	if (cs_open(CS_ARCH_M68K, CS_MODE_BIG_ENDIAN | CS_MODE_M68K_040, &h) !=
	    CS_ERR_OK)
		return -1;
	n = cs_disasm(h, code, len, addr, 0, &insn);
	for (i = 0; i < n; i++) {
		char bytes[3 * 10] = "";
		size_t j, at = 0;

		for (j = 0; j < insn[i].size && j < 8; j += 2)
			at += (size_t)snprintf(bytes + at, sizeof(bytes) - at,
					       "%02x%02x ", insn[i].bytes[j],
					       insn[i].bytes[j + 1]);
		fprintf(out, "%s%s 0x%08x: %-15s %s%s%s\n", indent,
			insn[i].address == mark ? "=>" : "  ",
			(uint32_t)insn[i].address, bytes, insn[i].mnemonic,
			insn[i].op_str[0] ? " " : "", insn[i].op_str);
	}
	if (n)
		cs_free(insn, n);
	cs_close(&h);
	return (int)n;
}

int msim_vf_disasm_one(const uint8_t *code, size_t len, uint32_t addr,
		       char *buf, size_t size)
{
	csh h;
	cs_insn *insn;
	size_t n;

	if (size)
		buf[0] = '\0';
	if (cs_open(CS_ARCH_M68K, CS_MODE_BIG_ENDIAN | CS_MODE_M68K_040, &h) !=
	    CS_ERR_OK)
		return -1;
	n = cs_disasm(h, code, len, addr, 1, &insn);
	if (n) {
		snprintf(buf, size, "%s%s%s", insn[0].mnemonic,
			 insn[0].op_str[0] ? " " : "", insn[0].op_str);
		cs_free(insn, n);
	}
	cs_close(&h);
	return n ? 0 : -1;
}
