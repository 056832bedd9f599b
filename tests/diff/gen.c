// SPDX-License-Identifier: MIT
/*
 * Random op sequences.  Uniformly random ranges in a 256-page window would
 * rarely meet, and the interesting code - VMA split and merge, VM_ACCOUNT,
 * anon_vma compatibility - runs when ops land on or next to the edges of
 * earlier ones.  So each sequence has a focus of a few dozen pages that
 * most ops fall into, and ops often start or end exactly at an edge a
 * previous op had.  A few scripted bursts replay the patterns known to be
 * delicate (RW->R->RW with and without a write fault in between, a mapping
 * placed against a touched or untouched neighbour).  A small share of ops
 * gets invalid arguments so that the error paths and their order are
 * compared too.  Every range stays inside the window, but for lengths and
 * addresses every call refuses before it looks at a VMA: an op that acted
 * outside it could damage the native child's own mappings (op_is_safe()
 * in scenario.c checks each op before the child runs it).
 *
 * A share of the sequences (--fork, half by default) fork once, somewhere
 * in the middle: before the fork they poke bytes into a few pages and
 * madvise some of those with MADV_WIPEONFORK, MADV_DONTFORK,
 * MADV_DONTNEED or MADV_PAGEOUT, and after it both tasks, taking turns at
 * random, peek at the poked bytes and poke new ones among the other ops,
 * so that what copy-on-write, wipe-on-fork, dont-fork, dont-need and
 * pageout (which, with no swap on either side, keeps the pages) leave in
 * each of them is compared byte by byte.  The other sequences are exactly what
 * the generator made before it knew of forks (--fork 0: all of them).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "diff.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#endif

/** diff_rand - splitmix64: tiny, and the same on every host */
uint64_t diff_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#define NR_EDGES 16
#define NR_HOT 16

/* --no-grows: leave PROT_GROWSDOWN and PROT_GROWSUP out of mprotect. */
bool diff_gen_no_grows;
/* --focus N: the focus is N pages (0: random, 8 to 47, or the window). */
unsigned long diff_gen_focus;
/* --fork N: the percentage of sequences that fork. */
unsigned int diff_gen_fork_pct = 50;

struct gen {
	uint64_t rng;
	unsigned long base;
	unsigned long focus_lo, focus_n; /* pages */
	unsigned long edges[NR_EDGES];	 /* page numbers, 0..256 */
	int nr_edges, next_edge;
	/*
	 * Roughly what is mapped, as the generator's own ops would leave it:
	 * in each task, and @mapped for the one that new ops go to, @task.
	 */
	bool mapped_of[DIFF_NR_TASKS][DIFF_WINDOW_PAGES];
	bool *mapped;
	int task;
	/* Pages init has madvised MADV_DONTFORK: not mapped in the child. */
	bool dontfork[DIFF_WINDOW_PAGES];
	/* Addresses poked, for peeks to look at again. */
	unsigned long hot[NR_HOT];
	int nr_hot, next_hot;
	struct diff_seq *seq;
	int max_ops;
};

static unsigned long rnd(struct gen *g, unsigned long n)
{
	return n ? diff_rand(&g->rng) % n : 0;
}

static bool chance(struct gen *g, unsigned int percent)
{
	return rnd(g, 100) < percent;
}

static void remember_edge(struct gen *g, unsigned long page)
{
	g->edges[g->next_edge] = page;
	g->next_edge = (g->next_edge + 1) % NR_EDGES;
	if (g->nr_edges < NR_EDGES)
		g->nr_edges++;
}

/* A start page, 0..255. */
static unsigned long pick_page(struct gen *g)
{
	unsigned long p;
	unsigned int r = rnd(g, 100);

	if (r < 35 && g->nr_edges) {
		p = g->edges[rnd(g, g->nr_edges)];
		switch (rnd(g, 6)) {
		case 0:
			p = p ? p - 1 : p;
			break;
		case 1:
			p++;
			break;
		}
	} else if (r < 85) {
		p = g->focus_lo + rnd(g, g->focus_n);
	} else {
		p = rnd(g, DIFF_WINDOW_PAGES);
	}
	return p < DIFF_WINDOW_PAGES ? p : DIFF_WINDOW_PAGES - 1;
}

/* A length in pages for a range starting at @start, inside the window. */
static unsigned long pick_npages(struct gen *g, unsigned long start)
{
	unsigned long n, room = DIFF_WINDOW_PAGES - start;
	unsigned int r = rnd(g, 100);

	if (r < 50)
		n = 1 + rnd(g, 4);
	else if (r < 80)
		n = 1 + rnd(g, 16);
	else if (r < 95)
		n = 1 + rnd(g, 64);
	else
		n = 1 + rnd(g, DIFF_WINDOW_PAGES);
	/* Ending on a remembered edge makes exact neighbours. */
	if (chance(g, 25) && g->nr_edges) {
		unsigned long e = g->edges[rnd(g, g->nr_edges)];

		if (e > start)
			n = e - start;
	}
	return n < room ? n : room;
}

/* Bytes for @npages: sometimes short of a page multiple (rounded up). */
static unsigned long make_len(struct gen *g, unsigned long npages)
{
	unsigned long len = npages * DIFF_PAGE_SIZE;

	if (chance(g, 15))
		len -= 1 + rnd(g, DIFF_PAGE_SIZE - 1);
	return len;
}

static unsigned long pick_prot(struct gen *g)
{
	/* clang-format off */
	static const unsigned long prots[] = {
		PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE,
		PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE,
		PROT_READ, PROT_READ, PROT_READ,
		PROT_NONE, PROT_NONE,
		PROT_READ | PROT_WRITE | PROT_EXEC,
		PROT_READ | PROT_EXEC,
		PROT_WRITE,
		PROT_EXEC,
		PROT_WRITE | PROT_EXEC,
	};
	/* clang-format on */

	return prots[rnd(g, sizeof(prots) / sizeof(prots[0]))];
}

/*
 * PROT_SEM is valid for mprotect() on x86; PROT_GROWSDOWN or PROT_GROWSUP
 * is refused on VMAs that do not grow (-EINVAL; -ENOMEM if the range is
 * empty), and both at once always.
 */
static unsigned long odd_prot_bits(struct gen *g)
{
	unsigned int r = rnd(g, 100);

	if (diff_gen_no_grows && r >= 3)
		r = 99;
	switch (r) {
	case 0:
	case 1:
	case 2:
		return DIFF_PROT_SEM;
	case 3:
		return DIFF_PROT_GROWSDOWN;
	case 4:
		return DIFF_PROT_GROWSUP;
	case 5:
		return chance(g, 50) ? DIFF_PROT_GROWSDOWN | DIFF_PROT_GROWSUP
				     : 0;
	default:
		return 0;
	}
}

static int pick_advice(struct gen *g)
{
	/* clang-format off */
	static const int advice[] = {
		MADV_DONTNEED, MADV_DONTNEED, MADV_DONTNEED,
		MADV_DONTFORK, MADV_DONTFORK, MADV_DOFORK, MADV_DOFORK,
		MADV_WIPEONFORK, MADV_WIPEONFORK,
		MADV_KEEPONFORK, MADV_KEEPONFORK,
		MADV_NORMAL, MADV_NORMAL, MADV_RANDOM, MADV_RANDOM,
		MADV_SEQUENTIAL, MADV_SEQUENTIAL,
		MADV_WILLNEED, MADV_DONTDUMP, MADV_DODUMP,
		MADV_HUGEPAGE, MADV_NOHUGEPAGE,
		MADV_PAGEOUT, MADV_PAGEOUT,
	};
	/* clang-format on */

	return advice[rnd(g, sizeof(advice) / sizeof(advice[0]))];
}

/*
 * Lengths that wrap or exceed the address space.  The wrapping ones are
 * refused by every call before any VMA is looked at (mprotect: end <=
 * start, madvise: end < start, munmap: len > TASK_SIZE - start, mmap:
 * PAGE_ALIGN(len) == 0 or len > TASK_SIZE).  The merely long ones are
 * refused as well by mmap and munmap, and mprotect stops at the first
 * hole, the guard page after the window at the latest; but madvise would
 * go on to the child's own libraries and stack, so it never gets one.
 * op_is_safe() in scenario.c holds the same rules.
 */
static unsigned long huge_len(struct gen *g, const struct diff_op *op)
{
	unsigned int n =
		op->kind == DIFF_MADVISE || (op->prot & (DIFF_PROT_GROWSDOWN |
							 DIFF_PROT_GROWSUP))
			? 3
			: 5;

	switch (rnd(g, n)) {
	case 0:
		return ~0UL;
	case 1:
		return ~0UL & DIFF_PAGE_MASK;
	case 2:
		return 0 - op->addr;
	case 3:
		return 1UL << 47;
	default:
		return DIFF_TASK_SIZE + DIFF_PAGE_SIZE;
	}
}

static struct diff_op *new_op(struct gen *g, enum diff_op_kind kind)
{
	struct diff_op *op = &g->seq->ops[g->seq->nr_ops++];

	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->task = g->task;
	return op;
}

static bool full(struct gen *g)
{
	return g->seq->nr_ops >= g->max_ops;
}

static void set_mapped(struct gen *g, unsigned long p, unsigned long n,
		       bool mapped)
{
	for (unsigned long i = p; i < p + n && i < DIFF_WINDOW_PAGES; i++)
		g->mapped[i] = mapped;
}

static bool any_mapped(struct gen *g, unsigned long p, unsigned long n)
{
	for (unsigned long i = p; i < p + n && i < DIFF_WINDOW_PAGES; i++)
		if (g->mapped[i])
			return true;
	return false;
}

/*
 * A range inside what is mapped, so that most calls do something rather
 * than fail on a hole: a random mapped page, the run of mapped pages
 * around it, and a piece of that run that often reaches one of its ends.
 */
static bool pick_mapped_range(struct gen *g, unsigned long *pp,
			      unsigned long *pn)
{
	unsigned long p = 0, lo, hi, a, b;
	int tries;

	for (tries = 0; tries < 16; tries++) {
		p = tries < 12 ? g->focus_lo + rnd(g, g->focus_n)
			       : rnd(g, DIFF_WINDOW_PAGES);
		if (g->mapped[p])
			break;
	}
	if (tries == 16)
		return false;
	for (lo = p; lo > 0 && g->mapped[lo - 1]; lo--)
		;
	for (hi = p + 1; hi < DIFF_WINDOW_PAGES && g->mapped[hi]; hi++)
		;
	a = chance(g, 30) ? lo : lo + rnd(g, hi - lo);
	b = chance(g, 30) ? hi : a + 1 + rnd(g, hi - a);
	*pp = a;
	*pn = b - a;
	return true;
}

/* A range op (munmap, mprotect, madvise, touch) on pick_page/pick_npages. */
static struct diff_op *range_op(struct gen *g, enum diff_op_kind kind)
{
	struct diff_op *op = new_op(g, kind);
	unsigned long p, n;

	if (!chance(g, 75) || !pick_mapped_range(g, &p, &n)) {
		p = pick_page(g);
		n = pick_npages(g, p);
	}
	if (kind == DIFF_MUNMAP)
		set_mapped(g, p, n, false);

	op->addr = g->base + p * DIFF_PAGE_SIZE;
	op->len = kind == DIFF_TOUCH ? n * DIFF_PAGE_SIZE : make_len(g, n);
	if (chance(g, 70)) {
		remember_edge(g, p);
		remember_edge(g, p + n);
	}
	return op;
}

/*
 * Turn a valid op into one of the invalid variants.  Now and then two of
 * them at once, since which error wins is part of what is compared.
 */
static void make_invalid(struct gen *g, struct diff_op *op)
{
	if (chance(g, 20))
		make_invalid(g, op);
	switch (rnd(g, 4)) {
	case 0:
		/* Once only: a second offset could carry into the next page. */
		if ((op->kind != DIFF_MMAP || (op->flags & MAP_FIXED)) &&
		    !(op->addr & ~DIFF_PAGE_MASK)) {
			op->addr += 1 + rnd(g, DIFF_PAGE_SIZE - 1);
			break;
		}
		/* A hint may be unaligned: spoil the length instead. */
		/* fall through */
	case 1:
		op->len = 0;
		break;
	case 2:
		op->len = huge_len(g, op);
		break;
	default:
		if (op->kind == DIFF_MADVISE)
			op->advice = DIFF_MADV_BOGUS;
		else if (op->kind == DIFF_MPROTECT)
			op->prot |= DIFF_PROT_BOGUS;
		else if (op->kind == DIFF_MMAP && chance(g, 50))
			op->flags &= ~(unsigned long)MAP_PRIVATE;
		else
			op->len = 0;
		break;
	}
}

static void gen_mmap(struct gen *g, unsigned long page, unsigned long npages)
{
	struct diff_op *op = new_op(g, DIFF_MMAP);
	unsigned int r = rnd(g, 100);

	op->addr = g->base + page * DIFF_PAGE_SIZE;
	op->len = make_len(g, npages);
	op->prot = pick_prot(g);
	/* mmap() ignores prot bits it does not know. */
	if (chance(g, 3))
		op->prot |= chance(g, 50) ? DIFF_PROT_SEM : DIFF_PROT_BOGUS;
	op->flags = MAP_PRIVATE | MAP_ANONYMOUS;
	if (r < 45) {
		op->flags |= MAP_FIXED;
	} else if (r < 65) {
		op->flags |= MAP_FIXED_NOREPLACE;
	} else if (r < 67) {
		op->flags |= MAP_FIXED | MAP_FIXED_NOREPLACE;
	} else if (r < 72) {
		op->addr = 0; /* no hint: placed outside the window */
	} else if (chance(g, 15)) {
		/* A hint is rounded down to a page, not refused. */
		op->addr += 1 + rnd(g, DIFF_PAGE_SIZE - 1);
	}
	if (chance(g, 25))
		op->flags |= MAP_NORESERVE;
	if (chance(g, 15))
		op->flags |= MAP_POPULATE;
	/* MAP_STACK sets VM_NOHUGEPAGE; MAP_NONBLOCK cancels MAP_POPULATE. */
	if (chance(g, 4))
		op->flags |= MAP_STACK;
	if (chance(g, 3))
		op->flags |= MAP_NONBLOCK;
	/*
	 * Bits a private anonymous mmap() ignores: an unused one,
	 * MAP_UNINITIALIZED (off in any normal config) and a MAP_HUGE_*
	 * size without MAP_HUGETLB.
	 */
	if (chance(g, 2)) {
		/* clang-format off */
		static const unsigned long ignored[] = {
			0x200000, 0x4000000, 21UL << 26,
		};
		/* clang-format on */

		op->flags |= ignored[rnd(g, 3)];
	}
	if (chance(g, 5))
		make_invalid(g, op);
	if (op->flags & MAP_FIXED_NOREPLACE) {
		if (!any_mapped(g, page, npages))
			set_mapped(g, page, npages, true);
	} else if (op->flags & MAP_FIXED) {
		set_mapped(g, page, npages, true);
	} else if (op->addr && !any_mapped(g, page, npages)) {
		set_mapped(g, page, npages, true);
	}
	remember_edge(g, page);
	remember_edge(g, page + npages);
}

/*
 * An op at the top of the address space, which every call must refuse
 * without looking at a VMA: an mmap that would end above TASK_SIZE, and
 * munmap, mprotect and madvise at or above it, where nothing is mapped.
 */
static void gen_far(struct gen *g)
{
	/*
	 * Not below TASK_SIZE except for the mmap: without ASLR the stack
	 * ends right at TASK_SIZE, and its top page is no place for a test
	 * to mprotect or madvise.
	 */
	/* clang-format off */
	static const unsigned long addrs[] = {
		DIFF_TASK_SIZE, DIFF_TASK_SIZE + DIFF_PAGE_SIZE,
		DIFF_TASK_SIZE - DIFF_PAGE_SIZE,
	};
	/* clang-format on */
	unsigned long addr = addrs[rnd(g, 2)];
	struct diff_op *op;

	switch (rnd(g, 4)) {
	case 0:
		op = new_op(g, DIFF_MMAP);
		addr = addrs[rnd(g, 3)];
		op->prot = PROT_READ | PROT_WRITE;
		op->flags = MAP_PRIVATE | MAP_ANONYMOUS |
			    (chance(g, 50) ? MAP_FIXED : MAP_FIXED_NOREPLACE);
		/* Always past TASK_SIZE, so always -ENOMEM. */
		op->len = DIFF_TASK_SIZE + 2 * DIFF_PAGE_SIZE - addr;
		break;
	case 1:
		op = new_op(g, DIFF_MUNMAP);
		op->len = (1 + rnd(g, 3)) * DIFF_PAGE_SIZE;
		break;
	case 2:
		op = new_op(g, DIFF_MPROTECT);
		op->len = (1 + rnd(g, 3)) * DIFF_PAGE_SIZE;
		op->prot = pick_prot(g);
		break;
	default:
		op = new_op(g, DIFF_MADVISE);
		op->len = (1 + rnd(g, 3)) * DIFF_PAGE_SIZE;
		op->advice = pick_advice(g);
		break;
	}
	op->addr = addr;
}

/* Keep track of MADV_DONTFORK and MADV_DOFORK, roughly (draws nothing). */
static void note_advice(struct gen *g, const struct diff_op *op)
{
	unsigned long p, n;

	if ((op->advice != MADV_DONTFORK && op->advice != MADV_DOFORK) ||
	    op->addr < g->base || op->addr >= g->base + DIFF_WINDOW_SIZE ||
	    op->len > DIFF_WINDOW_SIZE)
		return;
	p = (op->addr - g->base) / DIFF_PAGE_SIZE;
	n = (op->len + DIFF_PAGE_SIZE - 1) / DIFF_PAGE_SIZE;
	for (unsigned long i = p; i < p + n && i < DIFF_WINDOW_PAGES; i++)
		g->dontfork[i] = op->advice == MADV_DONTFORK;
}

static void gen_one(struct gen *g)
{
	struct diff_op *op;
	unsigned int r = rnd(g, 100);

	if (chance(g, 2)) {
		gen_far(g);
	} else if (r < 24) {
		unsigned long p = pick_page(g);

		gen_mmap(g, p, pick_npages(g, p));
	} else if (r < 32) {
		op = range_op(g, DIFF_MUNMAP);
		if (chance(g, 6))
			make_invalid(g, op);
	} else if (r < 60) {
		op = range_op(g, DIFF_MPROTECT);
		op->prot = pick_prot(g) | odd_prot_bits(g);
		if (chance(g, 6))
			make_invalid(g, op);
	} else if (r < 78) {
		op = range_op(g, DIFF_MADVISE);
		op->advice = pick_advice(g);
		if (chance(g, 6))
			make_invalid(g, op);
		note_advice(g, op);
	} else {
		op = range_op(g, DIFF_TOUCH);
		op->write = chance(g, 60);
	}
}

/*
 * RW -> R -> RW over part of a mapping, with or without a write fault
 * first: whether the VMA has an anon_vma decides whether mprotect may drop
 * VM_ACCOUNT and whether the pieces merge back.
 */
static void gen_burst_mprotect(struct gen *g)
{
	unsigned long p = pick_page(g), n = pick_npages(g, p);
	unsigned long addr = g->base + p * DIFF_PAGE_SIZE;
	struct diff_op *op;

	if (chance(g, 50)) {
		op = new_op(g, DIFF_TOUCH);
		op->addr = addr;
		op->len = (1 + rnd(g, n)) * DIFF_PAGE_SIZE;
		op->write = true;
	}
	if (full(g))
		return;
	op = new_op(g, DIFF_MPROTECT);
	op->addr = addr;
	op->len = n * DIFF_PAGE_SIZE;
	op->prot = PROT_READ;
	if (full(g))
		return;
	op = new_op(g, DIFF_MPROTECT);
	op->addr = addr;
	op->len = n * DIFF_PAGE_SIZE;
	op->prot = PROT_READ | PROT_WRITE;
	remember_edge(g, p);
	remember_edge(g, p + n);
}

/* A mapping against the start or end of an earlier range. */
static void gen_burst_neighbour(struct gen *g)
{
	unsigned long e, n = 1 + rnd(g, 8);
	bool after = chance(g, 50);

	e = g->nr_edges ? g->edges[rnd(g, g->nr_edges)] : 0;
	if (!g->nr_edges || (after && e >= DIFF_WINDOW_PAGES) ||
	    (!after && e == 0)) {
		gen_one(g);
		return;
	}
	if (after) {
		if (e + n > DIFF_WINDOW_PAGES)
			n = DIFF_WINDOW_PAGES - e;
		gen_mmap(g, e, n);
	} else {
		if (n > e)
			n = e;
		gen_mmap(g, e - n, n);
	}
}

/* One step of the plain mix: a scripted burst now and then, else one op. */
static void gen_step(struct gen *g)
{
	unsigned int r = rnd(g, 100);

	if (r < 6)
		gen_burst_mprotect(g);
	else if (r < 14)
		gen_burst_neighbour(g);
	else
		gen_one(g);
}

/* --- fork sequences ----------------------------------------------------- */

static void remember_hot(struct gen *g, unsigned long addr)
{
	g->hot[g->next_hot] = addr;
	g->next_hot = (g->next_hot + 1) % NR_HOT;
	if (g->nr_hot < NR_HOT)
		g->nr_hot++;
}

/* A page of the window, mapped if one can be found soon. */
static unsigned long pick_mapped_page(struct gen *g)
{
	unsigned long p, n;

	if (pick_mapped_range(g, &p, &n))
		return p + rnd(g, n);
	return pick_page(g);
}

static void gen_poke_at(struct gen *g, unsigned long page)
{
	struct diff_op *op = new_op(g, DIFF_POKE);

	op->addr = g->base + page * DIFF_PAGE_SIZE + rnd(g, DIFF_PAGE_SIZE);
	op->byte = (unsigned char)(1 + rnd(g, 255));
	remember_hot(g, op->addr);
}

/* A poke: often on a page poked before, to be copied on write again. */
static void gen_poke(struct gen *g)
{
	if (g->nr_hot && chance(g, 40)) {
		struct diff_op *op = new_op(g, DIFF_POKE);

		op->addr = g->hot[rnd(g, g->nr_hot)];
		op->byte = (unsigned char)(1 + rnd(g, 255));
		return;
	}
	gen_poke_at(g, pick_mapped_page(g));
}

/* A peek: mostly at a byte poked before. */
static void gen_peek(struct gen *g)
{
	struct diff_op *op = new_op(g, DIFF_PEEK);

	if (g->nr_hot && chance(g, 80))
		op->addr = g->hot[rnd(g, g->nr_hot)];
	else
		op->addr = g->base + pick_mapped_page(g) * DIFF_PAGE_SIZE +
			   rnd(g, DIFF_PAGE_SIZE);
}

static int pick_fork_advice(struct gen *g)
{
	/* clang-format off */
	static const int advice[] = {
		MADV_WIPEONFORK, MADV_WIPEONFORK, MADV_WIPEONFORK,
		MADV_DONTFORK, MADV_DONTFORK, MADV_DONTFORK,
		MADV_DONTNEED, MADV_DONTNEED, MADV_DONTNEED,
		MADV_KEEPONFORK, MADV_DOFORK,
		MADV_PAGEOUT, MADV_PAGEOUT,
	};
	/* clang-format on */

	return advice[rnd(g, sizeof(advice) / sizeof(advice[0]))];
}

/* madvise, with the advice that matters to fork, around a poked byte. */
static void gen_fork_advice(struct gen *g)
{
	struct diff_op *op = new_op(g, DIFF_MADVISE);
	unsigned long p, n;

	if (g->nr_hot && chance(g, 70)) {
		p = (g->hot[rnd(g, g->nr_hot)] - g->base) / DIFF_PAGE_SIZE;
		if (p && chance(g, 30))
			p--;
		n = 1 + rnd(g, 3);
	} else if (!pick_mapped_range(g, &p, &n)) {
		p = pick_page(g);
		n = 1 + rnd(g, 4);
	}
	if (n > DIFF_WINDOW_PAGES - p)
		n = DIFF_WINDOW_PAGES - p;
	op->addr = g->base + p * DIFF_PAGE_SIZE;
	op->len = make_len(g, n);
	op->advice = g->task == DIFF_TASK_CHILD && chance(g, 50)
			     ? MADV_DONTNEED
			     : pick_fork_advice(g);
	note_advice(g, op);
	remember_edge(g, p);
	remember_edge(g, p + n);
}

/*
 * What comes just before the fork: bytes poked into a few pages of a
 * mapping (made writable first, more often than not), and some of those
 * pages madvised.  At most @room ops.
 */
static void gen_fork_script(struct gen *g, int room)
{
	unsigned long p, n;
	int pokes = 2 + (int)rnd(g, 4), advs = 1 + (int)rnd(g, 2);

	if (!pick_mapped_range(g, &p, &n)) {
		p = g->focus_lo;
		n = g->focus_n;
	}
	if (room > advs + 1 && chance(g, 60)) {
		struct diff_op *op = new_op(g, DIFF_MPROTECT);

		op->addr = g->base + p * DIFF_PAGE_SIZE;
		op->len = n * DIFF_PAGE_SIZE;
		op->prot = PROT_READ | PROT_WRITE;
		room--;
	}
	for (int i = 0; i < pokes && room > advs; i++, room--)
		gen_poke_at(g, p + rnd(g, n));
	for (int i = 0; i < advs && room > 0; i++, room--)
		gen_fork_advice(g);
}

/* One op after the fork, by either task. */
static void gen_after_fork(struct gen *g)
{
	unsigned int r = rnd(g, 100);

	if (r < 30)
		gen_peek(g);
	else if (r < 48)
		gen_poke(g);
	else if (r < 56)
		gen_fork_advice(g);
	else
		gen_step(g);
}

/*
 * A sequence with a fork: about a third of the ops before it, the rest
 * shared out between init and the child, with runs of turns by one of
 * them; sometimes the child exits before the end.
 */
static void gen_fork_seq(struct gen *g)
{
	int n = g->max_ops, fork_at, exit_at = -1;
	bool scripted = false, child = false;

	fork_at = 1 + (n - 2) * (20 + (int)rnd(g, 30)) / 100;
	while (g->seq->nr_ops < fork_at) {
		int room = fork_at - g->seq->nr_ops;
		unsigned int r = rnd(g, 100);

		if (!scripted && room <= 7 && chance(g, 80)) {
			gen_fork_script(g, room);
			scripted = true;
		} else if (r < 18) {
			gen_poke(g);
		} else if (r < 26) {
			gen_peek(g);
		} else if (r < 36) {
			gen_fork_advice(g);
		} else if (room >= 3) {
			gen_step(g);
		} else {
			gen_one(g);
		}
	}
	if (full(g))
		return;
	new_op(g, DIFF_FORK);
	for (unsigned long p = 0; p < DIFF_WINDOW_PAGES; p++)
		g->mapped_of[DIFF_TASK_CHILD][p] =
			g->mapped_of[DIFF_TASK_INIT][p] && !g->dontfork[p];
	child = true;
	if (chance(g, 20) && n - g->seq->nr_ops > 2)
		exit_at = g->seq->nr_ops + 1 +
			  (int)rnd(g, n - g->seq->nr_ops - 1);
	while (!full(g)) {
		if (g->seq->nr_ops == exit_at) {
			g->task = DIFF_TASK_CHILD;
			new_op(g, DIFF_EXIT);
			child = false;
			g->task = DIFF_TASK_INIT;
			continue;
		}
		if (child && !chance(g, 60))
			g->task = DIFF_TASK_CHILD - g->task;
		g->mapped = g->mapped_of[g->task];
		gen_after_fork(g);
	}
	g->task = DIFF_TASK_INIT;
	g->mapped = g->mapped_of[DIFF_TASK_INIT];
}

/* Whether the sequence of @seed forks: its own stream, not the ops'. */
static bool seed_forks(unsigned long seed)
{
	uint64_t s = seed ^ 0x6a09e667f3bcc909ULL;

	return diff_rand(&s) % 100 < diff_gen_fork_pct;
}

/**
 * diff_gen - the sequence of @seed: @nr_ops ops in the window at @base
 */
void diff_gen(struct diff_seq *seq, unsigned long seed, unsigned long base,
	      int nr_ops)
{
	struct gen g = { 0 };

	seq->seed = seed;
	seq->base = base;
	seq->nr_ops = 0;
	seq->ops = calloc(nr_ops > 0 ? nr_ops : 1, sizeof(*seq->ops));
	if (!seq->ops)
		abort();

	g.rng = seed * 0x2545f4914f6cdd1dULL + 1;
	g.base = base;
	g.seq = seq;
	g.max_ops = nr_ops;
	g.task = DIFF_TASK_INIT;
	g.mapped = g.mapped_of[DIFF_TASK_INIT];
	g.focus_n = chance(&g, 85) ? 8 + rnd(&g, 40) : DIFF_WINDOW_PAGES;
	if (diff_gen_focus)
		g.focus_n = diff_gen_focus < DIFF_WINDOW_PAGES
				    ? diff_gen_focus
				    : DIFF_WINDOW_PAGES;
	g.focus_lo = rnd(&g, DIFF_WINDOW_PAGES - g.focus_n + 1);

	/* Start with something mapped across (most of) the focus. */
	if (!full(&g)) {
		unsigned long p = g.focus_lo, n = g.focus_n;

		if (chance(&g, 40)) {
			p += rnd(&g, g.focus_n / 2 + 1);
			n = 1 + rnd(&g, g.focus_lo + g.focus_n - p);
		}
		gen_mmap(&g, p, n);
	}
	if (nr_ops >= 4 && seed_forks(seed))
		gen_fork_seq(&g);
	while (!full(&g))
		gen_step(&g);
}

void diff_seq_free(struct diff_seq *seq)
{
	free(seq->ops);
	seq->ops = NULL;
	seq->nr_ops = 0;
}
