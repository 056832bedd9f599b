/* SPDX-License-Identifier: MIT */
/*
 * What the cmocka unit tests (tests/test_*.c) share.
 *
 *  - A machine and an mm per test, built by a fixture and torn down with a
 *    leak check: after the last mmput() the whole machine must pass the
 *    checker, hold no object of any kind and be destroyable.
 *  - The invariant checker turned into a test failure that names the line
 *    of the test, so that a broken invariant is reported at the operation
 *    that broke it rather than at some later symptom.
 *  - Wrappers for every mm operation that run the checker right after it.
 *  - A seeded random generator whose seed is printed and can be replayed
 *    with MMSIM_TEST_SEED.
 *
 * Failing a cmocka test jumps out of it, so nothing here asserts while it
 * holds an mm lock: a lock left held would hang the teardown instead of
 * reporting the failure.
 */
#ifndef MMSIM_TEST_H
#define MMSIM_TEST_H

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <mmsim/mmsim.h>

#define KiB (1UL << 10)
#define MiB (1UL << 20)
#define GiB (1UL << 30)

#define ANON_PRIVATE (MAP_PRIVATE | MAP_ANONYMOUS)
#define PROT_RW (PROT_READ | PROT_WRITE)

/* The x86_64 top-down layout with randomization off (arch.h). */
#define X86_MMAP_BASE 0x7ffff7fff000UL
/* The ColdFire bottom-up layout: TASK_UNMAPPED_BASE. */
#define CF_UNMAPPED_BASE 0x60000000UL

/* Where the tests put their fixed mappings: well above mmap_min_addr. */
#define BASE 0x10000000UL

/* RAM of the fixtures' machines: small enough for the checker to be cheap. */
#define MT_DEFAULT_RAM (64 * MiB)

struct mt {
	struct msim_machine *m;
	struct mm_struct *mm; /* NULL once a test has put it itself */
	unsigned long page;   /* PAGE_SIZE of the machine */
};

/*
 * mt_source_file - the file at @rel below the source tree (ctest sets
 * MMSIM_SOURCE_DIR; run by hand, the current directory), read whole;
 * the caller frees it.
 */
static inline void *mt_source_file(const char *rel, size_t *len)
{
	const char *dir = getenv("MMSIM_SOURCE_DIR");
	char path[4096];
	void *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n ? (size_t)n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static inline const char *mt_kind_name(int kind)
{
	static const char *const names[MSIM_NR_ALLOC_KINDS] = {
		[MSIM_ALLOC_FRAME] = "frame",
		[MSIM_ALLOC_PGTABLE] = "pgtable",
		[MSIM_ALLOC_VMA] = "vma",
		[MSIM_ALLOC_ANON_VMA] = "anon_vma",
		[MSIM_ALLOC_AVC] = "anon_vma_chain",
		[MSIM_ALLOC_MM] = "mm",
		[MSIM_ALLOC_TASK] = "task",
		[MSIM_ALLOC_OTHER] = "other",
		[MSIM_ALLOC_SWAP] = "swap slot",
		[MSIM_ALLOC_KMALLOC] = "kmalloc",
	};

	return kind >= 0 && kind < MSIM_NR_ALLOC_KINDS ? names[kind] : "?";
}

/* The checker, as test failures. */

static inline void mt_check_mm_at(struct mm_struct *mm, const char *file,
				  int line)
{
	char msg[512];

	if (msim_mm_check_msg(mm, msg, sizeof(msg))) {
		print_error("%s:%d: mm invariant broken: %s\n", file, line,
			    msg);
		_fail(file, line);
	}
}

static inline void mt_check_machine_at(struct msim_machine *m, const char *file,
				       int line)
{
	char msg[512];

	if (msim_machine_check(m, msg, sizeof(msg))) {
		print_error("%s:%d: machine invariant broken: %s\n", file, line,
			    msg);
		_fail(file, line);
	}
}

/* The mm alone, then the machine-wide view (frames, commit charge). */
static inline void mt_check_all_at(struct mm_struct *mm, const char *file,
				   int line)
{
	mt_check_mm_at(mm, file, line);
	mt_check_machine_at(mm->machine, file, line);
}

#define check_mm(mm) mt_check_mm_at((mm), __FILE__, __LINE__)
#define check_machine(m) mt_check_machine_at((m), __FILE__, __LINE__)
#define check_all(mm) mt_check_all_at((mm), __FILE__, __LINE__)

/*
 * GUP from outside the mm, as a driver calls it: Linux 6.x's GUP wants
 * the mmap lock held.
 */
static inline long mt_get_user_pages_remote(struct mm_struct *mm,
					    unsigned long start,
					    unsigned long nr_pages,
					    unsigned int gup_flags,
					    struct page **pages, int *locked)
{
	long ret;

	mmap_read_lock(mm);
	ret = get_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				    locked);
	mmap_read_unlock(mm);
	return ret;
}

static inline long mt_pin_user_pages_remote(struct mm_struct *mm,
					    unsigned long start,
					    unsigned long nr_pages,
					    unsigned int gup_flags,
					    struct page **pages, int *locked)
{
	long ret;

	mmap_read_lock(mm);
	ret = pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				    locked);
	mmap_read_unlock(mm);
	return ret;
}

/* mm operations, each followed by the checker. */

static inline long mt_mmap_at(struct mm_struct *mm, unsigned long addr,
			      unsigned long len, unsigned long prot,
			      unsigned long flags, const char *file, int line)
{
	long ret = msim_mmap(mm, addr, len, prot, flags);

	mt_check_all_at(mm, file, line);
	return ret;
}

/* mmap that must succeed, at exactly @addr if MAP_FIXED is given. */
static inline unsigned long mt_map_at(struct mm_struct *mm, unsigned long addr,
				      unsigned long len, unsigned long prot,
				      unsigned long flags, const char *file,
				      int line)
{
	long ret = mt_mmap_at(mm, addr, len, prot, flags, file, line);

	if (ret < 0) {
		print_error("%s:%d: mmap(%#lx, %#lx, %#lx, %#lx): %s\n", file,
			    line, addr, len, prot, flags, msim_errno_name(ret));
		_fail(file, line);
	}
	if ((flags & MAP_FIXED) && (unsigned long)ret != addr) {
		print_error("%s:%d: MAP_FIXED mmap at %#lx returned %#lx\n",
			    file, line, addr, (unsigned long)ret);
		_fail(file, line);
	}
	return (unsigned long)ret;
}

static inline int mt_munmap_at(struct mm_struct *mm, unsigned long start,
			       unsigned long len, const char *file, int line)
{
	int ret = msim_munmap(mm, start, len);

	mt_check_all_at(mm, file, line);
	return ret;
}

static inline int mt_mprotect_at(struct mm_struct *mm, unsigned long start,
				 unsigned long len, unsigned long prot,
				 const char *file, int line)
{
	int ret = msim_mprotect(mm, start, len, prot);

	mt_check_all_at(mm, file, line);
	return ret;
}

static inline int mt_madvise_at(struct mm_struct *mm, unsigned long start,
				unsigned long len, int advice, const char *file,
				int line)
{
	int ret = msim_madvise(mm, start, len, advice);

	mt_check_all_at(mm, file, line);
	return ret;
}

static inline int mt_access_at(struct mm_struct *mm, unsigned long addr,
			       void *buf, size_t len, enum msim_access access,
			       unsigned long *fault_addr, const char *file,
			       int line)
{
	int ret = msim_user_access(mm, addr, buf, len, access, fault_addr);

	mt_check_all_at(mm, file, line);
	return ret;
}

static inline vm_fault_t mt_fault_at(struct mm_struct *mm, unsigned long addr,
				     enum msim_access access, const char *file,
				     int line)
{
	vm_fault_t ret = msim_handle_user_fault(mm, addr, access);

	mt_check_all_at(mm, file, line);
	return ret;
}

#define mt_mmap(mm, addr, len, prot, flags)                                    \
	mt_mmap_at((mm), (addr), (len), (prot), (flags), __FILE__, __LINE__)
#define mt_map(mm, addr, len, prot, flags)                                     \
	mt_map_at((mm), (addr), (len), (prot), (flags), __FILE__, __LINE__)
/* A private anonymous mapping exactly at @addr, which must succeed. */
#define mt_map_fixed(mm, addr, len, prot)                                      \
	mt_map_at((mm), (addr), (len), (prot), ANON_PRIVATE | MAP_FIXED,       \
		  __FILE__, __LINE__)
#define mt_munmap(mm, start, len)                                              \
	mt_munmap_at((mm), (start), (len), __FILE__, __LINE__)
#define mt_mprotect(mm, start, len, prot)                                      \
	mt_mprotect_at((mm), (start), (len), (prot), __FILE__, __LINE__)
#define mt_madvise(mm, start, len, advice)                                     \
	mt_madvise_at((mm), (start), (len), (advice), __FILE__, __LINE__)
/* Any access, reporting where a fatal fault hit in *@fault_addr. */
#define mt_access(mm, addr, buf, len, access, fault_addr)                      \
	mt_access_at((mm), (addr), (buf), (len), (access), (fault_addr),       \
		     __FILE__, __LINE__)
#define mt_write(mm, addr, buf, len)                                           \
	mt_access_at((mm), (addr), (void *)(buf), (len), MSIM_ACCESS_WRITE,    \
		     NULL, __FILE__, __LINE__)
#define mt_read(mm, addr, buf, len)                                            \
	mt_access_at((mm), (addr), (buf), (len), MSIM_ACCESS_READ, NULL,       \
		     __FILE__, __LINE__)
/* An access that moves no data: a write touch dirties, a read maps. */
#define mt_touch(mm, addr, len, access)                                        \
	mt_access_at((mm), (addr), NULL, (len), (access), NULL, __FILE__,      \
		     __LINE__)
#define mt_fault(mm, addr, access)                                             \
	mt_fault_at((mm), (addr), (access), __FILE__, __LINE__)

/* Write @byte over @pages pages at @addr of the fixture's mm. */
static inline void mt_fill(struct mt *t, unsigned long addr,
			   unsigned long pages, unsigned char byte)
{
	unsigned char *buf = malloc(pages * t->page);

	assert_non_null(buf);
	memset(buf, byte, pages * t->page);
	assert_int_equal(mt_write(t->mm, addr, buf, pages * t->page), 0);
	free(buf);
}

/* Every byte of @pages pages at @addr of the fixture's mm is @byte. */
static inline void mt_assert_filled(struct mt *t, unsigned long addr,
				    unsigned long pages, unsigned char byte)
{
	unsigned char *buf = malloc(pages * t->page);
	unsigned long i;

	assert_non_null(buf);
	assert_int_equal(mt_read(t->mm, addr, buf, pages * t->page), 0);
	for (i = 0; i < pages * t->page; i++)
		if (buf[i] != byte)
			fail_msg("byte at %#lx is %#x, want %#x", addr + i,
				 buf[i], byte);
	free(buf);
}

/* Looking at the state; each takes the lock it needs and returns a copy. */

/* The VMA containing @addr, or NULL.  Tests are single-threaded, so the
 * pointer stays good until the next mm operation. */
static inline struct vm_area_struct *mt_vma(struct mm_struct *mm,
					    unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	mmap_read_unlock(mm);
	return vma;
}

/* The leaf entry for @addr; none if a table on the way is missing. */
static inline pte_t mt_pte(struct mm_struct *mm, unsigned long addr)
{
	pte_t *ptep, pte = __pte(0);

	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, addr);
	if (ptep)
		pte = *ptep;
	spin_unlock(&mm->page_table_lock);
	return pte;
}

static inline long mt_committed(struct msim_machine *m)
{
	return atomic_load(&m->vm_committed_as);
}

static inline unsigned long mt_rss(struct mm_struct *mm)
{
	return get_mm_counter(mm, MM_ANONPAGES);
}

static inline unsigned long mt_pgtables(struct mm_struct *mm)
{
	unsigned long n;

	spin_lock(&mm->page_table_lock);
	n = msim_nr_pgtables(mm);
	spin_unlock(&mm->page_table_lock);
	return n;
}

/*
 * Assert that one VMA spans exactly [@start, @end) with @access as its
 * VM_READ/VM_WRITE/VM_EXEC bits; returns it for further checks.
 */
static inline struct vm_area_struct *
mt_assert_vma_at(struct mm_struct *mm, unsigned long start, unsigned long end,
		 vm_flags_t access, const char *file, int line)
{
	struct vm_area_struct *vma = mt_vma(mm, start);

	if (!vma || vma->vm_start != start || vma->vm_end != end ||
	    (vma->vm_flags & VM_ACCESS_FLAGS) != access) {
		if (vma)
			print_error("%s:%d: want VMA %#lx-%#lx access %#lx, "
				    "found %#lx-%#lx flags %#lx\n",
				    file, line, start, end, access,
				    vma->vm_start, vma->vm_end, vma->vm_flags);
		else
			print_error("%s:%d: want VMA %#lx-%#lx, none there\n",
				    file, line, start, end);
		_fail(file, line);
	}
	return vma;
}

#define assert_vma(mm, start, end, access)                                     \
	mt_assert_vma_at((mm), (start), (end), (access), __FILE__, __LINE__)

/* Assert that nothing is mapped anywhere in [@start, @end). */
#define assert_unmapped(mm, start, end)                                        \
	do {                                                                   \
		struct vm_area_struct *vma_;                                   \
		mmap_read_lock(mm);                                            \
		vma_ = find_vma_intersection((mm), (start), (end));            \
		mmap_read_unlock(mm);                                          \
		assert_null(vma_);                                             \
	} while (0)

/* Fixtures: a machine, an mm on it, and the leak check at the end. */

static inline struct mt *mt_create(const struct msim_arch *arch,
				   unsigned long ram)
{
	struct msim_machine_config cfg = { .arch = arch, .ram_bytes = ram };
	struct mt *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->m = msim_machine_create(&cfg);
	assert_false(IS_ERR(t->m));
	t->mm = mm_alloc(t->m);
	assert_non_null(t->mm);
	t->page = mm_page_size(t->mm);
	check_all(t->mm);
	return t;
}

/*
 * The mm's last user goes; then everything the machine handed out must
 * be back: no object of any kind alive, every frame but the zero page
 * free, no commit charge.
 */
/*
 * Everything the machine handed out must be back: no object of any kind
 * but what the machine keeps for itself (the vDSO page), every frame but
 * the zero page and that one free, no commit charge.  Then destroy it.
 */
static inline void mt_destroy_empty_machine(struct msim_machine *m)
{
	int kind;

	for (kind = 0; kind < MSIM_NR_ALLOC_KINDS; kind++)
		if (msim_live(m, kind) != msim_machine_kept(m, kind))
			fail_msg("%ld %s objects leaked",
				 msim_live(m, kind) -
					 msim_machine_kept(m, kind),
				 mt_kind_name(kind));
	assert_int_equal(msim_nr_free_frames(m),
			 m->nr_frames - 1 -
				 msim_machine_kept(m, MSIM_ALLOC_FRAME));
	assert_int_equal(mt_committed(m), 0);
	assert_int_equal(msim_machine_destroy(m), 0);
}

static inline void mt_destroy(struct mt *t)
{
	if (t->mm) {
		check_all(t->mm);
		mmput(t->mm);
		t->mm = NULL;
	}
	check_machine(t->m);
	mt_destroy_empty_machine(t->m);
	free(t);
}

static inline int mt_setup_x86(void **state)
{
	*state = mt_create(&msim_arch_x86_64, MT_DEFAULT_RAM);
	return 0;
}

static inline int mt_setup_coldfire(void **state)
{
	*state = mt_create(&msim_arch_coldfire, MT_DEFAULT_RAM);
	return 0;
}

static inline int mt_teardown(void **state)
{
	mt_destroy(*state);
	return 0;
}

#define mt_test(f) cmocka_unit_test_setup_teardown(f, mt_setup_x86, mt_teardown)
#define mt_test_coldfire(f)                                                    \
	cmocka_unit_test_setup_teardown(f, mt_setup_coldfire, mt_teardown)

/* Seeded randomness. */

struct mt_rng {
	uint64_t s;
};

/* splitmix64: any seed, 0 included, gives a well-mixed stream. */
static inline uint64_t mt_rand(struct mt_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline unsigned long mt_rand_below(struct mt_rng *r, unsigned long n)
{
	return n ? (unsigned long)(mt_rand(r) % n) : 0;
}

/*
 * The seed of a randomised test: MMSIM_TEST_SEED if set, else the clock.
 * Printed either way, so that any failure can be replayed.
 */
static inline uint64_t mt_seed(const char *test)
{
	const char *env = getenv("MMSIM_TEST_SEED");
	uint64_t seed;

	if (env && *env)
		seed = strtoull(env, NULL, 0);
	else
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
	printf("%s: seed %" PRIu64 " (replay with MMSIM_TEST_SEED=%" PRIu64
	       ")\n",
	       test, seed, seed);
	fflush(stdout);
	return seed;
}

#endif /* MMSIM_TEST_H */
