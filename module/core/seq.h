/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sequence number arithmetic modulo 2^32 (RFC 9293 section 3.4).
 *
 * Comparisons look at the signed 32-bit distance, so they hold across
 * wraparound as long as the two numbers are less than 2^31 apart, which
 * the window limits guarantee for every pair the protocol compares.
 */
#ifndef _TCPALT_CORE_SEQ_H
#define _TCPALT_CORE_SEQ_H

#include "compat.h"

static inline bool seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool seq_after(u32 a, u32 b)
{
	return seq_before(b, a);
}

static inline bool seq_before_eq(u32 a, u32 b)
{
	return !seq_after(a, b);
}

static inline bool seq_after_eq(u32 a, u32 b)
{
	return !seq_before(a, b);
}

/* lo <= x < hi, in sequence space; an empty range holds nothing. */
static inline bool seq_in_range(u32 x, u32 lo, u32 hi)
{
	return x - lo < hi - lo;
}

#endif /* _TCPALT_CORE_SEQ_H */
