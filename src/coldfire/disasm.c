// SPDX-License-Identifier: MIT
/*
 * m68k disassembly through capstone.  Capstone has no ColdFire mode; the
 * 68040 mode decodes the ISA_B instructions the vDSO and the fixups use
 * (ColdFire's are a subset of the 68k's, in the same encodings).
 */
#include <capstone/capstone.h>

#include <string.h>

#include <mmsim/coldfire/ucpu.h>

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

/* The value of capstone's register @reg in @r (0 if it is none). */
static uint32_t reg_value(const struct msim_m68k_regs *r, m68k_reg reg,
			  uint32_t pc)
{
	if (reg >= M68K_REG_D0 && reg <= M68K_REG_D7)
		return r->d[reg - M68K_REG_D0];
	if (reg >= M68K_REG_A0 && reg <= M68K_REG_A7)
		return r->a[reg - M68K_REG_A0];
	if (reg == M68K_REG_PC)
		return pc + 2;
	return 0;
}

static bool op_access(const cs_m68k_op *op, const cs_m68k *m,
		      const struct msim_m68k_regs *r, uint32_t pc, uint32_t *ea)
{
	const m68k_op_mem *mem = &op->mem;
	uint32_t index;

	/*
	 * Capstone keeps the register of (An), (An)+ and -(An) in op->reg,
	 * the base of the others in mem.base_reg, none for the PC's.
	 */
	switch (op->address_mode) {
	case M68K_AM_REGI_ADDR:
	case M68K_AM_REGI_ADDR_POST_INC:
		*ea = reg_value(r, op->reg, pc);
		return true;
	case M68K_AM_REGI_ADDR_PRE_DEC:
		*ea = reg_value(r, op->reg, pc) -
		      (m->op_size.cpu_size ? m->op_size.cpu_size : 4);
		return true;
	case M68K_AM_REGI_ADDR_DISP:
		*ea = reg_value(r, mem->base_reg, pc) + (uint32_t)mem->disp;
		return true;
	case M68K_AM_PCI_DISP:
		*ea = pc + 2 + (uint32_t)mem->disp;
		return true;
	case M68K_AM_AREGI_INDEX_8_BIT_DISP:
	case M68K_AM_AREGI_INDEX_BASE_DISP:
	case M68K_AM_PCI_INDEX_8_BIT_DISP:
	case M68K_AM_PCI_INDEX_BASE_DISP:
		index = reg_value(r, mem->index_reg, pc);
		if (!mem->index_size)
			index = (uint32_t)(int32_t)(int16_t)index;
		*ea = (mem->base_reg ? reg_value(r, mem->base_reg, pc)
				     : pc + 2) +
		      (uint32_t)mem->disp +
		      index * (mem->scale ? mem->scale : 1);
		return true;
	case M68K_AM_ABSOLUTE_DATA_SHORT:
		*ea = (uint32_t)(int32_t)(int16_t)op->imm;
		return true;
	case M68K_AM_ABSOLUTE_DATA_LONG:
		*ea = (uint32_t)op->imm;
		return true;
	default:
		return false;
	}
}

int msim_cf_insn_access(const uint8_t *code, size_t len, uint32_t addr,
			const struct msim_m68k_regs *r, uint32_t *ea)
{
	cs_insn *insn;
	csh h;
	size_t n;
	int ret = 1;
	uint8_t i;

	if (cs_open(CS_ARCH_M68K, CS_MODE_BIG_ENDIAN | CS_MODE_M68K_040, &h) !=
	    CS_ERR_OK)
		return -1;
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	n = cs_disasm(h, code, len, addr, 1, &insn);
	if (!n) {
		cs_close(&h);
		return -1;
	}
	if (!strcmp(insn->mnemonic, "rts")) {
		*ea = r->a[7];
		ret = 0;
	} else if (!strcmp(insn->mnemonic, "jsr") ||
		   !strcmp(insn->mnemonic, "bsr") ||
		   !strncmp(insn->mnemonic, "bsr.", 4) ||
		   !strcmp(insn->mnemonic, "pea") ||
		   !strcmp(insn->mnemonic, "link")) {
		*ea = r->a[7] - 4;
		ret = 0;
	} else if (strncmp(insn->mnemonic, "lea", 3) &&
		   strncmp(insn->mnemonic, "jmp", 3)) {
		/* lea computes an address and jmp fetches from it: no data. */
		for (i = 0; i < insn->detail->m68k.op_count; i++)
			if (op_access(&insn->detail->m68k.operands[i],
				      &insn->detail->m68k, r, addr, ea)) {
				ret = 0;
				break;
			}
	}
	cs_free(insn, n);
	cs_close(&h);
	return ret;
}
