/* SPDX-License-Identifier: MIT */
/**
 * DOC: mmsim subcommands
 *
 * Each subcommand of the mmsim program is a main() of its own and a help
 * text; main.c lists them in its table.
 */
#ifndef MMSIM_SIM_SUBCMD_H
#define MMSIM_SIM_SUBCMD_H

#include <stdio.h>

/* What a subcommand's main() returns for a usage error. */
#define SUBCMD_EXIT_USAGE 2

/* mmsim run [OPTIONS] FILE: argv[0] is "run". */
int run_main(int argc, char **argv);
void run_help(FILE *out);

/* mmsim explore [OPTIONS] FILE: argv[0] is "explore". */
int explore_main(int argc, char **argv);
void explore_help(FILE *out);

/* mmsim cf-explore PROG [OPTIONS]: argv[0] is "cf-explore". */
int cf_explore_main(int argc, char **argv);
void cf_explore_help(FILE *out);

/* mmsim vdso-fuzz [OPTIONS]: argv[0] is "vdso-fuzz". */
int vdso_fuzz_main(int argc, char **argv);
void vdso_fuzz_help(FILE *out);

#endif /* MMSIM_SIM_SUBCMD_H */
