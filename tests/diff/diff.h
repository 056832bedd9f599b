/* SPDX-License-Identifier: MIT */
/**
 * DOC: Differential test against the host kernel
 *
 * diff_maps generates random sequences of mmap, munmap, mprotect, madvise,
 * page touches and one-byte reads and writes (peek, poke) inside a fixed
 * window of the address space, runs each sequence twice - once with real
 * system calls in a child process, once in a fresh simulated x86_64 mm -
 * and compares what each op returned (a peek: the byte read) and what the
 * window looks like after every op: the maps line, Rss, Anonymous and a
 * subset of VmFlags of every VMA in it.  The host kernel is the reference.
 *
 * A sequence may fork once.  The ops after the fork say which of the two
 * processes runs them (the parent is "init", the child "child", as in a
 * `mmsim run` scenario), and every step then compares both windows.  On
 * the host, the two processes take turns in the order of the ops, handing
 * a token to each other over pipes; in mmsim, the ops go to the named
 * task's mm.
 *
 * The pieces, one file each: gen.c makes sequences, native.c runs them on
 * the host, simside.c runs them in mmsim, compare.c lines the two runs up
 * and reports, scenario.c prints and parses the `mmsim run` scenario text,
 * strbuf.c is the growable string both sides write into.
 */
#ifndef MMSIM_TESTS_DIFF_H
#define MMSIM_TESTS_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DIFF_PAGE_SIZE 4096UL
#define DIFF_PAGE_MASK (~(DIFF_PAGE_SIZE - 1))
/* 1 MiB: no 2 MiB THP can ever be placed inside the window. */
#define DIFF_WINDOW_PAGES 256UL
#define DIFF_WINDOW_SIZE (DIFF_WINDOW_PAGES * DIFF_PAGE_SIZE)
#define DIFF_MAX_OPS 100000

/* Unknown advice, for the -EINVAL path; Linux has no advice 12345. */
#define DIFF_MADV_BOGUS 12345
/* A prot bit mprotect() rejects (arch_validate_prot) and mmap() ignores. */
#define DIFF_PROT_BOGUS 0x10UL
#define DIFF_PROT_SEM 0x8UL
#define DIFF_PROT_GROWSDOWN 0x01000000UL
#define DIFF_PROT_GROWSUP 0x02000000UL
/* x86_64 TASK_SIZE with 4-level paging: nothing is ever mapped above. */
#define DIFF_TASK_SIZE 0x7ffffffff000UL

/** struct strbuf - a growable NUL-terminated string */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *sb_steal(struct strbuf *sb);

enum diff_op_kind {
	DIFF_MMAP,
	DIFF_MUNMAP,
	DIFF_MPROTECT,
	DIFF_MADVISE,
	DIFF_TOUCH,
	DIFF_PEEK,
	DIFF_POKE,
	DIFF_FORK,
	DIFF_EXIT,
};

/* The tasks of a sequence: the first, and the one it forks. */
#define DIFF_TASK_INIT 0
#define DIFF_TASK_CHILD 1
#define DIFF_NR_TASKS 2
extern const char *const diff_task_names[DIFF_NR_TASKS];

/**
 * struct diff_op - one operation of a sequence
 * @addr: start (the hint for an mmap without MAP_FIXED*)
 * @len: length in bytes, not necessarily page-aligned
 * @prot: PROT_* for mmap and mprotect
 * @flags: MAP_* for mmap
 * @advice: MADV_* for madvise
 * @write: a write touch (else a read touch)
 * @byte: what a poke writes
 * @task: DIFF_TASK_INIT or, after the fork, DIFF_TASK_CHILD: which task
 *	runs the op (a fork is init's; an exit, the child's)
 */
struct diff_op {
	enum diff_op_kind kind;
	unsigned long addr;
	unsigned long len;
	unsigned long prot;
	unsigned long flags;
	int advice;
	bool write;
	unsigned char byte;
	int task;
};

/**
 * struct diff_seq - a sequence and the window it runs in
 * @base: start of the window; every VMA the ops create lies inside it,
 *	except for mmaps placed elsewhere, which both sides undo at once
 */
struct diff_seq {
	unsigned long seed;
	unsigned long base;
	int nr_ops;
	struct diff_op *ops;
};

/**
 * struct diff_step - what one op did, as one side saw it
 * @result: "0", "-ENOMEM", "0x200000003000", "outside", "ok",
 *	"segv 0x...-0x..." (touch: the pages that faulted), "segv" (peek,
 *	poke), "byte 0x2a" (peek) ...
 * @layout: one line per VMA in the window, '\n'-terminated:
 *	"<maps line> | Rss N kB | Anonymous N kB | rd wr mr mw me ac",
 *	VmFlags cut down to those the ops can change (diff_fmt_vma());
 *	from the fork on, each line starts with the task's name, padded
 *	("init  ", "child "), init's lines first
 */
struct diff_step {
	char *result;
	char *layout;
};

/**
 * struct diff_run - one side's run of a sequence
 * @nr_steps: steps recorded; fewer than the ops if @error is set
 * @error: a failure of the harness or of the simulator's invariant
 *	checker that stopped the run, else NULL
 * @error_step: the op @error belongs to; -1: the one after the last step
 */
struct diff_run {
	int nr_steps;
	struct diff_step *steps;
	char *error;
	int error_step;
};

void diff_run_init(struct diff_run *run, int nr_ops);
void diff_run_free(struct diff_run *run);
void diff_run_set_error(struct diff_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* gen.c */
extern bool diff_gen_no_grows;
extern unsigned long diff_gen_focus;
extern unsigned int diff_gen_fork_pct;
uint64_t diff_rand(uint64_t *state);
void diff_gen(struct diff_seq *seq, unsigned long seed, unsigned long base,
	      int nr_ops);
void diff_seq_free(struct diff_seq *seq);

/* scenario.c */
const char *diff_errno_name(long err);
void diff_fmt_result_errno(struct strbuf *sb, long err);
void diff_fmt_op(struct strbuf *sb, const struct diff_op *op);
void diff_fmt_step(struct strbuf *sb, const struct diff_seq *seq, int i);
int diff_fork_step(const struct diff_seq *seq);
bool diff_child_alive(const struct diff_seq *seq, int i);
const char *diff_layout_prefix(bool forked, int task);
void diff_seq_fixup(struct diff_seq *seq);
void diff_fmt_scenario(struct strbuf *sb, const struct diff_seq *seq, int upto);
int diff_parse_scenario(FILE *in, struct diff_seq *seq, unsigned long base,
			char *err, size_t errsz);
bool diff_in_window(unsigned long base, unsigned long start, unsigned long end);
void diff_fmt_mmap_result(struct strbuf *sb, unsigned long base, long ret);
void diff_fmt_touch(struct strbuf *sb, const unsigned long *faults, int n);
void diff_fmt_peek(struct strbuf *sb, int byte);
void diff_fmt_vma(struct strbuf *sb, const char *maps_line, size_t line_len,
		  unsigned long rss_kb, unsigned long anon_kb,
		  const char *vmflags);

/* native.c */
extern unsigned int diff_native_timeout;
int diff_native_probe(const unsigned long *bases, int nr, unsigned long *base);
void diff_native_run(const struct diff_seq *seq, struct diff_run *run);
void diff_native_child(unsigned long base) __attribute__((noreturn));

/* simside.c: the host's sysctls, given to each simulated machine */
extern int diff_sim_overcommit;
extern int diff_sim_max_map_count;
void diff_sim_run(const struct diff_seq *seq, struct diff_run *run);

/* compare.c */

/**
 * struct diff_mismatch - where two runs first part
 * @step: the op index, or -1 when a run has an error before any step
 * @what: "result", "layout" or "error"
 */
struct diff_mismatch {
	int step;
	const char *what;
};

bool diff_compare(const struct diff_seq *seq, const struct diff_run *native,
		  const struct diff_run *sim, struct diff_mismatch *mm);
void diff_report(FILE *out, const struct diff_seq *seq,
		 const struct diff_run *native, const struct diff_run *sim,
		 const struct diff_mismatch *mm);
bool diff_check_seq(const struct diff_seq *seq, struct diff_run *native,
		    struct diff_run *sim, struct diff_mismatch *mm);
void diff_shrink(struct diff_seq *seq);

#endif /* MMSIM_TESTS_DIFF_H */
