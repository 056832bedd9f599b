// SPDX-License-Identifier: MIT
/*
 * The [vdso] mapping of a coldfire mm: where it goes, what it maps, how
 * it is accounted, and what fork, exit and a COW after mprotect() do to
 * it; what goes wrong when the prelinked address is taken.
 */
#include <mmsim/coldfire.h>

#include "mmsim_task_test.h"

#define VDSO 0x5fffe000UL
#define TP_ADDR (VDSO + 0x1000)

static void setup_vdso(struct mm_struct *mm)
{
	struct linux_binprm bprm = { .mm = mm };

	assert_int_equal(arch_setup_additional_pages(&bprm, 0), 0);
}

static uint32_t read_be32(struct mm_struct *mm, unsigned long addr)
{
	unsigned char b[4];

	assert_int_equal(mt_read(mm, addr, b, 4), 0);
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/*
 * arch_setup_additional_pages() on @mm, with what it writes to stderr
 * caught: the library never prints, the caller reports.  Return: its
 * result; *@printed tells whether anything reached stderr.
 */
static int setup_vdso_quiet(struct mm_struct *mm, bool *printed)
{
	struct linux_binprm bprm = { .mm = mm };
	FILE *tmp = tmpfile();
	int saved, ret;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	ret = arch_setup_additional_pages(&bprm, 0);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	*printed = ftell(tmp) != 0 || lseek(fileno(tmp), 0, SEEK_END) != 0;
	fclose(tmp);
	return ret;
}

static const char *maps_line_at(struct mm_struct *mm, unsigned long addr,
				char *buf, size_t size)
{
	struct vm_area_struct *vma = mt_vma(mm, addr);

	assert_non_null(vma);
	msim_maps_line(vma, buf, size);
	return buf;
}

static void test_seed_image(void **state)
{
	const struct msim_vdso_image *img = msim_vdso_seed();
	const unsigned char *fixup;
	size_t len = 0;

	(void)state;
	assert_non_null(img);
	assert_int_equal(img->link_base, 0x5fffe000);
	assert_int_equal(img->sym_read_tp, 0x5fffe400);
	assert_int_equal(img->sym_atomic_cmpxchg_32, 0x5fffe40c);
	assert_int_equal(img->sym_atomic_barrier, 0x5fffe41c);
	/* KERNEL_VERSION(2, 6, 38), vdso/include/linux/version.h */
	assert_int_equal(img->kernel_version, 0x020626);
	assert_true(img->size > 0x400 && img->size <= 0x1000);
	/* The first instruction: lea kuser_vdso_tp (0x5ffff000),%a0. */
	assert_memory_equal((const unsigned char *)img->data + 0x400,
			    "\x41\xf9\x5f\xff\xf0\x00", 6);

	fixup = msim_vdso_seed_fixup(&len);
	assert_non_null(fixup);
	assert_true(len > 52);
	assert_memory_equal(fixup, "\177ELF\1\2\1", 7);
	assert_int_equal(fixup[16] << 8 | fixup[17], 1); /* ET_REL */
	assert_int_equal(fixup[18] << 8 | fixup[19], 4); /* EM_68K */
}

static void test_vdso_mapping(void **state)
{
	struct mt *t = *state;
	struct mm_struct *mm = t->mm;
	const struct msim_vdso_image *img = msim_vdso_seed();
	struct vm_area_struct *vma;
	unsigned char code[0x20];
	char line[160];
	struct page *page;

	setup_vdso(mm);
	check_all(mm);
	assert_int_equal(mm->context.vdso, VDSO);
	assert_false(msim_vdso_misplaced(mm));
	vma = assert_vma(mm, VDSO, VDSO + 0x2000, VM_READ | VM_EXEC);
	assert_int_equal(vma->vm_flags, VM_READ | VM_EXEC | VM_MAYREAD |
						VM_MAYWRITE | VM_MAYEXEC |
						VM_DONTEXPAND);
	assert_false(vma_is_anonymous(vma));
	assert_null(vma->anon_vma);
	assert_int_equal(mm->exec_vm, 1);
	assert_int_equal(mm->total_vm, 1);
	assert_string_equal(
		maps_line_at(mm, VDSO, line, sizeof(line)),
		"5fffe000-60000000 r-xp 00000000 00:00 0          [vdso]\n");
	/* No page until the first fault. */
	assert_true(pte_none(mt_pte(mm, VDSO)));

	msim_vdso_set_tp(t->m, 0x12345678);
	assert_int_equal(msim_vdso_get_tp(t->m), 0x12345678);
	assert_int_equal(read_be32(mm, TP_ADDR), 0x12345678);
	assert_int_equal(mt_read(mm, img->sym_read_tp, code, sizeof(code)), 0);
	assert_memory_equal(code, (const unsigned char *)img->data + 0x400,
			    sizeof(code));
	assert_int_equal(mt_touch(mm, VDSO, 1, MSIM_ACCESS_EXEC), 0);

	/* The machine's page itself, shared, accounted as a file page. */
	page = tt_page(mm, VDSO);
	assert_ptr_equal(page, vdso_init(t->m));
	assert_false(PageAnon(page));
	assert_int_equal(page_mapcount(page), 1);
	assert_int_equal(page_ref_count(page), 2);
	assert_int_equal(get_mm_counter(mm, MM_FILEPAGES), 1);
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), 0);
	assert_false(tt_pte_write(mm, VDSO));

	/* The kernel's next store shows through at once. */
	msim_vdso_set_tp(t->m, 0xcafef00d);
	assert_int_equal(read_be32(mm, TP_ADDR), 0xcafef00d);

	/* Writes are refused: the VMA has no VM_WRITE. */
	assert_int_equal(
		mt_access(mm, TP_ADDR, "x", 1, MSIM_ACCESS_WRITE, NULL),
		-EFAULT);
	assert_int_equal(msim_vdso_get_tp(t->m), 0xcafef00d);
}

static void test_vdso_smaps(void **state)
{
	struct mt *t = *state;
	char buf[4096];
	FILE *f;

	setup_vdso(t->mm);
	mt_touch(t->mm, VDSO, 1, MSIM_ACCESS_READ);
	f = fmemopen(buf, sizeof(buf), "w");
	assert_non_null(f);
	msim_show_smaps(t->mm, f);
	fclose(f);
	assert_string_equal(
		buf, "5fffe000-60000000 r-xp 00000000 00:00 0          [vdso]\n"
		     "Size:                  8 kB\n"
		     "KernelPageSize:        8 kB\n"
		     "MMUPageSize:           8 kB\n"
		     "Rss:                   8 kB\n"
		     "Anonymous:             0 kB\n"
		     "Swap:                  0 kB\n"
		     "VmFlags: rd ex mr mw me de \n");
}

static void test_vdso_other_arch(void **state)
{
	struct mt *t = *state;
	struct linux_binprm bprm = { .mm = t->mm };

	assert_int_equal(arch_setup_additional_pages(&bprm, 0), -EINVAL);
	assert_int_equal(arch_setup_additional_pages(NULL, 0), -EINVAL);
	assert_null(t->mm->mmap);
	assert_int_equal(t->mm->context.vdso, 0);
	check_all(t->mm);
}

/* Two mms share the one page; munmap drops a mapping, not the page. */
static void test_vdso_shared_page(void **state)
{
	struct mt *t = *state;
	struct mm_struct *other = mm_alloc(t->m);
	struct page *page;
	char line[160];

	assert_non_null(other);
	setup_vdso(t->mm);
	setup_vdso(other);
	mt_touch(t->mm, VDSO, 1, MSIM_ACCESS_READ);
	mt_touch(other, VDSO, 1, MSIM_ACCESS_READ);
	page = vdso_init(t->m);
	assert_int_equal(page_to_pfn(page), tt_pfn(other, VDSO));
	assert_int_equal(page_mapcount(page), 2);
	assert_int_equal(page_ref_count(page), 3);
	check_machine(t->m);

	assert_int_equal(mt_munmap(other, VDSO, 0x2000), 0);
	assert_int_equal(page_mapcount(page), 1);
	assert_int_equal(page_ref_count(page), 2);
	assert_int_equal(get_mm_counter(other, MM_FILEPAGES), 0);
	/* Mapped elsewhere, the name follows mm->context.vdso only. */
	mt_map_fixed(other, VDSO, 0x2000, PROT_READ);
	assert_string_equal(
		maps_line_at(other, VDSO, line, sizeof(line)),
		"5fffe000-60000000 r--p 00000000 00:00 0          [vdso]\n");
	mmput(other);
	check_machine(t->m);
}

/*
 * mprotect() may make it writable (VM_MAYWRITE); the first write copies
 * the page into an anonymous one, which from then on no longer sees the
 * kernel's thread pointer updates.
 */
static void test_vdso_cow(void **state)
{
	struct mt *t = *state;
	struct mm_struct *mm = t->mm;
	struct page *vdso_page, *page;
	char buf[4096];
	FILE *f;

	setup_vdso(mm);
	msim_vdso_set_tp(t->m, 0x1000);
	mt_touch(mm, VDSO, 1, MSIM_ACCESS_READ);
	vdso_page = vdso_init(t->m);
	assert_int_equal(mt_mprotect(mm, VDSO, 0x2000,
				     PROT_READ | PROT_WRITE | PROT_EXEC),
			 0);
	assert_int_equal(page_mapcount(vdso_page), 1);
	assert_false(tt_pte_write(mm, VDSO));
	assert_int_equal(mt_write(mm, VDSO + 0x1ff0, "abcd", 4), 0);

	page = tt_page(mm, VDSO);
	assert_ptr_not_equal(page, vdso_page);
	assert_true(PageAnon(page));
	assert_true(tt_pte_write(mm, VDSO));
	assert_int_equal(page_mapcount(vdso_page), 0);
	assert_int_equal(page_ref_count(vdso_page), 1);
	assert_int_equal(get_mm_counter(mm, MM_FILEPAGES), 0);
	assert_int_equal(get_mm_counter(mm, MM_ANONPAGES), 1);
	/* The copy has the code and the old thread pointer ... */
	assert_memory_equal((unsigned char *)page_address(page) + 0x400,
			    (unsigned char *)page_address(vdso_page) + 0x400,
			    0x20);
	assert_int_equal(read_be32(mm, TP_ADDR), 0x1000);
	/* ... and misses the kernel's next one. */
	msim_vdso_set_tp(t->m, 0x2000);
	assert_int_equal(read_be32(mm, TP_ADDR), 0x1000);
	/* The shared page was not written. */
	assert_memory_not_equal(
		(unsigned char *)page_address(vdso_page) + 0x1ff0, "abcd", 4);

	f = fmemopen(buf, sizeof(buf), "w");
	assert_non_null(f);
	msim_show_smaps(mm, f);
	fclose(f);
	assert_non_null(strstr(buf, "rwxp"));
	assert_non_null(strstr(buf, "[vdso]"));
	assert_non_null(strstr(buf, "Anonymous:             8 kB\n"));
}

/* A write to a never-faulted vDSO after mprotect: do_cow_fault(). */
static void test_vdso_cow_first_touch(void **state)
{
	struct mt *t = *state;
	struct mm_struct *mm = t->mm;

	setup_vdso(mm);
	msim_vdso_set_tp(t->m, 0x77);
	assert_int_equal(mt_mprotect(mm, VDSO, 0x2000, PROT_READ | PROT_WRITE),
			 0);
	assert_int_equal(mt_write(mm, VDSO + 0x1ff0, "x", 1), 0);
	assert_true(PageAnon(tt_page(mm, VDSO)));
	assert_int_equal(read_be32(mm, TP_ADDR), 0x77);
	assert_int_equal(get_mm_counter(mm, MM_FILEPAGES), 0);
	assert_int_equal(page_mapcount(vdso_init(t->m)), 0);
}

/*
 * Something already at 0x5fffe000: the page goes elsewhere, and the blob,
 * prelinked there, reads its thread pointer from the wrong place.
 */
static void test_vdso_misplaced(void **state)
{
	struct mt *t = *state;
	struct mm_struct *mm = t->mm;
	unsigned long at;
	char line[160];
	bool printed;

	mt_map_fixed(mm, VDSO, 0x2000, PROT_READ | PROT_WRITE);
	/* Misplaced is for the caller to report: msim_vdso_misplaced(). */
	assert_int_equal(setup_vdso_quiet(mm, &printed), 0);
	assert_false(printed);
	check_all(mm);
	at = mm->context.vdso;
	assert_int_equal(at, 0x60000000);
	assert_true(msim_vdso_misplaced(mm));
	assert_string_equal(
		maps_line_at(mm, at, line, sizeof(line)),
		"60000000-60002000 r-xp 00000000 00:00 0          [vdso]\n");
	assert_string_equal(maps_line_at(mm, VDSO, line, sizeof(line)),
			    "5fffe000-60000000 rw-p 00000000 00:00 0 \n");

	msim_vdso_set_tp(t->m, 0xdeadbeef);
	/* The page holds it at +0x1000 ... */
	assert_int_equal(read_be32(mm, at + 0x1000), 0xdeadbeef);
	/* ... but __kernel_read_tp's lea still names 0x5ffff000 ... */
	assert_int_equal(read_be32(mm, at + 0x402), 0x5ffff000);
	/* ... which is the program's own data, not the thread pointer. */
	assert_int_equal(read_be32(mm, 0x5ffff000), 0);
	/* And the prelinked entry points are not the vDSO's code. */
	assert_int_not_equal(read_be32(mm, msim_vdso_seed()->sym_read_tp),
			     0x41f95fff);
	assert_int_equal(read_be32(mm, at + 0x400), 0x41f95fff);
}

static void test_vdso_no_room(void **state)
{
	struct mt *t = *state;
	struct linux_binprm bprm = { .mm = t->mm };

	t->m->sysctl_max_map_count = 0;
	assert_int_equal(arch_setup_additional_pages(&bprm, 0), -ENOMEM);
	assert_int_equal(t->mm->context.vdso, 0);
	t->m->sysctl_max_map_count = 65530;
	check_all(t->mm);
}

static void test_vdso_alloc_failure(void **state)
{
	struct mt *t = *state;
	struct linux_binprm bprm = { .mm = t->mm };

	msim_fail_nth(t->m, 1U << MSIM_ALLOC_FRAME, 1);
	assert_int_equal(arch_setup_additional_pages(&bprm, 0), -ENOMEM);
	assert_null(t->mm->mmap);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_OTHER), 0);
	msim_fail_nth(t->m, 1U << MSIM_ALLOC_VMA, 1);
	assert_int_equal(arch_setup_additional_pages(&bprm, 0), -ENOMEM);
	assert_null(t->mm->mmap);
	msim_fail_nth(t->m, 0, 0);
	setup_vdso(t->mm);
	check_all(t->mm);
}

/*
 * Exec maps one vDSO into a new mm; asked again for an mm that has one
 * (itself, or a fork's copy, or a COW'd copy after mprotect()), it refuses
 * with -EEXIST and changes nothing.  Once the mapping is gone (munmap),
 * the mm has none, and it may map one again.
 */
static void test_vdso_twice(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child;
	struct linux_binprm bprm = { .mm = parent->mm };
	char before[1024], after[1024];

	setup_vdso(parent->mm);
	tt_maps(parent->mm, before, sizeof(before));
	assert_int_equal(arch_setup_additional_pages(&bprm, 0), -EEXIST);
	tt_maps(parent->mm, after, sizeof(after));
	assert_string_equal(after, before);
	assert_int_equal(parent->mm->context.vdso, VDSO);
	tt_check(t->m);

	child = tt_fork(t, parent, 0);
	bprm.mm = child->mm;
	assert_int_equal(arch_setup_additional_pages(&bprm, 0), -EEXIST);
	assert_int_equal(
		tt_mprotect(child->mm, VDSO, 0x2000, PROT_READ | PROT_WRITE),
		0);
	tt_write(child->mm, VDSO + 0x10, "z", 1);
	assert_int_equal(arch_setup_additional_pages(&bprm, 0), -EEXIST);
	assert_int_equal(child->mm->map_count, 1);

	assert_int_equal(msim_munmap(child->mm, VDSO, 0x2000), 0);
	assert_int_equal(arch_setup_additional_pages(&bprm, 0), 0);
	assert_int_equal(child->mm->context.vdso, VDSO);
	assert_int_equal(child->mm->map_count, 1);
	tt_check(t->m);
	tt_exit(t, child);
}

/*
 * fork copies the VMA without its PTEs (it has no anon_vma); the child
 * faults the same page in; exit drops the mappings, never the page.
 */
static void test_vdso_fork_exit(void **state)
{
	struct tt *t = *state;
	struct task_struct *parent = t->task[0], *child, *grandchild;
	struct page *page;
	char maps[1024];

	setup_vdso(parent->mm);
	tt_check(t->m);
	tt_touch(parent->mm, VDSO, 1, MSIM_ACCESS_READ);
	page = vdso_init(t->m);
	child = tt_fork(t, parent, 0);
	assert_int_equal(child->mm->context.vdso, VDSO);
	assert_true(pte_none(mt_pte(child->mm, VDSO)));
	assert_int_equal(page_mapcount(page), 1);
	tt_maps(child->mm, maps, sizeof(maps));
	assert_non_null(strstr(maps, "5fffe000-60000000 r-xp 00000000 00:00 0"
				     "          [vdso]\n"));
	tt_touch(child->mm, VDSO, 1, MSIM_ACCESS_EXEC);
	assert_int_equal(tt_pfn(child->mm, VDSO), page_to_pfn(page));
	assert_int_equal(page_mapcount(page), 2);
	assert_int_equal(get_mm_counter(child->mm, MM_FILEPAGES), 1);

	/* A COWed vDSO is anonymous memory like any other at fork. */
	assert_int_equal(
		tt_mprotect(child->mm, VDSO, 0x2000, PROT_READ | PROT_WRITE),
		0);
	tt_write(child->mm, VDSO + 0x1ff0, "z", 1);
	grandchild = tt_fork(t, child, 0);
	assert_int_equal(tt_pfn(grandchild->mm, VDSO), tt_pfn(child->mm, VDSO));
	assert_int_equal(get_mm_counter(grandchild->mm, MM_ANONPAGES), 1);
	assert_int_equal(page_mapcount(page), 1);

	tt_exit(t, grandchild);
	tt_exit(t, child);
	assert_int_equal(page_mapcount(page), 1);
	tt_exit(t, parent);
	assert_int_equal(page_mapcount(page), 0);
	assert_int_equal(page_ref_count(page), 1);
	assert_false(msim_test_page_flag(page, PG_free));
	/* The teardown finds only the machine's own page and descriptor. */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_image),
		mt_test_coldfire(test_vdso_mapping),
		mt_test_coldfire(test_vdso_smaps),
		mt_test(test_vdso_other_arch),
		mt_test_coldfire(test_vdso_shared_page),
		mt_test_coldfire(test_vdso_cow),
		mt_test_coldfire(test_vdso_cow_first_touch),
		mt_test_coldfire(test_vdso_misplaced),
		tt_test_coldfire(test_vdso_twice),
		mt_test_coldfire(test_vdso_no_room),
		mt_test_coldfire(test_vdso_alloc_failure),
		tt_test_coldfire(test_vdso_fork_exit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
