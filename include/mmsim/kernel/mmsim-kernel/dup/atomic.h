/* SPDX-License-Identifier: MIT */
/*
 * DUPLICATED: atomic_t, atomic64_t and atomic_long_t with the kernel's
 * operations, on the compiler's atomic builtins.  The value-returning
 * read-modify-write operations are fully ordered, the others relaxed, as
 * the kernel's atomic_t.txt has them.
 *
 * C11's <stdatomic.h> (which the <mmsim/...> headers use) also names
 * atomic_fetch_add(), atomic_fetch_sub(), atomic_fetch_and(),
 * atomic_fetch_or() and atomic_fetch_xor(), with the arguments the other
 * way round.  In a translation unit that includes the kernel tree they
 * are the kernel's: the <mmsim/...> headers that use C11's are included
 * first, and C11's macros are then replaced.  (C11's *_explicit forms
 * remain.)
 */
#ifndef MMSIM_KERNEL_DUP_ATOMIC_H
#define MMSIM_KERNEL_DUP_ATOMIC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <mmsim/mmsim.h>
#include <mmsim-kernel/dup/types.h>

#undef atomic_fetch_add
#undef atomic_fetch_sub
#undef atomic_fetch_and
#undef atomic_fetch_or
#undef atomic_fetch_xor

#define ATOMIC_INIT(i)                                                         \
	{                                                                      \
		(i)                                                            \
	}
#define ATOMIC64_INIT(i) ATOMIC_INIT(i)
#define ATOMIC_LONG_INIT(i) ATOMIC_INIT(i)

#define MSIM_ATOMIC_OPS(pfx, atype, t)                                         \
	static inline t pfx##_read(const atype *v)                             \
	{                                                                      \
		return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);         \
	}                                                                      \
	static inline t pfx##_read_acquire(const atype *v)                     \
	{                                                                      \
		return __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE);         \
	}                                                                      \
	static inline void pfx##_set(atype *v, t i)                            \
	{                                                                      \
		__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);            \
	}                                                                      \
	static inline void pfx##_set_release(atype *v, t i)                    \
	{                                                                      \
		__atomic_store_n(&v->counter, i, __ATOMIC_RELEASE);            \
	}                                                                      \
	static inline void pfx##_add(t i, atype *v)                            \
	{                                                                      \
		__atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);          \
	}                                                                      \
	static inline void pfx##_sub(t i, atype *v)                            \
	{                                                                      \
		__atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED);          \
	}                                                                      \
	static inline void pfx##_inc(atype *v)                                 \
	{                                                                      \
		pfx##_add(1, v);                                               \
	}                                                                      \
	static inline void pfx##_dec(atype *v)                                 \
	{                                                                      \
		pfx##_sub(1, v);                                               \
	}                                                                      \
	static inline void pfx##_and(t i, atype *v)                            \
	{                                                                      \
		__atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED);          \
	}                                                                      \
	static inline void pfx##_or(t i, atype *v)                             \
	{                                                                      \
		__atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED);           \
	}                                                                      \
	static inline void pfx##_xor(t i, atype *v)                            \
	{                                                                      \
		__atomic_fetch_xor(&v->counter, i, __ATOMIC_RELAXED);          \
	}                                                                      \
	static inline void pfx##_andnot(t i, atype *v)                         \
	{                                                                      \
		__atomic_fetch_and(&v->counter, ~i, __ATOMIC_RELAXED);         \
	}                                                                      \
	static inline t pfx##_fetch_add(t i, atype *v)                         \
	{                                                                      \
		return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST);   \
	}                                                                      \
	static inline t pfx##_fetch_sub(t i, atype *v)                         \
	{                                                                      \
		return __atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST);   \
	}                                                                      \
	static inline t pfx##_fetch_and(t i, atype *v)                         \
	{                                                                      \
		return __atomic_fetch_and(&v->counter, i, __ATOMIC_SEQ_CST);   \
	}                                                                      \
	static inline t pfx##_fetch_or(t i, atype *v)                          \
	{                                                                      \
		return __atomic_fetch_or(&v->counter, i, __ATOMIC_SEQ_CST);    \
	}                                                                      \
	static inline t pfx##_fetch_xor(t i, atype *v)                         \
	{                                                                      \
		return __atomic_fetch_xor(&v->counter, i, __ATOMIC_SEQ_CST);   \
	}                                                                      \
	static inline t pfx##_fetch_inc(atype *v)                              \
	{                                                                      \
		return pfx##_fetch_add(1, v);                                  \
	}                                                                      \
	static inline t pfx##_fetch_dec(atype *v)                              \
	{                                                                      \
		return pfx##_fetch_sub(1, v);                                  \
	}                                                                      \
	static inline t pfx##_add_return(t i, atype *v)                        \
	{                                                                      \
		return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);   \
	}                                                                      \
	static inline t pfx##_sub_return(t i, atype *v)                        \
	{                                                                      \
		return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);   \
	}                                                                      \
	static inline t pfx##_inc_return(atype *v)                             \
	{                                                                      \
		return pfx##_add_return(1, v);                                 \
	}                                                                      \
	static inline t pfx##_dec_return(atype *v)                             \
	{                                                                      \
		return pfx##_sub_return(1, v);                                 \
	}                                                                      \
	static inline bool pfx##_inc_and_test(atype *v)                        \
	{                                                                      \
		return pfx##_inc_return(v) == 0;                               \
	}                                                                      \
	static inline bool pfx##_dec_and_test(atype *v)                        \
	{                                                                      \
		return pfx##_dec_return(v) == 0;                               \
	}                                                                      \
	static inline bool pfx##_sub_and_test(t i, atype *v)                   \
	{                                                                      \
		return pfx##_sub_return(i, v) == 0;                            \
	}                                                                      \
	static inline bool pfx##_add_negative(t i, atype *v)                   \
	{                                                                      \
		return pfx##_add_return(i, v) < 0;                             \
	}                                                                      \
	static inline t pfx##_xchg(atype *v, t i)                              \
	{                                                                      \
		return __atomic_exchange_n(&v->counter, i, __ATOMIC_SEQ_CST);  \
	}                                                                      \
	static inline t pfx##_cmpxchg(atype *v, t old, t new_)                 \
	{                                                                      \
		__atomic_compare_exchange_n(&v->counter, &old, new_, false,    \
					    __ATOMIC_SEQ_CST,                  \
					    __ATOMIC_SEQ_CST);                 \
		return old;                                                    \
	}                                                                      \
	static inline bool pfx##_try_cmpxchg(atype *v, t *old, t new_)         \
	{                                                                      \
		return __atomic_compare_exchange_n(&v->counter, old, new_,     \
						   false, __ATOMIC_SEQ_CST,    \
						   __ATOMIC_SEQ_CST);          \
	}                                                                      \
	/* Add @a unless the value is @u; true if added. */                    \
	static inline bool pfx##_add_unless(atype *v, t a, t u)                \
	{                                                                      \
		t c = pfx##_read(v);                                           \
                                                                               \
		do {                                                           \
			if (c == u)                                            \
				return false;                                  \
		} while (!pfx##_try_cmpxchg(v, &c, c + a));                    \
		return true;                                                   \
	}                                                                      \
	static inline bool pfx##_inc_not_zero(atype *v)                        \
	{                                                                      \
		return pfx##_add_unless(v, 1, 0);                              \
	}                                                                      \
	static inline t pfx##_dec_if_positive(atype *v)                        \
	{                                                                      \
		t c = pfx##_read(v);                                           \
                                                                               \
		do {                                                           \
			if (c <= 0)                                            \
				return c - 1;                                  \
		} while (!pfx##_try_cmpxchg(v, &c, c - 1));                    \
		return c - 1;                                                  \
	}

MSIM_ATOMIC_OPS(atomic, atomic_t, int)
MSIM_ATOMIC_OPS(atomic64, atomic64_t, s64)
MSIM_ATOMIC_OPS(atomic_long, atomic_long_t, long)

#undef MSIM_ATOMIC_OPS

/* cmpxchg() and xchg() on plain scalars. */
#define cmpxchg(ptr, old, new_)                                                \
	({                                                                     \
		__typeof__(*(ptr)) msim_o_ = (old);                            \
		__atomic_compare_exchange_n((ptr), &msim_o_, (new_), false,    \
					    __ATOMIC_SEQ_CST,                  \
					    __ATOMIC_SEQ_CST);                 \
		msim_o_;                                                       \
	})
#define xchg(ptr, v) __atomic_exchange_n((ptr), (v), __ATOMIC_SEQ_CST)
#define try_cmpxchg(ptr, oldp, new_)                                           \
	__atomic_compare_exchange_n((ptr), (oldp), (new_), false,              \
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

#endif /* MMSIM_KERNEL_DUP_ATOMIC_H */
