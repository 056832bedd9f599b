/* SPDX-License-Identifier: MIT */
/*
 * The vDSO fuzzer's reports of one run: the sequence of events, the code
 * around the interrupted PC, the violations, in words or as JSON.
 */
#ifndef MMSIM_COLDFIRE_VDSO_REPORT_H
#define MMSIM_COLDFIRE_VDSO_REPORT_H

#include <mmsim/export.h>
#include <stdio.h>

#include <mmsim/coldfire/vdso_run.h>

/* The function of call @call, as reports name it. */
MSIM_API const char *msim_vf_fn_name(enum msim_vf_fn fn);

/* The events of @r, one a line after @indent. */
MSIM_API void msim_vf_report_events(FILE *out, struct msim_vf_env *env,
				    const struct msim_vf_result *r,
				    const char *indent);

/*
 * One violation of @r in words: what, the values, the code around its PC,
 * the events and the command line that replays it (@replay_prefix is
 * the command up to the case, e.g. "mmsim vdso-fuzz --replay").
 */
MSIM_API void msim_vf_report_violation(FILE *out, struct msim_vf_env *env,
				       const struct msim_vf_result *r,
				       const struct msim_vf_violation *v,
				       const char *replay_prefix);

/* @s as a JSON string, quotes included. */
MSIM_API void msim_vf_json_string(FILE *out, const char *s);

/* One violation as a JSON object (no newline). */
MSIM_API void msim_vf_json_violation(FILE *out, const struct msim_vf_result *r,
				     const struct msim_vf_violation *v,
				     const char *replay);

#endif /* MMSIM_COLDFIRE_VDSO_REPORT_H */
