/* SPDX-License-Identifier: MIT */
/*
 * Big-endian loads from a byte buffer: the ColdFire is big-endian, and so
 * are its ELF files, its instructions and its exception frames.
 */
#ifndef MMSIM_COLDFIRE_BE_H
#define MMSIM_COLDFIRE_BE_H

#include <stdint.h>

static inline uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

#endif /* MMSIM_COLDFIRE_BE_H */
