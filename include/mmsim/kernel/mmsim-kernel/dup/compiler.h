/* SPDX-License-Identifier: MIT */
/*
 * DUPLICATED: the compiler vocabulary of kernel code (annotations,
 * likely(), READ_ONCE(), barriers), re-expressed with the kernel's
 * meaning for a user-space build.  Nothing here is backed by the model.
 *
 * The sparse annotations (__user, __rcu, __iomem, __force, __bitwise)
 * mean nothing to the compiler and expand to nothing.  READ_ONCE() and
 * WRITE_ONCE() are relaxed atomic accesses rather than volatile ones, so
 * that ThreadSanitizer knows them for the marked accesses they are.
 *
 * Kernel code is GNU C: in a strict -std=c11 build, typeof and asm are
 * given their GNU spellings here.
 */
#ifndef MMSIM_KERNEL_DUP_COMPILER_H
#define MMSIM_KERNEL_DUP_COMPILER_H

#include <stddef.h>

#if defined(__STRICT_ANSI__) && !defined(typeof)
#define typeof __typeof__
#endif
#if defined(__STRICT_ANSI__) && !defined(asm)
#define asm __asm__
#endif

#define __user
#define __kernel
#define __iomem
#define __rcu
#define __percpu
#define __force
#define __bitwise
#define __private
#define __randomize_layout
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)
#define __cond_acquires(x)

#define __must_check __attribute__((__warn_unused_result__))
#define __always_unused __attribute__((__unused__))
#define __maybe_unused __attribute__((__unused__))
/* glibc's <sys/cdefs.h> has the same one. */
#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#define noinline __attribute__((__noinline__))
#define __noreturn __attribute__((__noreturn__))
#define __packed __attribute__((__packed__))
#define __aligned(x) __attribute__((__aligned__(x)))
#define __printf(a, b) __attribute__((__format__(printf, a, b)))
#define __cold __attribute__((__cold__))
#define __pure __attribute__((__pure__))
#define __weak __attribute__((__weak__))
#define __read_mostly
#define __ro_after_init
#define __cacheline_aligned
#define ____cacheline_aligned
#define __cacheline_aligned_in_smp
#define notrace
#define __used __attribute__((__used__))
#define fallthrough __attribute__((__fallthrough__))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define barrier() __asm__ __volatile__("" : : : "memory")
#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_mb__before_atomic() smp_mb()
#define smp_mb__after_atomic() smp_mb()
#define mb() smp_mb()
#define rmb() smp_rmb()
#define wmb() smp_wmb()
#define cpu_relax() barrier()

/* The type of @x without its qualifiers (nothing is evaluated). */
#define msim_unqual_typeof(x)                                                  \
	__typeof__(({                                                          \
		__auto_type msim_t_ = (x);                                     \
		msim_t_;                                                       \
	}))

/*
 * The marked accesses.  <mmsim/...> internals define their own (acquire
 * and release) for the library's white-box tests; whichever comes first
 * is used.
 */
#ifndef READ_ONCE
#define READ_ONCE(x)                                                           \
	({                                                                     \
		msim_unqual_typeof(x) msim_v_;                                 \
		__atomic_load(&(x), &msim_v_, __ATOMIC_RELAXED);               \
		msim_v_;                                                       \
	})
#endif
#ifndef WRITE_ONCE
#define WRITE_ONCE(x, val)                                                     \
	do {                                                                   \
		msim_unqual_typeof(x) msim_v_ = (val);                         \
		__atomic_store(&(x), &msim_v_, __ATOMIC_RELAXED);              \
	} while (0)
#endif

#define smp_load_acquire(p)                                                    \
	({                                                                     \
		msim_unqual_typeof(*(p)) msim_v_;                              \
		__atomic_load((p), &msim_v_, __ATOMIC_ACQUIRE);                \
		msim_v_;                                                       \
	})
#define smp_store_release(p, v)                                                \
	do {                                                                   \
		msim_unqual_typeof(*(p)) msim_v_ = (v);                        \
		__atomic_store((p), &msim_v_, __ATOMIC_RELEASE);               \
	} while (0)

#define data_race(expr) (expr)
#define ACCESS_PRIVATE(p, member) ((p)->member)

/*
 * A kernel API the tree deliberately does not have, or no longer has in
 * the kernel version chosen: using it is a compile error that names it
 * and says why (a _Static_assert inside an expression).
 */
#define MSIM_KERNEL_MISSING(what)                                              \
	((void)sizeof(struct {                                                 \
		_Static_assert(0, what);                                       \
		int msim_missing_;                                             \
	}))

#endif /* MMSIM_KERNEL_DUP_COMPILER_H */
