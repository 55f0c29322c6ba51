// SPDX-License-Identifier: GPL-2.0
/*
 * A listener's life: listen() starts it, listen() again resizes it,
 * shutdown() or close() stops it; and the segments that reach it, which
 * go to a request (request.c), a SYN cookie (syncookie.c) or, when they
 * raced with the final ACK, to the child that ACK made (acceptq.c).
 *
 * A SYN does not make a socket, and none of this takes the listener's
 * socket lock in softirq: segments for a listener never wait on the
 * socket backlog while a user sits in accept().  The locking rules are
 * in listen.h.
 */
#include <linux/slab.h>
#include <net/ip.h>
#include <net/route.h>

#include "core/window.h"
#include "listen.h"
#include "stats.h"
#include "tcpalt.h"

int tcpalt_listen_start(struct sock *sk, int backlog)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	unsigned int max, buckets;
	struct tcpalt_listener *l;
	unsigned int i;

	max = clamp_t(int, backlog, 1, READ_ONCE(tn->sysctl_max_syn_backlog));
	buckets = roundup_pow_of_two(max_t(unsigned int, max / 4, 16));
	l = kvzalloc(struct_size(l, requests, buckets), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	spin_lock_init(&l->lock);
	l->sk = sk;
	l->max_requests = max;
	l->mask = buckets - 1;
	INIT_LIST_HEAD(&l->accept_queue);
	for (i = 0; i < buckets; i++)
		INIT_HLIST_HEAD(&l->requests[i]);
	timer_setup(&l->timer, tcpalt_synack_timer, 0);

	tcpalt_sk(sk)->rcv_wscale = tcpalt_rcv_wscale(sk);
	rcu_assign_pointer(tcpalt_sk(sk)->listener, l);
	return 0;
}

/* listen() again: the new backlog bounds both queues from now on. */
void tcpalt_listen_resize(struct sock *sk, int backlog)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	struct tcpalt_listener *l = listener_locked(sk);

	spin_lock_bh(&l->lock);
	l->max_requests = clamp_t(int, backlog, 1,
				  READ_ONCE(tn->sysctl_max_syn_backlog));
	spin_unlock_bh(&l->lock);
}

static void listener_free(struct rcu_head *head)
{
	kvfree(container_of(head, struct tcpalt_listener, rcu));
}

/*
 * close() or shutdown() of a listener, already out of the lookup table:
 * forget the requests, and reset the connections nobody accepted.  The
 * receive path, procfs and poll() may still be looking at the structure
 * under RCU: it goes after a grace period, and dead tells them it is
 * over.
 */
void tcpalt_listen_stop(struct sock *sk)
{
	struct tcpalt_listener *l = listener_locked(sk);
	LIST_HEAD(orphans);

	if (!l)
		return;
	spin_lock_bh(&l->lock);
	l->dead = true;
	tcpalt_requests_flush(l);
	list_splice_init(&l->accept_queue, &orphans);
	spin_unlock_bh(&l->lock);
	del_timer_sync(&l->timer);
	RCU_INIT_POINTER(tcpalt_sk(sk)->listener, NULL);
	call_rcu(&l->rcu, listener_free);
	tcpalt_acceptq_abort(sk, &orphans);
}

/* A SYN with no request: a request, a cookie, or nothing if full. */
static void listener_syn(struct tcpalt_listener *l, struct sk_buff *skb)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(l->sk));

	if (sk_acceptq_is_full(l->sk)) {
		tcpalt_stat_inc(tn, TCPALT_STAT_LISTEN_OVERFLOWS);
	} else if (tcpalt_syncookie_wanted(l)) {
		tcpalt_syncookie_synack(l, skb);
		return;
	} else if (tcpalt_request_add(l, skb)) {
		return;
	}
	tcpalt_stat_inc(tn, TCPALT_STAT_LISTEN_DROPS);
}

/*
 * The child a segment with no request is for, with a reference, if the
 * final ACK on another CPU made it after this segment missed it in the
 * connection table.  Under l->lock: the child went into the table
 * before its request left the hash, both under the lock, so a request
 * gone for a promotion means its child is there to find.
 */
static struct sock *listener_raced_child(struct tcpalt_listener *l,
					 const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const u8 *th = skb_transport_header(skb);

	return tcpalt_lookup_conn(sock_net(l->sk), iph->saddr,
				  htons(tcpalt_get_be16(th)), iph->daddr,
				  htons(tcpalt_get_be16(th + 2)),
				  inet_iif(skb), inet_sdif(skb));
}

/*
 * RFC 9293 3.10.7.2, and 3.10.7.4 for a request, under l->lock.  Returns
 * a child the segment belongs to instead, or NULL; *kept says whether
 * the skb was kept and *promoted whether a child was queued.
 */
static struct sock *listener_seg(struct tcpalt_listener *l,
				 struct sk_buff *skb, bool *kept,
				 bool *promoted)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_request *req;
	struct sock *child;

	req = tcpalt_request_find(l, skb);
	if (req && !(cb->flags & TCPALT_SYN)) {
		*kept = tcpalt_request_rcv(l, req, skb, promoted);
		return NULL;
	}
	if (!req) {
		child = listener_raced_child(l, skb);
		if (child)
			return child;
	}
	if (cb->flags & TCPALT_RST) {
		/* 3.10.7.2 first: ignore. */
	} else if (cb->flags & TCPALT_ACK) {
		/* 3.10.7.2 second: no ACK is acceptable here, but a cookie's. */
		if (!tcpalt_syncookie_ack(l, skb, kept, promoted))
			tcpalt_send_reset_to(l->sk, skb);
	} else if (req) {
		/* The peer lost our SYN,ACK: resend it. */
		tcpalt_request_resend(l, req);
	} else if (cb->flags & TCPALT_SYN) {
		listener_syn(l, skb);
	}
	return NULL;
}

/*
 * A segment for a listener, in softirq under RCU.  Returns, with a
 * reference, the child the caller must hand the segment to instead;
 * otherwise the skb is consumed.
 */
struct sock *tcpalt_listener_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct tcpalt_listener *l = listener_rcu(sk);
	bool kept = false, promoted = false;
	struct sock *child = NULL;

	if (!l)
		goto out;
	spin_lock(&l->lock);
	if (!l->dead)
		child = listener_seg(l, skb, &kept, &promoted);
	spin_unlock(&l->lock);
	if (promoted)
		sk->sk_data_ready(sk);
	if (child)
		return child;
out:
	if (!kept)
		consume_skb(skb);
	return NULL;
}

/*
 * /proc/tcpalt/conns, under RCU: the listener's first request at or
 * after the n-th of request chain *chain, as tcpalt_request_at().  The
 * lock is held for one line.
 */
bool tcpalt_listener_request_at(struct sock *sk, unsigned int *chain,
				unsigned int *n, struct tcpalt_conns_line *line)
{
	struct tcpalt_listener *l = listener_rcu(sk);
	bool found;

	if (!l)
		return false;
	spin_lock_bh(&l->lock);
	found = tcpalt_request_at(l, chain, n, line);
	spin_unlock_bh(&l->lock);
	return found;
}
