/* SPDX-License-Identifier: MIT */
/**
 * DOC: Page faults and user access
 *
 * handle_mm_fault() is the kernel's generic fault handler.  The arch entry
 * that finds the VMA and checks the access against it, and a CPU that reads
 * and writes user memory through the page tables and faults when the PTE
 * does not allow the access, are mmsim's: msim_handle_user_fault() and
 * msim_user_access().
 */
#ifndef MMSIM_FAULT_H
#define MMSIM_FAULT_H

#include <mmsim/export.h>
#include <stddef.h>
#include <mmsim/mm_types.h>

typedef unsigned int vm_fault_t;

/**
 * struct vm_fault - what a vm_operations_struct.fault handler is given
 * @vma: the faulting VMA
 * @address: the faulting address, page-aligned
 * @pgoff: its page offset in the mapping: vm_pgoff plus the page index
 * @flags: FAULT_FLAG_*
 * @page: set by the handler: the page to map, its reference taken; for
 *	dev_pagemap_ops.migrate_to_ram, the device page faulted on (locked
 *	and referenced by the fault)
 * @orig_pte: the PTE the fault found (migrate_to_ram)
 */
struct vm_fault {
	struct vm_area_struct *vma;
	unsigned long address;
	unsigned long pgoff;
	unsigned int flags;
	struct page *page;
	pte_t orig_pte;
};

/* The kernel's enum vm_fault_reason values. */
#define VM_FAULT_OOM 0x000001
#define VM_FAULT_SIGBUS 0x000002
#define VM_FAULT_MAJOR 0x000004
#define VM_FAULT_HWPOISON 0x000010
#define VM_FAULT_SIGSEGV 0x000040
#define VM_FAULT_NOPAGE 0x000100
#define VM_FAULT_RETRY 0x000400
#define VM_FAULT_ERROR                                                         \
	(VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON)

/* The kernel's enum fault_flag values. */
#define FAULT_FLAG_WRITE (1U << 0)
#define FAULT_FLAG_MKWRITE (1U << 1)
#define FAULT_FLAG_ALLOW_RETRY (1U << 2)
#define FAULT_FLAG_RETRY_NOWAIT (1U << 3)
#define FAULT_FLAG_KILLABLE (1U << 4)
#define FAULT_FLAG_TRIED (1U << 5)
#define FAULT_FLAG_USER (1U << 6)
#define FAULT_FLAG_REMOTE (1U << 7)
#define FAULT_FLAG_INSTRUCTION (1U << 8)
#define FAULT_FLAG_INTERRUPTIBLE (1U << 9)
#define FAULT_FLAG_UNSHARE (1U << 10)

struct pt_regs;

/**
 * handle_mm_fault - resolve a fault at @address in @vma
 * @flags: FAULT_FLAG_*; FAULT_FLAG_WRITE for a write
 * @regs: unused, for the kernel's signature
 *
 * The caller holds the mmap lock for reading and has checked that @vma
 * allows the access.  Anonymous memory: a read of an empty PTE maps the
 * zero page; a write allocates a zeroed frame, or copies the zero page or
 * a shared frame (COW), or reuses an exclusive one.
 * Return: 0, or VM_FAULT_OOM when a frame or table cannot be had.
 */
MSIM_API vm_fault_t handle_mm_fault(struct vm_area_struct *vma,
				    unsigned long address, unsigned int flags,
				    struct pt_regs *regs);

enum msim_access {
	MSIM_ACCESS_READ,
	MSIM_ACCESS_WRITE,
	MSIM_ACCESS_EXEC,
};

/**
 * msim_handle_user_fault - what the arch fault handler does for a user
 * access: take the mmap lock, find the VMA, check the access against its
 * flags, and call handle_mm_fault().
 * Return: 0, VM_FAULT_SIGSEGV (no VMA, the VMA forbids the access, or
 * @access is none of enum msim_access's kinds; nothing was changed) or
 * VM_FAULT_OOM.
 */
MSIM_API vm_fault_t msim_handle_user_fault(struct mm_struct *mm,
					   unsigned long addr,
					   enum msim_access access);

/**
 * msim_user_access - the CPU accessing user memory
 * @buf: the bytes to write, where to read into, or NULL for an access that
 *	moves no data (a touch: a write touch marks the page dirty and leaves
 *	its bytes as they were, as an atomic OR of zero would)
 * @fault_addr: if not NULL, the address that faulted fatally
 *
 * Walks the page tables page by page; where the PTE allows the access it
 * sets young (and dirty for a write) as the hardware would, otherwise it
 * takes a fault through msim_handle_user_fault() and retries.
 * Return: 0, -EFAULT on a SIGSEGV (the bytes before the faulting page were
 * transferred), -ENOMEM on VM_FAULT_OOM, or -EINVAL (nothing done) if
 * @access is none of enum msim_access's kinds.
 */
MSIM_API int msim_user_access(struct mm_struct *mm, unsigned long addr,
			      void *buf, size_t len, enum msim_access access,
			      unsigned long *fault_addr);

static inline int msim_user_read(struct mm_struct *mm, unsigned long addr,
				 void *buf, size_t len)
{
	return msim_user_access(mm, addr, buf, len, MSIM_ACCESS_READ, NULL);
}

static inline int msim_user_write(struct mm_struct *mm, unsigned long addr,
				  const void *buf, size_t len)
{
	return msim_user_access(mm, addr, (void *)buf, len, MSIM_ACCESS_WRITE,
				NULL);
}

#endif /* MMSIM_FAULT_H */
