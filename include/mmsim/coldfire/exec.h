/* SPDX-License-Identifier: MIT */
/**
 * DOC: exec of a static ColdFire program
 *
 * A static ET_EXEC m68k ELF executable loaded into a coldfire mm as the
 * kernel's binfmt_elf does it (load_elf_binary(), elf_load(),
 * setup_arg_pages(), create_elf_tables()), with the ColdFire layout of
 * Linux: the stack at STACK_TOP (TASK_SIZE, 0xc0000000) growing down,
 * 8 KiB pages (ELF_EXEC_PAGESIZE), the vDSO at 0x5fffe000 below
 * TASK_UNMAPPED_BASE, no randomization.
 *
 *  - Each PT_LOAD is mapped from the file, private, with the segment's
 *    protection: the file's pages are the image's (a page cache of one
 *    file), mapped read-only and copied on the first write.  The end of
 *    the last file page of a segment is zeroed (padzero()), and the rest
 *    of its p_memsz (the bss) is anonymous memory (vm_brk_flags()).
 *  - The program break starts at the page-aligned end of the highest
 *    segment (mm->start_brk, mm->brk); /proc/PID/maps names [heap] what
 *    brk() adds, and the bss it merges with.
 *  - The stack is the page the arguments need plus 128 KiB below
 *    STACK_TOP; on it, from the top: a NULL word, the file name, the
 *    environment and argument strings, 16 random bytes (AT_RANDOM), then
 *    argc, argv, envp and the auxiliary vector, 16-byte aligned
 *    (mm->start_stack points at argc).
 *  - The auxiliary vector, in the kernel's order: AT_SYSINFO_EHDR (the
 *    vDSO, as the seed's ARCH_DLINFO adds it), AT_HWCAP, AT_PAGESZ,
 *    AT_CLKTCK, AT_PHDR, AT_PHENT, AT_PHNUM, AT_BASE, AT_FLAGS,
 *    AT_ENTRY, AT_UID, AT_EUID, AT_GID, AT_EGID, AT_SECURE, AT_RANDOM,
 *    AT_EXECFN, AT_NULL.
 *  - The vDSO is mapped (arch_setup_additional_pages()).
 *
 * A file the kernel would refuse, or that mmsim cannot load, is refused
 * with the reason: not ELF, not 32-bit big-endian m68k, not ET_EXEC
 * (PIE and shared objects), dynamically linked (PT_INTERP), truncated,
 * segments that overlap each other, the stack or the vDSO, that lie
 * outside user space or below mmap_min_addr, or whose file offset and
 * address disagree modulo the page size, no loadable segment, an entry
 * point outside the executable segments.
 */
#ifndef MMSIM_COLDFIRE_EXEC_H
#define MMSIM_COLDFIRE_EXEC_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mm_struct;

/** MSIM_CF_STACK_TOP - ColdFire's STACK_TOP, TASK_SIZE */
#define MSIM_CF_STACK_TOP 0xc0000000U
/** MSIM_CF_STACK_EXPAND - what setup_arg_pages() adds below the arguments */
#define MSIM_CF_STACK_EXPAND 0x20000U
/** MSIM_CF_MAX_SEGMENTS - PT_LOAD segments a program may have */
#define MSIM_CF_MAX_SEGMENTS 16

/* The auxiliary vector's types (<linux/auxvec.h>, <uapi/linux/elf.h>). */
#define MSIM_AT_NULL 0
#define MSIM_AT_PHDR 3
#define MSIM_AT_PHENT 4
#define MSIM_AT_PHNUM 5
#define MSIM_AT_PAGESZ 6
#define MSIM_AT_BASE 7
#define MSIM_AT_FLAGS 8
#define MSIM_AT_ENTRY 9
#define MSIM_AT_UID 11
#define MSIM_AT_EUID 12
#define MSIM_AT_GID 13
#define MSIM_AT_EGID 14
#define MSIM_AT_HWCAP 16
#define MSIM_AT_CLKTCK 17
#define MSIM_AT_SECURE 23
#define MSIM_AT_RANDOM 25
#define MSIM_AT_EXECFN 31
#define MSIM_AT_SYSINFO_EHDR 33

/**
 * struct msim_cf_segment - one PT_LOAD
 * @vaddr: its p_vaddr
 * @offset: its p_offset
 * @filesz: its p_filesz
 * @memsz: its p_memsz
 * @prot: PROT_* from its p_flags
 */
struct msim_cf_segment {
	uint32_t vaddr, offset, filesz, memsz;
	unsigned int prot;
};

/**
 * struct msim_cf_symbol - a defined symbol of the program's .symtab
 * @name: its name
 * @value: its address
 * @size: its st_size
 * @func: STT_FUNC
 */
struct msim_cf_symbol {
	const char *name;
	uint32_t value, size;
	bool func;
};

/**
 * struct msim_cf_elf - a static ColdFire executable, checked
 * @entry: e_entry
 * @phoff: e_phoff
 * @phnum: e_phnum
 * @phdr: where the program headers are in memory (AT_PHDR), 0 if no
 *	segment maps them
 * @nr_segments: its PT_LOADs, in file order
 * @segment: those
 * @brk: the page-aligned end of the highest segment: the start of the
 *	program break
 * @exec_stack: PT_GNU_STACK asks for an executable stack (or is absent)
 * @has_tls: it has a PT_TLS segment, @tls
 * @tls: its PT_TLS (the thread-local template: @tls.filesz bytes of .tdata
 *	at @tls.vaddr, then zeroes up to @tls.memsz)
 * @tls_align: that segment's p_align
 * @nr_symbols: the defined symbols of its .symtab, by name
 * @symbol: those (their names point into @strtab)
 * @strtab: a copy of the symbol names
 */
struct msim_cf_elf {
	uint32_t entry, phoff, phdr;
	unsigned int phnum;
	unsigned int nr_segments;
	struct msim_cf_segment segment[MSIM_CF_MAX_SEGMENTS];
	uint32_t brk;
	bool exec_stack;
	bool has_tls;
	struct msim_cf_segment tls;
	uint32_t tls_align;
	size_t nr_symbols;
	struct msim_cf_symbol *symbol;
	char *strtab;
};

/**
 * msim_cf_elf_parse - check @buf as a static ColdFire executable
 * @buf: the file
 * @len: its length
 * @elf: out: what it holds (free with msim_cf_elf_free(), even on error)
 * @why: on failure, a one-line reason
 * @whylen: size of @why
 *
 * Never reads outside [@buf, @buf + @len), whatever the bytes; reasons
 * show the file's bytes (a symbol name, an interpreter's path) escaped.
 *
 * Return: 0, -ENOEXEC with @why, or -ENOMEM.
 */
MSIM_API int msim_cf_elf_parse(const void *buf, size_t len,
			       struct msim_cf_elf *elf, char *why,
			       size_t whylen);

/** msim_cf_elf_free - what msim_cf_elf_parse() allocated in @elf */
MSIM_API void msim_cf_elf_free(struct msim_cf_elf *elf);

/**
 * msim_cf_elf_symbol - the symbol called @name, or NULL
 */
MSIM_API const struct msim_cf_symbol *
msim_cf_elf_symbol(const struct msim_cf_elf *elf, const char *name);

/**
 * msim_cf_elf_symbol_at - the symbol whose [value, value + size) holds
 * @addr (for a size 0 symbol, the nearest one below it), or NULL
 */
MSIM_API const struct msim_cf_symbol *
msim_cf_elf_symbol_at(const struct msim_cf_elf *elf, uint32_t addr);

/**
 * struct msim_cf_exec_args - what execve() passes
 * @filename: the path as given to execve (AT_EXECFN; the name
 *	/proc/PID/maps shows for the program's mappings)
 * @argc: number of @argv strings
 * @argv: the arguments
 * @envc: number of @envp strings
 * @envp: the environment
 */
struct msim_cf_exec_args {
	const char *filename;
	int argc;
	const char *const *argv;
	int envc;
	const char *const *envp;
};

struct msim_cf_image;

/**
 * msim_cf_exec - load the program in @buf into @mm
 * @mm: a coldfire mm with no mappings (what exec leaves: mm_alloc())
 * @buf: the ELF file; copied
 * @len: its length
 * @args: the arguments (NULL: argv = { filename }, no environment)
 * @why: on failure, a one-line reason
 * @whylen: size of @why
 *
 * Return: the image, which owns the file's pages and must outlive every
 * mm that maps them (@mm and any forked from it; free it with
 * msim_cf_image_free() after their last mmput()), or an ERR_PTR():
 * -ENOEXEC for a file it refuses (msim_cf_elf_parse()), -EINVAL for an mm
 * that is not a coldfire one or not empty, -E2BIG for arguments that do
 * not fit the stack's first 32 pages, -ENOMEM.  On failure @mm may hold
 * some of the mappings; exec is past its point of no return there, as in
 * the kernel, and the caller drops the mm.
 */
MSIM_API struct msim_cf_image *
msim_cf_exec(struct mm_struct *mm, const void *buf, size_t len,
	     const struct msim_cf_exec_args *args, char *why, size_t whylen);

/** msim_cf_image_elf - the checked ELF of @img */
MSIM_API const struct msim_cf_elf *
msim_cf_image_elf(const struct msim_cf_image *img);

/**
 * msim_cf_image_sp - the stack pointer exec left (mm->start_stack: argc,
 * then argv, envp and the auxiliary vector)
 */
MSIM_API uint32_t msim_cf_image_sp(const struct msim_cf_image *img);

/** msim_cf_image_free - the image and its file pages; NULL is nothing */
MSIM_API void msim_cf_image_free(struct msim_cf_image *img);

/**
 * msim_cf_program_load - a program from the file @path: an executable as
 * it is, or a C source (a name ending in .c) compiled with
 * m68k-linux-gnu-gcc, the start file and <cfrt.h> found in @cfrt_dir,
 * and mmsim's flags for ColdFire programs (cfrt/mmsim-coldfire.cmake)
 * @buf: out: the executable's bytes, malloc()ed
 * @len: out: how many
 *
 * Only a regular file is opened; the compiler runs within bounds of time,
 * memory and output, in a directory under $TMPDIR that is removed on
 * every way out (as msim_vf_fixup_load()'s tools).  The executable is not
 * checked (msim_cf_elf_parse() does that).
 *
 * Return: 0, or -errno with @why: -ENOENT when the compiler or cfrt is
 * missing, -ENOEXEC when it fails (its first error in @why).
 */
MSIM_API int msim_cf_program_load(const char *path, const char *cfrt_dir,
				  void **buf, size_t *len, char *why,
				  size_t whylen);

#endif /* MMSIM_COLDFIRE_EXEC_H */
