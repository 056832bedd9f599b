/* SPDX-License-Identifier: MIT */
/*
 * The vDSO fuzzer's reports of one run: the sequence of events, the code
 * around the interrupted PC, the violations, in words or as JSON.
 */
#ifndef MMSIM_COLDFIRE_VDSO_REPORT_H
#define MMSIM_COLDFIRE_VDSO_REPORT_H

#include <mmsim/export.h>
#include <stdio.h>

#include <mmsim/coldfire/campaign.h>
#include <mmsim/coldfire/vdso_run.h>

/* The function of call @call, as reports name it. */
MSIM_API const char *msim_vf_fn_name(enum msim_vf_fn fn);

/*
 * The instruction at @pc of @env's mm, disassembled, into @buf ("" when
 * it cannot be read or decoded).  Returns 0 or -1.
 */
MSIM_API int msim_vf_insn(struct msim_vf_env *env, uint32_t pc, char *buf,
			  size_t size);

/* The events of @r, one a line after @indent. */
MSIM_API void msim_vf_report_events(FILE *out, struct msim_vf_env *env,
				    const struct msim_vf_result *r,
				    const char *indent);

/*
 * One violation of @r in words: what, the values, for a not-linearizable
 * one what was seen beside the outcomes that would have been linearizable
 * (msim_vf_outcomes()), the code around its PC, the events and the command
 * line that replays it (@replay_prefix is the command up to the case,
 * e.g. "mmsim vdso-fuzz --replay").
 */
MSIM_API void msim_vf_report_violation(FILE *out, struct msim_vf_env *env,
				       const struct msim_vf_result *r,
				       const struct msim_vf_violation *v,
				       const char *replay_prefix);

/* @s as a JSON string, quotes included. */
MSIM_API void msim_vf_json_string(FILE *out, const char *s);

/*
 * One violation as a JSON object (no newline), with the fields README.md
 * documents (The vDSO fuzzer, JSON).
 */
MSIM_API void msim_vf_json_violation(FILE *out, const struct msim_vf_result *r,
				     const struct msim_vf_violation *v,
				     const char *replay);

/*
 * A campaign's recorded case @f as a JSON violation: @r is a run of
 * @f->text, whose first violation is printed, with "found_as" when @f
 * was shrunk.
 */
MSIM_API void msim_vf_json_found(FILE *out, const struct msim_vf_result *r,
				 const struct msim_vf_found *f,
				 const char *replay);

/* The events of @r as a JSON array of objects, every value a number. */
MSIM_API void msim_vf_json_events(FILE *out, const struct msim_vf_result *r);

/* A campaign's group as a JSON object (no newline). */
MSIM_API void msim_vf_json_group(FILE *out, const struct msim_vf_group *g);

#endif /* MMSIM_COLDFIRE_VDSO_REPORT_H */
