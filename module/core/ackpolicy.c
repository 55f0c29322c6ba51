// SPDX-License-Identifier: GPL-2.0
#include "ackpolicy.h"

u32 tcpalt_ack_seg_mss(u32 est, u32 len, u32 gso_size, u32 adv_mss,
		       u32 min_mss)
{
	u32 seg = gso_size ? gso_size : len;

	if (seg > est)
		est = seg;
	if (est > adv_mss)
		est = adv_mss;
	return est > min_mss ? est : min_mss;
}

/* Two full segments, counted in bytes; no overflow for any MSS. */
static bool two_segments(const struct tcpalt_ack_view *v)
{
	return v->unacked >= 2ULL * v->seg_mss;
}

/* The peer has used half the window we offered, or more. */
static bool half_window(const struct tcpalt_ack_view *v)
{
	return v->wnd && 2ULL * v->unacked >= v->wnd;
}

bool tcpalt_ack_on_data(const struct tcpalt_ack_view *v)
{
	if (v->now || two_segments(v) || half_window(v))
		return true;
	/* Quick ACKs let slow start run; an interactive peer needs none. */
	return v->quick && !v->pingpong;
}

bool tcpalt_ack_after_read(const struct tcpalt_ack_view *v, bool emptied)
{
	if (two_segments(v))
		return true;
	return emptied && !v->pingpong && v->unacked;
}

bool tcpalt_ack_pingpong(u32 since_rcv, u32 delack)
{
	return since_rcv < delack;
}
