// SPDX-License-Identifier: MIT
/*
 * exec of a static ColdFire program into a coldfire mm, in the steps of
 * load_elf_binary(): the segments (elf_load(): elf_map(), padzero(), the
 * bss by vm_brk_flags()), the program break, the stack (setup_arg_pages()
 * with the strings exec copied, then create_elf_tables()), the vDSO
 * (arch_setup_additional_pages()).  See <mmsim/coldfire/exec.h>.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <mmsim/mmsim.h>
#include <mmsim/coldfire/exec.h>
#include <mmsim/coldfire/vdso.h>

/* MAP_FIXED of the kernel's elf_map(), for the first segment too. */
#define STACK_TOP MSIM_CF_STACK_TOP
#define MAX_ARG_PAGES 32

/*
 * One mapping of the file: the file's pages from @pgoff on, as a
 * special mapping whose pages array is the image's, NULL-terminated at
 * the file's end (a fault past it is SIGBUS, as past a file's end).
 */
struct cf_map {
	struct vm_special_mapping spec;
};

struct msim_cf_image {
	struct msim_cf_elf elf;
	struct msim_machine *m;
	char *name;
	unsigned long nr_pages;
	struct page **file; /* nr_pages + 1, the last NULL */
	unsigned int nr_maps;
	struct cf_map map[MSIM_CF_MAX_SEGMENTS];
	uint32_t sp;
};

static int fail(char *why, size_t whylen, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *why, size_t whylen, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

void msim_cf_image_free(struct msim_cf_image *img)
{
	unsigned long i;

	if (!img)
		return;
	for (i = 0; img->file && i < img->nr_pages; i++)
		if (img->file[i])
			put_page(img->file[i]);
	free(img->file);
	free(img->name);
	msim_cf_elf_free(&img->elf);
	free(img);
}

const struct msim_cf_elf *msim_cf_image_elf(const struct msim_cf_image *img)
{
	return &img->elf;
}

uint32_t msim_cf_image_sp(const struct msim_cf_image *img)
{
	return img->sp;
}

/* The file into frames of the machine: the image's page cache. */
static int file_pages(struct msim_cf_image *img, const void *buf, size_t len,
		      unsigned long psize)
{
	unsigned long i;

	img->nr_pages = (len + psize - 1) / psize;
	img->file = calloc(img->nr_pages + 1, sizeof(*img->file));
	if (!img->file)
		return -ENOMEM;
	for (i = 0; i < img->nr_pages; i++) {
		size_t off = i * psize,
		       n = len - off < psize ? len - off : psize;

		img->file[i] = msim_alloc_page(img->m, MSIM_ALLOC_FRAME);
		if (!img->file[i])
			return -ENOMEM;
		memcpy(page_address(img->file[i]), (const char *)buf + off, n);
	}
	return 0;
}

static vm_flags_t prot_flags(unsigned int prot)
{
	return (prot & PROT_READ ? VM_READ : 0) |
	       (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0) | VM_MAYREAD | VM_MAYWRITE |
	       VM_MAYEXEC;
}

/*
 * elf_map(): the segment's file pages at its page-aligned address,
 * MAP_FIXED over whatever is there (a page it shares with the segment
 * before it).
 *
 * MODEL: cf-exec-special-file: a segment is a special mapping of the
 * image's pages named after the program, where Linux maps the file: its
 * maps line has no device, inode or file offset, it has VM_DONTEXPAND,
 * no commit charge, and a split (mprotect of part of it) never merges
 * back.  Its pages are shared read-only until written, then copied, as a
 * private file mapping's are.
 */
static int elf_map(struct mm_struct *mm, struct msim_cf_image *img,
		   const struct msim_cf_segment *s, unsigned long psize,
		   char *why, size_t whylen)
{
	unsigned long start = s->vaddr & ~(psize - 1);
	unsigned long end = (s->vaddr + s->filesz + psize - 1) & ~(psize - 1);
	struct cf_map *map = &img->map[img->nr_maps];
	struct vm_area_struct *vma;
	int ret;

	if (end == start)
		return 0;
	map->spec.name = img->name;
	map->spec.pages = &img->file[(s->offset & ~(psize - 1)) / psize];
	mmap_write_lock(mm);
	ret = do_munmap(mm, start, end - start);
	if (!ret) {
		vma = _install_special_mapping(mm, start, end - start,
					       prot_flags(s->prot), &map->spec);
		if (IS_ERR(vma))
			ret = (int)PTR_ERR(vma);
	}
	mmap_write_unlock(mm);
	if (ret)
		return fail(why, whylen, ret,
			    "cannot map the segment at %#x: %s", s->vaddr,
			    msim_errno_name(ret));
	img->nr_maps++;
	return 0;
}

/*
 * elf_load(): the file part, then the end of its last page zeroed (an
 * error only if the segment is writable, as in the kernel), then the rest
 * of p_memsz as anonymous memory, executable if the segment is.
 */
static int elf_load(struct mm_struct *mm, struct msim_cf_image *img,
		    const struct msim_cf_segment *s, unsigned long psize,
		    char *why, size_t whylen)
{
	static const unsigned char zero[0x2000];
	unsigned long zero_start = s->vaddr + s->filesz;
	unsigned long zero_end = (unsigned long)s->vaddr + s->memsz;
	unsigned long pad = zero_start & (psize - 1)
				    ? psize - (zero_start & (psize - 1))
				    : 0;
	long addr;
	int ret;

	ret = elf_map(mm, img, s, psize, why, whylen);
	if (ret)
		return ret;
	if (s->memsz <= s->filesz)
		return 0;
	if (s->filesz && pad && pad <= sizeof(zero) &&
	    msim_user_write(mm, zero_start, zero, pad) &&
	    (s->prot & PROT_WRITE))
		return fail(why, whylen, -EFAULT,
			    "cannot zero the end of the segment at %#x",
			    s->vaddr);
	if (!s->filesz)
		zero_start &= ~(psize - 1);
	zero_start = (zero_start + psize - 1) & ~(psize - 1);
	zero_end = (zero_end + psize - 1) & ~(psize - 1);
	if (zero_end <= zero_start)
		return 0;
	addr = msim_mmap(mm, zero_start, zero_end - zero_start,
			 PROT_READ | PROT_WRITE |
				 (s->prot & PROT_EXEC ? PROT_EXEC : 0),
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	if (addr < 0)
		return fail(why, whylen, (int)addr,
			    "cannot map the bss at %#lx: %s", zero_start,
			    msim_errno_name((int)addr));
	return 0;
}

/* The stack being built, top down, as exec's bprm->p. */
struct stack {
	struct mm_struct *mm;
	uint32_t p;
	int err;
};

static uint32_t push(struct stack *st, const void *bytes, size_t n)
{
	st->p -= (uint32_t)n;
	if (!st->err && msim_user_write(st->mm, st->p, bytes, n))
		st->err = -EFAULT;
	return st->p;
}

static void put_word(struct stack *st, uint32_t addr, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	if (!st->err && msim_user_write(st->mm, addr, b, 4))
		st->err = -EFAULT;
}

/* The bytes the strings and their pointers take, with the vector. */
static size_t args_size(const struct msim_cf_exec_args *a)
{
	size_t n = strlen(a->filename) + 1 + 4 + 16;
	int i;

	for (i = 0; i < a->argc; i++)
		n += strlen(a->argv[i]) + 1 + 4;
	for (i = 0; i < a->envc; i++)
		n += strlen(a->envp[i]) + 1 + 4;
	return n + 4 * 4 + 19 * 8 + 16;
}

/*
 * create_elf_tables(), after the strings exec copied: AT_RANDOM's bytes,
 * then argc, argv, envp and the auxiliary vector at a 16-byte aligned sp.
 *
 * MODEL: cf-exec-auxv: the process is root (AT_UID and the others 0), its
 * AT_RANDOM bytes are the same on every exec, and the vector has no
 * AT_RSEQ_* entries (no rseq); the rest is the kernel's, in its order.
 */
static uint32_t elf_tables(struct stack *st, const struct msim_cf_elf *elf,
			   const struct msim_cf_exec_args *a, uint32_t *argp,
			   uint32_t *envp, uint32_t execfn, uint32_t vdso)
{
	static const unsigned char rnd[16] = { 0x6d, 0x6d, 0x73, 0x69,
					       0x6d, 0x2d, 0x63, 0x66,
					       0x2d, 0x72, 0x61, 0x6e,
					       0x64, 0x6f, 0x6d, 0x00 };
	uint32_t auxv[40], u_rand, sp, items, i;
	unsigned int n = 0;

	u_rand = push(st, rnd, sizeof(rnd));
#define AUX(id, val)                                                           \
	do {                                                                   \
		auxv[n++] = (id);                                              \
		auxv[n++] = (val);                                             \
	} while (0)
	AUX(MSIM_AT_SYSINFO_EHDR, vdso);
	AUX(MSIM_AT_HWCAP, 0);
	AUX(MSIM_AT_PAGESZ, 0x2000);
	AUX(MSIM_AT_CLKTCK, 100);
	AUX(MSIM_AT_PHDR, elf->phdr);
	AUX(MSIM_AT_PHENT, 32);
	AUX(MSIM_AT_PHNUM, elf->phnum);
	AUX(MSIM_AT_BASE, 0);
	AUX(MSIM_AT_FLAGS, 0);
	AUX(MSIM_AT_ENTRY, elf->entry);
	AUX(MSIM_AT_UID, 0);
	AUX(MSIM_AT_EUID, 0);
	AUX(MSIM_AT_GID, 0);
	AUX(MSIM_AT_EGID, 0);
	AUX(MSIM_AT_SECURE, 0);
	AUX(MSIM_AT_RANDOM, u_rand);
	AUX(MSIM_AT_EXECFN, execfn);
	AUX(MSIM_AT_NULL, 0);
#undef AUX
	items = (uint32_t)(a->argc + 1) + (uint32_t)(a->envc + 1) + 1;
	sp = (st->p - n * 4 - items * 4) & ~15U;
	put_word(st, sp, (uint32_t)a->argc);
	for (i = 0; i < (uint32_t)a->argc; i++)
		put_word(st, sp + 4 + 4 * i, argp[i]);
	put_word(st, sp + 4 + 4 * (uint32_t)a->argc, 0);
	for (i = 0; i < (uint32_t)a->envc; i++)
		put_word(st, sp + 8 + 4 * ((uint32_t)a->argc + i), envp[i]);
	put_word(st, sp + 8 + 4 * (uint32_t)(a->argc + a->envc), 0);
	for (i = 0; i < n; i++)
		put_word(st, sp + 4 * items + 4 * i, auxv[i]);
	return sp;
}

/*
 * The stack: exec's first page under STACK_TOP grown to hold the
 * strings, then 128 KiB more (setup_arg_pages()'s stack_expand), then
 * the strings and the tables on it.
 *
 * MODEL: cf-exec-stack-fixed: the stack is an ordinary anonymous mapping
 * of that size, without VM_GROWSDOWN: an access below it is a SIGSEGV
 * where Linux would grow it down to RLIMIT_STACK.
 */
static int stack_setup(struct mm_struct *mm, struct msim_cf_image *img,
		       const struct msim_cf_exec_args *a, uint32_t vdso,
		       unsigned long psize, char *why, size_t whylen)
{
	size_t need = args_size(a);
	unsigned long used = (need + psize - 1) & ~(psize - 1), size;
	uint32_t *argp, *envp, execfn;
	struct stack st = { mm, STACK_TOP - 4, 0 };
	long addr;
	int i;

	if (used > MAX_ARG_PAGES * psize)
		return fail(why, whylen, -E2BIG,
			    "arguments and environment take %zu bytes, more "
			    "than %d pages",
			    need, MAX_ARG_PAGES);
	size = used + MSIM_CF_STACK_EXPAND;
	addr = msim_mmap(mm, STACK_TOP - size, size,
			 PROT_READ | PROT_WRITE |
				 (img->elf.exec_stack ? PROT_EXEC : 0),
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	if (addr < 0)
		return fail(why, whylen, (int)addr, "cannot map the stack: %s",
			    msim_errno_name((int)addr));
	argp = calloc((size_t)a->argc + 1, sizeof(*argp));
	envp = calloc((size_t)a->envc + 1, sizeof(*envp));
	if (!argp || !envp) {
		free(argp);
		free(envp);
		return fail(why, whylen, -ENOMEM, "out of memory");
	}
	put_word(&st, st.p, 0);
	execfn = push(&st, a->filename, strlen(a->filename) + 1);
	for (i = a->envc; i-- > 0;)
		envp[i] = push(&st, a->envp[i], strlen(a->envp[i]) + 1);
	for (i = a->argc; i-- > 0;)
		argp[i] = push(&st, a->argv[i], strlen(a->argv[i]) + 1);
	img->sp = elf_tables(&st, &img->elf, a, argp, envp, execfn, vdso);
	free(argp);
	free(envp);
	if (st.err)
		return fail(why, whylen, st.err,
			    "cannot write the stack's tables");
	mm->start_stack = img->sp;
	return 0;
}

static bool mm_empty(struct mm_struct *mm)
{
	bool empty;

	mmap_read_lock(mm);
	empty = !mm->mmap;
	mmap_read_unlock(mm);
	return empty;
}

struct msim_cf_image *msim_cf_exec(struct mm_struct *mm, const void *buf,
				   size_t len,
				   const struct msim_cf_exec_args *args,
				   char *why, size_t whylen)
{
	const char *argv0[1];
	struct msim_cf_exec_args a;
	struct linux_binprm bprm = { mm };
	struct msim_cf_image *img;
	unsigned long psize;
	unsigned int i;
	int ret;

	if (!mm || strcmp(mm->arch->name, "coldfire"))
		return ERR_PTR(fail(why, whylen, -EINVAL, "not a coldfire mm"));
	if (!mm_empty(mm))
		return ERR_PTR(fail(why, whylen, -EINVAL,
				    "the mm already has mappings"));
	img = calloc(1, sizeof(*img));
	if (!img)
		return ERR_PTR(fail(why, whylen, -ENOMEM, "out of memory"));
	img->m = mm->machine;
	ret = msim_cf_elf_parse(buf, len, &img->elf, why, whylen);
	if (ret)
		goto out;
	if (args) {
		a = *args;
	} else {
		memset(&a, 0, sizeof(a));
		a.filename = "a.out";
	}
	if (!a.filename)
		a.filename = "a.out";
	if (!args || !args->argv) {
		argv0[0] = a.filename;
		a.argv = argv0;
		a.argc = 1;
	}
	img->name = strdup(a.filename);
	psize = mm_page_size(mm);
	ret = img->name ? file_pages(img, buf, len, psize) : -ENOMEM;
	if (ret) {
		fail(why, whylen, ret, "out of memory");
		goto out;
	}
	for (i = 0; !ret && i < img->elf.nr_segments; i++)
		ret = elf_load(mm, img, &img->elf.segment[i], psize, why,
			       whylen);
	if (ret)
		goto out;
	mm->start_brk = mm->brk = img->elf.brk;
	ret = arch_setup_additional_pages(&bprm, 0);
	if (ret) {
		fail(why, whylen, ret, "cannot map the vDSO: %s",
		     msim_errno_name(ret));
		goto out;
	}
	ret = stack_setup(mm, img, &a, (uint32_t)mm->context.vdso, psize, why,
			  whylen);
out:
	if (ret) {
		/* Nothing may map the pages of an image that is gone. */
		if (img->nr_maps)
			msim_munmap(mm, 0, mm->task_size);
		msim_cf_image_free(img);
		return ERR_PTR(ret);
	}
	return img;
}
