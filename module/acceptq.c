// SPDX-License-Identifier: GPL-2.0
/*
 * The accept queue: the final ACK of a request, or of a SYN cookie,
 * makes a child socket cloned from the listener, which waits here for
 * accept().
 *
 * Children are born and queued under the listener's lock (listen.h), in
 * softirq, and taken off it under that lock by accept(), which holds the
 * socket lock as well.  poll() looks at the queue under RCU only, as the
 * listener may be stopped under it.  A queued child holds the reference
 * sk_clone_lock() gave it until accept() hands it to the user or the
 * listener's end aborts it.
 */
#include <linux/sched/signal.h>
#include <net/inet_sock.h>

#include "listen.h"
#include "stats.h"
#include "tcpalt.h"

/* A child cloned from the listener takes over the request's TCB. */
static void child_setup(struct sock *child, struct sock *sk,
			const struct tcpalt_request *req,
			const struct sk_buff *skb)
{
	struct tcpalt_sock *tp = tcpalt_sk(child);
	struct inet_sock *inet = inet_sk(child);

	tcpalt_child_init(child, sk);
	inet->inet_daddr = req->raddr;
	inet->inet_dport = req->rport;
	inet->inet_rcv_saddr = req->laddr;
	inet->inet_saddr = req->laddr;
	inet->inet_sport = req->lport;
	/* The request's state until now, for the state change tracepoint. */
	child->sk_state = TCP_SYN_RECV;
	atomic_set(&inet->inet_id, get_random_u16());
	child->sk_mark = req->mark;
	tp->iss = req->iss;
	tp->irs = req->irs;
	tp->rcv_mss = req->rcv_mss;
	tp->wscale_ok = req->wscale_ok;
	tp->snd_wscale = req->wscale_ok ? req->snd_wscale : 0;
	if (!req->wscale_ok)
		tp->rcv_wscale = 0;
	tp->ts_ok = req->ts_ok;
	tp->ts_recent = req->ts_recent;
	tp->ts_recent_stamp = tcpalt_seconds();
	tp->ts_offset = tcpalt_ts_offset(req->laddr, req->raddr);
	tp->sack_ok = req->sack_ok;
	tp->segs_in = 1;	/* the SYN, as TCP counts it */
	tcpalt_init_sequence(child, req->peer_mss, TCPALT_SKB_CB(skb));
	tcpalt_inherit_port(child, sk);
	tcpalt_set_state(child, TCP_ESTABLISHED);
	/* Findable from here on: the caller drops the request after. */
	tcpalt_hash_conn(child);
}

/*
 * The final ACK: the request becomes a socket, cloned from the listener,
 * on the accept queue; the caller then drops the request.  The child
 * takes the segment, which may carry data.  Returns whether the skb was
 * kept.
 */
bool tcpalt_child_promote(struct tcpalt_listener *l,
			  const struct tcpalt_request *req, struct sk_buff *skb,
			  bool *promoted)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(l->sk));
	struct sock *sk = l->sk, *child;
	bool kept;

	if (sk_acceptq_is_full(sk)) {
		tcpalt_stat_inc(tn, TCPALT_STAT_LISTEN_OVERFLOWS);
		tcpalt_stat_inc(tn, TCPALT_STAT_LISTEN_DROPS);
		return false;
	}
	child = sk_clone_lock(sk, GFP_ATOMIC);
	if (!child) {
		tcpalt_stat_inc(tn, TCPALT_STAT_LISTEN_DROPS);
		return false;
	}
	__acquire(&child->sk_lock.slock);	/* sk_clone_lock() took it */
	child_setup(child, sk, req, skb);
	list_add_tail(&tcpalt_sk(child)->accept_node, &l->accept_queue);
	sk_acceptq_added(sk);
	*promoted = true;

	tcpalt_count_segs_in(child, skb);
	kept = tcpalt_rcv_synchronized(child, skb);
	bh_unlock_sock(child);
	sock_put(child);	/* the accept queue keeps sk_clone_lock()'s other */
	return kept;
}

/* The listener's end: reset the children nobody accepted. */
void tcpalt_acceptq_abort(struct sock *sk, struct list_head *children)
{
	struct tcpalt_sock *child;

	while (!list_empty(children)) {
		child = list_first_entry(children, struct tcpalt_sock,
					 accept_node);
		list_del_init(&child->accept_node);
		sk_acceptq_removed(sk);
		tcpalt_abort_unaccepted(&child->inet.sk);
	}
}

/*
 * poll(): the listener may be stopped, and its structure freed, under
 * us, by a shutdown() from another thread.
 */
bool tcpalt_accept_queue_empty(const struct sock *sk)
{
	struct tcpalt_listener *l;
	bool empty;

	rcu_read_lock();
	l = listener_rcu(sk);
	empty = !l || list_empty_careful(&l->accept_queue);
	rcu_read_unlock();
	return empty;
}

/* As tcpalt_accept_queue_empty(), for the holder of the socket lock. */
static bool accept_queue_empty_locked(const struct sock *sk)
{
	struct tcpalt_listener *l = listener_locked(sk);

	return !l || list_empty_careful(&l->accept_queue);
}

static struct sock *accept_dequeue(struct sock *sk)
{
	struct tcpalt_listener *l = listener_locked(sk);
	struct tcpalt_sock *child = NULL;

	spin_lock_bh(&l->lock);
	if (!list_empty(&l->accept_queue)) {
		child = list_first_entry(&l->accept_queue, struct tcpalt_sock,
					 accept_node);
		list_del_init(&child->accept_node);
		sk_acceptq_removed(sk);
	}
	spin_unlock_bh(&l->lock);
	return child ? &child->inet.sk : NULL;
}

/*
 * Waits, with the socket lock dropped, for a child; the listener may be
 * shut down meanwhile, which ends the wait.
 */
static int accept_wait(struct sock *sk, long timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int err = 0;

	add_wait_queue_exclusive(sk_sleep(sk), &wait);
	while (accept_queue_empty_locked(sk)) {
		if (!timeo) {
			err = -EAGAIN;
			break;
		}
		release_sock(sk);
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
		lock_sock(sk);
		if (sk->sk_state != TCP_LISTEN) {
			err = -EINVAL;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(timeo);
			break;
		}
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return err;
}

/* struct proto .accept, called by inet_accept(). */
struct sock *tcpalt_accept(struct sock *sk, int flags, int *err, bool kern)
{
	struct sock *child = NULL;

	lock_sock(sk);
	*err = -EINVAL;
	if (sk->sk_state != TCP_LISTEN)
		goto out;
	*err = accept_wait(sk, sock_rcvtimeo(sk, flags & O_NONBLOCK));
	if (!*err)
		child = accept_dequeue(sk);
	if (!child && !*err)
		*err = -EAGAIN;
out:
	release_sock(sk);
	return child;
}
