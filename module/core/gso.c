// SPDX-License-Identifier: GPL-2.0
/*
 * The header of each segment cut from a super-segment, and which
 * received segments may be merged into one: see gso.h.
 */
#include "gso.h"

void tcpalt_gso_piece_hdr(const struct tcpalt_hdr *whole, u32 mss, u32 i,
			  u32 n, struct tcpalt_hdr *piece)
{
	*piece = *whole;
	piece->seq = whole->seq + i * mss;
	if (i)
		piece->flags &= ~TCPALT_CWR;
	if (i + 1 < n)
		piece->flags &= ~(TCPALT_PSH | TCPALT_FIN);
}

/* Wire offsets of the fields the merge rules look at. */
#define SEQ_OFF		4
#define ACK_OFF		8
#define DOFF_OFF	12
#define FLAGS_OFF	13
/* The flags that may differ between the segments of one train. */
#define GRO_FREE_FLAGS	(TCPALT_CWR | TCPALT_PSH | TCPALT_FIN)
/* The flags that end a train. */
#define GRO_END_FLAGS	(TCPALT_URG | TCPALT_PSH | TCPALT_RST | \
			 TCPALT_SYN | TCPALT_FIN)

/* The data offset byte, the ACK and every option byte are the same. */
static bool gro_same_hdr(const u8 *held, const u8 *seg)
{
	u32 doff = (seg[DOFF_OFF] >> 4) * 4, i;

	if (held[DOFF_OFF] != seg[DOFF_OFF] ||
	    tcpalt_get_be32(held + ACK_OFF) != tcpalt_get_be32(seg + ACK_OFF))
		return false;
	for (i = TCPALT_HDR_LEN; i < doff; i++)
		if (held[i] != seg[i])
			return false;
	return true;
}

bool tcpalt_gro_joins(const u8 *held, u32 held_len, u32 mss, const u8 *seg,
		      u32 len)
{
	u8 differ = held[FLAGS_OFF] ^ seg[FLAGS_OFF];

	if (!len || len > mss || (seg[FLAGS_OFF] & TCPALT_CWR) ||
	    (differ & ~GRO_FREE_FLAGS))
		return false;
	return gro_same_hdr(held, seg) &&
	       tcpalt_get_be32(seg + SEQ_OFF) ==
	       tcpalt_get_be32(held + SEQ_OFF) + held_len;
}

bool tcpalt_gro_ends(const u8 *seg, u32 len, u32 mss)
{
	return len < mss || (seg[FLAGS_OFF] & GRO_END_FLAGS);
}
