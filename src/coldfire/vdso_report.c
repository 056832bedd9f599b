// SPDX-License-Identifier: MIT
/*
 * Reports of vDSO fuzz runs.  A person reading one should be able to see
 * the race without the tool: which instruction was interrupted, what the
 * fixup did with the PC, what ran meanwhile, and what came back.
 */
#include <string.h>

#include <mmsim/err.h>
#include <mmsim/fault.h>
#include <mmsim/coldfire/vdso.h>

#include "disasm.h"
#include "ucpu_internal.h"
#include <mmsim/coldfire/vdso_report.h>

const char *msim_vf_fn_name(enum msim_vf_fn fn)
{
	return fn == MSIM_VF_FN_CMPXCHG ? "__kernel_atomic_cmpxchg_32"
					: "__kernel_read_tp";
}

int msim_vf_insn(struct msim_vf_env *env, uint32_t pc, char *buf, size_t size)
{
	uint8_t code[10];
	size_t len;

	if (size)
		buf[0] = '\0';
	/* ColdFire instructions are 2 to 6 bytes long; 10 is the 68k's. */
	for (len = sizeof(code); len >= 2; len -= 2)
		if (!msim_user_read(env->mm, pc, code, len))
			return msim_vf_disasm_one(code, len, pc, buf, size);
	return -1;
}

static void call_line(FILE *out, const struct msim_vf_result *r, int call)
{
	const struct msim_vf_call *k = &r->ran.call[call];

	if (k->fn == MSIM_VF_FN_CMPXCHG)
		fprintf(out,
			"T%d calls __kernel_atomic_cmpxchg_32(a0=&word, "
			"d0=0x%x, d1=0x%x)",
			call, k->expected, k->new);
	else
		fprintf(out,
			"T%d calls __kernel_read_tp() (its pointer is "
			"0x%08x)",
			call, r->call[call].tp);
}

/* Which thread an event's call interrupted, for the switch lines. */
static int parent_of(const struct msim_vf_result *r, int call)
{
	int i, j;

	for (i = 0; i < r->ran.nr_calls; i++)
		for (j = 0; j < r->ran.call[i].nr_irqs; j++)
			if (r->ran.call[i].irq[j].effect == MSIM_VF_EFF_CALL &&
			    r->ran.call[i].irq[j].call == call)
				return i;
	return -1;
}

void msim_vf_report_events(FILE *out, struct msim_vf_env *env,
			   const struct msim_vf_result *r, const char *indent)
{
	int i;

	(void)env;
	for (i = 0; i < r->nr_events; i++) {
		const struct msim_vf_event *e = &r->ev[i];
		int depth = r->ran.call[e->call].depth, parent;

		fprintf(out, "%s%*s", indent, 2 * depth, "");
		switch (e->kind) {
		case MSIM_VF_EV_CALL:
			parent = parent_of(r, e->call);
			if (parent >= 0)
				fprintf(out,
					"switch T%d -> T%d (kuser_vdso_tp "
					"= 0x%08x); ",
					parent, e->call, r->call[e->call].tp);
			call_line(out, r, e->call);
			fprintf(out, ", word 0x%x\n", e->a);
			break;
		case MSIM_VF_EV_IRQ:
			fprintf(out,
				"interrupt: T%d at pc 0x%08x "
				"(instruction %u)\n",
				e->call, e->a, e->b);
			break;
		case MSIM_VF_EV_REWIND:
			fprintf(out, "fixup rewinds T%d: pc 0x%08x -> 0x%08x\n",
				e->call, e->a, e->b);
			break;
		case MSIM_VF_EV_RESUME:
			fprintf(out, "T%d resumes at 0x%08x\n", e->call, e->a);
			break;
		case MSIM_VF_EV_STORE:
			fprintf(out, "store 0x%x to the word (was 0x%x)\n",
				e->a, e->b);
			break;
		case MSIM_VF_EV_RETURN:
			if (r->ran.call[e->call].fn == MSIM_VF_FN_CMPXCHG)
				fprintf(out, "T%d returns d0=0x%x, word 0x%x",
					e->call, e->a, e->c);
			else
				fprintf(out,
					"T%d returns a0=0x%08x "
					"d0=0x%08x",
					e->call, e->b, e->a);
			parent = parent_of(r, e->call);
			if (parent >= 0)
				fprintf(out, "; switch T%d -> T%d", e->call,
					parent);
			fputc('\n', out);
			break;
		case MSIM_VF_EV_ERROR:
			fprintf(out, "T%d does not return: %s (%s)\n", e->call,
				msim_vf_errname(-(int)e->a),
				msim_ucpu_error_kind_name(
					(enum msim_ucpu_error_kind)e->b));
			break;
		}
	}
}

/* The interrupted function's code, with the PC marked. */
static void report_code(FILE *out, struct msim_vf_env *env,
			const struct msim_vf_result *r,
			const struct msim_vf_violation *v)
{
	const struct msim_vdso_image *img = env->img;
	uint32_t start, end;
	uint8_t code[64];

	if (r->ran.call[v->call].fn == MSIM_VF_FN_CMPXCHG) {
		start = img->sym_atomic_cmpxchg_32;
		end = img->sym_atomic_barrier;
	} else {
		start = img->sym_read_tp;
		end = img->sym_atomic_cmpxchg_32;
	}
	/* Symbols in another order than the seed's: show a window. */
	if (end <= start || end - start > sizeof(code))
		end = start + 16;
	if (v->has_pc && (v->pc < start || v->pc >= end))
		fprintf(out, "  (pc 0x%08x is outside %s)\n", v->pc,
			msim_vf_fn_name(r->ran.call[v->call].fn));
	if (msim_user_read(env->mm, start, code, end - start)) {
		fprintf(out, "  (code at 0x%08x unreadable)\n", start);
		return;
	}
	fprintf(out, "  code:\n");
	if (msim_vf_disasm(out, code, end - start, start, v->has_pc ? v->pc : 0,
			   "    ") < 0)
		fprintf(out, "    (capstone cannot disassemble m68k)\n");
}

/*
 * The fixup's code from its entry point to past the PC it failed at,
 * marked, for a fixup-failed violation (at most 64 bytes before it).
 */
static void report_fixup_code(FILE *out, struct msim_vf_env *env,
			      const struct msim_vf_result *r,
			      const struct msim_vf_violation *v)
{
	const struct msim_ucpu_error *e = &r->call[v->call].error;
	uint32_t start = msim_ucpu_fixup_entry(env->cpu), end, i;
	uint8_t code[96];

	if (e->pc < start || !msim_ucpu_fixup_failed(e))
		return;
	if (e->pc - start > 64)
		start = e->pc - 64;
	end = e->pc + 16;
	while (end > start &&
	       msim_ucpu_kernel_read(env->cpu, start, code, end - start))
		end -= 2;
	if (end <= e->pc)
		return;
	/* The kernel area is zero past the fixup: stop where it is. */
	for (i = e->pc - start + 2; i + 4 <= end - start; i += 2)
		if (!code[i] && !code[i + 1] && !code[i + 2] && !code[i + 3]) {
			end = start + i;
			break;
		}
	fprintf(out, "  fixup code:\n");
	if (msim_vf_disasm(out, code, end - start, start, e->pc, "    ") < 0)
		fprintf(out, "    (capstone cannot disassemble m68k)\n");
}

/* One operation of a linearization, as the events name it. */
static void step_name(FILE *out, const struct msim_vf_step *st)
{
	if (st->call >= 0)
		fprintf(out, "T%d", st->call);
	else
		fprintf(out, "store 0x%x", st->value);
}

/* What was seen, and beside it what would have been linearizable. */
static void report_outcomes(FILE *out, const struct msim_vf_result *r,
			    const struct msim_vf_violation *v)
{
	static _Thread_local struct msim_vf_outcome o[MSIM_VF_MAX_OUTCOMES];
	const struct msim_vf_call_result *cr = &r->call[v->call];
	int n = msim_vf_outcomes(r, v, o, MSIM_VF_MAX_OUTCOMES), i, j;

	if (n < 0)
		return;
	fprintf(out,
		"  seen:          returned 0x%x, word left 0x%x (no order of "
		"its history gives it)\n",
		cr->d0, cr->word_after);
	if (!n)
		fprintf(out, "  linearizable:  none, with the other calls' "
			     "results as they were\n");
	for (i = 0; i < n && i < MSIM_VF_MAX_OUTCOMES; i++) {
		fprintf(out, "  %-15sreturned 0x%x, word left 0x%x",
			i ? "" : "linearizable:", o[i].returned,
			o[i].word_after);
		for (j = 0; j < o[i].nr_steps; j++) {
			fputs(j ? ", " : " (order: ", out);
			step_name(out, &o[i].step[j]);
		}
		fputs(o[i].nr_steps ? ")\n" : "\n", out);
	}
	if (n > MSIM_VF_MAX_OUTCOMES)
		fprintf(out, "                 and %d more\n",
			n - MSIM_VF_MAX_OUTCOMES);
}

void msim_vf_report_violation(FILE *out, struct msim_vf_env *env,
			      const struct msim_vf_result *r,
			      const struct msim_vf_violation *v,
			      const char *replay_prefix)
{
	const struct msim_vf_call *k = &r->ran.call[v->call];
	char text[MSIM_VF_CASE_TEXT_MAX];

	fprintf(out, "%s in T%d's %s", msim_vf_kind_name(v->kind), v->call,
		msim_vf_fn_name(k->fn));
	if (v->has_pc)
		fprintf(out, ", last interrupted at pc 0x%08x\n", v->pc);
	else
		fprintf(out, ", not interrupted itself\n");
	fprintf(out, "  %s\n", v->detail);
	if (k->fn == MSIM_VF_FN_CMPXCHG)
		fprintf(out,
			"  values: word 0x%x at its call, expected 0x%x, "
			"new 0x%x\n",
			r->call[v->call].word_before, k->expected, k->new);
	report_outcomes(out, r, v);
	report_code(out, env, r, v);
	if (v->kind == MSIM_VF_FIXUP_FAILED)
		report_fixup_code(out, env, r, v);
	fprintf(out, "  events:\n");
	msim_vf_report_events(out, env, r, "    ");
	msim_vf_case_format(&r->ran, text, sizeof(text));
	fprintf(out, "  replay: %s '%s'\n", replay_prefix, text);
}

void msim_vf_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static const char *ev_name(enum msim_vf_ev_kind kind)
{
	static const char *const names[] = {
		[MSIM_VF_EV_CALL] = "call",	[MSIM_VF_EV_IRQ] = "interrupt",
		[MSIM_VF_EV_REWIND] = "rewind", [MSIM_VF_EV_RESUME] = "resume",
		[MSIM_VF_EV_STORE] = "store",	[MSIM_VF_EV_RETURN] = "return",
		[MSIM_VF_EV_ERROR] = "error",
	};

	return names[kind];
}

static void json_event(FILE *out, const struct msim_vf_result *r,
		       const struct msim_vf_event *e)
{
	const struct msim_vf_call *k = &r->ran.call[e->call];

	fprintf(out, "{\"event\": \"%s\", \"thread\": %d", ev_name(e->kind),
		e->call);
	switch (e->kind) {
	case MSIM_VF_EV_CALL:
		fprintf(out,
			", \"depth\": %d, \"function\": \"%s\", "
			"\"word_before\": %u",
			k->depth, msim_vf_fn_name(k->fn), e->a);
		if (k->fn == MSIM_VF_FN_CMPXCHG)
			fprintf(out, ", \"expected\": %u, \"new\": %u",
				k->expected, k->new);
		else
			fprintf(out, ", \"tp\": %u", r->call[e->call].tp);
		break;
	case MSIM_VF_EV_IRQ:
		fprintf(out, ", \"at_pc\": %u, \"instruction\": %u", e->a,
			e->b);
		break;
	case MSIM_VF_EV_REWIND:
		fprintf(out, ", \"from_pc\": %u, \"to_pc\": %u", e->a, e->b);
		break;
	case MSIM_VF_EV_RESUME:
		fprintf(out, ", \"resume_pc\": %u", e->a);
		break;
	case MSIM_VF_EV_STORE:
		fprintf(out, ", \"value\": %u, \"word_before\": %u", e->a,
			e->b);
		break;
	case MSIM_VF_EV_RETURN:
		fprintf(out, ", \"d0\": %u, \"a0\": %u, \"word_after\": %u",
			e->a, e->b, e->c);
		break;
	case MSIM_VF_EV_ERROR:
		fprintf(out,
			", \"error\": \"%s\", \"errno\": %u, \"failure\": "
			"\"%s\"",
			msim_vf_errname(-(int)e->a), e->a,
			ucpu_error_token((enum msim_ucpu_error_kind)e->b));
		break;
	}
	fputc('}', out);
}

void msim_vf_json_events(FILE *out, const struct msim_vf_result *r)
{
	int i;

	fputc('[', out);
	for (i = 0; i < r->nr_events; i++) {
		fputs(i ? ", " : "", out);
		json_event(out, r, &r->ev[i]);
	}
	fputc(']', out);
}

/* The outcomes that would have been linearizable, or null. */
static void json_outcomes(FILE *out, const struct msim_vf_result *r,
			  const struct msim_vf_violation *v)
{
	static _Thread_local struct msim_vf_outcome o[MSIM_VF_MAX_OUTCOMES];
	int n = msim_vf_outcomes(r, v, o, MSIM_VF_MAX_OUTCOMES), i, j;

	if (n < 0) {
		fputs("null", out);
		return;
	}
	fputc('[', out);
	for (i = 0; i < n && i < MSIM_VF_MAX_OUTCOMES; i++) {
		fprintf(out,
			"%s{\"returned\": %u, \"word_after\": %u, "
			"\"order\": [",
			i ? ", " : "", o[i].returned, o[i].word_after);
		for (j = 0; j < o[i].nr_steps; j++) {
			const struct msim_vf_step *st = &o[i].step[j];

			fputs(j ? ", " : "", out);
			if (st->call >= 0)
				fprintf(out, "{\"thread\": %d}", st->call);
			else
				fprintf(out, "{\"store\": %u}", st->value);
		}
		fputs("]}", out);
	}
	fputc(']', out);
}

/* A value as the hex string it always was, then as a number. */
static void json_hex(FILE *out, const char *name, uint32_t v)
{
	fprintf(out, ", \"%s\": \"0x%x\", \"%s_value\": %u", name, v, name, v);
}

static void json_violation(FILE *out, const struct msim_vf_result *r,
			   const struct msim_vf_violation *v,
			   const char *replay, const char *found_as)
{
	const struct msim_vf_call *k = &r->ran.call[v->call];
	const struct msim_vf_call_result *cr = &r->call[v->call];
	char text[MSIM_VF_CASE_TEXT_MAX];

	fputc('{', out);
	if (v->has_pc)
		fprintf(out, "\"pc\": \"0x%08x\", \"pc_value\": %u", v->pc,
			v->pc);
	else
		fprintf(out, "\"pc\": null, \"pc_value\": null");
	fprintf(out,
		", \"kind\": \"%s\", \"function\": \"%s\", "
		"\"thread\": %d, \"depth\": %d",
		msim_vf_kind_name(v->kind), msim_vf_fn_name(k->fn), v->call,
		k->depth);
	if (k->fn == MSIM_VF_FN_CMPXCHG) {
		json_hex(out, "word", cr->word_before);
		json_hex(out, "expected", k->expected);
		json_hex(out, "new", k->new);
		json_hex(out, "returned", cr->d0);
		json_hex(out, "word_after", cr->word_after);
	}
	json_hex(out, "final_word", r->final_word);
	fprintf(out, ", \"detail\": ");
	msim_vf_json_string(out, v->detail);
	msim_vf_case_format(&r->ran, text, sizeof(text));
	fprintf(out, ", \"case\": ");
	msim_vf_json_string(out, text);
	fprintf(out, ", \"replay\": ");
	msim_vf_json_string(out, replay);
	if (found_as) {
		fprintf(out, ", \"found_as\": ");
		msim_vf_json_string(out, found_as);
	}
	fprintf(out, ", \"interrupts_delivered\": %d",
		msim_vf_case_nr_irqs(&r->ran));
	fprintf(out, ", \"linearizable_outcomes\": ");
	json_outcomes(out, r, v);
	fprintf(out, ", \"events\": ");
	msim_vf_json_events(out, r);
	fputc('}', out);
}

void msim_vf_json_violation(FILE *out, const struct msim_vf_result *r,
			    const struct msim_vf_violation *v,
			    const char *replay)
{
	json_violation(out, r, v, replay, NULL);
}

void msim_vf_json_found(FILE *out, const struct msim_vf_result *r,
			const struct msim_vf_found *f, const char *replay)
{
	json_violation(out, r, &r->v[0], replay, f->found_as);
}

void msim_vf_json_group(FILE *out, const struct msim_vf_group *g)
{
	char text[MSIM_VF_CASE_TEXT_MAX];

	fputc('{', out);
	if (g->has_pc)
		fprintf(out, "\"pc\": \"0x%08x\", \"pc_value\": %u", g->pc,
			g->pc);
	else
		fprintf(out, "\"pc\": null, \"pc_value\": null");
	fprintf(out, ", \"instruction\": ");
	if (g->has_pc && g->insn[0])
		msim_vf_json_string(out, g->insn);
	else
		fputs("null", out);
	msim_vf_case_format(&g->example, text, sizeof(text));
	fprintf(out,
		", \"kind\": \"%s\", \"function\": \"%s\", \"cases\": %lu, "
		"\"example\": ",
		msim_vf_kind_name(g->kind), msim_vf_fn_name(g->fn), g->count);
	msim_vf_json_string(out, text);
	fprintf(out, ", \"example_interrupts\": %d}",
		msim_vf_case_nr_irqs(&g->example));
}
