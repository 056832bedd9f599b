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
 * Reads or builds the object for @path into a malloc()ed *@obj.  @path
 * must be a regular file (checked before it is opened: a FIFO or a device
 * is refused, never read) of at most 1 MiB.  A source is copied into a
 * directory under $TMPDIR (or /tmp) and built there by cpp and
 * m68k-linux-gnu-as, each bounded to 10 s of wall-clock and CPU time,
 * 1 GiB of address space and 16 MiB per file it writes, since a source
 * may include anything (/dev/zero, a FIFO).  The directory is removed on
 * every way out; SIGHUP, SIGINT, SIGQUIT and SIGTERM are held meanwhile,
 * and one that arrives stops the running tool, the files are removed,
 * and then the signal acts as it would have.  Returns 0, or -errno with
 * @why a one-line reason (without the file name): -EINVAL for a file that
 * is not regular, -ETIMEDOUT or -E2BIG for a tool past its bounds, -EINTR
 * when a held signal stopped it (the signal is delivered on return).
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
