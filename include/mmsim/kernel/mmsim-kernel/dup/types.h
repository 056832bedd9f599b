/* SPDX-License-Identifier: MIT */
/*
 * DUPLICATED: the kernel's own integer and handle types, with the
 * kernel's definitions (u64 is unsigned long long, as in the kernel, so
 * that "%llx" formats it).  loff_t and pgoff_t are the host's and the
 * model's, which are the same types.
 */
#ifndef MMSIM_KERNEL_DUP_TYPES_H
#define MMSIM_KERNEL_DUP_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <mmsim/list.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef signed short s16;
typedef signed int s32;
typedef signed long long s64;

typedef unsigned int gfp_t;
typedef unsigned int fmode_t;
typedef unsigned short umode_t;
typedef u64 phys_addr_t;
typedef u64 dma_addr_t;
typedef phys_addr_t resource_size_t;
typedef unsigned long pgoff_t;
typedef __loff_t loff_t;
typedef unsigned int __poll_t;
typedef unsigned long irq_hw_number_t;

/* kernel/types.h keeps the atomic counters with the other types. */
typedef struct {
	int counter;
} atomic_t;

typedef struct {
	s64 counter;
} atomic64_t;

typedef struct {
	long counter;
} atomic_long_t;

#ifndef __cplusplus
#define DECLARE_BITMAP(name, bits)                                             \
	unsigned long name[((bits) + 8 * sizeof(long) - 1) / (8 * sizeof(long))]
#endif

#endif /* MMSIM_KERNEL_DUP_TYPES_H */
