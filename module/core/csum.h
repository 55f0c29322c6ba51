/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Internet checksum (RFC 1071) over a segment and the IPv4 pseudo-header
 * of RFC 9293 section 3.1.
 *
 * The module checksums on its fast paths with the kernel's csum helpers,
 * which use the hardware and CHECKSUM_COMPLETE; this reference version is
 * what the tests build and verify segments with, so the two are checked
 * against each other on every segment a VM test sees.
 */
#ifndef _TCPALT_CORE_CSUM_H
#define _TCPALT_CORE_CSUM_H

#include "compat.h"

/* Adds the 16-bit big-endian words of buf to a running 32-bit sum. */
u32 tcpalt_csum_add(u32 sum, const u8 *buf, size_t len);

/* Folds a running sum to 16 bits and complements it. */
u16 tcpalt_csum_fold(u32 sum);

/*
 * The checksum field value for a segment of len bytes (its checksum field
 * taken as zero), with addresses in network byte order.  Verifying a
 * received segment: the same call over the segment as received gives 0.
 */
u16 tcpalt_segment_csum(const u8 saddr[4], const u8 daddr[4], u8 proto,
			const u8 *seg, size_t len);

#endif /* _TCPALT_CORE_CSUM_H */
