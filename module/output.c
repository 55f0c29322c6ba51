// SPDX-License-Identifier: GPL-2.0
/*
 * Building and sending segments.  So far the control segments that need no
 * socket: the RST that answers a segment for a CLOSED port.
 */
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/route.h>

#include "core/accept.h"
#include "stats.h"
#include "tcpalt.h"

#define TCPALT_CTL_HEADROOM	(MAX_HEADER + sizeof(struct iphdr))

/*
 * Sends a bare 20-byte segment that answers in_skb, from its destination
 * to its source, routed afresh as TCP routes its replies: the incoming
 * VRF, the reflected mark and TOS.  It belongs to no socket, so it carries
 * no options and advertises no window.  Returns whether it went out.
 */
static bool tcpalt_send_ctl(struct net *net, struct tcpalt_net *tn,
			    struct sk_buff *in_skb,
			    const struct tcpalt_hdr *hdr)
{
	const struct iphdr *in_iph = ip_hdr(in_skb);
	int oif = netif_index_is_l3_master(net, in_skb->skb_iif) ?
		  in_skb->skb_iif : 0;
	u8 tos = in_iph->tos & ~INET_ECN_MASK;
	struct flowi4 fl4;
	struct sk_buff *skb;
	struct rtable *rt;
	struct iphdr *iph;
	int err;
	u8 *seg;

	flowi4_init_output(&fl4, oif, IP4_REPLY_MARK(net, in_skb->mark),
			   RT_TOS(tos), RT_SCOPE_UNIVERSE, tcpalt_ipproto, 0,
			   in_iph->saddr, in_iph->daddr, htons(hdr->dport),
			   htons(hdr->sport), sock_net_uid(net, NULL));
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		goto discard;

	skb = alloc_skb(TCPALT_CTL_HEADROOM + TCPALT_HDR_LEN, GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		goto discard;
	}
	skb_reserve(skb, TCPALT_CTL_HEADROOM);
	seg = skb_put(skb, TCPALT_HDR_LEN);
	tcpalt_build_hdr(seg, hdr);
	*(__sum16 *)(seg + 16) =
		csum_tcpudp_magic(fl4.saddr, fl4.daddr, TCPALT_HDR_LEN,
				  tcpalt_ipproto,
				  csum_partial(seg, TCPALT_HDR_LEN, 0));
	skb_reset_transport_header(skb);

	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	*iph = (struct iphdr){
		.version = 4,
		.ihl = sizeof(*iph) / 4,
		.tos = tos,
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
	tcpalt_stat_inc(tn, TCPALT_STAT_OUT_SEGS);
	return true;

discard:
	tcpalt_stat_inc(tn, TCPALT_STAT_OUT_DISCARDS);
	return false;
}

/* RFC 9293 3.10.7.1; the caller never passes a RST. */
void tcpalt_send_reset(struct net *net, struct tcpalt_net *tn,
		       struct sk_buff *in_skb, const struct tcpalt_hdr *in)
{
	struct tcpalt_hdr rst;

	tcpalt_rst_reply(in, tcpalt_seg_len(in, in_skb->len - in->doff), &rst);
	if (tcpalt_send_ctl(net, tn, in_skb, &rst))
		tcpalt_stat_inc(tn, TCPALT_STAT_OUT_RSTS);
}
