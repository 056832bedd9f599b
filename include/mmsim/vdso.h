/* SPDX-License-Identifier: MIT */
/**
 * DOC: ColdFire vDSO
 *
 * The ColdFire vDSO is a one-page ELF shared object prelinked at
 * 0x5fffe000 (see vdso/).  Its code reads the thread pointer from the data
 * word kuser_vdso_tp at +0x1000 in the same 8 KiB page, which the kernel
 * rewrites on every context switch, and offers an interrupt-restartable
 * compare-and-exchange.
 *
 * This header loads and validates such a blob (msim_vdso_parse()) and maps
 * it into a coldfire mm as Linux's arch_setup_additional_pages() does.
 */
#ifndef MMSIM_VDSO_H
#define MMSIM_VDSO_H

#include <stddef.h>
#include <stdint.h>

struct mm_struct;

/** VDSO_LINK_BASE - where the seed's linker script prelinks the blob */
#define VDSO_LINK_BASE 0x5fffe000UL
/** VDSO_VAR_OFFSET - the data area (kuser_vdso_tp) within the vDSO page */
#define VDSO_VAR_OFFSET 0x1000UL

/**
 * struct msim_vdso_image - a validated vDSO blob
 * @data: the blob's bytes (the whole ELF file)
 * @size: its length
 * @link_base: the address its PT_LOAD segment is linked at
 * @sym_read_tp: address of __kernel_read_tp
 * @sym_atomic_cmpxchg_32: address of __kernel_atomic_cmpxchg_32
 * @sym_atomic_barrier: address of __kernel_atomic_barrier
 * @kernel_version: the LINUX_VERSION_CODE in its kernel-version note
 */
struct msim_vdso_image {
	const void *data;
	size_t size;
	uint32_t link_base;
	uint32_t sym_read_tp;
	uint32_t sym_atomic_cmpxchg_32;
	uint32_t sym_atomic_barrier;
	uint32_t kernel_version;
};

struct msim_machine;

/**
 * msim_vdso_parse - validate a vDSO blob
 * @buf: the ELF file
 * @len: its length
 * @img: filled in on success; @img->data points into @buf
 * @why: on failure, a one-line reason (may be NULL)
 * @whylen: size of @why
 *
 * Checks what the kernel and the C library rely on: ELF32, big-endian,
 * EM_68K, ET_DYN, one PT_LOAD that fits in the vDSO page below the data
 * area, the three exported symbols with version LINUX_2.6, and the
 * kernel-version note.
 *
 * Return: 0, or -ENOEXEC with @why saying what is wrong.
 */
int msim_vdso_parse(const void *buf, size_t len, struct msim_vdso_image *img,
		    char *why, size_t whylen);

/** msim_vdso_seed - the seed's blob, built from vdso/ (or its committed copy)
 */
const struct msim_vdso_image *msim_vdso_seed(void);

/**
 * struct linux_binprm - what an exec passes to arch_setup_additional_pages()
 * @mm: the new mm
 */
struct linux_binprm {
	struct mm_struct *mm;
};

/**
 * arch_setup_additional_pages - map the machine's vDSO page into a new mm
 * @bprm: the exec; only @bprm->mm is used
 * @executable_stack: unused, as in the seed
 *
 * For a coldfire mm: get_unmapped_area() with hint VDSO_MBASE, a special
 * VMA named [vdso], and mm->context.vdso (the AT_SYSINFO_EHDR value).
 *
 * Return: 0 or a negative errno; -EINVAL for an mm of another arch.
 */
int arch_setup_additional_pages(struct linux_binprm *bprm,
				int executable_stack);

/** msim_vdso_set_tp - the kernel's resume: store @tp in kuser_vdso_tp */
void msim_vdso_set_tp(struct msim_machine *m, uint32_t tp);

/** msim_vdso_get_tp - what kuser_vdso_tp holds now */
uint32_t msim_vdso_get_tp(struct msim_machine *m);

#endif /* MMSIM_VDSO_H */
