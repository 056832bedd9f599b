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
 *
 * The machine has one vDSO page, allocated zeroed on first use and filled
 * with the seed's blob (vdso_init()); every coldfire mm that execs maps it
 * as a special mapping (mm.h _install_special_mapping()) named [vdso].
 * The blob's code addresses kuser_vdso_tp absolutely (0x5ffff000), so
 * it only works where it is prelinked: arch_setup_additional_pages()
 * asks for 0x5fffe000 (VDSO_MBASE) and warns when it gets another
 * address (msim_vdso_misplaced()).
 */
#ifndef MMSIM_VDSO_H
#define MMSIM_VDSO_H

#include <mmsim/export.h>
#include <stdbool.h>
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
 * EM_68K, ET_DYN; a file no longer than VDSO_VAR_OFFSET (vdso_init()
 * copies all of it into the page); exactly one PT_LOAD, at file offset 0,
 * linked at a page-aligned base, whose file and memory sizes stay below
 * the data area at +VDSO_VAR_OFFSET; the three symbols __kernel_read_tp,
 * __kernel_atomic_cmpxchg_32 and __kernel_atomic_barrier in .dynsym,
 * defined, inside the PT_LOAD, each with the default version LINUX_2.6
 * (.gnu.version, .gnu.version_d); and a PT_NOTE holding a "Linux" note
 * of type 0 with a 4-byte descriptor, the kernel version.
 *
 * Never reads outside [@buf, @buf + @len), whatever the bytes; @buf is not
 * modified.
 *
 * Return: 0, -ENOEXEC with @why saying in one line what is wrong, or
 * -ENOMEM.
 */
MSIM_API int msim_vdso_parse(const void *buf, size_t len,
			     struct msim_vdso_image *img, char *why,
			     size_t whylen);

/**
 * msim_vdso_seed - the seed's blob, built from vdso/ (or its committed copy)
 *
 * Compiled into the library; parsed once.  Return: the image, or NULL if
 * the built-in blob does not pass msim_vdso_parse() (a build error).
 */
MSIM_API const struct msim_vdso_image *msim_vdso_seed(void);

/**
 * msim_vdso_seed_fixup - the seed's check_vdso_atomic_cmpxchg_32, the
 * interrupt-entry fixup, as the relocatable ELF object assembled from
 * vdso/entry-fixup.S (m68k, -mcpu=5475)
 * @len: set to its length
 *
 * Return: the object's bytes, compiled into the library.
 */
MSIM_API const void *msim_vdso_seed_fixup(size_t *len);

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
 * Takes the mmap lock for writing.  If VDSO_MBASE is taken, the page
 * goes wherever get_unmapped_area() puts it, as in the seed; the blob
 * then runs at an address it was not linked for, and
 * msim_vdso_misplaced() becomes true for @bprm->mm: the caller warns
 * (this prints nothing).
 *
 * Return: 0 or a negative errno; -EINVAL for an mm of another arch,
 * -EEXIST for an mm that already maps the vDSO (exec never maps two; a
 * fork's copy counts, one unmapped does not), -ENOMEM when the page, the
 * VMA or address space cannot be had.
 */
MSIM_API int arch_setup_additional_pages(struct linux_binprm *bprm,
					 int executable_stack);

/**
 * msim_vdso_misplaced - @mm's vDSO is mapped, but not where the blob is
 * prelinked: its absolute references point elsewhere.  __kernel_read_tp
 * then reads kuser_vdso_tp at msim_vdso_seed()->link_base +
 * VDSO_VAR_OFFSET, not at mm->context.vdso + VDSO_VAR_OFFSET, where the
 * kernel stores it.
 */
MSIM_API bool msim_vdso_misplaced(struct mm_struct *mm);

/**
 * vdso_init - the machine's vDSO page: allocated zeroed and filled with
 * the seed's blob on the first call, the same page afterwards
 * Return: the page, or NULL if it cannot be allocated.
 */
MSIM_API struct page *vdso_init(struct msim_machine *m);

/**
 * msim_vdso_set_tp - the kernel's resume(): store @tp in kuser_vdso_tp,
 * big-endian as the m68k kernel writes it, in the machine's vDSO page
 * (made first if need be; nothing happens if it cannot be)
 */
MSIM_API void msim_vdso_set_tp(struct msim_machine *m, uint32_t tp);

/** msim_vdso_get_tp - what kuser_vdso_tp holds now (0 before any vDSO) */
MSIM_API uint32_t msim_vdso_get_tp(struct msim_machine *m);

#endif /* MMSIM_VDSO_H */
