// SPDX-License-Identifier: MIT
/*
 * The VMA tree as an index: the lookups (find_vma, vma_lookup,
 * find_vma_intersection, find_vma_prev) against a brute-force search of
 * the known layout, the gap search vm_unmapped_area() against a
 * brute-force scan of the free ranges over random layouts, and where
 * get_unmapped_area() puts a mapping: the hint, the x86_64 top-down
 * layout below mmap_base with THP alignment, the ColdFire bottom-up one.
 */
#include "mmsim_test.h"

struct ref_range {
	unsigned long start, end;
};

/* Reference lookups over a sorted array of disjoint ranges. */
static const struct ref_range *ref_find(const struct ref_range *r, int n,
					unsigned long addr)
{
	int i;

	for (i = 0; i < n; i++)
		if (r[i].end > addr)
			return &r[i];
	return NULL;
}

static const struct ref_range *ref_prev(const struct ref_range *r, int n,
					const struct ref_range *found)
{
	if (!n)
		return NULL;
	if (!found)
		return &r[n - 1];
	return found == r ? NULL : found - 1;
}

static void assert_same(const struct vm_area_struct *vma,
			const struct ref_range *want, const char *what,
			unsigned long addr)
{
	if (!want && !vma)
		return;
	if (!want)
		fail_msg("%s(%#lx): VMA %#lx-%#lx, want none", what, addr,
			 vma->vm_start, vma->vm_end);
	if (!vma)
		fail_msg("%s(%#lx): none, want %#lx-%#lx", what, addr,
			 want->start, want->end);
	if (vma->vm_start != want->start || vma->vm_end != want->end)
		fail_msg("%s(%#lx): VMA %#lx-%#lx, want %#lx-%#lx", what, addr,
			 vma->vm_start, vma->vm_end, want->start, want->end);
}

/* Every lookup at @addr, and the intersections of [@addr, @addr + len). */
static void check_lookups_at(struct mm_struct *mm, const struct ref_range *r,
			     int n, unsigned long addr)
{
	static const unsigned long lens[] = { 1, 0x1000, 0x3000, 0x10000 };
	const struct ref_range *want = ref_find(r, n, addr);
	struct vm_area_struct *vma, *prev = (void *)1;
	unsigned int i;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	mmap_read_unlock(mm);
	assert_same(vma, want, "find_vma", addr);

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	mmap_read_unlock(mm);
	assert_same(vma, want && want->start <= addr ? want : NULL,
		    "vma_lookup", addr);

	mmap_read_lock(mm);
	vma = find_vma_prev(mm, addr, &prev);
	mmap_read_unlock(mm);
	assert_same(vma, want, "find_vma_prev", addr);
	assert_same(prev, ref_prev(r, n, want), "find_vma_prev pprev", addr);

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		unsigned long end = addr + lens[i];

		mmap_read_lock(mm);
		vma = find_vma_intersection(mm, addr, end);
		mmap_read_unlock(mm);
		assert_same(vma, want && want->start < end ? want : NULL,
			    "find_vma_intersection", addr);
	}
}

static void test_lookups_on_empty_mm_find_nothing(void **state)
{
	struct mt *t = *state;
	struct vm_area_struct *prev = (void *)1;

	check_lookups_at(t->mm, NULL, 0, 0);
	check_lookups_at(t->mm, NULL, 0, BASE);
	mmap_read_lock(t->mm);
	assert_null(find_vma_prev(t->mm, BASE, &prev));
	mmap_read_unlock(t->mm);
	assert_null(prev);
}

/*
 * A layout with gaps and with touching VMAs, whose protections alternate
 * so that none merge; every lookup at every half page over it and beyond.
 */
static void test_lookups_match_reference_on_fixed_layout(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;
	static const struct {
		unsigned long first, last; /* pages from BASE */
		unsigned long prot;
	} layout[] = {
		{ 0, 2, PROT_READ },   { 2, 5, PROT_RW },
		{ 8, 9, PROT_READ },   { 10, 14, PROT_RW },
		{ 14, 15, PROT_READ }, { 15, 16, PROT_RW },
		{ 20, 21, PROT_NONE },
	};
	enum { N = sizeof(layout) / sizeof(layout[0]) };
	struct ref_range r[N];
	unsigned long addr;
	int i;

	for (i = 0; i < N; i++) {
		r[i].start = BASE + layout[i].first * p;
		r[i].end = BASE + layout[i].last * p;
		mt_map_fixed(t->mm, r[i].start, r[i].end - r[i].start,
			     layout[i].prot);
	}
	assert_int_equal(t->mm->map_count, N);

	for (addr = BASE - 3 * p; addr < BASE + 24 * p; addr += p / 2) {
		check_lookups_at(t->mm, r, N, addr);
		check_lookups_at(t->mm, r, N, addr + 1);
		check_lookups_at(t->mm, r, N, addr - 1);
	}
	check_lookups_at(t->mm, r, N, 0);
	check_lookups_at(t->mm, r, N, t->mm->task_size - 1);
	check_lookups_at(t->mm, r, N, ~0UL - 0x10000);
}

/*
 * Random layouts over a window of pages, kept as a per-page map of what
 * is mapped with which protection.  The VMAs must be the maximal runs of
 * equal protection (untouched anonymous neighbours always merge), and
 * every lookup and gap search must agree with brute force over the map.
 */
enum { WIN = 512 }; /* pages in the window */

struct layout {
	struct mt *t;
	int prot[WIN]; /* -1: not mapped */
	struct ref_range vmas[WIN];
	int nr_vmas;
	struct ref_range gaps[WIN + 2];
	int nr_gaps;
};

static unsigned long win_addr(const struct layout *l, unsigned long page)
{
	return BASE + page * l->t->page;
}

static void layout_derive(struct layout *l)
{
	unsigned long free_start = 0;
	int i = 0, j;

	l->nr_vmas = l->nr_gaps = 0;
	while (i < WIN) {
		if (l->prot[i] < 0) {
			i++;
			continue;
		}
		for (j = i; j < WIN && l->prot[j] == l->prot[i]; j++)
			;
		l->vmas[l->nr_vmas].start = win_addr(l, i);
		l->vmas[l->nr_vmas].end = win_addr(l, j);
		if (free_start < win_addr(l, i)) {
			l->gaps[l->nr_gaps].start = free_start;
			l->gaps[l->nr_gaps++].end = win_addr(l, i);
		}
		free_start = win_addr(l, j);
		l->nr_vmas++;
		i = j;
	}
	l->gaps[l->nr_gaps].start = free_start;
	l->gaps[l->nr_gaps++].end = ~0UL;
}

static void layout_map(struct layout *l, int first, int n, int prot)
{
	int i;

	mt_map_fixed(l->t->mm, win_addr(l, first), n * l->t->page,
		     (unsigned long)prot);
	for (i = first; i < first + n; i++)
		l->prot[i] = prot;
}

static void layout_unmap(struct layout *l, int first, int n)
{
	int i;

	assert_int_equal(
		mt_munmap(l->t->mm, win_addr(l, first), n * l->t->page), 0);
	for (i = first; i < first + n; i++)
		l->prot[i] = -1;
}

static void layout_random(struct layout *l, struct mt_rng *rng)
{
	static const int prots[] = { PROT_READ, PROT_RW, PROT_NONE };
	int i = 0, n;

	for (i = 0; i < WIN; i++)
		l->prot[i] = -1;
	for (i = 0; i < WIN; i += n) {
		n = 1 + (int)mt_rand_below(rng, 8);
		if (i + n > WIN)
			n = WIN - i;
		if (mt_rand_below(rng, 2))
			layout_map(l, i, n, prots[mt_rand_below(rng, 3)]);
	}
}

/* Brute force vm_unmapped_area(): the same rules, no tree. */
static unsigned long ref_unmapped_area(const struct layout *l,
				       const struct vm_unmapped_area_info *info)
{
	unsigned long length = info->length + info->align_mask;
	unsigned long low = info->low_limit, high = info->high_limit;
	unsigned long gs, ge, addr;
	int i;

	if (length < info->length)
		return -ENOMEM;
	if (low < l->t->mm->arch->mmap_min_addr)
		low = l->t->mm->arch->mmap_min_addr;
	for (i = 0; i < l->nr_gaps; i++) {
		const struct ref_range *g;

		g = info->flags & VM_UNMAPPED_AREA_TOPDOWN
			    ? &l->gaps[l->nr_gaps - 1 - i]
			    : &l->gaps[i];
		gs = g->start > low ? g->start : low;
		ge = g->end < high ? g->end : high;
		if (ge <= gs || ge - gs < length)
			continue;
		if (info->flags & VM_UNMAPPED_AREA_TOPDOWN) {
			addr = ge - info->length;
			addr -= (addr - info->align_offset) & info->align_mask;
		} else {
			addr = gs +
			       ((info->align_offset - gs) & info->align_mask);
		}
		return addr;
	}
	return -ENOMEM;
}

/*
 * Returns how many searches found room inside the window, where the
 * fragmentation is, so the caller can tell the tree search was exercised.
 */
static int layout_check(struct layout *l, struct mt_rng *rng, int queries)
{
	struct mm_struct *mm = l->t->mm;
	unsigned long p = l->t->page, win_end = win_addr(l, WIN);
	int q, found = 0;

	layout_derive(l);
	if (mm->map_count != l->nr_vmas)
		fail_msg("map_count %d, maximal runs of equal protection %d",
			 mm->map_count, l->nr_vmas);
	for (q = 0; q < 64; q++) {
		unsigned long addr = BASE - p + mt_rand_below(rng, WIN + 2) * p;

		check_lookups_at(mm, l->vmas, l->nr_vmas,
				 addr + mt_rand_below(rng, 2) * (p / 2));
	}

	for (q = 0; q < queries; q++) {
		static const unsigned long aligns[] = { 1, 1, 2, 4, 16 };
		struct vm_unmapped_area_info info = { 0 };
		unsigned long align = aligns[mt_rand_below(rng, 5)] * p;
		unsigned long want, got;

		info.flags =
			mt_rand_below(rng, 2) ? VM_UNMAPPED_AREA_TOPDOWN : 0;
		info.length = (1 + mt_rand_below(rng, 12)) * p;
		if (!mt_rand_below(rng, 16))
			info.length = (WIN / 2 + mt_rand_below(rng, WIN)) * p;
		info.align_mask = align - p;
		info.align_offset = mt_rand_below(rng, align / p) * p;
		switch (mt_rand_below(rng, 4)) {
		case 0:
			info.low_limit = 0;
			break;
		case 1:
			info.low_limit = BASE - mt_rand_below(rng, 8) * p;
			break;
		default:
			info.low_limit = win_addr(l, mt_rand_below(rng, WIN));
		}
		switch (mt_rand_below(rng, 4)) {
		case 0:
			info.high_limit = mm->task_size;
			break;
		case 1:
			info.high_limit = win_end + mt_rand_below(rng, 8) * p;
			break;
		default:
			info.high_limit = info.low_limit +
					  mt_rand_below(rng, WIN / 2) * p;
		}
		want = ref_unmapped_area(l, &info);
		mmap_read_lock(mm);
		got = vm_unmapped_area(mm, &info);
		mmap_read_unlock(mm);
		if (got != want)
			fail_msg("vm_unmapped_area(%s len %#lx mask %#lx off "
				 "%#lx low %#lx high %#lx) = %#lx, brute force "
				 "says %#lx",
				 info.flags ? "topdown" : "bottom-up",
				 info.length, info.align_mask,
				 info.align_offset, info.low_limit,
				 info.high_limit, got, want);
		found += got >= BASE && got < win_end;
	}
	return found;
}

static void
test_random_layouts_lookups_and_gap_search_match_reference(void **state)
{
	enum { LAYOUTS = 12, MUTATIONS = 30 };
	struct mt_rng rng = { mt_seed("vma_tree random layouts") };
	struct layout *l = calloc(1, sizeof(*l));
	int i, k, queries = 0, found = 0;

	(void)state;
	assert_non_null(l);
	for (i = 0; i < LAYOUTS; i++) {
		/* A machine of its own: no page is ever touched, and a
		 * small one keeps the checker after every call cheap. */
		l->t = mt_create(&msim_arch_x86_64, 4 * MiB);
		layout_random(l, &rng);
		found += layout_check(l, &rng, 400);
		queries += 400;
		for (k = 0; k < MUTATIONS; k++) {
			int first = (int)mt_rand_below(&rng, WIN);
			int n = 1 + (int)mt_rand_below(&rng, 24);

			if (first + n > WIN)
				n = WIN - first;
			if (mt_rand_below(&rng, 2))
				layout_unmap(l, first, n);
			else
				layout_map(l, first, n,
					   (int)mt_rand_below(&rng, 2)
						   ? PROT_READ
						   : PROT_RW);
			found += layout_check(l, &rng, 100);
			queries += 100;
		}
		mt_destroy(l->t);
	}
	free(l);
	print_message("%d of %d gap searches found room in the window\n", found,
		      queries);
	assert_true(found > queries / 4);
}

/*
 * An empty (or reversed) range overlaps nothing, even inside a VMA:
 * Linux's mt_find() returns NULL when the index is past the maximum.
 */
static void test_empty_range_intersects_nothing(void **state)
{
	struct mt *t = *state;
	struct vm_area_struct *vma;

	mt_map_fixed(t->mm, BASE, 4 * t->page, PROT_RW);
	mmap_read_lock(t->mm);
	vma = find_vma_intersection(t->mm, BASE + t->page, BASE + t->page);
	mmap_read_unlock(t->mm);
	assert_null(vma);
	mmap_read_lock(t->mm);
	vma = find_vma_intersection(t->mm, BASE + 2 * t->page, BASE + t->page);
	mmap_read_unlock(t->mm);
	assert_null(vma);
}

static void test_gap_search_on_empty_mm(void **state)
{
	struct mt *t = *state;
	struct vm_unmapped_area_info info = {
		.flags = VM_UNMAPPED_AREA_TOPDOWN,
		.length = 3 * t->page,
		.low_limit = t->page,
		.high_limit = X86_MMAP_BASE,
	};

	mmap_read_lock(t->mm);
	assert_int_equal(vm_unmapped_area(t->mm, &info),
			 X86_MMAP_BASE - 3 * t->page);
	info.flags = 0;
	info.low_limit = 0;
	/* Never below mmap_min_addr, whatever the caller asks. */
	assert_int_equal(vm_unmapped_area(t->mm, &info), 0x10000);
	/* A window too small for the request. */
	info.low_limit = BASE;
	info.high_limit = BASE + 2 * t->page;
	assert_int_equal(vm_unmapped_area(t->mm, &info),
			 (unsigned long)-ENOMEM);
	/* Alignment padding that overflows is refused, not wrapped. */
	info.high_limit = t->mm->task_size;
	info.align_mask = ~0UL & ~(t->page - 1);
	assert_int_equal(vm_unmapped_area(t->mm, &info),
			 (unsigned long)-ENOMEM);
	mmap_read_unlock(t->mm);
}

static void test_hint_is_honoured_when_free(void **state)
{
	struct mt *t = *state;

	assert_int_equal(
		mt_mmap(t->mm, BASE, 3 * t->page, PROT_RW, ANON_PRIVATE), BASE);
	assert_vma(t->mm, BASE, BASE + 3 * t->page, VM_READ | VM_WRITE);
	/* Right behind it is free too: the hint is used, and merges. */
	assert_int_equal(mt_mmap(t->mm, BASE + 3 * t->page, t->page, PROT_RW,
				 ANON_PRIVATE),
			 BASE + 3 * t->page);
	assert_int_equal(t->mm->map_count, 1);
}

static void
test_occupied_hint_falls_back_to_topdown_below_mmap_base(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	mt_map_fixed(t->mm, BASE, p, PROT_READ);
	mt_map_fixed(t->mm, BASE + 3 * p, p, PROT_READ);

	/* The hint itself is taken. */
	assert_int_equal(mt_mmap(t->mm, BASE, p, PROT_RW, ANON_PRIVATE),
			 X86_MMAP_BASE - p);
	/* The hint is free but the range runs into the next VMA. */
	assert_int_equal(
		mt_mmap(t->mm, BASE + p, 3 * p, PROT_READ, ANON_PRIVATE),
		X86_MMAP_BASE - 4 * p);
	/* A hint that fits exactly between the two is used. */
	assert_int_equal(mt_mmap(t->mm, BASE + p, 2 * p, PROT_RW, ANON_PRIVATE),
			 BASE + p);
	/* A free hint above mmap_base is honoured too. */
	assert_int_equal(mt_mmap(t->mm, X86_MMAP_BASE + 16 * p, p, PROT_READ,
				 ANON_PRIVATE),
			 X86_MMAP_BASE + 16 * p);
	/* A hint whose range would pass TASK_SIZE is ignored. */
	assert_int_equal(mt_mmap(t->mm, t->mm->task_size - p, 2 * p, PROT_NONE,
				 ANON_PRIVATE),
			 X86_MMAP_BASE - 6 * p);
}

static void test_no_hint_goes_just_below_mmap_base(void **state)
{
	struct mt *t = *state;
	unsigned long p = t->page;

	assert_int_equal(mt_mmap(t->mm, 0, 3 * p, PROT_RW, ANON_PRIVATE),
			 X86_MMAP_BASE - 3 * p);
	/* The next one goes right below and merges with it. */
	assert_int_equal(mt_mmap(t->mm, 0, p, PROT_RW, ANON_PRIVATE),
			 X86_MMAP_BASE - 4 * p);
	assert_vma(t->mm, X86_MMAP_BASE - 4 * p, X86_MMAP_BASE,
		   VM_READ | VM_WRITE);
}

/* __thp_get_unmapped_area(): whole PMDs of anonymous memory get a PMD. */
static void test_thp_sized_mapping_is_2mib_aligned(void **state)
{
	struct mt *t = *state;

	assert_int_equal(mt_mmap(t->mm, 0, 2 * MiB, PROT_RW, ANON_PRIVATE),
			 0x7ffff7c00000UL);
	assert_vma(t->mm, 0x7ffff7c00000UL, 0x7ffff7e00000UL,
		   VM_READ | VM_WRITE);
	/* The next aligned slot down touches it: one VMA of 4 MiB. */
	assert_int_equal(mt_mmap(t->mm, 0, 2 * MiB, PROT_RW, ANON_PRIVATE),
			 0x7ffff7a00000UL);
	assert_vma(t->mm, 0x7ffff7a00000UL, 0x7ffff7e00000UL,
		   VM_READ | VM_WRITE);
	/* 4 MiB is whole PMDs too. */
	assert_int_equal(mt_mmap(t->mm, 0, 4 * MiB, PROT_READ, ANON_PRIVATE),
			 0x7ffff7600000UL);
	/* Not a multiple of 2 MiB: no alignment, right below. */
	assert_int_equal(mt_mmap(t->mm, 0, 3 * MiB, PROT_READ, ANON_PRIVATE),
			 0x7ffff7600000UL - 3 * MiB);
	/* A hint turns the alignment off even when it is taken. */
	assert_int_equal(mt_mmap(t->mm, 0x7ffff7c00000UL, 2 * MiB, PROT_NONE,
				 ANON_PRIVATE),
			 0x7ffff7600000UL - 5 * MiB);
}

/*
 * When nothing fits below mmap_base, x86 retries bottom-up; the only room
 * left is above mmap_base.
 */
static void test_topdown_failure_falls_back_to_bottom_up(void **state)
{
	struct mt *t = *state;
	unsigned long min = t->mm->arch->mmap_min_addr;

	mt_map_fixed(t->mm, min, X86_MMAP_BASE - min, PROT_NONE);
	assert_int_equal(mt_mmap(t->mm, 0, t->page, PROT_READ, ANON_PRIVATE),
			 X86_MMAP_BASE);
	/*
	 * The THP padding fits bottom-up at 0x7ffff8000000, already
	 * aligned; MMF_TOPDOWN still holds, so the aligned slot above it
	 * is used, as __thp_get_unmapped_area() does.
	 */
	assert_int_equal(mt_mmap(t->mm, 0, 2 * MiB, PROT_NONE, ANON_PRIVATE),
			 0x7ffff8200000UL);
	assert_int_equal(mt_munmap(t->mm, min, X86_MMAP_BASE - min), 0);
}

/* ColdFire: legacy bottom-up layout from TASK_UNMAPPED_BASE, 8 KiB pages. */
static void test_coldfire_maps_bottom_up_from_unmapped_base(void **state)
{
	struct mt *t = *state;

	assert_int_equal(t->page, 8 * KiB);
	/* The vDSO's prelink address is the page just below. */
	assert_int_equal(t->mm->arch->mmap_base - t->page, 0x5fffe000UL);
	assert_int_equal(t->mm->arch->mmap_base, CF_UNMAPPED_BASE);
	assert_false(t->mm->topdown);

	assert_int_equal(mt_mmap(t->mm, 0, 3 * t->page, PROT_RW, ANON_PRIVATE),
			 CF_UNMAPPED_BASE);
	/* The next one goes right above and merges. */
	assert_int_equal(mt_mmap(t->mm, 0, t->page, PROT_RW, ANON_PRIVATE),
			 CF_UNMAPPED_BASE + 3 * t->page);
	assert_vma(t->mm, CF_UNMAPPED_BASE, CF_UNMAPPED_BASE + 4 * t->page,
		   VM_READ | VM_WRITE);
	/* 32-bit: no THP alignment for 4 MiB (a ColdFire PGD entry). */
	assert_int_equal(mt_mmap(t->mm, 0, 4 * MiB, PROT_READ, ANON_PRIVATE),
			 CF_UNMAPPED_BASE + 4 * t->page);
	/* The lowest gap wins: a hole opened low is used first. */
	assert_int_equal(mt_munmap(t->mm, CF_UNMAPPED_BASE, t->page), 0);
	assert_int_equal(mt_mmap(t->mm, 0, t->page, PROT_READ, ANON_PRIVATE),
			 CF_UNMAPPED_BASE);
	/* The space below TASK_UNMAPPED_BASE is still reachable by hint. */
	assert_int_equal(
		mt_mmap(t->mm, 0x5fffe000UL, t->page, PROT_READ, ANON_PRIVATE),
		0x5fffe000UL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		mt_test(test_lookups_on_empty_mm_find_nothing),
		mt_test(test_lookups_match_reference_on_fixed_layout),
		cmocka_unit_test(
			test_random_layouts_lookups_and_gap_search_match_reference),
		mt_test(test_empty_range_intersects_nothing),
		mt_test(test_gap_search_on_empty_mm),
		mt_test(test_hint_is_honoured_when_free),
		mt_test(test_occupied_hint_falls_back_to_topdown_below_mmap_base),
		mt_test(test_no_hint_goes_just_below_mmap_base),
		mt_test(test_thp_sized_mapping_is_2mib_aligned),
		mt_test(test_topdown_failure_falls_back_to_bottom_up),
		mt_test_coldfire(
			test_coldfire_maps_bottom_up_from_unmapped_base),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
