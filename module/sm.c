// SPDX-License-Identifier: GPL-2.0
/*
 * Carrying out what the state table (core/state.c) decides: the actions
 * of a move and the new state, in the order state.h gives.
 */
#include <net/sock.h>

#include "conn.h"
#include "stats.h"
#include "tcpalt.h"
#include "trace.h"

/* RFC 9293's error conditions as the errno a TCP socket reports. */
static int sm_errno(const struct sock *sk, enum tcpalt_sm_err err)
{
	switch (err) {
	case TCPALT_SM_ERR_REFUSED:
		return -ECONNREFUSED;
	case TCPALT_SM_ERR_RESET:
		/* Linux: the user has read the FIN, writing is what fails. */
		return sk->sk_state == TCP_CLOSE_WAIT ? -EPIPE : -ECONNRESET;
	case TCPALT_SM_ERR_TIMEOUT:
		/* RFC 1122 4.2.3.9: an ICMP error, if one came, says why. */
		return -(READ_ONCE(sk->sk_err_soft) ?: ETIMEDOUT);
	default:
		return 0;
	}
}

static void sm_send(struct sock *sk, struct sk_buff *skb, u16 a)
{
	if (a & TCPALT_ACT_SEND_SYNACK)
		tcpalt_send_syn(sk, true);
	if (a & TCPALT_ACT_SEND_ACK)
		tcpalt_send_ack(sk);
	if (a & TCPALT_ACT_CHALLENGE_ACK)
		tcpalt_send_challenge_ack(sk);
	if (a & TCPALT_ACT_SEND_FIN)
		tcpalt_queue_fin(sk);
	if (a & TCPALT_ACT_SEND_RST)
		tcpalt_send_active_reset(sk);
	if ((a & TCPALT_ACT_REPLY_RST) && skb)
		tcpalt_send_reset_to(sk, skb);
}

static void sm_timers(struct sock *sk, u16 a)
{
	if ((a & TCPALT_ACT_FIN_WAIT2_TIMER) && sock_flag(sk, SOCK_DEAD))
		tcpalt_fin_wait2_arm(sk);
}

static void sm_notify(struct sock *sk, u16 a)
{
	if (a & TCPALT_ACT_NOTIFY_CONNECTED && !sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
	}
	if (a & TCPALT_ACT_NOTIFY_EOF) {
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
		sock_set_flag(sk, SOCK_DONE);
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_IN);
		}
	}
}

static void sm_count(struct sock *sk, const struct tcpalt_sm_entry *e,
		     enum tcpalt_event ev)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));

	if (ev == TCPALT_EV_RST) {
		trace_tcpalt_receive_reset(inet_sk(sk)->inet_rcv_saddr,
					   inet_sk(sk)->inet_sport,
					   inet_sk(sk)->inet_daddr,
					   inet_sk(sk)->inet_dport);
		tcpalt_stat_inc(tn, TCPALT_STAT_IN_RSTS);
		if ((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT))
			tcpalt_stat_inc(tn, TCPALT_STAT_ESTAB_RESETS);
	}
}

/*
 * Feeds ev to the table in the socket's state and carries out the move.
 * skb is the segment behind the event, or NULL for a user call or a
 * timer.  Returns false when the connection is over.
 *
 * A gap is an event raised in a state where no caller raises it (the
 * callers check the state, or an invariant of the table's own moves
 * rules it out): our bug, whatever a peer sends.  It changes nothing.
 */
bool tcpalt_sm_event(struct sock *sk, struct sk_buff *skb,
		     enum tcpalt_event ev)
{
	const struct tcpalt_sm_entry *e = tcpalt_sm_lookup(sk->sk_state, ev);
	int err;

	if (WARN_ONCE(e->verdict == TCPALT_SM_GAP,
		      "tcpalt: event %s in state %s has no cell\n",
		      tcpalt_event_name(ev), tcpalt_state_name(sk->sk_state)))
		return sk->sk_state != TCP_CLOSE;
	if (e->verdict == TCPALT_SM_IGNORE)
		return true;
	sm_count(sk, e, ev);
	err = sm_errno(sk, e->err);
	sm_send(sk, skb, e->actions);
	sm_timers(sk, e->actions);
	if (e->next != sk->sk_state && e->next != TCPALT_CLOSE) {
		tcpalt_set_state(sk, e->next);
		/* close() may be lingering for this (sk_stream_wait_close). */
		if (!sock_flag(sk, SOCK_DEAD))
			sk->sk_state_change(sk);
	}
	sm_notify(sk, e->actions);
	if (err) {
		WRITE_ONCE(sk->sk_err, -err);
		if (!sock_flag(sk, SOCK_DEAD))
			sk_error_report(sk);
	}
	if (e->actions & TCPALT_ACT_ENTER_TIMEWAIT) {
		/* An entry takes over for 2*MSL; the socket is done. */
		tcpalt_tw_enter(sk);
		tcpalt_done(sk);
		return false;
	}
	if (e->next == TCPALT_CLOSE || (e->actions & TCPALT_ACT_DELETE_TCB)) {
		tcpalt_done(sk);
		return false;
	}
	return true;
}
