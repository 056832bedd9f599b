/* SPDX-License-Identifier: MIT */
/**
 * DOC: What the library exports
 *
 * libmmsim is built with hidden visibility: a function is part of its ABI
 * only when its declaration in a public header carries MSIM_API.  Exported
 * names are the kernel's own for the mm API a kernel engineer calls
 * (find_vma(), handle_mm_fault(), mmu_notifier_register(), ...) and carry
 * the msim_ prefix for everything else, the simulator's own facilities
 * and the generic kernel infrastructure beneath them (locks, SRCU, the
 * interval tree), so that a program linking mmsim may define its own
 * spin_lock() or list_add().  tests/install/exports.txt lists the set.
 */
#ifndef MMSIM_EXPORT_H
#define MMSIM_EXPORT_H

#define MSIM_API __attribute__((visibility("default")))

#endif /* MMSIM_EXPORT_H */
