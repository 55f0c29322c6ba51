// SPDX-License-Identifier: GPL-2.0
/*
 * Passive open: a listener, its SYN backlog and its accept queue.
 *
 * A SYN does not make a socket.  It makes a request entry, the compact
 * SYN-RECEIVED of RFC 9293 (struct tcpalt_request, well under the 128
 * bytes DESIGN.md allows), kept in a small hash on the listener.  The
 * final ACK turns the request into a full socket, cloned from the
 * listener, which waits on the accept queue.
 *
 * All of it runs under the listener's own spinlock, not the socket lock,
 * so segments for a listener never wait on the socket backlog while a
 * user sits in accept().
 *
 * tcpalt_sock.listener is set and cleared under the socket lock, and read
 * under it (listener_locked()) or under RCU (listener_rcu()): the receive
 * path, procfs and poll(), which a shutdown() from another thread may
 * race.  The structure is freed after a grace period.
 */
#include <linux/jhash.h>
#include <linux/slab.h>
#include <net/inet_ecn.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/route.h>

#include "conn.h"
#include "core/accept.h"
#include "core/options.h"
#include "core/seq.h"
#include "core/window.h"
#include "stats.h"
#include "tcpalt.h"

struct tcpalt_request {
	struct hlist_node node;
	unsigned long deadline;		/* jiffies: next SYN,ACK */
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 rport;
	u32 iss;
	u32 irs;
	u32 ts_recent;
	u16 peer_mss;
	u16 rcv_mss;
	u8 snd_wscale;
	u8 retrans;
	u8 wscale_ok:1,
	   ts_ok:1,
	   sack_ok:1;
	u8 tos;
	u32 mark;
	int iif;			/* for a VRF's replies */
};

struct tcpalt_listener {
	spinlock_t lock;		/* everything below */
	struct sock *sk;
	bool dead;
	struct timer_list timer;	/* SYN,ACK retransmissions */
	struct list_head accept_queue;	/* children, via accept_node */
	unsigned int nr_requests;
	unsigned int max_requests;
	unsigned long cookie_sent;	/* jiffies: the last SYN cookie */
	unsigned int mask;
	struct rcu_head rcu;
	struct hlist_head requests[];
};

/* DESIGN.md's budget for a request entry. */
static_assert(sizeof(struct tcpalt_request) <= 128);

static struct kmem_cache *request_cache;

/* The listener, for the holder of the socket lock. */
static inline struct tcpalt_listener *listener_locked(const struct sock *sk)
{
	return rcu_dereference_protected(tcpalt_sk(sk)->listener,
					 lockdep_sock_is_held(sk));
}

/* The listener, in an RCU read-side section. */
static inline struct tcpalt_listener *listener_rcu(const struct sock *sk)
{
	return rcu_dereference(tcpalt_sk(sk)->listener);
}

static u32 request_hash(const struct tcpalt_listener *l, __be32 raddr,
			__be16 rport)
{
	return jhash_2words((__force u32)raddr, (__force u32)rport, 0) &
	       l->mask;
}

static struct tcpalt_request *request_find(struct tcpalt_listener *l,
					   __be32 laddr, __be32 raddr,
					   __be16 rport)
{
	struct tcpalt_request *req;

	hlist_for_each_entry(req, &l->requests[request_hash(l, raddr, rport)],
			     node)
		if (req->raddr == raddr && req->rport == rport &&
		    req->laddr == laddr)
			return req;
	return NULL;
}

static void request_drop(struct tcpalt_listener *l, struct tcpalt_request *req)
{
	hlist_del(&req->node);
	l->nr_requests--;
	kmem_cache_free(request_cache, req);
}

static unsigned long synack_timeout(const struct tcpalt_request *req)
{
	return (unsigned long)HZ << min_t(u8, req->retrans, 7);
}

static u32 request_tsval(const struct tcpalt_request *req)
{
	return (u32)ktime_to_ms(ktime_get()) +
	       tcpalt_ts_offset(req->laddr, req->raddr);
}

/*
 * Our SYN,ACK for a request: seq ISS, ack IRS+1, the agreed options, and
 * tsval in the timestamp option if there is one.
 */
static void request_send_synack_ts(struct sock *sk,
				   const struct tcpalt_request *req, u32 tsval)
{
	struct net *net = sock_net(sk);
	struct tcpalt_opts o = {
		.has_mss = true,
		.mss = req->rcv_mss,
		.has_wscale = req->wscale_ok,
		.wscale = tcpalt_sk(sk)->rcv_wscale,
		.sack_ok = req->sack_ok,
		.has_ts = req->ts_ok,
		.tsval = tsval,
		.tsecr = req->ts_recent,
	};
	u8 opts[TCPALT_OPTS_MAX];
	struct tcpalt_raw_seg r = {
		.saddr = req->laddr,
		.daddr = req->raddr,
		.oif = req->iif,
		.mark = req->mark,
		.tos = req->tos,
		.hdr = {
			.sport = ntohs(req->lport),
			.dport = ntohs(req->rport),
			.seq = req->iss,
			.ack = req->irs + 1,
			.flags = TCPALT_SYN | TCPALT_ACK,
			.window = tcpalt_syn_wnd_field(tcpalt_rcv_wnd_now(sk)),
		},
		.opts = opts,
	};

	r.opts_len = tcpalt_build_syn_opts(opts, &o);
	tcpalt_send_raw(net, &r);
}

static void request_send_synack(struct sock *sk,
				const struct tcpalt_request *req)
{
	request_send_synack_ts(sk, req, request_tsval(req));
}

static void listener_timer_arm(struct tcpalt_listener *l, unsigned long when)
{
	if (!timer_pending(&l->timer) || time_before(when, l->timer.expires))
		mod_timer(&l->timer, when);
}

/*
 * Retransmits the SYN,ACKs that are due, on exponential backoff, and
 * drops the requests that used up synack_retries.  The cost is linear in
 * the backlog, which min(backlog, max_syn_backlog) bounds.
 */
static void listener_timer(struct timer_list *t)
{
	struct tcpalt_listener *l = from_timer(l, t, timer);
	struct tcpalt_net *tn = tcpalt_net(sock_net(l->sk));
	int limit = READ_ONCE(tn->sysctl_synack_retries);
	unsigned long next = jiffies + 60 * HZ;
	struct tcpalt_request *req;
	struct hlist_node *tmp;
	bool any = false;
	unsigned int i;

	spin_lock(&l->lock);
	for (i = 0; !l->dead && i <= l->mask; i++) {
		hlist_for_each_entry_safe(req, tmp, &l->requests[i], node) {
			if (time_before(jiffies, req->deadline)) {
				;
			} else if (req->retrans >= limit) {
				tcpalt_stat_inc(tn, TCPALT_STAT_ATTEMPT_FAILS);
				tcpalt_stat_inc(tn,
						TCPALT_STAT_REQUEST_TIMEOUTS);
				request_drop(l, req);
				continue;
			} else {
				req->retrans++;
				req->deadline = jiffies + synack_timeout(req);
				tcpalt_stat_inc(tn, TCPALT_STAT_RETRANS_SEGS);
				request_send_synack(l->sk, req);
			}
			any = true;
			if (time_before(req->deadline, next))
				next = req->deadline;
		}
	}
	if (any && !l->dead)
		mod_timer(&l->timer, next);
	spin_unlock(&l->lock);
}

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
	timer_setup(&l->timer, listener_timer, 0);

	tcpalt_sk(sk)->rcv_wscale =
		tcpalt_wscale_for(max_t(u32, sk->sk_rcvbuf,
					READ_ONCE(sysctl_rmem_max)));
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
 * forget the requests, and reset the connections nobody accepted.
 */
void tcpalt_listen_stop(struct sock *sk)
{
	struct tcpalt_listener *l = listener_locked(sk);
	struct tcpalt_request *req;
	struct tcpalt_sock *child;
	struct hlist_node *tmp;
	LIST_HEAD(orphans);
	unsigned int i;

	if (!l)
		return;
	spin_lock_bh(&l->lock);
	l->dead = true;
	for (i = 0; i <= l->mask; i++)
		hlist_for_each_entry_safe(req, tmp, &l->requests[i], node)
			request_drop(l, req);
	list_splice_init(&l->accept_queue, &orphans);
	spin_unlock_bh(&l->lock);
	del_timer_sync(&l->timer);
	RCU_INIT_POINTER(tcpalt_sk(sk)->listener, NULL);
	call_rcu(&l->rcu, listener_free);

	while (!list_empty(&orphans)) {
		child = list_first_entry(&orphans, struct tcpalt_sock,
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

/* The SYN's offer, and what we agree to (RFC 7323, RFC 2018). */
static void request_init(struct sock *sk, struct tcpalt_request *req,
			 struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	const struct iphdr *iph = ip_hdr(skb);
	const u8 *th = skb_transport_header(skb);
	struct net *net = sock_net(sk);

	req->laddr = iph->daddr;
	req->raddr = iph->saddr;
	req->lport = htons(tcpalt_get_be16(th + 2));
	req->rport = htons(tcpalt_get_be16(th));
	req->irs = cb->seq;
	req->iss = tcpalt_isn(req->laddr, req->raddr, req->lport, req->rport);
	/* RFC 6191: above all the old incarnation may still have in flight. */
	if (cb->isn && seq_before(req->iss, cb->isn))
		req->iss = cb->isn;
	req->peer_mss = cb->has_mss ? cb->mss : TCPALT_DEFAULT_MSS;
	req->rcv_mss = tcpalt_reply_mss(net, skb, tcpalt_sk(sk)->user_mss);
	req->wscale_ok = cb->has_wscale;
	req->snd_wscale = min_t(u8, cb->wscale, TCPALT_WSCALE_MAX);
	req->ts_ok = cb->has_ts;
	req->ts_recent = cb->tsval;
	req->sack_ok = cb->sack_ok;
	req->tos = iph->tos & ~INET_ECN_MASK;
	req->mark = IP4_REPLY_MARK(net, skb->mark);
	req->iif = netif_index_is_l3_master(net, skb->skb_iif) ?
		   skb->skb_iif : 0;
	req->retrans = 0;
	req->deadline = jiffies + synack_timeout(req);
}

/*
 * SYN cookies: with the syncookies sysctl at 2 for every SYN, at 1 once
 * the listener's SYN backlog is full.
 */
static bool cookie_wanted(const struct tcpalt_net *tn,
			  const struct tcpalt_listener *l)
{
	int mode = READ_ONCE(tn->sysctl_syncookies);

	return mode == 2 || (mode == 1 && l->nr_requests >= l->max_requests);
}

static void cookie_flow(const struct tcpalt_request *req,
			struct tcpalt_cookie_flow *flow)
{
	flow->saddr = (__force u32)req->raddr;
	flow->daddr = (__force u32)req->laddr;
	flow->sport = (__force u16)req->rport;
	flow->dport = (__force u16)req->lport;
	flow->peer_isn = req->irs;
}

/*
 * The first cookie after a quiet minute is logged: once per flood, not
 * once per SYN, and not when cookies are always on.
 */
static void cookie_log(struct sock *sk, struct tcpalt_listener *l,
		       const struct tcpalt_net *tn)
{
	if (READ_ONCE(tn->sysctl_syncookies) == 1 &&
	    (!l->cookie_sent || time_after(jiffies, l->cookie_sent + 60 * HZ)))
		net_info_ratelimited("tcpalt: possible SYN flood on port %u, sending cookies\n",
				     inet_sk(sk)->inet_num);
	l->cookie_sent = jiffies ?: 1;
}

/*
 * A SYN,ACK that keeps no state: the request lives only on the stack,
 * its ISN the cookie (core/cookie.h), the options in the TSval's low
 * bits when the SYN had timestamps.
 */
static void cookie_synack(struct sock *sk, struct tcpalt_listener *l,
			  struct sk_buff *skb)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	struct tcpalt_cookie_flow flow;
	struct tcpalt_cookie_opts opts;
	struct tcpalt_request req;
	u32 tsval, ts_bits = 0;

	request_init(sk, &req, skb);
	cookie_flow(&req, &flow);
	opts = (struct tcpalt_cookie_opts){
		.mss = req.peer_mss,
		.ts = req.ts_ok,
		.wscale_ok = req.wscale_ok,
		.wscale = req.snd_wscale,
		.sack_ok = req.sack_ok,
	};
	req.iss = tcpalt_syncookie_make(sock_net(sk), &flow, &opts, &ts_bits);
	/* The low bits carry the options; never a TSval ahead of the clock. */
	tsval = request_tsval(&req);
	if (req.ts_ok) {
		u32 now = tsval;

		tsval = (tsval & ~TCPALT_COOKIE_TS_MASK) | ts_bits;
		if (seq_after(tsval, now))
			tsval -= TCPALT_COOKIE_TS_MASK + 1;
	}
	cookie_log(sk, l, tn);
	tcpalt_stat_inc(tn, TCPALT_STAT_SYNCOOKIES_SENT);
	request_send_synack_ts(sk, &req, tsval);
}

/* RFC 9293 3.10.7.2 third: a SYN makes a request and gets a SYN,ACK. */
static void listener_syn(struct sock *sk, struct tcpalt_listener *l,
			 struct sk_buff *skb, struct tcpalt_request *req)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	const struct iphdr *iph = ip_hdr(skb);
	const u8 *th = skb_transport_header(skb);
	u32 bucket;

	if (req) {
		/* The peer lost our SYN,ACK: resend it. */
		request_send_synack(sk, req);
		return;
	}
	if (sk_acceptq_is_full(sk)) {
		tcpalt_stat_inc(tn, TCPALT_STAT_LISTEN_OVERFLOWS);
		goto drop;
	}
	if (cookie_wanted(tn, l)) {
		cookie_synack(sk, l, skb);
		return;
	}
	if (l->nr_requests >= l->max_requests)
		goto drop;
	req = kmem_cache_alloc(request_cache, GFP_ATOMIC);
	if (!req)
		goto drop;
	request_init(sk, req, skb);
	bucket = request_hash(l, iph->saddr, htons(tcpalt_get_be16(th)));
	hlist_add_head(&req->node, &l->requests[bucket]);
	l->nr_requests++;
	tcpalt_stat_inc(tn, TCPALT_STAT_PASSIVE_OPENS);
	request_send_synack(sk, req);
	listener_timer_arm(l, req->deadline);
	return;
drop:
	tcpalt_stat_inc(tn, TCPALT_STAT_LISTEN_DROPS);
}

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
	tp->ts_offset = tcpalt_ts_offset(req->laddr, req->raddr);
	tp->sack_ok = req->sack_ok;
	tp->passive = 1;
	tcpalt_init_sequence(child, req->peer_mss, TCPALT_SKB_CB(skb));
	tcpalt_inherit_port(child, sk);
	tcpalt_set_state(child, TCP_ESTABLISHED);
	tcpalt_hash_conn(child);
}

/*
 * The final ACK: the request becomes a socket, cloned from the listener,
 * on the accept queue; the caller then drops the request.  The child
 * takes the segment, which may carry data.  Returns whether the skb was
 * kept.
 */
static bool request_promote(struct sock *sk, struct tcpalt_listener *l,
			    struct tcpalt_request *req, struct sk_buff *skb,
			    bool *promoted)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	struct sock *child;
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
	/* In the connection table from here: the caller drops the request after. */
	child_setup(child, sk, req, skb);
	list_add_tail(&tcpalt_sk(child)->accept_node, &l->accept_queue);
	sk_acceptq_added(sk);
	*promoted = true;

	kept = tcpalt_rcv_synchronized(child, skb);
	bh_unlock_sock(child);
	sock_put(child);	/* the accept queue keeps sk_clone_lock()'s other */
	return kept;
}

/*
 * A segment for a request (RFC 9293 3.10.7.4 in SYN-RECEIVED): the
 * sequence number must be the one we expect, a RST takes the request back
 * to LISTEN, and the ACK must acknowledge our SYN.  Returns whether the
 * skb was kept.
 */
static bool request_rcv(struct sock *sk, struct tcpalt_listener *l,
			struct tcpalt_request *req, struct sk_buff *skb,
			bool *promoted)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	u32 rcv_wnd = tcpalt_rcv_wnd_now(sk);
	bool kept;

	if (cb->flags & TCPALT_RST) {
		if (tcpalt_check_rst(cb->seq, req->irs + 1, rcv_wnd) ==
		    TCPALT_RST_ACCEPT) {
			tcpalt_stat_inc(tn, TCPALT_STAT_IN_RSTS);
			tcpalt_stat_inc(tn, TCPALT_STAT_ATTEMPT_FAILS);
			request_drop(l, req);
		}
		return false;
	}
	if (tcpalt_check_seq(cb->seq, cb->end_seq - cb->seq, req->irs + 1,
			     rcv_wnd) == TCPALT_SEQ_BAD)
		return false;
	if (!(cb->flags & TCPALT_ACK))
		return false;
	if (!tcpalt_ack_acceptable(cb->ack, req->iss, req->iss + 1)) {
		tcpalt_send_reset_to(sk, skb);
		return false;
	}
	kept = request_promote(sk, l, req, skb, promoted);
	if (*promoted)
		request_drop(l, req);
	return kept;
}

/*
 * An ACK with no request: a final ACK answering a cookie, if cookies are
 * always on or went out lately.  A valid cookie rebuilds the request the SYN would have
 * made, and the connection is born as from any request.  Returns false
 * when the ACK is not for a cookie, or a forged or stale one.
 */
static bool cookie_ack(struct sock *sk, struct tcpalt_listener *l,
		       struct sk_buff *skb, bool *kept, bool *promoted)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	struct tcpalt_cookie_flow flow;
	struct tcpalt_cookie_opts opts;
	struct tcpalt_request req;

	int mode = READ_ONCE(tn->sysctl_syncookies);

	if (!mode || (mode == 1 && !tcpalt_syncookie_recent(l->cookie_sent)) ||
	    (cb->flags & (TCPALT_SYN | TCPALT_RST | TCPALT_FIN)))
		return false;
	request_init(sk, &req, skb);
	req.irs = cb->seq - 1;
	cookie_flow(&req, &flow);
	if (!tcpalt_syncookie_check(sock_net(sk), &flow, cb->ack - 1,
				    cb->has_ts, cb->tsecr, &opts)) {
		tcpalt_stat_inc(tn, TCPALT_STAT_SYNCOOKIES_FAILED);
		return false;
	}
	tcpalt_stat_inc(tn, TCPALT_STAT_SYNCOOKIES_RECV);
	req.iss = cb->ack - 1;
	req.peer_mss = opts.mss;
	req.wscale_ok = opts.wscale_ok;
	req.snd_wscale = opts.wscale;
	req.sack_ok = opts.sack_ok;
	req.ts_ok = opts.ts;
	req.ts_recent = cb->tsval;
	*kept = request_promote(sk, l, &req, skb, promoted);
	return true;
}

/*
 * The child a segment with no request is for, with a reference, if the
 * final ACK on another CPU made it after this segment missed it in the
 * connection table.  Under l->lock: the child went into the table
 * before its request left the hash, both under the lock, so a request
 * gone for a promotion means its child is there to find.
 */
static struct sock *listener_raced_child(struct sock *sk,
					 const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const u8 *th = skb_transport_header(skb);

	return tcpalt_lookup_conn(sock_net(sk), iph->saddr,
				  htons(tcpalt_get_be16(th)), iph->daddr,
				  htons(tcpalt_get_be16(th + 2)),
				  inet_iif(skb), inet_sdif(skb));
}

/*
 * A segment for a listener, in softirq under RCU.  Returns, with a
 * reference, the child the caller must hand the segment to instead;
 * otherwise the skb is consumed.
 */
struct sock *tcpalt_listener_rcv(struct sock *sk, struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_listener *l = listener_rcu(sk);
	const u8 *th = skb_transport_header(skb);
	bool kept = false, promoted = false;
	struct tcpalt_request *req;
	struct sock *child = NULL;

	if (!l)
		goto out;
	spin_lock(&l->lock);
	if (l->dead)
		goto unlock;
	req = request_find(l, ip_hdr(skb)->daddr, ip_hdr(skb)->saddr,
			   htons(tcpalt_get_be16(th)));
	if (!req) {
		child = listener_raced_child(sk, skb);
		if (child)
			goto unlock;
	}
	if (req && !(cb->flags & TCPALT_SYN)) {
		kept = request_rcv(sk, l, req, skb, &promoted);
	} else if (cb->flags & TCPALT_RST) {
		/* 3.10.7.2 first: ignore. */
	} else if (cb->flags & TCPALT_ACK) {
		/* 3.10.7.2 second: no ACK is acceptable here, but a cookie's. */
		if (!cookie_ack(sk, l, skb, &kept, &promoted))
			tcpalt_send_reset_to(sk, skb);
	} else if (cb->flags & TCPALT_SYN) {
		listener_syn(sk, l, skb, req);
	}
unlock:
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

/* /proc/tcpalt/conns, under RCU: one line per request of the listener. */
void tcpalt_listener_show(struct sock *sk, struct seq_file *seq)
{
	struct tcpalt_listener *l = listener_rcu(sk);
	struct tcpalt_request *req;
	unsigned int i;

	if (!l)
		return;
	spin_lock_bh(&l->lock);
	for (i = 0; !l->dead && i <= l->mask; i++)
		hlist_for_each_entry(req, &l->requests[i], node)
			tcpalt_show_request(seq, req->laddr, req->lport,
					    req->raddr, req->rport,
					    (long)(req->deadline - jiffies),
					    req->retrans);
	spin_unlock_bh(&l->lock);
}

int tcpalt_listen_init(void)
{
	request_cache = KMEM_CACHE(tcpalt_request, 0);
	return request_cache ? 0 : -ENOMEM;
}

void tcpalt_listen_exit(void)
{
	kmem_cache_destroy(request_cache);
}
