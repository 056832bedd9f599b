/* SPDX-License-Identifier: MIT */
/*
 * Loading an entry fixup for the vDSO fuzzer: an m68k assembly source
 * (.S or .s, run through the host's C preprocessor with the ColdFire
 * pt_regs offsets defined, then through m68k-linux-gnu-as -mcpu=5475) or a
 * relocatable m68k ELF object (.o), which must define a global
 * check_vdso_atomic_cmpxchg_32.
 */
#ifndef MMSIM_COLDFIRE_FIXUP_H
#define MMSIM_COLDFIRE_FIXUP_H

#include <mmsim/export.h>
#include <stddef.h>

/*
 * Reads or builds the object for @path into a malloc()ed *@obj.  Returns
 * 0, or -errno with @why a one-line reason (without the file name).
 */
MSIM_API int msim_vf_fixup_load(const char *path, void **obj, size_t *len,
				char *why, size_t whylen);

/*
 * Checks that @obj is a relocatable big-endian 32-bit m68k ELF object
 * defining check_vdso_atomic_cmpxchg_32 as a global.  Returns 0 or
 * -ENOEXEC with @why.
 */
MSIM_API int msim_vf_fixup_check(const void *obj, size_t len, char *why,
				 size_t whylen);

#endif /* MMSIM_COLDFIRE_FIXUP_H */
