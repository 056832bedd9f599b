// SPDX-License-Identifier: MIT
/*
 * cf-explore's reports: a run in words or as JSON (the violation, the code
 * around its PC, the events underneath: interrupts, rewinds, switches,
 * kernel actions, TLB misses and faults, system calls; what each thread
 * wrote), and a campaign's verdict.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <mmsim/mmsim.h>
#include <mmsim/coldfire/cfx.h>
#include <mmsim/coldfire/exec.h>
#include <mmsim/coldfire/vdso.h>
#include <mmsim/coldfire/vdso_report.h>

#include "cfx_internal.h"
#include "disasm.h"
#include "ucpu_internal.h"

/* The vDSO's functions, for addresses there. */
static const char *vdso_symbol(uint32_t addr, uint32_t *start, uint32_t *end)
{
	const struct msim_vdso_image *v = msim_vdso_seed();

	if (!v)
		return NULL;
	if (addr >= v->sym_read_tp && addr < v->sym_atomic_cmpxchg_32) {
		*start = v->sym_read_tp;
		*end = v->sym_atomic_cmpxchg_32;
		return "__kernel_read_tp";
	}
	if (addr >= v->sym_atomic_cmpxchg_32 && addr < v->sym_atomic_barrier) {
		*start = v->sym_atomic_cmpxchg_32;
		*end = v->sym_atomic_barrier;
		return "__kernel_atomic_cmpxchg_32";
	}
	if (addr == v->sym_atomic_barrier) {
		*start = addr;
		*end = addr + 2;
		return "__kernel_atomic_barrier";
	}
	return NULL;
}

/* @addr's function and its bounds, if it is in one. */
static const char *symbol_of(const struct msim_cfx_env *env, uint32_t addr,
			     uint32_t *start, uint32_t *end)
{
	const struct msim_cf_symbol *s;
	const char *name = vdso_symbol(addr, start, end);

	if (name)
		return name;
	s = msim_cf_elf_symbol_at(msim_cf_image_elf(env->img), addr);
	if (!s)
		return NULL;
	*start = s->value;
	*end = s->size ? s->value + s->size : addr + 16;
	return s->name;
}

void msim_cfx_env_symbolize(const struct msim_cfx_env *env, uint32_t addr,
			    char *buf, size_t size)
{
	uint32_t start, end;
	const char *name = symbol_of(env, addr, &start, &end);

	if (!name)
		snprintf(buf, size, "0x%08x", addr);
	else if (addr == start)
		snprintf(buf, size, "0x%08x <%s>", addr, name);
	else
		snprintf(buf, size, "0x%08x <%s+0x%x>", addr, name,
			 addr - start);
}

int msim_cfx_env_disasm(struct msim_cfx_env *env, FILE *out, uint32_t pc,
			const char *indent)
{
	uint32_t start = pc, end = pc + 16;
	uint8_t code[96];
	int n;

	if (symbol_of(env, pc, &start, &end)) {
		if (pc - start > 48)
			start = pc - 48;
		if (end - start > sizeof(code))
			end = start + sizeof(code);
	}
	while (end > start && end > pc &&
	       msim_user_read(env->tmpl->mm, start, code, end - start))
		end -= 2;
	if (end <= pc)
		return 0;
	n = msim_vf_disasm(out, code, end - start, start, pc, indent);
	if (n < 0)
		fprintf(out, "%s(capstone cannot disassemble m68k)\n", indent);
	return n;
}

/* The instruction at @pc, disassembled ("" if it cannot be). */
static void insn_at(struct msim_cfx_env *env, uint32_t pc, char *buf,
		    size_t size)
{
	uint8_t code[10];
	size_t len;

	buf[0] = '\0';
	for (len = sizeof(code); len >= 2; len -= 2)
		if (!msim_user_read(env->tmpl->mm, pc, code, len)) {
			msim_vf_disasm_one(code, len, pc, buf, size);
			return;
		}
}

static const char *syscall_name(uint32_t nr)
{
	switch (nr) {
	case MSIM_CF_NR_EXIT:
		return "exit";
	case MSIM_CF_NR_WRITE:
		return "write";
	case MSIM_CF_NR_BRK:
		return "brk";
	case MSIM_CF_NR_MUNMAP:
		return "munmap";
	case MSIM_CF_NR_MPROTECT:
		return "mprotect";
	case MSIM_CF_NR_SCHED_YIELD:
		return "sched_yield";
	case MSIM_CF_NR_MMAP2:
		return "mmap2";
	case MSIM_CF_NR_GETTID:
		return "gettid";
	case MSIM_CF_NR_MADVISE:
		return "madvise";
	case MSIM_CF_NR_EXIT_GROUP:
		return "exit_group";
	case MSIM_CF_NR_GET_THREAD_AREA:
		return "get_thread_area";
	case MSIM_CF_NR_SET_THREAD_AREA:
		return "set_thread_area";
	}
	return NULL;
}

static const char *effect_name(uint32_t eff)
{
	switch (eff) {
	case MSIM_CFX_EFF_RECLAIM:
		return "reclaim";
	case MSIM_CFX_EFF_MIGRATE:
		return "migration";
	case MSIM_CFX_EFF_MPROTECT:
		return "mprotect round trip";
	}
	return "?";
}

static const char *fault_name(uint32_t kind)
{
	switch (kind) {
	case MSIM_UCPU_FAULT_NONE:
		return "TLB miss, filled from the PTE";
	case MSIM_UCPU_FAULT_NEW:
		return "page fault: first touch";
	case MSIM_UCPU_FAULT_COW:
		return "page fault: copy-on-write";
	case MSIM_UCPU_FAULT_SWAPIN:
		return "page fault: swap-in";
	case MSIM_UCPU_FAULT_MIGRATION:
		return "page fault: waits for the migration";
	}
	return "page fault";
}

static const char *access_name(uint32_t a)
{
	return a == 1 ? "write" : a == 2 ? "fetch" : "read";
}

/* A thread's name in events: Tn, or check() for the last slot. */
static void who(const struct msim_cfx_env *env, int thread, char *buf,
		size_t size)
{
	if (thread >= env->nthreads)
		snprintf(buf, size, "check()");
	else
		snprintf(buf, size, "T%d", thread);
}

static void report_event(FILE *out, struct msim_cfx_env *env,
			 const struct msim_cfx_event *e, const char *indent)
{
	char w[16], s1[96], s2[96];
	const char *name;

	who(env, e->thread, w, sizeof(w));
	fputs(indent, out);
	switch (e->kind) {
	case MSIM_CFX_EV_START:
		if (e->thread >= env->nthreads)
			fprintf(out, "check() runs on T0's stack\n");
		else
			fprintf(out, "%s calls %s(%u)\n", w, env->entry_name,
				e->b);
		break;
	case MSIM_CFX_EV_IRQ:
		msim_cfx_env_symbolize(env, e->a, s1, sizeof(s1));
		fprintf(out, "interrupt: %s at pc %s (instruction %u)\n", w, s1,
			e->b);
		break;
	case MSIM_CFX_EV_REWIND:
		fprintf(out, "fixup rewinds %s: pc 0x%08x -> 0x%08x\n", w, e->a,
			e->b);
		break;
	case MSIM_CFX_EV_SWITCH:
		if (e->thread < 0)
			fprintf(out, "T%u runs (kuser_vdso_tp = 0x%08x)\n",
				e->a, e->b);
		else
			fprintf(out,
				"switch %s -> T%u (kuser_vdso_tp = 0x%08x)\n",
				w, e->a, e->b);
		break;
	case MSIM_CFX_EV_ACTION:
		fprintf(out, "%s of the page at 0x%08x: ", effect_name(e->a),
			e->b);
		if ((int32_t)e->c < 0)
			fprintf(out, "%s\n", msim_errno_name((int)e->c));
		else if (e->a == MSIM_CFX_EFF_MPROTECT)
			fprintf(out, "done\n");
		else
			fprintf(out, "%u page%s\n", e->c, e->c == 1 ? "" : "s");
		break;
	case MSIM_CFX_EV_ACCESS:
		msim_cfx_env_symbolize(env, e->a, s2, sizeof(s2));
		fprintf(out, "%s %s of 0x%08x at pc %s: %s\n", w,
			access_name(e->c & 15), e->b, s2,
			fault_name(e->c >> 4));
		break;
	case MSIM_CFX_EV_ACCESS_REWIND:
		fprintf(out,
			"the access-error entry's fixup rewinds %s: pc "
			"0x%08x -> 0x%08x\n",
			w, e->a, e->b);
		break;
	case MSIM_CFX_EV_SYSCALL:
		name = syscall_name(e->a);
		if (name && (int)e->b < 0 && (int)e->b >= -4095)
			fprintf(out, "%s %s(0x%x, ...) = %s\n", w, name, e->c,
				msim_errno_name((int)e->b));
		else if (name &&
			 (e->a == MSIM_CF_NR_BRK || e->a == MSIM_CF_NR_MMAP2 ||
			  e->a == MSIM_CF_NR_GET_THREAD_AREA))
			fprintf(out, "%s %s(0x%x, ...) = 0x%x\n", w, name, e->c,
				e->b);
		else if (name)
			fprintf(out, "%s %s(0x%x, ...) = %d\n", w, name, e->c,
				(int)e->b);
		else
			fprintf(out, "%s system call %u = %s (not modelled)\n",
				w, e->a, msim_errno_name((int)e->b));
		break;
	case MSIM_CFX_EV_RETURN:
		fprintf(out, "%s returns %d\n", w, (int)e->a);
		break;
	case MSIM_CFX_EV_EXIT:
		fprintf(out, "%s %s(%d)\n", w, e->b ? "exit_group" : "exit",
			(int)e->a);
		break;
	case MSIM_CFX_EV_ERROR:
		fprintf(out, "%s does not return: %s (%s)\n", w,
			msim_vf_errname(-(int)e->a),
			msim_ucpu_error_kind_name(
				(enum msim_ucpu_error_kind)e->b));
		break;
	}
}

/* One event as the report writes it, on one line without its newline. */
void cfx_event_text(struct msim_cfx_env *env, const struct msim_cfx_event *e,
		    char *buf, size_t size)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!size)
		return;
	buf[0] = '\0';
	if (!mem)
		return;
	report_event(mem, env, e, "");
	if (!fclose(mem) && text) {
		while (len && text[len - 1] == '\n')
			text[--len] = '\0';
		snprintf(buf, size, "%s", text);
	}
	free(text);
}

/* @n bytes of @s, as C would write them in a string. */
static void put_escaped(FILE *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\n')
			fputs("\\n", out);
		else if (ch == '\\' || ch == '"')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(out, "\\x%02x", ch);
		else
			fputc(ch, out);
	}
}

void msim_cfx_report_result(FILE *out, struct msim_cfx_env *env,
			    const struct msim_cfx_result *r,
			    const char *replay_prefix)
{
	char text[MSIM_CFX_CASE_TEXT_MAX], s[128];
	int i, n = env->nthreads;
	unsigned long counted = 0;

	msim_cfx_case_format(&r->ran, text, sizeof(text));
	if (r->violated) {
		fprintf(out, "%s", msim_cfx_kind_name(r->kind));
		if (r->has_pc) {
			msim_cfx_env_symbolize(env, r->pc, s, sizeof(s));
			fprintf(out, ", last interrupted at pc %s\n", s);
		} else {
			fprintf(out, ", with no interrupt\n");
		}
		fprintf(out, "  %s\n", r->detail);
		if (r->has_pc) {
			fprintf(out, "  code:\n");
			msim_cfx_env_disasm(env, out, r->pc, "    ");
		}
	} else {
		fprintf(out, "no violation\n");
	}
	fprintf(out, "  events:\n");
	for (i = 0; i < r->nr_events; i++)
		report_event(out, env, &r->ev[i], "    ");
	if (r->events_lost)
		fprintf(out, "    (%lu more events not kept)\n",
			r->events_lost);
	for (i = 0; i <= n; i++) {
		size_t len = r->output_len[i];

		if (!len)
			continue;
		who(env, i, s, sizeof(s));
		fprintf(out, "  output of %s: \"", s);
		put_escaped(out, r->output[i],
			    len < MSIM_CFX_OUTPUT ? len : MSIM_CFX_OUTPUT);
		fprintf(out, "\"%s\n", len > MSIM_CFX_OUTPUT ? "..." : "");
	}
	if (r->nr_enosys) {
		fprintf(out, "  system calls answered ENOSYS:");
		for (i = 0; i < MSIM_CFX_NR_SYSCALLS; i++)
			if (r->enosys[i])
				fprintf(out, " %d (x%u)", i, r->enosys[i]);
		for (i = 0; i < MSIM_CFX_NR_SYSCALLS; i++)
			counted += r->enosys[i];
		if (r->nr_enosys > counted)
			fprintf(out, " and %lu of numbers beyond %d",
				r->nr_enosys - counted,
				MSIM_CFX_NR_SYSCALLS - 1);
		fputc('\n', out);
	}
	if (r->nr_undelivered)
		fprintf(out, "  interrupts not delivered: %d\n",
			r->nr_undelivered);
	fprintf(out, "  replay: %s '%s'\n", replay_prefix, text);
}

static void json_string(FILE *out, const char *s, size_t n)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < n && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void json_event(FILE *out, const struct msim_cfx_event *e)
{
	static const char *const kinds[] = {
		[MSIM_CFX_EV_START] = "start",
		[MSIM_CFX_EV_IRQ] = "interrupt",
		[MSIM_CFX_EV_REWIND] = "rewind",
		[MSIM_CFX_EV_SWITCH] = "switch",
		[MSIM_CFX_EV_ACTION] = "action",
		[MSIM_CFX_EV_ACCESS] = "access-error",
		[MSIM_CFX_EV_ACCESS_REWIND] = "access-rewind",
		[MSIM_CFX_EV_SYSCALL] = "syscall",
		[MSIM_CFX_EV_RETURN] = "return",
		[MSIM_CFX_EV_EXIT] = "exit",
		[MSIM_CFX_EV_ERROR] = "error",
	};
	static const char *const faults[] = {
		"tlb-fill", "first-touch", "copy-on-write",
		"swap-in",  "migration",   "other",
	};
	static const char *const effs[] = { "none", "switch", "reclaim",
					    "migrate", "mprotect" };

	fprintf(out, "{\"event\": \"%s\", \"thread\": %d", kinds[e->kind],
		e->thread);
	switch (e->kind) {
	case MSIM_CFX_EV_START:
		fprintf(out, ", \"function\": %u, \"arg\": %u", e->a, e->b);
		break;
	case MSIM_CFX_EV_IRQ:
		fprintf(out, ", \"at_pc\": %u, \"instruction\": %u", e->a,
			e->b);
		break;
	case MSIM_CFX_EV_REWIND:
	case MSIM_CFX_EV_ACCESS_REWIND:
		fprintf(out, ", \"from_pc\": %u, \"to_pc\": %u", e->a, e->b);
		break;
	case MSIM_CFX_EV_SWITCH:
		fprintf(out, ", \"to\": %u, \"tp\": %u", e->a, e->b);
		break;
	case MSIM_CFX_EV_ACTION:
		fprintf(out,
			", \"action\": \"%s\", \"page\": %u, \"result\": %d",
			effs[e->a < 5 ? e->a : 0], e->b, (int)e->c);
		break;
	case MSIM_CFX_EV_ACCESS:
		fprintf(out,
			", \"pc\": %u, \"address\": %u, \"access\": \"%s\", "
			"\"fault\": \"%s\"",
			e->a, e->b, access_name(e->c & 15),
			faults[(e->c >> 4) < 6 ? e->c >> 4 : 5]);
		break;
	case MSIM_CFX_EV_SYSCALL:
		fprintf(out, ", \"nr\": %u, \"result\": %d, \"arg\": %u", e->a,
			(int)e->b, e->c);
		break;
	case MSIM_CFX_EV_RETURN:
		fprintf(out, ", \"value\": %d", (int)e->a);
		break;
	case MSIM_CFX_EV_EXIT:
		fprintf(out, ", \"status\": %d, \"group\": %u", (int)e->a,
			e->b);
		break;
	case MSIM_CFX_EV_ERROR:
		fprintf(out,
			", \"error\": \"%s\", \"errno\": %u, \"failure\": "
			"\"%s\"",
			msim_vf_errname(-(int)e->a), e->a,
			ucpu_error_token((enum msim_ucpu_error_kind)e->b));
		break;
	}
	fputc('}', out);
}

void msim_cfx_json_result(FILE *out, struct msim_cfx_env *env,
			  const struct msim_cfx_result *r,
			  const char *replay_prefix)
{
	char text[MSIM_CFX_CASE_TEXT_MAX], s[128], replay[4600];
	int i, first = 1;

	msim_cfx_case_format(&r->ran, text, sizeof(text));
	fputc('{', out);
	if (r->violated && r->has_pc) {
		msim_cfx_env_symbolize(env, r->pc, s, sizeof(s));
		fprintf(out,
			"\"pc\": \"0x%08x\", \"pc_value\": %u, \"symbol\": ",
			r->pc, r->pc);
		json_string(out, s, sizeof(s));
		insn_at(env, r->pc, s, sizeof(s));
		fprintf(out, ", \"instruction\": ");
		json_string(out, s, sizeof(s));
	} else {
		fprintf(out, "\"pc\": null, \"pc_value\": null, \"symbol\": "
			     "null, \"instruction\": null");
	}
	fprintf(out, ", \"kind\": ");
	if (r->violated)
		fprintf(out, "\"%s\", \"thread\": %d",
			msim_cfx_kind_name(r->kind), r->thread);
	else
		fprintf(out, "null, \"thread\": null");
	fprintf(out, ", \"detail\": ");
	if (r->violated)
		json_string(out, r->detail, sizeof(r->detail));
	else
		fprintf(out, "null");
	fprintf(out, ", \"case\": ");
	json_string(out, text, sizeof(text));
	snprintf(replay, sizeof(replay), "%s '%s'", replay_prefix, text);
	fprintf(out, ", \"replay\": ");
	json_string(out, replay, sizeof(replay));
	fprintf(out, ", \"interrupts_delivered\": %d", r->ran.nr_irqs);
	fprintf(out, ", \"interrupts_undelivered\": %d", r->nr_undelivered);
	if (r->check_ran)
		fprintf(out, ", \"check_value\": %d", r->check_value);
	else
		fprintf(out, ", \"check_value\": null");
	fprintf(out, ", \"exit_status\": %d, \"instructions\": [",
		r->exit_status);
	for (i = 0; i < env->nthreads; i++)
		fprintf(out, "%s%lu", i ? ", " : "", r->insns[i]);
	fprintf(out, "], \"output\": [");
	for (i = 0; i <= env->nthreads; i++) {
		if (!r->output_len[i])
			continue;
		fprintf(out, "%s{\"thread\": %d, \"bytes\": %zu, \"text\": ",
			first ? "" : ", ", i, r->output_len[i]);
		json_string(out, r->output[i],
			    r->output_len[i] < MSIM_CFX_OUTPUT
				    ? r->output_len[i]
				    : MSIM_CFX_OUTPUT);
		fputc('}', out);
		first = 0;
	}
	fprintf(out, "], \"enosys\": [");
	first = 1;
	for (i = 0; i < MSIM_CFX_NR_SYSCALLS; i++)
		if (r->enosys[i]) {
			fprintf(out, "%s{\"nr\": %d, \"count\": %u}",
				first ? "" : ", ", i, r->enosys[i]);
			first = 0;
		}
	fprintf(out, "], \"enosys_calls\": %lu", r->nr_enosys);
	fprintf(out, ", \"events_lost\": %lu, \"events\": [", r->events_lost);
	for (i = 0; i < r->nr_events; i++) {
		fputs(i ? ", " : "", out);
		json_event(out, &r->ev[i]);
	}
	fputs("]}", out);
}

size_t msim_cfx_campaign_verdict(struct msim_cfx_env *env,
				 const struct msim_cfx_campaign *c, char *buf,
				 size_t size)
{
	size_t len = 0, i, j;
	char s[128];
	int n;

#define PUT(...)                                                               \
	do {                                                                   \
		n = snprintf(buf + len, len < size ? size - len : 0,           \
			     __VA_ARGS__);                                     \
		if (n > 0)                                                     \
			len += (size_t)n;                                      \
	} while (0)
	if (size)
		buf[0] = '\0';
	if (!c->nr_groups) {
		PUT("no violation in all %lu cases: check() returned 0 every "
		    "time, and every thread returned",
		    c->cases);
		return len;
	}
	for (i = 0; i < c->nr_groups; i = j) {
		size_t npc = 0, k;

		for (j = i;
		     j < c->nr_groups && c->group[j].kind == c->group[i].kind;
		     j++)
			npc += c->group[j].has_pc;
		PUT("%s%s", i ? "; " : "",
		    msim_cfx_kind_name(c->group[i].kind));
		if (!npc) {
			PUT(" with no interrupt");
			continue;
		}
		PUT(" when last interrupted at ");
		for (k = i; k < j; k++) {
			if (!c->group[k].has_pc) {
				PUT("%sno interrupt", k > i ? ", " : "");
				continue;
			}
			msim_cfx_env_symbolize(env, c->group[k].pc, s,
					       sizeof(s));
			PUT("%s%s", k > i ? (k + 1 == j ? " and " : ", ") : "",
			    s);
		}
	}
	PUT("; %lu of %lu cases violate", c->violating, c->cases);
#undef PUT
	return len;
}
