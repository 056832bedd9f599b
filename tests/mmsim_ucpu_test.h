/* SPDX-License-Identifier: MIT */
/*
 * What the Unicorn CPU tests (test_ucpu*.c) share on top of
 * mmsim_task_test.h.
 *
 *  - A fixture: a coldfire machine, its init task's mm with the vDSO, the
 *    test program (tests/ucpu/prog.bin) in a read-only executable mapping
 *    at UT_CODE, a stack and a data area, and a CPU made by the test with
 *    the fixup it needs.  The teardown destroys the CPU and then insists,
 *    as the task fixture does, that nothing is left.
 *  - The fixup objects and the program are read from the source tree
 *    (MMSIM_SOURCE_DIR); tests/ucpu/build.sh rebuilds them.
 *  - Checks of the mm, the machine and the CPU's secondary MMU together.
 *
 * UT_FILTER=test_name in the environment runs only the tests it matches.
 */
#ifndef MMSIM_UCPU_TEST_H
#define MMSIM_UCPU_TEST_H

#include <errno.h>

#include <mmsim/coldfire.h>

#include "mmsim_task_test.h"

#define UT_CODE 0x10000000UL
#define UT_STACK 0x10100000UL
#define UT_STACK_LEN 0x4000UL
#define UT_DATA 0x10200000UL
#define UT_DATA_LEN 0x8000UL
#define UT_VDSO 0x5fffe000UL

/* Offsets of the routines in tests/ucpu/prog.S. */
#define P_LOAD 0x00
#define P_STORE 0x10
#define P_CMP 0x20
#define P_LOOP 0x40
#define P_TP 0x50
#define P_NOPS 0x80
#define P_TARGET 0x100
#define P_D0 0x120
#define P_KREAD 0x140
#define P_SUM 0x150
#define P_FILL 0x170
#define P_COUNT 0x180
#define P_RMW 0x1a0
#define P_TRAP 0x1c0
#define P_TRAP1 0x1d0

/* The seed's __kernel_atomic_cmpxchg_32, instruction by instruction. */
#define CMPXCHG_CMP 0x5fffe40cU
#define CMPXCHG_BNE 0x5fffe40eU
#define CMPXCHG_STORE 0x5fffe412U
#define CMPXCHG_JMP 0x5fffe414U

struct ut {
	struct tt *tt;
	struct task_struct *init;
	struct mm_struct *mm;
	struct msim_ucpu *cpu;
};

/* A file of tests/ucpu/, whole; the caller frees it. */
static inline void *ut_file(const char *name, size_t *len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "tests/ucpu/%s", name);
	return mt_source_file(rel, len);
}

static inline uint32_t ut_peek_at(struct mm_struct *mm, unsigned long addr,
				  const char *file, int line)
{
	unsigned char b[4];

	if (msim_user_read(mm, addr, b, 4)) {
		print_error("%s:%d: cannot read %#lx\n", file, line, addr);
		_fail(file, line);
	}
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static inline void ut_poke_at(struct mm_struct *mm, unsigned long addr,
			      uint32_t v, const char *file, int line)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	if (msim_user_write(mm, addr, b, 4)) {
		print_error("%s:%d: cannot write %#lx\n", file, line, addr);
		_fail(file, line);
	}
}

#define ut_peek(mm, addr) ut_peek_at((mm), (addr), __FILE__, __LINE__)
#define ut_poke(mm, addr, v) ut_poke_at((mm), (addr), (v), __FILE__, __LINE__)

/* The mms, the machine, and the CPU against its mm. */
static inline void ut_check_at(struct ut *u, const char *file, int line)
{
	char msg[256];

	tt_check_at(u->tt->m, file, line);
	if (u->cpu && msim_ucpu_check(u->cpu, msg, sizeof(msg))) {
		print_error("%s:%d: CPU and mm disagree: %s\n", file, line,
			    msg);
		_fail(file, line);
	}
}

#define ut_check(u) ut_check_at((u), __FILE__, __LINE__)

/* The CPU of the test, with the fixup in tests/ucpu/@fixup (NULL: seed). */
static inline struct msim_ucpu *ut_cpu_at(struct ut *u, const char *fixup,
					  const char *file, int line)
{
	void *obj = NULL;
	size_t len = 0;

	if (fixup)
		obj = ut_file(fixup, &len);
	u->cpu = msim_ucpu_create(u->mm, obj, len);
	free(obj);
	if (IS_ERR(u->cpu)) {
		print_error("%s:%d: msim_ucpu_create: %s: %s\n", file, line,
			    msim_errno_name(PTR_ERR(u->cpu)),
			    msim_ucpu_last_error(NULL));
		u->cpu = NULL;
		_fail(file, line);
	}
	return u->cpu;
}

#define ut_cpu(u, fixup) ut_cpu_at((u), (fixup), __FILE__, __LINE__)

/* Thread @id with thread pointer @tp and a stack of its own. */
static inline void ut_thread(struct msim_ucpu_thread *t, int id, uint32_t tp)
{
	memset(t, 0, sizeof(*t));
	t->id = id;
	t->tp = tp;
	t->regs.a[7] = UT_STACK + UT_STACK_LEN - (uint32_t)id * 0x400;
}

static inline int ut_setup(void **state)
{
	struct ut *u = calloc(1, sizeof(*u));
	struct linux_binprm bprm;
	size_t len;
	void *prog;

	assert_non_null(u);
	u->tt = tt_create(&msim_arch_coldfire, MT_DEFAULT_RAM);
	u->init = u->tt->task[0];
	u->mm = u->init->mm;
	bprm.mm = u->mm;
	assert_int_equal(arch_setup_additional_pages(&bprm, 0), 0);
	assert_int_equal(u->mm->context.vdso, UT_VDSO);

	tt_map(u->mm, UT_CODE, u->tt->page, PROT_RW);
	prog = ut_file("prog.bin", &len);
	assert_int_equal(msim_user_write(u->mm, UT_CODE, prog, len), 0);
	free(prog);
	tt_mprotect(u->mm, UT_CODE, u->tt->page, PROT_READ | PROT_EXEC);
	tt_map(u->mm, UT_STACK, UT_STACK_LEN, PROT_RW);
	tt_map(u->mm, UT_DATA, UT_DATA_LEN, PROT_RW);
	*state = u;
	return 0;
}

static inline int ut_teardown(void **state)
{
	struct ut *u = *state;

	if (u->cpu)
		msim_ucpu_destroy(u->cpu);
	tt_destroy(u->tt);
	free(u);
	return 0;
}

#define ut_test(f) cmocka_unit_test_setup_teardown(f, ut_setup, ut_teardown)

#endif /* MMSIM_UCPU_TEST_H */
