// SPDX-License-Identifier: GPL-2.0
/*
 * A segment for a connection, with the socket locked: RFC 9293 section
 * 3.10.7.3 in SYN-SENT, section 3.10.7.4 in every other state.  Each
 * step classifies the segment with the core's checks (core/accept.h) and
 * hands the resulting event to the state table (sm.c).
 */
#include <net/sock.h>

#include "conn.h"
#include "core/seq.h"
#include "core/accept.h"
#include "core/window.h"
#include "stats.h"
#include "tcpalt.h"

/* Options of a SYN we answer or a SYN,ACK we accept (RFC 7323, 2018). */
static void rcv_syn_options(struct sock *sk, const struct tcpalt_skb_cb *cb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	tp->wscale_ok = cb->has_wscale;
	tp->snd_wscale = cb->has_wscale ? cb->wscale : 0;
	if (!cb->has_wscale)
		tp->rcv_wscale = 0;
	tp->ts_ok = cb->has_ts;
	tp->ts_recent = cb->tsval;
	tp->ts_recent_stamp = tcpalt_seconds();
	tp->sack_ok = cb->sack_ok;
}

/* Section 3.10.7.3, the SYN,ACK of our active open. */
static bool rcv_synack(struct sock *sk, struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	tp->irs = cb->seq;
	rcv_syn_options(sk, cb);
	tcpalt_init_sequence(sk, tcpalt_cb_peer_mss(cb), cb);
	tcpalt_rtx_stop(sk);
	return tcpalt_sm_event(sk, skb, TCPALT_EV_SYNACK);
}

/*
 * Section 3.10.7.3, simultaneous open: a SYN crossed ours.  We answer
 * with SYN,ACK from SYN-RECEIVED; our SYN stays unacknowledged, so the
 * retransmission timer goes on resending it, now as a SYN,ACK.
 */
static void rcv_crossed_syn(struct sock *sk, struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	tp->irs = cb->seq;
	WRITE_ONCE(tp->rcv_nxt, cb->seq + 1);
	WRITE_ONCE(tp->copied_seq, tp->rcv_nxt);
	tp->rcv_wup = tp->rcv_nxt;
	rcv_syn_options(sk, cb);
	tp->mss_offer = tcpalt_cb_peer_mss(cb);
	tp->snd_wnd = cb->window;
	tp->snd_wl1 = cb->seq;
	tcpalt_sm_event(sk, skb, TCPALT_EV_SYN);
}

static void rcv_syn_sent(struct sock *sk, struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	bool has_ack = cb->flags & TCPALT_ACK;

	if (has_ack && !tcpalt_ack_acceptable(cb->ack, tp->iss, tp->snd_max)) {
		/* An old duplicate's answer: tell its sender, keep waiting. */
		if (!(cb->flags & TCPALT_RST))
			tcpalt_sm_event(sk, skb, TCPALT_EV_BAD_ACK);
		return;
	}
	if (cb->flags & TCPALT_RST) {
		if (tcpalt_check_rst_syn_sent(has_ack, cb->ack, tp->iss,
					      tp->snd_max) == TCPALT_RST_ACCEPT)
			tcpalt_sm_event(sk, skb, TCPALT_EV_RST);
		return;
	}
	if (!(cb->flags & TCPALT_SYN))
		return;
	if (has_ack)
		rcv_synack(sk, skb);
	else
		rcv_crossed_syn(sk, skb);
}

static u32 rcv_wnd_left(const struct tcpalt_sock *tp)
{
	return tcpalt_rcv_wnd_left(tp->rcv_wup, tp->rcv_wnd, tp->rcv_nxt);
}

/* Section 3.10.7.4 second: RST.  Returns whether to go on. */
static bool rcv_rst(struct sock *sk, struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	switch (tcpalt_check_rst(cb->seq, tp->rcv_nxt, rcv_wnd_left(tp))) {
	case TCPALT_RST_ACCEPT:
		tcpalt_sm_event(sk, skb, TCPALT_EV_RST);
		break;
	case TCPALT_RST_CHALLENGE:
		tcpalt_sm_event(sk, skb, TCPALT_EV_RST_CHALLENGE);
		break;
	case TCPALT_RST_DROP:
		break;
	}
	return false;
}

/*
 * The first acceptable ACK of a simultaneous open: in SYN-RECEIVED, or
 * in FIN-WAIT-1 if the user closed in SYN-RECEIVED (the RFC sends the FIN
 * then; it waited here, behind a send side not yet set up, and goes now).
 * Returns whether the rest of the segment is to be processed.
 */
static bool rcv_ack_of_syn(struct sock *sk, struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (!tcpalt_ack_acceptable(cb->ack, tp->snd_una, tp->snd_max)) {
		tcpalt_sm_event(sk, skb, TCPALT_EV_BAD_ACK);
		return false;
	}
	tcpalt_init_sequence(sk, tp->mss_offer, cb);
	tcpalt_rtx_stop(sk);
	if (sk->sk_state != TCP_SYN_RECV) {
		tcpalt_push(sk);
		return true;
	}
	return tcpalt_sm_event(sk, skb, TCPALT_EV_ACK_SYN);
}

/*
 * Section 3.10.7.4 fifth, the ACK field.  Returns whether the rest of the
 * segment is to be processed.
 */
static bool rcv_ack(struct sock *sk, struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	bool dup_candidate;

	if (!tp->syn_acked && !rcv_ack_of_syn(sk, skb))
		return false;
	switch (tcpalt_check_ack(cb->ack, tp->snd_una, tp->snd_max,
				 tp->max_snd_wnd)) {
	case TCPALT_ACK_TOO_OLD:
		tcpalt_stat_inc(tn, TCPALT_STAT_OLD_ACK_DROPS);
		tcpalt_sm_event(sk, skb, TCPALT_EV_BAD_ACK);
		return false;
	case TCPALT_ACK_UNSENT:
		tcpalt_stat_inc(tn, TCPALT_STAT_OLD_ACK_DROPS);
		tcpalt_send_oow_ack(sk);
		return false;
	case TCPALT_ACK_NEW:
	case TCPALT_ACK_DUP:
		break;
	}
	/* RFC 5681 section 2: what makes a duplicate ACK. */
	dup_candidate = cb->ack == tp->snd_una && cb->seq == cb->end_seq &&
			(u32)cb->window << tp->snd_wscale == tp->snd_wnd;
	tcpalt_sack_rcvd(sk, skb);
	tcpalt_ack_rcvd(sk, cb, dup_candidate);
	if (tp->fin_queued && tp->snd_una == tp->write_seq &&
	    !tcpalt_sm_event(sk, skb, TCPALT_EV_ACK_FIN))
		return false;
	return true;
}

/*
 * RFC 7323 section 4.3: the timestamp to echo is that of the segment our
 * last ACK answered (rcv_wup is RCV.NXT as that ACK carried it), and it
 * only moves forward.
 */
static void rcv_timestamp(struct tcpalt_sock *tp,
			  const struct tcpalt_skb_cb *cb)
{
	if (!tp->ts_ok || !cb->has_ts ||
	    !tcpalt_ts_recent_takes(cb->seq, tp->rcv_wup, cb->tsval,
				    tp->ts_recent, tcpalt_paws_ok(tp)))
		return;
	tp->ts_recent = cb->tsval;
	tp->ts_recent_stamp = tcpalt_seconds();
}

/*
 * RFC 7323 section 5.3 R1, before the sequence number is looked at: a
 * segment older than TS.Recent is a duplicate, from earlier in this
 * connection or from before the sequence space wrapped, however well
 * its sequence number fits the window.  It gets an ACK, as an
 * unacceptable segment does, and is dropped.  Returns whether it was.
 */
static bool rcv_paws_reject(struct sock *sk, const struct tcpalt_skb_cb *cb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (!tp->ts_ok || !cb->has_ts ||
	    !tcpalt_paws_reject(cb->tsval, tp->ts_recent, tcpalt_paws_ok(tp),
				cb->flags & TCPALT_RST))
		return false;
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)), TCPALT_STAT_PAWS_ESTAB);
	/* As any other invalid segment's, its ACK is rate-limited. */
	tcpalt_send_oow_ack(sk);
	return true;
}

/* Sixth to eighth: data and FIN, in the states that still receive. */
static bool rcv_data(struct sock *sk, struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	bool fin = false, queued;

	if (!((1 << sk->sk_state) &
	      (TCPF_ESTABLISHED | TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2))) {
		/* Section 3.10.7.4 seventh: text is ignored; a FIN again
		 * is acknowledged again.
		 */
		if (cb->flags & TCPALT_FIN)
			tcpalt_sm_event(sk, skb, TCPALT_EV_FIN);
		return false;
	}
	if (skb->len && sock_flag(sk, SOCK_DEAD)) {
		tcpalt_sm_event(sk, skb, TCPALT_EV_DATA_AFTER_CLOSE);
		return false;
	}
	queued = tcpalt_data_rcv(sk, skb, &fin);
	if (fin)
		tcpalt_sm_event(sk, NULL, TCPALT_EV_FIN);
	return queued;
}

/*
 * Section 3.10.7.4 first, a segment out of the window: a RST is dropped;
 * a SYN gets a challenge ACK in a synchronized state whatever its
 * sequence number (RFC 5961 4.2, with its own rate limit); anything
 * else, a SYN in SYN-RECEIVED too, draws an ACK, rate limited.
 */
static void rcv_out_of_window(struct sock *sk, struct sk_buff *skb)
{
	u8 flags = TCPALT_SKB_CB(skb)->flags;

	if (flags & TCPALT_RST)
		return;
	if ((flags & TCPALT_SYN) && sk->sk_state != TCP_SYN_RECV)
		tcpalt_sm_event(sk, skb, TCPALT_EV_SYN);
	else
		tcpalt_send_oow_ack(sk);
}

/*
 * Section 3.10.7.4 in SYN-RECEIVED and the synchronized states.  Returns
 * whether the skb was queued, and so is no longer the caller's.
 */
int tcpalt_rcv_synchronized(struct sock *sk, struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	enum tcpalt_seq_verdict v;

	if (rcv_paws_reject(sk, cb))
		return false;
	v = tcpalt_check_seq(cb->seq, cb->end_seq - cb->seq, tp->rcv_nxt,
			     rcv_wnd_left(tp));
	if (v == TCPALT_SEQ_BAD) {
		rcv_out_of_window(sk, skb);
		return false;
	}
	/* Only what is in the window shows the peer alive: not a blind one. */
	tcpalt_keepalive_heard(sk);
	if (cb->flags & TCPALT_RST)
		return rcv_rst(sk, skb);
	if (cb->flags & TCPALT_SYN) {
		if (sk->sk_state == TCP_SYN_RECV && (cb->flags & TCPALT_ACK) &&
		    tcpalt_ack_acceptable(cb->ack, tp->snd_una, tp->snd_max)) {
			/* Figure 7: the crossing SYN,ACK. */
			tcpalt_init_sequence(sk, tcpalt_cb_peer_mss(cb), cb);
			tcpalt_rtx_stop(sk);
			tcpalt_sm_event(sk, skb, TCPALT_EV_SYNACK);
			return false;
		}
		tcpalt_sm_event(sk, skb, TCPALT_EV_SYN);
		return false;
	}
	if (!(cb->flags & TCPALT_ACK))
		return false;
	rcv_timestamp(tp, cb);
	if (!rcv_ack(sk, skb))
		return false;
	if (v == TCPALT_SEQ_ACK_ONLY) {
		tcpalt_send_ack(sk);
		return false;
	}
	return rcv_data(sk, skb);
}

/* struct proto .backlog_rcv, and the receive path when it owns the lock. */
int tcpalt_do_rcv(struct sock *sk, struct sk_buff *skb)
{
	bool queued = false;

	tcpalt_count_segs_in(sk, skb);
	switch (sk->sk_state) {
	case TCP_SYN_SENT:
		rcv_syn_sent(sk, skb);
		break;
	case TCP_CLOSE:
	case TCP_LISTEN:
		/*
		 * Closed while the segment waited on the backlog; if it
		 * closed into TIME-WAIT, the entry answers instead.
		 */
		if (!(TCPALT_SKB_CB(skb)->flags & TCPALT_RST) &&
		    !(sk->sk_state == TCP_CLOSE &&
		      tcpalt_tw_rcv_backlogged(sk, skb)))
			tcpalt_send_reset_to(sk, skb);
		break;
	default:
		queued = tcpalt_rcv_synchronized(sk, skb);
		break;
	}
	if (!queued)
		consume_skb(skb);
	return 0;
}
