/* SPDX-License-Identifier: MIT */
/**
 * DOC: Unicorn ColdFire CPU
 *
 * A ColdFire V4e CPU, emulated by Unicorn, that runs user code of a
 * simulated coldfire mm.  Unicorn is a secondary MMU of that mm: the pages
 * it sees are the mm's own frames, mapped into the emulator when the CPU
 * first touches them (through a simulated page fault), and removed from it
 * by an mmu notifier subscription when the primary page tables change.
 *
 * Several user threads share the CPU and the mm, each with a saved context
 * and its own thread pointer; switching to a thread stores its pointer in
 * the vDSO data word kuser_vdso_tp, as the ColdFire kernel's resume does.
 *
 * Interrupts can be delivered at any instruction boundary of a call.  Kernel
 * entry builds a struct pt_regs frame on a supervisor stack in guest memory
 * and calls the entry fixup (check_vdso_atomic_cmpxchg_32) by jsr with %sp
 * pointing at the frame; the fixup runs as m68k code.  The thread later
 * resumes from the frame's (possibly rewound) PC and registers.
 *
 * Guest memory above TASK_SIZE is the kernel's: the loaded fixup, the entry
 * stub and one 8 KiB supervisor stack per nesting depth.  User code that
 * touches it faults (SIGSEGV), as it would through the ColdFire MMU.
 *
 * Unicorn's page mappings play the part of ColdFire's software-loaded TLB:
 * an access to a page Unicorn does not map is a TLB miss, which enters the
 * kernel through the access-error vector (running the fixup, as the seed's
 * buserr does) and then either loads the entry from the PTE or calls the
 * fault handler.  A page is mapped writable only when its PTE is writable
 * and dirty, so that the first write through a clean PTE traps and dirties
 * it, and accessed pages are marked young.
 */
#ifndef MMSIM_UCPU_H
#define MMSIM_UCPU_H

#include <mmsim/export.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mm_struct;
struct msim_ucpu;

/** MSIM_UCPU_KERNEL_BASE - the kernel area starts at ColdFire's TASK_SIZE */
#define MSIM_UCPU_KERNEL_BASE 0xc0000000U
/**
 * MSIM_UCPU_RETURN_ADDR - the return address msim_ucpu_call() pushes: a
 * kernel address the call stops at; @regs.pc holds it after a return
 */
#define MSIM_UCPU_RETURN_ADDR (MSIM_UCPU_KERNEL_BASE + 0x40)
/** MSIM_UCPU_MAX_DEPTH - nesting levels of msim_ucpu_call(), one kernel
 * stack each */
#define MSIM_UCPU_MAX_DEPTH 16
/** MSIM_UCPU_IRQ_VECTOR - the vector interrupts are delivered at (the first
 * interrupt-controller vector, as a ColdFire timer's) */
#define MSIM_UCPU_IRQ_VECTOR 64
/** MSIM_UCPU_ACCESS_VECTOR - ColdFire's access-error vector */
#define MSIM_UCPU_ACCESS_VECTOR 2

/*
 * MODEL: cf-no-fpu-emac: under msim_ucpu_call() a thread's context is its
 * integer registers, PC and condition codes; the FPU and EMAC registers
 * are not saved across its nested switches, as a kernel with them would
 * (msim_ucpu_run() keeps a thread's whole context).
 */

/**
 * struct msim_m68k_regs - the user-visible state of one m68k thread
 * @d: data registers
 * @a: address registers; a[7] is the user stack pointer
 * @pc: program counter
 * @sr: status register, condition codes included
 */
struct msim_m68k_regs {
	uint32_t d[8];
	uint32_t a[8];
	uint32_t pc;
	uint16_t sr;
};

/**
 * struct msim_ucpu_thread - a user thread of the emulated program
 * @regs: its context while it is not running
 * @tp: its thread pointer (thread_info.tp_value)
 * @id: a small number naming it in traces
 * @insns: msim_ucpu_run(): the instructions it has run to completion, the
 *	index want_irq() is asked about next
 * @next_ask: private to msim_ucpu_run()
 * @ctx: private: the CPU's own copy of its context between
 *	msim_ucpu_run()s (msim_ucpu_thread_release() frees it)
 */
struct msim_ucpu_thread {
	struct msim_m68k_regs regs;
	uint32_t tp;
	int id;
	unsigned long insns;
	unsigned long next_ask;
	void *ctx;
};

/**
 * enum msim_ucpu_fault_kind - what the PTE held when an access error
 * needed the mm's fault handler
 * @MSIM_UCPU_FAULT_NONE: nothing: the PTE allowed the access, the TLB
 *	miss handler loaded it
 * @MSIM_UCPU_FAULT_NEW: no PTE yet: a first touch (zero page, zeroed
 *	frame, or a file page)
 * @MSIM_UCPU_FAULT_COW: a present PTE without write permission under a
 *	write: copy-on-write (or the dirty bit's first write)
 * @MSIM_UCPU_FAULT_SWAPIN: a swap PTE: the page is read back
 * @MSIM_UCPU_FAULT_MIGRATION: a migration entry: the fault waits for it
 * @MSIM_UCPU_FAULT_OTHER: anything else (a protection the VMA refuses)
 */
enum msim_ucpu_fault_kind {
	MSIM_UCPU_FAULT_NONE,
	MSIM_UCPU_FAULT_NEW,
	MSIM_UCPU_FAULT_COW,
	MSIM_UCPU_FAULT_SWAPIN,
	MSIM_UCPU_FAULT_MIGRATION,
	MSIM_UCPU_FAULT_OTHER,
};

/**
 * struct msim_ucpu_access - an access error user code took and got past
 * @pc: the instruction that touched @addr
 * @addr: the address
 * @access: its kind (enum msim_access)
 * @fault: what the PTE held, when the mm's fault handler had to run
 * @resume_pc: where the thread resumed: @pc, unless the fixup (which the
 *	access-error entry runs) moved it
 */
struct msim_ucpu_access {
	uint32_t pc, addr;
	int access;
	enum msim_ucpu_fault_kind fault;
	uint32_t resume_pc;
};

/**
 * struct msim_ucpu_irq_ops - when interrupts arrive and what they do
 * @want_irq: asked at every instruction boundary of a call before the
 *	instruction at @pc runs; @n counts the instructions this call has run
 *	to completion so far (0 at the entry point) and @depth is the nesting
 *	level (0 for the outermost call).  Return true to interrupt the
 *	thread there.  Each @n is asked once: not again when an interrupt
 *	returns to that boundary or a TLB miss or page fault restarts the
 *	instruction there, so that a plan cannot livelock (the CPU always
 *	runs one instruction between two interrupts).  Called from inside
 *	the emulator: it must not call into the CPU or the mm.
 * @handler: the interrupt's effect, run after kernel entry and the fixup,
 *	while @t is interrupted.  @irq_pc is where @t was interrupted and
 *	@resume_pc where it will resume (after the fixup).  It may call
 *	msim_ucpu_call() for another thread (a switch to it and back, nested
 *	at @depth + 1), store to user memory, or do nothing.
 * @access_error: if set, told of every access error (TLB miss or
 *	protection fault) the thread got past: what it was, what resolved
 *	it, where the fixup left the PC.  Called between runs of the
 *	emulator; it must not call into the CPU.
 */
struct msim_ucpu_irq_ops {
	bool (*want_irq)(void *arg, struct msim_ucpu *cpu,
			 struct msim_ucpu_thread *t, uint32_t pc,
			 unsigned int n, unsigned int depth);
	void (*handler)(void *arg, struct msim_ucpu *cpu,
			struct msim_ucpu_thread *t, uint32_t irq_pc,
			uint32_t resume_pc, unsigned int depth);
	void (*access_error)(void *arg, struct msim_ucpu *cpu,
			     struct msim_ucpu_thread *t,
			     const struct msim_ucpu_access *a);
};

/**
 * msim_ucpu_create - a CPU running user code of @mm
 * @mm: a coldfire mm with its vDSO mapped (arch_setup_additional_pages)
 * @fixup: the entry fixup as a relocatable m68k ELF object defining a
 *	global check_vdso_atomic_cmpxchg_32, or NULL for the seed's
 * @fixup_len: its length in bytes
 *
 * The fixup is laid out in the kernel area above TASK_SIZE and its RELA
 * relocations applied (R_68K_32, R_68K_16, R_68K_8 and their PC-relative
 * forms); it may not call anything outside itself.  The CPU subscribes to
 * @mm's notifiers and pins the mm_struct (mmgrab()) until destroyed.
 *
 * Return: the CPU, or an ERR_PTR(): -EINVAL for an mm of another arch or
 * without a vDSO, -ENOEXEC for a fixup object that cannot be loaded,
 * -ENOMEM; msim_ucpu_last_error(NULL) says why.
 */
MSIM_API struct msim_ucpu *
msim_ucpu_create(struct mm_struct *mm, const void *fixup, size_t fixup_len);

/** msim_ucpu_destroy - unsubscribe from the mm and free the CPU */
MSIM_API void msim_ucpu_destroy(struct msim_ucpu *cpu);

/**
 * msim_ucpu_call - run a user function to its return, as thread @t
 * @cpu: the CPU
 * @t: the thread; its registers are the call's arguments on entry and its
 *	results on return
 * @entry: the function's address
 * @ops: interrupt plan, or NULL for none
 * @arg: passed to @ops
 * @depth: 0 for an outermost call; a handler passes its own depth + 1
 *
 * Switches to @t (storing @t->tp in kuser_vdso_tp), calls @entry with a
 * return address on @t's user stack and runs until it returns.  A nested
 * call switches back to the interrupted thread when it is done.  A
 * system call (trap #0) is not modelled: it returns -ENOSYS in %d0, and
 * the code goes on.
 *
 * On return @t->regs.pc is MSIM_UCPU_RETURN_ADDR and @t->regs.sr holds
 * the condition codes the function left.  After an error @t->regs holds
 * the context where the thread stopped.
 *
 * Return: 0, or -EFAULT when the code touches memory the mm cannot fault
 * in (or the fixup faults, or leaves a frame that does not return to user
 * mode), -ELOOP when the call runs more instructions than the limit (see
 * msim_ucpu_set_insn_limit()) or the fixup more than 65536, -EILSEQ when
 * the code raises an exception other than a system call (trap #1-#15,
 * an illegal instruction, ...: the kernel's trap entry runs the fixup,
 * then the thread gets a signal, and @t->regs is the frame's context) or
 * one the model cannot take (an address error), -ENOMEM when the
 * mm runs out of memory, -EINVAL for a bad argument (a @depth that is not
 * one more than the caller's, a nested call outside a handler, a thread
 * already on the CPU, an odd or kernel @entry).  msim_ucpu_last_error()
 * says more.
 */
MSIM_API int msim_ucpu_call(struct msim_ucpu *cpu, struct msim_ucpu_thread *t,
			    uint32_t entry, const struct msim_ucpu_irq_ops *ops,
			    void *arg, unsigned int depth);

/**
 * enum msim_ucpu_stop - why msim_ucpu_run() gave the thread back
 * @MSIM_UCPU_STOP_RETURN: the function it was started at returned
 *	(@regs.pc is MSIM_UCPU_RETURN_ADDR, %d0 what it returned)
 * @MSIM_UCPU_STOP_IRQ: want_irq() asked for an interrupt: the kernel
 *	was entered and the fixup ran; @regs is the context the return from
 *	the interrupt resumes (the fixup may have moved its PC), condition
 *	codes included.  The caller decides what the interrupt does (another
 *	thread may run now: a preemption) and resumes whichever it likes.
 * @MSIM_UCPU_STOP_SYSCALL: trap #0: @regs.pc is past the trap, %d0 the
 *	system call's number and %d1-%d5 its arguments; the caller puts
 *	the result in @regs.d[0] and resumes it (or not)
 */
enum msim_ucpu_stop {
	MSIM_UCPU_STOP_RETURN,
	MSIM_UCPU_STOP_IRQ,
	MSIM_UCPU_STOP_SYSCALL,
};

/**
 * msim_ucpu_thread_start - set @t up to call @entry with @nargs
 * arguments (pushed on its stack below @t->regs.a[7], as the C calling
 * convention passes them) and the return address that stops it
 * (MSIM_UCPU_RETURN_ADDR); its other registers are as @t->regs holds them
 *
 * Return: 0, -EFAULT when its stack cannot be written, -EINVAL for an odd
 * or kernel @entry.
 */
MSIM_API int msim_ucpu_thread_start(struct msim_ucpu *cpu,
				    struct msim_ucpu_thread *t, uint32_t entry,
				    int nargs, const uint32_t *args);

/**
 * msim_ucpu_run - run @t from where it stands until it stops
 * @cpu: the CPU
 * @t: the thread: started by msim_ucpu_thread_start() or stopped by an
 *	earlier msim_ucpu_run(); its data and address registers and PC are
 *	taken from @t->regs (the caller may change them, a system call's
 *	result in %d0), the rest of its context (condition codes, the FPU)
 *	from where it stopped
 * @ops: interrupt plan, asked at each boundary with @t->insns; its
 *	handler is not called: an interrupt stops the run
 * @arg: passed to @ops
 *
 * The thread scheduling of a kernel, done by the caller: between runs
 * any thread may run, each with its own context and thread pointer
 * (stored in kuser_vdso_tp when it starts running).  Page faults and TLB
 * misses are handled inside, through the access-error entry and the
 * fixup, as msim_ucpu_call() does.  Not while a msim_ucpu_call() runs.
 *
 * Return: an enum msim_ucpu_stop, or the negative errno and
 * msim_ucpu_error() of msim_ucpu_call() (@t->regs then holds where the
 * thread stopped).
 */
MSIM_API int msim_ucpu_run(struct msim_ucpu *cpu, struct msim_ucpu_thread *t,
			   const struct msim_ucpu_irq_ops *ops, void *arg);

/**
 * msim_ucpu_thread_release - free what @cpu keeps for @t between runs
 */
MSIM_API void msim_ucpu_thread_release(struct msim_ucpu *cpu,
				       struct msim_ucpu_thread *t);

/**
 * msim_ucpu_set_mm - make @cpu run the user code of @mm from now on: its
 * TLB emptied, its notifier moved from the old mm to @mm (which must be
 * a coldfire mm with the vDSO mapped where the old one had it, as after
 * fork); not while a call runs
 *
 * Return: 0, or -errno from mmu_notifier_register() (the CPU then runs
 * nothing until a msim_ucpu_set_mm() succeeds).
 */
MSIM_API int msim_ucpu_set_mm(struct msim_ucpu *cpu, struct mm_struct *mm);

/**
 * msim_ucpu_last_error - why the last failing call on @cpu failed, or, for
 * @cpu NULL, why the calling thread's last msim_ucpu_create() failed
 *
 * Return: a one-line message ("" if nothing failed yet), valid until the
 * next call on the same CPU (or thread).
 */
MSIM_API const char *msim_ucpu_last_error(const struct msim_ucpu *cpu);

/**
 * enum msim_ucpu_error_kind - what made a msim_ucpu_call() fail
 * @MSIM_UCPU_ERR_NONE: nothing failed yet
 * @MSIM_UCPU_ERR_INVAL: a bad argument (-EINVAL)
 * @MSIM_UCPU_ERR_SEGV: the user code touched memory the mm cannot fault
 *	in, or the kernel area (-EFAULT)
 * @MSIM_UCPU_ERR_SIGNAL: the user code raised an exception that ends in
 *	a signal: trap #1-#15, an illegal or privileged instruction (-EILSEQ)
 * @MSIM_UCPU_ERR_LIMIT: the call ran more instructions than its limit
 *	(-ELOOP)
 * @MSIM_UCPU_ERR_FIXUP_FAULT: the entry fixup touched memory the kernel
 *	cannot reach: an oops (-EFAULT)
 * @MSIM_UCPU_ERR_FIXUP_LIMIT: the entry fixup ran more than 65536
 *	instructions (-ELOOP)
 * @MSIM_UCPU_ERR_FIXUP_INSN: the entry fixup raised an exception: an
 *	illegal or privileged instruction, a trap, a division by zero
 *	(-EILSEQ)
 * @MSIM_UCPU_ERR_FIXUP_FRAME: the entry fixup left a frame the return
 *	from the exception cannot follow: a bad format, or an SR that does
 *	not return to user mode (-EFAULT)
 * @MSIM_UCPU_ERR_NOMEM: the mm or the host ran out of memory (-ENOMEM)
 * @MSIM_UCPU_ERR_INTERNAL: the model could not go on: a replay of a
 *	translation block that did not stop where the CPU had (-EILSEQ)
 */
enum msim_ucpu_error_kind {
	MSIM_UCPU_ERR_NONE,
	MSIM_UCPU_ERR_INVAL,
	MSIM_UCPU_ERR_SEGV,
	MSIM_UCPU_ERR_SIGNAL,
	MSIM_UCPU_ERR_LIMIT,
	MSIM_UCPU_ERR_FIXUP_FAULT,
	MSIM_UCPU_ERR_FIXUP_LIMIT,
	MSIM_UCPU_ERR_FIXUP_INSN,
	MSIM_UCPU_ERR_FIXUP_FRAME,
	MSIM_UCPU_ERR_NOMEM,
	MSIM_UCPU_ERR_INTERNAL,
};

/**
 * struct msim_ucpu_error - why the last failing call failed, in parts
 * @err: the negative errno msim_ucpu_call() returned
 * @kind: what failed
 * @pc: where: the user PC for a user failure, the fixup's PC for a
 *	MSIM_UCPU_ERR_FIXUP_* one (0 when not known)
 * @addr: MSIM_UCPU_ERR_SEGV and MSIM_UCPU_ERR_FIXUP_FAULT: the address
 * @access: the kind of that access (enum msim_access)
 * @vector: MSIM_UCPU_ERR_FIXUP_*: the vector of the kernel entry the
 *	fixup ran for (MSIM_UCPU_IRQ_VECTOR, MSIM_UCPU_ACCESS_VECTOR, a
 *	trap's)
 * @exception: MSIM_UCPU_ERR_SIGNAL and MSIM_UCPU_ERR_FIXUP_INSN: the
 *	vector of the exception raised (4 an illegal instruction, 8 a
 *	privilege violation, 32 + n trap #n, ...; 0 when not known)
 * @fault_status: MSIM_UCPU_ERR_FIXUP_* on an access-error entry: the
 *	V4e fault status the frame held (5, 0xa, 0xe: a TLB miss)
 * @entry_pc: MSIM_UCPU_ERR_FIXUP_*: the user PC that entry saved
 * @msg: the same in one line (msim_ucpu_last_error())
 */
struct msim_ucpu_error {
	int err;
	enum msim_ucpu_error_kind kind;
	uint32_t pc;
	uint32_t addr;
	int access;
	unsigned int vector;
	unsigned int exception;
	unsigned int fault_status;
	uint32_t entry_pc;
	char msg[192];
};

/**
 * msim_ucpu_error - why the last failing call on @cpu failed, in parts;
 * valid until the next call on @cpu
 */
MSIM_API const struct msim_ucpu_error *
msim_ucpu_error(const struct msim_ucpu *cpu);

/**
 * msim_ucpu_error_kind_name - @kind in a few words, e.g. "the fixup
 * faulted" for MSIM_UCPU_ERR_FIXUP_FAULT
 */
MSIM_API const char *msim_ucpu_error_kind_name(enum msim_ucpu_error_kind kind);

/**
 * msim_ucpu_error_describe - @e in one line for a person: what failed,
 * where, and for the fixup on which kernel entry, e.g. "the fixup
 * faulted: read of 0x00000000 at pc 0xc0000112, on the interrupt at pc
 * 0x5fffe40e"
 *
 * Return: its length, as snprintf() does.
 */
MSIM_API size_t msim_ucpu_error_describe(const struct msim_ucpu_error *e,
					 char *buf, size_t size);

/**
 * msim_ucpu_fixup_failed - @e is a failure of the entry fixup's
 */
static inline bool msim_ucpu_fixup_failed(const struct msim_ucpu_error *e)
{
	return e->kind >= MSIM_UCPU_ERR_FIXUP_FAULT &&
	       e->kind <= MSIM_UCPU_ERR_FIXUP_FRAME;
}

/**
 * msim_ucpu_kernel_read - copy @len bytes of the kernel area (the entry
 * stub and the fixup, as loaded at msim_ucpu_fixup_entry()) from @addr,
 * for a report that shows the fixup's code
 *
 * Return: 0, or -EFAULT when [@addr, @addr + @len) is not in the kernel
 * area.
 */
MSIM_API int msim_ucpu_kernel_read(const struct msim_ucpu *cpu, uint32_t addr,
				   void *buf, size_t len);

/**
 * msim_ucpu_kernel_reset - put the kernel area back as the CPU was
 * created with it: the fixup's text and data as loaded, the kernel stacks
 * zeroed.  A fixup may write to its own text or data, and leaves bytes on
 * the kernel stacks; a program that runs independent cases calls this
 * before each, so that every case starts from the same kernel and
 * replays alone.  Not while a call is running.
 *
 * Return: true if the fixup had changed its text or data.
 */
MSIM_API bool msim_ucpu_kernel_reset(struct msim_ucpu *cpu);

/**
 * msim_ucpu_fault_address - the address of the access a -EFAULT return
 * was about
 */
MSIM_API uint32_t msim_ucpu_fault_address(const struct msim_ucpu *cpu);

/**
 * msim_ucpu_set_insn_limit - instructions one call may run before it
 * fails with -ELOOP (default 1 << 20), nested calls not included
 */
MSIM_API void msim_ucpu_set_insn_limit(struct msim_ucpu *cpu,
				       unsigned long limit);

/**
 * msim_ucpu_fixup_entry - where check_vdso_atomic_cmpxchg_32 was loaded
 */
MSIM_API uint32_t msim_ucpu_fixup_entry(const struct msim_ucpu *cpu);

/**
 * struct msim_ucpu_stats - what the CPU has done since it was created
 * @calls: msim_ucpu_call()s, nested ones included
 * @insns: user instructions run to completion
 * @irqs: interrupts delivered
 * @access_errors: kernel entries through the access-error vector (TLB
 *	misses and permission faults)
 * @page_faults: of those, the ones that needed the mm's fault handler
 * @tlb_fills: pages mapped into the emulator
 * @tlb_flushes: pages removed from it by notifier callbacks
 * @fixup_rewinds: kernel entries after which the frame's PC had changed
 * @replays: stops in the middle of a translation block made exact by
 *	running the block again (see src/coldfire/ucpu_exact.c)
 * @kernel_engines: times the engine that runs the replays and the kernel
 *	entries was replaced by a fresh one, to give back the memory Unicorn
 *	keeps for each translation
 * @syscalls: trap #0 instructions (system calls, answered -ENOSYS)
 * @traps: other exceptions user code raised (trap #1-#15, illegal
 *	instructions, ...), which enter the kernel through its trap entry
 *	and the fixup, and end the call with a signal
 * @replay_engines: engines made to replay blocks to one stopping PC each
 *	without translating them again
 * @replays_cached: of the @replays, those such an engine ran
 */
struct msim_ucpu_stats {
	unsigned long calls, insns, irqs, access_errors, page_faults;
	unsigned long tlb_fills, tlb_flushes, fixup_rewinds, replays;
	unsigned long kernel_engines, syscalls, traps;
	unsigned long replay_engines, replays_cached;
};

/** msim_ucpu_get_stats - a copy of @cpu's counters */
MSIM_API void msim_ucpu_get_stats(const struct msim_ucpu *cpu,
				  struct msim_ucpu_stats *stats);

/**
 * msim_ucpu_check - the secondary MMU agrees with the primary: every page
 * the emulator maps is mapped by a present PTE of the mm to the same
 * frame, and is writable in the emulator only if the PTE is writable and
 * dirty.  Caller holds no lock of the mm.
 *
 * Return: 0, or -EUCLEAN with the first disagreement described in @msg
 * (if not NULL).
 */
MSIM_API int msim_ucpu_check(struct msim_ucpu *cpu, char *msg, size_t size);

/**
 * msim_ucpu_flush_icache - forget translated code for [@start, @end), as
 * the cacheflush system call does: needed after the host (not the CPU)
 * stores instructions into a page the CPU already ran code from
 */
MSIM_API void msim_ucpu_flush_icache(struct msim_ucpu *cpu, uint32_t start,
				     uint32_t end);

#endif /* MMSIM_UCPU_H */
