// SPDX-License-Identifier: MIT
/*
 * trace_race.c - find a race with the explorer, then record the failing
 * run and draw it: a timeline, a Perfetto trace and a web page
 *
 * A KVM-like secondary MMU faults a page in (it reads mmu_invalidate_seq,
 * looks the page up, then installs a shadow PTE under its mmu_lock) while
 * another thread unmaps it.  The guest here is built with the bug of
 * 'attach kvm guest no-retry': it installs what it looked up without
 * checking the sequence again, so an munmap that runs inside the window
 * leaves it translating to a freed frame.  This is scenario 1 of
 * docs/notifiers.md, written in C:
 *
 *	msim_sched_test_explore()   every schedule of up to two preemptions;
 *	                            the coherence check fails in one
 *	msim_trace_start()          record ...
 *	msim_sched_test_replay()    ... exactly that schedule once more
 *	msim_trace_write_timeline() and the views of the record
 *	msim_trace_write_json()
 *	msim_trace_write_html()
 *
 * Usage: trace_race [DIR] writes DIR/trace_race.json and
 * DIR/trace_race.html (DIR defaults to the current directory) and prints
 * the timeline.  It exits non-zero if the race is not found or the record
 * lacks what explains it.
 */
/* MAP_ANONYMOUS: glibc's <sys/mman.h> hides it from strict -std=c11. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/drivers.h>
#include <mmsim/mmsim.h>
#include <mmsim/scheduler.h>

#define BASE 0x10000000UL

/* ---- The race: one run's world, its two threads and its check ------- */

struct world {
	struct msim_machine *m;
	struct task_struct *tsk;
	struct msim_coherence *checker;
	struct msim_kvm *guest;
};

static void *setup(void *arg)
{
	struct msim_machine_config cfg = { .ram_bytes = 16UL << 20 };
	struct world *w = calloc(1, sizeof(*w));
	unsigned char b = 1;

	(void)arg;
	if (!w)
		abort();
	w->m = msim_machine_create(&cfg);
	w->tsk = msim_task_create(w->m, "app");
	msim_set_current(w->tsk);
	msim_mmap(w->tsk->mm, BASE, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	msim_user_write(w->tsk->mm, BASE, &b, 1);
	/* The checker watches the mm; the guest mirrors it, with its bug. */
	w->checker = msim_coherence_create(w->tsk->mm);
	w->guest = msim_kvm_create(w->tsk->mm, "guest", w->checker);
	w->guest->msim_bugs = MSIM_KVM_BUG_NO_RETRY;
	return w;
}

static void guest_reads(void *state)
{
	struct world *w = state;
	unsigned char b;

	msim_kvm_access(w->guest, BASE, &b, 1, false);
}

static void unmapper(void *state)
{
	struct world *w = state;

	msim_munmap(w->tsk->mm, BASE, 4096);
}

static void check(struct msim_run *run, void *state)
{
	struct world *w = state;
	char report[1024];

	if (msim_coherence_check(w->checker, report, sizeof(report))) {
		report[strcspn(report, "\n")] = '\0'; /* the first line */
		msim_run_fail(run, "coherence", "%s", report);
	}
}

static void teardown(void *state)
{
	struct world *w = state;

	msim_kvm_destroy(w->guest);
	msim_exit(w->tsk);
	msim_coherence_destroy(w->checker);
	msim_task_put(w->tsk);
	msim_set_current(NULL);
	msim_machine_destroy(w->m);
	free(w);
}

static const struct msim_sched_test race = {
	.setup = setup,
	.nthreads = 2,
	.names = { "fault", "unmap" },
	.threads = { guest_reads, unmapper },
	.check = check,
	.teardown = teardown,
};

/* ---- Finding it, recording it, drawing it ---------------------------- */

static int write_file(const struct msim_trace *t, const char *dir,
		      const char *name, bool html)
{
	char path[4096];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return -1;
	}
	ret = html ? msim_trace_write_html(t, f, NULL)
		   : msim_trace_write_json(t, f);
	if (fclose(f) || ret) {
		fprintf(stderr, "%s: not written\n", path);
		return -1;
	}
	printf("wrote %s\n", path);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	struct msim_trace_opts to = { .title = "trace_race: the failing run" };
	struct msim_explore_result res, again;
	struct msim_explore_opts opts;
	struct msim_trace *t;
	char *timeline = NULL;
	size_t size = 0;
	FILE *tl;
	int ret = 0;

	msim_explore_opts_init(&opts);
	if (msim_sched_test_explore(&race, &opts, &res) || !res.nfailures) {
		fprintf(stderr, "trace_race: the explorer found no race\n");
		return 1;
	}
	msim_failure_print(stdout, &res.failures[0]);

	/* The failing schedule once more, recorded. */
	t = msim_trace_create(&to);
	if (!t) {
		perror("msim_trace_create");
		return 1;
	}
	msim_trace_start(t);
	ret = msim_sched_test_replay(&race, res.failures[0].schedule, &opts,
				     &again, NULL, 0);
	msim_trace_stop(t);
	if (ret || !again.nfailures) {
		fprintf(stderr, "trace_race: the replay did not fail again\n");
		return 1;
	}
	msim_explore_result_free(&again);
	msim_explore_result_free(&res);

	/* The timeline into a string, to print it and to check it. */
	tl = open_memstream(&timeline, &size);
	if (!tl || msim_trace_write_timeline(t, tl, NULL) || fclose(tl))
		return 1;
	fputs(timeline, stdout);
	if (write_file(t, dir, "trace_race.json", false) ||
	    write_file(t, dir, "trace_race.html", true))
		ret = 1;

	/* What explains the race must be in it. */
	if (!strstr(timeline, " step  fault") ||
	    !strstr(timeline, "guest->invalidate_range_start()") ||
	    !strstr(timeline, "guest maps 0x10000000 -> pfn") ||
	    !strstr(timeline, "main: FAILURE coherence")) {
		fprintf(stderr, "trace_race: the timeline lacks the race\n");
		ret = 1;
	}
	free(timeline);
	msim_trace_destroy(t);
	return ret;
}
