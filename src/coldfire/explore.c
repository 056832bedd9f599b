// SPDX-License-Identifier: MIT
/* Depth-first enumeration of decision paths by re-execution. */
#include <string.h>

#include <mmsim/coldfire/explore.h>

void msim_vf_explore_init(struct msim_vf_explore *e)
{
	memset(e, 0, sizeof(*e));
}

void msim_vf_explore_begin(struct msim_vf_explore *e)
{
	e->pos = 0;
	e->nblocks = 0;
}

unsigned int msim_vf_explore_choose(struct msim_vf_explore *e,
				    unsigned int nopts)
{
	unsigned int pick;

	if (nopts <= 1)
		return 0;
	if (e->pos < e->len) {
		/* A deterministic run meets the same decision again. */
		pick = e->path[e->pos].pick;
		if (e->path[e->pos].nopts != nopts || pick >= nopts)
			e->overflow = true;
		e->pos++;
		return pick < nopts ? pick : 0;
	}
	if (e->len == MSIM_VF_EXPLORE_MAX) {
		e->overflow = true;
		return 0;
	}
	e->path[e->len].pick = 0;
	e->path[e->len].nopts = (uint8_t)nopts;
	e->len++;
	e->pos = e->len;
	return 0;
}

uint32_t msim_vf_explore_value(struct msim_vf_explore *e)
{
	unsigned int b = msim_vf_explore_choose(e, e->nblocks + 1);

	if (b == e->nblocks)
		e->nblocks++;
	return b + 1;
}

bool msim_vf_explore_next(struct msim_vf_explore *e)
{
	while (e->len) {
		unsigned int i = e->len - 1;

		if (e->path[i].pick + 1u < e->path[i].nopts) {
			e->path[i].pick++;
			return true;
		}
		e->len--;
	}
	return false;
}
