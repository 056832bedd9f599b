// SPDX-License-Identifier: MIT
/*
 * /proc/PID/maps and smaps, byte for byte as fs/proc/task_mmu.c prints
 * them: address widths, the permission letters, the trailing space of a
 * nameless line, the name column of a special mapping (which depends on
 * the user's pointer size), the smaps fields and the VmFlags mnemonics,
 * and Rss counting frames but not the zero page.
 */
#include <stdio.h>

#include "mmsim_test.h"

static const char *line_of(struct mt *t, unsigned long addr, char *buf,
			   size_t size)
{
	struct vm_area_struct *vma = mt_vma(t->mm, addr);
	int n;

	assert_non_null(vma);
	n = msim_maps_line(vma, buf, size);
	assert_int_equal(n, (int)strlen(buf));
	return buf;
}

/* Run @show on the mm into a string; the caller frees it. */
static char *capture(struct mm_struct *mm,
		     void (*show)(struct mm_struct *, FILE *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	show(mm, f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(text);
	return text;
}

static void test_anon_line_is_byte_exact_with_trailing_space(void **state)
{
	struct mt *t = *state;
	char buf[256];

	mt_map_fixed(t->mm, BASE, 3 * t->page, PROT_RW);
	assert_string_equal(line_of(t, BASE, buf, sizeof(buf)),
			    "10000000-10003000 rw-p 00000000 00:00 0 \n");
}

static void test_permission_letters(void **state)
{
	struct mt *t = *state;
	static const struct {
		unsigned long prot;
		const char *perms;
	} cases[] = {
		{ PROT_NONE, "---p" },
		{ PROT_READ, "r--p" },
		{ PROT_WRITE, "-w-p" },
		{ PROT_EXEC, "--xp" },
		{ PROT_READ | PROT_EXEC, "r-xp" },
		{ PROT_READ | PROT_WRITE | PROT_EXEC, "rwxp" },
	};
	char buf[256], want[64];
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long addr = BASE + 2 * i * t->page;

		mt_map_fixed(t->mm, addr, t->page, cases[i].prot);
		snprintf(want, sizeof(want),
			 "%08lx-%08lx %s 00000000 00:00 0 \n", addr,
			 addr + t->page, cases[i].perms);
		assert_string_equal(line_of(t, addr, buf, sizeof(buf)), want);
	}
}

/* Above 4 GiB the addresses simply get wider: 12 digits here. */
static void test_high_addresses_print_12_hex_digits(void **state)
{
	struct mt *t = *state;
	char buf[256];
	long addr;

	addr = mt_mmap(t->mm, 0, t->page, PROT_RW, ANON_PRIVATE);
	assert_int_equal(addr, X86_MMAP_BASE - t->page);
	assert_string_equal(
		line_of(t, (unsigned long)addr, buf, sizeof(buf)),
		"7ffff7ffe000-7ffff7fff000 rw-p 00000000 00:00 0 \n");
}

static const char *vdso_name(struct vm_area_struct *vma)
{
	(void)vma;
	return "[vdso]";
}

static const struct vm_operations_struct vdso_ops = { .name = vdso_name };

/*
 * The maps line of @addr as a special mapping would print it.  vm_ops is
 * set only for the formatting, under the write lock, and put back before
 * anything else (the checker included) looks at the VMA.
 */
static void named_line(struct mt *t, unsigned long addr, char *buf, size_t size)
{
	struct vm_area_struct *vma = mt_vma(t->mm, addr);
	const struct vm_operations_struct *saved;

	assert_non_null(vma);
	mmap_write_lock(t->mm);
	saved = vma->vm_ops;
	vma->vm_ops = &vdso_ops;
	msim_maps_line(vma, buf, size);
	vma->vm_ops = saved;
	mmap_write_unlock(t->mm);
	check_all(t->mm);
}

/* seq_setwidth(25 + 6 * sizeof(void *) - 1), pad, one space: column 73. */
static void test_named_vma_starts_name_at_column_73_on_x86_64(void **state)
{
	struct mt *t = *state;
	char buf[256], want[256];
	long addr;

	mt_map_fixed(t->mm, BASE, t->page, PROT_READ | PROT_EXEC);
	named_line(t, BASE, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%-72s [vdso]\n",
		 "10000000-10001000 r-xp 00000000 00:00 0 ");
	assert_string_equal(buf, want);
	assert_int_equal(strstr(buf, "[vdso]") - buf, 73);

	/* With 12-digit addresses the padding is shorter, same column. */
	addr = mt_mmap(t->mm, 0, t->page, PROT_READ | PROT_EXEC, ANON_PRIVATE);
	assert_true(addr > 0);
	named_line(t, (unsigned long)addr, buf, sizeof(buf));
	assert_string_equal(buf, "7ffff7ffe000-7ffff7fff000 r-xp 00000000 "
				 "00:00 0                          [vdso]\n");
	assert_int_equal(strstr(buf, "[vdso]") - buf, 73);
}

/* ColdFire user space has 4-byte pointers: 25 + 24 - 1, name at 49. */
static void test_named_vma_starts_name_at_column_49_on_coldfire(void **state)
{
	struct mt *t = *state;
	char buf[256];

	assert_int_equal(t->mm->arch->ptr_bytes, 4);
	mt_map_fixed(t->mm, 0x5fffe000UL, t->page, PROT_READ | PROT_EXEC);
	named_line(t, 0x5fffe000UL, buf, sizeof(buf));
	assert_string_equal(buf, "5fffe000-60000000 r-xp 00000000 00:00 0"
				 "          [vdso]\n");
	assert_int_equal(strstr(buf, "[vdso]") - buf, 49);
	/* Without a name: the trailing space, no padding. */
	assert_string_equal(line_of(t, 0x5fffe000UL, buf, sizeof(buf)),
			    "5fffe000-60000000 r-xp 00000000 00:00 0 \n");
}

static void test_line_truncates_like_snprintf(void **state)
{
	struct mt *t = *state;
	struct vm_area_struct *vma;
	char buf[11];

	mt_map_fixed(t->mm, BASE, t->page, PROT_RW);
	vma = mt_vma(t->mm, BASE);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(msim_maps_line(vma, buf, sizeof(buf)), 41);
	assert_string_equal(buf, "10000000-1");
}

static void test_show_maps_prints_every_vma_in_order(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	char *text;

	mt_map_fixed(t->mm, BASE + 4 * p, p, PROT_READ);
	mt_map_fixed(t->mm, BASE, 2 * p, PROT_RW);
	mt_map_fixed(t->mm, BASE + 2 * p, p, PROT_NONE);
	text = capture(t->mm, msim_show_maps);
	assert_string_equal(text, "10000000-10002000 rw-p 00000000 00:00 0 \n"
				  "10002000-10003000 ---p 00000000 00:00 0 \n"
				  "10004000-10005000 r--p 00000000 00:00 0 \n");
	free(text);
}

static void test_show_maps_of_empty_mm_prints_nothing(void **state)
{
	struct mt *t = *state;
	char *text = capture(t->mm, msim_show_maps);

	assert_string_equal(text, "");
	free(text);
}

/*
 * smaps: two pages written, one read (the zero page), one untouched:
 * Rss and Anonymous count the two frames only.
 */
static void test_smaps_fields_and_vmflags(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	char *text;

	mt_map_fixed(t->mm, BASE, 4 * p, PROT_RW);
	mt_touch(t->mm, BASE, 2 * p, MSIM_ACCESS_WRITE);
	mt_touch(t->mm, BASE + 2 * p, p, MSIM_ACCESS_READ);
	mt_map_fixed(t->mm, BASE + 8 * p, p, PROT_READ);
	text = capture(t->mm, msim_show_smaps);
	assert_string_equal(text, "10000000-10004000 rw-p 00000000 00:00 0 \n"
				  "Size:                 16 kB\n"
				  "KernelPageSize:        4 kB\n"
				  "MMUPageSize:           4 kB\n"
				  "Rss:                   8 kB\n"
				  "Anonymous:             8 kB\n"
				  "Swap:                  0 kB\n"
				  "VmFlags: rd wr mr mw me ac \n"
				  "10008000-10009000 r--p 00000000 00:00 0 \n"
				  "Size:                  4 kB\n"
				  "KernelPageSize:        4 kB\n"
				  "MMUPageSize:           4 kB\n"
				  "Rss:                   0 kB\n"
				  "Anonymous:             0 kB\n"
				  "Swap:                  0 kB\n"
				  "VmFlags: rd mr mw me \n");
	free(text);
}

static void test_smaps_on_coldfire_uses_8k_pages(void **state)
{
	struct mt *t = *state;
	char *text;

	mt_map_fixed(t->mm, CF_UNMAPPED_BASE, 3 * t->page, PROT_RW);
	mt_touch(t->mm, CF_UNMAPPED_BASE, 1, MSIM_ACCESS_WRITE);
	text = capture(t->mm, msim_show_smaps);
	assert_string_equal(text, "60000000-60006000 rw-p 00000000 00:00 0 \n"
				  "Size:                 24 kB\n"
				  "KernelPageSize:        8 kB\n"
				  "MMUPageSize:           8 kB\n"
				  "Rss:                   8 kB\n"
				  "Anonymous:             8 kB\n"
				  "Swap:                  0 kB\n"
				  "VmFlags: rd wr mr mw me ac \n");
	free(text);
}

static void test_vmflags_follow_advice_in_bit_order(void **state)
{
	struct mt *t = *state;
	char buf[128];

	mt_map(t->mm, BASE, t->page, PROT_RW,
	       ANON_PRIVATE | MAP_FIXED | MAP_NORESERVE);
	assert_int_equal(mt_madvise(t->mm, BASE, t->page, MADV_WIPEONFORK), 0);
	assert_int_equal(mt_madvise(t->mm, BASE, t->page, MADV_DONTFORK), 0);
	assert_int_equal(mt_madvise(t->mm, BASE, t->page, MADV_SEQUENTIAL), 0);
	assert_int_equal(mt_madvise(t->mm, BASE, t->page, MADV_DONTDUMP), 0);
	msim_vm_flags_string(mt_vma(t->mm, BASE)->vm_flags, buf, sizeof(buf));
	assert_string_equal(buf, "rd wr mr mw me sr dc nr wf dd ");
	assert_int_equal(mt_madvise(t->mm, BASE, t->page, MADV_RANDOM), 0);
	msim_vm_flags_string(mt_vma(t->mm, BASE)->vm_flags, buf, sizeof(buf));
	assert_string_equal(buf, "rd wr mr mw me rr dc nr wf dd ");
}

static void test_vmflags_string_table(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(msim_vm_flags_string(0, buf, sizeof(buf)), "");
	assert_string_equal(
		msim_vm_flags_string(VM_EXEC | VM_SHARED | VM_MAYSHARE |
					     VM_GROWSDOWN | VM_LOCKED |
					     VM_SOFTDIRTY,
				     buf, sizeof(buf)),
		"ex sh ms gd lo sd ");
	/* A bit without a mnemonic prints nothing. */
	assert_string_equal(
		msim_vm_flags_string(1UL << 9 | VM_READ, buf, sizeof(buf)),
		"rd ");
	/* A short buffer holds whole mnemonics only, NUL-terminated. */
	memset(buf, 'x', sizeof(buf));
	assert_string_equal(
		msim_vm_flags_string(VM_READ | VM_WRITE | VM_EXEC, buf, 8),
		"rd wr ");
}

/* Rss counts present normal pages: not the zero page, but PROT_NONE ones. */
static void test_vma_rss_counts_frames_not_the_zero_page(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	struct vm_area_struct *vma;

	mt_map_fixed(t->mm, BASE, 4 * p, PROT_RW);
	vma = mt_vma(t->mm, BASE);
	assert_int_equal(msim_vma_rss(vma), 0);
	mt_touch(t->mm, BASE + 2 * p, 2 * p, MSIM_ACCESS_READ);
	assert_int_equal(msim_vma_rss(vma), 0);
	mt_touch(t->mm, BASE, 2 * p, MSIM_ACCESS_WRITE);
	assert_int_equal(msim_vma_rss(vma), 2);
	mt_touch(t->mm, BASE + 3 * p, 1, MSIM_ACCESS_WRITE);
	assert_int_equal(msim_vma_rss(vma), 3);
	assert_int_equal(mt_rss(t->mm), 3);

	assert_int_equal(mt_madvise(t->mm, BASE, p, MADV_DONTNEED), 0);
	assert_int_equal(msim_vma_rss(mt_vma(t->mm, BASE)), 2);
	assert_int_equal(mt_mprotect(t->mm, BASE, 4 * p, PROT_NONE), 0);
	assert_int_equal(msim_vma_rss(mt_vma(t->mm, BASE)), 2);

	/* Per VMA: a split shares the count out. */
	assert_int_equal(mt_mprotect(t->mm, BASE + 3 * p, p, PROT_READ), 0);
	assert_int_equal(msim_vma_rss(mt_vma(t->mm, BASE)), 1);
	assert_int_equal(msim_vma_rss(mt_vma(t->mm, BASE + 3 * p)), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mt_test(test_anon_line_is_byte_exact_with_trailing_space),
		mt_test(test_permission_letters),
		mt_test(test_high_addresses_print_12_hex_digits),
		mt_test(test_named_vma_starts_name_at_column_73_on_x86_64),
		mt_test_coldfire(
			test_named_vma_starts_name_at_column_49_on_coldfire),
		mt_test(test_line_truncates_like_snprintf),
		mt_test(test_show_maps_prints_every_vma_in_order),
		mt_test(test_show_maps_of_empty_mm_prints_nothing),
		mt_test(test_smaps_fields_and_vmflags),
		mt_test_coldfire(test_smaps_on_coldfire_uses_8k_pages),
		mt_test(test_vmflags_follow_advice_in_bit_order),
		mt_test(test_vmflags_string_table),
		mt_test(test_vma_rss_counts_frames_not_the_zero_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
