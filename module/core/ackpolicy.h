/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When the receiver acknowledges (RFC 1122 4.2.3.2, RFC 5681 4.2), in the
 * manner of Linux: at once for every two full segments' worth of bytes
 * (so one ACK answers a 64 KiB GRO segment), for out-of-order data and
 * during the quick-ACK start of a connection; otherwise delayed, and in
 * an interactive (ping-pong) exchange left to ride on the response.
 */
#ifndef _TCPALT_CORE_ACKPOLICY_H
#define _TCPALT_CORE_ACKPOLICY_H

#include "compat.h"

/* Segments acknowledged at once at the start, as Linux's TCP_MAX_QUICKACKS. */
#define TCPALT_QUICKACKS	16

/* The receiver's view when data has arrived or has been read. */
struct tcpalt_ack_view {
	u32 unacked;		/* bytes received since our last ACK */
	u32 seg_mss;		/* the peer's full segment, as estimated */
	u32 wnd;		/* the window our last ACK offered */
	u8 quick;		/* quick ACKs left */
	bool pingpong;		/* interactive: the ACK rides on the answer */
	bool now;		/* out of order, or otherwise due at once */
};

/*
 * The estimate of the peer's full segment (Linux's icsk_ack.rcv_mss):
 * the largest payload seen, a GRO segment counting as its gso_size, never
 * more than what we announced (adv_mss) nor less than min_mss.
 */
u32 tcpalt_ack_seg_mss(u32 est, u32 len, u32 gso_size, u32 adv_mss,
		       u32 min_mss);

/*
 * Data arrived: ACK at once (true) or delay it (false).  Besides the
 * rules above, at once when the peer has used half the window we last
 * offered: a window of under two full segments (a 64 KiB MSS over
 * loopback) would otherwise leave the sender waiting on every delayed
 * ACK.
 */
bool tcpalt_ack_on_data(const struct tcpalt_ack_view *v);

/*
 * The user read and the receive queue is now empty (emptied): whether the
 * ACK owed goes now.  In a bulk transfer a read that drains the queue
 * should not wait for the timer; in a ping-pong exchange it waits for the
 * answer.
 */
bool tcpalt_ack_after_read(const struct tcpalt_ack_view *v, bool emptied);

/*
 * We are sending new data since_rcv jiffies after data last arrived:
 * whether the exchange is interactive (Linux: within the ACK timeout).
 */
bool tcpalt_ack_pingpong(u32 since_rcv, u32 delack);

#endif /* _TCPALT_CORE_ACKPOLICY_H */
