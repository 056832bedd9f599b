// SPDX-License-Identifier: MIT
/*
 * Workarounds for the exactness of Unicorn 2.0.1 (as Debian ships it,
 * measured), without which an interrupted vDSO call would resume in a
 * state the real CPU is never in.  This whole file goes away if Unicorn
 * fixes its lazy condition codes and its SR reads: then a stop anywhere
 * is exact, the CPU resumes where it stopped, and reading SR gives the
 * condition codes.
 *
 *  - The condition codes are lazy (QEMU's cc_op) and a stop in the middle
 *    of a translation block, by uc_emu_stop() in a hook or by a memory
 *    fault, leaves the CPU's cc_op as it was at the start of the block:
 *    resumed as is, a bne after an interrupted cmp goes the wrong way.
 *    Stops at the until address and at block starts are exact.  So a
 *    block hook saves the context at every block start (540 bytes) and a
 *    write hook logs what each store overwrites; an interrupt or fault in
 *    the middle of a block puts the context and memory back as they were
 *    at its start and runs the block again with until at the stopping
 *    instruction (see ucpu_replay_to()), on the kernel engine so that the
 *    user engine's blocks are never translated for another until.
 *  - Every replay translates its block again, and Unicorn keeps memory
 *    for each translation until the engine is closed: the kernel engine
 *    is replaced now and then (ucpu_kernel_engine_renew()).
 *  - Reading SR gives no condition codes.  A two-instruction stub in the
 *    kernel area reads them with move.w %ccr,%d0 in guest code
 *    (ucpu_read_ccr()); the entry stub does the same for the frame.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ucpu_internal.h"

/* Hooks: they record and never stop the run. */

void ucpu_block_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *data)
{
	struct msim_ucpu *cpu = data;

	(void)size;
	if (cpu->in_kernel || !cpu->cur)
		return;
	uc_context_save(uc, cpu->tb_ctx);
	cpu->tb_pc = (uint32_t)addr;
	cpu->tb_n = cpu->cur->n;
	cpu->nr_undo = 0;
	cpu->undo_lost = false;
}

void ucpu_write_hook(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
		     int64_t value, void *data)
{
	struct msim_ucpu *cpu = data;
	struct ucpu_undo *u;
	int i;

	(void)uc;
	(void)type;
	(void)value;
	if (cpu->in_kernel || !cpu->cur || size <= 0)
		return;
	if (cpu->nr_undo + (size_t)size > cpu->max_undo) {
		size_t max = 2 * cpu->max_undo + (size_t)size + 64;

		u = realloc(cpu->undo, max * sizeof(*u));
		if (!u) {
			cpu->undo_lost = true;
			return;
		}
		cpu->undo = u;
		cpu->max_undo = max;
	}
	/* Byte by byte: a store may cross into another page. */
	for (i = 0; i < size; i++) {
		u = &cpu->undo[cpu->nr_undo];
		u->host = ucpu_host_of(cpu, (uint32_t)addr + i);
		if (u->host) {
			u->old = *u->host;
			cpu->nr_undo++;
		}
	}
}

/*
 * Bring the CPU to an exact stop before the instruction at @pc, where a
 * hook or a fault stopped it in the middle of the translation block that
 * started at tb_pc: restore the block's starting context and the bytes
 * its stores overwrote (the stops are precise: the instruction at @pc
 * has not stored, or its stores were logged too), and run the block
 * again to @pc as the until address, without asking for interrupts.
 * The instruction count goes back to the block's start and the hooks
 * count the block's instructions again.
 */
int ucpu_replay_to(struct msim_ucpu *cpu, struct ucpu_run *run, uint32_t pc)
{
	enum ucpu_event ev = cpu->ev;
	uc_mem_type type = cpu->ev_type;
	uint32_t addr = cpu->ev_addr, stop;
	size_t i;
	uc_err e;

	run->n = cpu->tb_n;
	if (pc == cpu->tb_pc)
		return 0;
	if (cpu->undo_lost)
		return ucpu_fail(cpu, -ENOMEM, MSIM_UCPU_ERR_NOMEM,
				 "out of host memory");
	pthread_mutex_lock(&cpu->lock);
	uc_context_restore(cpu->kuc, cpu->tb_ctx);
	/* Bytes a faulting store never changed are left alone (zero page). */
	for (i = cpu->nr_undo; i-- > 0;)
		if (*cpu->undo[i].host != cpu->undo[i].old)
			*cpu->undo[i].host = cpu->undo[i].old;
	/*
	 * The until address is compiled into the blocks translated while it
	 * holds, and a new one retires only the blocks holding the old one:
	 * the block is translated again for the replay.
	 */
	uc_ctl_remove_cache(cpu->kuc, cpu->tb_pc, pc + 2);
	pthread_mutex_unlock(&cpu->lock);
	cpu->replaying = true;
	e = ucpu_emu(cpu, cpu->kuc, cpu->tb_pc, pc, cpu->insn_limit + 2);
	cpu->replaying = false;
	stop = ucpu_read_reg(cpu->kuc, UC_M68K_REG_PC);
	if (e != UC_ERR_OK || stop != pc || cpu->ev != EV_NONE)
		return ucpu_fail(
			cpu, -EILSEQ, MSIM_UCPU_ERR_INTERNAL,
			"replay of the block at %#x stopped at %#x, not "
			"%#x (%s)",
			cpu->tb_pc, stop, pc, uc_strerror(e));
	/* Exact now: back to the user engine. */
	pthread_mutex_lock(&cpu->lock);
	uc_context_save(cpu->kuc, cpu->xfer);
	uc_context_restore(cpu->uc, cpu->xfer);
	pthread_mutex_unlock(&cpu->lock);
	cpu->stats.replays++;
	cpu->ev = ev;
	cpu->ev_type = type;
	cpu->ev_addr = addr;
	return 0;
}

/*
 * Every replay translates its block again (the until address is compiled
 * into it), and Unicorn 2.0.1 keeps some memory for each translation until
 * the engine is closed: about 2.7 KB an interrupted fuzz case, over a
 * gigabyte in a long run.  So the kernel engine, where the replays run,
 * is replaced by a fresh one now and then, between outermost calls.
 */
#define KERNEL_ENGINE_REPLAYS 20000

void ucpu_kernel_engine_renew(struct msim_ucpu *cpu)
{
	uc_engine *kuc;

	if (cpu->stats.replays - cpu->replays_at_open < KERNEL_ENGINE_REPLAYS)
		return;
	pthread_mutex_lock(&cpu->lock);
	if (!ucpu_kernel_engine_open(cpu, &kuc)) {
		uc_close(cpu->kuc);
		cpu->kuc = kuc;
		cpu->replays_at_open = cpu->stats.replays;
		cpu->stats.kernel_engines++;
	}
	pthread_mutex_unlock(&cpu->lock);
}

static const uint8_t kccr[] = {
	/* KCCR: move.w %ccr,%d0; jmp KCCR_STOP (absolute long) */
	0x42, 0xc0, 0x4e, 0xf9, 0, 0, 0, 0,
};

/* The condition codes, by guest code: SR reads do not include them. */
int ucpu_read_ccr(struct msim_ucpu *cpu, uint16_t *ccr)
{
	int ret;

	ucpu_enter_kernel_engine(cpu);
	ret = ucpu_kernel_run(cpu, KCCR, KCCR_STOP);
	*ccr = ucpu_read_reg(cpu->kuc, UC_M68K_REG_D0) & SR_CCR;
	return ret;
}

/* The stub at KCCR that ucpu_read_ccr() runs. */
void ucpu_ccr_stub_install(struct msim_ucpu *cpu)
{
	memcpy(kaddr(cpu, KCCR), kccr, sizeof(kccr));
	put32(kaddr(cpu, KCCR + 4), KCCR_STOP);
	/* KCCR_STOP: illegal (ends the run), after one never run. */
	memcpy(kaddr(cpu, KCCR_STOP - 2), "\x4a\xfc\x4a\xfc", 4);
}
