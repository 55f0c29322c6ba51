// SPDX-License-Identifier: GPL-2.0
/*
 * Building and sending segments.  So far the control segments that need no
 * socket: the RST that answers a segment for a CLOSED port.
 */
#include <linux/skbuff.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/route.h>

#include "stats.h"
#include "tcpalt.h"

#define TCPALT_CTL_HEADROOM	(MAX_HEADER + sizeof(struct iphdr))

/*
 * Sends a bare 20-byte segment from (saddr, sport) to (daddr, dport),
 * routed afresh; it belongs to no socket, so it carries no options and
 * advertises no window.  Returns whether the segment went out.
 */
static bool tcpalt_send_ctl(struct net *net, __be32 saddr, __be32 daddr,
			    const struct tcpalt_hdr *hdr)
{
	struct flowi4 fl4;
	struct sk_buff *skb;
	struct rtable *rt;
	struct iphdr *iph;
	int err;
	u8 *seg;

	rt = ip_route_output_ports(net, &fl4, NULL, daddr, saddr,
				   htons(hdr->dport), htons(hdr->sport),
				   tcpalt_ipproto, 0, 0);
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
		.tot_len = htons(skb->len),
		.frag_off = htons(IP_DF),
		.ttl = ip4_dst_hoplimit(&rt->dst),
		.protocol = tcpalt_ipproto,
		.saddr = fl4.saddr,
		.daddr = fl4.daddr,
	};
	skb_dst_set(skb, &rt->dst);
	ip_select_ident(net, skb, NULL);

	/*
	 * ip_local_out() fills in the IP checksum and owns the skb now.
	 * net_xmit_eval() evaluates its argument twice, hence err.
	 */
	err = ip_local_out(net, NULL, skb);
	if (net_xmit_eval(err))
		goto discard;
	tcpalt_stat_inc(net, TCPALT_STAT_OUT_SEGS);
	return true;

discard:
	tcpalt_stat_inc(net, TCPALT_STAT_OUT_DISCARDS);
	return false;
}

/*
 * RFC 9293 3.10.7.1.  With ACK set, the RST takes its sequence number from
 * the segment's acknowledgment; without, it has sequence number zero and
 * acknowledges all the segment occupied.  The caller never passes a RST.
 */
void tcpalt_send_reset(struct net *net, struct sk_buff *in_skb,
		       const struct tcpalt_hdr *in)
{
	const struct iphdr *iph = ip_hdr(in_skb);
	struct tcpalt_hdr rst = {
		.sport = in->dport,
		.dport = in->sport,
		.doff = TCPALT_HDR_LEN,
	};

	if (in->flags & TCPALT_ACK) {
		rst.seq = in->ack;
		rst.flags = TCPALT_RST;
	} else {
		rst.ack = in->seq + tcpalt_seg_len(in, in_skb->len - in->doff);
		rst.flags = TCPALT_RST | TCPALT_ACK;
	}
	if (tcpalt_send_ctl(net, iph->daddr, iph->saddr, &rst))
		tcpalt_stat_inc(net, TCPALT_STAT_OUT_RSTS);
}
