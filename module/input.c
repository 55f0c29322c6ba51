// SPDX-License-Identifier: GPL-2.0
/*
 * The receive path, in softirq: validate a segment, find who it is for,
 * and hand it over: to a listener under the listener's own lock, to a
 * connection under its socket lock, or through the socket backlog when
 * the user holds the socket.  Segments for nobody are answered as a
 * CLOSED port must.
 */
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/route.h>

#include "conn.h"
#include "fault.h"
#include "stats.h"
#include "tcpalt.h"

/*
 * Length and data offset, then the checksum over the whole segment, then
 * the options, which are only worth reading once the checksum vouches for
 * them.  A reject says why in *why, the counter it goes under besides
 * InErrs.
 */
static bool tcpalt_validate(struct sk_buff *skb, struct tcpalt_hdr *hdr,
			    struct tcpalt_opts *opts, enum tcpalt_stat *why)
{
	*why = TCPALT_STAT_IN_HDR_ERRORS;
	if (!pskb_may_pull(skb, TCPALT_HDR_LEN) ||
	    tcpalt_parse_hdr(skb->data, skb->len, hdr) != TCPALT_PARSE_OK ||
	    !pskb_may_pull(skb, hdr->doff))
		return false;

	*why = TCPALT_STAT_IN_CSUM_ERRORS;
	if (skb_checksum_init(skb, tcpalt_ipproto, inet_compute_pseudo) ||
	    (!skb_csum_unnecessary(skb) && skb_checksum_complete(skb)))
		return false;

	*why = TCPALT_STAT_IN_OPT_ERRORS;
	return tcpalt_parse_opts(skb->data, hdr, opts) == TCPALT_PARSE_OK;
}

/* The closest generic drop reason, for drop monitors and tracing. */
static enum skb_drop_reason tcpalt_drop_reason(enum tcpalt_stat why)
{
	switch (why) {
	case TCPALT_STAT_IN_HDR_ERRORS:
		return SKB_DROP_REASON_PKT_TOO_SMALL;
	case TCPALT_STAT_IN_CSUM_ERRORS:
		return SKB_DROP_REASON_TCP_CSUM;
	default:
		return SKB_DROP_REASON_NOT_SPECIFIED;
	}
}

/*
 * RFC 9293 3.9.1: a SYN to a broadcast or multicast address is ignored,
 * and RFC 1122 4.2.3.10 forbids answering one from such a source, so
 * neither ever reaches a socket or draws a RST.
 */
static bool tcpalt_addr_ok(const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (skb_rtable(skb)->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST))
		return false;
	return !ipv4_is_multicast(iph->saddr) &&
	       !ipv4_is_lbcast(iph->saddr) &&
	       !ipv4_is_zeronet(iph->saddr);
}

/* sysctl blackhole: 1 keeps quiet to SYNs, 2 to everything. */
static bool tcpalt_blackholed(const struct tcpalt_net *tn,
			      const struct tcpalt_hdr *hdr)
{
	int level = READ_ONCE(tn->sysctl_blackhole);

	return level == 2 || (level == 1 && (hdr->flags & TCPALT_SYN));
}

/* RFC 9293 3.10.7.1: a segment for a CLOSED port. */
static void tcpalt_rcv_closed(struct net *net, struct tcpalt_net *tn,
			      struct sk_buff *skb, const struct tcpalt_hdr *hdr)
{
	tcpalt_stat_inc(tn, TCPALT_STAT_IN_NO_SOCKET);
	if (hdr->flags & TCPALT_RST)
		return;
	if (tcpalt_blackholed(tn, hdr)) {
		tcpalt_stat_inc(tn, TCPALT_STAT_BLACKHOLE_DROPS);
		return;
	}
	tcpalt_send_reset(net, tn, skb, hdr);
}

/* The parsed header, for the socket code: skb->cb from here on. */
static void tcpalt_fill_cb(struct sk_buff *skb, const struct tcpalt_hdr *hdr,
			   const struct tcpalt_opts *opts)
{
	struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);

	memset(cb, 0, sizeof(*cb));
	cb->seq = hdr->seq;
	cb->end_seq = hdr->seq + tcpalt_seg_len(hdr, skb->len - hdr->doff);
	cb->ack = hdr->ack;
	cb->flags = hdr->flags;
	cb->window = hdr->window;
	cb->has_mss = opts->has_mss;
	cb->mss = opts->mss;
	cb->has_wscale = opts->has_wscale;
	cb->wscale = min_t(u8, opts->wscale, TCPALT_WSCALE_MAX);
	cb->has_ts = opts->has_ts;
	cb->tsval = opts->tsval;
	cb->tsecr = opts->tsecr;
	cb->sack_ok = opts->sack_ok;
	__skb_pull(skb, hdr->doff);
}

/*
 * What may wait on the backlog while the user holds the socket: both
 * buffers, and 64 KiB more as Linux's tcp_add_backlog() allows, since
 * the send buffer of a receiver that sends little starts small.
 */
static u32 tcpalt_backlog_limit(const struct sock *sk)
{
	return READ_ONCE(sk->sk_rcvbuf) + READ_ONCE(sk->sk_sndbuf) + SZ_64K;
}

static void tcpalt_rcv_conn(struct tcpalt_net *tn, struct sock *sk,
			    struct sk_buff *skb)
{
	bh_lock_sock_nested(sk);
	if (!sock_owned_by_user(sk)) {
		tcpalt_do_rcv(sk, skb);
	} else if (sk_add_backlog(sk, skb, tcpalt_backlog_limit(sk))) {
		tcpalt_stat_inc(tn, TCPALT_STAT_RCV_QUEUE_DROPS);
		kfree_skb_reason(skb, SKB_DROP_REASON_SOCKET_BACKLOG);
	}
	bh_unlock_sock(sk);
}

/*
 * A listener hands on a segment that raced with the final ACK on another
 * CPU to the child that ACK made.
 */
static void tcpalt_rcv_sock(struct tcpalt_net *tn, struct sock *sk,
			    struct sk_buff *skb)
{
	struct sock *child;

	/* Not under the socket lock: listen() or close() may be changing it. */
	if (READ_ONCE(sk->sk_state) != TCP_LISTEN) {
		tcpalt_rcv_conn(tn, sk, skb);
		return;
	}
	child = tcpalt_listener_rcv(sk, skb);
	if (child) {
		tcpalt_rcv_conn(tn, child, skb);
		sock_put(child);
	}
}

/*
 * Who the segment is for: its connection, else a TIME-WAIT entry, else a
 * listener.  An entry deals with the segment itself, unless it is a SYN
 * that reopens the 4-tuple for a listener; that goes on to it, with the ISN
 * the new incarnation starts above in *isn (else 0).  Returns a socket
 * with a reference, or NULL once the segment is consumed or nobody's.
 */
static struct sock *tcpalt_demux(struct net *net, struct sk_buff *skb,
				 const struct tcpalt_hdr *hdr,
				 const struct tcpalt_opts *opts, u32 *isn,
				 bool *consumed)
{
	const struct iphdr *iph = ip_hdr(skb);
	__be16 sport = htons(hdr->sport), dport = htons(hdr->dport);
	int dif = inet_iif(skb), sdif = inet_sdif(skb);
	struct tcpalt_tw *tw;
	struct sock *sk;

	*isn = 0;
	*consumed = false;
	sk = tcpalt_lookup_conn(net, iph->saddr, sport, iph->daddr, dport, dif,
				sdif);
	if (sk)
		return sk;
	tw = tcpalt_tw_lookup(net, iph->saddr, sport, iph->daddr, dport, dif,
			      sdif);
	if (!tw)
		return tcpalt_lookup_listener(net, iph->daddr, dport, dif, sdif);
	/* Only a SYN may go on from an entry, and only to a listener. */
	sk = hdr->flags & TCPALT_SYN ?
	     tcpalt_lookup_listener(net, iph->daddr, dport, dif, sdif) : NULL;
	if (tcpalt_tw_rcv(net, tw, skb, hdr, opts, !!sk, isn)) {
		if (sk)
			sock_put(sk);
		*consumed = true;
		return NULL;
	}
	return sk;
}

int tcpalt_v4_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	struct tcpalt_net *tn = tcpalt_net(net);
	enum skb_drop_reason reason;
	struct tcpalt_opts opts;
	struct tcpalt_hdr hdr;
	enum tcpalt_stat why;
	struct sock *sk;
	bool consumed;
	u32 isn;

	reason = SKB_DROP_REASON_OTHERHOST;
	if (skb->pkt_type != PACKET_HOST)
		goto discard;
	tcpalt_stat_inc(tn, TCPALT_STAT_IN_SEGS);

	if (!tcpalt_validate(skb, &hdr, &opts, &why)) {
		tcpalt_stat_inc(tn, TCPALT_STAT_IN_ERRS);
		tcpalt_stat_inc(tn, why);
		reason = tcpalt_drop_reason(why);
		goto discard;
	}
	reason = SKB_DROP_REASON_IP_INADDRERRORS;
	if (!tcpalt_addr_ok(skb)) {
		tcpalt_stat_inc(tn, TCPALT_STAT_IN_ADDR_ERRORS);
		goto discard;
	}

	sk = tcpalt_demux(net, skb, &hdr, &opts, &isn, &consumed);
	if (consumed) {
		consume_skb(skb);
		return 0;
	}
	if (sk) {
		tcpalt_fill_cb(skb, &hdr, &opts);
		TCPALT_SKB_CB(skb)->isn = isn;
		tcpalt_rcv_sock(tn, sk, skb);
		sock_put(sk);
		return 0;
	}
	tcpalt_rcv_closed(net, tn, skb, &hdr);
	tcpalt_fault_rx(skb);
	reason = SKB_DROP_REASON_NO_SOCKET;

discard:
	kfree_skb_reason(skb, reason);
	return 0;
}
