// SPDX-License-Identifier: MIT
/*
 * cf-explore's engine (<mmsim/coldfire/cfx.h>): the case language, the
 * system calls a program makes (tests/cfprog/cfx-syscalls.c) and the maps
 * of the process they change, each kind of violation
 * (tests/cfprog/cfx-bad.c), programs and options refused, and campaigns:
 * every case kept replays to its group, shards add up to the whole, and
 * jobs change nothing but the speed.
 */
#include "mmsim_task_test.h"

#include <mmsim/coldfire.h>
#include <mmsim/coldfire/cfx.h>
#include <mmsim/trace.h>

#include "../src/coldfire/cfx_internal.h"

static struct msim_cfx_env *env_of(const char *rel, const char *entry,
				   const char *check, int threads)
{
	struct msim_cfx_opts o = { .threads = threads,
				   .entry = entry,
				   .check = check,
				   .name = "prog" };
	struct msim_cfx_env *env;
	char why[256];
	size_t len;
	void *elf = mt_source_file(rel, &len);

	env = msim_cfx_env_create(elf, len, &o, why, sizeof(why));
	free(elf);
	if (IS_ERR(env))
		fail_msg("%s: %s: %s", rel, msim_errno_name(PTR_ERR(env)), why);
	return env;
}

static struct msim_cfx_result result;

static const struct msim_cfx_result *run(struct msim_cfx_env *env,
					 const char *text)
{
	struct msim_cfx_case c;
	char why[128];

	if (msim_cfx_case_parse(text, &c, why, sizeof(why)))
		fail_msg("%s: %s", text, why);
	assert_int_equal(msim_cfx_run(env, &c, &result), 0);
	return &result;
}

/* The case language: text, the case, and the same text again. */
static void test_case_text(void **state)
{
	static const char *const good[] = {
		"-",
		"T0@0=-",
		"T0@14=s1/T1@3=r",
		"T7@4294967295=m/T0@1=p/T1@2=s0",
	};
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "", "empty" },
		{ "T0", "'@'" },
		{ "X0@1=-", "'T'" },
		{ "T8@1=-", "thread" },
		{ "T0@=-", "instruction" },
		{ "T0@1", "'='" },
		{ "T0@1=q", "effect" },
		{ "T0@1=s", "thread" },
		{ "T0@1=s9", "thread" },
		{ "T0@1=-/", "'T'" },
		{ "T0@1=- ", "'/'" },
		{ "T0@99999999999999999999=-", "instruction" },
		{ "--", "'T'" },
	};
	char buf[MSIM_CFX_CASE_TEXT_MAX], why[128], many[1024] = "";
	struct msim_cfx_case c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(
			msim_cfx_case_parse(good[i], &c, why, sizeof(why)), 0);
		msim_cfx_case_format(&c, buf, sizeof(buf));
		assert_string_equal(buf, good[i]);
	}
	assert_int_equal(
		msim_cfx_case_parse("T0@14=s1/T1@3=r", &c, why, sizeof(why)),
		0);
	assert_int_equal(c.nr_irqs, 2);
	assert_int_equal(c.irq[0].thread, 0);
	assert_int_equal(c.irq[0].at, 14);
	assert_int_equal(c.irq[0].effect, MSIM_CFX_EFF_SWITCH);
	assert_int_equal(c.irq[0].to, 1);
	assert_int_equal(c.irq[1].effect, MSIM_CFX_EFF_RECLAIM);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (msim_cfx_case_parse(bad[i].text, &c, why, sizeof(why)) !=
		    -EINVAL)
			fail_msg("\"%s\" accepted", bad[i].text);
		if (!strstr(why, bad[i].why))
			fail_msg("\"%s\": \"%s\" does not say %s", bad[i].text,
				 why, bad[i].why);
	}
	for (i = 0; i <= MSIM_CFX_MAX_IRQS; i++)
		strcat(many, i ? "/T0@1=-" : "T0@1=-");
	assert_int_equal(msim_cfx_case_parse(many, &c, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "more than"));
}

static struct msim_cfx_case case_of(const char *text)
{
	struct msim_cfx_case c;
	char why[128];

	if (msim_cfx_case_parse(text, &c, why, sizeof(why)))
		fail_msg("%s: %s", text, why);
	return c;
}

/* Simpler: fewer interrupts, fewer that do anything, earlier ones. */
static void test_case_simpler(void **state)
{
	static const char *const order[] = {
		"-",	   "T0@5=-", "T1@5=-",	      "T0@3=s1",
		"T0@9=s1", "T0@1=r", "T0@1=-/T0@2=-", "T0@1=s1/T1@1=-",
	};
	struct msim_cfx_case a, b;
	size_t i, j, n = sizeof(order) / sizeof(order[0]);

	(void)state;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			a = case_of(order[i]);
			b = case_of(order[j]);
			int s = msim_cfx_case_simpler(&a, &b);

			if ((i < j && s >= 0) || (i > j && s <= 0) ||
			    (i == j && s != 0))
				fail_msg("%s vs %s: %d", order[i], order[j], s);
		}
}

static bool has_event(const struct msim_cfx_result *r, int thread,
		      enum msim_cfx_ev_kind kind, uint32_t a, uint32_t b)
{
	int i;

	for (i = 0; i < r->nr_events; i++)
		if (r->ev[i].kind == kind && r->ev[i].thread == thread &&
		    r->ev[i].a == a && r->ev[i].b == b)
			return true;
	return false;
}

/*
 * The system calls, each answered as Linux answers it on the process's
 * own mm: the program's break grows into [heap] (in maps), mmap2 maps,
 * mprotect, madvise and munmap act, write is captured per thread,
 * gettid and the thread area are per thread, and calls mmsim does not
 * model answer -ENOSYS and are counted.
 */
static const char syscalls_out[] = "T0 24576 0 0 1 0 -38 -38 100\n"
				   "T1 0 305419896 305419896 0 0 -38 -38 101\n"
				   "heap 104 101\n";

static void test_syscalls(void **state)
{
	struct msim_cfx_env *env =
		env_of("tests/cfprog/cfx-syscalls.elf", NULL, NULL, 2);
	const struct msim_cfx_result *r;
	struct vm_area_struct *vma;
	char maps[2048];

	(void)state;
	r = run(env, "-");
	assert_false(r->violated);
	assert_true(r->check_ran);
	assert_int_equal(r->check_value, 0);
	assert_int_equal(r->output_len[0], 9);
	assert_memory_equal(r->output[0], "thread 0\n", 9);
	assert_memory_equal(r->output[1], "thread 1\n", 9);
	/* brk grew by 3 pages; mprotect, madvise 0; the page madvise
	 * dropped reads zero; munmap 0; getpid and 999 -ENOSYS (-38, and
	 * sched_yield 0); gettid 100 + id; T1's thread area as set. */
	assert_int_equal(r->output_len[2], strlen(syscalls_out));
	assert_memory_equal(r->output[2], syscalls_out, strlen(syscalls_out));
	assert_int_equal(r->enosys[20], 2);
	assert_int_equal(r->nr_enosys, 4);
	assert_true(has_event(r, 0, MSIM_CFX_EV_SYSCALL, MSIM_CF_NR_BRK,
			      env->child->mm->brk));
	assert_true(has_event(r, 1, MSIM_CFX_EV_SYSCALL,
			      MSIM_CF_NR_SET_THREAD_AREA, 0));
	/* sched_yield is a scheduling point: T0 yields to T1. */
	assert_true(has_event(r, 0, MSIM_CFX_EV_SWITCH, 1, env->tp[1]));
	/* T1 runs again with the thread area it set in kuser_vdso_tp. */
	assert_true(has_event(r, -1, MSIM_CFX_EV_SWITCH, 1, 0x12345678));

	/* The process's maps: the heap the break made; no trace of the
	 * mapping the program unmapped. */
	assert_int_equal(env->child->mm->brk - env->child->mm->start_brk,
			 3 * 8192);
	tt_maps(env->child->mm, maps, sizeof(maps));
	print_message("%s", maps);
	assert_non_null(
		strstr(maps, "rw-p 00000000 00:00 0          [heap]\n"));
	assert_non_null(strstr(maps, "[stack]\n"));
	assert_non_null(strstr(maps, "[vdso]\n"));
	mmap_read_lock(env->child->mm);
	vma = find_vma(env->child->mm, 0x60010000);
	assert_true(!vma || vma->vm_start > 0x60013fff);
	mmap_read_unlock(env->child->mm);
	assert_null(strstr(maps, "60010000-"));
	msim_cfx_env_destroy(env);
}

/* Each kind of violation, with its thread. */
static void test_violations(void **state)
{
	static const struct {
		const char *entry, *check;
		enum msim_cfx_kind kind;
		int thread;
		const char *detail;
	} v[] = {
		{ "thread_main", "fails", MSIM_CFX_CHECK_FAILED, 2,
		  "returned 7" },
		{ "exits", NULL, MSIM_CFX_EXIT_STATUS, 1,
		  "T1 called exit_group(3)" },
		{ "illegal", NULL, MSIM_CFX_SIGNAL, 0, "T0" },
		{ "segv", NULL, MSIM_CFX_FAULT, 0, "T0" },
		{ "spins", NULL, MSIM_CFX_NO_PROGRESS, 0, "instructions" },
	};
	const struct msim_cfx_result *r;
	struct msim_cfx_env *env;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		env = env_of("tests/cfprog/cfx-bad.elf", v[i].entry, v[i].check,
			     2);
		r = run(env, "-");
		if (!r->violated || r->kind != v[i].kind ||
		    r->thread != v[i].thread || !strstr(r->detail, v[i].detail))
			fail_msg("%s/%s: %s %s thread %d: %s", v[i].entry,
				 v[i].check ? v[i].check : "check",
				 r->violated ? "violated" : "passed",
				 msim_cfx_kind_name(r->kind), r->thread,
				 r->detail);
		assert_false(r->has_pc);
		msim_cfx_env_destroy(env);
	}
	/* exit() ends a thread, not the program. */
	env = env_of("tests/cfprog/cfx-bad.elf", "just_exits", NULL, 2);
	r = run(env, "-");
	assert_false(r->violated);
	assert_true(has_event(r, 1, MSIM_CFX_EV_EXIT, 1, 0));
	msim_cfx_env_destroy(env);
}

/* Programs and options the engine refuses, each with its reason. */
static void test_refused(void **state)
{
	struct msim_cfx_opts o = { .threads = 2 };
	struct msim_cfx_env *env;
	char why[256], junk[64];
	size_t len;
	void *elf = mt_source_file("tests/cfprog/cfx-bad.elf", &len);

	(void)state;
	memset(junk, 0x7f, sizeof(junk));
	env = msim_cfx_env_create(junk, sizeof(junk), &o, why, sizeof(why));
	assert_int_equal(PTR_ERR(env), -ENOEXEC);
	assert_non_null(strstr(why, "ELF"));

	o.entry = "nothere";
	env = msim_cfx_env_create(elf, len, &o, why, sizeof(why));
	assert_int_equal(PTR_ERR(env), -ENOENT);
	assert_non_null(strstr(why, "nothere"));

	o.entry = NULL;
	o.check = "nocheck";
	env = msim_cfx_env_create(elf, len, &o, why, sizeof(why));
	assert_int_equal(PTR_ERR(env), -ENOENT);
	assert_non_null(strstr(why, "nocheck"));

	o.check = NULL;
	o.threads = 0;
	env = msim_cfx_env_create(elf, len, &o, why, sizeof(why));
	assert_int_equal(PTR_ERR(env), -EINVAL);
	o.threads = MSIM_CFX_MAX_THREADS + 1;
	env = msim_cfx_env_create(elf, len, &o, why, sizeof(why));
	assert_int_equal(PTR_ERR(env), -EINVAL);

	o.threads = 2;
	o.fixup = junk;
	o.fixup_len = sizeof(junk);
	env = msim_cfx_env_create(elf, len, &o, why, sizeof(why));
	assert_int_equal(PTR_ERR(env), -ENOEXEC);
	free(elf);
}

static struct msim_cfx_env *counter(void)
{
	return env_of("examples/coldfire/prebuilt/counter.elf", NULL, NULL, 2);
}

/* The environment of @rel with the fixup object @fixup_rel. */
static struct msim_cfx_env *env_fixup(const char *rel, const char *fixup_rel,
				      const char *entry)
{
	struct msim_cfx_opts o = { .threads = 2, .entry = entry };
	struct msim_cfx_env *env;
	char why[256];
	size_t len, flen;
	void *elf = mt_source_file(rel, &len),
	     *fixup = mt_source_file(fixup_rel, &flen);

	o.fixup = fixup;
	o.fixup_len = flen;
	env = msim_cfx_env_create(elf, len, &o, why, sizeof(why));
	free(elf);
	free(fixup);
	if (IS_ERR(env))
		fail_msg("%s: %s: %s", rel, msim_errno_name(PTR_ERR(env)), why);
	return env;
}

/* The first event of @kind of thread @thread at @a from the @from'th on. */
static const struct msim_cfx_event *event_from(const struct msim_cfx_result *r,
					       int from, int thread,
					       enum msim_cfx_ev_kind kind,
					       uint32_t a)
{
	int i;

	for (i = from; i < r->nr_events; i++)
		if (r->ev[i].kind == kind && r->ev[i].thread == thread &&
		    r->ev[i].a == a)
			return &r->ev[i];
	return NULL;
}

#define event_at(r, thread, kind, a) event_from(r, 0, thread, kind, a)

/* The index of @e in @r's events. */
static int ev_index(const struct msim_cfx_result *r,
		    const struct msim_cfx_event *e)
{
	assert_non_null(e);
	return (int)(e - r->ev);
}

/*
 * An interrupt's kernel actions on the page the next instruction touches,
 * on the counter under the correct fixup: T0 is interrupted before the
 * cmpxchg's compare (pc 0x5fffe40c, its instruction 10), which reads the
 * counter at 0x80002568.  Reclaim swaps that page out, so the compare
 * takes a page fault (a swap-in) and the store after it a TLB miss (the
 * swapped-in PTE is clean): on that access-error entry the fixup rewinds
 * the store to the compare, the path vdso-fuzz does not explore.
 * Migration and the mprotect round trip drop the page from the TLB: a
 * miss, filled from the PTE.  Every case still counts right.
 */
#define CMPXCHG 0x5fffe40cU
#define COUNTER_PAGE 0x80002000U
#define COUNTER_ADDR 0x80002568U

static void test_effects(void **state)
{
	static const struct {
		const char *text;
		enum msim_cfx_effect effect;
		uint32_t result;
		enum msim_ucpu_fault_kind fault;
		bool access_rewind;
	} want[] = {
		{ "T0@10=r", MSIM_CFX_EFF_RECLAIM, 1, MSIM_UCPU_FAULT_SWAPIN,
		  true },
		{ "T0@10=m", MSIM_CFX_EFF_MIGRATE, 1, MSIM_UCPU_FAULT_NONE,
		  false },
		{ "T0@10=p", MSIM_CFX_EFF_MPROTECT, 0, MSIM_UCPU_FAULT_NONE,
		  false },
	};
	const struct msim_cfx_event *irq, *act, *acc, *rew;
	struct msim_cfx_env *env =
		env_fixup("examples/coldfire/prebuilt/counter.elf",
			  "tests/vdso-fuzz/fixups/correct.o", NULL);
	const struct msim_cfx_result *r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		r = run(env, want[i].text);
		assert_false(r->violated);
		assert_int_equal(r->check_value, 0);
		assert_int_equal(r->ran.nr_irqs, 1);
		assert_int_equal(r->ran.irq[0].effect, want[i].effect);
		irq = event_at(r, 0, MSIM_CFX_EV_IRQ, CMPXCHG);
		act = event_at(r, 0, MSIM_CFX_EV_ACTION, want[i].effect);
		assert_true(ev_index(r, act) > ev_index(r, irq));
		assert_int_equal(act->b, COUNTER_PAGE);
		assert_int_equal(act->c, want[i].result);
		/* The compare misses in the TLB after the action. */
		acc = event_from(r, ev_index(r, act), 0, MSIM_CFX_EV_ACCESS,
				 CMPXCHG);
		assert_non_null(acc);
		assert_int_equal(acc->b, COUNTER_ADDR);
		assert_int_equal(acc->c & 15, MSIM_ACCESS_READ);
		assert_int_equal(acc->c >> 4, want[i].fault);
		rew = event_at(r, 0, MSIM_CFX_EV_ACCESS_REWIND, CMPXCHG + 6);
		if (want[i].access_rewind) {
			assert_true(ev_index(r, rew) > ev_index(r, acc));
			assert_int_equal(rew->b, CMPXCHG);
		} else {
			assert_null(rew);
		}
	}
	msim_cfx_env_destroy(env);

	/* The seed's fixup leaves the PC alone on the same path. */
	env = counter();
	r = run(env, "T0@10=r");
	act = event_at(r, 0, MSIM_CFX_EV_ACTION, MSIM_CFX_EFF_RECLAIM);
	assert_non_null(event_from(r, ev_index(r, act), 0, MSIM_CFX_EV_ACCESS,
				   CMPXCHG + 6));
	assert_null(event_at(r, 0, MSIM_CFX_EV_ACCESS_REWIND, CMPXCHG + 6));
	msim_cfx_env_destroy(env);
}

/*
 * Each thread's __thread variable is its own however the threads are
 * preempted (tests/cfprog/cfx-tls.c): every case of one interrupt, at
 * every boundary, switches included, passes; and a switch does write the
 * next thread's TLS pointer, its own, in kuser_vdso_tp.
 */
static void test_tls_switch(void **state)
{
	struct msim_cfx_campaign_opts o = { .mode = MSIM_CFX_MODE_EXHAUSTIVE,
					    .interrupts = 1 };
	struct msim_cfx_env *env =
		env_of("tests/cfprog/cfx-tls.elf", NULL, NULL, 3);
	struct msim_cfx_campaign c = { 0 };
	const struct msim_cfx_result *r;
	const struct msim_cfx_event *sw;

	(void)state;
	assert_int_equal(msim_cfx_campaign_run(env, &o, &c), 0);
	print_message("cfx-tls: %lu cases\n", c.cases);
	assert_true(c.cases > 500);
	assert_int_equal(c.violating, 0);
	msim_cfx_campaign_free(&c);
	/* T0 preempted in its loop by T2, which runs on its own copy. */
	r = run(env, "T0@20=s2");
	assert_false(r->violated);
	sw = event_at(r, 0, MSIM_CFX_EV_SWITCH, 2);
	assert_non_null(sw);
	assert_int_equal(sw->b, env->tp[2]);
	assert_int_not_equal(env->tp[2], env->tp[0]);
	msim_cfx_env_destroy(env);
}

/*
 * A fixup that fails only on interrupts (tests/ucpu/fixup-irqfault.o
 * reads address 0 when the frame's vector is an interrupt's) is a
 * violation of its own kind in the cases that interrupt, with the PC and
 * the reason; the case without interrupts passes.  A fixup that fails on
 * every kernel entry (an illegal instruction, a loop) fails already on
 * the TLB misses of the program's setup: the environment is refused with
 * the reason.
 */
static void test_fixup_failed(void **state)
{
	static const struct {
		const char *fixup, *why;
	} bad[] = {
		{ "tests/ucpu/fixup-illegal.o", "an illegal instruction" },
		{ "tests/ucpu/fixup-loop.o", "instruction bound" },
	};
	struct msim_cfx_opts o = { .threads = 2 };
	const struct msim_cfx_result *r;
	struct msim_cfx_env *env;
	char why[256];
	size_t i, len, flen;
	void *elf, *fixup;

	(void)state;
	env = env_fixup("examples/coldfire/prebuilt/counter.elf",
			"tests/ucpu/fixup-irqfault.o", NULL);
	r = run(env, "T1@12=-");
	print_message("%s\n", r->detail);
	assert_true(r->violated);
	assert_int_equal(r->kind, MSIM_CFX_FIXUP_FAILED);
	assert_int_equal(r->thread, 1);
	assert_true(r->has_pc);
	assert_int_equal(r->pc, CMPXCHG + 6);
	assert_non_null(strstr(r->detail, "0x0"));
	r = run(env, "-");
	assert_false(r->violated);
	msim_cfx_env_destroy(env);

	elf = mt_source_file("examples/coldfire/prebuilt/counter.elf", &len);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fixup = mt_source_file(bad[i].fixup, &flen);
		o.fixup = fixup;
		o.fixup_len = flen;
		env = msim_cfx_env_create(elf, len, &o, why, sizeof(why));
		free(fixup);
		assert_int_equal(PTR_ERR(env), -EPROTO);
		if (!strstr(why, "fixup") || !strstr(why, bad[i].why))
			fail_msg("%s: '%s'", bad[i].fixup, why);
	}
	free(elf);
}

/*
 * A case run with the event record on (<mmsim/trace.h>): each thread is a
 * thread of the record, its run a cf_call span; the switch the case
 * makes, the interrupt and the kernel entries (the CPU's own events) are
 * in the interrupted thread's column; system calls are marks; the
 * violation is a failure event; and the host's thread is the host's
 * again after the case.
 */
static bool traced(const struct msim_trace *t, const char *thread,
		   enum msim_trace_kind kind, const char *text)
{
	unsigned long i;

	for (i = 0; i < msim_trace_count(t); i++) {
		const struct msim_trace_event *e = msim_trace_get(t, i);

		if (e->kind == kind &&
		    !strcmp(msim_trace_thread_name(t, e->tid), thread) &&
		    (!text || strstr(msim_trace_str(e, 0), text) ||
		     strstr(msim_trace_str(e, 1), text)))
			return true;
	}
	return false;
}

static void test_record(void **state)
{
	struct msim_cfx_env *env = counter();
	struct msim_trace *t = msim_trace_create(NULL);
	const struct msim_cfx_result *r;

	(void)state;
	assert_non_null(t);
	msim_trace_start(t);
	r = run(env, "T0@11=s1");
	assert_int_equal(msim_trace_set_thread(0), 0);
	msim_trace_stop(t);
	assert_true(r->violated);
	assert_true(traced(t, "T0", MSIM_TRACE_CF_CALL, NULL));
	assert_true(traced(t, "T1", MSIM_TRACE_CF_CALL, NULL));
	assert_true(traced(t, "T0", MSIM_TRACE_CF_IRQ, NULL));
	assert_true(traced(t, "T0", MSIM_TRACE_CF_KERNEL_ENTRY, NULL));
	assert_true(traced(t, "T0", MSIM_TRACE_CF_SWITCH, NULL));
	assert_true(traced(t, "T1", MSIM_TRACE_CF_RETURN, NULL));
	assert_true(traced(t, "check", MSIM_TRACE_MARK, "write("));
	assert_true(traced(t, "check", MSIM_TRACE_FAILURE, "check-failed"));
	assert_true(traced(t, "check", MSIM_TRACE_FAILURE, "returned 1"));
	/* Not recording: nothing more, and the case runs the same. */
	msim_trace_clear(t);
	r = run(env, "T0@11=s1");
	assert_true(r->violated);
	assert_int_equal(msim_trace_count(t), 0);
	msim_trace_destroy(t);
	msim_cfx_env_destroy(env);
}

/* on_case sees every case a campaign runs, and what it found. */
struct seen {
	unsigned long cases, violating;
};

static void count_case(void *arg, struct msim_cfx_env *env,
		       const struct msim_cfx_result *r)
{
	struct seen *s = arg;

	(void)env;
	s->cases++;
	s->violating += r->violated;
}

static void test_on_case(void **state)
{
	struct seen seen = { 0 };
	struct msim_cfx_campaign_opts o = { .mode = MSIM_CFX_MODE_EXHAUSTIVE,
					    .interrupts = 1,
					    .on_case = count_case,
					    .arg = &seen };
	struct msim_cfx_env *env = counter();
	struct msim_cfx_campaign c = { 0 };

	(void)state;
	assert_int_equal(msim_cfx_campaign_run(env, &o, &c), 0);
	assert_int_equal(seen.cases, c.cases);
	assert_int_equal(seen.violating, c.violating);
	assert_int_equal(c.violating, 4);
	msim_cfx_campaign_free(&c);
	msim_cfx_env_destroy(env);
}

static void assert_same(const struct msim_cfx_campaign *a,
			const struct msim_cfx_campaign *b)
{
	size_t i;
	int k;

	assert_int_equal(a->cases, b->cases);
	assert_int_equal(a->violating, b->violating);
	assert_int_equal(a->undelivered, b->undelivered);
	assert_int_equal(a->nr_groups, b->nr_groups);
	for (i = 0; i < a->nr_groups; i++) {
		const struct msim_cfx_group *g = &a->group[i],
					    *h = &b->group[i];

		assert_int_equal(g->kind, h->kind);
		assert_int_equal(g->pc, h->pc);
		assert_int_equal(g->count, h->count);
		assert_int_equal(g->nr_kept, h->nr_kept);
		for (k = 0; k < g->nr_kept; k++)
			assert_int_equal(
				msim_cfx_case_simpler(&g->kept[k], &h->kept[k]),
				0);
	}
	assert_memory_equal(a->enosys, b->enosys, sizeof(a->enosys));
}

/*
 * The counter under the seed's fixup: 4 of the 352 cases of one
 * interrupt lose an update; every case a group keeps replays to it.
 */
static void test_campaign_replays(void **state)
{
	struct msim_cfx_campaign_opts o = { .mode = MSIM_CFX_MODE_EXHAUSTIVE,
					    .interrupts = 1 };
	struct msim_cfx_env *env = counter();
	struct msim_cfx_campaign c = { 0 };
	size_t i;
	int k;

	(void)state;
	assert_int_equal(msim_cfx_campaign_run(env, &o, &c), 0);
	assert_int_equal(c.cases, 352);
	assert_int_equal(c.violating, 4);
	assert_true(c.nr_groups >= 1);
	for (i = 0; i < c.nr_groups; i++) {
		const struct msim_cfx_group *g = &c.group[i];

		assert_int_equal(g->kind, MSIM_CFX_CHECK_FAILED);
		for (k = 0; k < g->nr_kept; k++) {
			assert_int_equal(
				msim_cfx_run(env, &g->kept[k], &result), 0);
			assert_true(result.violated);
			assert_int_equal(result.kind, g->kind);
			assert_int_equal(result.pc, g->pc);
			assert_int_equal(result.nr_undelivered, 0);
			if (k)
				assert_true(
					msim_cfx_case_simpler(&g->kept[k - 1],
							      &g->kept[k]) < 0);
		}
	}
	msim_cfx_campaign_free(&c);
	msim_cfx_env_destroy(env);
}

/*
 * --shard I/N: the parts add up to the whole, exhaustive and random;
 * --jobs: the same answer as one job.
 */
static void test_shards_and_jobs(void **state)
{
	static const struct msim_cfx_campaign_opts modes[] = {
		{ .mode = MSIM_CFX_MODE_EXHAUSTIVE, .interrupts = 1 },
		{ .mode = MSIM_CFX_MODE_RANDOM,
		  .interrupts = 2,
		  .cases = 300,
		  .seed = 7 },
	};
	struct msim_cfx_env *env = counter();
	struct msim_cfx_campaign whole, part, sum, jobs;
	struct msim_cfx_campaign_opts o;
	unsigned int i, m;

	(void)state;
	for (m = 0; m < 2; m++) {
		o = modes[m];
		memset(&whole, 0, sizeof(whole));
		assert_int_equal(msim_cfx_campaign_run(env, &o, &whole), 0);
		assert_true(whole.violating > 0);

		memset(&sum, 0, sizeof(sum));
		for (i = 0; i < 3; i++) {
			o.shard = i;
			o.shards = 3;
			memset(&part, 0, sizeof(part));
			assert_int_equal(msim_cfx_campaign_run(env, &o, &part),
					 0);
			assert_true(part.cases < whole.cases);
			assert_int_equal(msim_cfx_campaign_merge(&sum, &part),
					 0);
			msim_cfx_campaign_free(&part);
		}
		assert_same(&sum, &whole);

		o = modes[m];
		o.jobs = 2;
		memset(&jobs, 0, sizeof(jobs));
		assert_int_equal(msim_cfx_campaign_run(env, &o, &jobs), 0);
		assert_same(&jobs, &whole);
		msim_cfx_campaign_free(&jobs);
		msim_cfx_campaign_free(&sum);
		msim_cfx_campaign_free(&whole);
	}
	msim_cfx_env_destroy(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_text),
		cmocka_unit_test(test_case_simpler),
		cmocka_unit_test(test_syscalls),
		cmocka_unit_test(test_violations),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_campaign_replays),
		cmocka_unit_test(test_shards_and_jobs),
		cmocka_unit_test(test_effects),
		cmocka_unit_test(test_tls_switch),
		cmocka_unit_test(test_fixup_failed),
		cmocka_unit_test(test_on_case),
		cmocka_unit_test(test_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
