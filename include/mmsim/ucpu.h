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
 */
#ifndef MMSIM_UCPU_H
#define MMSIM_UCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mm_struct;
struct msim_ucpu;

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
 */
struct msim_ucpu_thread {
	struct msim_m68k_regs regs;
	uint32_t tp;
	int id;
};

/**
 * struct msim_ucpu_irq_ops - when interrupts arrive and what they do
 * @want_irq: asked at every instruction boundary of a call before the
 *	instruction at @pc runs; @n counts the instructions this call has run
 *	so far (0 at the entry point) and @depth is the nesting level (0 for
 *	the outermost call).  Return true to interrupt the thread there.
 * @handler: the interrupt's effect, run after kernel entry and the fixup,
 *	while @t is interrupted.  @irq_pc is where @t was interrupted and
 *	@resume_pc where it will resume (after the fixup).  It may call
 *	msim_ucpu_call() for another thread (a switch to it and back, nested
 *	at @depth + 1), store to user memory, or do nothing.
 */
struct msim_ucpu_irq_ops {
	bool (*want_irq)(void *arg, struct msim_ucpu *cpu,
			 struct msim_ucpu_thread *t, uint32_t pc,
			 unsigned int n, unsigned int depth);
	void (*handler)(void *arg, struct msim_ucpu *cpu,
			struct msim_ucpu_thread *t, uint32_t irq_pc,
			uint32_t resume_pc, unsigned int depth);
};

/**
 * msim_ucpu_create - a CPU running user code of @mm
 * @mm: a coldfire mm with its vDSO mapped (arch_setup_additional_pages)
 * @fixup: the entry fixup as a relocatable m68k ELF object defining a
 *	global check_vdso_atomic_cmpxchg_32, or NULL for the seed's
 * @fixup_len: its length in bytes
 *
 * Return: the CPU, or an ERR_PTR(): -EINVAL for an mm of another arch or
 * without a vDSO, -ENOEXEC for a fixup object that cannot be loaded,
 * -ENOMEM.
 */
struct msim_ucpu *msim_ucpu_create(struct mm_struct *mm, const void *fixup,
				   size_t fixup_len);

/** msim_ucpu_destroy - unsubscribe from the mm and free the CPU */
void msim_ucpu_destroy(struct msim_ucpu *cpu);

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
 * call switches back to the interrupted thread when it is done.
 *
 * Return: 0, or -EFAULT when the code touches memory the mm cannot fault
 * in, -ELOOP when it runs too long, -EINVAL for a bad argument.
 */
int msim_ucpu_call(struct msim_ucpu *cpu, struct msim_ucpu_thread *t,
		   uint32_t entry, const struct msim_ucpu_irq_ops *ops,
		   void *arg, unsigned int depth);

#endif /* MMSIM_UCPU_H */
