/* SPDX-License-Identifier: MIT */
/*
 * Loading a relocatable m68k ELF object (ET_REL, EM_68K) into guest memory,
 * as a kernel module loader would: the allocated sections laid out one
 * after the other, the RELA relocations applied against where they landed.
 * The CPU uses it for the entry fixup (see ucpu.h).
 */
#ifndef MMSIM_COLDFIRE_M68K_REL_H
#define MMSIM_COLDFIRE_M68K_REL_H

#include <mmsim/export.h>
#include <stddef.h>
#include <stdint.h>

/**
 * msim_m68k_rel_load - lay out and relocate @buf at guest address @base
 * @buf: the object file
 * @len: its length
 * @sym: a global symbol the object must define
 * @mem: host bytes of the load area, @size long, zeroed by the caller
 * @base: the guest address of @mem
 * @size: how much the sections may take
 * @sym_addr: where @sym landed
 * @why: on failure, a one-line reason (may be NULL)
 * @whylen: size of @why
 *
 * Never reads outside @buf, whatever it holds.  On failure @mem may hold
 * part of the object; the caller discards it.
 *
 * Return: 0, -ENOEXEC for an object that cannot be loaded (not ELF32
 * big-endian ET_REL EM_68K, a malformed header or section, @sym missing,
 * an undefined or unsupported symbol, a relocation type other than
 * R_68K_NONE, R_68K_32/16/8 and R_68K_PC32/PC16/PC8, a value that does not
 * fit its field, sections larger than @size), or -ENOMEM.
 */
MSIM_API int msim_m68k_rel_load(const void *buf, size_t len, const char *sym,
				unsigned char *mem, uint32_t base,
				uint32_t size, uint32_t *sym_addr, char *why,
				size_t whylen);

#endif /* MMSIM_COLDFIRE_M68K_REL_H */
