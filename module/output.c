// SPDX-License-Identifier: GPL-2.0
/*
 * Building and sending segments: those of a connection, through
 * ip_queue_xmit() and the socket's route with checksum offload as TCP
 * uses it, and the segments that belong to no socket (RSTs for closed
 * ports, a listener's SYN,ACKs), checksummed in full.
 */
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/route.h>

#include "conn.h"
#include "core/accept.h"
#include "core/gso.h"
#include "core/options.h"
#include "core/window.h"
#include "stats.h"
#include "tcpalt.h"
#include "trace.h"

#define TCPALT_CTL_HEADROOM	(MAX_HEADER + sizeof(struct iphdr))

/*
 * Sends a segment that belongs to no socket, from saddr to daddr: the
 * answers to segments nobody owns, and a listener's SYN,ACKs.  Routed
 * afresh, on oif with mark and tos as the caller says.  Returns whether
 * it went out.
 */
bool tcpalt_send_raw(struct net *net, const struct tcpalt_raw_seg *r)
{
	size_t len = tcpalt_seg_hdr_len(r->hdr.flags, r->opts);
	struct tcpalt_hdr hdr = r->hdr;
	struct flowi4 fl4;
	struct sk_buff *skb;
	struct rtable *rt;
	struct iphdr *iph;
	int err;
	u8 *seg;

	flowi4_init_output(&fl4, r->oif, r->mark, RT_TOS(r->tos),
			   RT_SCOPE_UNIVERSE, tcpalt_ipproto, 0, r->daddr,
			   r->saddr, htons(hdr.dport), htons(hdr.sport),
			   sock_net_uid(net, NULL));
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		goto discard;

	skb = alloc_skb(TCPALT_CTL_HEADROOM + len, GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		goto discard;
	}
	skb_reserve(skb, TCPALT_CTL_HEADROOM);
	seg = skb_put(skb, len);
	hdr.doff = len;
	tcpalt_build_seg_hdr(seg, &hdr, r->opts);
	*(__sum16 *)(seg + 16) =
		csum_tcpudp_magic(fl4.saddr, fl4.daddr, len, tcpalt_ipproto,
				  csum_partial(seg, len, 0));
	skb_reset_transport_header(skb);

	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	*iph = (struct iphdr){
		.version = 4,
		.ihl = sizeof(*iph) / 4,
		.tos = r->tos,
		.tot_len = htons(skb->len),
		.frag_off = htons(IP_DF),
		.ttl = ip4_dst_hoplimit(&rt->dst),
		.protocol = tcpalt_ipproto,
		.saddr = fl4.saddr,
		.daddr = fl4.daddr,
	};
	skb->mark = fl4.flowi4_mark;
	skb_dst_set(skb, &rt->dst);
	ip_select_ident(net, skb, NULL);

	/*
	 * ip_local_out() fills in the IP checksum and owns the skb now.
	 * net_xmit_eval() evaluates its argument twice, hence err.
	 */
	err = ip_local_out(net, NULL, skb);
	if (net_xmit_eval(err))
		goto discard;
	tcpalt_stat_inc(tcpalt_net(net), TCPALT_STAT_OUT_SEGS);
	return true;

discard:
	tcpalt_stat_inc(tcpalt_net(net), TCPALT_STAT_OUT_DISCARDS);
	return false;
}

/*
 * Routing for an answer to in_skb, as TCP routes its replies: the
 * incoming VRF, the reflected mark and TOS.
 */
void tcpalt_reply_route(struct net *net, const struct sk_buff *in_skb,
			struct tcpalt_raw_seg *r)
{
	const struct iphdr *in_iph = ip_hdr(in_skb);

	r->saddr = in_iph->daddr;
	r->daddr = in_iph->saddr;
	r->oif = netif_index_is_l3_master(net, in_skb->skb_iif) ?
		 in_skb->skb_iif : 0;
	r->mark = IP4_REPLY_MARK(net, in_skb->mark);
	r->tos = in_iph->tos & ~INET_ECN_MASK;
}

/* A bare header answering in_skb: no options, no window. */
static bool tcpalt_send_ctl(struct net *net, struct sk_buff *in_skb,
			    const struct tcpalt_hdr *hdr)
{
	struct tcpalt_raw_seg r = { .hdr = *hdr };

	tcpalt_reply_route(net, in_skb, &r);
	if (!tcpalt_send_raw(net, &r))
		return false;
	if (hdr->flags & TCPALT_RST)
		trace_tcpalt_send_reset(r.saddr, htons(hdr->sport), r.daddr,
					htons(hdr->dport));
	return true;
}

/* RFC 9293 3.10.7.1; the caller never passes a RST. */
void tcpalt_send_reset(struct net *net, struct tcpalt_net *tn,
		       struct sk_buff *in_skb, const struct tcpalt_hdr *in)
{
	struct tcpalt_hdr rst;

	tcpalt_rst_reply(in, tcpalt_seg_len(in, in_skb->len - in->doff), &rst);
	if (tcpalt_send_ctl(net, in_skb, &rst))
		tcpalt_stat_inc(tn, TCPALT_STAT_OUT_RSTS);
}

/* The window to advertise now, and remember it (RFC 9293 3.8.6). */
static u16 tcpalt_window_field(struct sock *sk, bool syn)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 wnd, left, free;

	if (syn) {
		tp->rcv_wnd = tcpalt_rcv_wnd_now(sk);
		tp->rcv_wup = tp->rcv_nxt;
		return tcpalt_syn_wnd_field(tp->rcv_wnd);
	}
	left = tcpalt_rcv_wnd_left(tp->rcv_wup, tp->rcv_wnd, tp->rcv_nxt);
	free = tcpalt_rcv_wnd_now(sk);
	/*
	 * Under memory pressure the window opens to four segments at most
	 * (TCP clamps its rcv_ssthresh so); what was offered stays.
	 */
	if (sk_under_memory_pressure(sk))
		free = min_t(u32, free, 4U * tp->rcv_mss);
	wnd = tcpalt_select_rcv_wnd(left, free, tcpalt_rcv_full_wnd(sk),
				    tp->rcv_mss, tp->rcv_wscale);
	tp->rcv_wnd = wnd;
	tp->rcv_wup = tp->rcv_nxt;
	return tcpalt_wnd_field(wnd, tp->rcv_wscale);
}

/* What our SYN or SYN,ACK offers; a SYN,ACK only what the peer offered. */
void tcpalt_syn_options(struct sock *sk, struct tcpalt_opts *o, bool synack)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	memset(o, 0, sizeof(*o));
	o->has_mss = true;
	o->mss = tp->rcv_mss;
	o->has_wscale = !synack || tp->wscale_ok;
	o->wscale = tp->rcv_wscale;
	o->sack_ok = !synack || tp->sack_ok;
	o->has_ts = !synack || tp->ts_ok;
	o->tsval = tcpalt_ts_now(tp);
	o->tsecr = tp->ts_recent;
}

/*
 * SACK blocks that fit beside data_len bytes: a full segment has room
 * for none, as its MSS already left room for the timestamps only.
 */
static u8 tcpalt_sack_fit(const struct tcpalt_sock *tp, u32 data_len)
{
	u32 room = tp->mss > data_len ? tp->mss - data_len : 0;

	return room < 12 ? 0 : (room - 4) / 8;
}

/* The options of a segment with these flags and this much data. */
static void tcpalt_fill_opts(struct sock *sk, struct tcpalt_opts *o, u8 flags,
			     u32 data_len)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (flags & TCPALT_SYN) {
		tcpalt_syn_options(sk, o, flags & TCPALT_ACK);
		return;
	}
	memset(o, 0, sizeof(*o));
	o->has_ts = tp->ts_ok;
	o->tsval = tcpalt_ts_now(tp);
	o->tsecr = tp->ts_recent;
	if (flags & TCPALT_ACK) {
		tcpalt_sack_fill(sk, o);
		o->nr_sack = min(o->nr_sack, tcpalt_sack_fit(tp, data_len));
	}
}

/*
 * A super-segment says where its pieces are cut (offload.c); the fields
 * are in the shared info, which a clone in flight may still be reading.
 */
static int tcpalt_gso_prepare(struct sk_buff *skb, u16 mss)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);
	u32 segs = tcpalt_gso_pieces(skb->len, mss);
	u16 size = segs > 1 ? mss : 0;

	if (shinfo->gso_size == size && shinfo->gso_segs == segs)
		return 0;
	if (tcpalt_wq_unclone(skb))
		return -ENOMEM;
	shinfo->gso_size = size;
	shinfo->gso_segs = segs;
	shinfo->gso_type = segs > 1 ? SKB_GSO_SCTP : 0;
	return 0;
}

/*
 * Puts our header in front of skb's data and sends it.  A segment of the
 * write queue stays there for retransmission, so a copy goes out; a
 * second clone would share the headroom the first may still be using,
 * hence a private copy of the header when the skb is already cloned.
 */
int tcpalt_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct tcpalt_hdr hdr = {
		.sport = ntohs(inet->inet_sport),
		.dport = ntohs(inet->inet_dport),
		.seq = cb->seq,
		.flags = cb->flags,
	};
	struct tcpalt_opts o;
	u32 data_len;
	u16 segs;
	int err;
	u8 *seg;

	if (clone) {
		if (tcpalt_gso_prepare(skb, tp->mss))
			goto discard;
		skb = skb_cloned(skb) ? pskb_copy(skb, GFP_ATOMIC) :
					skb_clone(skb, GFP_ATOMIC);
		if (!skb)
			goto discard;
	}
	data_len = skb->len;
	if (hdr.flags & TCPALT_ACK)
		hdr.ack = tp->rcv_nxt;
	hdr.window = tcpalt_window_field(sk, hdr.flags & TCPALT_SYN);
	tcpalt_fill_opts(sk, &o, hdr.flags, skb->len);
	hdr.doff = tcpalt_seg_hdr_len(hdr.flags, &o);

	seg = skb_push(skb, hdr.doff);
	skb_reset_transport_header(skb);
	tcpalt_build_seg_hdr(seg, &hdr, &o);
	/*
	 * As TCP leaves it: the pseudo-header sum in place and the rest to
	 * the device, or to the stack where the device cannot do it
	 * (validate_xmit_skb()).  Over veth the receiver trusts it as is.
	 */
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = 16;
	*(__sum16 *)(seg + 16) =
		~csum_tcpudp_magic(inet->inet_saddr, inet->inet_daddr, skb->len,
				   sk->sk_protocol, 0);
	skb_set_owner_w(skb, sk);
	if (hdr.flags & TCPALT_ACK) {
		tcpalt_delack_stop(sk);
		tp->acks_owed = 0;
		tp->ack_now = 0;
	}

	segs = skb_shinfo(skb)->gso_segs ?: 1;
	/* Counted when handed down, as TCP counts them, sent or not. */
	tp->segs_out += segs;
	if (data_len)
		tp->data_segs_out += segs;
	err = ip_queue_xmit(sk, skb, &inet->cork.fl);
	if (unlikely(net_xmit_eval(err)))
		goto discard_counted;
	tcpalt_stat_add(tcpalt_net(sock_net(sk)), TCPALT_STAT_OUT_SEGS, segs);
	return 0;

discard:
	err = -ENOBUFS;
discard_counted:
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)), TCPALT_STAT_OUT_DISCARDS);
	return err;
}

/* A segment of no data of our own, for ACKs, SYNs and probes. */
static int tcpalt_send_bare(struct sock *sk, u32 seq, u8 flags)
{
	struct sk_buff *skb = alloc_skb(TCPALT_MAX_HEADER, GFP_ATOMIC);

	if (!skb) {
		tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
				TCPALT_STAT_OUT_DISCARDS);
		return -ENOBUFS;
	}
	skb_reserve(skb, TCPALT_MAX_HEADER);
	TCPALT_SKB_CB(skb)->seq = seq;
	TCPALT_SKB_CB(skb)->flags = flags;
	return tcpalt_transmit_skb(sk, skb, false);
}

void tcpalt_send_ack(struct sock *sk)
{
	if (sk->sk_state == TCP_CLOSE)
		return;
	tcpalt_send_bare(sk, tcpalt_sk(sk)->snd_nxt, TCPALT_ACK);
}

/*
 * RFC 5961 section 7: at most a handful of challenge ACKs a second, so
 * they cannot be used to learn our sequence numbers by their rate.
 */
#define TCPALT_CHALLENGE_PER_SEC	10

void tcpalt_send_challenge_ack(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));

	if (time_after(jiffies, tp->challenge_stamp + HZ)) {
		tp->challenge_stamp = jiffies;
		tp->challenge_count = 0;
	}
	if (++tp->challenge_count > TCPALT_CHALLENGE_PER_SEC) {
		tcpalt_stat_inc(tn, TCPALT_STAT_CHALLENGE_LIMITED);
		return;
	}
	tcpalt_stat_inc(tn, TCPALT_STAT_CHALLENGE_ACKS);
	tcpalt_send_ack(sk);
}

/*
 * An ACK for a segment we could not accept (RFC 9293 3.10.7.4 first),
 * at most one per invalid_ratelimit, as TCP's tcp_oow_rate_limited():
 * one ACK tells the peer all it needs (RCV.NXT and the window), and a
 * flood of spoofed segments must not draw one each.  TCP spares the
 * segments that carry data, which cannot be part of an ACK loop; a
 * flood of them would draw an ACK each all the same, so none is spared.
 */
void tcpalt_send_oow_ack(struct sock *sk)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 gap = msecs_to_jiffies(READ_ONCE(tn->sysctl_invalid_ratelimit));
	u32 now = (u32)jiffies;

	if (gap && tp->oow_ack_stamp && now - tp->oow_ack_stamp < gap) {
		tcpalt_stat_inc(tn, TCPALT_STAT_OOW_ACK_LIMITED);
		return;
	}
	tp->oow_ack_stamp = now ?: 1;
	tcpalt_send_ack(sk);
}

/* Our SYN, or the SYN,ACK of a simultaneous open. */
int tcpalt_send_syn(struct sock *sk, bool with_ack)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	return tcpalt_send_bare(sk, tp->iss,
				TCPALT_SYN | (with_ack ? TCPALT_ACK : 0));
}

/*
 * A zero-window probe as Linux sends it: an old sequence number, which
 * the peer must answer with an ACK carrying its window.
 */
void tcpalt_send_probe(struct sock *sk)
{
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)), TCPALT_STAT_PERSIST_PROBES);
	tcpalt_send_bare(sk, tcpalt_sk(sk)->snd_una - 1, TCPALT_ACK);
}

/* An ACK with a sequence number of our choosing: keep-alive probes. */
void tcpalt_send_ack_at(struct sock *sk, u32 seq)
{
	tcpalt_send_bare(sk, seq, TCPALT_ACK);
}

/* ABORT: <SEQ=SND.NXT><CTL=RST>, RFC 9293 3.10.5. */
void tcpalt_send_active_reset(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (tcpalt_send_bare(sk, tp->snd_max, TCPALT_RST | TCPALT_ACK))
		return;
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)), TCPALT_STAT_OUT_RSTS);
	trace_tcpalt_send_reset(inet_sk(sk)->inet_saddr,
				inet_sk(sk)->inet_sport,
				inet_sk(sk)->inet_daddr,
				inet_sk(sk)->inet_dport);
}

/* The RST answering in_skb on behalf of a socket: its reply route. */
void tcpalt_send_reset_to(struct sock *sk, struct sk_buff *in_skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(in_skb);
	struct net *net = sock_net(sk);
	struct tcpalt_net *tn = tcpalt_net(net);
	struct tcpalt_hdr in, rst;

	tcpalt_cb_hdr(in_skb, &in);
	tcpalt_rst_reply(&in, cb->end_seq - cb->seq, &rst);
	if (tcpalt_send_ctl(net, in_skb, &rst))
		tcpalt_stat_inc(tn, TCPALT_STAT_OUT_RSTS);
}

/* Our MSS on a path of this MTU: no IP or TCP options assumed. */
u16 tcpalt_mtu_to_mss(u32 mtu, u16 user_mss)
{
	u32 mss = mtu - sizeof(struct iphdr) - TCPALT_HDR_LEN;

	if (user_mss && user_mss < mss)
		mss = user_mss;
	return clamp_t(u32, mss, TCPALT_MIN_MSS, 65535);
}

/* The MSS to offer in a SYN,ACK answering in_skb: its reply route's. */
u16 tcpalt_reply_mss(struct net *net, const struct sk_buff *in_skb,
		     u16 user_mss)
{
	const struct iphdr *iph = ip_hdr(in_skb);
	struct flowi4 fl4;
	struct rtable *rt;
	u32 mtu;

	flowi4_init_output(&fl4, 0, 0, 0, RT_SCOPE_UNIVERSE, tcpalt_ipproto,
			   0, iph->saddr, iph->daddr, 0, 0,
			   sock_net_uid(net, NULL));
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return tcpalt_mtu_to_mss(IPV4_MIN_MTU, user_mss);
	mtu = dst_mtu(&rt->dst);
	ip_rt_put(rt);
	return tcpalt_mtu_to_mss(mtu, user_mss);
}
