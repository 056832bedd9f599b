/* SPDX-License-Identifier: MIT */
/**
 * DOC: Scenario drivers
 *
 * Secondary MMUs a scenario attaches to a process's mm: the library's
 * KVM-like shadow MMU (kvm), HMM mirror (dmirror), device TLB (dev_tlb)
 * and skeleton rmap driver (my_mmu), each under a name of its own.  The
 * first driver attached to an mm also attaches a coherence checker to it,
 * which 'coherence', 'check' and --check run.
 */
#ifndef MMSIM_SIM_DRIVERS_H
#define MMSIM_SIM_DRIVERS_H

#include "scenario.h"

int scn_cmd_attach(struct scn_state *st, const struct scn_call *c);
int scn_cmd_detach(struct scn_state *st, const struct scn_call *c);
int scn_cmd_dpeek(struct scn_state *st, const struct scn_call *c);
int scn_cmd_dpoke(struct scn_state *st, const struct scn_call *c);
int scn_cmd_mappings(struct scn_state *st, const struct scn_call *c);
int scn_cmd_coherence(struct scn_state *st, const struct scn_call *c);

/**
 * scn_coherence_check - run every coherence checker; report each
 * violation as "@what: " and the report's line.
 * Return: 0, or -EUCLEAN (and @st->status is SCN_EXIT_FAILED).
 */
int scn_coherence_check(struct scn_state *st, const char *what);

/** scn_drivers_help - the driver bugs 'attach' takes, for help. */
void scn_drivers_help(FILE *out);

/** scn_drivers_teardown - destroy every driver, then every checker. */
void scn_drivers_teardown(struct scn_state *st);

#endif /* MMSIM_SIM_DRIVERS_H */
