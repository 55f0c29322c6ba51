// SPDX-License-Identifier: GPL-2.0
/* The header of each segment cut from a super-segment: see gso.h. */
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
