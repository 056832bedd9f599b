// SPDX-License-Identifier: MIT
/*
 * The mmsim side: the same ops on a fresh simulated x86_64 machine and
 * task, reported in the same text as the host's; a fork is msim_fork() of
 * that task, and each later op goes to the mm of the task it names.  After
 * every op each mm's invariants are checked; a violation ends the run as
 * an error, since no later layout of a broken mm would mean anything.
 */
#include <stdlib.h>
#include <string.h>

#include <mmsim/mmsim.h>

#include "diff.h"

/* Big enough for the window and its tables many times over. */
#define SIM_RAM_BYTES (64UL << 20)

int diff_sim_overcommit = OVERCOMMIT_GUESS;
int diff_sim_max_map_count = 65530;

static void sim_snapshot(struct mm_struct *mm, unsigned long base,
			 const char *prefix, struct strbuf *sb)
{
	struct vm_area_struct *vma;
	unsigned long kb = mm_page_size(mm) >> 10;
	char line[512], flags[256];

	mmap_read_lock(mm);
	for_each_vma(mm, vma) {
		unsigned long rss;
		int n;

		if (!diff_in_window(base, vma->vm_start, vma->vm_end))
			continue;
		n = msim_maps_line(vma, line, sizeof(line));
		if (n < 0)
			n = 0;
		if ((size_t)n >= sizeof(line))
			n = sizeof(line) - 1;
		rss = msim_vma_rss(vma) * kb;
		msim_vm_flags_string(vma->vm_flags, flags, sizeof(flags));
		/* Only private anonymous memory exists: all of Rss is anon. */
		sb_puts(sb, prefix);
		diff_fmt_vma(sb, line, (size_t)n, rss, rss, flags);
	}
	mmap_read_unlock(mm);
}

/* One byte at @addr read or written, as the CPU would: the result text. */
static void sim_access_byte(struct mm_struct *mm, const struct diff_op *op,
			    struct strbuf *res)
{
	unsigned char byte = op->byte;
	unsigned long fault = 0;
	int r = msim_user_access(mm, op->addr, &byte, 1,
				 op->kind == DIFF_POKE ? MSIM_ACCESS_WRITE
						       : MSIM_ACCESS_READ,
				 &fault);

	if (r && r != -EFAULT) {
		sb_printf(res, "[%#lx: %ld]", fault, (long)r);
		return;
	}
	if (op->kind == DIFF_PEEK)
		diff_fmt_peek(res, r ? -1 : byte);
	else
		sb_puts(res, r ? "segv" : "ok");
}

/* The tasks of a run: init, and the child from the fork on. */
struct sim_tasks {
	struct task_struct *t[DIFF_NR_TASKS];
};

static void sim_op(struct sim_tasks *ts, const struct diff_seq *seq,
		   const struct diff_op *op, struct strbuf *res)
{
	struct task_struct *tsk = ts->t[op->task];
	struct mm_struct *mm = tsk->mm;
	unsigned long faults[DIFF_WINDOW_PAGES];
	long ret;
	int nf = 0;

	msim_set_current(tsk);
	switch (op->kind) {
	case DIFF_MMAP:
		ret = msim_mmap(mm, op->addr, op->len, op->prot, op->flags);
		diff_fmt_mmap_result(res, seq->base, ret);
		if (ret >= 0 && !diff_in_window(seq->base, (unsigned long)ret,
						(unsigned long)ret + 1)) {
			if (msim_munmap(mm, (unsigned long)ret, op->len))
				sb_puts(res, " (munmap failed)");
		}
		break;
	case DIFF_MUNMAP:
		diff_fmt_result_errno(res, msim_munmap(mm, op->addr, op->len));
		break;
	case DIFF_MPROTECT:
		diff_fmt_result_errno(
			res, msim_mprotect(mm, op->addr, op->len, op->prot));
		break;
	case DIFF_MADVISE:
		diff_fmt_result_errno(
			res, msim_madvise(mm, op->addr, op->len, op->advice));
		break;
	case DIFF_TOUCH:
		for (unsigned long a = op->addr & DIFF_PAGE_MASK;
		     a < op->addr + op->len; a += DIFF_PAGE_SIZE) {
			unsigned long fault = 0;
			int r = msim_user_access(mm, a, NULL, 1,
						 op->write ? MSIM_ACCESS_WRITE
							   : MSIM_ACCESS_READ,
						 &fault);

			if (r == -EFAULT && nf < (int)DIFF_WINDOW_PAGES)
				faults[nf++] = fault;
			else if (r)
				sb_printf(res, "[%#lx: %ld] ", a, (long)r);
		}
		diff_fmt_touch(res, faults, nf);
		break;
	case DIFF_PEEK:
	case DIFF_POKE:
		sim_access_byte(mm, op, res);
		break;
	case DIFF_FORK:
		ts->t[DIFF_TASK_CHILD] =
			msim_fork(tsk, 0, diff_task_names[DIFF_TASK_CHILD]);
		if (IS_ERR(ts->t[DIFF_TASK_CHILD])) {
			diff_fmt_result_errno(res,
					      PTR_ERR(ts->t[DIFF_TASK_CHILD]));
			ts->t[DIFF_TASK_CHILD] = NULL;
		} else {
			sb_puts(res, "ok");
		}
		break;
	case DIFF_EXIT:
		msim_exit(tsk);
		msim_set_current(NULL);
		msim_task_put(tsk);
		ts->t[op->task] = NULL;
		sb_puts(res, "ok");
		break;
	}
}

/**
 * diff_sim_run - run @seq in mmsim, into @run (diff_run_init()ed)
 */
void diff_sim_run(const struct diff_seq *seq, struct diff_run *run)
{
	struct msim_machine_config cfg = {
		.arch = &msim_arch_x86_64,
		.ram_bytes = SIM_RAM_BYTES,
	};
	struct sim_tasks ts = { { NULL } };
	struct msim_machine *m;
	struct strbuf res, lay;
	char msg[1024];
	bool forked = false;
	int err;

	m = msim_machine_create(&cfg);
	if (IS_ERR_OR_NULL(m)) {
		diff_run_set_error(run, "mmsim: msim_machine_create: %ld",
				   PTR_ERR(m));
		return;
	}
	m->sysctl_overcommit_memory = diff_sim_overcommit;
	m->sysctl_max_map_count = diff_sim_max_map_count;
	ts.t[DIFF_TASK_INIT] =
		msim_task_create(m, diff_task_names[DIFF_TASK_INIT]);
	if (IS_ERR(ts.t[DIFF_TASK_INIT])) {
		diff_run_set_error(run, "mmsim: msim_task_create: %ld",
				   PTR_ERR(ts.t[DIFF_TASK_INIT]));
		msim_machine_destroy(m);
		return;
	}
	sb_init(&res);
	sb_init(&lay);
	for (int i = 0; i < seq->nr_ops; i++) {
		const struct diff_op *op = &seq->ops[i];
		struct diff_step *st;

		if (!ts.t[op->task]) {
			diff_run_set_error(run, "mmsim: step %d: no task %s", i,
					   diff_task_names[op->task]);
			run->error_step = i;
			goto out;
		}
		sb_reset(&res);
		sb_reset(&lay);
		sim_op(&ts, seq, op, &res);
		if (op->kind == DIFF_FORK)
			forked = true;
		for (int t = 0; t < DIFF_NR_TASKS; t++) {
			if (ts.t[t])
				sim_snapshot(ts.t[t]->mm, seq->base,
					     diff_layout_prefix(forked, t),
					     &lay);
		}
		st = &run->steps[run->nr_steps++];
		st->result = sb_steal(&res);
		st->layout = sb_steal(&lay);
		for (int t = 0; t < DIFF_NR_TASKS; t++) {
			if (!ts.t[t])
				continue;
			err = msim_mm_check_msg(ts.t[t]->mm, msg, sizeof(msg));
			if (err) {
				diff_run_set_error(run,
						   "mmsim: invariant "
						   "violated in %s after step "
						   "%d: %s",
						   diff_task_names[t], i, msg);
				run->error_step = i;
				goto out;
			}
		}
	}
	err = msim_machine_check(m, msg, sizeof(msg));
	if (err) {
		diff_run_set_error(run, "mmsim: machine check: %s", msg);
		run->error_step = seq->nr_ops - 1;
	}
out:
	sb_free(&res);
	sb_free(&lay);
	msim_set_current(NULL);
	for (int t = DIFF_NR_TASKS - 1; t >= 0; t--)
		if (ts.t[t])
			msim_task_put(ts.t[t]);
	err = msim_machine_destroy(m);
	if (err)
		diff_run_set_error(run,
				   "mmsim: msim_machine_destroy: %d "
				   "(an mm leaked)",
				   err);
}
