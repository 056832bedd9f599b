/* SPDX-License-Identifier: MIT */
/*
 * DUPLICATED: min(), max(), clamp(), swap() and friends with the kernel's
 * meaning (each argument evaluated once), and ARRAY_SIZE(),
 * sizeof_field(), container_of() (from <mmsim/list.h>).
 */
#ifndef MMSIM_KERNEL_DUP_MINMAX_H
#define MMSIM_KERNEL_DUP_MINMAX_H

#include <mmsim/list.h>
#include <mmsim-kernel/dup/compiler.h>

#define min(x, y)                                                              \
	({                                                                     \
		__auto_type msim_x_ = (x);                                     \
		__auto_type msim_y_ = (y);                                     \
		msim_x_ < msim_y_ ? msim_x_ : msim_y_;                         \
	})
#define max(x, y)                                                              \
	({                                                                     \
		__auto_type msim_x_ = (x);                                     \
		__auto_type msim_y_ = (y);                                     \
		msim_x_ > msim_y_ ? msim_x_ : msim_y_;                         \
	})
#define min_t(type, x, y) min((type)(x), (type)(y))
#define max_t(type, x, y) max((type)(x), (type)(y))
#define umin(x, y) min((unsigned long long)(x), (unsigned long long)(y))
#define umax(x, y) max((unsigned long long)(x), (unsigned long long)(y))
#define min3(x, y, z) min(min(x, y), z)
#define max3(x, y, z) max(max(x, y), z)
#define clamp(val, lo, hi) min(max(val, lo), hi)
#define clamp_t(type, val, lo, hi) min_t(type, max_t(type, val, lo), hi)
#define clamp_val(val, lo, hi) clamp_t(__typeof__(val), val, lo, hi)
#define swap(a, b)                                                             \
	do {                                                                   \
		__typeof__(a) msim_tmp_ = (a);                                 \
		(a) = (b);                                                     \
		(b) = msim_tmp_;                                               \
	} while (0)

#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#define sizeof_field(TYPE, MEMBER) sizeof((((TYPE *)0)->MEMBER))
#define offsetofend(TYPE, MEMBER)                                              \
	(offsetof(TYPE, MEMBER) + sizeof_field(TYPE, MEMBER))
#define container_of_const(ptr, type, member) container_of(ptr, type, member)

#endif /* MMSIM_KERNEL_DUP_MINMAX_H */
