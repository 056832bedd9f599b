/* SPDX-License-Identifier: MIT */
/*
 * DUPLICATED: what <linux/kernel.h> and <linux/string.h> give a driver
 * beyond the headers they include: __stringify(), the SZ_* sizes,
 * kstrto*() on the host's strtoul(), strscpy(), memchr_inv(),
 * sysfs_emit()-less formatting helpers, and the rest of the everyday
 * vocabulary (min/max, rounding, bit operations, error pointers,
 * printk() and WARN_ON(), which are CUSTOMISED).
 */
#ifndef MMSIM_KERNEL_DUP_KERNEL_H
#define MMSIM_KERNEL_DUP_KERNEL_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <mmsim-kernel/custom/bug.h>
#include <mmsim-kernel/custom/printk.h>
#include <mmsim-kernel/dup/bitops.h>
#include <mmsim-kernel/dup/compiler.h>
#include <mmsim-kernel/dup/err.h>
#include <mmsim-kernel/dup/math.h>
#include <mmsim-kernel/dup/minmax.h>
#include <mmsim-kernel/dup/types.h>

#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)

#define SZ_1 0x00000001
#define SZ_2 0x00000002
#define SZ_4 0x00000004
#define SZ_8 0x00000008
#define SZ_16 0x00000010
#define SZ_32 0x00000020
#define SZ_64 0x00000040
#define SZ_128 0x00000080
#define SZ_256 0x00000100
#define SZ_512 0x00000200
#define SZ_1K 0x00000400
#define SZ_2K 0x00000800
#define SZ_4K 0x00001000
#define SZ_8K 0x00002000
#define SZ_16K 0x00004000
#define SZ_32K 0x00008000
#define SZ_64K 0x00010000
#define SZ_128K 0x00020000
#define SZ_256K 0x00040000
#define SZ_512K 0x00080000
#define SZ_1M 0x00100000
#define SZ_2M 0x00200000
#define SZ_4M 0x00400000
#define SZ_8M 0x00800000
#define SZ_16M 0x01000000
#define SZ_32M 0x02000000
#define SZ_64M 0x04000000
#define SZ_128M 0x08000000
#define SZ_256M 0x10000000
#define SZ_512M 0x20000000
#define SZ_1G 0x40000000
#define SZ_2G 0x80000000ULL
#define SZ_4G 0x100000000ULL

/* kstrtoul() and friends: the whole string, a trailing newline allowed. */
static inline int msim_kstrto_check(const char *s, const char *end)
{
	if (end == s)
		return -EINVAL;
	if (*end == '\n')
		end++;
	return *end ? -EINVAL : 0;
}

static inline int kstrtoull(const char *s, unsigned int base,
			    unsigned long long *res)
{
	char *end;
	unsigned long long v;

	if (*s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, (int)base);
	if (errno == ERANGE)
		return -ERANGE;
	if (msim_kstrto_check(s, end))
		return -EINVAL;
	*res = v;
	return 0;
}

static inline int kstrtoll(const char *s, unsigned int base, long long *res)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, (int)base);
	if (errno == ERANGE)
		return -ERANGE;
	if (msim_kstrto_check(s, end))
		return -EINVAL;
	*res = v;
	return 0;
}

static inline int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long long v;
	int err = kstrtoull(s, base, &v);

	if (!err && v > ULONG_MAX)
		return -ERANGE;
	if (!err)
		*res = (unsigned long)v;
	return err;
}

static inline int kstrtouint(const char *s, unsigned int base,
			     unsigned int *res)
{
	unsigned long long v;
	int err = kstrtoull(s, base, &v);

	if (!err && v > UINT_MAX)
		return -ERANGE;
	if (!err)
		*res = (unsigned int)v;
	return err;
}

static inline int kstrtoint(const char *s, unsigned int base, int *res)
{
	long long v;
	int err = kstrtoll(s, base, &v);

	if (!err && (v > INT_MAX || v < INT_MIN))
		return -ERANGE;
	if (!err)
		*res = (int)v;
	return err;
}

static inline int kstrtol(const char *s, unsigned int base, long *res)
{
	long long v;
	int err = kstrtoll(s, base, &v);

	if (!err)
		*res = (long)v;
	return err;
}

static inline int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y':
	case 'Y':
	case '1':
		*res = true;
		return 0;
	case 'n':
	case 'N':
	case '0':
		*res = false;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * strscpy - copy at most @count - 1 bytes and a NUL.
 * Return: the length copied, or -E2BIG if it was cut.
 */
static inline ssize_t strscpy(char *dest, const char *src, size_t count)
{
	size_t len;

	if (!count)
		return -E2BIG;
	len = strnlen(src, count);
	if (len == count) {
		memcpy(dest, src, count - 1);
		dest[count - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dest, src, len + 1);
	return (ssize_t)len;
}

/* The first byte of [@start, @start + @bytes) that is not @c, or NULL. */
static inline void *memchr_inv(const void *start, int c, size_t bytes)
{
	const unsigned char *p = start;
	size_t i;

	for (i = 0; i < bytes; i++)
		if (p[i] != (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

#define scnprintf(buf, size, fmt, ...)                                         \
	({                                                                     \
		size_t msim_sz_ = (size);                                      \
		int msim_n_ = snprintf((buf), msim_sz_, fmt, ##__VA_ARGS__);   \
		msim_n_ < 0 ? 0                                                \
		: (size_t)msim_n_ < msim_sz_                                   \
			? msim_n_                                              \
			: (int)(msim_sz_ ? msim_sz_ - 1 : 0);                  \
	})

#endif /* MMSIM_KERNEL_DUP_KERNEL_H */
