// SPDX-License-Identifier: GPL-2.0
/*
 * The translator between tcpalt (IP protocol 253) and TCP (6), for tc's
 * clsact hook on an Ethernet device of a tcpalt host.  scripts/tcpalt-xlate
 * loads it, fills xlate_peers and attaches it.
 *
 * A tcpalt segment is a TCP segment byte for byte; only the IP header's
 * protocol byte and the protocol word of the checksum's pseudo-header
 * differ.  So the egress program turns 253 into 6 for the configured
 * peers and the ingress program turns 6 into 253 for the same peers:
 * the host's tcpalt then speaks to a peer's TCP.  Both checksums are
 * mended incrementally (RFC 1624): the IP header's for the byte at offset
 * 9, the segment's for the pseudo-header word 0x00PP, by
 * bpf_l4_csum_replace() with BPF_F_PSEUDO_HDR, which is right whatever
 * the skb's checksum state: CHECKSUM_PARTIAL (the field holds the
 * pseudo-header sum alone), CHECKSUM_COMPLETE (skb->csum is kept in step)
 * or a complete checksum in the field.
 *
 * ICMP errors that quote a translated datagram get the quoted IP header
 * translated back (protocol and checksum), so that the error reaches the
 * stack that sent the datagram: an error arriving about what tcpalt sent
 * (now TCP on the wire) goes to tcpalt, one sent about what a peer's TCP
 * sent (tcpalt here) goes to that TCP.  The ICMP checksum needs no change:
 * an IP header with its checksum sums to the same value whatever its
 * protocol byte.  The quoted segment's own checksum is left alone: no
 * receiver checks it, the quote may end before it, and from a quote
 * alone one cannot tell whether it holds a complete checksum or only the
 * pseudo-header sum of a CHECKSUM_PARTIAL skb.
 *
 * A GSO super-segment of tcpalt's is marked SKB_GSO_SCTP (module/offload.c)
 * and no tc helper of Linux 6.1 can change an skb's gso_type:
 * bpf_skb_change_proto() only swaps TCPV4 for TCPV6.  Turned into protocol
 * 6, such an skb would reach tcp4_gso_segment(), which refuses anything
 * not SKB_GSO_TCPV4, wherever it is cut: every super-segment would be
 * lost.  tcpalt-xlate therefore turns generic segmentation off on the
 * device (tcpalt's sockets then send single segments on routes through
 * it), and the egress program drops and counts any super-segment that
 * still comes (one of a socket that connected before the attach) rather
 * than pass one that cannot arrive.  A super-segment of TCP's received
 * (TSO over veth, or GRO) is translated whole: tcpalt receives it as any
 * other skb and never cuts it again.
 */
#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define IPPROTO_TCPALT		253

#define IP_OFF			ETH_HLEN
#define IP_PROTO_OFF		offsetof(struct iphdr, protocol)
#define IP_CSUM_OFF		offsetof(struct iphdr, check)
#define IP_FRAG_OFFSET		0x1fff
#define TCP_CSUM_OFF		16	/* within the TCP header */
#define ICMP_HDR_LEN		8

/*
 * ICMP's error types (RFC 792), spelled out: <linux/icmp.h> pulls in the
 * C library's headers, which a BPF target cannot take.
 */
#define ICMP_DEST_UNREACH	3
#define ICMP_SOURCE_QUENCH	4
#define ICMP_TIME_EXCEEDED	11
#define ICMP_PARAMETERPROB	12

/* A peer prefix: prefixlen bits of addr (network order) matter. */
struct peer_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct peer_key);
	__type(value, __u8);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} xlate_peers SEC(".maps");

/* What was done, for tcpalt-xlate status; the order is the script's. */
enum xlate_stat {
	STAT_OUT_SEGS,		/* 253 -> 6 */
	STAT_IN_SEGS,		/* 6 -> 253 */
	STAT_OUT_ICMP,		/* quotes 253 -> 6 */
	STAT_IN_ICMP,		/* quotes 6 -> 253 */
	STAT_OUT_GSO_DROPS,	/* super-segments that cannot be translated */
	STAT_ERRORS,		/* a helper failed; the packet was dropped */
	STAT_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, STAT_MAX);
} xlate_stats SEC(".maps");

/* Which way a program translates. */
struct direction {
	__u8 from, to;
	bool egress;
	enum xlate_stat seg_stat, icmp_stat;
};

static __always_inline void count(enum xlate_stat stat)
{
	__u32 key = stat;
	__u64 *val = bpf_map_lookup_elem(&xlate_stats, &key);

	if (val)
		__sync_fetch_and_add(val, 1);
}

static __always_inline bool peer_configured(__be32 addr)
{
	struct peer_key key = { .prefixlen = 32 };

	__builtin_memcpy(key.addr, &addr, sizeof(key.addr));
	return !!bpf_map_lookup_elem(&xlate_peers, &key);
}

/*
 * The IP header at off: its protocol byte and the header checksum.  The
 * protocol shares a 16-bit word with the TTL, which does not change, so
 * the word's difference is that of 0x00PP.
 */
static __always_inline int set_ip_proto(struct __sk_buff *skb, __u32 off,
					const struct direction *d)
{
	if (bpf_skb_store_bytes(skb, off + IP_PROTO_OFF, &d->to, 1, 0))
		return -1;
	return bpf_l3_csum_replace(skb, off + IP_CSUM_OFF, bpf_htons(d->from),
				   bpf_htons(d->to), sizeof(__u16));
}

/*
 * A segment to or from a peer: the pseudo-header's protocol word in the
 * segment's checksum (first fragment only: later ones have no header),
 * then the IP header.
 */
static __always_inline int translate_segment(struct __sk_buff *skb,
					     const struct iphdr *iph,
					     const struct direction *d)
{
	__u32 l4_off = IP_OFF + iph->ihl * 4;

	if (d->egress && skb->gso_segs > 1) {
		count(STAT_OUT_GSO_DROPS);
		return TC_ACT_SHOT;
	}
	if (!(iph->frag_off & bpf_htons(IP_FRAG_OFFSET)) &&
	    skb->len >= l4_off + TCP_CSUM_OFF + sizeof(__u16) &&
	    bpf_l4_csum_replace(skb, l4_off + TCP_CSUM_OFF, bpf_htons(d->from),
				bpf_htons(d->to),
				BPF_F_PSEUDO_HDR | sizeof(__u16)))
		goto err;
	if (set_ip_proto(skb, IP_OFF, d))
		goto err;
	count(d->seg_stat);
	return TC_ACT_OK;
err:
	count(STAT_ERRORS);
	return TC_ACT_SHOT;
}

static __always_inline bool icmp_is_error(__u8 type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED ||
	       type == ICMP_PARAMETERPROB || type == ICMP_SOURCE_QUENCH;
}

/*
 * An ICMP error whose quoted header is a datagram of protocol d->from
 * exchanged with a peer: the peer is the quote's destination when the
 * error comes in (the quote is what this host sent) and its source when
 * the error goes out (the quote is what the peer sent).
 */
static __always_inline int translate_icmp(struct __sk_buff *skb,
					  const struct iphdr *iph,
					  const struct direction *d)
{
	__u32 icmp_off = IP_OFF + iph->ihl * 4;
	__u32 inner_off = icmp_off + ICMP_HDR_LEN;
	__u8 icmp_type;
	struct iphdr inner;
	__be32 peer;

	if (iph->frag_off & bpf_htons(IP_FRAG_OFFSET))
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, icmp_off, &icmp_type, 1) ||
	    !icmp_is_error(icmp_type) ||
	    bpf_skb_load_bytes(skb, inner_off, &inner, sizeof(inner)))
		return TC_ACT_OK;
	if (inner.version != 4 || inner.protocol != d->from)
		return TC_ACT_OK;
	peer = d->egress ? inner.saddr : inner.daddr;
	if (!peer_configured(peer))
		return TC_ACT_OK;
	if (set_ip_proto(skb, inner_off, d)) {
		count(STAT_ERRORS);
		return TC_ACT_SHOT;
	}
	count(d->icmp_stat);
	return TC_ACT_OK;
}

static __always_inline int translate(struct __sk_buff *skb,
				     const struct direction *d)
{
	struct iphdr iph;

	if (skb->protocol != bpf_htons(ETH_P_IP) ||
	    bpf_skb_load_bytes(skb, IP_OFF, &iph, sizeof(iph)) ||
	    iph.version != 4 || iph.ihl < 5)
		return TC_ACT_OK;
	if (iph.protocol == IPPROTO_ICMP)
		return translate_icmp(skb, &iph, d);
	if (iph.protocol != d->from ||
	    !peer_configured(d->egress ? iph.daddr : iph.saddr))
		return TC_ACT_OK;
	return translate_segment(skb, &iph, d);
}

SEC("tc")
int xlate_egress(struct __sk_buff *skb)
{
	const struct direction d = {
		.from = IPPROTO_TCPALT, .to = IPPROTO_TCP, .egress = true,
		.seg_stat = STAT_OUT_SEGS, .icmp_stat = STAT_OUT_ICMP,
	};

	return translate(skb, &d);
}

SEC("tc")
int xlate_ingress(struct __sk_buff *skb)
{
	const struct direction d = {
		.from = IPPROTO_TCP, .to = IPPROTO_TCPALT, .egress = false,
		.seg_stat = STAT_IN_SEGS, .icmp_stat = STAT_IN_ICMP,
	};

	return translate(skb, &d);
}

char LICENSE[] SEC("license") = "GPL";
