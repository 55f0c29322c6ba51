// SPDX-License-Identifier: GPL-2.0
/*
 * The sizes of a connection's buffers: the window the receive buffer
 * pays for, at the truesize the arrivals actually cost; receive-buffer
 * autotuning in the manner of dynamic right-sizing (the receiver's RTT,
 * from timestamps or from the time a window takes to arrive, and the
 * bytes the user reads per RTT); the window scale that lets the window
 * reach the namespace's rmem maximum; and send-buffer growth with the
 * congestion window.  Nothing grows a buffer whose size the user set,
 * nor any buffer while the protocol's memory is past its low limit.
 */
#include <linux/log2.h>
#include <net/sock.h>

#include "conn.h"
#include "core/seq.h"
#include "core/window.h"
#include "tcpalt.h"

/* Before any measurement: half of the buffer is payload, as Linux assumes. */
#define RATIO_DEFAULT	128

static u8 rcv_ratio(const struct tcpalt_sock *tp)
{
	return tp->rcv_ratio ?: RATIO_DEFAULT;
}

/* A microsecond clock for intervals under an hour. */
static u32 us_now(void)
{
	return (u32)ktime_to_us(ktime_get());
}

/*
 * The window the free receive buffer pays for: the peer's segments then
 * fit the buffer by their truesize, not just by their bytes.
 */
u32 tcpalt_rcv_wnd_now(struct sock *sk)
{
	s64 free = (s64)READ_ONCE(sk->sk_rcvbuf) -
		   atomic_read(&sk->sk_rmem_alloc);

	return tcpalt_win_from_space(free, rcv_ratio(tcpalt_sk(sk)));
}

/* The window the whole buffer pays for. */
u32 tcpalt_rcv_full_wnd(const struct sock *sk)
{
	return tcpalt_win_from_space(READ_ONCE(sk->sk_rcvbuf),
				     rcv_ratio(tcpalt_sk(sk)));
}

/*
 * The scale our SYN offers: enough for the largest buffer autotuning may
 * grow to, as Linux picks its scale from tcp_rmem[2].
 */
u8 tcpalt_rcv_wscale(const struct sock *sk)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	u32 space = max_t(u32, READ_ONCE(sk->sk_rcvbuf),
			  READ_ONCE(sysctl_rmem_max));

	return tcpalt_wscale_for(max_t(u32, space,
				       READ_ONCE(tn->sysctl_rmem[2])));
}

/* RTT samples: smoothed by 1/8 from timestamps, the least by windows. */
static void rcv_rtt_update(struct tcpalt_sock *tp, u32 sample_us, bool win)
{
	u32 rtt = tp->rcv_rtt_us;

	sample_us = max(sample_us, 1U);
	if (!rtt)
		rtt = sample_us;
	else if (win)
		rtt = min(rtt, sample_us);
	else
		rtt = rtt - rtt / 8 + sample_us / 8;
	tp->rcv_rtt_us = max(rtt, 1U);
}

/*
 * Without timestamps: the time from offering a window to its last byte
 * arriving is at least an RTT (Linux's tcp_rcv_rtt_measure()).
 */
static void rcv_rtt_by_window(struct tcpalt_sock *tp)
{
	u32 now = us_now();

	if (tp->rcv_rtt_stamp && !seq_before(tp->rcv_nxt, tp->rcv_rtt_seq))
		rcv_rtt_update(tp, now - tp->rcv_rtt_stamp, true);
	if (!tp->rcv_rtt_stamp || !seq_before(tp->rcv_nxt, tp->rcv_rtt_seq)) {
		tp->rcv_rtt_seq = tp->rcv_nxt + max(tp->rcv_wnd, 1U);
		tp->rcv_rtt_stamp = now | 1;
	}
}

/*
 * With timestamps, a full segment echoes the TSval of the ACK that let
 * it go: now less that is an RTT, in our millisecond clock.
 */
static void rcv_rtt_by_ts(struct tcpalt_sock *tp,
			  const struct tcpalt_skb_cb *cb)
{
	s32 ms = (s32)(tcpalt_ts_now(tp) - cb->tsecr);

	if (ms >= 0 && ms < 60 * MSEC_PER_SEC)
		rcv_rtt_update(tp, max(ms, 1) * USEC_PER_MSEC, false);
}

/*
 * In-order data arrived, rcv_nxt already past it: learn what its bytes
 * cost in truesize, from full segments only (a short one's kmalloc
 * rounding says little of the next full one), and the receiver's RTT.
 */
void tcpalt_rcv_measure(struct sock *sk, const struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 full = tp->rcv_seg_mss;

	if (skb->len >= full && skb->truesize) {
		u64 ratio = ((u64)skb->len << 8) / skb->truesize;

		tp->rcv_ratio = clamp_t(u64, ratio, 1, 255);
	}
	if (tp->ts_ok && cb->has_ts && cb->tsecr) {
		if (skb->len >= full)
			rcv_rtt_by_ts(tp, cb);
	} else {
		rcv_rtt_by_window(tp);
	}
}

/*
 * The connection is established: the first RTT of reading starts now,
 * counted against the initial window's worth (Linux's
 * tcp_init_buffer_space()).
 */
void tcpalt_rcv_space_init(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	tp->rcvq_space = min_t(u32, tp->rcv_wnd,
			       TCPALT_INIT_CWND * (u32)tp->rcv_mss);
	tp->rcvq_seq = tp->copied_seq;
	tp->rcvq_stamp = us_now();
	tcpalt_snd_buf_expand(sk);
}

/*
 * After a read: once an RTT has passed, if the user read more in it than
 * in any RTT before, the buffer grows to hold two RTTs of that rate
 * (tcpalt_drs_rcvbuf()), towards the namespace's rmem maximum.
 */
void tcpalt_rcv_space_adjust(struct sock *sk)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 now = us_now(), copied, buf;

	if (!tp->rcv_rtt_us || now - tp->rcvq_stamp < tp->rcv_rtt_us)
		return;
	copied = tp->copied_seq - tp->rcvq_seq;
	if (copied > tp->rcvq_space) {
		buf = tcpalt_drs_rcvbuf(copied, tp->rcvq_space, tp->rcv_seg_mss,
					rcv_ratio(tp),
					READ_ONCE(tn->sysctl_rmem[2]));
		if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK) &&
		    tcpalt_mem_may_grow(sk) && buf > READ_ONCE(sk->sk_rcvbuf))
			WRITE_ONCE(sk->sk_rcvbuf, buf);
		tp->rcvq_space = copied;
	}
	tp->rcvq_seq = tp->copied_seq;
	tp->rcvq_stamp = now;
}

/*
 * What one segment of the MSS costs on the write queue: a linear skb of
 * the MSS and our headroom, kmalloc rounding to a power of two included.
 */
static u32 snd_seg_truesize(const struct tcpalt_sock *tp)
{
	u32 size = tp->mss + TCPALT_MAX_HEADER +
		   SKB_DATA_ALIGN(sizeof(struct skb_shared_info));

	return roundup_pow_of_two(size) + SKB_DATA_ALIGN(sizeof(struct sk_buff));
}

/*
 * The send buffer holds two congestion windows (what is in flight and
 * what replaces it), at least two initial ones, towards the namespace's
 * wmem maximum (Linux's tcp_sndbuf_expand()).
 */
void tcpalt_snd_buf_expand(struct sock *sk)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 segs = max_t(u32, tp->cwnd / max_t(u32, tp->mss, 1),
			 TCPALT_INIT_CWND);
	u64 want = 2ULL * segs * snd_seg_truesize(tp);
	u32 max = READ_ONCE(tn->sysctl_wmem[2]);

	if ((sk->sk_userlocks & SOCK_SNDBUF_LOCK) || !tcpalt_mem_may_grow(sk))
		return;
	want = min_t(u64, want, max);
	if (want > READ_ONCE(sk->sk_sndbuf)) {
		WRITE_ONCE(sk->sk_sndbuf, want);
		sk->sk_write_space(sk);
	}
}
