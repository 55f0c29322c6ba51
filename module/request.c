// SPDX-License-Identifier: GPL-2.0
/*
 * Request entries: the compact SYN-RECEIVED of RFC 9293 a SYN makes on
 * its listener in place of a socket (well under its budget of 128 bytes),
 * kept in a small hash keyed by the peer's address and port, and the
 * SYN,ACKs they send and resend on a timer per listener.
 *
 * Everything here but the first helpers runs under the listener's lock
 * (listen.h): from softirq for the segments, from the timer for the
 * retransmissions.  A request leaves the hash only after the child that
 * replaces it is in the connection table, so the 4-tuple always has an
 * owner the receive path can find.
 */
#include <linux/jhash.h>
#include <linux/slab.h>
#include <net/inet_ecn.h>
#include <net/ip.h>

#include "core/accept.h"
#include "core/options.h"
#include "core/seq.h"
#include "core/window.h"
#include "listen.h"
#include "stats.h"
#include "tcpalt.h"
#include "trace.h"

/* The memory budget of a request entry (README, "Decisions"). */
static_assert(sizeof(struct tcpalt_request) <= 128);

static struct kmem_cache *request_cache;

static u32 request_hash(const struct tcpalt_listener *l, __be32 raddr,
			__be16 rport)
{
	return jhash_2words((__force u32)raddr, (__force u32)rport, 0) &
	       l->mask;
}

static unsigned long synack_timeout(const struct tcpalt_request *req)
{
	return (unsigned long)HZ << min_t(u8, req->retrans, 7);
}

u32 tcpalt_request_tsval(const struct tcpalt_request *req)
{
	return tcpalt_ts_clock(tcpalt_ts_offset(req->laddr, req->raddr));
}

/* The SYN's offer, and what we agree to (RFC 7323, RFC 2018). */
void tcpalt_request_from_syn(struct sock *sk, struct tcpalt_request *req,
			     const struct sk_buff *skb)
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
	req->peer_mss = tcpalt_cb_peer_mss(cb);
	/* The listener's option, set under its socket lock, not ours. */
	req->rcv_mss = tcpalt_reply_mss(net, skb,
					READ_ONCE(tcpalt_sk(sk)->user_mss));
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
 * Our SYN,ACK for a request: seq ISS, ack IRS+1, the agreed options, and
 * tsval in the timestamp option if there is one.
 */
void tcpalt_request_send_synack(struct sock *sk,
				const struct tcpalt_request *req, u32 tsval)
{
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
		.opts = &o,
	};

	tcpalt_send_raw(sock_net(sk), &r);
}

/* The peer lost our SYN,ACK, or we resend it on the timer. */
void tcpalt_request_resend(struct tcpalt_listener *l,
			   const struct tcpalt_request *req)
{
	tcpalt_request_send_synack(l->sk, req, tcpalt_request_tsval(req));
}

/* The request of the peer raddr:rport that reached us at laddr. */
struct tcpalt_request *tcpalt_request_lookup(struct tcpalt_listener *l,
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

/* The request for a segment's peer, if there is one. */
struct tcpalt_request *tcpalt_request_find(struct tcpalt_listener *l,
					   const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	__be16 rport = htons(tcpalt_get_be16(skb_transport_header(skb)));

	return tcpalt_request_lookup(l, iph->daddr, iph->saddr, rport);
}

static void request_drop(struct tcpalt_listener *l, struct tcpalt_request *req)
{
	hlist_del(&req->node);
	l->nr_requests--;
	kmem_cache_free(request_cache, req);
}

/* The peer cannot be reached: the request goes, as TCP counts it. */
void tcpalt_request_abort(struct tcpalt_listener *l,
			  struct tcpalt_request *req)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(l->sk));

	tcpalt_stat_inc(tn, TCPALT_STAT_LISTEN_DROPS);
	tcpalt_stat_inc(tn, TCPALT_STAT_ATTEMPT_FAILS);
	request_drop(l, req);
}

static void synack_timer_arm(struct tcpalt_listener *l, unsigned long when)
{
	if (!timer_pending(&l->timer) || time_before(when, l->timer.expires))
		mod_timer(&l->timer, when);
}

/*
 * RFC 9293 3.10.7.2 third: a SYN makes a request and gets a SYN,ACK.
 * False if the SYN backlog is full or memory short.
 */
bool tcpalt_request_add(struct tcpalt_listener *l, struct sk_buff *skb)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(l->sk));
	struct tcpalt_request *req;

	if (l->nr_requests >= l->max_requests)
		return false;
	req = kmem_cache_alloc(request_cache, GFP_ATOMIC);
	if (!req)
		return false;
	tcpalt_request_from_syn(l->sk, req, skb);
	hlist_add_head(&req->node,
		       &l->requests[request_hash(l, req->raddr, req->rport)]);
	l->nr_requests++;
	tcpalt_stat_inc(tn, TCPALT_STAT_PASSIVE_OPENS);
	tcpalt_request_resend(l, req);
	synack_timer_arm(l, req->deadline);
	return true;
}

/*
 * Retransmits the SYN,ACKs that are due, on exponential backoff, and
 * drops the requests that used up synack_retries.  The cost is linear in
 * the backlog, which min(backlog, max_syn_backlog) bounds.
 */
void tcpalt_synack_timer(struct timer_list *t)
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
				trace_tcpalt_retransmit_synack(req->laddr,
							       req->lport,
							       req->raddr,
							       req->rport);
				tcpalt_request_resend(l, req);
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

/*
 * A segment for a request (RFC 9293 3.10.7.4 in SYN-RECEIVED): the
 * sequence number must be the one we expect, a RST takes the request back
 * to LISTEN, and the ACK must acknowledge our SYN.  The child is in the
 * connection table before the request goes.  Returns whether the skb was
 * kept.
 */
bool tcpalt_request_rcv(struct tcpalt_listener *l, struct tcpalt_request *req,
			struct sk_buff *skb, bool *promoted)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_net *tn = tcpalt_net(sock_net(l->sk));
	u32 rcv_wnd = tcpalt_rcv_wnd_now(l->sk);
	bool kept;

	if (cb->flags & TCPALT_RST) {
		if (tcpalt_check_rst(cb->seq, req->irs + 1, rcv_wnd) ==
		    TCPALT_RST_ACCEPT) {
			tcpalt_stat_inc(tn, TCPALT_STAT_IN_RSTS);
			tcpalt_stat_inc(tn, TCPALT_STAT_ATTEMPT_FAILS);
			trace_tcpalt_receive_reset(req->laddr, req->lport,
						   req->raddr, req->rport);
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
		tcpalt_send_reset_to(l->sk, skb);
		return false;
	}
	kept = tcpalt_child_promote(l, req, skb, promoted);
	if (*promoted)
		request_drop(l, req);
	return kept;
}

/* The listener goes: so do its requests. */
void tcpalt_requests_flush(struct tcpalt_listener *l)
{
	struct tcpalt_request *req;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i <= l->mask; i++)
		hlist_for_each_entry_safe(req, tmp, &l->requests[i], node)
			request_drop(l, req);
}

/*
 * /proc/tcpalt/conns, under l->lock: the first request at or after the
 * n-th of chain *chain, counting from 0, copied into line, and its place
 * in *chain and *n; false if there is none.
 */
bool tcpalt_request_at(struct tcpalt_listener *l, unsigned int *chain,
		       unsigned int *n, struct tcpalt_conns_line *line)
{
	struct tcpalt_request *req;
	unsigned int skip;

	for (; !l->dead && *chain <= l->mask; (*chain)++, *n = 0) {
		skip = *n;
		hlist_for_each_entry(req, &l->requests[*chain], node) {
			if (skip--)
				continue;
			tcpalt_conns_line_fill(line, TCPALT_SYN_RECV,
					       req->laddr, req->lport,
					       req->raddr, req->rport,
					       "retransmit",
					       (long)(req->deadline - jiffies));
			line->timer_count = req->retrans;
			return true;
		}
	}
	return false;
}

int tcpalt_request_init(void)
{
	request_cache = KMEM_CACHE(tcpalt_request, 0);
	return request_cache ? 0 : -ENOMEM;
}

void tcpalt_request_exit(void)
{
	kmem_cache_destroy(request_cache);
}
