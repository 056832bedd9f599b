/* SPDX-License-Identifier: MIT */
/*
 * DUPLICATED: alignment and rounding (ALIGN(), round_up(),
 * DIV_ROUND_UP(), ...), log2 helpers, and the overflow-checked size
 * helpers (check_add_overflow(), array_size(), struct_size()), with the
 * kernel's meaning.
 */
#ifndef MMSIM_KERNEL_DUP_MATH_H
#define MMSIM_KERNEL_DUP_MATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mmsim-kernel/dup/compiler.h>

#define __ALIGN_MASK(x, mask) (((x) + (mask)) & ~(mask))
#define ALIGN(x, a) __ALIGN_MASK(x, (__typeof__(x))(a)-1)
#define ALIGN_DOWN(x, a) ALIGN((x) - ((a)-1), (a))
#define PTR_ALIGN(p, a) ((__typeof__(p))ALIGN((unsigned long)(p), (a)))
#define PTR_ALIGN_DOWN(p, a)                                                   \
	((__typeof__(p))ALIGN_DOWN((unsigned long)(p), (a)))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define round_up(x, y) ((((x)-1) | ((__typeof__(x))((y)-1))) + 1)
#define round_down(x, y) ((x) & ~((__typeof__(x))((y)-1)))
#define roundup(x, y) ((((x) + ((y)-1)) / (y)) * (y))
#define rounddown(x, y) ((x) - ((x) % (y)))
#define DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))
#define DIV_ROUND_UP_ULL(ll, d) DIV_ROUND_UP((unsigned long long)(ll), (d))
#define DIV_ROUND_CLOSEST(x, d) (((x) + ((d) / 2)) / (d))
#define upper_32_bits(n) ((unsigned int)(((n) >> 16) >> 16))
#define lower_32_bits(n) ((unsigned int)((n)&0xffffffff))
#define abs_diff(a, b) ((a) > (b) ? (a) - (b) : (b) - (a))

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* ilog2 - floor(log2(n)); undefined for 0, as the kernel's. */
static inline int ilog2(unsigned long n)
{
	return (int)(sizeof(long) * 8 - 1) - __builtin_clzl(n);
}

static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << (ilog2(n - 1) + 1);
}

static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << ilog2(n);
}

static inline int order_base_2(unsigned long n)
{
	return n <= 1 ? 0 : ilog2(n - 1) + 1;
}

#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d) __builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)

/* a * b, or SIZE_MAX if that overflows (so that an allocation fails). */
static inline size_t array_size(size_t a, size_t b)
{
	size_t bytes;

	return check_mul_overflow(a, b, &bytes) ? SIZE_MAX : bytes;
}

static inline size_t array3_size(size_t a, size_t b, size_t c)
{
	return array_size(array_size(a, b), c);
}

static inline size_t size_add(size_t a, size_t b)
{
	size_t bytes;

	return check_add_overflow(a, b, &bytes) ? SIZE_MAX : bytes;
}

#define struct_size(p, member, count)                                          \
	size_add(sizeof(*(p)), array_size(count, sizeof(*(p)->member)))
#define flex_array_size(p, member, count)                                      \
	array_size(count, sizeof(*(p)->member))

#endif /* MMSIM_KERNEL_DUP_MATH_H */
