// SPDX-License-Identifier: MIT
/*
 * The ColdFire CPU's events in the record (<mmsim/trace.h>): a call and
 * its return, the kernel entries of its TLB misses, an interrupt, the
 * entry fixup's rewind, and the switches to another thread's call and
 * back, each with its arguments and on the thread it belongs to ("T0",
 * "T1", as the fuzzer's reports name them).
 */
#include <mmsim/coldfire/vdso_run.h>

#include "mmsim_ucpu_test.h"

static struct msim_trace *rec;

static const struct msim_trace_event *nth(enum msim_trace_kind kind,
					  unsigned int n)
{
	unsigned long i, count = msim_trace_count(rec);

	for (i = 0; i < count; i++) {
		const struct msim_trace_event *e = msim_trace_get(rec, i);

		if (e && e->kind == kind && !n--)
			return e;
	}
	return NULL;
}

static const char *thread_of(const struct msim_trace_event *e)
{
	return msim_trace_thread_name(rec, e->tid);
}

static void test_call_and_tlb_misses(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;
	const struct msim_trace_event *e;
	unsigned int i;

	ut_cpu(u, "fixup-rts.o");
	ut_thread(&t, 0, 0);
	ut_poke(u->mm, UT_DATA, 0x11223344);
	t.regs.a[0] = UT_DATA;
	rec = msim_trace_create(NULL);
	msim_trace_start(rec);
	assert_int_equal(
		msim_ucpu_call(u->cpu, &t, UT_CODE + P_LOAD, NULL, NULL, 0), 0);
	msim_trace_stop(rec);

	e = nth(MSIM_TRACE_CF_SWITCH, 0);
	assert_non_null(e);
	assert_int_equal(e->a[0], UINT64_MAX);
	assert_int_equal(e->a[1], 0);
	assert_string_equal(thread_of(e), "main");
	e = nth(MSIM_TRACE_CF_CALL, 0);
	assert_non_null(e);
	assert_string_equal(thread_of(e), "T0");
	assert_int_equal(e->a[0], UT_CODE + P_LOAD);
	assert_int_equal(e->a[1], 0);
	assert_int_equal(e->a[2], 0);
	/* Code, stack and data: a TLB miss each, through vector 2. */
	for (i = 0; i < 3; i++) {
		e = nth(MSIM_TRACE_CF_KERNEL_ENTRY, i);
		assert_non_null(e);
		assert_string_equal(thread_of(e), "T0");
		assert_int_equal(e->a[1], MSIM_UCPU_ACCESS_VECTOR);
	}
	assert_null(nth(MSIM_TRACE_CF_KERNEL_ENTRY, 3));
	assert_int_equal(nth(MSIM_TRACE_CF_KERNEL_ENTRY, 0)->a[0],
			 UT_CODE + P_LOAD);
	e = nth(MSIM_TRACE_CF_RETURN, 0);
	assert_non_null(e);
	assert_string_equal(thread_of(e), "T0");
	assert_int_equal(e->a[0], 0);
	assert_int_equal(e->a[1], 0x11223344);
	assert_int_equal(e->a[2], 0);
	assert_null(nth(MSIM_TRACE_CF_IRQ, 0));
	msim_trace_destroy(rec);
}

/* A file of the fuzzer's fixups, whole. */
static void *fixup_file(const char *name, size_t *len)
{
	const char *dir = getenv("MMSIM_SOURCE_DIR");
	char path[4096];
	void *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/vdso-fuzz/fixups/%s",
		 dir ? dir : ".", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n ? n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), n);
	fclose(f);
	*len = n;
	return buf;
}

static void test_irq_rewind_switch(void **state)
{
	struct msim_vf_env env;
	struct msim_vf_result r;
	struct msim_vf_case c;
	const struct msim_trace_event *e, *irq;
	size_t len;
	void *obj = fixup_file("correct.o", &len);

	(void)state;
	assert_int_equal(msim_vf_env_create(&env, obj, len), 0);
	free(obj);
	/* T0's cmpxchg(1, 2) interrupted before its bne by T1's (1, 3). */
	assert_int_equal(msim_vf_case_parse("w1:x1,2[1=x1,3]", &c, NULL, 0), 0);
	rec = msim_trace_create(NULL);
	msim_trace_start(rec);
	assert_int_equal(msim_vf_run(&env, &c, NULL, NULL, &r), 0);
	msim_trace_stop(rec);
	assert_int_equal(r.nr_violations, 0);

	irq = nth(MSIM_TRACE_CF_IRQ, 0);
	assert_non_null(irq);
	assert_string_equal(thread_of(irq), "T0");
	assert_int_equal(irq->a[0], CMPXCHG_BNE);
	assert_int_equal(irq->a[1], MSIM_UCPU_IRQ_VECTOR);
	assert_int_equal(irq->a[2], 0);
	e = nth(MSIM_TRACE_CF_KERNEL_ENTRY, 0);
	assert_non_null(e);
	assert_int_equal(e->a[0], CMPXCHG_BNE);
	assert_int_equal(e->a[1], MSIM_UCPU_IRQ_VECTOR);
	assert_true(e->seq > irq->seq);
	e = nth(MSIM_TRACE_CF_FIXUP_REWIND, 0);
	assert_non_null(e);
	assert_string_equal(thread_of(e), "T0");
	assert_int_equal(e->a[0], CMPXCHG_BNE);
	assert_int_equal(e->a[1], CMPXCHG_CMP);
	/* The handler runs T1's call: a switch there and back. */
	e = nth(MSIM_TRACE_CF_SWITCH, 1);
	assert_non_null(e);
	assert_string_equal(thread_of(e), "T0");
	assert_int_equal(e->a[0], 0);
	assert_int_equal(e->a[1], 1);
	e = nth(MSIM_TRACE_CF_CALL, 1);
	assert_non_null(e);
	assert_string_equal(thread_of(e), "T1");
	assert_int_equal(e->a[0], CMPXCHG_CMP);
	assert_int_equal(e->a[1], 1);
	assert_int_equal(e->a[2], 1);
	e = nth(MSIM_TRACE_CF_RETURN, 0);
	assert_string_equal(thread_of(e), "T1");
	assert_int_equal(e->a[0], 0);
	assert_int_equal(e->a[1], 1); /* the word T1 found */
	e = nth(MSIM_TRACE_CF_SWITCH, 2);
	assert_non_null(e);
	assert_string_equal(thread_of(e), "T1");
	assert_int_equal(e->a[0], 1);
	assert_int_equal(e->a[1], 0);
	e = nth(MSIM_TRACE_CF_RETURN, 1);
	assert_string_equal(thread_of(e), "T0");
	assert_int_equal(e->a[1], 3); /* rewound, T0 found T1's value */
	msim_trace_destroy(rec);
	msim_vf_env_destroy(&env);
}

/* A view of the record as a string (freed by the caller). */
static char *view(int which)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int ret;

	assert_non_null(f);
	ret = which == 0   ? msim_trace_write_timeline(rec, f, NULL)
	      : which == 1 ? msim_trace_write_json(rec, f)
			   : msim_trace_write_html(rec, f, NULL);
	fclose(f);
	assert_int_equal(ret, 0);
	return buf;
}

static void assert_contains(const char *s, const char *want)
{
	if (!strstr(s, want))
		fail_msg("lacks \"%s\" in:\n%s", want, s);
}

/*
 * The three views of a case's run, made from C as 'mmsim vdso-fuzz
 * --replay CASE --trace --html --timeline' makes them: a lane for each
 * user thread, the call of T1 nested in T0's interrupt, the rewind.
 */
static void test_views_of_a_case(void **state)
{
	struct msim_vf_env env;
	struct msim_vf_result r;
	struct msim_vf_case c;
	size_t len;
	void *obj = fixup_file("correct.o", &len);
	char *tl, *json, *html;

	(void)state;
	assert_int_equal(msim_vf_env_create(&env, obj, len), 0);
	free(obj);
	assert_int_equal(msim_vf_case_parse("w1:x1,2[1=x1,3]", &c, NULL, 0), 0);
	rec = msim_trace_create(NULL);
	msim_trace_start(rec);
	assert_int_equal(msim_vf_run(&env, &c, NULL, NULL, &r), 0);
	msim_trace_stop(rec);

	tl = view(0);
	assert_contains(tl, " step  T0");
	assert_contains(tl, "T1");
	assert_contains(tl, "fixup rewinds pc 0x5fffe40e ->");
	assert_contains(tl, "T1 returns, d0 = 0x1");
	free(tl);
	json = view(1);
	assert_contains(json, "\"args\": {\"name\": \"T0\"}");
	assert_contains(json, "\"args\": {\"name\": \"T1\"}");
	assert_contains(json, "\"cat\": \"coldfire\", \"ph\": \"B\"");
	assert_contains(json, "\"cat\": \"coldfire\", \"ph\": \"E\"");
	assert_contains(json, "fixup rewinds pc 0x5fffe40e");
	free(json);
	html = view(2);
	assert_contains(html, "data-name=\"T0\"");
	assert_contains(html, "data-name=\"T1\"");
	assert_contains(html, "class=\"span cat-coldfire\"");
	assert_contains(html, "data-kind=\"cf_fixup_rewind\"");
	free(html);
	msim_trace_destroy(rec);
	msim_vf_env_destroy(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ut_test(test_call_and_tlb_misses),
		cmocka_unit_test(test_irq_rewind_switch),
		cmocka_unit_test(test_views_of_a_case),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
