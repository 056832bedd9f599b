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
 *  - A replay with the stop as the until address translates its block
 *    again (Unicorn drops the block holding the until address after
 *    every run), and Unicorn keeps memory for each translation until the
 *    engine is closed: the kernel engine is replaced now and then
 *    (ucpu_kernel_engine_renew()), and a PC replayed to often gets a
 *    replay engine that stops there on an illegal instruction instead,
 *    its blocks translated once.
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
 * Replay engines.  A replay with the until address at @pc translates the
 * block again every time (Unicorn drops it after the run, as it holds
 * the until address), which is most of what an interrupted case costs.
 * An engine of its own for a PC that is replayed to often stops there
 * differently: its copy of the code page holds an illegal instruction at
 * the PC, whose exception (update_cc_op, PC exact) ends the run, and the
 * run has no until address, so its blocks stay translated.  The other
 * pages are mapped into it on first use, from the CPU's TLB, and dropped
 * whenever the TLB changes.  It is used only where that is exact: the
 * block and the PC on one code page that is not writable (the copy is
 * compared with the page over the block's bytes before every run), and
 * a run that reads the two bytes at the PC as data, or stops anywhere
 * else, is done again the usual way.
 */

static void replay_code_hook(uc_engine *uc, uint64_t addr, uint32_t size,
			     void *data)
{
	struct msim_ucpu *cpu = data;

	(void)uc;
	(void)size;
	if (cpu->cur && (uint32_t)addr != cpu->replay_stop)
		cpu->cur->n++;
}

static bool replay_unmapped_hook(uc_engine *uc, uc_mem_type type, uint64_t addr,
				 int size, int64_t value, void *data)
{
	struct msim_ucpu *cpu = data;
	struct ucpu_replay_engine *e = cpu->rep_cur;
	uint32_t key = (uint32_t)addr / cpu->psize;
	struct ucpu_page *pg;

	(void)type;
	(void)size;
	(void)value;
	HASH_FIND(hh, cpu->pages, &key, sizeof(key), pg);
	if (!e || !pg || e->nr_pages == REPLAY_PAGES ||
	    key * cpu->psize == e->code_va ||
	    uc_mem_map_ptr(uc, key * cpu->psize, cpu->psize, pg->prot,
			   pg->host)) {
		cpu->rep_failed = true;
		return false;
	}
	e->page_va[e->nr_pages++] = key * cpu->psize;
	return true;
}

static bool replay_prot_hook(uc_engine *uc, uc_mem_type type, uint64_t addr,
			     int size, int64_t value, void *data)
{
	struct msim_ucpu *cpu = data;

	(void)uc;
	(void)type;
	(void)addr;
	(void)size;
	(void)value;
	cpu->rep_failed = true;
	return false;
}

/* A read of the bytes at the stop as data: they are not the code's. */
static void replay_read_hook(uc_engine *uc, uc_mem_type type, uint64_t addr,
			     int size, int64_t value, void *data)
{
	struct msim_ucpu *cpu = data;

	(void)uc;
	(void)type;
	(void)addr;
	(void)size;
	(void)value;
	cpu->rep_failed = true;
}

static void replay_intr_hook(uc_engine *uc, uint32_t intno, void *data)
{
	struct msim_ucpu *cpu = data;

	cpu->ev = EV_TRAP;
	cpu->ev_vector = intno;
	uc_emu_stop(uc);
}

/* Does the copy differ from the page @host but for the stop at @to? */
static bool copy_differs(const struct ucpu_replay_engine *e, const void *host,
			 uint32_t to, unsigned long psize)
{
	const unsigned char *h = host;

	return memcmp(e->code, h, to) ||
	       memcmp(e->code + to + 2, h + to + 2, psize - to - 2);
}

static void replay_engine_free(struct ucpu_replay_engine *e)
{
	if (e->uc)
		uc_close(e->uc);
	free(e->code);
	free(e);
}

void ucpu_replay_engines_free(struct msim_ucpu *cpu)
{
	unsigned int i;

	for (i = 0; i < cpu->nr_rep; i++)
		replay_engine_free(cpu->rep[i]);
	cpu->nr_rep = 0;
}

static struct ucpu_replay_engine *replay_engine_open(struct msim_ucpu *cpu,
						     uint32_t pc)
{
	struct ucpu_replay_engine *e = calloc(1, sizeof(*e));
	uint32_t sr = 0;
	uc_hook hook;

	if (!e)
		return NULL;
	e->pc = pc;
	e->code_va = 1; /* none: never a page address */
	e->code = aligned_alloc(4096, cpu->psize);
	if (!e->code || uc_open(UC_ARCH_M68K, UC_MODE_BIG_ENDIAN, &e->uc)) {
		e->uc = NULL;
		goto fail;
	}
	if (uc_ctl_set_cpu_model(e->uc, UC_CPU_M68K_CFV4E) ||
	    uc_hook_add(e->uc, &hook, UC_HOOK_CODE, replay_code_hook, cpu, 1,
			0) ||
	    uc_hook_add(e->uc, &hook, UC_HOOK_MEM_UNMAPPED,
			replay_unmapped_hook, cpu, 1, 0) ||
	    uc_hook_add(e->uc, &hook, UC_HOOK_MEM_PROT, replay_prot_hook, cpu,
			1, 0) ||
	    uc_hook_add(e->uc, &hook, UC_HOOK_MEM_READ, replay_read_hook, cpu,
			pc, pc + 1) ||
	    uc_hook_add(e->uc, &hook, UC_HOOK_INTR, replay_intr_hook, cpu, 1,
			0) ||
	    uc_reg_write(e->uc, UC_M68K_REG_SR, &sr))
		goto fail;
	cpu->stats.replay_engines++;
	return e;
fail:
	replay_engine_free(e);
	return NULL;
}

/* The engine that stops at @pc, made once @pc is replayed to often. */
static struct ucpu_replay_engine *replay_engine_get(struct msim_ucpu *cpu,
						    uint32_t pc)
{
	unsigned int i, slot = (pc >> 1) % REPLAY_HOT_SLOTS;
	struct ucpu_replay_engine *e;

	for (i = 0; i < cpu->nr_rep; i++)
		if (cpu->rep[i]->pc == pc)
			return cpu->rep[i];
	if (cpu->hot[slot].pc != pc) {
		cpu->hot[slot].pc = pc;
		cpu->hot[slot].count = 0;
	}
	if (++cpu->hot[slot].count < REPLAY_HOT ||
	    cpu->nr_rep == REPLAY_ENGINES)
		return NULL;
	e = replay_engine_open(cpu, pc);
	if (e)
		cpu->rep[cpu->nr_rep++] = e;
	return e;
}

/*
 * The replay to @pc on its engine, with @lock held and memory as at the
 * block's start.  Returns 0 with the exact context in the user engine,
 * or 1 when it cannot be done this way (memory may then hold the block's
 * stores again: the caller undoes them).
 */
static int replay_engine_run(struct msim_ucpu *cpu, struct ucpu_run *run,
			     uint32_t pc)
{
	uint32_t va = pc & ~(uint32_t)(cpu->psize - 1), key = va / cpu->psize;
	uint32_t from = cpu->tb_pc - va, to = pc - va;
	struct ucpu_replay_engine *e;
	struct ucpu_page *pg;
	unsigned int i;
	uc_err err;

	if ((cpu->tb_pc & ~(uint32_t)(cpu->psize - 1)) != va ||
	    to + 2 > cpu->psize)
		return 1;
	HASH_FIND(hh, cpu->pages, &key, sizeof(key), pg);
	if (!pg || (pg->prot & UC_PROT_WRITE))
		return 1;
	e = replay_engine_get(cpu, pc);
	if (!e)
		return 1;
	if (e->code_va != va) {
		/* Another page: its translations go while it is mapped. */
		if (e->code_va != 1) {
			uc_ctl_remove_cache(e->uc, e->code_va,
					    e->code_va + cpu->psize);
			uc_mem_unmap(e->uc, e->code_va, cpu->psize);
		}
		e->code_va = 1;
		if (uc_mem_map_ptr(e->uc, va, cpu->psize,
				   UC_PROT_READ | UC_PROT_EXEC, e->code))
			return 1;
		e->code_va = va;
		e->code_lo = from;
		memcpy(e->code, pg->host, cpu->psize);
		put16(e->code + to, 0x4afc);
	} else if (copy_differs(e, pg->host, to, cpu->psize)) {
		/*
		 * The page changed (the vDSO's data, the code): the copy
		 * follows, and what was translated from bytes that changed
		 * goes.
		 */
		if (from < e->code_lo)
			e->code_lo = from;
		if (memcmp(e->code + e->code_lo,
			   (unsigned char *)pg->host + e->code_lo,
			   to - e->code_lo)) {
			uc_ctl_remove_cache(e->uc, va, va + cpu->psize);
			e->code_lo = from;
		}
		memcpy(e->code, pg->host, cpu->psize);
		put16(e->code + to, 0x4afc);
	}
	if (from < e->code_lo)
		e->code_lo = from;
	if (e->gen != cpu->tlb_gen) {
		/* Data only: nothing was translated from them. */
		for (i = 0; i < e->nr_pages; i++)
			uc_mem_unmap(e->uc, e->page_va[i], cpu->psize);
		e->nr_pages = 0;
		e->gen = cpu->tlb_gen;
	}
	uc_context_restore(e->uc, cpu->tb_ctx);
	cpu->ev = EV_NONE;
	cpu->rep_cur = e;
	cpu->rep_failed = false;
	cpu->replay_stop = pc;
	run->n = cpu->tb_n;
	err = uc_emu_start(e->uc, cpu->tb_pc, 0, 0, (to - from) / 2 + 2);
	cpu->rep_cur = NULL;
	if (err != UC_ERR_OK || cpu->rep_failed || cpu->ev != EV_TRAP ||
	    cpu->ev_vector != 4 || ucpu_read_reg(e->uc, UC_M68K_REG_PC) != pc) {
		run->n = cpu->tb_n;
		return 1;
	}
	uc_context_save(e->uc, cpu->xfer);
	uc_context_restore(cpu->uc, cpu->xfer);
	e->runs++;
	cpu->stats.replays_cached++;
	return 0;
}

/*
 * Bring the CPU to an exact stop before the instruction at @pc, where a
 * hook or a fault stopped it in the middle of the translation block that
 * started at tb_pc: restore the block's starting context and the bytes
 * its stores overwrote (the stops are precise: the instruction at @pc
 * has not stored, or its stores were logged too), and run the block
 * again to @pc, without asking for interrupts: on the PC's replay engine
 * when it has one, else on the kernel engine with @pc as the until
 * address.  The instruction count goes back to the block's start and the
 * hooks count the block's instructions again.
 */
int ucpu_replay_to(struct msim_ucpu *cpu, struct ucpu_run *run, uint32_t pc)
{
	enum ucpu_event ev = cpu->ev;
	uc_mem_type type = cpu->ev_type;
	uint32_t addr = cpu->ev_addr, vector = cpu->ev_vector, stop;
	size_t i;
	uc_err e;
	int done;

	run->n = cpu->tb_n;
	if (pc == cpu->tb_pc)
		return 0;
	if (cpu->undo_lost)
		return ucpu_fail(cpu, -ENOMEM, MSIM_UCPU_ERR_NOMEM,
				 "out of host memory");
	pthread_mutex_lock(&cpu->lock);
	/* Bytes a faulting store never changed are left alone (zero page). */
	for (i = cpu->nr_undo; i-- > 0;)
		if (*cpu->undo[i].host != cpu->undo[i].old)
			*cpu->undo[i].host = cpu->undo[i].old;
	cpu->replaying = true;
	done = !replay_engine_run(cpu, run, pc);
	cpu->replaying = false;
	if (done) {
		pthread_mutex_unlock(&cpu->lock);
		goto exact;
	}
	/* It may have stored again before it gave up. */
	for (i = cpu->nr_undo; i-- > 0;)
		if (*cpu->undo[i].host != cpu->undo[i].old)
			*cpu->undo[i].host = cpu->undo[i].old;
	uc_context_restore(cpu->kuc, cpu->tb_ctx);
	/*
	 * The kernel engine maps the TLB's pages on first use, but code it
	 * translates must be there before (a fetch miss during translation
	 * does not resume where it should).
	 */
	ucpu_kuc_map_on_use(cpu, cpu->tb_pc);
	ucpu_kuc_map_on_use(cpu, pc);
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
exact:
	cpu->stats.replays++;
	cpu->ev = ev;
	cpu->ev_type = type;
	cpu->ev_addr = addr;
	cpu->ev_vector = vector;
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
