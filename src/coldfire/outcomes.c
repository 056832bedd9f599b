// SPDX-License-Identifier: MIT
/*
 * Which outcomes of a non-linearizable cmpxchg would have been
 * linearizable: the answer to "what should it have returned?", found by
 * asking the checker about every result the call could have had.  The
 * history is rebuilt from the run's events, which hold the real-time
 * order: each call, each store and each return took one tick of the
 * run's clock, in the order the events list them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mmsim/coldfire/vdso_run.h>

struct history {
	unsigned int n;
	struct msim_vf_lin_op op[MSIM_VF_LIN_MAX_OPS];
	struct msim_vf_step who[MSIM_VF_LIN_MAX_OPS];
};

static void add(struct history *h, struct msim_vf_lin_op op,
		struct msim_vf_step who)
{
	if (h->n < MSIM_VF_LIN_MAX_OPS) {
		h->op[h->n] = op;
		h->who[h->n] = who;
	}
	h->n++;
}

/* The cmpxchg calls and the stores within [@inv, @res], as judged. */
static void history(const struct msim_vf_result *r, unsigned int inv,
		    unsigned int res, struct history *h)
{
	unsigned int tick = 0;
	int i;

	h->n = 0;
	for (i = 0; i < r->ran.nr_calls; i++) {
		const struct msim_vf_call *k = &r->ran.call[i];
		const struct msim_vf_call_result *cr = &r->call[i];

		if (k->fn != MSIM_VF_FN_CMPXCHG || cr->err || cr->inv < inv ||
		    cr->res > res)
			continue;
		add(h,
		    (struct msim_vf_lin_op){ MSIM_VF_LIN_CMPXCHG, k->expected,
					     k->new, cr->d0, cr->inv, cr->res },
		    (struct msim_vf_step){ i, 0 });
	}
	for (i = 0; i < r->nr_events; i++) {
		const struct msim_vf_event *e = &r->ev[i];

		switch (e->kind) {
		case MSIM_VF_EV_STORE:
			if (tick >= inv && tick <= res)
				add(h,
				    (struct msim_vf_lin_op){ MSIM_VF_LIN_STORE,
							     e->a, 0, 0, tick,
							     tick },
				    (struct msim_vf_step){ -1, e->a });
			tick++;
			break;
		case MSIM_VF_EV_CALL:
		case MSIM_VF_EV_RETURN:
		case MSIM_VF_EV_ERROR:
			tick++;
			break;
		default:
			break;
		}
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Every value the word can have held: the first, stored and new ones. */
static unsigned int word_values(const struct history *h, uint32_t initial,
				uint32_t *v)
{
	unsigned int i, n = 0, m = 0;

	v[n++] = initial;
	for (i = 0; i < h->n; i++)
		v[n++] = h->op[i].kind == MSIM_VF_LIN_STORE ? h->op[i].expected
							    : h->op[i].new;
	qsort(v, n, sizeof(*v), cmp_u32);
	for (i = 0; i < n; i++)
		if (!m || v[m - 1] != v[i])
			v[m++] = v[i];
	return m;
}

int msim_vf_outcomes(const struct msim_vf_result *r,
		     const struct msim_vf_violation *v,
		     struct msim_vf_outcome *out, int max)
{
	static _Thread_local struct history h;
	const struct msim_vf_call_result *cr = &r->call[v->call];
	uint32_t vals[MSIM_VF_LIN_MAX_OPS + 1];
	unsigned int order[MSIM_VF_LIN_MAX_OPS], nv, i, j, self;
	int found = 0;

	if (v->kind != MSIM_VF_NOT_LINEARIZABLE ||
	    r->ran.call[v->call].fn != MSIM_VF_FN_CMPXCHG)
		return -EINVAL;
	history(r, cr->inv, cr->res, &h);
	if (h.n > MSIM_VF_LIN_MAX_OPS)
		return -EINVAL;
	for (self = 0; self < h.n && h.who[self].call != v->call; self++)
		;
	if (self == h.n)
		return -EINVAL;
	nv = word_values(&h, cr->word_before, vals);
	for (i = 0; i < nv; i++) {
		h.op[self].ret = vals[i];
		for (j = 0; j < nv; j++) {
			struct msim_vf_outcome *o;
			unsigned int s;

			if (!msim_vf_linearizable(h.op, h.n, cr->word_before,
						  vals[j], order))
				continue;
			if (found++ >= max)
				continue;
			o = &out[found - 1];
			memset(o, 0, sizeof(*o));
			o->returned = vals[i];
			o->word_after = vals[j];
			if (h.n > MSIM_VF_MAX_STEPS)
				continue;
			o->nr_steps = (int)h.n;
			for (s = 0; s < h.n; s++)
				o->step[s] = h.who[order[s]];
		}
	}
	return found;
}
