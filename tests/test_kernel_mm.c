// SPDX-License-Identifier: MIT
/*
 * The mm API in the kernel's form: PAGE_SIZE and TASK_SIZE of the current
 * task's machine, the pte accessors and pfn_to_page() with and without
 * the model's arch or machine argument in one file, the page-table walk
 * with its folded levels (x86-64 has four, ColdFire two), kmap() and the
 * page copies, alloc_page(), the page lock, and copy_to_user() and its
 * friends through the current task's mm, faulting as the kernel does.
 */
#include "mmsim_kernel_test.h"

#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/memremap.h>
#include <linux/pagemap.h>
#include <linux/pgtable.h>
#include <linux/uaccess.h>

static struct mm_struct *cur_mm(void)
{
	return current->mm;
}

static void test_page_size_is_the_current_machines(void **state)
{
	struct tt *t = *state;

	assert_int_equal(PAGE_SIZE, t->page);
	assert_int_equal(1UL << PAGE_SHIFT, t->page);
	assert_int_equal(PAGE_MASK, ~(t->page - 1));
	assert_int_equal(PAGE_ALIGN(t->page + 1), 2 * t->page);
	assert_int_equal(offset_in_page(t->page + 5), 5);
	assert_int_equal(TASK_SIZE, cur_mm()->task_size);
	assert_ptr_equal(current, t->task[0]);
}

/* Both forms of the accessors, in one file, agree. */
static void test_pte_accessors_both_forms(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = cur_mm();
	const struct msim_arch *a = mm->arch;
	pte_t pte;

	tt_map(mm, BASE, t->page, PROT_RW);
	tt_touch(mm, BASE, 1, MSIM_ACCESS_WRITE);
	pte = mt_pte(mm, BASE);
	assert_true(pte_present(pte));
	assert_true(pte_present(a, pte));
	assert_true(pte_write(pte));
	assert_true(pte_dirty(pte) && pte_young(pte));
	assert_int_equal(pte_pfn(pte), pte_pfn(a, pte));
	assert_false(pte_write(pte_wrprotect(pte)));
	assert_false(pte_dirty(pte_mkclean(pte)));
	assert_false(pte_young(pte_mkold(pte)));
	assert_true(pte_write(pte_mkwrite(pte_wrprotect(pte), NULL)));
	assert_true(pte_same(pfn_pte(pte_pfn(pte), __pgprot(0)),
			     pfn_pte(a, pte_pfn(a, pte), __pgprot(0))));
	assert_ptr_equal(pte_page(pte), tt_page(mm, BASE));
	assert_ptr_equal(pfn_to_page(pte_pfn(pte)), tt_page(mm, BASE));
	assert_ptr_equal(pfn_to_page(t->m, pte_pfn(pte)), tt_page(mm, BASE));
	assert_int_equal(page_to_phys(pte_page(pte)), (phys_addr_t)pte_pfn(pte)
							      << PAGE_SHIFT);
	assert_true(pte_same(mk_pte(pte_page(pte), __pgprot(0)),
			     pfn_pte(pte_pfn(pte), __pgprot(0))));
	assert_ptr_equal(ZERO_PAGE(0), ZERO_PAGE(t->m));
	assert_true(is_zero_page(ZERO_PAGE(0)));
	assert_ptr_equal(virt_to_page(page_address(pte_page(pte))),
			 pte_page(pte));
	assert_true(is_zero_pfn(my_zero_pfn(BASE)));
}

/*
 * The walk from pgd_offset() down reaches the entry the model's own walk
 * does, whatever the levels, and reports absent tables as none.
 */
static void test_page_table_walk(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = cur_mm();
	unsigned long addrs[] = { BASE, BASE + 5 * t->page,
				  BASE + (1UL << 30) + t->page };
	struct vm_area_struct *vma;
	spinlock_t *ptl;
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
	pte_t *pte;
	unsigned int i;

	tt_map(mm, BASE, 6 * t->page, PROT_RW);
	tt_map(mm, BASE + (1UL << 30), 2 * t->page, PROT_RW);
	tt_touch(mm, BASE, 6 * t->page, MSIM_ACCESS_WRITE);
	tt_touch(mm, BASE + (1UL << 30), 2 * t->page, MSIM_ACCESS_READ);
	mmap_read_lock(mm);
	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		pgd = pgd_offset(mm, addrs[i]);
		assert_false(pgd_none(*pgd) || pgd_bad(*pgd));
		p4d = p4d_offset(pgd, addrs[i]);
		assert_false(p4d_none(*p4d) || p4d_bad(*p4d));
		pud = pud_offset(p4d, addrs[i]);
		assert_false(pud_none(*pud) || pud_bad(*pud));
		pmd = pmd_offset(pud, addrs[i]);
		assert_false(pmd_none(*pmd) || pmd_bad(*pmd));
		assert_false(pmd_leaf(*pmd) || pmd_trans_huge(*pmd));
		pte = pte_offset_map_lock(mm, pmd, addrs[i], &ptl);
		assert_non_null(pte);
		assert_ptr_equal(ptl, &mm->page_table_lock);
		assert_ptr_equal(pte, msim_pte_offset(mm, addrs[i]));
		assert_true(pte_present(ptep_get(pte)));
		vma = vma_lookup(mm, addrs[i]);
		assert_non_null(vma);
		/* A read of an untouched page maps the zero page. */
		if (i == 2)
			assert_null(vm_normal_page(vma, addrs[i], *pte));
		else
			assert_ptr_equal(vm_normal_page(vma, addrs[i], *pte),
					 pte_page(*pte));
		pte_unmap_unlock(pte, ptl);
	}
	/* Nothing mapped far away: the walk stops at a none entry. */
	pgd = pgd_offset(mm, BASE + (1UL << 35) % TASK_SIZE);
	p4d = p4d_offset(pgd, BASE + (1UL << 35) % TASK_SIZE);
	pud = pud_offset(p4d, BASE + (1UL << 35) % TASK_SIZE);
	if (pud && !pud_none(*pud)) {
		pmd = pmd_offset(pud, BASE + (1UL << 35) % TASK_SIZE);
		assert_true(
			!pmd || pmd_none(*pmd) ||
			!pte_offset_map(pmd, BASE + (1UL << 35) % TASK_SIZE) ||
			pte_none(*pte_offset_map(
				pmd, BASE + (1UL << 35) % TASK_SIZE)));
	}
	mmap_read_unlock(mm);
}

static void test_kmap_copies_and_alloc_page(void **state)
{
	struct tt *t = *state;
	long frames = msim_live(t->m, MSIM_ALLOC_FRAME);
	struct page *a = alloc_page(GFP_KERNEL), *b = alloc_page(GFP_HIGHUSER);
	char buf[8];

	assert_true(a && b);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), frames + 2);
	memcpy_to_page(a, 10, "kernel", 7);
	copy_highpage(b, a);
	memcpy_from_page(buf, b, 10, 7);
	assert_string_equal(buf, "kernel");
	clear_highpage(b);
	assert_int_equal(((char *)kmap_local_page(b))[10], 0);
	kunmap_local(b);
	assert_null(alloc_pages(GFP_KERNEL, 1));
	__free_page(a);
	__free_pages(b, 0);
	assert_int_equal(msim_live(t->m, MSIM_ALLOC_FRAME), frames);
	/* Frame allocation fails by injection, as any. */
	msim_fail_nth(t->m, 1U << MSIM_ALLOC_FRAME, 1);
	assert_null(alloc_page(GFP_KERNEL));
}

static void test_page_lock(void **state)
{
	struct page *page = alloc_page(GFP_KERNEL);

	(void)state;
	assert_true(trylock_page(page));
	assert_false(trylock_page(page));
	assert_true(PageLocked(page));
	unlock_page(page);
	lock_page(page);
	assert_true(folio_test_locked(page_folio(page)));
	folio_unlock(page_folio(page));
	assert_false(PageLocked(page));
	put_page(page);
}

/*
 * copy_to_user() and friends go through the current task's page tables:
 * an untouched page is faulted in, a shared page copied on write, and a
 * hole or a read-only page stops the copy, the bytes before it copied.
 */
static void test_uaccess_faults_as_the_kernel(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = cur_mm();
	char buf[64], back[64];
	unsigned long left;
	u64 word = 0;
	int value;

	tt_map(mm, BASE, 2 * t->page, PROT_RW);
	tt_map(mm, BASE + 3 * t->page, t->page, PROT_READ);
	assert_true(pte_none(mt_pte(mm, BASE)));
	memset(buf, 'u', sizeof(buf));
	assert_int_equal(copy_to_user((void __user *)BASE, buf, sizeof(buf)),
			 0);
	assert_true(pte_write(mt_pte(mm, BASE)));
	assert_int_equal(
		copy_from_user(back, (void __user *)BASE, sizeof(back)), 0);
	assert_memory_equal(buf, back, sizeof(buf));
	assert_int_equal(put_user(0x1234, (int __user *)(BASE + 8)), 0);
	assert_int_equal(get_user(value, (int __user *)(BASE + 8)), 0);
	assert_int_equal(value, 0x1234);
	assert_int_equal(
		get_user(word, (u64 __user *)u64_to_user_ptr(BASE + 16)), 0);
	assert_int_equal(word, 0x7575757575757575ULL);

	/* Across into the hole at the third page: the rest not copied. */
	left = copy_to_user((void __user *)(BASE + 2 * t->page - 10), buf, 30);
	assert_int_equal(left, 20);
	memset(back, 0x55, sizeof(back));
	left = copy_from_user(back, (void __user *)(BASE + 2 * t->page - 10),
			      30);
	assert_int_equal(left, 20);
	assert_int_equal(back[9], 'u');
	assert_int_equal(back[10], 0);
	/* A read-only VMA: reads work, writes fault. */
	assert_int_equal(get_user(value, (int __user *)(BASE + 3 * t->page)),
			 0);
	assert_int_equal(value, 0);
	assert_int_equal(put_user(1, (int __user *)(BASE + 3 * t->page)),
			 -EFAULT);
	assert_int_equal(clear_user((void __user *)BASE, 100), 0);
	assert_int_equal(get_user(value, (int __user *)(BASE + 8)), 0);
	assert_int_equal(value, 0);
	assert_false(access_ok((void __user *)(TASK_SIZE - 4), 8));
	assert_true(access_ok((void __user *)BASE, 8));
	tt_check(t->m);
}

/* After fork, a kernel write through the child's mm breaks COW there. */
static void test_uaccess_breaks_cow(void **state)
{
	struct tt *t = *state;
	struct mm_struct *mm = cur_mm();
	struct task_struct *child;
	int value = 1;

	tt_map(mm, BASE, t->page, PROT_RW);
	assert_int_equal(put_user(value, (int __user *)BASE), 0);
	child = tt_fork(t, t->task[0], 0);
	msim_set_current(child);
	assert_int_equal(put_user(2, (int __user *)BASE), 0);
	assert_int_equal(get_user(value, (int __user *)BASE), 0);
	assert_int_equal(value, 2);
	msim_set_current(t->task[0]);
	assert_int_equal(get_user(value, (int __user *)BASE), 0);
	assert_int_equal(value, 1);
	assert_int_not_equal(tt_pfn(mm, BASE), tt_pfn(child->mm, BASE));
	tt_check(t->m);
	/* No current task: nothing to access. */
	msim_set_current(NULL);
	assert_int_equal(copy_to_user((void __user *)BASE, &value, 4), 4);
	msim_set_current(t->task[0]);
}

/* request_free_mem_region(): pfns above RAM, for device memory. */
static void test_free_mem_region(void **state)
{
	struct tt *t = *state;
	struct resource *a, *b;

	a = request_free_mem_region(&iomem_resource, 16 * PAGE_SIZE, "a");
	b = request_free_mem_region(&iomem_resource, 4 * PAGE_SIZE, "b");
	assert_false(IS_ERR(a) || IS_ERR(b));
	assert_int_equal(resource_size(a), 16 * PAGE_SIZE);
	assert_true(PHYS_PFN(a->start) >= t->m->nr_frames);
	assert_true(b->start > a->end);
	assert_true(IS_ERR(request_free_mem_region(&iomem_resource, 5, "c")));
	release_mem_region(b->start, resource_size(b));
	release_mem_region(a->start, resource_size(a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		kt_test(test_page_size_is_the_current_machines),
		kt_test_coldfire(test_page_size_is_the_current_machines),
		kt_test(test_pte_accessors_both_forms),
		kt_test_coldfire(test_pte_accessors_both_forms),
		kt_test(test_page_table_walk),
		kt_test_coldfire(test_page_table_walk),
		kt_test(test_kmap_copies_and_alloc_page),
		kt_test(test_page_lock),
		kt_test(test_uaccess_faults_as_the_kernel),
		kt_test_coldfire(test_uaccess_faults_as_the_kernel),
		kt_test(test_uaccess_breaks_cow),
		kt_test(test_free_mem_region),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
