// SPDX-License-Identifier: MIT
/*
 * The scenario commands.  Each handler gets its arguments parsed and acts
 * on the current task; a system call that fails is reported as the call
 * and its errno, and the scenario goes on as a program would.
 */
#include <limits.h>
#include <string.h>

#include "scenario.h"

static struct mm_struct *current_mm(struct scn_state *st)
{
	return st->current->mm;
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
	int ret = msim_mprotect(current_mm(st), c->arg[0], c->arg[1],
				c->arg[2]);

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
 * One access of one byte a page, as a program's loop over the range would
 * do: each page faults (or not) on its own, so a SIGSEGV on one page says
 * nothing about the next.  A real program would die of the first; going on
 * shows the whole range at once.
 */
static int cmd_touch(struct scn_state *st, const struct scn_call *c)
{
	struct mm_struct *mm = current_mm(st);
	unsigned long mask = ~(mm_page_size(mm) - 1);
	unsigned long addr = c->arg[0], len = c->arg[1];
	unsigned long page, last, fault;
	int ret;

	if (!len)
		return 0;
	if (len - 1 > ULONG_MAX - addr)
		return scn_malformed(st, "touch: range wraps around");
	last = (addr + len - 1) & mask;
	for (page = addr & mask;; page += mm_page_size(mm)) {
		fault = page;
		ret = msim_user_access(mm, page, NULL, 1, c->arg[2], &fault);
		if (ret == -EFAULT)
			scn_report(st, "touch: SIGSEGV at 0x%lx", fault);
		else if (ret == -ENOMEM)
			scn_report(st, "touch: VM_FAULT_OOM at 0x%lx", fault);
		else if (ret)
			scn_report(st, "touch: %s at 0x%lx",
				   msim_errno_name(ret), fault);
		if (page == last)
			return 0;
	}
}

static int cmd_maps(struct scn_state *st, const struct scn_call *c)
{
	(void)c;
	msim_show_maps(current_mm(st), stdout);
	return 0;
}

static int cmd_smaps(struct scn_state *st, const struct scn_call *c)
{
	(void)c;
	msim_show_smaps(current_mm(st), stdout);
	return 0;
}

/* A violation is a failure of the run, but the lines after it still run. */
static int cmd_check(struct scn_state *st, const struct scn_call *c)
{
	(void)c;
	scn_check(st, "check");
	return 0;
}

#define ADDR_LEN SCN_ARG_NUMBER, SCN_ARG_NUMBER

const struct scn_command scn_commands[] = {
	{ "mmap", { ADDR_LEN, SCN_ARG_PROT, SCN_ARG_MAP_FLAGS },
	  "ADDR LEN PROT FLAGS", "map anonymous memory", cmd_mmap },
	{ "munmap", { ADDR_LEN }, "ADDR LEN", "unmap a range", cmd_munmap },
	{ "mprotect", { ADDR_LEN, SCN_ARG_PROT }, "ADDR LEN PROT",
	  "change the protection of a range", cmd_mprotect },
	{ "madvise", { ADDR_LEN, SCN_ARG_ADVICE }, "ADDR LEN ADVICE",
	  "give advice about a range", cmd_madvise },
	{ "touch", { ADDR_LEN, SCN_ARG_ACCESS }, "ADDR LEN read|write|exec",
	  "access one byte of every page of a range", cmd_touch },
	{ "maps", { SCN_ARG_NONE }, "", "print /proc/PID/maps", cmd_maps },
	{ "smaps", { SCN_ARG_NONE }, "", "print some of /proc/PID/smaps",
	  cmd_smaps },
	{ "check", { SCN_ARG_NONE }, "",
	  "cross-check the mm and the machine", cmd_check },
	{ NULL }
};

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
