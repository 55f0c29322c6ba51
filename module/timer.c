// SPDX-License-Identifier: GPL-2.0
/*
 * A connection's timers, in timer softirq.  One timer does one job at a
 * time (retransmission, zero-window probing, FIN-WAIT-2), since
 * no two of them are ever needed at once; a second one delays ACKs.
 *
 * Each pending timer holds a reference to the socket (sk_reset_timer()).
 * When the user holds the socket, a timer comes back shortly rather
 * than touch it.
 */
#include <net/sock.h>

#include "conn.h"
#include "core/ackpolicy.h"
#include "core/cwnd.h"
#include "stats.h"
#include "tcpalt.h"
#include "trace.h"

#define BUSY_RETRY	(HZ / 20)

static void rtx_busy_retry(struct sock *sk)
{
	sk_reset_timer(sk, &tcpalt_sk(sk)->rtx_timer, jiffies + BUSY_RETRY);
}

void tcpalt_rtx_arm(struct sock *sk, enum tcpalt_rtx_job job, u32 usec)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	unsigned long when = jiffies + usecs_to_jiffies(usec);

	/* procfs reads both without the socket lock (conn.h). */
	WRITE_ONCE(tp->rtx_job, job);
	WRITE_ONCE(tp->rtx_deadline, when);
	sk_reset_timer(sk, &tp->rtx_timer, when);
}

/*
 * An orphan in FIN-WAIT-2 waits fin_timeout (or TCP_LINGER2) for the
 * peer's FIN; with TCP_LINGER2 below 0 it resets at once, as Linux does.
 */
void tcpalt_fin_wait2_arm(struct sock *sk)
{
	int secs = tcpalt_fin_wait2_secs(sk);

	if (secs < 0) {
		tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
				TCPALT_STAT_ABORT_ON_LINGER);
		secs = 0;
	}
	tcpalt_rtx_arm(sk, TCPALT_RTX_FIN_WAIT2, secs * USEC_PER_SEC);
}

void tcpalt_rtx_stop(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	WRITE_ONCE(tp->rtx_job, TCPALT_RTX_NONE);
	sk_stop_timer(sk, &tp->rtx_timer);
}

/* The retry limit of the state: syn_retries, synack_retries, retries2. */
static int rtx_limit(struct sock *sk)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (sk->sk_state == TCP_SYN_SENT)
		return tp->syn_retries ?: READ_ONCE(tn->sysctl_syn_retries);
	if (!tp->syn_acked)	/* SYN-RECEIVED, or closed in it */
		return READ_ONCE(tn->sysctl_synack_retries);
	return READ_ONCE(tn->sysctl_retries2);
}

/*
 * RFC 6298 section 5.4 to 5.6 and RFC 5681 equation (4): resend the
 * oldest segment, back off, restart from one segment.  What follows it
 * is not sent again blindly: the peer may hold much of it out of order.
 * Recovery goes on as after a fast retransmit (RFC 6582), each partial
 * ACK naming the next hole, until SND.NXT at the timeout is acknowledged.
 */
static void rtx_data(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	tp->ssthresh = tcpalt_ssthresh_after_loss(tcpalt_in_flight(tp),
						  tp->mss);
	tp->cwnd = tp->mss;
	tp->in_recovery = 1;
	tp->dupacks = 0;
	tp->recover = tp->snd_max;
	tp->rtx_high = tp->snd_una;
	tp->rtt_timing = 0;
	tcpalt_sack_clear(sk);
	if (tcpalt_in_flight(tp))
		tcpalt_retransmit_head(sk);
	else
		tcpalt_push(sk);
}

/*
 * RFC 5482: with TCP_USER_TIMEOUT, data unacknowledged that long ends a
 * synchronized connection, in place of retries2 (as TCP does).  Returns
 * the jiffies left, or 0 once it is over; -1 when no timeout applies.
 */
static long user_timeout_left(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 ms = READ_ONCE(tp->user_timeout);
	long left;

	if (!ms || !tcpalt_state_synchronized(sk->sk_state))
		return -1;
	left = (long)msecs_to_jiffies(ms) - (long)(jiffies - tp->rtx_stamp);
	return max(left, 0L);
}

static bool rtx_give_up(struct sock *sk)
{
	long left = user_timeout_left(sk);

	if (left < 0)
		return tcpalt_sk(sk)->retransmits >= rtx_limit(sk);
	if (left)
		return false;
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
			TCPALT_STAT_USER_TIMEOUT_ABORTS);
	return true;
}

/*
 * The next timeout: the backed-off RTO, but not past a user timeout that
 * has left jiffies to go (below 0: none).
 */
static u32 rto_within_us(struct sock *sk, long left)
{
	u32 rto = tcpalt_sk(sk)->rto.rto_us;

	if (left < 0 || left >= (long)usecs_to_jiffies(rto))
		return rto;
	return jiffies_to_usecs(left) ?: 1;
}

static u32 rtx_next_us(struct sock *sk)
{
	return rto_within_us(sk, user_timeout_left(sk));
}

/*
 * An orphan that holds memory the protocol has run out of is reset
 * rather than kept retrying (TCP's tcp_out_of_resources()): nobody
 * waits for its data, and live connections need the memory.
 */
static bool rtx_orphan_out_of_memory(struct sock *sk)
{
	if (!sock_flag(sk, SOCK_DEAD) || !tcpalt_out_of_memory(sk))
		return false;
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)), TCPALT_STAT_ABORT_ON_MEMORY);
	tcpalt_sm_event(sk, NULL, TCPALT_EV_ABORT);
	return true;
}

static void rtx_timeout(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (rtx_orphan_out_of_memory(sk))
		return;

	/* The head went out about one RTO ago: that starts the clock. */
	if (!tp->retransmits)
		tp->rtx_stamp = jiffies - usecs_to_jiffies(tp->rto.rto_us);
	if (rtx_give_up(sk)) {
		tcpalt_sm_event(sk, NULL, TCPALT_EV_RTX_TIMEOUT);
		return;
	}
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)), TCPALT_STAT_TIMEOUTS);
	WRITE_ONCE(tp->retransmits, tp->retransmits + 1);
	tcpalt_rto_backoff(&tp->rto, tcpalt_rto_params());
	WRITE_ONCE(tp->rtx_job, TCPALT_RTX_NONE);
	/* Until our SYN is acknowledged, it is what goes again. */
	if (!tp->syn_acked) {
		tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
				TCPALT_STAT_RETRANS_SEGS);
		tp->total_retrans++;
		trace_tcpalt_retransmit(sk, tp->iss, tp->iss + 1);
		tcpalt_send_syn(sk, sk->sk_state != TCP_SYN_SENT);
	} else {
		rtx_data(sk);
	}
	tcpalt_rtx_arm(sk, TCPALT_RTX_RETRANSMIT, rtx_next_us(sk));
}

/*
 * The probes an unanswered zero window gets before the connection ends:
 * retries2 while the user holds the socket; for an orphan orphan_retries,
 * where 0 means 8 while the backed-off RTO is still short of its maximum
 * and none once it reaches it (TCP's tcp_orphan_retries()).
 */
static int persist_limit(struct sock *sk)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	bool alive = tcpalt_sk(sk)->rto.rto_us < tcpalt_rto_params()->max_us;
	int retries;

	if (!sock_flag(sk, SOCK_DEAD))
		return READ_ONCE(tn->sysctl_retries2);
	retries = READ_ONCE(tn->sysctl_orphan_retries);
	if (!retries && alive)
		retries = 8;
	return retries;
}

/*
 * TCP_USER_TIMEOUT bounds zero-window probing as TCP's does: from the
 * first probe of this closed window, answered or not.  Returns the
 * jiffies left, 0 once over, -1 when no user timeout is set.
 */
static long persist_user_timeout_left(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 ms = READ_ONCE(tp->user_timeout);
	s32 gone = (u32)jiffies - tp->probe_stamp;
	long left;

	if (!ms)
		return -1;
	left = (long)msecs_to_jiffies(ms) - gone;
	return max(left, 0L);
}

/*
 * RFC 9293 3.8.6.1 asks a sender to probe a zero window for as long as
 * the receiver answers: an answered probe (any acceptable ACK) starts
 * the count over.  A receiver gone silent, or the user's timeout, ends
 * the connection as a retransmission timeout does.
 */
static bool persist_give_up(struct sock *sk)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (!tp->probe_stamp)
		tp->probe_stamp = (u32)jiffies ?: 1;
	if (!persist_user_timeout_left(sk)) {
		tcpalt_stat_inc(tn, TCPALT_STAT_USER_TIMEOUT_ABORTS);
		return true;
	}
	return tp->probes_out >= persist_limit(sk);
}

/* The next probe, as the next retransmission. */
static u32 persist_next_us(struct sock *sk)
{
	return rto_within_us(sk, persist_user_timeout_left(sk));
}

/* Zero window (RFC 9293 3.8.6.1): probe on backoff until it opens. */
static void rtx_persist(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	WRITE_ONCE(tp->rtx_job, TCPALT_RTX_NONE);
	if (!tcpalt_has_unsent(tp) || tcpalt_in_flight(tp)) {
		tp->probes_out = 0;
		tp->probe_stamp = 0;
		return;
	}
	if (rtx_orphan_out_of_memory(sk))
		return;
	if (persist_give_up(sk)) {
		tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
				TCPALT_STAT_PERSIST_TIMEOUTS);
		tcpalt_sm_event(sk, NULL, TCPALT_EV_RTX_TIMEOUT);
		return;
	}
	tcpalt_send_probe(sk);
	if (tp->probes_out < U8_MAX)
		tp->probes_out++;
	tcpalt_rto_backoff(&tp->rto, tcpalt_rto_params());
	tcpalt_push(sk);
	/* push() arms the probe at the RTO; the user timeout may cut it. */
	if (tp->rtx_job == TCPALT_RTX_NONE || tp->rtx_job == TCPALT_RTX_PERSIST)
		tcpalt_rtx_arm(sk, TCPALT_RTX_PERSIST, persist_next_us(sk));
}

static void rtx_fire(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	switch (tp->rtx_job) {
	case TCPALT_RTX_RETRANSMIT:
		rtx_timeout(sk);
		break;
	case TCPALT_RTX_PERSIST:
		rtx_persist(sk);
		break;
	case TCPALT_RTX_FIN_WAIT2:
		WRITE_ONCE(tp->rtx_job, TCPALT_RTX_NONE);
		tcpalt_sm_event(sk, NULL, TCPALT_EV_FIN_WAIT2_TIMEOUT);
		break;
	default:
		break;
	}
}

static void rtx_timer(struct timer_list *t)
{
	struct tcpalt_sock *tp = from_timer(tp, t, rtx_timer);
	struct sock *sk = &tp->inet.sk;

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk))
		rtx_busy_retry(sk);
	else if (sk->sk_state != TCP_CLOSE &&
		 !time_before(jiffies, tp->rtx_deadline))
		rtx_fire(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
}

/* What the ACK policy (core/ackpolicy.h) decides on. */
void tcpalt_ack_view(const struct sock *sk, struct tcpalt_ack_view *v)
{
	const struct tcpalt_sock *tp = tcpalt_sk(sk);

	*v = (struct tcpalt_ack_view){
		.unacked = tp->rcv_nxt - tp->rcv_wup,
		.seg_mss = tp->rcv_seg_mss ?: TCPALT_DEFAULT_MSS,
		.wnd = tp->rcv_wnd,
		.quick = tp->quick_acks,
		.pingpong = tp->pingpong,
		.now = tp->ack_now,
	};
}

/*
 * Data arrived: RFC 1122 4.2.3.2 and RFC 5681 4.2 by the core's policy,
 * at once or within the delayed-ACK time.
 */
void tcpalt_ack_schedule(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct tcpalt_ack_view v;

	if (tp->acks_owed < U8_MAX)
		tp->acks_owed++;
	tcpalt_ack_view(sk, &v);
	if (tp->quick_acks && !tp->pingpong)
		tp->quick_acks--;
	if (tcpalt_ack_on_data(&v)) {
		tcpalt_send_ack(sk);
		return;
	}
	if (!timer_pending(&tp->delack_timer))
		sk_reset_timer(sk, &tp->delack_timer,
			       jiffies + TCPALT_DELACK_MIN);
}

/*
 * New data is leaving: if data arrived within the delayed-ACK time, the
 * user is answering it, and later ACKs owed may wait for the answer.
 */
void tcpalt_ack_data_sent(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (tp->bytes_received &&
	    tcpalt_ack_pingpong((u32)jiffies - tp->rcv_stamp,
				TCPALT_DELACK_MIN))
		tp->pingpong = 1;
}

void tcpalt_delack_stop(struct sock *sk)
{
	sk_stop_timer(sk, &tcpalt_sk(sk)->delack_timer);
}

static void delack_timer(struct timer_list *t)
{
	struct tcpalt_sock *tp = from_timer(tp, t, delack_timer);
	struct sock *sk = &tp->inet.sk;

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk)) {
		sk_reset_timer(sk, &tp->delack_timer, jiffies + BUSY_RETRY);
	} else if (tp->acks_owed && sk->sk_state != TCP_CLOSE) {
		/* No answer came in time: not interactive after all. */
		tp->pingpong = 0;
		tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
				TCPALT_STAT_DELAYED_ACKS);
		tcpalt_send_ack(sk);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
}

void tcpalt_timers_init(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	timer_setup(&tp->rtx_timer, rtx_timer, 0);
	timer_setup(&tp->delack_timer, delack_timer, 0);
	tcpalt_keepalive_init(sk);
}

void tcpalt_timers_stop(struct sock *sk)
{
	tcpalt_rtx_stop(sk);
	tcpalt_delack_stop(sk);
	tcpalt_keepalive_stop(sk);
}
