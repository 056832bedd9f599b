// SPDX-License-Identifier: MIT
/*
 * vdso_call: call the ColdFire vDSO's __kernel_atomic_cmpxchg_32 on the
 * emulated CPU, from C.
 * needs: coldfire
 *
 * The steps: a machine with the coldfire arch, an mm with the vDSO mapped
 * (as exec does, through arch_setup_additional_pages()), a page for the
 * word and the stack, the CPU on that mm, a thread whose registers are
 * the call's arguments (a0 = &word, d0 = expected, d1 = new), the call,
 * the result in d0 and in the word, and a teardown that leaves nothing
 * allocated.  Exits 1 when any step or result is wrong.
 */
#include <stdio.h>
#include <stdlib.h>

#include <mmsim/mmsim.h>
#include <mmsim/coldfire.h>

static int fail(const char *what, long err)
{
	fprintf(stderr, "vdso_call: %s: %s\n", what, msim_errno_name(err));
	return EXIT_FAILURE;
}

static uint32_t peek32(struct mm_struct *mm, uint32_t addr)
{
	uint8_t b[4] = { 0 };

	msim_user_read(mm, addr, b, 4);
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static void poke32(struct mm_struct *mm, uint32_t addr, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

	msim_user_write(mm, addr, b, 4);
}

/*
 * cmpxchg(word, expected, new) as thread @t: 0 or -errno, the old value
 * in *@old.
 */
static int cmpxchg(struct msim_ucpu *cpu, struct msim_ucpu_thread *t,
		   uint32_t entry, uint32_t word, uint32_t expected,
		   uint32_t new, uint32_t *old)
{
	int ret;

	t->regs.a[0] = word;
	t->regs.d[0] = expected;
	t->regs.d[1] = new;
	/* No interrupt plan: the call runs to its rts. */
	ret = msim_ucpu_call(cpu, t, entry, NULL, NULL, 0);
	*old = t->regs.d[0];
	return ret;
}

/*
 * Steps 1 and 2: a coldfire machine, an mm with the vDSO mapped as exec
 * maps it, and two pages: the word at the first, the stack below the
 * second's end.
 */
static int setup(struct msim_machine **m, struct mm_struct **mm, uint32_t *word,
		 uint32_t *stack)
{
	struct msim_machine_config cfg = { .arch = &msim_arch_coldfire,
					   .ram_bytes = 8UL << 20 };
	struct linux_binprm bprm;
	unsigned long page;
	long addr;
	int err;

	*m = msim_machine_create(&cfg);
	if (IS_ERR(*m))
		return fail("msim_machine_create", PTR_ERR(*m));
	*mm = mm_alloc(*m);
	if (!*mm)
		return fail("mm_alloc", -ENOMEM);
	bprm.mm = *mm;
	err = arch_setup_additional_pages(&bprm, 0);
	if (err)
		return fail("arch_setup_additional_pages", err);
	page = mm_page_size(*mm);
	addr = msim_mmap(*mm, 0, 2 * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS);
	if (addr < 0)
		return fail("msim_mmap", addr);
	*word = (uint32_t)addr;
	*stack = (uint32_t)(addr + 2 * page); /* the stack grows down */
	return 0;
}

/* Step 6: the CPU, the mm, then nothing may be left but the vDSO. */
static int teardown(struct msim_machine *m, struct mm_struct *mm,
		    struct msim_ucpu *cpu)
{
	int kind, err;

	msim_ucpu_destroy(cpu);
	mmput(mm);
	for (kind = 0; kind < MSIM_NR_ALLOC_KINDS; kind++) {
		long live = msim_live(m, kind) - msim_machine_kept(m, kind);

		if (live) {
			fprintf(stderr,
				"vdso_call: %ld objects of kind %d leaked\n",
				live, kind);
			return EXIT_FAILURE;
		}
	}
	err = msim_machine_destroy(m);
	if (err)
		return fail("msim_machine_destroy", err);
	return 0;
}

/* Steps 4 and 5: cmpxchg(@expected, @new) must return @old, leave @left. */
static int check_call(struct msim_ucpu *cpu, struct msim_ucpu_thread *t,
		      struct mm_struct *mm, uint32_t word, uint32_t expected,
		      uint32_t new, uint32_t old, uint32_t left)
{
	uint32_t entry = msim_vdso_seed()->sym_atomic_cmpxchg_32, got;
	int err = cmpxchg(cpu, t, entry, word, expected, new, &got);

	if (err)
		return fail(msim_ucpu_last_error(cpu), err);
	printf("cmpxchg(%u, %u) returned %u, word %u\n", expected, new, got,
	       peek32(mm, word));
	if (got != old || peek32(mm, word) != left) {
		fprintf(stderr, "vdso_call: expected %u and a word of %u\n",
			old, left);
		return EXIT_FAILURE;
	}
	return 0;
}

int main(void)
{
	struct msim_ucpu_thread t = { .tp = 0x7ff01010, .id = 0 };
	struct msim_machine *m = NULL;
	struct mm_struct *mm = NULL;
	struct msim_ucpu *cpu;
	uint32_t word = 0;
	char msg[160];

	if (setup(&m, &mm, &word, &t.regs.a[7]))
		return EXIT_FAILURE;
	/* The blob is prelinked: its symbols are the addresses to call. */
	printf("vDSO at %#lx, __kernel_atomic_cmpxchg_32 at %#x\n",
	       mm->context.vdso, msim_vdso_seed()->sym_atomic_cmpxchg_32);
	poke32(mm, word, 5);

	/* 3. The CPU, with the seed's entry fixup (NULL). */
	cpu = msim_ucpu_create(mm, NULL, 0);
	if (IS_ERR(cpu)) {
		fprintf(stderr, "vdso_call: msim_ucpu_create: %s\n",
			msim_ucpu_last_error(NULL));
		return EXIT_FAILURE;
	}

	/* 4. On a word holding 5, cmpxchg(5, 7) succeeds: returns 5. */
	if (check_call(cpu, &t, mm, word, 5, 7, 5, 7))
		return EXIT_FAILURE;
	/* 5. Again: the word is 7 now, so it fails and returns 7. */
	if (check_call(cpu, &t, mm, word, 5, 9, 7, 7))
		return EXIT_FAILURE;

	/* The CPU is a secondary MMU: it must agree with the page tables. */
	if (msim_ucpu_check(cpu, msg, sizeof(msg))) {
		fprintf(stderr, "vdso_call: %s\n", msg);
		return EXIT_FAILURE;
	}
	if (teardown(m, mm, cpu))
		return EXIT_FAILURE;
	printf("vdso_call: ok\n");
	return EXIT_SUCCESS;
}
