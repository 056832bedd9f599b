// SPDX-License-Identifier: MIT
/*
 * msim_replay(): one run of the body under a given schedule, with the
 * executor of an explorer but none of its search: what 'mmsim run
 * --schedule' and a test that replays a failure do.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "explorer.h"

int msim_replay(msim_run_body body, void *arg, const char *schedule,
		const struct msim_explore_opts *opts,
		struct msim_explore_result *res, char *err, size_t errlen)
{
	struct exec_req req = { .kind = PLAN_REPLAY };
	struct msim_explore_opts dflt;
	struct executor ex;
	struct exec_res r;
	unsigned int i;
	int ret;

	memset(res, 0, sizeof(*res));
	if (err && errlen)
		err[0] = '\0';
	if (!opts) {
		msim_explore_opts_init(&dflt);
		opts = &dflt;
	}
	req.schedule = schedule ? schedule : "";
	if (!*req.schedule)
		req.kind = PLAN_DEFAULT;
	ret = exec_init(&ex, body, arg,
			opts->max_steps ? opts->max_steps : 100000,
			opts->check_every_step, opts->in_process, false);
	if (ret)
		return ret;
	ret = exec_run(&ex, &req, &r);
	if (ret) {
		exec_fini(&ex);
		return ret;
	}
	res->runs = 1;
	res->schedules = 1;
	res->complete = true;
	res->nfailures = r.nfails;
	res->failures = xcalloc(r.nfails, sizeof(*res->failures));
	for (i = 0; i < r.nfails; i++) {
		res->failures[i].kind = xstrdup(r.fails[i].kind);
		res->failures[i].message = xstrdup(r.fails[i].msg);
		res->failures[i].schedule = xstrdup(r.schedule);
		res->failures[i].preemptions = r.preemptions;
		res->failures[i].steps = r.steps;
	}
	for (i = 0; i < r.nobs; i++) {
		res->observed = xrealloc(res->observed,
					 (res->nobserved + 1) * sizeof(char *));
		res->observed[res->nobserved++] = xstrdup(r.obs[i]);
	}
	res->schedule_list = xcalloc(1, sizeof(char *));
	res->schedule_list[0] = xstrdup(r.schedule);
	res->nschedule_list = 1;
	if (r.stopped)
		res->stopped = xstrdup("the run could not end");
	if (r.diverged[0] && err && errlen)
		snprintf(err, errlen, "%s", r.diverged);
	ret = r.bad_schedule ? -EINVAL : r.diverged[0] ? -ESRCH : 0;
	exec_res_free(&r);
	exec_fini(&ex);
	return ret;
}
