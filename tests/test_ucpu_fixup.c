// SPDX-License-Identifier: MIT
/*
 * The entry fixup as m68k code: hand-made fixups with known answers (one
 * that changes nothing, one that rewinds to a fixed PC, one that changes
 * %d0, one that needs every relocation the loader applies), the seed's
 * against __kernel_atomic_cmpxchg_32 interrupted between its compare and
 * its store, runaway and faulting fixups, and objects the loader must
 * refuse, hand-made and mutated at random.
 */
#include <elf.h>

#include <mmsim/coldfire/m68k_rel.h>
#include "mmsim_ucpu_test.h"

/* Interrupt at the instruction boundaries listed, at depth 0. */
struct plan {
	unsigned int at[4];
	unsigned int nr_at;
	uint32_t at_pc; /* or, if not 0, wherever pc is this */
	unsigned int irqs;
	uint32_t irq_pc, resume_pc;
	void (*then)(struct plan *p, struct msim_ucpu *cpu,
		     struct msim_ucpu_thread *t, unsigned int depth);
	struct msim_ucpu_thread other;
	int other_ret;
};

static bool want(void *arg, struct msim_ucpu *cpu, struct msim_ucpu_thread *t,
		 uint32_t pc, unsigned int n, unsigned int depth)
{
	struct plan *p = arg;
	unsigned int i;

	(void)cpu;
	(void)t;
	if (depth)
		return false;
	if (p->at_pc)
		return pc == p->at_pc && !p->irqs;
	for (i = 0; i < p->nr_at; i++)
		if (p->at[i] == n)
			return true;
	return false;
}

static void handler(void *arg, struct msim_ucpu *cpu,
		    struct msim_ucpu_thread *t, uint32_t irq_pc,
		    uint32_t resume_pc, unsigned int depth)
{
	struct plan *p = arg;

	p->irqs++;
	p->irq_pc = irq_pc;
	p->resume_pc = resume_pc;
	if (p->then)
		p->then(p, cpu, t, depth);
}

static const struct msim_ucpu_irq_ops plan_ops = {
	.want_irq = want,
	.handler = handler,
};

static int call(struct ut *u, struct msim_ucpu_thread *t, uint32_t entry,
		struct plan *p)
{
	int ret = msim_ucpu_call(u->cpu, t, entry, p ? &plan_ops : NULL, p, 0);

	if (ret)
		printf("call at %#x: %s\n", entry,
		       msim_ucpu_last_error(u->cpu));
	ut_check(u);
	return ret;
}

static void test_fixup_rts(void **state)
{
	struct ut *u = *state;
	struct plan p = { .at = { 1 }, .nr_at = 1 };
	struct msim_ucpu_thread t;
	struct msim_ucpu_stats s;

	ut_cpu(u, "fixup-rts.o");
	ut_thread(&t, 0, 0);
	assert_int_equal(call(u, &t, UT_CODE + P_NOPS, &p), 0);
	assert_int_equal(p.irqs, 1);
	assert_int_equal(p.irq_pc, UT_CODE + P_NOPS + 2);
	assert_int_equal(p.resume_pc, p.irq_pc);
	assert_int_equal(t.regs.d[1], 1);
	assert_int_equal(t.regs.d[2], 2);
	assert_int_equal(t.regs.d[3], 3);
	msim_ucpu_get_stats(u->cpu, &s);
	assert_int_equal(s.fixup_rewinds, 0);
	assert_int_equal(s.irqs, 1);
}

/* fixup-rewind.S sends every interrupted context to UT_CODE + P_TARGET. */
static void test_fixup_rewind(void **state)
{
	struct ut *u = *state;
	struct plan p = { .at = { 1 }, .nr_at = 1 };
	struct msim_ucpu_thread t;
	struct msim_ucpu_stats s0, s;

	ut_cpu(u, "fixup-rewind.o");
	ut_thread(&t, 0, 0);
	/*
	 * TLB misses enter the kernel too: the first call's land at the
	 * target.  Its code and stack are then mapped.
	 */
	assert_int_equal(call(u, &t, UT_CODE + P_TARGET, NULL), 0);
	assert_int_equal(t.regs.d[4], 42);
	msim_ucpu_get_stats(u->cpu, &s0);
	ut_thread(&t, 0, 0);
	assert_int_equal(call(u, &t, UT_CODE + P_NOPS, &p), 0);
	assert_int_equal(p.irqs, 1);
	assert_int_equal(p.irq_pc, UT_CODE + P_NOPS + 2);
	assert_int_equal(p.resume_pc, UT_CODE + P_TARGET);
	assert_int_equal(t.regs.d[1], 1);
	assert_int_equal(t.regs.d[2], 0);
	assert_int_equal(t.regs.d[3], 0);
	assert_int_equal(t.regs.d[4], 42);
	msim_ucpu_get_stats(u->cpu, &s);
	assert_int_equal(s.fixup_rewinds - s0.fixup_rewinds, 1);
	assert_int_equal(s.access_errors, s0.access_errors);
}

/* The return from the interrupt takes %d0 from the frame. */
static void test_fixup_d0(void **state)
{
	struct ut *u = *state;
	struct plan p = { .at = { 1 }, .nr_at = 1 };
	struct msim_ucpu_thread t;

	ut_cpu(u, "fixup-d0.o");
	ut_thread(&t, 0, 0);
	/* The TLB misses of a first call enter the kernel too. */
	assert_int_equal(call(u, &t, UT_CODE + P_D0, NULL), 0);
	assert_int_equal(t.regs.d[5], 0xfeedf00d);
	t.regs.d[0] = 7;
	assert_int_equal(call(u, &t, UT_CODE + P_D0, NULL), 0);
	assert_int_equal(t.regs.d[5], 7);
	t.regs.d[0] = 7;
	t.regs.d[5] = 0;
	assert_int_equal(call(u, &t, UT_CODE + P_D0, &p), 0);
	assert_int_equal(p.irqs, 1);
	assert_int_equal(t.regs.d[5], 0xfeedf00d);
	assert_int_equal(t.regs.d[0], 0xfeedf00d);
}

/*
 * fixup-reloc.S counts its kernel entries from 100 in its .data and puts
 * the count in the interrupted %d2, if its relocated references agree.
 */
static void test_fixup_reloc(void **state)
{
	struct ut *u = *state;
	struct plan p = { .at = { 0, 1 }, .nr_at = 2 };
	struct msim_ucpu_thread t;
	struct msim_ucpu_stats s;

	ut_cpu(u, "fixup-reloc.o");
	ut_thread(&t, 0, 0);
	t.regs.a[0] = UT_DATA;
	assert_int_equal(call(u, &t, UT_CODE + P_LOAD, &p), 0);
	assert_int_equal(p.irqs, 2);
	msim_ucpu_get_stats(u->cpu, &s);
	/* Interrupts and TLB misses, each a kernel entry. */
	assert_true(s.access_errors >= 3);
	assert_int_equal(t.regs.d[2], 100 + s.irqs + s.access_errors);
	assert_true(msim_ucpu_fixup_entry(u->cpu) >= MSIM_UCPU_KERNEL_BASE);
}

/*
 * __kernel_atomic_cmpxchg_32(%d0 old, %d1 new, %a0 ptr) interrupted after
 * its compare, while another thread's cmpxchg changes the word.
 */
static void other_cmpxchg(struct plan *p, struct msim_ucpu *cpu,
			  struct msim_ucpu_thread *t, unsigned int depth)
{
	(void)t;
	p->other.regs.d[0] = 0;
	p->other.regs.d[1] = 5;
	p->other.regs.a[0] = UT_DATA;
	p->other_ret = msim_ucpu_call(cpu, &p->other, CMPXCHG_CMP, NULL, NULL,
				      depth + 1);
}

static void cmpxchg_race(struct ut *u, uint32_t at_pc, struct plan *p,
			 struct msim_ucpu_thread *t)
{
	p->at_pc = at_pc;
	p->then = other_cmpxchg;
	ut_thread(&p->other, 1, 0x2222);
	ut_thread(t, 0, 0x1111);
	ut_poke(u->mm, UT_DATA, 0);
	t->regs.d[0] = 0;
	t->regs.d[1] = 1;
	t->regs.a[0] = UT_DATA;
	assert_int_equal(msim_vdso_seed()->sym_atomic_cmpxchg_32, CMPXCHG_CMP);
	assert_int_equal(call(u, t, CMPXCHG_CMP, p), 0);
	assert_int_equal(p->irqs, 1);
	assert_int_equal(p->irq_pc, at_pc);
	assert_int_equal(p->other_ret, 0);
}

/*
 * The seed's fixup reads %sp@(PT_OFF_PC), but the jsr's return address
 * is at %sp: what it compares is the frame word and SR, never in its
 * range, and its ble would skip the rewind for the PCs it names anyway.
 * So the interrupted cmpxchg stores over the other thread's value and
 * reports success: two threads both "won".
 */
static void test_seed_fixup_loses_update(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;
	uint32_t at[] = { CMPXCHG_BNE, CMPXCHG_STORE };
	unsigned int i;

	ut_cpu(u, NULL);
	for (i = 0; i < 2; i++) {
		struct plan p = { 0 };

		cmpxchg_race(u, at[i], &p, &t);
		/* The other thread saw 0 and stored 5... */
		assert_int_equal(p.other.regs.d[0], 0);
		/* ...and this one stored 1 over it, reporting success. */
		assert_int_equal(p.resume_pc, at[i]);
		assert_int_equal(t.regs.d[0], 0);
		assert_int_equal(ut_peek(u->mm, UT_DATA), 1);
	}
}

/* A fixup that finds the PC and rewinds: the cmpxchg fails as it should. */
static void test_fixed_fixup_is_atomic(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;
	uint32_t at[] = { CMPXCHG_BNE, CMPXCHG_STORE, CMPXCHG_JMP };
	unsigned int i;

	ut_cpu(u, "fixup-cmpxchg.o");
	for (i = 0; i < 3; i++) {
		struct plan p = { 0 };

		cmpxchg_race(u, at[i], &p, &t);
		if (at[i] == CMPXCHG_JMP) {
			/* Stored already: it won, and the other one lost. */
			assert_int_equal(p.other.regs.d[0], 1);
			assert_int_equal(p.resume_pc, CMPXCHG_JMP);
			assert_int_equal(t.regs.d[0], 0);
			assert_int_equal(ut_peek(u->mm, UT_DATA), 1);
			continue;
		}
		assert_int_equal(p.other.regs.d[0], 0);
		assert_int_equal(p.resume_pc, CMPXCHG_CMP);
		assert_int_equal(t.regs.d[0], 5);
		assert_int_equal(ut_peek(u->mm, UT_DATA), 5);
	}
}

static void test_fixup_loop(void **state)
{
	struct ut *u = *state;
	struct plan p = { .at = { 0 }, .nr_at = 1 };
	struct msim_ucpu_thread t;

	ut_cpu(u, "fixup-loop.o");
	ut_thread(&t, 0, 0);
	/* The first TLB miss already runs it. */
	assert_int_equal(call(u, &t, UT_CODE + P_NOPS, &p), -ELOOP);
	assert_non_null(strstr(msim_ucpu_last_error(u->cpu), "fixup"));
	assert_int_equal(t.regs.pc, UT_CODE + P_NOPS);
}

static void test_fixup_oops(void **state)
{
	struct ut *u = *state;
	struct msim_ucpu_thread t;

	ut_cpu(u, "fixup-oops.o");
	ut_thread(&t, 0, 0);
	assert_int_equal(call(u, &t, UT_CODE + P_NOPS, NULL), -EFAULT);
	assert_non_null(strstr(msim_ucpu_last_error(u->cpu), "oops"));
}

/*
 * A fixup that fails says how, where, and on which kernel entry: the
 * first TLB miss of a call (the fetch of its first instruction) enters
 * the kernel through the access-error vector and runs the fixup.
 */
static void expect_fixup_error(struct ut *u, const char *name,
			       enum msim_ucpu_error_kind kind, int err,
			       const char *words)
{
	const struct msim_ucpu_error *e;
	struct msim_ucpu_thread t;
	char text[256];

	ut_cpu(u, name);
	ut_thread(&t, 0, 0);
	assert_int_equal(call(u, &t, UT_CODE + P_NOPS, NULL), err);
	e = msim_ucpu_error(u->cpu);
	assert_int_equal(e->err, err);
	assert_int_equal(e->kind, kind);
	assert_true(msim_ucpu_fixup_failed(e));
	assert_int_equal(e->vector, MSIM_UCPU_ACCESS_VECTOR);
	assert_int_equal(e->fault_status, 0x5); /* TLB miss on opword fetch */
	assert_int_equal(e->entry_pc, UT_CODE + P_NOPS);
	msim_ucpu_error_describe(e, text, sizeof(text));
	if (!strstr(text, words))
		fail_msg("\"%s\", expected \"%s\"", text, words);
	assert_non_null(strstr(text, ", on the access-error entry (TLB miss) "
				     "at pc 0x10000080"));
	msim_ucpu_destroy(u->cpu);
	u->cpu = NULL;
}

static void test_fixup_errors(void **state)
{
	struct ut *u = *state;
	const struct msim_ucpu_error *e;

	expect_fixup_error(u, "fixup-oops.o", MSIM_UCPU_ERR_FIXUP_FAULT,
			   -EFAULT,
			   "the fixup faulted: read of 0x00000010 at pc "
			   "0xc0000100");
	expect_fixup_error(u, "fixup-loop.o", MSIM_UCPU_ERR_FIXUP_LIMIT, -ELOOP,
			   "the fixup ran past its instruction bound (65536)");
	expect_fixup_error(u, "fixup-ipl.o", MSIM_UCPU_ERR_FIXUP_FRAME, -EFAULT,
			   "the fixup corrupted the frame: rte: SR 0x0700");
	expect_fixup_error(u, "fixup-illegal.o", MSIM_UCPU_ERR_FIXUP_INSN,
			   -EILSEQ,
			   "the fixup raised an exception at pc 0xc0000100: "
			   "an illegal instruction");
	/* Kernel runs stop at no until address: a jump to 0 is a fetch. */
	expect_fixup_error(u, "fixup-jump0.o", MSIM_UCPU_ERR_FIXUP_FAULT,
			   -EFAULT,
			   "the fixup faulted: fetch of 0x00000000 at pc "
			   "0x00000000");

	/* A user fault is the user's. */
	ut_cpu(u, "fixup-rts.o");
	{
		struct msim_ucpu_thread t;

		ut_thread(&t, 0, 0);
		t.regs.a[0] = 0x20000000; /* nothing there */
		assert_int_equal(call(u, &t, UT_CODE + P_LOAD, NULL), -EFAULT);
	}
	e = msim_ucpu_error(u->cpu);
	assert_int_equal(e->kind, MSIM_UCPU_ERR_SEGV);
	assert_false(msim_ucpu_fixup_failed(e));
	assert_int_equal(e->addr, 0x20000000);
	assert_int_equal(e->access, MSIM_ACCESS_READ);
}

static void expect_refused(struct ut *u, const void *obj, size_t len,
			   const char *why)
{
	struct msim_ucpu *cpu = msim_ucpu_create(u->mm, obj, len);

	if (!IS_ERR(cpu)) {
		msim_ucpu_destroy(cpu);
		fail_msg("accepted, expected \"%s\"", why);
	}
	assert_int_equal(PTR_ERR(cpu), -ENOEXEC);
	if (!strstr(msim_ucpu_last_error(NULL), why))
		fail_msg("\"%s\", expected \"%s\"", msim_ucpu_last_error(NULL),
			 why);
}

static void expect_file_refused(struct ut *u, const char *name, const char *why)
{
	size_t len;
	void *obj = ut_file(name, &len);

	expect_refused(u, obj, len, why);
	free(obj);
}

static void test_bad_objects(void **state)
{
	struct ut *u = *state;
	unsigned char *obj;
	size_t len;

	expect_file_refused(u, "bad-undef.o", "undefined symbol printk");
	expect_file_refused(u, "bad-nosym.o",
			    "no global symbol check_vdso_atomic_cmpxchg_32");
	expect_file_refused(u, "bad-local.o",
			    "no global symbol check_vdso_atomic_cmpxchg_32");
	expect_file_refused(u, "bad-got.o",
			    "unsupported relocation R_68K_GOT32 (type 7)");
	expect_file_refused(u, "bad-pc8.o", "does not fit");
	expect_file_refused(u, "bad-abs16.o", "does not fit");
	expect_file_refused(u, "bad-exec.elf", "not ET_REL");
	expect_file_refused(u, "prog.bin", "not an ELF file");

	obj = ut_file("fixup-rts.o", &len);
	expect_refused(u, obj, 20, "too short");
	expect_refused(u, obj, len / 2, "");
	obj[EI_CLASS] = ELFCLASS64;
	expect_refused(u, obj, len, "not ELFCLASS32");
	obj[EI_CLASS] = ELFCLASS32;
	obj[EI_DATA] = ELFDATA2LSB;
	expect_refused(u, obj, len, "not big-endian");
	obj[EI_DATA] = ELFDATA2MSB;
	obj[19] = EM_386; /* e_machine, big-endian */
	expect_refused(u, obj, len, "not EM_68K");
	free(obj);
	/* Nothing was left behind by the refusals. */
	ut_check(u);
}

/*
 * Random damage to a good object: the loader refuses it or loads it, and
 * never reads or writes out of bounds (the ASan build checks).
 */
static void test_mutated_objects(void **state)
{
	static unsigned char mem[0x4000];
	struct mt_rng rng = { mt_seed("test_mutated_objects") };
	const char *const names[] = { "fixup-reloc.o", "fixup-cmpxchg.o" };
	unsigned int round, i, loaded = 0, refused = 0;
	unsigned char *good, *obj;
	size_t len, n;
	uint32_t entry;
	char why[160];
	int ret;

	(void)state;
	for (round = 0; round < 4000; round++) {
		good = ut_file(names[round & 1], &len);
		obj = malloc(len);
		assert_non_null(obj);
		memcpy(obj, good, len);
		n = 1 + mt_rand_below(&rng, 8);
		for (i = 0; i < n; i++) {
			size_t at = mt_rand_below(&rng, len);

			switch (mt_rand_below(&rng, 3)) {
			case 0:
				obj[at] ^= 1u << mt_rand_below(&rng, 8);
				break;
			case 1:
				obj[at] = (unsigned char)mt_rand(&rng);
				break;
			default:
				obj[at] = mt_rand_below(&rng, 2) ? 0xff : 0;
				break;
			}
		}
		if (mt_rand_below(&rng, 8) == 0)
			len = mt_rand_below(&rng, len);
		memset(mem, 0, sizeof(mem));
		ret = msim_m68k_rel_load(obj, len,
					 "check_vdso_atomic_cmpxchg_32", mem,
					 MSIM_UCPU_KERNEL_BASE + 0x100,
					 sizeof(mem), &entry, why, sizeof(why));
		if (ret) {
			assert_int_equal(ret, -ENOEXEC);
			assert_true(why[0] != 0);
			refused++;
		} else {
			assert_true(entry >= MSIM_UCPU_KERNEL_BASE + 0x100);
			assert_true(entry < MSIM_UCPU_KERNEL_BASE + 0x100 +
						    sizeof(mem));
			loaded++;
		}
		free(obj);
		free(good);
	}
	printf("test_mutated_objects: %u loaded, %u refused\n", loaded,
	       refused);
	assert_true(refused > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ut_test(test_fixup_rts),
		ut_test(test_fixup_rewind),
		ut_test(test_fixup_d0),
		ut_test(test_fixup_reloc),
		ut_test(test_fixup_errors),
		ut_test(test_seed_fixup_loses_update),
		ut_test(test_fixed_fixup_is_atomic),
		ut_test(test_fixup_loop),
		ut_test(test_fixup_oops),
		ut_test(test_bad_objects),
		cmocka_unit_test(test_mutated_objects),
	};

	if (getenv("UT_FILTER"))
		cmocka_set_test_filter(getenv("UT_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
