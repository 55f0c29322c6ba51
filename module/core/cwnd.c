// SPDX-License-Identifier: GPL-2.0
#include "cwnd.h"

bool tcpalt_cwnd_limited(u32 cwnd, u32 ssthresh, u32 flight, bool hit_cwnd)
{
	if (hit_cwnd)
		return true;
	if (cwnd < ssthresh)
		return (u64)flight * 2 >= cwnd;
	return flight >= cwnd;
}

static u32 cwnd_add(u32 cwnd, u32 more)
{
	u64 sum = (u64)cwnd + more;

	return sum < TCPALT_CWND_MAX ? (u32)sum : TCPALT_CWND_MAX;
}

/*
 * Congestion avoidance in bytes: a segment more for every window's worth
 * acknowledged, which is RFC 5681's cwnd += SMSS * SMSS / cwnd summed
 * over an RTT without its product (2^32 with a 65535-byte MSS) or its
 * rounding to zero for a large window.  At most one segment per ACK, so
 * a huge cumulative ACK does not skip the once-per-RTT rule.
 */
static void cwnd_avoid(struct tcpalt_cwnd *c, u32 acked, u32 mss)
{
	u64 acc = (u64)c->ca_acked + acked;

	if (acc >= c->cwnd) {
		acc -= c->cwnd;
		c->cwnd = cwnd_add(c->cwnd, mss);
	}
	c->ca_acked = acc < c->cwnd ? (u32)acc : 0;
}

void tcpalt_cwnd_on_ack(struct tcpalt_cwnd *c, u32 acked, u32 mss,
			bool limited)
{
	u64 l_bytes = (u64)TCPALT_ABC_L * mss;

	if (!limited || !acked)
		return;
	if (c->cwnd < c->ssthresh) {
		c->cwnd = cwnd_add(c->cwnd, acked < l_bytes ? acked :
				   (u32)l_bytes);
		c->ca_acked = 0;
		return;
	}
	cwnd_avoid(c, acked, mss);
}

u32 tcpalt_ssthresh_after_loss(u32 flight, u32 mss)
{
	u32 half = flight / 2;
	u64 two = 2ULL * mss;

	return half > two ? half : (u32)two;
}

u32 tcpalt_cwnd_after_idle(u32 cwnd, u32 iw, u64 idle_us, u32 rto_us)
{
	if (idle_us <= rto_us)
		return cwnd;
	return cwnd < iw ? cwnd : iw;
}
