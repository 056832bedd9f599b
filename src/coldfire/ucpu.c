// SPDX-License-Identifier: MIT
/*
 * The Unicorn ColdFire CPU.  See include/mmsim/coldfire/ucpu.h for the model;
 * the notes here are about Unicorn 2.0.1 as Debian ships it, measured:
 *
 *  - uc_emu_start() with count 0 after one with count > 0 (or the other
 *    way round) flushes the translation cache, some 15 ms a time, so
 *    every run passes a count.
 *  - uc_emu_stop() from a UC_HOOK_CODE callback stops before the hooked
 *    instruction runs; a memory hook that returns false stops with the PC
 *    at the faulting instruction and no register written back (not even a
 *    post-increment), so both are precise restart points.  Nothing calls
 *    into the mm from inside a hook: the hooks record and stop, and faults
 *    and interrupts are handled between runs.
 *  - Reading SR gives no condition codes.  The entry stub reads them with
 *    move.w %ccr,%d0 in guest code.  Writing SR does set them, but also
 *    switches stack pointers, so %a7 is always written after SR.
 *  - rte is of no use: the return from an exception is done here, from
 *    the frame in guest memory.
 *  - The condition codes are lazy (QEMU's cc_op) and a stop in the middle
 *    of a translation block, by uc_emu_stop() in a hook or by a memory
 *    fault, leaves the CPU's cc_op as it was at the start of the block:
 *    resumed as is, a bne after an interrupted cmp goes the wrong way.
 *    Stops at the until address and at block starts are exact.  So a
 *    block hook saves the context at every block start (540 bytes) and a
 *    write hook logs what each store overwrites; an interrupt or fault in
 *    the middle of a block puts the context and memory back as they were
 *    at its start and runs the block again with until at the stopping
 *    instruction (see replay_to()), on the kernel engine so that the
 *    user engine's blocks are never translated for another until.
 *  - uc_mem_protect() costs 15-35 us, growing with use: the kernel area
 *    lives in a second engine (kuc) rather than being hidden from user
 *    code between kernel runs.  Both engines map the user pages.
 *  - Without a UC_HOOK_CODE hook the PC is not stored per instruction and
 *    a fault reports the start of the block: the code hook is always on.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicorn/unicorn.h>
#include <uthash.h>

#include <mmsim/mmsim.h>
#include <mmsim/coldfire/pt_regs.h>
#include <mmsim/coldfire/ucpu.h>
#include <mmsim/coldfire/vdso.h>

#include <mmsim/coldfire/m68k_rel.h>

/* The kernel area: text (stub and fixup), then one stack per depth. */
#define KBASE MSIM_UCPU_KERNEL_BASE
#define KTEXT_SIZE 0x10000U
#define THREAD_SIZE 0x2000U
#define KAREA_SIZE (KTEXT_SIZE + MSIM_UCPU_MAX_DEPTH * THREAD_SIZE)
#define KENTRY (KBASE + 0x00)
#define KENTRY_JSR (KBASE + 0x06)
#define KHALT (KBASE + 0x0c)
#define KCCR (KBASE + 0x20)
#define KCCR_END (KBASE + 0x22)
#define KFIXUP (KBASE + 0x100)
#define KSTACK_TOP(depth) (KBASE + KTEXT_SIZE + ((depth) + 1) * THREAD_SIZE)

/* The pc is the last member of pt_regs (see coldfire_pt_regs.h). */
#define PT_REGS_SIZE (PT_OFF_PC + 4)

#define SR_T 0x8000
#define SR_S 0x2000
#define SR_CCR 0x001f

/*
 * The ColdFire exception frame's first word: format 4 (the supervisor
 * stack was longword aligned), the fault status split around the vector.
 */
#define FORMATVEC(vec, fs)                                                     \
	((4 << 12) | (((fs) >> 2) & 3) << 10 | ((vec)&0xff) << 2 | ((fs)&3))
/* Fault status values of the V4e MMU. */
#define FS_IFETCH 0x4	 /* error on instruction fetch */
#define FS_ITLB_MISS 0x5 /* TLB miss on opword fetch */
#define FS_WRITE_PROT 0x9
#define FS_WTLB_MISS 0xa
#define FS_READ_PROT 0xd
#define FS_RTLB_MISS 0xe

/* Vectors of the trap instructions (asm/traps.h: VEC_SYS is trap #0). */
#define VEC_SYS 32
#define VEC_TRAP1 33
#define VEC_TRAP14 46
#define VEC_TRAP15 47

#define DEFAULT_INSN_LIMIT (1UL << 20)
#define KERNEL_INSN_LIMIT 65536

/* A page the emulator maps, and from which frame. */
struct ucpu_page {
	uint32_t vpn;
	unsigned long pfn;
	uint32_t prot;
	void *host;
	UT_hash_handle hh;
};

/* One msim_ucpu_call() in progress; nested ones link to the outer. */
struct ucpu_run {
	struct msim_ucpu_thread *t;
	const struct msim_ucpu_irq_ops *ops;
	void *arg;
	unsigned int depth;
	unsigned long n;
	unsigned long next_ask; /* the first n want_irq has not seen */
	bool in_handler;
	bool ctx_saved; /* @t->regs holds the context of a failed entry */
	struct ucpu_run *prev;
};

enum ucpu_event { EV_NONE, EV_IRQ, EV_LIMIT, EV_MEM, EV_TRAP };

/* A byte a store of the current translation block overwrote. */
struct ucpu_undo {
	unsigned char *host;
	unsigned char old;
};

struct msim_ucpu {
	struct mm_struct *mm;
	struct msim_machine *m;
	unsigned long psize;
	uc_engine *uc;	  /* user mode: user pages only */
	uc_engine *kuc;	  /* kernel mode: the same, and the kernel area */
	uc_context *xfer; /* moves a context from one to the other */
	unsigned char *kmem;
	uint32_t fixup_entry;
	unsigned long insn_limit;

	/*
	 * @lock serializes the engine and the page table below it between
	 * the thread running the CPU and notifier callbacks, which may come
	 * from any thread.  Order: the mm's locks, then @lock.
	 */
	pthread_mutex_t lock;
	struct ucpu_page *pages;
	unsigned long inval_seq;
	int inval_running;
	bool released;
	struct mmu_notifier mn;

	/* Owned by the thread running the CPU. */
	struct ucpu_run *cur;
	bool in_kernel;
	bool replaying;
	uc_context *tb_ctx; /* the context at the current block's start */
	unsigned long replays_at_open; /* of the kernel engine */
	uint32_t tb_pc;
	unsigned long tb_n;
	struct ucpu_undo *undo;
	size_t nr_undo, max_undo;
	bool undo_lost;
	enum ucpu_event ev;
	uc_mem_type ev_type;
	uint32_t ev_addr;
	uint32_t ev_vector; /* of an EV_TRAP */
	uint32_t fault_addr;
	struct msim_ucpu_stats stats;
	char err[192];
};

static _Thread_local char create_err[192];

static int fail(struct msim_ucpu *cpu, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cpu->err, sizeof(cpu->err), fmt, ap);
	va_end(ap);
	return err;
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static unsigned char *kaddr(struct msim_ucpu *cpu, uint32_t addr)
{
	return cpu->kmem + (addr - KBASE);
}

/* Registers, with @lock held. */

static const int reg_ids[17] = {
	UC_M68K_REG_D0, UC_M68K_REG_D1, UC_M68K_REG_D2, UC_M68K_REG_D3,
	UC_M68K_REG_D4, UC_M68K_REG_D5, UC_M68K_REG_D6, UC_M68K_REG_D7,
	UC_M68K_REG_A0, UC_M68K_REG_A1, UC_M68K_REG_A2, UC_M68K_REG_A3,
	UC_M68K_REG_A4, UC_M68K_REG_A5, UC_M68K_REG_A6, UC_M68K_REG_A7,
	UC_M68K_REG_PC,
};

static void read_regs(uc_engine *uc, struct msim_m68k_regs *r)
{
	uint32_t v[17];
	void *p[17];
	int i;

	for (i = 0; i < 17; i++)
		p[i] = &v[i];
	uc_reg_read_batch(uc, (int *)reg_ids, p, 17);
	memcpy(r->d, v, sizeof(r->d));
	memcpy(r->a, v + 8, sizeof(r->a));
	r->pc = v[16];
	r->sr = 0; /* the condition codes are not readable this way */
}

/* User mode: only the condition codes of @r->sr reach the CPU. */
static void write_regs(uc_engine *uc, const struct msim_m68k_regs *r)
{
	uint32_t v[17], sr = r->sr & SR_CCR;
	void *p[17];
	int i;

	memcpy(v, r->d, sizeof(r->d));
	memcpy(v + 8, r->a, sizeof(r->a));
	v[16] = r->pc;
	for (i = 0; i < 17; i++)
		p[i] = &v[i];
	uc_reg_write(uc, UC_M68K_REG_SR, &sr);
	uc_reg_write_batch(uc, (int *)reg_ids, p, 17);
}

static void write_reg(uc_engine *uc, int reg, uint32_t v)
{
	uc_reg_write(uc, reg, &v);
}

static uint32_t read_reg(uc_engine *uc, int reg)
{
	uint32_t v = 0;

	uc_reg_read(uc, reg, &v);
	return v;
}

/* The secondary page table, with @lock held. */

static void tlb_remove(struct msim_ucpu *cpu, struct ucpu_page *pg)
{
	uint32_t va = pg->vpn * cpu->psize;

	uc_mem_unmap(cpu->uc, va, cpu->psize);
	uc_mem_unmap(cpu->kuc, va, cpu->psize);
	/* Translations are keyed by host memory, which gets reused. */
	uc_ctl_remove_cache(cpu->uc, va, va + cpu->psize);
	uc_ctl_remove_cache(cpu->kuc, va, va + cpu->psize);
	HASH_DEL(cpu->pages, pg);
	free(pg);
	cpu->stats.tlb_flushes++;
}

static bool tlb_flush_range(struct msim_ucpu *cpu, unsigned long start,
			    unsigned long end)
{
	struct ucpu_page *pg, *tmp;
	unsigned long vpn, first, last;
	bool any = false;

	if (end > cpu->mm->task_size)
		end = cpu->mm->task_size;
	if (start >= end)
		return false;
	first = start / cpu->psize;
	last = (end - 1) / cpu->psize;
	if (last - first < HASH_COUNT(cpu->pages)) {
		for (vpn = first; vpn <= last; vpn++) {
			uint32_t key = vpn;

			HASH_FIND(hh, cpu->pages, &key, sizeof(key), pg);
			if (pg) {
				tlb_remove(cpu, pg);
				any = true;
			}
		}
		return any;
	}
	HASH_ITER(hh, cpu->pages, pg, tmp) {
		if (pg->vpn >= first && pg->vpn <= last) {
			tlb_remove(cpu, pg);
			any = true;
		}
	}
	return any;
}

static int tlb_insert(struct msim_ucpu *cpu, uint32_t va, unsigned long pfn,
		      uint32_t prot, void *host)
{
	uint32_t key = va / cpu->psize;
	struct ucpu_page *pg;

	HASH_FIND(hh, cpu->pages, &key, sizeof(key), pg);
	if (pg && pg->pfn == pfn) {
		if (pg->prot != prot &&
		    (uc_mem_protect(cpu->uc, va, cpu->psize, prot) ||
		     uc_mem_protect(cpu->kuc, va, cpu->psize, prot)))
			return -ENOMEM;
		pg->prot = prot;
		return 0;
	}
	if (pg)
		tlb_remove(cpu, pg);
	pg = calloc(1, sizeof(*pg));
	if (!pg)
		return -ENOMEM;
	if (uc_mem_map_ptr(cpu->uc, va, cpu->psize, prot, host)) {
		free(pg);
		return -ENOMEM;
	}
	if (uc_mem_map_ptr(cpu->kuc, va, cpu->psize, prot, host)) {
		uc_mem_unmap(cpu->uc, va, cpu->psize);
		free(pg);
		return -ENOMEM;
	}
	pg->vpn = key;
	pg->pfn = pfn;
	pg->prot = prot;
	pg->host = host;
	HASH_ADD(hh, cpu->pages, vpn, sizeof(pg->vpn), pg);
	cpu->stats.tlb_fills++;
	return 0;
}

/* The mmu notifier: the secondary MMU follows the primary. */

static struct msim_ucpu *mn_cpu(struct mmu_notifier *mn)
{
	return container_of(mn, struct msim_ucpu, mn);
}

static int ucpu_invalidate_range_start(struct mmu_notifier *mn,
				       const struct mmu_notifier_range *range)
{
	struct msim_ucpu *cpu = mn_cpu(mn);

	/*
	 * Every event drops the pages rather than downgrading them: a page
	 * that is still allowed comes back on the next TLB miss.
	 */
	pthread_mutex_lock(&cpu->lock);
	cpu->inval_running++;
	cpu->inval_seq++;
	tlb_flush_range(cpu, range->start, range->end);
	pthread_mutex_unlock(&cpu->lock);
	return 0;
}

static void ucpu_invalidate_range_end(struct mmu_notifier *mn,
				      const struct mmu_notifier_range *range)
{
	struct msim_ucpu *cpu = mn_cpu(mn);

	(void)range;
	pthread_mutex_lock(&cpu->lock);
	cpu->inval_running--;
	cpu->inval_seq++;
	pthread_mutex_unlock(&cpu->lock);
}

static void ucpu_invalidate_range(struct mmu_notifier *mn, struct mm_struct *mm,
				  unsigned long start, unsigned long end)
{
	struct msim_ucpu *cpu = mn_cpu(mn);

	(void)mm;
	pthread_mutex_lock(&cpu->lock);
	tlb_flush_range(cpu, start, end);
	pthread_mutex_unlock(&cpu->lock);
}

static void ucpu_change_pte(struct mmu_notifier *mn, struct mm_struct *mm,
			    unsigned long address, pte_t pte)
{
	struct msim_ucpu *cpu = mn_cpu(mn);

	(void)pte;
	ucpu_invalidate_range(mn, mm, address & ~(cpu->psize - 1),
			      (address & ~(cpu->psize - 1)) + cpu->psize);
}

/*
 * The emulator keeps no accessed bits: a mapped page counts as young, and
 * clearing youth unmaps it so that the next access is seen (by the TLB
 * miss, which marks the PTE young again).
 */
static int ucpu_clear_young(struct mmu_notifier *mn, struct mm_struct *mm,
			    unsigned long start, unsigned long end)
{
	struct msim_ucpu *cpu = mn_cpu(mn);
	bool young;

	(void)mm;
	pthread_mutex_lock(&cpu->lock);
	young = tlb_flush_range(cpu, start, end);
	pthread_mutex_unlock(&cpu->lock);
	return young;
}

static int ucpu_test_young(struct mmu_notifier *mn, struct mm_struct *mm,
			   unsigned long address)
{
	struct msim_ucpu *cpu = mn_cpu(mn);
	uint32_t key = address / cpu->psize;
	struct ucpu_page *pg;

	(void)mm;
	pthread_mutex_lock(&cpu->lock);
	HASH_FIND(hh, cpu->pages, &key, sizeof(key), pg);
	pthread_mutex_unlock(&cpu->lock);
	return pg != NULL;
}

static void ucpu_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct msim_ucpu *cpu = mn_cpu(mn);

	(void)mm;
	pthread_mutex_lock(&cpu->lock);
	tlb_flush_range(cpu, 0, cpu->mm->task_size);
	cpu->released = true;
	pthread_mutex_unlock(&cpu->lock);
}

static const struct mmu_notifier_ops ucpu_mn_ops = {
	.release = ucpu_release,
	.clear_flush_young = ucpu_clear_young,
	.clear_young = ucpu_clear_young,
	.test_young = ucpu_test_young,
	.change_pte = ucpu_change_pte,
	.invalidate_range_start = ucpu_invalidate_range_start,
	.invalidate_range_end = ucpu_invalidate_range_end,
	.invalidate_range = ucpu_invalidate_range,
};

/* Hooks: they record what happened and stop the run; nothing more. */

static void ucpu_code_hook(uc_engine *uc, uint64_t addr, uint32_t size,
			   void *data)
{
	struct msim_ucpu *cpu = data;
	struct ucpu_run *run = cpu->cur;

	(void)size;
	if (cpu->in_kernel || !run)
		return;
	if (cpu->replaying) {
		run->n++;
		return;
	}
	/* Each boundary once: not again after an interrupt or a restart. */
	if (run->n >= run->next_ask) {
		run->next_ask = run->n + 1;
		if (run->ops && run->ops->want_irq &&
		    run->ops->want_irq(run->arg, cpu, run->t, (uint32_t)addr,
				       run->n, run->depth)) {
			cpu->ev = EV_IRQ;
			uc_emu_stop(uc);
			return;
		}
	}
	if (run->n >= cpu->insn_limit) {
		cpu->ev = EV_LIMIT;
		uc_emu_stop(uc);
		return;
	}
	run->n++;
}

static void ucpu_block_hook(uc_engine *uc, uint64_t addr, uint32_t size,
			    void *data)
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

static unsigned char *host_of(struct msim_ucpu *cpu, uint32_t addr)
{
	uint32_t key = addr / cpu->psize;
	struct ucpu_page *pg;

	HASH_FIND(hh, cpu->pages, &key, sizeof(key), pg);
	if (!pg)
		return NULL;
	return (unsigned char *)page_address(pfn_to_page(cpu->m, pg->pfn)) +
	       (addr & (cpu->psize - 1));
}

static void ucpu_write_hook(uc_engine *uc, uc_mem_type type, uint64_t addr,
			    int size, int64_t value, void *data)
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
		u->host = host_of(cpu, (uint32_t)addr + i);
		if (u->host) {
			u->old = *u->host;
			cpu->nr_undo++;
		}
	}
}

static bool ucpu_mem_hook(uc_engine *uc, uc_mem_type type, uint64_t addr,
			  int size, int64_t value, void *data)
{
	struct msim_ucpu *cpu = data;

	(void)uc;
	(void)size;
	(void)value;
	cpu->ev = EV_MEM;
	cpu->ev_type = type;
	cpu->ev_addr = (uint32_t)addr;
	return false;
}

static bool is_fetch(uc_mem_type type)
{
	return type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT;
}

static enum msim_access access_of(uc_mem_type type)
{
	switch (type) {
	case UC_MEM_WRITE_UNMAPPED:
	case UC_MEM_WRITE_PROT:
		return MSIM_ACCESS_WRITE;
	case UC_MEM_FETCH_UNMAPPED:
	case UC_MEM_FETCH_PROT:
		return MSIM_ACCESS_EXEC;
	default:
		return MSIM_ACCESS_READ;
	}
}

static unsigned int fault_status(uc_mem_type type)
{
	switch (type) {
	case UC_MEM_WRITE_UNMAPPED:
		return FS_WTLB_MISS;
	case UC_MEM_WRITE_PROT:
		return FS_WRITE_PROT;
	case UC_MEM_FETCH_UNMAPPED:
		return FS_ITLB_MISS;
	case UC_MEM_FETCH_PROT:
		return FS_IFETCH;
	case UC_MEM_READ_PROT:
		return FS_READ_PROT;
	default:
		return FS_RTLB_MISS;
	}
}

static const char *access_name(enum msim_access a)
{
	return a == MSIM_ACCESS_WRITE  ? "write"
	       : a == MSIM_ACCESS_EXEC ? "fetch"
				       : "read";
}

/* One bounded run, with @lock held around the engine. */
/*
 * An exception the instruction itself raises (trap #n, an illegal
 * instruction, a division by zero): Unicorn calls this instead of taking
 * it, with the PC already where the exception frame would point.  The
 * state is exact: the translator syncs the condition codes before it
 * raises an exception.
 */
static void ucpu_intr_hook(uc_engine *uc, uint32_t intno, void *data)
{
	struct msim_ucpu *cpu = data;

	if (cpu->in_kernel || !cpu->cur)
		return;
	cpu->ev = EV_TRAP;
	cpu->ev_vector = intno;
	uc_emu_stop(uc);
}

static uc_err emu(struct msim_ucpu *cpu, uc_engine *uc, uint32_t pc,
		  uint32_t until, uint64_t count)
{
	uc_err e;

	pthread_mutex_lock(&cpu->lock);
	cpu->ev = EV_NONE;
	e = uc_emu_start(uc, pc, until, 0, count);
	pthread_mutex_unlock(&cpu->lock);
	return e;
}

/*
 * The TLB miss handler: load the emulator's mapping of @addr from the PTE
 * if the PTE allows @access, marking it young (and dirty for a write) as
 * ColdFire's miss handler does.  Return: 0, 1 if the PTE does not allow
 * the access, -EAGAIN if an invalidation is running, -ENOMEM.
 */
static int tlb_fill(struct msim_ucpu *cpu, uint32_t addr,
		    enum msim_access access)
{
	struct mm_struct *mm = cpu->mm;
	const struct msim_arch *a = mm->arch;
	bool write = access == MSIM_ACCESS_WRITE;
	uint32_t va = addr & ~(cpu->psize - 1), prot = 0;
	pte_t *ptep, pte;
	int ret = 1;

	spin_lock(&mm->page_table_lock);
	ptep = msim_pte_offset(mm, va);
	if (!ptep ||
	    !msim_pte_allows(a, *ptep, write, access == MSIM_ACCESS_EXEC))
		goto out;
	pte = *ptep;
	if (msim_pte_allows(a, pte, false, false))
		prot |= UC_PROT_READ;
	if (msim_pte_allows(a, pte, false, true))
		prot |= UC_PROT_EXEC;
	if (write || (pte_write(a, pte) && pte_dirty(a, pte)))
		prot |= UC_PROT_WRITE;
	pthread_mutex_lock(&cpu->lock);
	if (cpu->inval_running || cpu->released) {
		ret = cpu->released ? 1 : -EAGAIN;
	} else {
		pte = pte_mkyoung(a, pte);
		if (write)
			pte = pte_mkdirty(a, pte);
		*ptep = pte;
		ret = tlb_insert(cpu, va, pte_pfn(a, pte), prot,
				 page_address(pfn_to_page(mm->machine,
							  pte_pfn(a, pte))));
	}
	pthread_mutex_unlock(&cpu->lock);
out:
	spin_unlock(&mm->page_table_lock);
	return ret;
}

/* How many invalidations have started or ended so far. */
static unsigned long inval_seq(struct msim_ucpu *cpu)
{
	unsigned long seq;

	pthread_mutex_lock(&cpu->lock);
	seq = cpu->inval_seq;
	pthread_mutex_unlock(&cpu->lock);
	return seq;
}

/* The rest of the access-error path: TLB load, else do_page_fault(). */
static int resolve_fault(struct msim_ucpu *cpu, uint32_t addr,
			 enum msim_access access)
{
	int tries = 0, faults = 0, ret;
	unsigned long seq, last_seq = inval_seq(cpu), rounds = 0;
	vm_fault_t vf;

	cpu->fault_addr = addr;
	if (addr >= cpu->mm->task_size)
		return fail(cpu, -EFAULT,
			    "SIGSEGV: user %s of kernel address "
			    "%#x",
			    access_name(access), addr);
	for (;;) {
		/*
		 * The bounds below only stop a model bug from spinning: while
		 * invalidations come and go, another thread is making
		 * progress (zapping what was just faulted in, say), and the
		 * retries start over, as a real CPU would retry for good; a
		 * fault whose own invalidations keep it going is stopped by
		 * the bound on rounds.
		 */
		if (++rounds > 1000000)
			return fail(cpu, -EFAULT, "fault at %#x never resolves",
				    addr);
		seq = inval_seq(cpu);
		if (seq != last_seq) {
			last_seq = seq;
			tries = 0;
			faults = 0;
		}
		ret = tlb_fill(cpu, addr, access);
		if (ret <= 0 && ret != -EAGAIN)
			return ret ? fail(cpu, ret, "out of host memory") : 0;
		if (ret == -EAGAIN) {
			/* Another thread is between start and end. */
			if (++tries > 100000)
				return fail(cpu, -EFAULT,
					    "invalidation of %#x "
					    "never ends",
					    addr);
			sched_yield();
			continue;
		}
		/* A fault that succeeded lets the next fill pass. */
		if (faults++ == 4)
			return fail(cpu, -EFAULT, "fault at %#x does not stick",
				    addr);
		vf = msim_handle_user_fault(cpu->mm, addr, access);
		cpu->stats.page_faults++;
		if (vf & VM_FAULT_OOM)
			return fail(cpu, -ENOMEM, "out of memory at %#x", addr);
		if (vf & VM_FAULT_ERROR)
			return fail(cpu, -EFAULT, "SIGSEGV: %s at %#x",
				    access_name(access), addr);
	}
}

/* The user engine's context, stopped exactly, into the kernel engine. */
static void enter_kernel_engine(struct msim_ucpu *cpu)
{
	pthread_mutex_lock(&cpu->lock);
	uc_context_save(cpu->uc, cpu->xfer);
	uc_context_restore(cpu->kuc, cpu->xfer);
	pthread_mutex_unlock(&cpu->lock);
}

/*
 * Kernel code (stub, fixup) on the kernel engine from @start until it
 * reaches @until.  It may touch user memory; a miss there is filled
 * without a nested entry, and anything the mm cannot resolve is an oops.
 * Kernel code is not replayed: after such a miss in the middle of a
 * block the condition codes may be stale (see the notes at the top).
 */
static int kernel_run(struct msim_ucpu *cpu, uint32_t start, uint32_t until)
{
	uint32_t pc = start;
	int ret = 0, faults = 0;
	uc_err e;

	cpu->in_kernel = true;
	for (;;) {
		e = emu(cpu, cpu->kuc, pc, until, KERNEL_INSN_LIMIT);
		pc = read_reg(cpu->kuc, UC_M68K_REG_PC);
		if (e == UC_ERR_OK) {
			if (pc != until)
				ret = fail(cpu, -ELOOP,
					   "fixup ran more than %d "
					   "instructions (pc %#x)",
					   KERNEL_INSN_LIMIT, pc);
			break;
		}
		if (cpu->ev == EV_MEM && faults++ < 64) {
			ret = resolve_fault(cpu, cpu->ev_addr,
					    access_of(cpu->ev_type));
			if (!ret)
				continue;
			ret = fail(cpu, -EFAULT,
				   "oops: kernel %s of %#x at pc %#x",
				   access_name(access_of(cpu->ev_type)),
				   cpu->ev_addr, pc);
			break;
		}
		ret = fail(cpu, -EILSEQ, "oops: kernel exception at pc %#x: %s",
			   pc, uc_strerror(e));
		break;
	}
	cpu->in_kernel = false;
	return ret;
}

/*
 * Exception entry from user mode at @ctx->pc: the hardware part (frame
 * word, SR, PC on the supervisor stack), SAVE_ALL_INT's part of pt_regs,
 * and the stub, which stores the condition codes into the frame's SR (the
 * CPU still holds the user's) and calls the fixup.
 */
static int kernel_entry(struct msim_ucpu *cpu, unsigned int depth,
			const struct msim_m68k_regs *ctx, uint16_t formatvec)
{
	uint32_t frame = KSTACK_TOP(depth) - PT_REGS_SIZE;
	unsigned char *f = kaddr(cpu, frame);
	int i, ret;

	for (i = 0; i < 5; i++)
		put32(f + PT_OFF_D1 + 4 * i, ctx->d[1 + i]);
	for (i = 0; i < 3; i++)
		put32(f + PT_OFF_A0 + 4 * i, ctx->a[i]);
	put32(f + PT_OFF_D0, ctx->d[0]);
	put32(f + PT_OFF_ORIG_D0, 0xffffffff);
	put32(f + PT_OFF_STKADJ, 0);
	put16(f + PT_OFF_FORMATVEC, formatvec);
	put16(f + PT_OFF_SR, 0); /* user mode; the stub adds the CCR */
	put32(f + PT_OFF_PC, ctx->pc);
	enter_kernel_engine(cpu);
	pthread_mutex_lock(&cpu->lock);
	write_reg(cpu->kuc, UC_M68K_REG_A7, frame);
	pthread_mutex_unlock(&cpu->lock);
	ret = kernel_run(cpu, KENTRY, KHALT);
	if (!ret && get32(f + PT_OFF_PC) != ctx->pc)
		cpu->stats.fixup_rewinds++;
	return ret;
}

/*
 * The context the return from the exception will resume: what pt_regs
 * holds comes from the frame (the fixup may have changed it), the rest
 * from @ctx.  Returns the frame word.
 */
static uint16_t frame_view(struct msim_ucpu *cpu, unsigned int depth,
			   const struct msim_m68k_regs *ctx,
			   struct msim_m68k_regs *r)
{
	const unsigned char *f = kaddr(cpu, KSTACK_TOP(depth) - PT_REGS_SIZE);
	int i;

	*r = *ctx;
	for (i = 0; i < 5; i++)
		r->d[1 + i] = get32(f + PT_OFF_D1 + 4 * i);
	for (i = 0; i < 3; i++)
		r->a[i] = get32(f + PT_OFF_A0 + 4 * i);
	r->d[0] = get32(f + PT_OFF_D0);
	r->sr = get16(f + PT_OFF_SR);
	r->pc = get32(f + PT_OFF_PC);
	return get16(f + PT_OFF_FORMATVEC);
}

/* rte, done here: only a frame that returns to user mode can be followed. */
static int kernel_exit(struct msim_ucpu *cpu, unsigned int depth,
		       const struct msim_m68k_regs *ctx)
{
	struct msim_m68k_regs r;
	uint16_t fv = frame_view(cpu, depth, ctx, &r);

	if ((fv >> 12) < 4 || (fv >> 12) > 7)
		return fail(cpu, -EFAULT,
			    "rte: format error (frame word "
			    "%#06x)",
			    fv);
	/*
	 * Only the condition codes can differ from the user SR the entry
	 * saved: S, T, M or an interrupt mask would need a CPU state the
	 * model does not keep, so a fixup that sets them is refused rather
	 * than silently undone.
	 */
	if (r.sr & ~SR_CCR)
		return fail(cpu, -EFAULT,
			    "rte: SR %#06x does not return to user mode "
			    "untraced with interrupts enabled",
			    r.sr);
	pthread_mutex_lock(&cpu->lock);
	write_regs(cpu->uc, &r);
	pthread_mutex_unlock(&cpu->lock);
	return 0;
}

static void get_context(struct msim_ucpu *cpu, struct msim_m68k_regs *r)
{
	pthread_mutex_lock(&cpu->lock);
	read_regs(cpu->uc, r);
	pthread_mutex_unlock(&cpu->lock);
}

static int deliver_irq(struct msim_ucpu *cpu, struct ucpu_run *run, uint32_t pc)
{
	struct msim_m68k_regs ctx;
	uint32_t resume;
	int ret;

	get_context(cpu, &ctx);
	ctx.pc = pc;
	run->t->regs = ctx;
	run->ctx_saved = true;
	ret = kernel_entry(cpu, run->depth, &ctx,
			   FORMATVEC(MSIM_UCPU_IRQ_VECTOR, 0));
	if (ret)
		return ret;
	cpu->stats.irqs++;
	/* While interrupted, the thread's context is the frame's view. */
	frame_view(cpu, run->depth, &ctx, &run->t->regs);
	resume = run->t->regs.pc;
	if (run->ops->handler) {
		run->in_handler = true;
		run->ops->handler(run->arg, cpu, run->t, pc, resume,
				  run->depth);
		run->in_handler = false;
	}
	ret = kernel_exit(cpu, run->depth, &ctx);
	run->ctx_saved = ret != 0;
	return ret;
}

/*
 * A TLB miss or protection fault of user code: the access-error entry
 * (frame, fixup), then the miss handler or the fault handler, then the
 * return from the exception, which restarts the instruction unless the
 * fixup moved the PC.
 */
static int access_error(struct msim_ucpu *cpu, struct ucpu_run *run,
			uint32_t pc, uc_mem_type type, uint32_t addr)
{
	enum msim_access access = access_of(type);
	struct msim_m68k_regs ctx;
	int ret;

	get_context(cpu, &ctx);
	ctx.pc = pc;
	run->t->regs = ctx;
	run->ctx_saved = true;
	cpu->stats.access_errors++;
	ret = kernel_entry(
		cpu, run->depth, &ctx,
		FORMATVEC(MSIM_UCPU_ACCESS_VECTOR, fault_status(type)));
	if (ret)
		return ret;
	frame_view(cpu, run->depth, &ctx, &run->t->regs);
	ret = resolve_fault(cpu, addr, access);
	if (ret)
		return ret;
	ret = kernel_exit(cpu, run->depth, &ctx);
	run->ctx_saved = ret != 0;
	return ret;
}

/*
 * An exception raised by the instruction before @pc.  trap #0 is the
 * system call, whose entry (SAVE_ALL_SYS) the seed leaves alone: the call
 * is not modelled and returns -ENOSYS in %d0.  Every other vector goes
 * through the kernel's trap entry, which in the seed calls the fixup
 * after SAVE_ALL_INT, and then trap_c(), which signals the thread: the
 * call ends there, the thread's context being the frame's (with the PC
 * the fixup left).
 */
static int trap_entry(struct msim_ucpu *cpu, struct ucpu_run *run, uint32_t pc,
		      uint32_t vector)
{
	struct msim_m68k_regs ctx;
	int ret;

	get_context(cpu, &ctx);
	/*
	 * Unicorn stops at the trap instruction itself; the frame of a trap
	 * holds the address of the next one, trap being a one-word
	 * instruction.
	 */
	ctx.pc = vector >= VEC_SYS && vector <= VEC_TRAP15 ? pc + 2 : pc;
	run->t->regs = ctx;
	run->ctx_saved = true;
	if (vector == VEC_SYS) {
		cpu->stats.syscalls++;
		ctx.d[0] = (uint32_t)-ENOSYS;
		pthread_mutex_lock(&cpu->lock);
		write_reg(cpu->uc, UC_M68K_REG_D0, ctx.d[0]);
		write_reg(cpu->uc, UC_M68K_REG_PC, ctx.pc);
		pthread_mutex_unlock(&cpu->lock);
		run->ctx_saved = false;
		return 0;
	}
	cpu->stats.traps++;
	ret = kernel_entry(cpu, run->depth, &ctx, FORMATVEC(vector, 0));
	if (ret)
		return ret;
	frame_view(cpu, run->depth, &ctx, &run->t->regs);
	return fail(cpu, -EILSEQ, "%s: vector %u at pc %#x, resumes at %#x",
		    vector >= VEC_TRAP1 && vector <= VEC_TRAP14 ? "SIGILL"
		    : vector == VEC_TRAP15			? "SIGTRAP"
								: "signal",
		    vector, pc, run->t->regs.pc);
}

/* The condition codes, by guest code: SR reads do not include them. */
static int read_ccr(struct msim_ucpu *cpu, uint16_t *ccr)
{
	int ret;

	enter_kernel_engine(cpu);
	ret = kernel_run(cpu, KCCR, KCCR_END);
	*ccr = read_reg(cpu->kuc, UC_M68K_REG_D0) & SR_CCR;
	return ret;
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
static int replay_to(struct msim_ucpu *cpu, struct ucpu_run *run, uint32_t pc)
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
		return fail(cpu, -ENOMEM, "out of host memory");
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
	e = emu(cpu, cpu->kuc, cpu->tb_pc, pc, cpu->insn_limit + 2);
	cpu->replaying = false;
	stop = read_reg(cpu->kuc, UC_M68K_REG_PC);
	if (e != UC_ERR_OK || stop != pc || cpu->ev != EV_NONE)
		return fail(cpu, -EILSEQ,
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

static int run_user(struct msim_ucpu *cpu, struct ucpu_run *run, uint32_t pc)
{
	unsigned long n0;
	uc_err e;
	int ret;

	for (;;) {
		n0 = run->n;
		/* The hook enforces the limit; the count only has to be > 0. */
		e = emu(cpu, cpu->uc, pc, MSIM_UCPU_RETURN_ADDR,
			cpu->insn_limit - run->n + 2);
		pc = read_reg(cpu->uc, UC_M68K_REG_PC);
		if (e == UC_ERR_OK && cpu->ev == EV_NONE &&
		    pc == MSIM_UCPU_RETURN_ADDR) {
			cpu->stats.insns += run->n - n0;
			return 0;
		}
		if (e == UC_ERR_OK && cpu->ev == EV_TRAP) {
			cpu->stats.insns += run->n - n0;
			ret = trap_entry(cpu, run, pc, cpu->ev_vector);
			if (ret)
				return ret;
			pc = read_reg(cpu->uc, UC_M68K_REG_PC);
			continue;
		}
		if (e == UC_ERR_OK && cpu->ev != EV_IRQ) {
			cpu->stats.insns += run->n - n0;
			return fail(cpu, -ELOOP,
				    "ran more than %lu instructions (pc %#x)",
				    cpu->insn_limit, pc);
		}
		if (e != UC_ERR_OK && cpu->ev != EV_MEM) {
			cpu->stats.insns += run->n - n0;
			return fail(cpu, -EILSEQ, "exception at pc %#x: %s", pc,
				    uc_strerror(e));
		}
		/*
		 * An instruction fetch faults where a block would start,
		 * so the stop is exact and the hook has not counted it.
		 */
		if (cpu->ev == EV_IRQ || !is_fetch(cpu->ev_type)) {
			ret = replay_to(cpu, run, pc);
			if (ret)
				return ret;
		}
		cpu->stats.insns += run->n - n0;
		if (cpu->ev == EV_IRQ)
			ret = deliver_irq(cpu, run, pc);
		else
			ret = access_error(cpu, run, pc, cpu->ev_type,
					   cpu->ev_addr);
		if (ret)
			return ret;
		pc = read_reg(cpu->uc, UC_M68K_REG_PC);
	}
}

/*
 * The kernel engine: the kernel area, the user pages the user engine maps,
 * and the hooks.  In user mode from the start, so that SR writes never
 * switch stacks.
 */
static int kernel_engine_open(struct msim_ucpu *cpu, uc_engine **out)
{
	struct ucpu_page *pg, *tmp;
	uint32_t sr = 0;
	uc_engine *kuc;
	uc_hook hook;

	if (uc_open(UC_ARCH_M68K, UC_MODE_BIG_ENDIAN, &kuc))
		return -ENOMEM;
	if (uc_ctl_set_cpu_model(kuc, UC_CPU_M68K_CFV4E) ||
	    uc_mem_map_ptr(kuc, KBASE, KAREA_SIZE, UC_PROT_ALL, cpu->kmem) ||
	    uc_hook_add(kuc, &hook, UC_HOOK_CODE, ucpu_code_hook, cpu, 1, 0) ||
	    uc_hook_add(kuc, &hook, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT,
			ucpu_mem_hook, cpu, 1, 0) ||
	    uc_reg_write(kuc, UC_M68K_REG_SR, &sr))
		goto fail;
	HASH_ITER(hh, cpu->pages, pg, tmp) {
		if (uc_mem_map_ptr(kuc, pg->vpn * cpu->psize, cpu->psize,
				   pg->prot, pg->host))
			goto fail;
	}
	*out = kuc;
	return 0;
fail:
	uc_close(kuc);
	return -ENOMEM;
}

/*
 * Every replay translates its block again (the until address is compiled
 * into it), and Unicorn 2.0.1 keeps some memory for each translation until
 * the engine is closed: about 2.7 KB an interrupted fuzz case, over a
 * gigabyte in a long run.  So the kernel engine, where the replays run,
 * is replaced by a fresh one now and then, between outermost calls.
 */
#define KERNEL_ENGINE_REPLAYS 20000

static void kernel_engine_renew(struct msim_ucpu *cpu)
{
	uc_engine *kuc;

	if (cpu->stats.replays - cpu->replays_at_open < KERNEL_ENGINE_REPLAYS)
		return;
	pthread_mutex_lock(&cpu->lock);
	if (!kernel_engine_open(cpu, &kuc)) {
		uc_close(cpu->kuc);
		cpu->kuc = kuc;
		cpu->replays_at_open = cpu->stats.replays;
		cpu->stats.kernel_engines++;
	}
	pthread_mutex_unlock(&cpu->lock);
}

int msim_ucpu_call(struct msim_ucpu *cpu, struct msim_ucpu_thread *t,
		   uint32_t entry, const struct msim_ucpu_irq_ops *ops,
		   void *arg, unsigned int depth)
{
	struct ucpu_run run = {
		.t = t,
		.ops = ops,
		.arg = arg,
		.depth = depth,
	};
	struct msim_m68k_regs r;
	unsigned char ret_addr[4];
	struct ucpu_run *p;
	uint16_t ccr;
	uint32_t sp;
	int ret;

	if (!cpu || !t)
		return -EINVAL;
	run.prev = cpu->cur;
	if (run.prev && !run.prev->in_handler)
		return fail(cpu, -EINVAL, "nested call outside a handler");
	if (depth != (run.prev ? run.prev->depth + 1 : 0) ||
	    depth >= MSIM_UCPU_MAX_DEPTH)
		return fail(cpu, -EINVAL, "depth %u, expected %u", depth,
			    run.prev ? run.prev->depth + 1 : 0);
	for (p = run.prev; p; p = p->prev)
		if (p->t == t)
			return fail(cpu, -EINVAL,
				    "thread %d is already on the "
				    "CPU",
				    t->id);
	if ((entry & 1) || entry >= cpu->mm->task_size)
		return fail(cpu, -EINVAL, "entry point %#x", entry);
	if (!run.prev)
		kernel_engine_renew(cpu);

	/* The return address, pushed as the caller's jsr would. */
	sp = t->regs.a[7] - 4;
	put32(ret_addr, MSIM_UCPU_RETURN_ADDR);
	ret = msim_user_write(cpu->mm, sp, ret_addr, 4);
	if (ret) {
		cpu->fault_addr = sp;
		return fail(cpu, ret, "cannot push the return address at %#x",
			    sp);
	}
	cpu->stats.calls++;
	cpu->cur = &run;
	/* The switch to @t, as resume: does it. */
	msim_vdso_set_tp(cpu->m, t->tp);
	r = t->regs;
	r.a[7] = sp;
	r.pc = entry;
	pthread_mutex_lock(&cpu->lock);
	write_regs(cpu->uc, &r);
	pthread_mutex_unlock(&cpu->lock);

	ret = run_user(cpu, &run, entry);
	if (!ret)
		ret = read_ccr(cpu, &ccr);
	if (!ret) {
		get_context(cpu, &t->regs);
		t->regs.pc = MSIM_UCPU_RETURN_ADDR;
		t->regs.sr = ccr;
	} else if (!run.ctx_saved) {
		get_context(cpu, &t->regs);
	}
	cpu->cur = run.prev;
	if (run.prev)
		msim_vdso_set_tp(cpu->m, run.prev->t->tp);
	return ret;
}

static const uint8_t kstub[] = {
	/* KENTRY: move.w %ccr,%d0; move.b %d0,PT_OFF_SR+1(%sp) */
	0x42,
	0xc0,
	0x1f,
	0x40,
	0x00,
	PT_OFF_SR + 1,
	/* KENTRY_JSR: jsr check_vdso_atomic_cmpxchg_32 (absolute long) */
	0x4e,
	0xb9,
	0,
	0,
	0,
	0,
	/* KHALT: never run (the stop address); illegal */
	0x4a,
	0xfc,
};

static const uint8_t kccr[] = {
	/* KCCR: move.w %ccr,%d0; KCCR_END: illegal */
	0x42,
	0xc0,
	0x4a,
	0xfc,
};

static struct msim_ucpu *create_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(create_err, sizeof(create_err), fmt, ap);
	va_end(ap);
	return ERR_PTR(err);
}

static void ucpu_free(struct msim_ucpu *cpu)
{
	struct ucpu_page *pg, *tmp;

	HASH_ITER(hh, cpu->pages, pg, tmp) {
		HASH_DEL(cpu->pages, pg);
		free(pg);
	}
	if (cpu->tb_ctx)
		uc_context_free(cpu->tb_ctx);
	if (cpu->xfer)
		uc_context_free(cpu->xfer);
	if (cpu->uc)
		uc_close(cpu->uc);
	if (cpu->kuc)
		uc_close(cpu->kuc);
	free(cpu->undo);
	free(cpu->kmem);
	pthread_mutex_destroy(&cpu->lock);
	msim_kfree(cpu->m, MSIM_ALLOC_OTHER, cpu);
}

struct msim_ucpu *msim_ucpu_create(struct mm_struct *mm, const void *fixup,
				   size_t fixup_len)
{
	struct msim_ucpu *cpu;
	uc_hook hook;
	char why[160];
	uint32_t sr = 0;
	int ret;

	create_err[0] = 0;
	if (!mm || strcmp(mm->arch->name, "coldfire"))
		return create_fail(-EINVAL, "not a coldfire mm");
	if (!mm->context.vdso)
		return create_fail(-EINVAL, "the mm has no vDSO");
	if (!fixup)
		fixup = msim_vdso_seed_fixup(&fixup_len);
	cpu = msim_kzalloc(mm->machine, MSIM_ALLOC_OTHER, sizeof(*cpu));
	if (!cpu)
		return create_fail(-ENOMEM, "out of memory");
	cpu->mm = mm;
	cpu->m = mm->machine;
	cpu->psize = mm_page_size(mm);
	cpu->insn_limit = DEFAULT_INSN_LIMIT;
	pthread_mutex_init(&cpu->lock, NULL);
	cpu->kmem = aligned_alloc(cpu->psize, KAREA_SIZE);
	if (!cpu->kmem) {
		ucpu_free(cpu);
		return create_fail(-ENOMEM, "out of memory");
	}
	memset(cpu->kmem, 0, KAREA_SIZE);
	memcpy(kaddr(cpu, KENTRY), kstub, sizeof(kstub));
	memcpy(kaddr(cpu, KCCR), kccr, sizeof(kccr));
	ret = msim_m68k_rel_load(fixup, fixup_len,
				 "check_vdso_atomic_cmpxchg_32",
				 kaddr(cpu, KFIXUP), KFIXUP, KTEXT_SIZE - 0x100,
				 &cpu->fixup_entry, why, sizeof(why));
	if (ret) {
		ucpu_free(cpu);
		return create_fail(ret, "fixup: %s",
				   ret == -ENOMEM ? "out of memory" : why);
	}
	put32(kaddr(cpu, KENTRY_JSR + 2), cpu->fixup_entry);

	if (uc_open(UC_ARCH_M68K, UC_MODE_BIG_ENDIAN, &cpu->uc) ||
	    kernel_engine_open(cpu, &cpu->kuc) ||
	    uc_ctl_set_cpu_model(cpu->uc, UC_CPU_M68K_CFV4E) ||
	    uc_context_alloc(cpu->uc, &cpu->tb_ctx) ||
	    uc_context_alloc(cpu->uc, &cpu->xfer) ||
	    uc_hook_add(cpu->uc, &hook, UC_HOOK_CODE, ucpu_code_hook, cpu, 1,
			0) ||
	    uc_hook_add(cpu->uc, &hook, UC_HOOK_BLOCK, ucpu_block_hook, cpu, 1,
			0) ||
	    uc_hook_add(cpu->uc, &hook, UC_HOOK_MEM_WRITE, ucpu_write_hook, cpu,
			1, 0) ||
	    uc_hook_add(cpu->uc, &hook, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT,
			ucpu_mem_hook, cpu, 1, 0) ||
	    uc_hook_add(cpu->uc, &hook, UC_HOOK_INTR, ucpu_intr_hook, cpu, 1,
			0)) {
		ucpu_free(cpu);
		return create_fail(-ENOMEM, "cannot set up Unicorn");
	}
	/* User mode from the start, so that SR writes never switch stacks. */
	uc_reg_write(cpu->uc, UC_M68K_REG_SR, &sr);

	mmgrab(mm);
	cpu->mn.ops = &ucpu_mn_ops;
	ret = mmu_notifier_register(&cpu->mn, mm);
	if (ret) {
		mmdrop(mm);
		ucpu_free(cpu);
		return create_fail(ret, "mmu_notifier_register: %d", ret);
	}
	return cpu;
}

void msim_ucpu_destroy(struct msim_ucpu *cpu)
{
	struct mm_struct *mm;

	if (!cpu)
		return;
	mm = cpu->mm;
	mmu_notifier_unregister(&cpu->mn, mm);
	ucpu_free(cpu);
	mmdrop(mm);
}

const char *msim_ucpu_last_error(const struct msim_ucpu *cpu)
{
	return cpu ? cpu->err : create_err;
}

uint32_t msim_ucpu_fault_address(const struct msim_ucpu *cpu)
{
	return cpu->fault_addr;
}

void msim_ucpu_set_insn_limit(struct msim_ucpu *cpu, unsigned long limit)
{
	cpu->insn_limit = limit ? limit : DEFAULT_INSN_LIMIT;
}

uint32_t msim_ucpu_fixup_entry(const struct msim_ucpu *cpu)
{
	return cpu->fixup_entry;
}

void msim_ucpu_get_stats(const struct msim_ucpu *cpu,
			 struct msim_ucpu_stats *stats)
{
	/* tlb_flushes moves under the lock, from notifier callbacks. */
	pthread_mutex_lock((pthread_mutex_t *)&cpu->lock);
	*stats = cpu->stats;
	pthread_mutex_unlock((pthread_mutex_t *)&cpu->lock);
}

void msim_ucpu_flush_icache(struct msim_ucpu *cpu, uint32_t start, uint32_t end)
{
	pthread_mutex_lock(&cpu->lock);
	uc_ctl_remove_cache(cpu->uc, start, end);
	uc_ctl_remove_cache(cpu->kuc, start, end);
	pthread_mutex_unlock(&cpu->lock);
}

int msim_ucpu_check(struct msim_ucpu *cpu, char *msg, size_t size)
{
	struct mm_struct *mm = cpu->mm;
	const struct msim_arch *a = mm->arch;
	struct ucpu_page *pg, *tmp;
	char buf[160] = "";
	pte_t *ptep, pte;
	uint32_t va;

	spin_lock(&mm->page_table_lock);
	pthread_mutex_lock(&cpu->lock);
	HASH_ITER(hh, cpu->pages, pg, tmp) {
		va = pg->vpn * cpu->psize;
		ptep = msim_pte_offset(mm, va);
		pte = ptep ? *ptep : __pte(0);
		if (!msim_pte_allows(a, pte, false, false) &&
		    !msim_pte_allows(a, pte, false, true)) {
			snprintf(buf, sizeof(buf),
				 "%#x: mapped by the CPU, PTE %#llx gives no "
				 "access",
				 va, (unsigned long long)pte_val(pte));
			break;
		}
		if (pte_pfn(a, pte) != pg->pfn) {
			snprintf(buf, sizeof(buf),
				 "%#x: the CPU maps pfn %#lx, the PTE pfn %#lx",
				 va, pg->pfn, pte_pfn(a, pte));
			break;
		}
		if ((pg->prot & UC_PROT_WRITE) &&
		    !(pte_write(a, pte) && pte_dirty(a, pte))) {
			snprintf(buf, sizeof(buf),
				 "%#x: writable in the CPU, PTE %#llx is not "
				 "writable and dirty",
				 va, (unsigned long long)pte_val(pte));
			break;
		}
	}
	pthread_mutex_unlock(&cpu->lock);
	spin_unlock(&mm->page_table_lock);
	if (!buf[0])
		return 0;
	if (msg && size)
		snprintf(msg, size, "%s", buf);
	return -EUCLEAN;
}
