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
#include <mmsim/coldfire/vdso_report.h>

const char *msim_vf_fn_name(enum msim_vf_fn fn)
{
	return fn == MSIM_VF_FN_CMPXCHG ? "__kernel_atomic_cmpxchg_32"
					: "__kernel_read_tp";
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
			fprintf(out, "T%d does not return: %s\n", e->call,
				msim_vf_errname(-(int)e->a));
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
	report_code(out, env, r, v);
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

void msim_vf_json_violation(FILE *out, const struct msim_vf_result *r,
			    const struct msim_vf_violation *v,
			    const char *replay)
{
	const struct msim_vf_call *k = &r->ran.call[v->call];
	char text[MSIM_VF_CASE_TEXT_MAX];

	fputc('{', out);
	if (v->has_pc)
		fprintf(out, "\"pc\": \"0x%08x\"", v->pc);
	else
		fprintf(out, "\"pc\": null");
	fprintf(out,
		", \"kind\": \"%s\", \"function\": \"%s\", "
		"\"thread\": %d, \"depth\": %d",
		msim_vf_kind_name(v->kind), msim_vf_fn_name(k->fn), v->call,
		k->depth);
	if (k->fn == MSIM_VF_FN_CMPXCHG)
		fprintf(out,
			", \"word\": \"0x%x\", \"expected\": \"0x%x\", "
			"\"new\": \"0x%x\", \"returned\": \"0x%x\", "
			"\"word_after\": \"0x%x\"",
			r->call[v->call].word_before, k->expected, k->new,
			r->call[v->call].d0, r->call[v->call].word_after);
	fprintf(out, ", \"final_word\": \"0x%x\", \"detail\": ", r->final_word);
	msim_vf_json_string(out, v->detail);
	msim_vf_case_format(&r->ran, text, sizeof(text));
	fprintf(out, ", \"case\": ");
	msim_vf_json_string(out, text);
	fprintf(out, ", \"replay\": ");
	msim_vf_json_string(out, replay);
	fputc('}', out);
}
