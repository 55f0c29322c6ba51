// SPDX-License-Identifier: GPL-2.0
/*
 * The life of a connection: its birth (a fresh socket, or a child cloned
 * from a listener), its state changes and its end.
 *
 * References: the user's socket holds one.  close() hands it to the
 * protocol when the connection must live on (an orphan, SOCK_DEAD), and
 * tcpalt_destroy() drops it when the connection ends.  The lookup table
 * and each pending timer hold their own.
 */
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/sock.h>

#include "conn.h"
#include "core/ackpolicy.h"
#include "stats.h"
#include "tcpalt.h"
#include "trace.h"

/*
 * The memory budget of a connected socket (README, "Decisions"), on the
 * kernel it is for:
 * lock debugging makes every lock in it, and so the socket, larger.
 */
#ifndef CONFIG_DEBUG_LOCK_ALLOC
static_assert(sizeof(struct tcpalt_sock) <= 1536);
#endif

/* Where the TCB starts, after the generic socket. */
#define TCB_START	offsetof(struct tcpalt_sock, iss)

static const struct tcpalt_rto_params rto_params = {
	.min_us = TCPALT_RTO_LINUX_MIN_US,
	.max_us = TCPALT_RTO_LINUX_MAX_US,
	.initial_us = TCPALT_RTO_INITIAL_US,
	.clock_us = USEC_PER_SEC / HZ,
};

const struct tcpalt_rto_params *tcpalt_rto_params(void)
{
	return &rto_params;
}

/* What every connection starts with, before any handshake. */
void tcpalt_conn_init(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	tcpalt_timers_init(sk);
	tp->ofo_queue = RB_ROOT;
	INIT_LIST_HEAD(&tp->accept_node);
	tcpalt_rto_init(&tp->rto, &rto_params);
	tp->mss = TCPALT_DEFAULT_MSS;
	tp->ssthresh = U32_MAX;
	sk->sk_write_space = tcpalt_write_space;
	sock_set_flag(sk, SOCK_USE_WRITE_QUEUE);
}

/*
 * A passive open's new socket: sk_clone_lock() copied the listener whole,
 * so everything that is the listener's own is cleared here.
 */
void tcpalt_child_init(struct sock *child, const struct sock *parent)
{
	const struct tcpalt_sock *lp = tcpalt_sk(parent);
	struct tcpalt_sock *tp = tcpalt_sk(child);
	struct inet_sock *inet = inet_sk(child);

	/* Everything after the inet_sock is the listener's: start afresh. */
	memset((u8 *)tp + TCB_START, 0, sizeof(*tp) - TCB_START);
	RCU_INIT_POINTER(inet->inet_opt, NULL);
	inet->mc_list = NULL;
	sk_node_init(&child->sk_bind_node);
	/* The listener's options: its user may be setting them right now. */
	tp->nodelay = READ_ONCE(lp->nodelay);
	tp->linger2 = READ_ONCE(lp->linger2);
	tp->keepidle = READ_ONCE(lp->keepidle);
	tp->keepintvl = READ_ONCE(lp->keepintvl);
	tp->keepcnt = READ_ONCE(lp->keepcnt);
	tp->user_timeout = READ_ONCE(lp->user_timeout);
	tp->user_mss = READ_ONCE(lp->user_mss);
	/* Set by listen() before the listener could be found. */
	tp->rcv_wscale = lp->rcv_wscale;
	tcpalt_conn_init(child);
}

/*
 * The MSS we send with: the peer's, bounded by ours (the route's, or the
 * user's), floored, and less the timestamp option every segment then
 * carries (core/options.h).
 */
static void tcpalt_set_mss(struct sock *sk, u16 peer_mss)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	tp->mss = tcpalt_snd_mss(peer_mss, tp->rcv_mss,
				 tp->ts_ok ? TCPALT_OPT_TS_LEN + 2 : 0);
}

/*
 * Both sides' initial sequence numbers are known: set up the sequence
 * spaces, the windows and the congestion state (RFC 5681 section 3.1,
 * RFC 6928's initial window).  cb is the segment that completed the
 * handshake for the window it carries.  A FIN queued before, by a close
 * in SYN-RECEIVED, keeps its place after the SYN.
 */
void tcpalt_init_sequence(struct sock *sk, u16 peer_mss,
			  const struct tcpalt_skb_cb *cb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	bool syn = cb->flags & TCPALT_SYN;

	WRITE_ONCE(tp->snd_una, tp->iss + 1);
	tp->snd_nxt = tp->iss + 1;
	tp->snd_max = tp->iss + 1;
	WRITE_ONCE(tp->write_seq, tp->iss + 1 + tp->fin_queued);
	WRITE_ONCE(tp->rcv_nxt, tp->irs + 1);
	WRITE_ONCE(tp->copied_seq, tp->rcv_nxt);
	tp->rcv_wup = tp->rcv_nxt;
	tp->rcv_wnd = min_t(u32, tcpalt_rcv_wnd_now(sk), 65535);
	tp->snd_wnd = syn ? cb->window : (u32)cb->window << tp->snd_wscale;
	tp->max_snd_wnd = tp->snd_wnd;
	tp->highest_sack = tp->snd_una;
	tp->rtx_high = tp->snd_una;
	/* RFC 6582 3.2 step 1: no recovery has covered anything yet. */
	tp->recover = tp->iss;
	tp->snd_wl1 = cb->seq;
	tp->snd_wl2 = cb->ack;
	tcpalt_set_mss(sk, peer_mss);
	tp->rcv_seg_mss = min_t(u16, tp->rcv_mss, TCPALT_DEFAULT_MSS);
	tp->quick_acks = TCPALT_QUICKACKS;
	tp->cwnd = TCPALT_INIT_CWND * tp->mss;
	tp->ssthresh = U32_MAX;
	tcpalt_rto_handshake_done(&tp->rto, &rto_params, tp->retransmits);
	WRITE_ONCE(tp->retransmits, 0);
	tcpalt_rcv_space_init(sk);
	tp->syn_acked = 1;
}

/*
 * How long an orphaned FIN-WAIT-2 waits for the peer, in seconds:
 * TCP_LINGER2, else the fin_timeout sysctl; -1 means not at all.
 */
int tcpalt_fin_wait2_secs(const struct sock *sk)
{
	int linger2 = READ_ONCE(tcpalt_sk(sk)->linger2);

	return linger2 ?: READ_ONCE(tcpalt_net(sock_net(sk))->sysctl_fin_timeout);
}

/* A listener's moves, traced as a connection's are. */
void tcpalt_store_state(struct sock *sk, int state)
{
	trace_tcpalt_set_state(sk, sk->sk_state, state);
	inet_sk_set_state(sk, state);
}

/*
 * A connection's sk_state changes here only.  CLOSED takes the connection out of the
 * lookup table, and gives back a port the user did not bind; ESTABLISHED
 * starts the keep-alive wait, if SO_KEEPALIVE asks for it.
 */
void tcpalt_set_state(struct sock *sk, int state)
{
	/* Traced before CLOSED gives the port back. */
	trace_tcpalt_set_state(sk, sk->sk_state, state);
	if (state == TCP_CLOSE) {
		sk->sk_prot->unhash(sk);
		if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
			tcpalt_put_port(sk);
	}
	inet_sk_set_state(sk, state);
	if (state == TCP_ESTABLISHED) {
		tcpalt_keepalive_heard(sk);
		tcpalt_keepalive_reset(sk);
	}
}

/* Drops what the connection still holds to send, and its reassembly. */
void tcpalt_purge_queues(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb;

	while ((skb = skb_peek(&sk->sk_write_queue)))
		tcpalt_wq_free(sk, skb);
	tp->send_head = NULL;
	tcpalt_sack_clear(sk);
	tcpalt_ofo_purge(sk);
}

/*
 * The end of an orphan: nobody will read, free it all.  The port goes
 * too, even one the user bound: the socket is about to be freed.
 */
void tcpalt_destroy(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (tp->orphan) {
		atomic_dec(&tcpalt_net(sock_net(sk))->orphans);
		tp->orphan = 0;
	}
	tcpalt_put_port(sk);
	tcpalt_timers_stop(sk);
	tcpalt_purge_queues(sk);
	__skb_queue_purge(&sk->sk_receive_queue);
	sock_put(sk);
}

/*
 * close() leaves a connection to finish on its own: count it against
 * max_orphans.  Over the limit it is refused, and the caller resets it;
 * so is one that holds memory while the protocol is out of it.
 */
bool tcpalt_orphan_admit(struct sock *sk)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));

	if (tcpalt_out_of_memory(sk)) {
		tcpalt_stat_inc(tn, TCPALT_STAT_ABORT_ON_MEMORY);
		return false;
	}

	if (atomic_inc_return(&tn->orphans) >
	    READ_ONCE(tn->sysctl_max_orphans)) {
		atomic_dec(&tn->orphans);
		tcpalt_stat_inc(tn, TCPALT_STAT_ORPHAN_OVERFLOW);
		return false;
	}
	tcpalt_sk(sk)->orphan = 1;
	tcpalt_stat_inc(tn, TCPALT_STAT_ORPHANED);
	return true;
}

/* The connection is over (RFC 9293's "delete the TCB"). */
void tcpalt_done(struct sock *sk)
{
	bool handshaking = (1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV);

	if (handshaking)
		tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
				TCPALT_STAT_ATTEMPT_FAILS);
	tcpalt_set_state(sk, TCP_CLOSE);
	tcpalt_timers_stop(sk);
	tcpalt_purge_queues(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (sock_flag(sk, SOCK_DEAD))
		tcpalt_destroy(sk);
	else
		sk->sk_state_change(sk);
}

/*
 * A connection nobody accepted, when its listener closes: it is reset,
 * as Linux resets it, and freed with the accept queue's reference.  The
 * caller holds the listener's socket lock, of the same lockdep class as
 * the child's; no user can own the child, so its spinlock is enough, as
 * in inet_csk_listen_stop().
 */
void tcpalt_abort_unaccepted(struct sock *child)
{
	sock_hold(child);
	local_bh_disable();
	bh_lock_sock(child);
	sock_orphan(child);
	if (child->sk_state != TCP_CLOSE) {
		tcpalt_send_active_reset(child);
		tcpalt_set_state(child, TCP_CLOSE);
	}
	tcpalt_destroy(child);
	bh_unlock_sock(child);
	local_bh_enable();
	sock_put(child);
}

/*
 * Both sequence spaces, from iss to copied_seq, back to zero.  procfs and
 * poll() may be looking, through an RCU walk begun before the socket left
 * the table or from another thread: the fields they read are stored once.
 */
static_assert(offsetof(struct tcpalt_sock, mss) - TCB_START ==
	      14 * sizeof(u32));

static void tcpalt_seq_clear(struct tcpalt_sock *tp)
{
	tp->iss = 0;
	WRITE_ONCE(tp->snd_una, 0);
	tp->snd_nxt = 0;
	tp->snd_max = 0;
	WRITE_ONCE(tp->write_seq, 0);
	tp->snd_wnd = 0;
	tp->max_snd_wnd = 0;
	tp->snd_wl1 = 0;
	tp->snd_wl2 = 0;
	tp->irs = 0;
	WRITE_ONCE(tp->rcv_nxt, 0);
	tp->rcv_wnd = 0;
	tp->rcv_wup = 0;
	WRITE_ONCE(tp->copied_seq, 0);
}

/*
 * struct proto .disconnect: connect() that failed, connect(AF_UNSPEC),
 * shutdown() of a listener or of a connection still in SYN-SENT.  The
 * socket is left as a fresh one, bound as the user bound it.
 */
int tcpalt_disconnect(struct sock *sk, int flags)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	int old = sk->sk_state;

	if (old == TCP_LISTEN) {
		tcpalt_set_state(sk, TCP_CLOSE);
		tcpalt_listen_stop(sk);
	} else if (old != TCP_CLOSE) {
		if (tcpalt_state_synchronized(old) || old == TCP_SYN_RECV)
			tcpalt_send_active_reset(sk);
		tcpalt_set_state(sk, TCP_CLOSE);
	}
	tcpalt_timers_stop(sk);
	tcpalt_purge_queues(sk);
	__skb_queue_purge(&sk->sk_receive_queue);
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK)) {
		inet->inet_saddr = 0;
		inet->inet_rcv_saddr = 0;
	}
	inet->inet_dport = 0;
	inet->inet_daddr = 0;
	sk_dst_reset(sk);
	WRITE_ONCE(sk->sk_shutdown, 0);
	sock_reset_flag(sk, SOCK_DONE);
	tcpalt_seq_clear(tp);
	tp->ts_ok = 0;
	tp->wscale_ok = 0;
	tp->sack_ok = 0;
	tp->pingpong = 0;
	tp->fin_queued = 0;
	tp->syn_acked = 0;
	WRITE_ONCE(tp->fin_rcvd, 0);
	WRITE_ONCE(tp->retransmits, 0);
	tp->probes_out = 0;
	tp->probe_stamp = 0;
	tp->oow_ack_stamp = 0;
	WRITE_ONCE(tp->rtx_job, TCPALT_RTX_NONE);
	tcpalt_rto_init(&tp->rto, &rto_params);
	tp->mss = TCPALT_DEFAULT_MSS;
	sk_error_report(sk);
	return 0;
}
