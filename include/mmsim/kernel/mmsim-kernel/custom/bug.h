/* SPDX-License-Identifier: MIT */
/*
 * CUSTOMISED: WARN_ON() and BUG_ON().
 *
 * A warning prints "WARNING: at FILE:LINE: CONDITION" (and the message
 * of WARN()) through printk(), counts it, and calls a hook if one is set,
 * so that a test or a scheduler exploring interleavings treats it as the
 * failure it is (msim_kernel_warnings(), msim_kernel_set_warn_hook()).
 * Like the kernel's, the macros return whether the condition held.
 *
 * A BUG prints "kernel BUG at FILE:LINE!" with the condition, calls the
 * BUG hook if one is set (which may end the run its own way, e.g. a
 * scheduler reporting the schedule that led there), and then ends the
 * process with abort().  MODEL: bug-aborts: the kernel would oops the
 * task and go on; here nothing after a BUG is worth checking.
 */
#ifndef MMSIM_KERNEL_CUSTOM_BUG_H
#define MMSIM_KERNEL_CUSTOM_BUG_H

#include <stdbool.h>
#include <mmsim/export.h>
#include <mmsim-kernel/dup/compiler.h>

/**
 * msim_warn - report a warning at @file:@line about @cond (may be NULL),
 * with the printf message @fmt (may be NULL); counted.
 */
MSIM_API __printf(4, 5) void msim_warn(const char *file, int line,
				       const char *cond, const char *fmt, ...);

/** msim_bug - report a BUG at @file:@line about @cond, and end the run. */
MSIM_API __noreturn void msim_bug(const char *file, int line, const char *cond);

/** msim_kernel_warnings - warnings reported since the process started. */
MSIM_API unsigned long msim_kernel_warnings(void);

/**
 * msim_kernel_set_warn_hook - call @hook(@file, @line, @arg) after each
 * warning is reported (NULL: none)
 */
MSIM_API void msim_kernel_set_warn_hook(void (*hook)(const char *file, int line,
						     void *arg),
					void *arg);

/**
 * msim_kernel_set_bug_hook - call @hook(@file, @line, @arg) when a BUG is
 * reported, before the process aborts; the hook may not return (NULL:
 * none)
 */
MSIM_API void msim_kernel_set_bug_hook(void (*hook)(const char *file, int line,
						    void *arg),
				       void *arg);

#define WARN_ON(condition)                                                     \
	({                                                                     \
		int msim_ret_warn_on_ = !!(condition);                         \
		if (unlikely(msim_ret_warn_on_))                               \
			msim_warn(__FILE__, __LINE__, #condition, NULL);       \
		unlikely(msim_ret_warn_on_);                                   \
	})

#define WARN(condition, fmt, ...)                                              \
	({                                                                     \
		int msim_ret_warn_on_ = !!(condition);                         \
		if (unlikely(msim_ret_warn_on_))                               \
			msim_warn(__FILE__, __LINE__, #condition, fmt,         \
				  ##__VA_ARGS__);                              \
		unlikely(msim_ret_warn_on_);                                   \
	})

#define WARN_ON_ONCE(condition)                                                \
	({                                                                     \
		static bool msim_warned_;                                      \
		int msim_ret_warn_on_ = !!(condition);                         \
		if (unlikely(msim_ret_warn_on_) &&                             \
		    !__atomic_exchange_n(&msim_warned_, true,                  \
					 __ATOMIC_RELAXED))                    \
			msim_warn(__FILE__, __LINE__, #condition, NULL);       \
		unlikely(msim_ret_warn_on_);                                   \
	})

#define WARN_ONCE(condition, fmt, ...)                                         \
	({                                                                     \
		static bool msim_warned_;                                      \
		int msim_ret_warn_on_ = !!(condition);                         \
		if (unlikely(msim_ret_warn_on_) &&                             \
		    !__atomic_exchange_n(&msim_warned_, true,                  \
					 __ATOMIC_RELAXED))                    \
			msim_warn(__FILE__, __LINE__, #condition, fmt,         \
				  ##__VA_ARGS__);                              \
		unlikely(msim_ret_warn_on_);                                   \
	})

#define BUG() msim_bug(__FILE__, __LINE__, NULL)
#define BUG_ON(condition)                                                      \
	do {                                                                   \
		if (unlikely(condition))                                       \
			msim_bug(__FILE__, __LINE__, #condition);              \
	} while (0)

/* CONFIG_DEBUG_VM: on, as in the kernels mm engineers test with. */
#define VM_BUG_ON(cond) BUG_ON(cond)
#define VM_BUG_ON_PAGE(cond, page) BUG_ON(cond)
#define VM_BUG_ON_FOLIO(cond, folio) BUG_ON(cond)
#define VM_BUG_ON_VMA(cond, vma) BUG_ON(cond)
#define VM_BUG_ON_MM(cond, mm) BUG_ON(cond)
#define VM_WARN_ON(cond) WARN_ON(cond)
#define VM_WARN_ON_ONCE(cond) WARN_ON_ONCE(cond)
#define VM_WARN_ON_ONCE_PAGE(cond, page) WARN_ON_ONCE(cond)
#define VM_WARN_ON_FOLIO(cond, folio) WARN_ON(cond)
#define VM_WARN_ON_ONCE_FOLIO(cond, folio) WARN_ON_ONCE(cond)
#define VM_WARN_ONCE(cond, fmt, ...) WARN_ONCE(cond, fmt, ##__VA_ARGS__)

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")
#define BUILD_BUG_ON_MSG(cond, msg) _Static_assert(!(cond), msg)
#define BUILD_BUG() _Static_assert(0, "BUILD_BUG()")

#endif /* MMSIM_KERNEL_CUSTOM_BUG_H */
