/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The congestion window's rules, in bytes: slow start with appropriate
 * byte counting (RFC 3465, L = 2), congestion avoidance by a byte
 * accumulator (RFC 5681 section 3.1, RFC 3465 section 2.1), growth only
 * while the sender is limited by the window (RFC 7661's idea, as Linux's
 * tcp_is_cwnd_limited()), an upper bound, and the restart after an idle
 * period (RFC 5681 section 4.1).
 */
#ifndef _TCPALT_CORE_CWND_H
#define _TCPALT_CORE_CWND_H

#include "compat.h"

/*
 * The largest congestion window: the largest window a peer can offer
 * (65535 << 14, RFC 7323 section 2.3), rounded up to 2^30.  A larger one
 * could never be used, and every sum of the window and a segment or an
 * acknowledgment stays far below 2^32.
 */
#define TCPALT_CWND_MAX		0x40000000U	/* 2^30 */

/* RFC 3465's L: at most two segments of growth per ACK in slow start. */
#define TCPALT_ABC_L		2U

struct tcpalt_cwnd {
	u32 cwnd;		/* bytes */
	u32 ssthresh;		/* bytes */
	u32 ca_acked;		/* bytes acked toward the next segment of
				 * growth in congestion avoidance; < cwnd
				 */
};

/*
 * Whether the window held the sender back, so that growing it is
 * deserved: the sender stopped for it since the last ACK (hit_cwnd), or
 * the flight before this ACK filled at least half of it.  In slow start
 * the window doubles every RTT, so a flight of half the window is already
 * what the next RTT needs (Linux: cwnd < 2 * max_packets_out).
 */
bool tcpalt_cwnd_limited(u32 cwnd, u32 ssthresh, u32 flight, bool hit_cwnd);

/*
 * acked new bytes were acknowledged outside recovery, with a segment size
 * of mss; grow when limited.  Never past TCPALT_CWND_MAX.
 */
void tcpalt_cwnd_on_ack(struct tcpalt_cwnd *c, u32 acked, u32 mss,
			bool limited);

/* Equation (4) of RFC 5681: half the flight, at least two segments. */
u32 tcpalt_ssthresh_after_loss(u32 flight, u32 mss);

/*
 * RFC 5681 section 4.1: data is about to go out with nothing in flight,
 * idle_us after the last send.  After an idle period longer than the RTO
 * the window restarts from min(cwnd, the initial window iw); returns the
 * window to use.
 */
u32 tcpalt_cwnd_after_idle(u32 cwnd, u32 iw, u64 idle_us, u32 rto_us);

#endif /* _TCPALT_CORE_CWND_H */
