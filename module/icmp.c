// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors about our segments, in softirq from icmp_rcv() under RCU:
 * the error quotes the IP header and the first 8 bytes of the segment
 * (ports and sequence number), which find the connection, TIME-WAIT
 * entry or request it was sent for.  As Linux's TCP does with them:
 *
 * - nothing is believed whose quoted sequence number the peer could not
 *   have seen unacknowledged (RFC 5927 section 4.1);
 * - "fragmentation needed" lowers the path MTU and the MSS, and what was
 *   sent too large goes again at once (RFC 1191);
 * - unreachables and the like end a connection still in its handshake
 *   with the errno TCP gives, and are soft errors once it is
 *   synchronized, reported only if it then times out (RFC 1122
 *   4.2.3.9), or at once with IP_RECVERR.
 */
#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/snmp.h>

#include "conn.h"
#include "core/icmp.h"
#include "listen.h"
#include "stats.h"
#include "tcpalt.h"

/* The quoted segment's addresses and ports, from our side, and its seq. */
struct icmp_quote {
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 rport;
	u32 seq;
	const u8 *hdr;		/* our header's first 8 bytes */
};

/* icmp_socket_deliver() made the IP header and 8 bytes after it linear. */
static void quote_parse(const struct sk_buff *skb, struct icmp_quote *q)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;

	q->hdr = skb->data + iph->ihl * 4;
	q->laddr = iph->saddr;
	q->raddr = iph->daddr;
	q->lport = htons(tcpalt_get_be16(q->hdr));
	q->rport = htons(tcpalt_get_be16(q->hdr + 2));
	q->seq = tcpalt_get_be32(q->hdr + 4);
}

/*
 * The error an ICMP message reports, as tcp_v4_err() maps it, negative;
 * 0 for those that tell a connection nothing (source quench, unknown
 * types and codes).
 */
static int icmp_errno(int type, int code)
{
	switch (type) {
	case ICMP_PARAMETERPROB:
		return -EPROTO;
	case ICMP_DEST_UNREACH:
		return code <= NR_ICMP_UNREACH ?
		       -icmp_err_convert[code].errno : 0;
	case ICMP_TIME_EXCEEDED:
		return -EHOSTUNREACH;
	default:
		return 0;
	}
}

/*
 * A request dies only of what says its peer cannot be reached at all,
 * as tcp_req_err() decides: a port or protocol unreachable for a peer
 * that just sent us a SYN is not believed.
 */
static bool icmp_request_fatal(int type, int code)
{
	return type == ICMP_PARAMETERPROB || type == ICMP_TIME_EXCEEDED ||
	       (type == ICMP_DEST_UNREACH &&
		(code == ICMP_NET_UNREACH || code == ICMP_HOST_UNREACH));
}

/* IP, IP options, our header and the timestamps every segment carries. */
static u32 seg_overhead(const struct sock *sk)
{
	const struct ip_options_rcu *opt;
	u32 len = sizeof(struct iphdr) + TCPALT_HDR_LEN;

	if (tcpalt_sk(sk)->ts_ok)
		len += TCPALT_OPT_TS_LEN + 2;
	rcu_read_lock();
	opt = rcu_dereference(inet_sk(sk)->inet_opt);
	if (opt)
		len += opt->opt.optlen;
	rcu_read_unlock();
	return len;
}

/*
 * The socket's route, told of the smaller MTU.  The route keeps it as an
 * exception of its next hop, which makes the socket's cached route
 * obsolete: it is looked up again, as inet_csk_update_pmtu() does.
 * NULL when there is no route.
 */
static struct dst_entry *pmtu_update_route(struct sock *sk, u32 mtu)
{
	struct dst_entry *dst;

	if (inet_sk_rebuild_header(sk))
		return NULL;
	dst = __sk_dst_get(sk);
	dst->ops->update_pmtu(dst, sk, NULL, mtu, true);
	if (inet_sk_rebuild_header(sk))
		return NULL;
	return __sk_dst_get(sk);
}

/*
 * RFC 1191 with the MTU of the last "fragmentation needed": the route
 * learns it, and a synchronized connection whose segments no longer fit
 * sends with a smaller MSS from now on, its flight sent again.  Under
 * the socket lock: in softirq, or from release_sock() when the user
 * held the socket as the error came.
 */
void tcpalt_mtu_reduced(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 mtu = READ_ONCE(tp->mtu_info);
	struct dst_entry *dst;
	u32 mss;

	if ((1 << sk->sk_state) & (TCPF_LISTEN | TCPF_CLOSE))
		return;
	dst = pmtu_update_route(sk, mtu);
	if (!dst)
		return;
	/* Should the connection not recover, this is what went wrong. */
	if (mtu < dst_mtu(dst) && ip_dont_fragment(sk, dst))
		WRITE_ONCE(sk->sk_err_soft, EMSGSIZE);
	/*
	 * IP_PMTUDISC_DONT: our segments go without DF and are fragmented
	 * on the way; INTERFACE and OMIT ignore the path's MTU.
	 */
	if (inet_sk(sk)->pmtudisc == IP_PMTUDISC_DONT ||
	    !ip_sk_accept_pmtu(sk))
		return;
	/* A handshake's MSS comes from rcv_mss, set before the SYN. */
	if (!tcpalt_state_synchronized(sk->sk_state))
		return;
	mss = tcpalt_pmtu_mss(dst_mtu(dst), seg_overhead(sk), tp->mss,
			      TCPALT_MIN_MSS);
	if (mss >= tp->mss)
		return;
	tp->mss = mss;
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)), TCPALT_STAT_PMTU_UPDATES);
	tcpalt_send_again(sk);
}

/* struct proto .release_cb: what softirq left for the socket's owner. */
void tcpalt_release_cb(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (READ_ONCE(tp->deferred) &&
	    test_and_clear_bit(TCPALT_DEFER_MTU_REDUCED, &tp->deferred))
		tcpalt_mtu_reduced(sk);
}

/*
 * While the user holds the socket, the new MTU waits for release_sock():
 * errors our own host's output path generates often come so.
 */
static void icmp_frag_needed(struct sock *sk, u32 info)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	WRITE_ONCE(tp->mtu_info, info);
	if (!sock_owned_by_user(sk))
		tcpalt_mtu_reduced(sk);
	else
		set_bit(TCPALT_DEFER_MTU_REDUCED, &tp->deferred);
}

static void icmp_redirect(struct sock *sk, struct sk_buff *skb)
{
	struct dst_entry *dst = __sk_dst_check(sk, 0);

	if (dst)
		dst->ops->redirect(dst, sk, skb);
}

/* RFC 4884's extension, for a socket that asked (IP_RECVERR_RFC4884). */
static void queue_error_rfc4884(const struct sk_buff *skb,
				struct sock_ee_data_rfc4884 *out)
{
	switch (icmp_hdr(skb)->type) {
	case ICMP_DEST_UNREACH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		ip_icmp_error_rfc4884(skb, out, sizeof(struct icmphdr),
				      icmp_hdr(skb)->un.reserved[1] * 4);
	}
}

/*
 * The error for MSG_ERRQUEUE, as ip_icmp_error() (not exported) queues
 * it: the ICMP message from our header on, its address and port those of
 * the peer.
 */
static void queue_error(struct sock *sk, struct sk_buff *skb, int err,
			const struct icmp_quote *q, u32 info)
{
	struct sock_exterr_skb *serr;

	skb = skb_clone(skb, GFP_ATOMIC);
	if (!skb)
		return;
	serr = SKB_EXT_ERR(skb);
	serr->ee = (struct sock_extended_err){
		.ee_errno = err,
		.ee_origin = SO_EE_ORIGIN_ICMP,
		.ee_type = icmp_hdr(skb)->type,
		.ee_code = icmp_hdr(skb)->code,
		.ee_info = info,
	};
	serr->addr_offset = (u8 *)&((struct iphdr *)(icmp_hdr(skb) + 1))->daddr -
			    skb_network_header(skb);
	serr->port = q->rport;
	if (skb_pull(skb, q->hdr - skb->data)) {
		if (inet_sk(sk)->recverr_rfc4884)
			queue_error_rfc4884(skb, &serr->ee.ee_rfc4884);
		skb_reset_transport_header(skb);
		if (!sock_queue_err_skb(sk, skb))
			return;
	}
	kfree_skb(skb);
}

/*
 * A hard error ends a handshake at once (connect() fails with err); the
 * user holding the socket leaves it for the retransmission timeout to
 * report.  The error is queued for MSG_ERRQUEUE too, as TCP queues it.
 */
static void icmp_handshake_error(struct sock *sk, struct sk_buff *skb,
				 const struct icmp_quote *q, int err, u32 info)
{
	queue_error(sk, skb, err, q, info);
	if (sock_owned_by_user(sk)) {
		WRITE_ONCE(sk->sk_err_soft, err);
		return;
	}
	WRITE_ONCE(sk->sk_err, err);
	/* poll() reads sk_err after the state change (tcpalt_poll()). */
	smp_wmb();
	tcpalt_done(sk);
	if (!sock_flag(sk, SOCK_DEAD))
		sk_error_report(sk);
}

/*
 * RFC 1122 4.2.3.9: a synchronized connection keeps trying; the error is
 * what a timeout reports.  IP_RECVERR asks for it at once, as with TCP.
 */
static void icmp_soft_error(struct sock *sk, int err)
{
	if (!sock_owned_by_user(sk) && inet_sk(sk)->recverr) {
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
	} else {
		WRITE_ONCE(sk->sk_err_soft, err);
	}
}

static void icmp_conn(struct sock *sk, struct sk_buff *skb,
		      const struct icmp_quote *q, u32 info)
{
	const struct icmphdr *icmph = icmp_hdr(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	int err;

	bh_lock_sock(sk);
	if (sk->sk_state == TCP_CLOSE)
		goto out;
	/*
	 * As tcp_v4_err(), even while the user holds the socket: a stale
	 * bound only makes the check stricter or looser by what the user
	 * is sending or acknowledging right now.
	 */
	if (!tcpalt_icmp_seq_ok(q->seq, READ_ONCE(tp->snd_una),
				READ_ONCE(tp->snd_max))) {
		tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
				TCPALT_STAT_OUT_OF_WINDOW_ICMPS);
		goto out;
	}
	if (icmph->type == ICMP_REDIRECT) {
		if (!sock_owned_by_user(sk))
			icmp_redirect(sk, skb);
		goto out;
	}
	if (icmph->type == ICMP_DEST_UNREACH &&
	    icmph->code == ICMP_FRAG_NEEDED) {
		icmp_frag_needed(sk, info);
		goto out;
	}
	err = -icmp_errno(icmph->type, icmph->code);
	if (!err)
		goto out;
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV))
		icmp_handshake_error(sk, skb, q, err, info);
	else
		icmp_soft_error(sk, err);
out:
	bh_unlock_sock(sk);
}

/*
 * An error about a listener's SYN,ACK: its request goes if the peer is
 * unreachable and the error quotes our ISN exactly.  Nothing can tell the
 * user: the request has no socket yet, and accept() reports no network
 * errors (POSIX).  Returns whether there was such a request.
 */
static bool icmp_request(struct sock *sk, const struct icmp_quote *q,
			 int type, int code)
{
	struct tcpalt_listener *l = listener_rcu(sk);
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	struct tcpalt_request *req;
	bool found = false;

	if (!l)
		return false;
	spin_lock(&l->lock);
	req = l->dead ? NULL : tcpalt_request_lookup(l, q->laddr, q->raddr,
						     q->rport);
	if (!req)
		goto out;
	found = true;
	if (q->seq != req->iss)
		tcpalt_stat_inc(tn, TCPALT_STAT_OUT_OF_WINDOW_ICMPS);
	else if (icmp_request_fatal(type, code))
		tcpalt_request_abort(l, req);
out:
	spin_unlock(&l->lock);
	return found;
}

/* struct net_protocol .err_handler. */
int tcpalt_v4_err(struct sk_buff *skb, u32 info)
{
	const struct icmphdr *icmph = icmp_hdr(skb);
	struct net *net = dev_net(skb->dev);
	int dif = inet_iif(skb);
	struct icmp_quote q;
	struct sock *sk;
	bool found;

	quote_parse(skb, &q);
	sk = tcpalt_lookup_conn(net, q.raddr, q.rport, q.laddr, q.lport, dif,
				0);
	if (sk) {
		icmp_conn(sk, skb, &q, info);
		sock_put(sk);
		return 0;
	}
	/* TIME-WAIT has nothing left to send that an error could be about. */
	if (tcpalt_tw_lookup(net, q.raddr, q.rport, q.laddr, q.lport, dif, 0))
		return 0;
	sk = tcpalt_lookup_listener(net, q.laddr, q.lport, dif, 0);
	if (sk) {
		found = icmp_request(sk, &q, icmph->type, icmph->code);
		sock_put(sk);
		if (found)
			return 0;
	}
	/* As TCP counts an error about nothing it knows. */
	__ICMP_INC_STATS(net, ICMP_MIB_INERRORS);
	return -ENOENT;
}
