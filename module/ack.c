// SPDX-License-Identifier: GPL-2.0
/*
 * What an acceptable ACK does to the sender: the RTT sample (RFC 6298,
 * Karn's rule, and RFC 7323's TSecr), the send window (RFC 9293 3.10.7.4), and NewReno
 * congestion control: slow start and congestion avoidance (RFC 5681),
 * fast retransmit and fast recovery with partial ACKs (RFC 6582).
 * All in bytes.
 */
#include <net/sock.h>

#include "conn.h"
#include "core/cwnd.h"
#include "core/seq.h"
#include "core/window.h"
#include "stats.h"
#include "tcpalt.h"
#include "trace.h"

#define DUPACK_THRESHOLD	TCPALT_DUPACK_THRESHOLD

/* Was the first segment this ACK acknowledges ever sent again? */
static bool ack_covers_retransmitted(struct sock *sk)
{
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);

	return head && TCPALT_SKB_CB(head)->retransmitted;
}

/*
 * An ACK of new data, before the write queue lets it go: the RTT sample,
 * if it gives one.  The segment being timed gives one in microseconds
 * when its ACK comes; a retransmission stops that timing, since its ACK
 * would not say which transmission it answers (RFC 6298 section 3,
 * Karn's rule).  An ACK of retransmitted data says it with timestamps:
 * its TSecr echoes the TSval of the transmission it answers (RFC 7323
 * section 4), so the RTO goes on learning through retransmissions, in
 * the timestamp clock's milliseconds, as Linux falls back to it.
 */
static void ack_rtt(struct sock *sk, const struct tcpalt_skb_cb *cb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 us = 0;

	if (tp->rtt_timing && !seq_before(cb->ack, tp->rtt_seq)) {
		tp->rtt_timing = 0;
		us = clamp_t(s64, ktime_us_delta(ktime_get(), tp->rtt_start),
			     1, U32_MAX);
	} else if (tp->ts_ok && cb->has_ts && ack_covers_retransmitted(sk)) {
		us = tcpalt_rtt_from_tsecr(tcpalt_ts_now(tp), cb->tsecr);
	}
	if (us)
		tcpalt_rto_sample(&tp->rto, tcpalt_rto_params(), us);
}

/*
 * RFC 5681 section 3.1 by the core's rules: only while the window held
 * the sender back, judged by the flight before this ACK and by whether
 * tcpalt_push() stopped for the window since the last one.
 */
static void cwnd_grow(struct sock *sk, u32 acked, u32 prior_flight)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct tcpalt_cwnd c = {
		.cwnd = tp->cwnd,
		.ssthresh = tp->ssthresh,
		.ca_acked = tp->cwnd_acked,
	};
	bool limited = tcpalt_cwnd_limited(tp->cwnd, tp->ssthresh,
					   prior_flight, tp->cwnd_limited);

	tcpalt_cwnd_on_ack(&c, acked, tp->mss, limited);
	tp->cwnd_limited = 0;
	tp->cwnd_acked = c.ca_acked;
	if (c.cwnd == tp->cwnd)
		return;
	tp->cwnd = c.cwnd;
	/* The send buffer keeps up with the window it feeds. */
	tcpalt_snd_buf_expand(sk);
}

static u32 ssthresh_after_loss(const struct tcpalt_sock *tp)
{
	return tcpalt_ssthresh_after_loss(tcpalt_in_flight(tp), tp->mss);
}

/*
 * Data is about to leave with nothing in flight: after an idle period
 * longer than the RTO the ACK clock is gone, so the window restarts from
 * at most the initial one (RFC 5681 section 4.1).
 */
static void cwnd_restart_idle(struct tcpalt_sock *tp, u32 now)
{
	u64 idle_us = jiffies_to_msecs(now - tp->snd_stamp) * 1000ULL;

	tp->cwnd = tcpalt_cwnd_after_idle(tp->cwnd, TCPALT_INIT_CWND * tp->mss,
					  idle_us, tp->rto.rto_us);
}

/*
 * The send path sent a segment starting at seq.  Only new data counts,
 * as "sent" in RFC 5681 section 4.1 means: it restarts an idle window
 * and tells the ACK policy that we answer.
 */
void tcpalt_event_data_sent(struct sock *sk, u32 seq)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 now = (u32)jiffies;

	if (seq_before(seq, tp->snd_max))
		return;
	if (!tcpalt_in_flight(tp))
		cwnd_restart_idle(tp, now);
	tp->snd_stamp = now;
	tcpalt_ack_data_sent(sk);
}

static void recovery_enter(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	tp->ssthresh = ssthresh_after_loss(tp);
	tp->cwnd = tp->ssthresh + DUPACK_THRESHOLD * tp->mss;
	tp->recover = tp->snd_max;
	tp->in_recovery = 1;
	tcpalt_sack_recovery_start(sk);
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)), TCPALT_STAT_FAST_RETRANS);
	tcpalt_retransmit_head(sk);
}

/* RFC 6582 section 3.2, steps 3 to 5. */
static void ack_in_recovery(struct sock *sk, u32 acked)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (!seq_before(tp->snd_una, tp->recover)) {
		/* Full acknowledgment: deflate, leave recovery. */
		tp->cwnd = min(tp->ssthresh,
			       max(tcpalt_in_flight(tp), tp->mss) + tp->mss);
		tp->in_recovery = 0;
		tp->dupacks = 0;
		return;
	}
	/*
	 * Partial: the new first segment is lost too, unless this recovery
	 * resent it already; then SACK may name another hole.
	 */
	if (!seq_before(tp->snd_una, tp->rtx_high))
		tcpalt_retransmit_head(sk);
	else
		tcpalt_sack_retransmit_hole(sk);
	tp->cwnd = tp->cwnd > acked ? tp->cwnd - acked : 0;
	if (acked >= tp->mss)
		tp->cwnd += tp->mss;
	tp->cwnd = max_t(u32, tp->cwnd, tp->mss);
}

static void ack_new(struct sock *sk, const struct tcpalt_skb_cb *cb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 prior_flight = tcpalt_in_flight(tp);
	u32 ack = cb->ack;
	u32 acked = ack - tp->snd_una;

	ack_rtt(sk, cb);
	WRITE_ONCE(tp->snd_una, ack);
	if (seq_after(ack, tp->snd_nxt))
		tp->snd_nxt = ack;	/* acks what a timeout made us resend */
	tp->bytes_acked += acked;
	WRITE_ONCE(tp->retransmits, 0);
	/* The path works: an ICMP error before this is no reason to fail. */
	WRITE_ONCE(sk->sk_err_soft, 0);
	tcpalt_clean_acked(sk, ack);
	if (tp->in_recovery)
		ack_in_recovery(sk, acked);
	else
		cwnd_grow(sk, acked, prior_flight);
	tp->dupacks = 0;
	/* RFC 6298 section 5.2 and 5.3. */
	if (tp->snd_una != tp->snd_max)
		tcpalt_rtx_arm(sk, TCPALT_RTX_RETRANSMIT, tp->rto.rto_us);
	else if (tp->rtx_job == TCPALT_RTX_RETRANSMIT)
		tcpalt_rtx_stop(sk);
}

static void ack_dup(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (tp->snd_una == tp->snd_max)
		return;
	tp->dupacks++;
	/*
	 * A segment left the network: it makes room for a hole SACK names,
	 * else for new data (RFC 6582 3.2 step 4).
	 */
	if (tp->in_recovery && !tcpalt_sack_retransmit_hole(sk))
		tp->cwnd = min(tp->cwnd + tp->mss, TCPALT_CWND_MAX);
	else if (tp->dupacks == DUPACK_THRESHOLD &&
		 seq_after(tp->snd_una, tp->recover))
		recovery_enter(sk);
}

/* Section 3.10.7.4 fifth: SND.WND from a segment that is not older. */
static void ack_window(struct sock *sk, const struct tcpalt_skb_cb *cb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (!tcpalt_snd_wnd_update_ok(cb->seq, cb->ack, tp->snd_wl1,
				      tp->snd_wl2))
		return;
	tp->snd_wnd = tcpalt_snd_wnd(cb->window, tp->snd_wscale, false);
	tp->snd_wl1 = cb->seq;
	tp->snd_wl2 = cb->ack;
	tp->max_snd_wnd = max(tp->max_snd_wnd, tp->snd_wnd);
	if (tp->snd_wnd && tp->rtx_job == TCPALT_RTX_PERSIST) {
		tcpalt_rtx_stop(sk);
		tp->probe_stamp = 0;
	}
}

/*
 * An ACK that passed tcpalt_check_ack(): new or duplicate.  dup_candidate
 * says whether it meets RFC 5681's other conditions for a duplicate.
 */
void tcpalt_ack_rcvd(struct sock *sk, const struct tcpalt_skb_cb *cb,
		     bool dup_candidate)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	/* The peer answers: zero-window probing may go on (timer.c). */
	tp->probes_out = 0;
	if (seq_after(cb->ack, tp->snd_una))
		ack_new(sk, cb);
	else if (dup_candidate)
		ack_dup(sk);
	ack_window(sk, cb);
	trace_tcpalt_probe(sk);
	tcpalt_push(sk);
}
