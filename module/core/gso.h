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

/*
 * Receive-side coalescing (GRO), the other way round: segments of one
 * connection that follow each other are appended to the first, which a
 * device's NAPI holds, so the stack and the socket handle one large
 * segment.  A segment joins what is held (held, held_len bytes of data
 * so far, cut at mss) when nothing but its sequence number, window,
 * checksum and the flags that belong to one end (PSH, FIN) tells them
 * apart: the same ACK, the same options (the same timestamp, so PAWS and
 * RTT samples lose nothing), and it starts where the held bytes end.
 * It must carry 1 to mss bytes: the merged segment is cut at the held
 * segment's length if it is forwarded, and a bare ACK is never merged.
 * A segment with CWR starts a train of its own, since CWR marks the
 * first segment after the sender cut its window.  Both are wire headers,
 * the held one as long as the segment's (doff bytes).
 */
bool tcpalt_gro_joins(const u8 *held, u32 held_len, u32 mss, const u8 *seg,
		      u32 len);

/*
 * Whether a segment of len bytes ends what is held of its connection:
 * it is shorter than the held segments' mss (the sender had no more), or
 * it carries a flag the receiver must act on at once.
 */
bool tcpalt_gro_ends(const u8 *seg, u32 len, u32 mss);

#endif /* _TCPALT_CORE_GSO_H */
