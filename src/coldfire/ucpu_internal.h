/* SPDX-License-Identifier: MIT */
/*
 * The Unicorn ColdFire CPU's private header, shared by its four files:
 *
 *   ucpu.c        the core: create, destroy, run a call to its return
 *   ucpu_mmu.c    the CPU as a secondary MMU: its page hash, the mmu
 *                 notifier, the TLB fill and the cross-check
 *   ucpu_entry.c  the kernel entry and exit of the seed's entry.S:
 *                 exception frames, interrupts, access errors, traps and
 *                 the stub that calls the fixup
 *   ucpu_exact.c  what makes Unicorn 2.0.1 stop exactly (block hook,
 *                 undo log, replay) and read the condition codes
 *
 * It holds the kernel area's layout, struct msim_ucpu itself and what one
 * file calls in another (ucpu_ names, hidden from the library's users).
 */
#ifndef MMSIM_COLDFIRE_UCPU_INTERNAL_H
#define MMSIM_COLDFIRE_UCPU_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <unicorn/unicorn.h>
#include <uthash.h>

#include <mmsim/mmsim.h>
#include <mmsim/coldfire/pt_regs.h>
#include <mmsim/coldfire/ucpu.h>
#include "be.h"

/*
 * The kernel area: text (stub and fixup), then one stack per depth.
 *
 * MODEL: cf-kernel-stack-per-depth: one 8 KiB supervisor stack per
 * nesting depth of msim_ucpu_call(), shared by whatever thread runs at
 * that depth, where Linux gives each thread its own kernel stack.
 */
#define KBASE MSIM_UCPU_KERNEL_BASE
#define KTEXT_SIZE 0x10000U
#define THREAD_SIZE 0x2000U
#define KAREA_SIZE (KTEXT_SIZE + MSIM_UCPU_MAX_DEPTH * THREAD_SIZE)
/*
 * Kernel runs end at an illegal instruction (KSTOP, KCCR_STOP) that the
 * code reaches by a jump, not at an until address: Unicorn drops the
 * translation block holding the byte before the until address after
 * every run, and the block that stops there (else every entry would
 * translate the stub, the stop and the CCR reader again).
 */
#define KENTRY (KBASE + 0x00)
#define KENTRY_JSR (KBASE + 0x06)
#define KHALT (KBASE + 0x0c)
#define KCCR (KBASE + 0x20)
#define KSTOP (KBASE + 0x40)
#define KCCR_STOP (KBASE + 0x50)
#define KFIXUP (KBASE + 0x100)
#define KSTACK_TOP(depth) (KBASE + KTEXT_SIZE + ((depth) + 1) * THREAD_SIZE)
/* The kernel area in lines, for the record of what was written. */
#define KLINE_SHIFT 6
#define KAREA_LINES (KAREA_SIZE >> KLINE_SHIFT)

/* The pc is the last member of pt_regs (see coldfire_pt_regs.h). */
#define PT_REGS_SIZE (PT_OFF_PC + 4)

#define SR_T 0x8000
#define SR_S 0x2000
#define SR_CCR 0x001f

#define DEFAULT_INSN_LIMIT (1UL << 20)
#define KERNEL_INSN_LIMIT 65536

/*
 * What an address was mapped to, so that the translations of a page that
 * leaves the TLB may be kept (ucpu_mmu.c).
 */
struct ucpu_vpage {
	uint32_t vpn;
	unsigned long pfn, gen; /* the frame, and its allocation */
	bool unstable;		/* ever another frame, or code flushed */
	UT_hash_handle hh;
};

/* A page the emulator maps, and from which frame. */
struct ucpu_page {
	uint32_t vpn;
	unsigned long pfn;
	uint32_t prot;
	void *host;
	bool in_kuc; /* mapped in the kernel engine too (on first use) */
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
	/* msim_ucpu_run(): interrupts and system calls stop the run */
	bool stop_at_events;
	struct ucpu_run *prev;
};

enum ucpu_event { EV_NONE, EV_IRQ, EV_LIMIT, EV_MEM, EV_TRAP };

/*
 * A replay engine (ucpu_exact.c): an engine that stops at one PC, where
 * its copy of the code page holds an illegal instruction, so that the
 * blocks it runs to that PC stay translated.
 */
#define REPLAY_ENGINES 16
#define REPLAY_PAGES 32
struct ucpu_replay_engine {
	uc_engine *uc;
	uint32_t pc;	     /* the stop */
	uint32_t code_va;    /* the page of the stop, mapped from @code */
	unsigned char *code; /* a copy of it, illegal at @pc */
	uint32_t code_lo;    /* offset of the lowest block start run */
	unsigned long gen;   /* tlb_gen when its other pages were mapped */
	unsigned int nr_pages;
	uint32_t page_va[REPLAY_PAGES];
	unsigned long runs;
};
/* Replays to a PC before it gets an engine (cheaper than translating). */
#define REPLAY_HOT 32
#define REPLAY_HOT_SLOTS 256

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
	/*
	 * The kernel text as loaded, and the lines of the kernel area
	 * written since the last msim_ucpu_kernel_reset(), by the fixup (a
	 * write hook) or by kernel entry (the frames).
	 */
	unsigned char *ktext_init;
	uint64_t kdirty[KAREA_LINES / 64];
	uint32_t fixup_entry;
	unsigned long insn_limit;

	/*
	 * @lock serializes the engine and the page table below it between
	 * the thread running the CPU and notifier callbacks, which may come
	 * from any thread.  Order: the mm's locks, then @lock.
	 */
	pthread_mutex_t lock;
	struct ucpu_page *pages;
	struct ucpu_vpage *vpages;
	unsigned long tlb_gen; /* bumped on every change of @pages */
	unsigned long inval_seq;
	int inval_running;
	bool released;
	bool registered; /* @mn is on @mm's list */
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
	/* Replay engines, and how often each PC was replayed to. */
	struct ucpu_replay_engine *rep[REPLAY_ENGINES];
	unsigned int nr_rep;
	uint32_t replay_stop;
	struct ucpu_replay_engine *rep_cur; /* running */
	bool rep_failed;
	struct {
		uint32_t pc, count;
	} hot[REPLAY_HOT_SLOTS];
	enum ucpu_event ev;
	uc_mem_type ev_type;
	uint32_t ev_addr;
	uint32_t ev_vector; /* of an EV_TRAP */
	uint32_t fault_addr;
	enum msim_ucpu_fault_kind fault_kind; /* of the last resolved fault */
	/* the frame word each depth's kernel entry built */
	uint16_t entry_fv[MSIM_UCPU_MAX_DEPTH];
	struct msim_ucpu_stats stats;
	struct msim_ucpu_error error;
};

static inline void put16(unsigned char *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline unsigned char *kaddr(struct msim_ucpu *cpu, uint32_t addr)
{
	return cpu->kmem + (addr - KBASE);
}

/* ucpu.c: errors, registers and runs of an engine. */
int ucpu_fail(struct msim_ucpu *cpu, int err, enum msim_ucpu_error_kind kind,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ucpu_read_regs(uc_engine *uc, struct msim_m68k_regs *r);
void ucpu_write_regs(uc_engine *uc, const struct msim_m68k_regs *r);
void ucpu_write_reg(uc_engine *uc, int reg, uint32_t v);
uint32_t ucpu_read_reg(uc_engine *uc, int reg);
void ucpu_get_context(struct msim_ucpu *cpu, struct msim_m68k_regs *r);
uc_err ucpu_emu(struct msim_ucpu *cpu, uc_engine *uc, uint32_t pc,
		uint32_t until, uint64_t count);
int ucpu_kernel_engine_open(struct msim_ucpu *cpu, uc_engine **out);
bool ucpu_kuc_map_on_use(struct msim_ucpu *cpu, uint32_t addr);

/* ucpu_mmu.c: the secondary MMU. */
extern const struct mmu_notifier_ops ucpu_mn_ops;
unsigned char *ucpu_host_of(struct msim_ucpu *cpu, uint32_t addr);
void ucpu_tlb_flush_all(struct msim_ucpu *cpu);
enum msim_access ucpu_access_of(uc_mem_type type);
const char *ucpu_access_name(enum msim_access a);
/* A failure's kind in one token, as the JSON reports' "failure" names it. */
const char *ucpu_error_token(enum msim_ucpu_error_kind kind);
int ucpu_resolve_fault(struct msim_ucpu *cpu, uint32_t addr,
		       enum msim_access access);

/* ucpu_entry.c: kernel entry and exit. */
void ucpu_kernel_dirty(struct msim_ucpu *cpu, uint32_t addr, uint32_t len);
void ucpu_kernel_write_hook(uc_engine *uc, uc_mem_type type, uint64_t addr,
			    int size, int64_t value, void *data);
void ucpu_entry_stub_install(struct msim_ucpu *cpu);
void ucpu_enter_kernel_engine(struct msim_ucpu *cpu);
int ucpu_kernel_run(struct msim_ucpu *cpu, uint32_t start, uint32_t stop);
int ucpu_deliver_irq(struct msim_ucpu *cpu, struct ucpu_run *run, uint32_t pc);
int ucpu_access_error(struct msim_ucpu *cpu, struct ucpu_run *run, uint32_t pc,
		      uc_mem_type type, uint32_t addr);
int ucpu_trap_entry(struct msim_ucpu *cpu, struct ucpu_run *run, uint32_t pc,
		    uint32_t vector);

/* ucpu_exact.c: Unicorn 2.0.1's lazy condition codes, worked around. */
void ucpu_block_hook(uc_engine *uc, uint64_t addr, uint32_t size, void *data);
void ucpu_write_hook(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
		     int64_t value, void *data);
int ucpu_replay_to(struct msim_ucpu *cpu, struct ucpu_run *run, uint32_t pc);
void ucpu_replay_engines_free(struct msim_ucpu *cpu);
void ucpu_ccr_stub_install(struct msim_ucpu *cpu);
int ucpu_read_ccr(struct msim_ucpu *cpu, uint16_t *ccr);
void ucpu_kernel_engine_renew(struct msim_ucpu *cpu);

#endif /* MMSIM_COLDFIRE_UCPU_INTERNAL_H */
