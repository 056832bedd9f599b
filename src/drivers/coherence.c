// SPDX-License-Identifier: MIT
/*
 * The secondary MMU coherence checker (see coherence.h).
 *
 * Lock order: the mm's page_table_lock, then a driver's own lock, then the
 * checker's.  Notifier callbacks may come with the page-table lock held
 * and drivers record mappings under their locks, so the checker's lock is
 * innermost and never held while calling out; msim_coherence_check()
 * takes the page-table lock first for the same reason.
 *
 * The checker's lock is a host mutex, not a model lock: the checker is
 * not part of what a scheduler of the model's threads should see.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <mmsim/mmsim.h>
#include <mmsim/drivers/coherence.h>

/* One logged invalidation; @t_end is 0 while it runs. */
struct logged_invalidation {
	int event;
	unsigned long start, end;
	unsigned long t_start, t_end;
};

struct msim_coherence {
	struct mmu_notifier mn;
	struct mm_struct *mm;
	pthread_mutex_t lock;
	unsigned long clock;
	struct list_head mappings;
	unsigned long nr_mappings;
	struct logged_invalidation *log;
	size_t nr_log, log_size;
	unsigned int msim_id;
};

/*
 * The clock orders everything the checker records, from every thread and
 * under no model lock: what happens to it is declared to a scheduler
 * (msim_sync_access()), as the order of two ticks shows in a report.
 */
static unsigned long tick(struct msim_coherence *c)
{
	msim_sync_access(msim_sync_key(c->msim_id), true);
	return __atomic_add_fetch(&c->clock, 1, __ATOMIC_SEQ_CST);
}

unsigned long msim_coherence_now(struct msim_coherence *c)
{
	return c ? tick(c) : 0;
}

const char *msim_notify_event_name(int event)
{
	static const char *const names[] = {
		[MMU_NOTIFY_UNMAP] = "MMU_NOTIFY_UNMAP",
		[MMU_NOTIFY_CLEAR] = "MMU_NOTIFY_CLEAR",
		[MMU_NOTIFY_PROTECTION_VMA] = "MMU_NOTIFY_PROTECTION_VMA",
		[MMU_NOTIFY_PROTECTION_PAGE] = "MMU_NOTIFY_PROTECTION_PAGE",
		[MMU_NOTIFY_SOFT_DIRTY] = "MMU_NOTIFY_SOFT_DIRTY",
		[MMU_NOTIFY_RELEASE] = "MMU_NOTIFY_RELEASE",
		[MMU_NOTIFY_MIGRATE] = "MMU_NOTIFY_MIGRATE",
		[MMU_NOTIFY_EXCLUSIVE] = "MMU_NOTIFY_EXCLUSIVE",
	};

	if (event < 0 || (size_t)event >= sizeof(names) / sizeof(names[0]) ||
	    !names[event])
		return "MMU_NOTIFY_?";
	return names[event];
}

/*
 * The log only grows: a report may name any invalidation since the
 * checker was attached.  If the host refuses more memory the entry is
 * lost; the report then says no invalidation was logged, which is the
 * conservative reading.
 */
static void log_start(struct msim_coherence *c, int event, unsigned long start,
		      unsigned long end, bool ended)
{
	struct logged_invalidation *e;

	pthread_mutex_lock(&c->lock);
	if (c->nr_log == c->log_size) {
		size_t size = c->log_size ? 2 * c->log_size : 64;
		struct logged_invalidation *log =
			realloc(c->log, size * sizeof(*log));

		if (!log) {
			pthread_mutex_unlock(&c->lock);
			return;
		}
		c->log = log;
		c->log_size = size;
	}
	e = &c->log[c->nr_log++];
	e->event = event;
	e->start = start;
	e->end = end;
	e->t_start = tick(c);
	e->t_end = ended ? e->t_start : 0;
	pthread_mutex_unlock(&c->lock);
}

/* Ranges may overlap in time: close the oldest open one that matches. */
static void log_end(struct msim_coherence *c, int event, unsigned long start,
		    unsigned long end)
{
	size_t i;

	pthread_mutex_lock(&c->lock);
	for (i = 0; i < c->nr_log; i++) {
		struct logged_invalidation *e = &c->log[i];

		if (!e->t_end && e->event == event && e->start == start &&
		    e->end == end) {
			e->t_end = tick(c);
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
}

static int coherence_start(struct mmu_notifier *mn,
			   const struct mmu_notifier_range *range)
{
	struct msim_coherence *c = container_of(mn, struct msim_coherence, mn);

	log_start(c, range->event, range->start, range->end, false);
	return 0;
}

static void coherence_end(struct mmu_notifier *mn,
			  const struct mmu_notifier_range *range)
{
	struct msim_coherence *c = container_of(mn, struct msim_coherence, mn);

	log_end(c, range->event, range->start, range->end);
}

/* exit_mmap(): from here on every secondary mapping is stale. */
static void coherence_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct msim_coherence *c = container_of(mn, struct msim_coherence, mn);

	(void)mm;
	log_start(c, MMU_NOTIFY_RELEASE, 0, ULONG_MAX, true);
}

static const struct mmu_notifier_ops coherence_ops = {
	.invalidate_range_start = coherence_start,
	.invalidate_range_end = coherence_end,
	.release = coherence_release,
};

struct msim_coherence *msim_coherence_create(struct mm_struct *mm)
{
	struct msim_coherence *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return ERR_PTR(-ENOMEM);
	c->mm = mm;
	c->msim_id = msim_sync_new_id();
	pthread_mutex_init(&c->lock, NULL);
	INIT_LIST_HEAD(&c->mappings);
	c->mn.ops = &coherence_ops;
	msim_trace_name_instrument(&c->mn, "checker");
	ret = mmu_notifier_register(&c->mn, mm);
	if (ret) {
		msim_trace_forget_object(&c->mn);
		pthread_mutex_destroy(&c->lock);
		free(c);
		return ERR_PTR(ret);
	}
	return c;
}

void msim_coherence_destroy(struct msim_coherence *c)
{
	struct msim_secondary_mapping *sm, *next;

	mmu_notifier_unregister(&c->mn, c->mm);
	msim_trace_forget_object(&c->mn);
	list_for_each_entry_safe(sm, next, &c->mappings, node)
		list_del_init(&sm->node);
	pthread_mutex_destroy(&c->lock);
	free(c->log);
	free(c);
}

struct mm_struct *msim_coherence_mm(const struct msim_coherence *c)
{
	return c->mm;
}

void msim_secondary_mapping_init(struct msim_secondary_mapping *sm,
				 const char *driver, unsigned long address,
				 struct page *page, bool writable,
				 unsigned long seen)
{
	INIT_LIST_HEAD(&sm->node);
	sm->driver = driver;
	sm->address = address;
	sm->page = page;
	sm->gen = __atomic_load_n(&page->msim_alloc_gen, __ATOMIC_RELAXED);
	sm->writable = writable;
	sm->seen = seen;
	sm->established = 0;
}

void msim_coherence_map(struct msim_coherence *c,
			struct msim_secondary_mapping *sm)
{
	msim_trace(MSIM_TRACE_SEC_MAP, .s = { sm->driver },
		   .a = { sm->address, page_to_pfn(sm->page), sm->writable });
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	sm->established = tick(c);
	if (list_empty(&sm->node))
		c->nr_mappings++;
	else
		list_del_init(&sm->node);
	list_add_tail(&sm->node, &c->mappings);
	pthread_mutex_unlock(&c->lock);
}

void msim_coherence_unmap(struct msim_coherence *c,
			  struct msim_secondary_mapping *sm)
{
	msim_trace(MSIM_TRACE_SEC_UNMAP, .s = { sm->driver },
		   .a = { sm->address, page_to_pfn(sm->page), sm->writable });
	if (!c)
		return;
	msim_sync_access(msim_sync_key(c->msim_id), true);
	pthread_mutex_lock(&c->lock);
	if (!list_empty(&sm->node)) {
		list_del_init(&sm->node);
		c->nr_mappings--;
	}
	pthread_mutex_unlock(&c->lock);
}

unsigned long msim_coherence_nr_mappings(struct msim_coherence *c)
{
	unsigned long n;

	pthread_mutex_lock(&c->lock);
	n = c->nr_mappings;
	pthread_mutex_unlock(&c->lock);
	return n;
}

unsigned long msim_coherence_nr_mappings_of(struct msim_coherence *c,
					    const char *driver)
{
	struct msim_secondary_mapping *sm;
	unsigned long n = 0;

	pthread_mutex_lock(&c->lock);
	list_for_each_entry(sm, &c->mappings, node)
		n += sm->driver == driver;
	pthread_mutex_unlock(&c->lock);
	return n;
}

unsigned long msim_coherence_nr_invalidations(struct msim_coherence *c)
{
	unsigned long n;

	pthread_mutex_lock(&c->lock);
	n = c->nr_log;
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* A report that keeps counting what it could not hold. */
struct report {
	char *buf;
	size_t size, len;
};

static void __attribute__((format(printf, 2, 3)))
report_add(struct report *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!r->buf || r->len + 1 >= r->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(r->buf + r->len, r->size - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n < r->size - r->len ? (size_t)n
						       : r->size - r->len - 1;
}

/*
 * What is wrong with @sm, into @what; false if nothing.  Caller holds the
 * page-table lock and the checker's lock.
 */
static bool mapping_violation(struct msim_coherence *c,
			      const struct msim_secondary_mapping *sm,
			      struct report *what)
{
	const struct msim_arch *a = c->mm->arch;
	struct page *page = sm->page;
	unsigned long pfn = page_to_pfn(page);
	bool bad = false;
	pte_t *ptep, pte;

	if (msim_test_page_flag(page, PG_free) ||
	    (is_zone_device_page(page) && !page_ref_count(page))) {
		report_add(what, "frame freed");
		bad = true;
	} else if (__atomic_load_n(&page->msim_alloc_gen, __ATOMIC_RELAXED) !=
		   sm->gen) {
		report_add(what, "frame freed and reused");
		bad = true;
	}

	ptep = c->mm->pgd ? msim_pte_offset(c->mm, sm->address) : NULL;
	pte = ptep ? *ptep : __pte(0);
	if (is_swap_pte(a, pte)) {
		/*
		 * The device's own memory (a device-private entry) or a
		 * page it holds exclusively (a device-exclusive entry): the
		 * entry names the frame the device may map.
		 */
		swp_entry_t entry = pte_to_swp_entry(a, pte);

		if ((is_device_private_entry(entry) ||
		     is_device_exclusive_entry(entry)) &&
		    swp_offset_pfn(entry) == pfn) {
			if (sm->writable && is_device_private_entry(entry) &&
			    !is_writable_device_private_entry(entry)) {
				report_add(what,
					   "%swritable, the primary's "
					   "device-private entry is read-only",
					   bad ? "; " : "");
				return true;
			}
			return bad;
		}
	}
	if (!pte_present(a, pte)) {
		report_add(what, "%sthe primary maps nothing there",
			   bad ? "; " : "");
		return true;
	}
	if (pte_pfn(a, pte) != pfn) {
		report_add(what, "%sthe primary maps pfn 0x%lx there",
			   bad ? "; " : "", pte_pfn(a, pte));
		return true;
	}
	if (!msim_pte_allows(a, pte, false, false)) {
		report_add(what, "%sthe primary PTE allows no access",
			   bad ? "; " : "");
		return true;
	}
	if (sm->writable && !pte_write(a, pte)) {
		report_add(what, "%swritable, the primary PTE is read-only",
			   bad ? "; " : "");
		return true;
	}
	return bad;
}

/*
 * The invalidation @sm missed: the first logged one covering its address
 * that had not ended when the driver read the primary translation.
 */
static const struct logged_invalidation *
missed_invalidation(struct msim_coherence *c,
		    const struct msim_secondary_mapping *sm)
{
	size_t i;

	for (i = 0; i < c->nr_log; i++) {
		const struct logged_invalidation *e = &c->log[i];

		if (e->start <= sm->address && sm->address < e->end &&
		    (!e->t_end || e->t_end > sm->seen))
			return e;
	}
	return NULL;
}

unsigned long msim_coherence_check(struct msim_coherence *c, char *report,
				   size_t size)
{
	struct report r = { report, size, 0 };
	struct msim_secondary_mapping *sm;
	const struct logged_invalidation *e;
	unsigned long bad = 0;
	char what[160];

	if (report && size)
		report[0] = '\0';
	spin_lock(&c->mm->page_table_lock);
	pthread_mutex_lock(&c->lock);
	list_for_each_entry(sm, &c->mappings, node) {
		struct report w = { what, sizeof(what), 0 };

		what[0] = '\0';
		if (!mapping_violation(c, sm, &w))
			continue;
		bad++;
		report_add(&r,
			   "%s: 0x%lx -> pfn 0x%lx %s (seen t%lu, "
			   "established t%lu): %s; ",
			   sm->driver, sm->address, page_to_pfn(sm->page),
			   sm->writable ? "rw" : "ro", sm->seen,
			   sm->established, what);
		e = missed_invalidation(c, sm);
		if (!e)
			report_add(&r,
				   "no invalidation of it logged since "
				   "t%lu\n",
				   sm->seen);
		else if (e->t_end)
			report_add(&r, "missed %s [0x%lx, 0x%lx) t%lu-t%lu\n",
				   msim_notify_event_name(e->event), e->start,
				   e->end, e->t_start, e->t_end);
		else
			report_add(&r,
				   "missed %s [0x%lx, 0x%lx) t%lu-running\n",
				   msim_notify_event_name(e->event), e->start,
				   e->end, e->t_start);
	}
	pthread_mutex_unlock(&c->lock);
	spin_unlock(&c->mm->page_table_lock);
	return bad;
}
