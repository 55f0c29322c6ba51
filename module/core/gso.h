/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Super-segments.  The send path hands the IP layer one skb of up to
 * 64 KiB of data under a single header, and the device or the stack cuts
 * it into segments of the MSS (offload.c), each under a copy of that
 * header fixed as below: the header arithmetic, kept here so that it is
 * tested on the host.
 */
#ifndef _TCPALT_CORE_GSO_H
#define _TCPALT_CORE_GSO_H

#include "compat.h"
#include "segment.h"

/* The segments of at most mss bytes that len bytes of data make. */
static inline u32 tcpalt_gso_pieces(u32 len, u32 mss)
{
	return len ? (len + mss - 1) / mss : 1;
}

/*
 * The header of piece i of n cut from whole at mss bytes a piece: its
 * sequence number, and the flags of the whole that belong to one end of
 * it.  CWR marks the first segment after a window reduction (RFC 3168
 * 6.1.2), so only the first piece keeps it; PSH and FIN belong to the
 * last byte, so only the last piece keeps them.
 */
void tcpalt_gso_piece_hdr(const struct tcpalt_hdr *whole, u32 mss, u32 i,
			  u32 n, struct tcpalt_hdr *piece);

#endif /* _TCPALT_CORE_GSO_H */
