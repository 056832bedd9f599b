/* SPDX-License-Identifier: MIT */
/*
 * Private to the vDSO fuzz engine: the values of a case as places to read
 * or change, for the simplicity order (fuzz_case.c) and the shrinker
 * (shrink.c).
 */
#ifndef MMSIM_COLDFIRE_FUZZ_CASE_INTERNAL_H
#define MMSIM_COLDFIRE_FUZZ_CASE_INTERNAL_H

#include <stdint.h>

#include <mmsim/coldfire/fuzz_case.h>

/* The word, two per cmpxchg and one per store: the most a case holds. */
#define MSIM_VF_MAX_SLOTS (1 + MSIM_VF_MAX_CALLS * (2 + MSIM_VF_MAX_PLAN))

/*
 * Points @slot[] at the values of @c in the order its text form shows
 * them: the word, then each cmpxchg's expected and new values, each
 * store's value.  Returns how many.
 */
int msim_vf_case_slots(struct msim_vf_case *c, uint32_t **slot);

#endif /* MMSIM_COLDFIRE_FUZZ_CASE_INTERNAL_H */
