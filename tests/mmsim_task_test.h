/* SPDX-License-Identifier: MIT */
/*
 * What the process life-cycle tests (test_fork.c, test_gup.c,
 * test_failinject.c) share on top of mmsim_test.h.
 *
 *  - A fixture of a machine and the tasks a test makes: each task is
 *    registered so that the teardown can exit and put whatever the test
 *    left, and then insist that the machine is empty (no object of any
 *    kind alive, every frame but the zero page free, no commit charge)
 *    and can be destroyed.
 *  - A checker run over every mm on the machine, each on its own
 *    (msim_mm_check_msg) and then the machine-wide view: with several
 *    address spaces sharing frames, an operation on one mm can break the
 *    accounting of another, so after every operation all of them are
 *    checked, not only the one operated on.
 *  - Wrappers for the mm operations that run that checker.
 *
 * As in mmsim_test.h, nothing asserts while holding an mm lock.
 */
#ifndef MMSIM_TASK_TEST_H
#define MMSIM_TASK_TEST_H

#include "mmsim_test.h"

#define TT_MAX_TASKS 32
#define TT_MAX_MMS 64

struct tt {
	struct msim_machine *m;
	/* Tasks not yet put, in creation order; task[0] is the first one. */
	struct task_struct *task[TT_MAX_TASKS];
	unsigned long page;
};

/* Every mm of @m on its own, then the machine as a whole. */
static inline void tt_check_at(struct msim_machine *m, const char *file,
			       int line)
{
	struct mm_struct *mms[TT_MAX_MMS], *mm;
	char msg[512];
	int n = 0, i;

	spin_lock(&m->mmlist_lock);
	/* Collected first: the checker takes each mm's lock itself. */
	list_for_each_entry(mm, &m->mmlist, mmlist) {
		if (n < TT_MAX_MMS)
			mms[n] = mm;
		n++;
	}
	spin_unlock(&m->mmlist_lock);
	if (n > TT_MAX_MMS) {
		print_error("%s:%d: more than %d mms\n", file, line,
			    TT_MAX_MMS);
		_fail(file, line);
		abort(); /* not reached: _fail() jumps out */
	}
	for (i = 0; i < n; i++) {
		if (msim_mm_check_msg(mms[i], msg, sizeof(msg))) {
			print_error("%s:%d: mm %d of %d: invariant broken: "
				    "%s\n",
				    file, line, i, n, msg);
			_fail(file, line);
		}
	}
	mt_check_machine_at(m, file, line);
}

#define tt_check(m) tt_check_at((m), __FILE__, __LINE__)

static inline void tt_register(struct tt *t, struct task_struct *tsk)
{
	int i;

	for (i = 0; i < TT_MAX_TASKS; i++) {
		if (!t->task[i]) {
			t->task[i] = tsk;
			return;
		}
	}
	fail_msg("more than %d tasks", TT_MAX_TASKS);
}

static inline void tt_unregister(struct tt *t, struct task_struct *tsk)
{
	int i;

	for (i = 0; i < TT_MAX_TASKS; i++) {
		if (t->task[i] == tsk) {
			t->task[i] = NULL;
			return;
		}
	}
	fail_msg("task %d is not registered", tsk->pid);
}

static inline struct task_struct *tt_new_task_at(struct tt *t, const char *comm,
						 const char *file, int line)
{
	struct task_struct *tsk = msim_task_create(t->m, comm);

	if (IS_ERR(tsk)) {
		print_error("%s:%d: msim_task_create: %s\n", file, line,
			    msim_errno_name(PTR_ERR(tsk)));
		_fail(file, line);
	}
	tt_register(t, tsk);
	tt_check_at(t->m, file, line);
	return tsk;
}

/* A fork that must succeed. */
static inline struct task_struct *tt_fork_at(struct tt *t,
					     struct task_struct *parent,
					     unsigned long flags,
					     const char *file, int line)
{
	struct task_struct *child = msim_fork(parent, flags, NULL);

	if (IS_ERR(child)) {
		print_error("%s:%d: msim_fork: %s\n", file, line,
			    msim_errno_name(PTR_ERR(child)));
		_fail(file, line);
	}
	tt_register(t, child);
	tt_check_at(t->m, file, line);
	return child;
}

static inline void tt_exit_at(struct tt *t, struct task_struct *tsk,
			      const char *file, int line)
{
	msim_exit(tsk);
	tt_check_at(t->m, file, line);
}

/* The task exits (if it has not) and its last reference goes. */
static inline void tt_put_at(struct tt *t, struct task_struct *tsk,
			     const char *file, int line)
{
	tt_unregister(t, tsk);
	msim_task_put(tsk);
	tt_check_at(t->m, file, line);
}

#define tt_new_task(t, comm) tt_new_task_at((t), (comm), __FILE__, __LINE__)
#define tt_fork(t, parent, flags)                                              \
	tt_fork_at((t), (parent), (flags), __FILE__, __LINE__)
#define tt_exit(t, tsk) tt_exit_at((t), (tsk), __FILE__, __LINE__)
#define tt_put(t, tsk) tt_put_at((t), (tsk), __FILE__, __LINE__)

/* mm operations, each followed by the checker over the whole machine. */

static inline unsigned long tt_map_at(struct mm_struct *mm, unsigned long addr,
				      unsigned long len, unsigned long prot,
				      unsigned long flags, const char *file,
				      int line)
{
	long ret = msim_mmap(mm, addr, len, prot, flags);

	tt_check_at(mm->machine, file, line);
	if (ret < 0 || ((flags & MAP_FIXED) && (unsigned long)ret != addr)) {
		print_error("%s:%d: mmap(%#lx, %#lx, %#lx, %#lx): %s\n", file,
			    line, addr, len, prot, flags,
			    ret < 0 ? msim_errno_name(ret) : "moved");
		_fail(file, line);
	}
	return (unsigned long)ret;
}

static inline int tt_access_at(struct mm_struct *mm, unsigned long addr,
			       void *buf, size_t len, enum msim_access access,
			       const char *file, int line)
{
	int ret = msim_user_access(mm, addr, buf, len, access, NULL);

	tt_check_at(mm->machine, file, line);
	return ret;
}

static inline int tt_mprotect_at(struct mm_struct *mm, unsigned long start,
				 unsigned long len, unsigned long prot,
				 const char *file, int line)
{
	int ret = msim_mprotect(mm, start, len, prot);

	tt_check_at(mm->machine, file, line);
	return ret;
}

static inline int tt_munmap_at(struct mm_struct *mm, unsigned long start,
			       unsigned long len, const char *file, int line)
{
	int ret = msim_munmap(mm, start, len);

	tt_check_at(mm->machine, file, line);
	return ret;
}

static inline int tt_madvise_at(struct mm_struct *mm, unsigned long start,
				unsigned long len, int advice, const char *file,
				int line)
{
	int ret = msim_madvise(mm, start, len, advice);

	tt_check_at(mm->machine, file, line);
	return ret;
}

/* A private anonymous mapping exactly at @addr, which must succeed. */
#define tt_map(mm, addr, len, prot)                                            \
	tt_map_at((mm), (addr), (len), (prot), ANON_PRIVATE | MAP_FIXED,       \
		  __FILE__, __LINE__)
#define tt_map_flags(mm, addr, len, prot, flags)                               \
	tt_map_at((mm), (addr), (len), (prot), (flags), __FILE__, __LINE__)
#define tt_write(mm, addr, buf, len)                                           \
	tt_access_at((mm), (addr), (void *)(buf), (len), MSIM_ACCESS_WRITE,    \
		     __FILE__, __LINE__)
#define tt_read(mm, addr, buf, len)                                            \
	tt_access_at((mm), (addr), (buf), (len), MSIM_ACCESS_READ, __FILE__,   \
		     __LINE__)
#define tt_touch(mm, addr, len, access)                                        \
	tt_access_at((mm), (addr), NULL, (len), (access), __FILE__, __LINE__)
#define tt_mprotect(mm, start, len, prot)                                      \
	tt_mprotect_at((mm), (start), (len), (prot), __FILE__, __LINE__)
#define tt_munmap(mm, start, len)                                              \
	tt_munmap_at((mm), (start), (len), __FILE__, __LINE__)
#define tt_madvise(mm, start, len, advice)                                     \
	tt_madvise_at((mm), (start), (len), (advice), __FILE__, __LINE__)

/*
 * Page i of [@addr, @addr + @n pages) of @mm gets the byte @seed + i
 * everywhere; tt_assert_filled() checks that it still holds it.  Each
 * failure is reported at the caller's line.
 */
static inline void tt_fill_at(struct tt *t, struct mm_struct *mm,
			      unsigned long addr, int n, int seed,
			      const char *file, int line)
{
	unsigned char *buf = malloc(t->page);
	int i, ret;

	if (!buf)
		_fail(file, line);
	for (i = 0; i < n; i++) {
		memset(buf, seed + i, t->page);
		ret = tt_access_at(mm, addr + i * t->page, buf, t->page,
				   MSIM_ACCESS_WRITE, file, line);
		if (ret) {
			print_error("%s:%d: write of page %d: %s\n", file, line,
				    i, msim_errno_name(ret));
			free(buf);
			_fail(file, line);
		}
	}
	free(buf);
}

static inline void tt_assert_filled_at(struct tt *t, struct mm_struct *mm,
				       unsigned long addr, int n, int seed,
				       const char *file, int line)
{
	unsigned char *buf = malloc(t->page);
	unsigned char want;
	unsigned long j;
	int i, ret;

	if (!buf)
		_fail(file, line);
	for (i = 0; i < n; i++) {
		ret = tt_access_at(mm, addr + i * t->page, buf, t->page,
				   MSIM_ACCESS_READ, file, line);
		if (ret) {
			print_error("%s:%d: read of page %d: %s\n", file, line,
				    i, msim_errno_name(ret));
			free(buf);
			_fail(file, line);
		}
		want = (unsigned char)(seed + i);
		for (j = 0; j < t->page; j++)
			if (buf[j] != want) {
				print_error("%s:%d: page %d byte %lu: %#x, "
					    "want %#x\n",
					    file, line, i, j, buf[j], want);
				free(buf);
				_fail(file, line);
			}
	}
	free(buf);
}

#define tt_fill(t, mm, addr, n, seed)                                          \
	tt_fill_at((t), (mm), (addr), (n), (seed), __FILE__, __LINE__)
#define tt_assert_filled(t, mm, addr, n, seed)                                 \
	tt_assert_filled_at((t), (mm), (addr), (n), (seed), __FILE__, __LINE__)

/* Looking at the state. */

/*
 * The frame mapped at @addr, which must be a private page (not none, not
 * the zero page).  The abort() is never reached (_fail() jumps out) but
 * tells the compiler that no NULL comes back.
 */
static inline struct page *tt_page_at(struct mm_struct *mm, unsigned long addr,
				      const char *file, int line)
{
	pte_t pte = mt_pte(mm, addr);
	unsigned long pfn = pte_pfn(mm->arch, pte);
	struct page *page = pfn_to_page(mm->machine, pfn);

	if (!pte_present(mm->arch, pte) || is_zero_pfn(pfn) || !page) {
		print_error("%s:%d: no private page at %#lx\n", file, line,
			    addr);
		_fail(file, line);
		abort();
	}
	return page;
}

#define tt_page(mm, addr) tt_page_at((mm), (addr), __FILE__, __LINE__)

static inline unsigned long tt_pfn(struct mm_struct *mm, unsigned long addr)
{
	return pte_pfn(mm->arch, mt_pte(mm, addr));
}

static inline bool tt_pte_write(struct mm_struct *mm, unsigned long addr)
{
	return pte_write(mm->arch, mt_pte(mm, addr));
}

static inline unsigned long tt_chain_len(const struct vm_area_struct *vma)
{
	const struct anon_vma_chain *avc;
	unsigned long n = 0;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		n++;
	return n;
}

/* /proc/PID/maps of @mm into @buf, which must be large enough. */
static inline void tt_maps(struct mm_struct *mm, char *buf, size_t size)
{
	struct vm_area_struct *vma;
	size_t off = 0;
	int n;

	buf[0] = '\0';
	mmap_read_lock(mm);
	for_each_vma(mm, vma) {
		n = msim_maps_line(vma, buf + off, size - off);
		if (n < 0 || (size_t)n >= size - off)
			break;
		off += (size_t)n;
	}
	mmap_read_unlock(mm);
	assert_true(off < size - 1 || !mm->mmap);
}

static inline unsigned long tt_live_total(struct msim_machine *m)
{
	unsigned long n = 0;
	int kind;

	for (kind = 0; kind < MSIM_NR_ALLOC_KINDS; kind++)
		n += (unsigned long)msim_live(m, kind);
	return n;
}

/* Fixtures. */

static inline struct tt *tt_create(const struct msim_arch *arch,
				   unsigned long ram)
{
	struct msim_machine_config cfg = { .arch = arch, .ram_bytes = ram };
	struct tt *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->m = msim_machine_create(&cfg);
	assert_false(IS_ERR(t->m));
	t->page = msim_page_size(t->m->arch);
	tt_new_task(t, "init");
	return t;
}

/*
 * Every task left exits and is put; then nothing may be left of
 * anything: the last mm went with the last task.
 */
static inline void tt_destroy(struct tt *t)
{
	int i;

	msim_fail_nth(t->m, 0, 0);
	msim_set_current(NULL);
	for (i = TT_MAX_TASKS - 1; i >= 0; i--)
		if (t->task[i])
			tt_put(t, t->task[i]);
	tt_check(t->m);
	mt_destroy_empty_machine(t->m);
	free(t);
}

static inline int tt_setup_x86(void **state)
{
	*state = tt_create(&msim_arch_x86_64, MT_DEFAULT_RAM);
	return 0;
}

static inline int tt_setup_coldfire(void **state)
{
	*state = tt_create(&msim_arch_coldfire, MT_DEFAULT_RAM);
	return 0;
}

static inline int tt_teardown(void **state)
{
	tt_destroy(*state);
	return 0;
}

#define tt_test(f) cmocka_unit_test_setup_teardown(f, tt_setup_x86, tt_teardown)
#define tt_test_coldfire(f)                                                    \
	cmocka_unit_test_setup_teardown(f, tt_setup_coldfire, tt_teardown)

#endif /* MMSIM_TASK_TEST_H */
