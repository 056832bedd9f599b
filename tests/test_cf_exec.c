// SPDX-License-Identifier: MIT
/*
 * exec of a static ColdFire program (<mmsim/coldfire/exec.h>): the maps
 * Linux would show, the stack exec builds (argc, argv, envp, the
 * auxiliary vector and what it points at), the segments' bytes, the bss
 * and the zeroed end of the last file page, the file's pages shared until
 * written, fork; and files it refuses, each with its reason.
 *
 * The program is tests/cfprog/exec-hello.elf (tests/cfprog/build.sh):
 * text and rodata at 0x80000000 (0x4b5 bytes), .tdata and .data at
 * 0x80003ffc (8 bytes from file offset 0x1ffc), a bss up to 0x80008e3c.
 */
#include "mmsim_task_test.h"

#include <mmsim/coldfire.h>

#define TEXT 0x80000000UL
#define DATA 0x80003ffcUL

struct et {
	struct tt *tt;
	struct mm_struct *mm;
	struct msim_cf_image *img;
	void *file;
	size_t len;
	char why[256];
};

static void *prog_file(const char *name, size_t *len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "tests/cfprog/%s", name);
	return mt_source_file(rel, len);
}

static int et_setup(void **state)
{
	struct et *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->tt = tt_create(&msim_arch_coldfire, MT_DEFAULT_RAM);
	e->mm = e->tt->task[0]->mm;
	e->file = prog_file("exec-hello.elf", &e->len);
	*state = e;
	return 0;
}

static int et_teardown(void **state)
{
	struct et *e = *state;
	int i;

	/* The mms first: the image must outlive whatever maps its pages. */
	for (i = TT_MAX_TASKS - 1; i >= 0; i--)
		if (e->tt->task[i])
			tt_exit(e->tt, e->tt->task[i]);
	msim_cf_image_free(e->img);
	tt_destroy(e->tt);
	free(e->file);
	free(e);
	return 0;
}

#define et_test(f) cmocka_unit_test_setup_teardown(f, et_setup, et_teardown)

static const char *const argv[] = { "/bin/hello", "one", "two" };
static const char *const envp[] = { "HOME=/root", "TERM=dumb" };

static void exec(struct et *e)
{
	struct msim_cf_exec_args a = { "/usr/bin/hello", 3, argv, 2, envp };

	e->img = msim_cf_exec(e->mm, e->file, e->len, &a, e->why,
			      sizeof(e->why));
	if (IS_ERR(e->img)) {
		fail_msg("exec: %s: %s", msim_errno_name(PTR_ERR(e->img)),
			 e->why);
	}
	tt_check(e->tt->m);
}

static uint32_t word(struct mm_struct *mm, uint32_t addr)
{
	unsigned char b[4];

	assert_int_equal(msim_user_read(mm, addr, b, 4), 0);
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static void string_at(struct mm_struct *mm, uint32_t addr, const char *want)
{
	char buf[64];

	assert_int_equal(msim_user_read(mm, addr, buf, strlen(want) + 1), 0);
	assert_string_equal(buf, want);
}

/*
 * What /proc/PID/maps shows after exec, as on Linux for ColdFire: the
 * text, the data segment's two file pages (the second holds the start of
 * the bss, zeroed), the rest of the bss anonymous, the vDSO below
 * TASK_UNMAPPED_BASE, and the stack: one page for the arguments and
 * 128 KiB under 0xc0000000.
 */
static void test_maps(void **state)
{
	struct et *e = *state;
	char maps[2048];

	exec(e);
	tt_maps(e->mm, maps, sizeof(maps));
	assert_string_equal(maps,
			    "5fffe000-60000000 r-xp 00000000 00:00 0          "
			    "[vdso]\n"
			    "80000000-80002000 r-xp 00000000 00:00 0          "
			    "/usr/bin/hello\n"
			    "80002000-80006000 rw-p 00000000 00:00 0          "
			    "/usr/bin/hello\n"
			    "80006000-8000a000 rw-p 00000000 00:00 0 \n"
			    "bffde000-c0000000 rw-p 00000000 00:00 0          "
			    "[stack]\n");
	assert_int_equal(e->mm->start_brk, 0x8000a000);
	assert_int_equal(e->mm->brk, 0x8000a000);
	assert_int_equal(msim_cf_image_elf(e->img)->brk, 0x8000a000);
}

/* argc, argv, envp, the vector, and the strings they point at. */
static void test_stack(void **state)
{
	static const uint32_t want[][2] = {
		{ MSIM_AT_SYSINFO_EHDR, 0x5fffe000 },
		{ MSIM_AT_HWCAP, 0 },
		{ MSIM_AT_PAGESZ, 8192 },
		{ MSIM_AT_CLKTCK, 100 },
		{ MSIM_AT_PHDR, 0x80000034 },
		{ MSIM_AT_PHENT, 32 },
		{ MSIM_AT_PHNUM, 5 },
		{ MSIM_AT_BASE, 0 },
		{ MSIM_AT_FLAGS, 0 },
		{ MSIM_AT_ENTRY, 0 }, /* e_entry, checked below */
		{ MSIM_AT_UID, 0 },
		{ MSIM_AT_EUID, 0 },
		{ MSIM_AT_GID, 0 },
		{ MSIM_AT_EGID, 0 },
		{ MSIM_AT_SECURE, 0 },
		{ MSIM_AT_RANDOM, 0 },
		{ MSIM_AT_EXECFN, 0 },
		{ MSIM_AT_NULL, 0 },
	};
	struct et *e = *state;
	const struct msim_cf_elf *elf;
	uint32_t sp, p, a, i;
	unsigned char ph[32 * 5];

	exec(e);
	elf = msim_cf_image_elf(e->img);
	sp = msim_cf_image_sp(e->img);
	assert_int_equal(sp, e->mm->start_stack);
	assert_int_equal(sp & 15, 0);
	assert_true(sp > 0xbfffe000 && sp < 0xc0000000);
	assert_int_equal(word(e->mm, sp), 3);
	string_at(e->mm, word(e->mm, sp + 4), "/bin/hello");
	string_at(e->mm, word(e->mm, sp + 8), "one");
	string_at(e->mm, word(e->mm, sp + 12), "two");
	assert_int_equal(word(e->mm, sp + 16), 0);
	string_at(e->mm, word(e->mm, sp + 20), "HOME=/root");
	string_at(e->mm, word(e->mm, sp + 24), "TERM=dumb");
	assert_int_equal(word(e->mm, sp + 28), 0);
	/* The strings in order above the tables, the file name last. */
	assert_true(word(e->mm, sp + 8) > word(e->mm, sp + 4));
	assert_true(word(e->mm, sp + 20) > word(e->mm, sp + 12));
	p = sp + 32;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++, p += 8) {
		a = word(e->mm, p + 4);
		assert_int_equal(word(e->mm, p), want[i][0]);
		switch (want[i][0]) {
		case MSIM_AT_ENTRY:
			assert_int_equal(a, elf->entry);
			break;
		case MSIM_AT_RANDOM:
			assert_true(a > p && a < 0xc0000000);
			break;
		case MSIM_AT_EXECFN:
			string_at(e->mm, a, "/usr/bin/hello");
			/* The file name at the top, under a NULL word. */
			assert_int_equal(a + sizeof("/usr/bin/hello"),
					 0xbffffffc);
			break;
		default:
			assert_int_equal(a, want[i][1]);
		}
	}
	assert_int_equal(word(e->mm, 0xbffffffc), 0);
	/* AT_PHDR points at the program headers, as they are in the file. */
	assert_int_equal(msim_user_read(e->mm, 0x80000034, ph, sizeof(ph)), 0);
	assert_memory_equal(ph, (char *)e->file + 0x34, sizeof(ph));
}

/*
 * The segments' bytes are the file's; past p_filesz the last file page
 * is zeroed (padzero()) and the bss is zero; the text page is the
 * image's own page, shared; the data page written is a copy.
 */
static void test_memory(void **state)
{
	struct et *e = *state;
	unsigned char buf[0x2000], zero[0x2000] = { 0 };
	struct page *text;

	exec(e);
	assert_int_equal(msim_user_read(e->mm, TEXT, buf, 0x4b5), 0);
	assert_memory_equal(buf, e->file, 0x4b5);
	assert_int_equal(msim_user_read(e->mm, DATA, buf, 8), 0);
	assert_memory_equal(buf, (char *)e->file + 0x1ffc, 8);
	/* .tdata's 7, .data's 5 */
	assert_int_equal(word(e->mm, DATA), 7);
	assert_int_equal(word(e->mm, DATA + 4), 5);
	/* The file has bytes there; the program must see zeroes. */
	assert_true(e->len > 0x2004);
	assert_int_equal(msim_user_read(e->mm, 0x80004004, buf, 0x1ffc), 0);
	assert_memory_equal(buf, zero, 0x1ffc);
	assert_int_equal(msim_user_read(e->mm, 0x80006000, buf, 0x2000), 0);
	assert_memory_equal(buf, zero, 0x2000);
	/* Text: the file's page itself, not copied; read-only. */
	text = tt_page(e->mm, TEXT);
	assert_false(PageAnon(text));
	assert_false(tt_pte_write(e->mm, TEXT));
	assert_int_not_equal(msim_user_write(e->mm, TEXT, "x", 1), 0);
	/* Data: the page of the zeroed end is a private copy. */
	assert_false(PageAnon(tt_page(e->mm, DATA)));
	assert_true(PageAnon(tt_page(e->mm, 0x80004000)));
	tt_check(e->tt->m);
}

/* fork copies what exec built; the child's writes are its own. */
static void test_fork(void **state)
{
	struct et *e = *state;
	struct task_struct *child;
	char a[2048], b[2048];

	exec(e);
	child = tt_fork(e->tt, e->tt->task[0], 0);
	tt_maps(e->mm, a, sizeof(a));
	tt_maps(child->mm, b, sizeof(b));
	assert_string_equal(a, b);
	assert_int_equal(child->mm->start_stack, e->mm->start_stack);
	assert_int_equal(child->mm->brk, e->mm->brk);
	assert_int_equal(word(child->mm, DATA + 4), 5);
	tt_write(child->mm, DATA + 4, "\0\0\0\x09", 4);
	assert_int_equal(word(child->mm, DATA + 4), 9);
	assert_int_equal(word(e->mm, DATA + 4), 5);
	assert_int_equal(tt_pfn(child->mm, TEXT), tt_pfn(e->mm, TEXT));
	tt_check(e->tt->m);
}

/*
 * The program break: what brk() adds merges with the bss, and the VMA
 * that holds them is [heap]; a split of a segment (mprotect of one of
 * its pages) still maps the file's pages beyond the split.
 */
static void test_heap_and_split(void **state)
{
	struct et *e = *state;
	char maps[2048];
	unsigned char buf[16];

	exec(e);
	assert_int_equal(msim_mmap(e->mm, 0x8000a000, 0x4000,
				   PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED),
			 0x8000a000);
	e->mm->brk = 0x8000c010;
	tt_mprotect(e->mm, TEXT, 0x2000, PROT_READ);
	tt_maps(e->mm, maps, sizeof(maps));
	assert_non_null(strstr(maps, "80006000-8000e000 rw-p 00000000 00:00 0  "
				     "        [heap]\n"));
	/* The data segment's second page, past the split of its VMA. */
	tt_mprotect(e->mm, 0x80002000, 0x2000, PROT_READ);
	assert_int_equal(msim_user_read(e->mm, 0x80004000, buf, 4), 0);
	assert_memory_equal(buf, (char *)e->file + 0x2000, 4);
	tt_check(e->tt->m);
}

/* A copy of the program with @n bytes at @off replaced by @bytes. */
static void *patched(struct et *e, size_t off, const void *bytes, size_t n)
{
	unsigned char *p = malloc(e->len);

	assert_non_null(p);
	memcpy(p, e->file, e->len);
	memcpy(p + off, bytes, n);
	return p;
}

static void expect_refused(struct et *e, const void *buf, size_t len,
			   const char *why)
{
	struct msim_cf_image *img;
	char maps[256];

	img = msim_cf_exec(e->mm, buf, len, NULL, e->why, sizeof(e->why));
	if (!IS_ERR(img)) {
		msim_cf_image_free(img);
		fail_msg("accepted, expected \"%s\"", why);
	}
	assert_int_equal(PTR_ERR(img), -ENOEXEC);
	if (!strstr(e->why, why))
		fail_msg("\"%s\", expected \"%s\"", e->why, why);
	tt_maps(e->mm, maps, sizeof(maps));
	assert_string_equal(maps, "");
}

static void expect_patch_refused(struct et *e, size_t off, const void *bytes,
				 size_t n, const char *why)
{
	void *p = patched(e, off, bytes, n);

	expect_refused(e, p, e->len, why);
	free(p);
}

#define BE16(v) ((v) >> 8) & 0xff, (v)&0xff
#define BE32(v) ((v) >> 24) & 0xff, ((v) >> 16) & 0xff, BE16(v)

/* The second program header (the data segment) is at 0x34 + 32. */
#define PH2 (0x34 + 32)

static void test_bad_files(void **state)
{
	static const unsigned char interp[] = { BE32(3) };
	static const unsigned char dyn[] = { BE32(2) };
	struct et *e = *state;
	unsigned char b;

	expect_refused(e, "hello", 5, "not an ELF file");
	expect_refused(e, e->file, 40,
		       "truncated: 40 bytes, less than an ELF header");
	expect_refused(e, e->file, 0x1000,
		       "truncated: segment 1's bytes end past the file's "
		       "4096 bytes");
	b = 2;
	expect_patch_refused(e, 4, &b, 1, "not a 32-bit ELF file (class 2)");
	b = 1;
	expect_patch_refused(e, 5, &b, 1, "not big-endian (data 1)");
	expect_patch_refused(e, 18, (unsigned char[]){ BE16(62) }, 2,
			     "not an m68k program: e_machine 62 (x86-64)");
	expect_patch_refused(e, 16, (unsigned char[]){ BE16(3) }, 2,
			     "position-independent program or shared object "
			     "(ET_DYN)");
	expect_patch_refused(e, 16, (unsigned char[]){ BE16(1) }, 2,
			     "not an executable: e_type 1");
	expect_patch_refused(e, 42, (unsigned char[]){ BE16(33) }, 2,
			     "program header size 33, not 32");
	expect_patch_refused(e, 44, (unsigned char[]){ BE16(0) }, 2,
			     "0 program headers");
	expect_patch_refused(e, 28, (unsigned char[]){ BE32(0x10000) }, 4,
			     "truncated: the program headers end past");
	/* Segment 1: p_filesz above p_memsz. */
	expect_patch_refused(e, PH2 + 16, (unsigned char[]){ BE32(0x10000) }, 4,
			     "segment 1: p_filesz 0x10000 above p_memsz");
	expect_patch_refused(e, PH2 + 4, (unsigned char[]){ BE32(0x1ff0) }, 4,
			     "segment 1: file offset 0x1ff0 and address "
			     "0x80003ffc differ modulo the 8 KiB page");
	expect_patch_refused(e, PH2 + 8, (unsigned char[]){ BE32(0xbffffffc) },
			     4,
			     "segment 1 at 0xbffffffc-0xc0004e3c ends past "
			     "user space");
	expect_patch_refused(e, PH2 + 8, (unsigned char[]){ BE32(0x00001ffc) },
			     4, "segment 1 at 0x1ffc is below mmap_min_addr");
	/* The text's p_memsz made to reach into the data. */
	expect_patch_refused(e, 0x34 + 20, (unsigned char[]){ BE32(0x5000) }, 4,
			     "segments at 0x80000000 and 0x80003ffc "
			     "overlap");
	expect_patch_refused(e, PH2 + 8, (unsigned char[]){ BE32(0x5fffdffc) },
			     4, "overlaps the vDSO at 0x5fffe000");
	expect_patch_refused(e, PH2 + 8, (unsigned char[]){ BE32(0xbffc1ffc) },
			     4, "overlaps the stack");
	expect_patch_refused(e, PH2, interp, 4,
			     "dynamically linked (interpreter ");
	expect_patch_refused(e, PH2, dyn, 4, "dynamically linked (PT_DYNAMIC)");
	/* The data segment made PT_NULL: the entry is still fine... */
	/* ...but an entry point in the data is not. */
	expect_patch_refused(e, 24, (unsigned char[]){ BE32(0x80004000) }, 4,
			     "entry point 0x80004000 is not in an executable "
			     "segment");
	/* Both loads made PT_NULL. */
	{
		unsigned char *p = patched(e, 0x34, "\0\0\0\0", 4);

		memset(p + PH2, 0, 4);
		expect_refused(e, p, e->len, "no loadable segment");
		free(p);
	}
	tt_check(e->tt->m);
}

/* Not a coldfire mm, or one that already has mappings: -EINVAL. */
static void test_bad_mm(void **state)
{
	struct et *e = *state;
	struct msim_cf_image *img;

	tt_map(e->mm, 0x10000000, 0x2000, PROT_READ);
	img = msim_cf_exec(e->mm, e->file, e->len, NULL, e->why,
			   sizeof(e->why));
	assert_int_equal(PTR_ERR(img), -EINVAL);
	assert_string_equal(e->why, "the mm already has mappings");
}

/* Without arguments: argv is the file name alone. */
static void test_no_args(void **state)
{
	struct et *e = *state;
	uint32_t sp;

	e->img = msim_cf_exec(e->mm, e->file, e->len, NULL, e->why,
			      sizeof(e->why));
	assert_false(IS_ERR(e->img));
	sp = msim_cf_image_sp(e->img);
	assert_int_equal(word(e->mm, sp), 1);
	string_at(e->mm, word(e->mm, sp + 4), "a.out");
	assert_int_equal(word(e->mm, sp + 8), 0);
	assert_int_equal(word(e->mm, sp + 12), 0);
	assert_non_null(msim_cf_elf_symbol(msim_cf_image_elf(e->img), "main"));
	assert_null(msim_cf_elf_symbol(msim_cf_image_elf(e->img), "nothing"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		et_test(test_maps),	      et_test(test_stack),
		et_test(test_memory),	      et_test(test_fork),
		et_test(test_heap_and_split), et_test(test_bad_files),
		et_test(test_bad_mm),	      et_test(test_no_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
