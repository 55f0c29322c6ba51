/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one header the portable protocol core includes.  The core is pure
 * logic over byte buffers and integers, so it builds both into the module
 * and into the host unit tests; this header gives it the kernel's type
 * names in either place.
 */
#ifndef _TCPALT_CORE_COMPAT_H
#define _TCPALT_CORE_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
/* For state.c to check its state numbers against the kernel's. */
#include <linux/build_bug.h>
#include <net/tcp_states.h>
#else
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;
#endif

/* Big-endian loads and stores on byte buffers: no alignment assumed. */
static inline u16 tcpalt_get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 tcpalt_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline void tcpalt_put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void tcpalt_put_be32(u8 *p, u32 v)
{
	tcpalt_put_be16(p, v >> 16);
	tcpalt_put_be16(p + 2, v & 0xffff);
}

#endif /* _TCPALT_CORE_COMPAT_H */
