// SPDX-License-Identifier: MIT
/*
 * A lock-order checker in the manner of lockdep.
 *
 * Locks are grouped in classes by name ("mmap_lock", "kvm->mmu_lock"):
 * every mm's mmap lock is one class, as every mm_struct's is one lockdep
 * class in the kernel.  Taking a lock of class B while holding one of
 * class A teaches the order A -> B, with the two sites; having learnt
 * both A -> B and B -> A is an inversion: two threads doing one each can
 * deadlock, whether or not this schedule made them.  Orders within one
 * class (fork takes the parent's mmap lock, then the child's) are not
 * learnt, as lockdep's nesting annotations would say.
 *
 * SRCU read sections and the notifiers' "invalidate_seq" window are held
 * like locks: a lock taken inside them is ordered after them, and a wait
 * for them (synchronize_srcu(), mmu_interval_read_begin()) is ordered
 * after the locks held, as lockdep's annotations of both do; an SRCU read
 * section itself is never ordered after a lock (readers do not wait).
 *
 * A context learns within one run, or across the runs of one replay
 * ("S1+S2"); the explorer learns across all runs of a search from the
 * edges each run reports, and reports an inversion found between two runs
 * with both runs' schedules.  The message is the same either way: the two
 * orders in a fixed order, each with its thread and both sites.
 */
#include <stdlib.h>
#include <string.h>
#include "run.h"

struct lockdep {
	struct ledge *edges;
	unsigned int nedges;
	/* Inversions reported: pairs of classes, the smaller first. */
	char **reported;
	unsigned int nreported;
};

struct lockdep *lockdep_create(void)
{
	return xcalloc(1, sizeof(struct lockdep));
}

void ledge_free(struct ledge *e)
{
	free(e->from);
	free(e->to);
	free(e->held_site);
	free(e->site);
	free(e->thread);
	free(e->schedule);
	memset(e, 0, sizeof(*e));
}

void lockdep_destroy(struct lockdep *ld)
{
	unsigned int i;

	if (!ld)
		return;
	for (i = 0; i < ld->nedges; i++)
		ledge_free(&ld->edges[i]);
	free(ld->edges);
	for (i = 0; i < ld->nreported; i++)
		free(ld->reported[i]);
	free(ld->reported);
	free(ld);
}

static struct ledge *find_edge(struct lockdep *ld, const char *from,
			       const char *to)
{
	unsigned int i;

	for (i = 0; i < ld->nedges; i++)
		if (!strcmp(ld->edges[i].from, from) &&
		    !strcmp(ld->edges[i].to, to))
			return &ld->edges[i];
	return NULL;
}

char *lockdep_inversion_message(const struct ledge *x, const struct ledge *y)
{
	const struct ledge *ab = strcmp(x->from, x->to) < 0 ? x : y;
	const struct ledge *ba = ab == x ? y : x;

	return xasprintf("%s and %s are taken in both orders\n"
			 "%s takes %s at %s while holding %s (taken at %s)\n"
			 "%s takes %s at %s while holding %s (taken at %s)",
			 ab->from, ab->to, ab->thread, ab->to, ab->site,
			 ab->from, ab->held_site, ba->thread, ba->to, ba->site,
			 ba->from, ba->held_site);
}

static void copy_edge(struct ledge *dst, const struct ledge *src)
{
	dst->from = xstrdup(src->from);
	dst->to = xstrdup(src->to);
	dst->held_site = xstrdup(src->held_site);
	dst->site = xstrdup(src->site);
	dst->thread = xstrdup(src->thread);
	dst->schedule = src->schedule ? xstrdup(src->schedule) : NULL;
}

static bool reported(struct lockdep *ld, const char *a, const char *b)
{
	char *key = strcmp(a, b) < 0 ? xasprintf("%s\n%s", a, b)
				     : xasprintf("%s\n%s", b, a);
	unsigned int i;

	for (i = 0; i < ld->nreported; i++) {
		if (!strcmp(ld->reported[i], key)) {
			free(key);
			return true;
		}
	}
	ld->reported = xrealloc(ld->reported,
				(ld->nreported + 1) * sizeof(*ld->reported));
	ld->reported[ld->nreported++] = key;
	return false;
}

void lockdep_acquire(struct msim_run *run, struct sthread *t, const char *name,
		     const char *func, const char *file, int line)
{
	struct lockdep *ld = run->ld;
	char site[160], held_site[160];
	struct ledge e, *rev;
	int i;

	if (!ld || !name)
		return;
	for (i = 0; i < t->nheld; i++) {
		const struct held *h = &t->held[i];

		if (!h->name || !strcmp(h->name, name) ||
		    find_edge(ld, h->name, name))
			continue;
		site_format(site, sizeof(site), func, file, line);
		site_format(held_site, sizeof(held_site), h->func, h->file,
			    h->line);
		e.from = (char *)h->name;
		e.to = (char *)name;
		e.site = site;
		e.held_site = held_site;
		e.thread = t->name;
		e.schedule = NULL;
		ld->edges = xrealloc(ld->edges,
				     (ld->nedges + 1) * sizeof(*ld->edges));
		copy_edge(&ld->edges[ld->nedges++], &e);
		run->edges = xrealloc(run->edges,
				      (run->nedges + 1) * sizeof(*run->edges));
		copy_edge(&run->edges[run->nedges++], &e);
		rev = find_edge(ld, name, h->name);
		if (rev && !reported(ld, name, h->name))
			run_add_fail(run, "lock-order",
				     lockdep_inversion_message(
					     &ld->edges[ld->nedges - 1], rev));
	}
}
