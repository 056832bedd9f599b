// SPDX-License-Identifier: MIT
/*
 * Free-running stress on one mm (msim_run_threads_free()): real threads
 * fault pages in, unmap and map again, fork and exit children, and
 * register and unregister secondary MMUs (a KVM-like shadow MMU, an HMM
 * mirror whose interval notifier goes in and out) that fault through the
 * mm themselves.  What this shows is what controlled runs cannot: under
 * ThreadSanitizer, that no memory is shared between two scheduling points
 * without a lock or an atomic (CI runs it in the TSan build).  The CPU and
 * the devices use different bytes of the pages: a simulated program and
 * its device racing on one byte of user memory would be the program's
 * race, not the model's.  In every
 * build, the mm and the machine must still hold together at the end, and
 * everything must be given back.  The per-thread generators are seeded
 * from MMSIM_TEST_SEED, or the time, which is printed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <mmsim/drivers.h>
#include <mmsim/mmsim.h>
#include <mmsim/scheduler.h>

#define BASE 0x10000000UL
#define PAGE 4096UL
#define NPAGES 16
#define ROUNDS 1000
/* Where in a page the devices read and write. */
#define DEV_OFF 512

struct stress {
	struct msim_machine *m;
	struct task_struct *init;
	struct msim_coherence *coh;
	uint64_t seed;
};

static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static struct mm_struct *mm_of(struct stress *s)
{
	return s->init->mm;
}

static void faulter(void *arg)
{
	struct stress *s = arg;
	uint64_t rng = s->seed ^ 1;
	unsigned char b;
	int i;

	for (i = 0; i < ROUNDS * 4; i++) {
		unsigned long a = BASE + (next(&rng) % NPAGES) * PAGE;

		b = (unsigned char)i;
		if (next(&rng) & 1)
			msim_user_write(mm_of(s), a, &b, 1);
		else
			msim_user_read(mm_of(s), a, &b, 1);
	}
}

static void unmapper(void *arg)
{
	struct stress *s = arg;
	uint64_t rng = s->seed ^ 2;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		unsigned long a = BASE + (next(&rng) % NPAGES) * PAGE;
		unsigned long n = 1 + next(&rng) % 3;

		if (a + n * PAGE > BASE + NPAGES * PAGE)
			n = 1;
		msim_munmap(mm_of(s), a, n * PAGE);
		msim_mmap(mm_of(s), a, n * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
		if (next(&rng) % 4 == 0)
			msim_madvise(mm_of(s), a, n * PAGE, MADV_DONTNEED);
	}
}

static void forker(void *arg)
{
	struct stress *s = arg;
	int i;

	for (i = 0; i < ROUNDS / 4; i++) {
		struct task_struct *child = msim_fork(s->init, 0, "child");
		unsigned char b = 0x5a;

		if (IS_ERR(child))
			continue;
		msim_user_write(child->mm, BASE, &b, 1);
		msim_exit(child);
		msim_task_put(child);
	}
}

static void registrar(void *arg)
{
	struct stress *s = arg;
	uint64_t rng = s->seed ^ 4;
	unsigned char b;
	int i;

	for (i = 0; i < ROUNDS / 4; i++) {
		unsigned long a = BASE + (next(&rng) % NPAGES) * PAGE + DEV_OFF;

		if (i & 1) {
			struct msim_kvm *kvm =
				msim_kvm_create(mm_of(s), "guest", s->coh);

			if (IS_ERR(kvm))
				continue;
			msim_kvm_access(kvm, a, &b, 1, next(&rng) & 1);
			msim_kvm_destroy(kvm);
		} else {
			struct msim_dmirror *d = msim_dmirror_create(
				mm_of(s), BASE, NPAGES * PAGE, NULL, "dev",
				s->coh);

			if (IS_ERR(d))
				continue;
			msim_dmirror_access(d, a, &b, 1, next(&rng) & 1);
			msim_dmirror_destroy(d);
		}
	}
}

static void test_stress_one_mm(void **state)
{
	struct msim_machine_config cfg = { .ram_bytes = 16UL << 20 };
	struct msim_thread_spec threads[] = {
		{ "faulter", faulter, NULL, NULL },
		{ "faulter2", faulter, NULL, NULL },
		{ "unmapper", unmapper, NULL, NULL },
		{ "forker", forker, NULL, NULL },
		{ "registrar", registrar, NULL, NULL },
	};
	const char *env = getenv("MMSIM_TEST_SEED");
	struct stress s = { 0 };
	char msg[512];
	unsigned int i;

	(void)state;
	s.seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
	print_message("seed %llu (MMSIM_TEST_SEED)\n",
		      (unsigned long long)s.seed);
	s.m = msim_machine_create(&cfg);
	assert_false(IS_ERR(s.m));
	s.init = msim_task_create(s.m, "init");
	assert_false(IS_ERR(s.init));
	msim_set_current(s.init);
	assert_int_equal(msim_mmap(mm_of(&s), BASE, NPAGES * PAGE,
				   PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS),
			 (long)BASE);
	s.coh = msim_coherence_create(mm_of(&s));
	assert_false(IS_ERR(s.coh));
	for (i = 0; i < sizeof(threads) / sizeof(threads[0]); i++)
		threads[i].arg = &s;
	assert_int_equal(msim_run_threads_free(5, threads), 0);

	if (msim_mm_check_msg(mm_of(&s), msg, sizeof(msg)))
		fail_msg("mm: %s", msg);
	if (msim_machine_check(s.m, msg, sizeof(msg)))
		fail_msg("machine: %s", msg);
	assert_int_equal(msim_coherence_check(s.coh, NULL, 0), 0);
	msim_exit(s.init);
	msim_coherence_destroy(s.coh);
	msim_task_put(s.init);
	msim_set_current(NULL);
	for (i = 0; i < MSIM_NR_ALLOC_KINDS; i++)
		assert_int_equal(msim_live(s.m, i) - msim_machine_kept(s.m, i),
				 0);
	assert_int_equal(msim_machine_destroy(s.m), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress_one_mm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
