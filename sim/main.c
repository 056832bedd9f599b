// SPDX-License-Identifier: MIT
/*
 * mmsim: the command-line front end of the simulator.  Each subcommand is
 * a row of the table below; 'mmsim help' is generated from it.
 */
#include <stdio.h>
#include <string.h>

#include <mmsim/mmsim.h>

#include "subcmd.h"

struct subcmd {
	const char *name;
	const char *summary;
	int (*main)(int argc, char **argv);
	void (*help)(FILE *out);
};

static int help_main(int argc, char **argv);
static void help_help(FILE *out);

static const struct subcmd subcmds[] = {
	{ "run", "run a scenario file", run_main, run_help },
	{ "explore", "run a scenario's threads under many schedules",
	  explore_main, explore_help },
#if MMSIM_HAVE_COLDFIRE
	{ "vdso-fuzz", "fuzz the ColdFire vDSO cmpxchg with interrupts",
	  vdso_fuzz_main, vdso_fuzz_help },
	{ "cf-explore", "interrupt-injection experiments on a ColdFire program",
	  cf_explore_main, cf_explore_help },
#endif
	{ "help", "show the help of a command", help_main, help_help },
	{ .name = NULL }
};

static const struct subcmd *subcmd_lookup(const char *name)
{
	const struct subcmd *s;

	for (s = subcmds; s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

static void usage(FILE *out)
{
	const struct subcmd *s;

	fputs("usage: mmsim COMMAND [ARGS...]\n"
	      "       mmsim --help | --version\n"
	      "\n"
	      "A user-space simulator of the Linux memory manager.\n"
	      "\n"
	      "Commands:\n",
	      out);
	for (s = subcmds; s->name; s++)
		fprintf(out, "  %-10s %s\n", s->name, s->summary);
	fputs("\nRun 'mmsim help COMMAND' for the options of a command.\n",
	      out);
}

static void help_help(FILE *out)
{
	fputs("usage: mmsim help [COMMAND]\n"
	      "\n"
	      "Show the help of COMMAND, or the list of commands.\n",
	      out);
}

static int help_main(int argc, char **argv)
{
	const struct subcmd *s;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if (argc > 2) {
		fprintf(stderr, "mmsim help: unexpected argument '%s'\n",
			argv[2]);
		return SUBCMD_EXIT_USAGE;
	}
	s = subcmd_lookup(argv[1]);
	if (!s) {
		fprintf(stderr, "mmsim help: unknown command '%s'\n", argv[1]);
		return SUBCMD_EXIT_USAGE;
	}
	s->help(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct subcmd *s;

	if (argc < 2) {
		usage(stderr);
		return SUBCMD_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("mmsim %s\n", MMSIM_VERSION);
		return 0;
	}
	s = subcmd_lookup(argv[1]);
	if (!s) {
		fprintf(stderr, "mmsim: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return SUBCMD_EXIT_USAGE;
	}
	return s->main(argc - 1, argv + 1);
}
