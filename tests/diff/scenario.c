// SPDX-License-Identifier: MIT
/*
 * The text both sides agree on: errno names, the one-line form of a VMA
 * that is compared, and the `mmsim run` scenario form of an op sequence,
 * which is printed with every difference so that it can be replayed, and
 * read back by --scenario so that a reduced case can be rerun here.
 */
#include <ctype.h>
#include <errno.h>
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

struct name_val {
	const char *name;
	unsigned long val;
};

/* The names `mmsim run` knows the tasks by: the first one is "init". */
const char *const diff_task_names[DIFF_NR_TASKS] = { "init", "child" };

/* clang-format off */
static const struct name_val errnos[] = {
	{ "EPERM", EPERM },	{ "ENOENT", ENOENT },	{ "EINTR", EINTR },
	{ "EIO", EIO },		{ "EBADF", EBADF },	{ "EAGAIN", EAGAIN },
	{ "ENOMEM", ENOMEM },	{ "EACCES", EACCES },	{ "EFAULT", EFAULT },
	{ "EBUSY", EBUSY },	{ "EEXIST", EEXIST },	{ "ENODEV", ENODEV },
	{ "EINVAL", EINVAL },	{ "ENOSPC", ENOSPC },	{ "ERANGE", ERANGE },
	{ "ENOSYS", ENOSYS },	{ "EOVERFLOW", EOVERFLOW },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "EUCLEAN", EUCLEAN },
	{ NULL, 0 }
};
/* clang-format on */

/* clang-format off */
static const struct name_val prots[] = {
	{ "PROT_READ", PROT_READ },
	{ "PROT_WRITE", PROT_WRITE },
	{ "PROT_EXEC", PROT_EXEC },
	{ "PROT_SEM", DIFF_PROT_SEM },
	{ "PROT_GROWSDOWN", DIFF_PROT_GROWSDOWN },
	{ "PROT_GROWSUP", DIFF_PROT_GROWSUP },
	{ NULL, 0 }
};
/* clang-format on */

/* clang-format off */
static const struct name_val map_flags[] = {
	{ "MAP_SHARED", MAP_SHARED },
	{ "MAP_PRIVATE", MAP_PRIVATE },
	{ "MAP_ANONYMOUS", MAP_ANONYMOUS },
	{ "MAP_FIXED", MAP_FIXED },
	{ "MAP_FIXED_NOREPLACE", MAP_FIXED_NOREPLACE },
	{ "MAP_NORESERVE", MAP_NORESERVE },
	{ "MAP_POPULATE", MAP_POPULATE },
	{ "MAP_STACK", MAP_STACK },
	{ NULL, 0 }
};
/* clang-format on */

static const struct name_val advices[] = {
	{ "MADV_NORMAL", MADV_NORMAL },
	{ "MADV_RANDOM", MADV_RANDOM },
	{ "MADV_SEQUENTIAL", MADV_SEQUENTIAL },
	{ "MADV_DONTNEED", MADV_DONTNEED },
	{ "MADV_DONTFORK", MADV_DONTFORK },
	{ "MADV_DOFORK", MADV_DOFORK },
	{ "MADV_WIPEONFORK", MADV_WIPEONFORK },
	{ "MADV_KEEPONFORK", MADV_KEEPONFORK },
	{ "MADV_WILLNEED", MADV_WILLNEED },
	{ "MADV_DONTDUMP", MADV_DONTDUMP },
	{ "MADV_DODUMP", MADV_DODUMP },
	{ "MADV_HUGEPAGE", MADV_HUGEPAGE },
	{ "MADV_NOHUGEPAGE", MADV_NOHUGEPAGE },
	{ "MADV_PAGEOUT", MADV_PAGEOUT },
	{ NULL, 0 }
};

/** diff_errno_name - "ENOMEM" for ENOMEM or -ENOMEM; NULL if unknown */
const char *diff_errno_name(long err)
{
	const struct name_val *e;

	if (err < 0)
		err = -err;
	for (e = errnos; e->name; e++)
		if (e->val == (unsigned long)err)
			return e->name;
	return NULL;
}

/** diff_fmt_result_errno - "0", or "-ENOMEM" for a negative @err */
void diff_fmt_result_errno(struct strbuf *sb, long err)
{
	const char *name = diff_errno_name(err);

	if (!err)
		sb_puts(sb, "0");
	else if (name)
		sb_printf(sb, "-%s", name);
	else
		sb_printf(sb, "-E%ld", err < 0 ? -err : err);
}

/* "A|B|0x10" from a bit mask; @zero when no bit is set. */
static void fmt_bits(struct strbuf *sb, const struct name_val *names,
		     unsigned long v, const char *zero)
{
	const struct name_val *n;
	bool first = true;

	if (!v) {
		sb_puts(sb, zero);
		return;
	}
	for (n = names; n->name; n++) {
		if ((v & n->val) == n->val && n->val) {
			sb_printf(sb, "%s%s", first ? "" : "|", n->name);
			v &= ~n->val;
			first = false;
		}
	}
	if (v)
		sb_printf(sb, "%s%#lx", first ? "" : "|", v);
}

/** diff_fmt_op - one scenario line for @op, without the newline */
void diff_fmt_op(struct strbuf *sb, const struct diff_op *op)
{
	const struct name_val *n;

	switch (op->kind) {
	case DIFF_MMAP:
		sb_printf(sb, "mmap %#lx %#lx ", op->addr, op->len);
		fmt_bits(sb, prots, op->prot, "PROT_NONE");
		sb_puts(sb, " ");
		fmt_bits(sb, map_flags, op->flags, "0");
		break;
	case DIFF_MUNMAP:
		sb_printf(sb, "munmap %#lx %#lx", op->addr, op->len);
		break;
	case DIFF_MPROTECT:
		sb_printf(sb, "mprotect %#lx %#lx ", op->addr, op->len);
		fmt_bits(sb, prots, op->prot, "PROT_NONE");
		break;
	case DIFF_MADVISE:
		sb_printf(sb, "madvise %#lx %#lx ", op->addr, op->len);
		for (n = advices; n->name; n++)
			if (n->val == (unsigned long)op->advice)
				break;
		if (n->name)
			sb_puts(sb, n->name);
		else
			sb_printf(sb, "%d", op->advice);
		break;
	case DIFF_TOUCH:
		sb_printf(sb, "touch %#lx %#lx %s", op->addr, op->len,
			  op->write ? "write" : "read");
		break;
	case DIFF_PEEK:
		sb_printf(sb, "peek %#lx", op->addr);
		break;
	case DIFF_POKE:
		sb_printf(sb, "poke %#lx %#x", op->addr, op->byte);
		break;
	case DIFF_FORK:
		sb_printf(sb, "fork %s", diff_task_names[DIFF_TASK_CHILD]);
		break;
	case DIFF_EXIT:
		sb_puts(sb, "exit");
		break;
	}
}

/** diff_fork_step - the index of @seq's fork, or -1 if it has none */
int diff_fork_step(const struct diff_seq *seq)
{
	for (int i = 0; i < seq->nr_ops; i++)
		if (seq->ops[i].kind == DIFF_FORK)
			return i;
	return -1;
}

/** diff_child_alive - whether the forked child exists after op @i */
bool diff_child_alive(const struct diff_seq *seq, int i)
{
	bool alive = false;

	for (int j = 0; j <= i && j < seq->nr_ops; j++) {
		if (seq->ops[j].kind == DIFF_FORK)
			alive = true;
		else if (seq->ops[j].kind == DIFF_EXIT)
			alive = false;
	}
	return alive;
}

/**
 * diff_layout_prefix - what starts each of @task's layout lines: nothing
 * before the fork (!@forked), then the task's name padded to one width
 */
const char *diff_layout_prefix(bool forked, int task)
{
	if (!forked)
		return "";
	return task == DIFF_TASK_CHILD ? "child " : "init  ";
}

/** diff_fmt_step - op @i for a report: "in child: poke 0x... 0x2a" */
void diff_fmt_step(struct strbuf *sb, const struct diff_seq *seq, int i)
{
	int f = diff_fork_step(seq);

	if (f >= 0 && i > f)
		sb_printf(sb, "in %s: ", diff_task_names[seq->ops[i].task]);
	diff_fmt_op(sb, &seq->ops[i]);
}

/**
 * diff_fmt_scenario - @seq as a scenario, ops 0..@upto (all if < 0),
 * ending with "maps"
 */
void diff_fmt_scenario(struct strbuf *sb, const struct diff_seq *seq, int upto)
{
	int i, n = upto < 0 || upto >= seq->nr_ops ? seq->nr_ops : upto + 1;
	int f = diff_fork_step(seq);
	int cur = DIFF_TASK_INIT;

	sb_printf(sb,
		  "# diff_maps seed %lu, window %#lx-%#lx\n"
		  "# diff_maps unmaps at once an mmap placed outside the "
		  "window; mmsim run keeps it\n",
		  seq->seed, seq->base, seq->base + DIFF_WINDOW_SIZE);
	for (i = 0; i < n; i++) {
		const struct diff_op *op = &seq->ops[i];

		/*
		 * After a fork or an exit, the next op names its task
		 * whichever it is: the scenario does not rely on which task
		 * either leaves current.
		 */
		if (op->task != cur)
			sb_printf(sb, "in %s\n", diff_task_names[op->task]);
		cur = op->task;
		diff_fmt_op(sb, op);
		sb_puts(sb, "\n");
		if (op->kind == DIFF_FORK || op->kind == DIFF_EXIT)
			cur = -1;
	}
	if (f < 0 || f >= n) {
		sb_puts(sb, "maps\n");
		return;
	}
	sb_printf(sb, "in %s\nmaps\n", diff_task_names[DIFF_TASK_INIT]);
	if (diff_child_alive(seq, n - 1))
		sb_printf(sb, "in %s\nmaps\n",
			  diff_task_names[DIFF_TASK_CHILD]);
}

/** diff_in_window - [@start, @end) overlaps the window at @base */
bool diff_in_window(unsigned long base, unsigned long start, unsigned long end)
{
	return start < base + DIFF_WINDOW_SIZE && end > base;
}

/**
 * diff_fmt_vma - the compared form of one VMA:
 * "<maps line> | Rss N kB | Anonymous N kB | rd wr ..." and a newline.
 * @vmflags: the VmFlags mnemonics, space-separated; only the ones the test
 *	compares are kept, in the order given
 */
void diff_fmt_vma(struct strbuf *sb, const char *maps_line, size_t line_len,
		  unsigned long rss_kb, unsigned long anon_kb,
		  const char *vmflags)
{
	/*
	 * What the ops can change.  Not "sd": soft-dirty depends on the
	 * host's config and clear_refs, and never stops a merge.
	 */
	/* clang-format off */
	static const char *const keep[] = {
		"rd", "wr", "ex", "mr", "mw", "me", "ac", "nr", "dc", "wf",
		"sr", "rr", "dd", "hg", "nh", NULL
	};
	/* clang-format on */
	const char *p = vmflags;

	while (line_len && (maps_line[line_len - 1] == '\n'))
		line_len--;
	sb_add(sb, maps_line, line_len);
	sb_printf(sb, " | Rss %lu kB | Anonymous %lu kB |", rss_kb, anon_kb);
	while (*p) {
		const char *const *k;
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " \n");
		if (!n)
			break;
		for (k = keep; *k; k++) {
			if (strlen(*k) == n && !memcmp(*k, p, n)) {
				sb_printf(sb, " %s", *k);
			}
		}
		p += n;
	}
	sb_puts(sb, "\n");
}

/* Parse "A|B|0x10" or a number; false on an unknown name. */
static bool parse_bits(const char *s, const struct name_val *names,
		       const char *zero, unsigned long *out)
{
	unsigned long v = 0;

	if (!strcmp(s, zero)) {
		*out = 0;
		return true;
	}
	while (*s) {
		const struct name_val *n;
		size_t len = strcspn(s, "|");
		char *end;

		for (n = names; n->name; n++)
			if (strlen(n->name) == len && !strncmp(n->name, s, len))
				break;
		if (n->name) {
			v |= n->val;
		} else {
			unsigned long x = strtoul(s, &end, 0);

			if (end != s + len)
				return false;
			v |= x;
		}
		s += len;
		if (*s == '|')
			s++;
	}
	*out = v;
	return true;
}

static bool parse_num(const char *s, unsigned long *out)
{
	char *end;

	if (!s)
		return false;
	errno = 0;
	*out = strtoul(s, &end, 0);
	return !errno && end != s && !*end;
}

/*
 * The native child must never act on its own mappings, so an op is run
 * only if whatever the kernel could do with it stays inside the window.
 * Ranges are taken from the page of their start: an unaligned start is
 * refused, except as an mmap hint, which is rounded down.  Outside the
 * window only what the kernel refuses before looking at any VMA passes,
 * and what cannot reach past the free guard page after the window.
 */
static bool op_is_safe(const struct diff_op *op, unsigned long base)
{
	unsigned long start = op->addr & DIFF_PAGE_MASK;
	unsigned long len = (op->len + DIFF_PAGE_SIZE - 1) & DIFF_PAGE_MASK;
	unsigned long wend = base + DIFF_WINDOW_SIZE;
	bool in_window = start >= base && start < wend;

	switch (op->kind) {
	case DIFF_FORK:
	case DIFF_EXIT:
		return true;
	case DIFF_PEEK:
	case DIFF_POKE:
		return op->addr >= base && op->addr < wend;
	case DIFF_TOUCH:
		return in_window && len && start + len > start &&
		       start + len <= wend;
	case DIFF_MMAP:
		/* No hint: the kernel picks a free gap, far from here. */
		if (!op->addr)
			return true;
		/* Longer than the address space (or wrapping): -ENOMEM. */
		if (len > DIFF_TASK_SIZE || (op->len && !len))
			return true;
		/* Ending past TASK_SIZE: -ENOMEM. */
		if (start + len > DIFF_TASK_SIZE)
			return true;
		return in_window && start + len <= wend;
	case DIFF_MUNMAP:
		/* At or past TASK_SIZE, or too long for it: -EINVAL. */
		if (op->addr >= DIFF_TASK_SIZE ||
		    op->len > DIFF_TASK_SIZE - op->addr)
			return true;
		return in_window && start + len <= wend;
	case DIFF_MPROTECT:
		/*
		 * Nothing is mapped at or past TASK_SIZE, a wrapping range
		 * is -ENOMEM, and mprotect() stops at the first hole: from
		 * inside the window, at the guard page at the latest.
		 */
		if (op->addr >= DIFF_TASK_SIZE || start + len <= start)
			return true;
		/*
		 * PROT_GROWSDOWN acts on the first VMA of the range wherever
		 * it starts: keep such a range inside the window.
		 */
		if (op->prot & (DIFF_PROT_GROWSDOWN | DIFF_PROT_GROWSUP))
			return in_window && start + len <= wend;
		return in_window;
	case DIFF_MADVISE:
		/*
		 * madvise() goes on past holes, so no range may leave the
		 * window, except one that wraps (-EINVAL) or lies at or
		 * past TASK_SIZE, where nothing is mapped.
		 */
		return op->addr >= DIFF_TASK_SIZE || start + len < start ||
		       (op->len && !len) || (in_window && start + len <= wend);
	}
	return false;
}

/*
 * Which task a name is, for `in NAME`: init, or the name the fork gave
 * the child; -1 if neither.
 */
static int task_by_name(const char *name, const char *child)
{
	if (!strcmp(name, diff_task_names[DIFF_TASK_INIT]))
		return DIFF_TASK_INIT;
	if (child[0] && !strcmp(name, child))
		return DIFF_TASK_CHILD;
	return -1;
}

/**
 * diff_parse_scenario - read a scenario as diff_fmt_scenario() writes it
 * @base: the window the sequence is to run in; every address must be in
 *	it (or 0, for an mmap without a hint)
 *
 * Besides the calls and accesses: one `fork NAME` by init, `in NAME` to
 * switch between init and the child, and `exit` of the child.  Commands
 * that only print or check (maps, smaps, check) are skipped.
 * Return: 0, or -1 with a message in @err.
 */
int diff_parse_scenario(FILE *in, struct diff_seq *seq, unsigned long base,
			char *err, size_t errsz)
{
	char line[1024], child[64] = "";
	int cap = 64, lineno = 0, cur = DIFF_TASK_INIT;
	bool forked = false, child_alive = false;

	seq->seed = 0;
	seq->base = base;
	seq->nr_ops = 0;
	seq->ops = calloc(cap, sizeof(*seq->ops));
	if (!seq->ops)
		abort();
	while (fgets(line, sizeof(line), in)) {
		char *tok[6] = { NULL };
		char *save = NULL, *s = line;
		struct diff_op op = { 0 };
		unsigned long v;
		int nt = 0;

		lineno++;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			continue;
		for (char *t = strtok_r(s, " \t\n", &save); t && nt < 6;
		     t = strtok_r(NULL, " \t\n", &save))
			tok[nt++] = t;
		if (!strcmp(tok[0], "maps") || !strcmp(tok[0], "smaps") ||
		    !strcmp(tok[0], "check"))
			continue;
		if (!strcmp(tok[0], "in")) {
			if (nt != 2)
				goto bad;
			cur = task_by_name(tok[1], child);
			if (cur < 0 ||
			    (cur == DIFF_TASK_CHILD && !child_alive)) {
				snprintf(err, errsz, "line %d: no task %s",
					 lineno, tok[1]);
				goto fail;
			}
			continue;
		}
		op.task = cur;
		if (cur < 0) {
			snprintf(err, errsz,
				 "line %d: no current task (give "
				 "`in NAME` after an exit)",
				 lineno);
			goto fail;
		}
		if (!strcmp(tok[0], "fork")) {
			op.kind = DIFF_FORK;
			if (nt != 2 || strlen(tok[1]) >= sizeof(child) ||
			    !strcmp(tok[1], diff_task_names[DIFF_TASK_INIT]))
				goto bad;
			if (forked || cur != DIFF_TASK_INIT) {
				snprintf(err, errsz,
					 "line %d: diff_maps "
					 "models one fork, by init",
					 lineno);
				goto fail;
			}
			snprintf(child, sizeof(child), "%s", tok[1]);
			forked = child_alive = true;
		} else if (!strcmp(tok[0], "exit")) {
			op.kind = DIFF_EXIT;
			if (nt != 1)
				goto bad;
			if (cur != DIFF_TASK_CHILD) {
				snprintf(err, errsz,
					 "line %d: diff_maps "
					 "models only the child's exit",
					 lineno);
				goto fail;
			}
			child_alive = false;
			cur = -1;
		} else if (!strcmp(tok[0], "peek")) {
			op.kind = DIFF_PEEK;
			if (nt != 2 || !parse_num(tok[1], &op.addr))
				goto bad;
		} else if (!strcmp(tok[0], "poke")) {
			op.kind = DIFF_POKE;
			if (nt != 3 || !parse_num(tok[1], &op.addr) ||
			    !parse_num(tok[2], &v) || v > 0xff)
				goto bad;
			op.byte = (unsigned char)v;
		} else if (!parse_num(tok[1], &op.addr) ||
			   !parse_num(tok[2], &op.len)) {
			goto bad;
		} else if (!strcmp(tok[0], "mmap")) {
			op.kind = DIFF_MMAP;
			if (nt != 5 ||
			    !parse_bits(tok[3], prots, "PROT_NONE", &op.prot) ||
			    !parse_bits(tok[4], map_flags, "0", &op.flags))
				goto bad;
		} else if (!strcmp(tok[0], "munmap")) {
			op.kind = DIFF_MUNMAP;
			if (nt != 3)
				goto bad;
		} else if (!strcmp(tok[0], "mprotect")) {
			op.kind = DIFF_MPROTECT;
			if (nt != 4 ||
			    !parse_bits(tok[3], prots, "PROT_NONE", &op.prot))
				goto bad;
		} else if (!strcmp(tok[0], "madvise")) {
			unsigned long a;

			op.kind = DIFF_MADVISE;
			if (nt != 4 ||
			    (!parse_bits(tok[3], advices, "MADV_NORMAL", &a)))
				goto bad;
			op.advice = (int)a;
		} else if (!strcmp(tok[0], "touch")) {
			op.kind = DIFF_TOUCH;
			if (nt != 4 ||
			    (strcmp(tok[3], "read") && strcmp(tok[3], "write")))
				goto bad;
			op.write = !strcmp(tok[3], "write");
		} else {
			goto bad;
		}
		if (!op_is_safe(&op, base)) {
			snprintf(err, errsz,
				 "line %d: could act outside the "
				 "window %#lx-%#lx",
				 lineno, base, base + DIFF_WINDOW_SIZE);
			goto fail;
		}
		if (seq->nr_ops == cap) {
			cap *= 2;
			seq->ops = realloc(seq->ops, cap * sizeof(*seq->ops));
			if (!seq->ops)
				abort();
		}
		seq->ops[seq->nr_ops++] = op;
		continue;
	bad:
		snprintf(err, errsz, "line %d: cannot parse", lineno);
		goto fail;
	}
	return 0;
fail:
	diff_seq_free(seq);
	return -1;
}

/**
 * diff_seq_fixup - make @seq valid again after ops were taken out of it
 * (by the shrinker): without its fork, or after the child's exit, the
 * child's ops go too; so do a second fork and an exit that is not the
 * child's
 */
void diff_seq_fixup(struct diff_seq *seq)
{
	bool forked = false, alive = false;
	int n = 0;

	for (int i = 0; i < seq->nr_ops; i++) {
		struct diff_op *op = &seq->ops[i];
		bool keep;

		switch (op->kind) {
		case DIFF_FORK:
			keep = !forked && op->task == DIFF_TASK_INIT;
			if (keep)
				forked = alive = true;
			break;
		case DIFF_EXIT:
			keep = alive && op->task == DIFF_TASK_CHILD;
			if (keep)
				alive = false;
			break;
		default:
			keep = op->task == DIFF_TASK_INIT || alive;
			break;
		}
		if (keep)
			seq->ops[n++] = *op;
	}
	seq->nr_ops = n;
}

/**
 * diff_fmt_mmap_result - an mmap result: "0x..." inside the window,
 * "outside" for any address outside it, "-EXXX" for an error
 */
void diff_fmt_mmap_result(struct strbuf *sb, unsigned long base, long ret)
{
	if (ret < 0 && ret >= -4095)
		diff_fmt_result_errno(sb, ret);
	else if (diff_in_window(base, (unsigned long)ret,
				(unsigned long)ret + 1))
		sb_printf(sb, "%#lx", (unsigned long)ret);
	else
		sb_puts(sb, "outside");
}

/** diff_fmt_peek - a peek result: "byte 0x2a", or "segv" for @byte < 0 */
void diff_fmt_peek(struct strbuf *sb, int byte)
{
	if (byte < 0)
		sb_puts(sb, "segv");
	else
		sb_printf(sb, "byte 0x%02x", byte);
}

/**
 * diff_fmt_touch - a touch result: "ok", or the faulting addresses with
 * runs of consecutive pages folded: "segv 0x200000003000 x2, 0x...9000 x1"
 */
void diff_fmt_touch(struct strbuf *sb, const unsigned long *faults, int n)
{
	int i = 0;

	if (!n) {
		sb_puts(sb, "ok");
		return;
	}
	sb_puts(sb, "segv");
	while (i < n) {
		int j = i + 1;

		while (j < n && faults[j] == faults[j - 1] + DIFF_PAGE_SIZE)
			j++;
		sb_printf(sb, "%s %#lx x%d", i ? "," : "", faults[i], j - i);
		i = j;
	}
}
