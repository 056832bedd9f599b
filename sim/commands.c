// SPDX-License-Identifier: MIT
/*
 * The scenario commands.  Each handler gets its arguments parsed and acts
 * on the current task; a system call that fails is reported as the call
 * and its errno, and the scenario goes on as a program would.  An access
 * that faults fatally is reported as the signal the program would get.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <mmsim/config.h>
#if MMSIM_HAVE_COLDFIRE
#include <mmsim/coldfire.h>
#endif

#include "drivers.h"
#include "scenario.h"

/* Only for SCN_CMD_TASK commands: the runner made sure there is one. */
static struct mm_struct *current_mm(struct scn_state *st)
{
	return st->current->tsk->mm;
}

static int cmd_mmap(struct scn_state *st, const struct scn_call *c)
{
	long ret = msim_mmap(current_mm(st), c->arg[0], c->arg[1], c->arg[2],
			     c->arg[3]);

	if (IS_ERR_VALUE((unsigned long)ret))
		scn_call_failed(st, c, ret);
	return 0;
}

static int cmd_munmap(struct scn_state *st, const struct scn_call *c)
{
	int ret = msim_munmap(current_mm(st), c->arg[0], c->arg[1]);

	if (ret)
		scn_call_failed(st, c, ret);
	return 0;
}

static int cmd_mprotect(struct scn_state *st, const struct scn_call *c)
{
	int ret =
		msim_mprotect(current_mm(st), c->arg[0], c->arg[1], c->arg[2]);

	if (ret)
		scn_call_failed(st, c, ret);
	return 0;
}

static int cmd_madvise(struct scn_state *st, const struct scn_call *c)
{
	int ret = msim_madvise(current_mm(st), c->arg[0], c->arg[1],
			       (int)c->arg[2]);

	if (ret)
		scn_call_failed(st, c, ret);
	return 0;
}

/*
 * The range of a per-page command (touch, age, idle), as its first and
 * last page.  Such a command walks the range a page at a time, so the
 * range must be one it can walk: inside the user address space, below
 * TASK_SIZE (as /proc/PID/pagemap and the kernel's page walkers stop
 * there; an access beyond it is a peek or a poke, which faults), and of
 * at most SCN_RANGE_MAX_PAGES pages, so that one line's time and output
 * stay bounded.  Anything else is a malformed line.
 * Return: 0 (*@first and *@last set; @len is not 0), or the exit status.
 */
static int page_range(struct scn_state *st, const struct scn_call *c,
		      unsigned long *first, unsigned long *last)
{
	struct mm_struct *mm = current_mm(st);
	unsigned long psize = mm_page_size(mm), mask = ~(psize - 1);
	unsigned long addr = c->arg[0], len = c->arg[1], pages;

	if (len - 1 > ULONG_MAX - addr)
		return scn_malformed(st, "%s: range wraps around", c->argv[0]);
	if (addr + len - 1 >= mm->task_size)
		return scn_malformed(st,
				     "%s: range 0x%lx-0x%lx is beyond the user "
				     "address space (0-0x%lx)",
				     c->argv[0], addr, addr + len - 1,
				     mm->task_size - 1);
	*first = addr & mask;
	*last = (addr + len - 1) & mask;
	pages = (*last - *first) / psize + 1;
	if (pages > SCN_RANGE_MAX_PAGES)
		return scn_malformed(st,
				     "%s: range of %lu pages, more than the "
				     "%lu a command may cover",
				     c->argv[0], pages,
				     (unsigned long)SCN_RANGE_MAX_PAGES);
	return 0;
}

/*
 * What the program would see of accesses that msim_user_access() could
 * not complete, on the @pages pages from @addr: -EFAULT is the SIGSEGV
 * the fault handler would send, and -ENOMEM a VM_FAULT_OOM, which on
 * Linux would wake the OOM killer.  A run of pages is one line.
 */
static void fault_failed(struct scn_state *st, const struct scn_call *c,
			 int err, unsigned long addr, unsigned long pages)
{
	unsigned long psize = mm_page_size(current_mm(st));
	const char *cmd = c->argv[0], *what;

	if (err == -EFAULT)
		what = "SIGSEGV";
	else if (err == -ENOMEM)
		what = "VM_FAULT_OOM";
	else
		what = msim_errno_name(err);
	if (pages == 1)
		scn_report(st, "%s: %s at 0x%lx", cmd, what, addr);
	else
		scn_report(st, "%s: %s at 0x%lx-0x%lx (%lu pages)", cmd, what,
			   addr, (addr & ~(psize - 1)) + pages * psize - 1,
			   pages);
}

/*
 * One access of one byte a page, as a program's loop over the range would
 * do: each page faults (or not) on its own, so a SIGSEGV on one page says
 * nothing about the next.  A real program would die of the first; going on
 * shows the whole range at once, each run of pages that fault alike as one
 * line.
 */
static int cmd_touch(struct scn_state *st, const struct scn_call *c)
{
	struct mm_struct *mm = current_mm(st);
	unsigned long psize = mm_page_size(mm);
	unsigned long page, first, last, fault, run_addr = 0, run_pages = 0;
	int ret, run_err = 0;

	if (!c->arg[1])
		return 0;
	ret = page_range(st, c, &first, &last);
	if (ret)
		return ret;
	for (page = first;; page += psize) {
		fault = page;
		ret = msim_user_access(mm, page, NULL, 1, c->arg[2], &fault);
		if (run_pages && ret == run_err &&
		    fault == run_addr + run_pages * psize) {
			run_pages++;
		} else {
			if (run_pages)
				fault_failed(st, c, run_err, run_addr,
					     run_pages);
			run_pages = ret ? 1 : 0;
			run_err = ret;
			run_addr = fault;
		}
		if (page == last)
			break;
	}
	if (run_pages)
		fault_failed(st, c, run_err, run_addr, run_pages);
	return 0;
}

/* A load of one byte: it faults as any read would, then shows the byte. */
static int cmd_peek(struct scn_state *st, const struct scn_call *c)
{
	unsigned long addr = c->arg[0], fault = addr;
	unsigned char byte;
	int ret;

	ret = msim_user_access(current_mm(st), addr, &byte, 1, MSIM_ACCESS_READ,
			       &fault);
	if (ret)
		fault_failed(st, c, ret, fault, 1);
	else
		fprintf(st->out, "peek 0x%lx = 0x%02x\n", addr, byte);
	return 0;
}

/* A store of one byte: where the page is shared, the write breaks COW. */
static int cmd_poke(struct scn_state *st, const struct scn_call *c)
{
	unsigned long addr = c->arg[0], fault = addr;
	unsigned char byte = (unsigned char)c->arg[1];
	int ret;

	ret = msim_user_access(current_mm(st), addr, &byte, 1,
			       MSIM_ACCESS_WRITE, &fault);
	if (ret)
		fault_failed(st, c, ret, fault, 1);
	return 0;
}

static int cmd_maps(struct scn_state *st, const struct scn_call *c)
{
	(void)c;
	msim_show_maps(current_mm(st), st->out);
	return 0;
}

static int cmd_smaps(struct scn_state *st, const struct scn_call *c)
{
	(void)c;
	msim_show_smaps(current_mm(st), st->out);
	return 0;
}

/*
 * fork() without CLONE_VM: the child gets a copy-on-write copy of the
 * current mm.  The current task stays the parent, as the parent is the one
 * that returns from fork() and goes on.  Names are never reused, not even
 * an exited task's, so that one name is one process throughout the file.
 */
static int cmd_fork(struct scn_state *st, const struct scn_call *c)
{
	const char *name = c->argv[1];
	struct task_struct *child;

	if (scn_task_lookup(st, name)) {
		scn_call_failed(st, c, -EEXIST);
		return 0;
	}
	child = msim_fork(st->current->tsk, 0, name);
	if (IS_ERR(child)) {
		scn_call_failed(st, c, PTR_ERR(child));
		return 0;
	}
	if (!scn_task_add(st, name, child)) {
		msim_task_put(child);
		scn_internal_error(st, "out of memory");
		return SCN_EXIT_FAILED;
	}
	return 0;
}

/*
 * Switch to another task.  An exited one has no mm left to act on, so it
 * counts as gone: ESRCH, the errno of a pid that names no process.
 */
static int cmd_in(struct scn_state *st, const struct scn_call *c)
{
	struct scn_task *t = scn_task_lookup(st, c->argv[1]);

	if (!t || scn_task_exited(t)) {
		scn_call_failed(st, c, -ESRCH);
		return 0;
	}
	st->current = t;
	msim_set_current(t->tsk);
	return 0;
}

/*
 * The current task exits and its mm goes (the pages it alone mapped are
 * freed; those shared with a fork stay for the other).  No task is current
 * until the next 'in'.
 */
static int cmd_exit(struct scn_state *st, const struct scn_call *c)
{
	(void)c;
	msim_exit(st->current->tsk);
	st->current = NULL;
	msim_set_current(NULL);
	return 0;
}

/*
 * The pages of [ADDR, ADDR + LEN), one value each, as "CMD ADDR: v v v":
 * @one gives a page's value, or a negative errno where there is no page
 * to speak of (printed '-').  The range is one page_range() accepts.
 */
static int per_page(struct scn_state *st, const struct scn_call *c,
		    long (*one)(struct scn_state *st, unsigned long addr))
{
	unsigned long psize = mm_page_size(current_mm(st)), addr, last;
	long v;
	int ret;

	if (!c->arg[1])
		return 0;
	ret = page_range(st, c, &addr, &last);
	if (ret)
		return ret;
	fprintf(st->out, "%s 0x%lx:", c->argv[0], addr);
	for (;; addr += psize) {
		v = one(st, addr);
		if (v < 0)
			fputs(" -", st->out);
		else
			fprintf(st->out, " %ld", v);
		if (addr == last)
			break;
	}
	fputc('\n', st->out);
	return 0;
}

static long age_one(struct scn_state *st, unsigned long addr)
{
	return msim_page_referenced(current_mm(st), addr);
}

/* vmscan's aging: how many mappings had used each page since last time. */
static int cmd_age(struct scn_state *st, const struct scn_call *c)
{
	return per_page(st, c, age_one);
}

/*
 * Idle page tracking as a tool uses it: read the bitmap bits of the
 * range's frames (1: not accessed since the last idle over it), then
 * mark them all idle again.
 */
static long idle_one(struct scn_state *st, unsigned long addr)
{
	long pfn = msim_pagemap_pfn(current_mm(st), addr);
	int idle;

	if (pfn < 0)
		return pfn;
	idle = msim_page_idle_get(st->machine, (unsigned long)pfn);
	if (idle >= 0)
		msim_page_idle_set(st->machine, (unsigned long)pfn);
	return idle;
}

static int cmd_idle(struct scn_state *st, const struct scn_call *c)
{
	return per_page(st, c, idle_one);
}

/* khugepaged's test of one PTE; it clears nothing. */
static int cmd_young(struct scn_state *st, const struct scn_call *c)
{
	int ret = msim_test_young(current_mm(st), c->arg[0]);

	if (ret < 0)
		fprintf(st->out, "young 0x%lx = -\n", c->arg[0]);
	else
		fprintf(st->out, "young 0x%lx = %d\n", c->arg[0], ret);
	return 0;
}

static int cmd_reclaim(struct scn_state *st, const struct scn_call *c)
{
	long ret = msim_reclaim_range(current_mm(st), c->arg[0], c->arg[1]);

	if (ret < 0)
		scn_call_failed(st, c, ret);
	else
		fprintf(st->out, "reclaim 0x%lx: %ld pages\n", c->arg[0], ret);
	return 0;
}

static int cmd_migrate(struct scn_state *st, const struct scn_call *c)
{
	long ret = msim_migrate_range(current_mm(st), c->arg[0], c->arg[1]);

	if (ret < 0)
		scn_call_failed(st, c, ret);
	else
		fprintf(st->out, "migrate 0x%lx: %ld pages\n", c->arg[0], ret);
	return 0;
}

/* A violation is a failure of the run, but the lines after it still run. */
static int cmd_check(struct scn_state *st, const struct scn_call *c)
{
	(void)c;
	scn_check(st, "check");
	return 0;
}

/*
 * What exec does for a coldfire program: map the machine's vDSO page into
 * the current mm (arch_setup_additional_pages()), and print where, the
 * AT_SYSINFO_EHDR value the program would get, with a warning if that is
 * not where the blob is prelinked.  A process that has one already gets
 * EEXIST.  Other arches have no vDSO in mmsim: EINVAL, with what to do
 * instead, since a newcomer's first run is on x86_64.
 */
#if MMSIM_HAVE_COLDFIRE
static int cmd_vdso(struct scn_state *st, const struct scn_call *c)
{
	struct linux_binprm bprm = { .mm = current_mm(st) };
	int ret = arch_setup_additional_pages(&bprm, 0);

	if (ret == -EINVAL && bprm.mm->arch != &msim_arch_coldfire) {
		scn_report(st,
			   "vdso: %s: the vDSO exists on coldfire only "
			   "(mmsim run --arch coldfire)",
			   msim_errno_name(ret));
		return 0;
	}
	if (ret) {
		scn_call_failed(st, c, ret);
		return 0;
	}
	fprintf(st->out, "vdso 0x%lx\n", bprm.mm->context.vdso);
	if (msim_vdso_misplaced(bprm.mm)) {
		unsigned long at = bprm.mm->context.vdso;
		unsigned long link = (unsigned long)msim_vdso_seed()->link_base;

		scn_report(st,
			   "vdso: at 0x%lx, not where it is prelinked (0x%lx): "
			   "__kernel_read_tp would read kuser_vdso_tp at "
			   "0x%lx, not at 0x%lx",
			   at, link, link + VDSO_VAR_OFFSET,
			   at + VDSO_VAR_OFFSET);
	}
	return 0;
}

/*
 * The kernel switches to a thread whose TLS pointer is TP: resume()
 * stores it in kuser_vdso_tp, in the vDSO page every mm shares.
 */
static int cmd_settp(struct scn_state *st, const struct scn_call *c)
{
	if (c->arg[0] > UINT32_MAX)
		return scn_malformed(st, "settp: %s does not fit in 32 bits",
				     c->argv[1]);
	msim_vdso_set_tp(st->machine, (uint32_t)c->arg[0]);
	return 0;
}
#else
/* A build without the ColdFire room has no vDSO to map or to write. */
static int no_coldfire(struct scn_state *st, const struct scn_call *c)
{
	return scn_malformed(st,
			     "%s: mmsim was built without ColdFire "
			     "support (-DMMSIM_COLDFIRE=OFF)",
			     c->argv[0]);
}
#define cmd_vdso no_coldfire
#define cmd_settp no_coldfire
#endif

/*
 * 'thread' and 'end' are the syntax of thread sections (threads.c), which
 * the runner reads before lines get here: an 'end' that does get here
 * closes no block.
 */
static int cmd_block(struct scn_state *st, const struct scn_call *c)
{
	if (!strcmp(c->argv[0], "end"))
		return scn_malformed(st, "'end' without 'thread'");
	return scn_malformed(st, "thread inside a thread block");
}

#define ADDR_LEN SCN_ARG_NUMBER, SCN_ARG_NUMBER
#define TASK SCN_CMD_TASK

/* clang-format off */
const struct scn_command scn_commands[] = {
	{ "mmap", { ADDR_LEN, SCN_ARG_PROT, SCN_ARG_MAP_FLAGS },
	  "ADDR LEN PROT FLAGS", "map anonymous memory", cmd_mmap, TASK },
	{ "munmap", { ADDR_LEN }, "ADDR LEN", "unmap a range", cmd_munmap,
	  TASK },
	{ "mprotect", { ADDR_LEN, SCN_ARG_PROT }, "ADDR LEN PROT",
	  "change the protection of a range", cmd_mprotect, TASK },
	{ "madvise", { ADDR_LEN, SCN_ARG_ADVICE }, "ADDR LEN ADVICE",
	  "give advice about a range", cmd_madvise, TASK },
	{ "touch", { ADDR_LEN, SCN_ARG_ACCESS }, "ADDR LEN read|write|exec",
	  "access one byte of every page of a range", cmd_touch, TASK },
	{ "peek", { SCN_ARG_NUMBER }, "ADDR", "read one byte and print it",
	  cmd_peek, TASK },
	{ "poke", { SCN_ARG_NUMBER, SCN_ARG_BYTE }, "ADDR BYTE",
	  "write one byte", cmd_poke, TASK },
	{ "maps", { SCN_ARG_NONE }, "", "print /proc/PID/maps", cmd_maps,
	  TASK },
	{ "smaps", { SCN_ARG_NONE }, "", "print some of /proc/PID/smaps",
	  cmd_smaps, TASK },
	{ "fork", { SCN_ARG_NAME }, "NAME",
	  "fork the current task; the child is NAME", cmd_fork, TASK },
	{ "in", { SCN_ARG_NAME }, "NAME", "make NAME the current task", cmd_in,
	  0 },
	{ "exit", { SCN_ARG_NONE }, "", "the current task exits", cmd_exit,
	  TASK },
	{ "vdso", { SCN_ARG_NONE }, "",
	  "map the vDSO as exec does (coldfire)", cmd_vdso, TASK },
	{ "settp", { SCN_ARG_NUMBER }, "TP",
	  "store TP in the vDSO's kuser_vdso_tp", cmd_settp, 0 },
	{ "age", { ADDR_LEN }, "ADDR LEN",
	  "age each page: the mappings that used it", cmd_age, TASK },
	{ "idle", { ADDR_LEN }, "ADDR LEN",
	  "print which pages stayed idle, mark all idle", cmd_idle, TASK },
	{ "young", { SCN_ARG_NUMBER }, "ADDR",
	  "test the page's accessed bits (1 or 0)", cmd_young, TASK },
	{ "reclaim", { ADDR_LEN }, "ADDR LEN",
	  "reclaim the range's pages to swap", cmd_reclaim, TASK },
	{ "migrate", { ADDR_LEN }, "ADDR LEN",
	  "move the range's pages to new frames", cmd_migrate, TASK },
	{ "check", { SCN_ARG_NONE }, "",
	  "cross-check the mms, machine and drivers", cmd_check, 0 },
	{ "attach", { SCN_ARG_NAME, SCN_ARG_NAME, SCN_ARG_NAME },
	  "DRIVER NAME [BUG]",
	  "attach a secondary MMU (see below)",
	  scn_cmd_attach, TASK | SCN_CMD_OPTIONAL_LAST },
	{ "detach", { SCN_ARG_NAME }, "NAME", "detach a secondary MMU",
	  scn_cmd_detach, 0 },
	{ "dpeek", { SCN_ARG_NAME, SCN_ARG_NUMBER }, "NAME ADDR",
	  "the device reads one byte and prints it", scn_cmd_dpeek, 0 },
	{ "dpoke", { SCN_ARG_NAME, SCN_ARG_NUMBER, SCN_ARG_BYTE },
	  "NAME ADDR BYTE", "the device writes one byte", scn_cmd_dpoke, 0 },
	{ "mappings", { SCN_ARG_NAME }, "NAME",
	  "print a secondary MMU's mappings", scn_cmd_mappings, 0 },
	{ "coherence", { SCN_ARG_NONE }, "",
	  "check the secondary MMUs' mappings", scn_cmd_coherence, 0 },
	{ "thread", { SCN_ARG_NAME }, "NAME",
	  "the lines up to 'end' are a thread", cmd_block, SCN_CMD_BLOCK },
	{ "end", { SCN_ARG_NONE }, "", "end a thread's block", cmd_block,
	  SCN_CMD_BLOCK },
	{ .name = NULL }
};
/* clang-format on */

#undef TASK

const struct scn_command *scn_command_lookup(const char *name)
{
	const struct scn_command *c;

	for (c = scn_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

void scn_commands_help(FILE *out)
{
	const struct scn_command *c;
	char head[64];

	for (c = scn_commands; c->name; c++) {
		snprintf(head, sizeof(head), "%s %s", c->name, c->synopsis);
		fprintf(out, "  %-32s %s\n", head, c->help);
	}
}
