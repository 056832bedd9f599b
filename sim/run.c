// SPDX-License-Identifier: MIT
/*
 * mmsim run: the options of a scenario run.
 */
#include <getopt.h>
#include <stdarg.h>
#include <string.h>

#include "drivers.h"
#include "scenario.h"
#include "subcmd.h"

#define usage_error(...) subcmd_usage("run", __VA_ARGS__)

void run_help(FILE *out)
{
	fputs("usage: mmsim run [--arch NAME] [--ram BYTES] [--swap BYTES] "
	      "[--check]\n"
	      "                 [--echo] [--schedule STRING] "
	      "[--check-every-step]\n"
	      "                 [--trace FILE] [--html FILE] [--timeline] "
	      "FILE\n"
	      "\n"
	      "Run the scenario in FILE ('-' for standard input) on one "
	      "simulated\n"
	      "machine, one command a line.  It starts with one task, init.\n"
	      "\n"
	      "Options:\n"
	      "  --arch NAME   the CPU: x86_64 (the default) or coldfire\n"
	      "  --ram BYTES   simulated RAM, with an optional K, M, G or T "
	      "suffix\n"
	      "                (default 1G; the host pays only for the "
	      "frames used)\n"
	      "  --swap BYTES  a swap device of that size, at least a page, "
	      "suffixes\n"
	      "                as for --ram (default none: reclaim leaves "
	      "anonymous\n"
	      "                memory be)\n"
	      "  --check       check the invariants after every command and "
	      "stop\n"
	      "                at the first violation\n"
	      "  --echo        print the file as it runs, commands and "
	      "comments, each\n"
	      "                before what it prints (see below)\n"
	      "  --schedule STRING\n"
	      "                run the thread sections under STRING, a "
	      "schedule that\n"
	      "                'mmsim explore' printed, or a script "
	      "THREAD[@EVENT[#N]],...\n"
	      "  --check-every-step\n"
	      "                in thread sections, check after every step at "
	      "which no\n"
	      "                thread holds a lock\n",
	      out);
	scn_trace_help(out, 16);
	fputs("  -h, --help    show this help\n"
	      "\n"
	      "Scenario commands, one a line ('#' starts a comment; numbers "
	      "are C\n"
	      "literals; PROT and FLAGS are PROT_* and MAP_* names joined by "
	      "'|'):\n",
	      out);
	scn_commands_help(out);
	fputc('\n', out);
	scn_drivers_help(out);
	fputs("\n"
	      "Thread sections: lines between 'thread NAME' and 'end' run as "
	      "one\n"
	      "simulated thread, starting on the current process ('in' "
	      "changes that\n"
	      "thread's alone); consecutive blocks run concurrently and are "
	      "joined\n"
	      "before the next line outside a block.  Without --schedule "
	      "they run\n"
	      "without preemption (each thread until it blocks or ends, in "
	      "order);\n"
	      "the invariant and coherence checkers run after each section, "
	      "and a\n"
	      "deadlock, a lock-order inversion, sleeping with a spinlock "
	      "held, mmap_lock\n"
	      "recursion or a BUG() is reported with the schedule that "
	      "replays it.\n"
	      "'mmsim explore' runs them under many schedules.\n"
	      "\n"
	      "Commands act on the current task, init at first.  fork leaves "
	      "the\n"
	      "parent current, and its NAME (a letter or '_', then letters, "
	      "digits,\n"
	      "'_', '-' or '.') must be new: an exited task keeps its name.  "
	      "After\n"
	      "exit no task is current until 'in' names a live one.  BYTE is "
	      "0 to 255.\n"
	      "age, idle and young print per page a count or a flag, or '-' "
	      "where\n"
	      "no page is mapped; reclaim and migrate print how many pages "
	      "went.\n"
	      "mappings prints 'mappings NAME: none' for a driver that has "
	      "none.\n"
	      "touch, age and idle walk a range a page at a time: it must lie "
	      "below\n"
	      "TASK_SIZE, the end of the user address space (0x7ffffffff000 "
	      "on x86_64,\n"
	      "0xc0000000 on coldfire), and cover at most 1048576 pages, or "
	      "the line\n"
	      "cannot be understood (peek and poke reach any address).  touch "
	      "reports\n"
	      "each run of pages that fault alike as one line.\n"
	      "\n"
	      "With --echo the output reads as a transcript: each command is "
	      "printed\n"
	      "as '> ' and its line as written (blanks around it trimmed, a "
	      "trailing\n"
	      "comment kept) before its output, each comment line as written, "
	      "and\n"
	      "each run of blank lines as one blank line (none at the start or "
	      "end).\n"
	      "Messages still go to standard error, as below.\n"
	      "\n"
	      "A call that fails is reported on standard error as FILE:LINE:, "
	      "the\n"
	      "line and its errno, and the run goes on; an access that faults "
	      "reports\n"
	      "the signal.  "
	      "fork reports EEXIST for a name taken, in ESRCH for a task\n"
	      "not live, and a command that needs a current task ESRCH when "
	      "there\n"
	      "is none.\n"
	      "\n"
	      "A line holds at most 4096 bytes, its newline not counted, "
	      "and no control\n"
	      "byte but tab; a longer one, or one with a control byte, "
	      "cannot be\n"
	      "understood.  A file holds at most 16 MiB.\n"
	      "\n"
	      "Exit status: 0 if the run completed, 1 if a check found a "
	      "violation\n"
	      "or a thread section failed, 2 for a line that cannot be "
	      "understood, a\n"
	      "schedule that the file does not fit, or a usage error.\n",
	      out);
}

int run_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "ram", required_argument, NULL, 'r' },
		{ "swap", required_argument, NULL, 's' },
		{ "check", no_argument, NULL, 'c' },
		{ "echo", no_argument, NULL, 'e' },
		{ "schedule", required_argument, NULL, 'S' },
		{ "check-every-step", no_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		SCN_TRACE_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct scn_trace_opts trace = { 0 };
	struct scn_options opt = { 0 };
	char err[128];
	const struct msim_arch *arch;
	const char *swap = NULL;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (scn_trace_option(&trace, c, optarg, err, sizeof(err))) {
		case 1:
			continue;
		case -1:
			return usage_error("%s", err);
		}
		switch (c) {
		case 'a':
			opt.arch = msim_arch_lookup(optarg);
			if (!opt.arch)
				return usage_error("unknown arch '%s' (x86_64 "
						   "or coldfire)",
						   optarg);
			break;
		case 'r':
			if (scn_parse_size(optarg, &opt.ram_bytes))
				return usage_error("bad RAM size '%s'", optarg);
			break;
		case 's':
			if (scn_parse_size(optarg, &opt.swap_bytes))
				return usage_error("bad swap size '%s'",
						   optarg);
			swap = optarg;
			break;
		case 'c':
			opt.check_each = true;
			break;
		case 'e':
			opt.echo = true;
			break;
		case 'S':
			opt.schedule = optarg;
			break;
		case 'E':
			opt.check_every_step = true;
			break;
		case 'h':
			run_help(stdout);
			return 0;
		default:
			return subcmd_bad_option("run", c, argv);
		}
	}
	/* Less than a page is no swap device at all, not a small one. */
	arch = opt.arch ? opt.arch : &msim_arch_x86_64;
	if (swap && opt.swap_bytes < msim_page_size(arch))
		return usage_error("swap size '%s' is less than a page (%lu "
				   "bytes on %s)",
				   swap, msim_page_size(arch), arch->name);
	if (optind == argc)
		return usage_error("no scenario FILE");
	if (optind + 1 < argc)
		return usage_error("unexpected argument '%s'",
				   argv[optind + 1]);
	opt.trace = &trace;
	return scn_run_file(argv[optind], &opt);
}
