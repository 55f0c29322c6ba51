// SPDX-License-Identifier: GPL-2.0
/*
 * Segmentation offload for protocol 253: the stack's side of the send
 * path's super-segments (send.c).
 *
 * A super-segment is marked SKB_GSO_SCTP, not SKB_GSO_TCPV4.  The type
 * only says which devices may take the skb whole: a device that
 * advertises TSO parses the IP protocol as TCP's and seeds the checksum
 * with protocol 6, which would put a wrong checksum on every segment, and
 * no hardware advertises SCTP segmentation (NETIF_F_GSO_SCTP).  Software
 * devices do, as part of NETIF_F_GSO_SOFTWARE: veth and loopback carry
 * the skb whole to the receiving socket, and every other device has it
 * cut here, in software, before it goes out.  The IP layer finds this
 * code by the protocol number (inet_gso_segment()), never by the type.
 * The receive side's coalescing (gro.c) registers with the same table.
 */
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/protocol.h>

#include "core/gso.h"
#include "tcpalt.h"

/*
 * The header of the piece skb, cut as piece i of n from whole; pseudo is
 * its pseudo-header sum, which the checksum starts from.
 */
static void piece_fix_hdr(struct sk_buff *skb, const struct tcpalt_hdr *whole,
			  u32 mss, u32 i, u32 n, __wsum pseudo)
{
	__sum16 folded = csum_fold(pseudo);
	u8 *th = skb_transport_header(skb);
	__sum16 *check = (__sum16 *)(th + 16);
	struct tcpalt_hdr piece;

	tcpalt_gso_piece_hdr(whole, mss, i, n, &piece);
	tcpalt_put_be32(th + 4, piece.seq);
	th[13] = piece.flags;
	*check = ~folded;
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		gso_reset_checksum(skb, csum_unfold(folded));
	else
		*check = gso_make_checksum(skb, csum_unfold(folded));
}

/*
 * The pseudo-header sum of a piece: the whole's, which its checksum
 * field holds until the device or gso_make_checksum() completes it, with
 * the whole's length (old_len_inv, complemented) taken out and the
 * piece's (new_len) put in.
 */
static __wsum piece_pseudo_sum(__sum16 whole_check, u32 old_len_inv,
			       u32 new_len)
{
	__wsum delta = (__force __wsum)htonl(old_len_inv + new_len);

	return csum_add(csum_unfold(whole_check), delta);
}

/*
 * The header must be there and whole; a skb built by someone else (a
 * GRO'd one being forwarded) may lack the pseudo-header sum: put it in.
 */
static bool gso_hdr_ok(struct sk_buff *skb, struct tcpalt_hdr *whole)
{
	const struct iphdr *iph = ip_hdr(skb);
	u8 *th;

	if (!pskb_may_pull(skb, TCPALT_HDR_LEN))
		return false;
	th = skb_transport_header(skb);
	if (tcpalt_parse_hdr(th, skb->len, whole) != TCPALT_PARSE_OK ||
	    !pskb_may_pull(skb, whole->doff))
		return false;
	th = skb_transport_header(skb);
	if (skb->ip_summed != CHECKSUM_PARTIAL) {
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = 16;
		*(__sum16 *)(th + 16) =
			~csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len,
					   iph->protocol, 0);
	}
	return skb_checksum_start(skb) == th;
}

static struct sk_buff *tcpalt_gso_segment(struct sk_buff *skb,
					  netdev_features_t features)
{
	struct sk_buff *segs, *seg;
	struct tcpalt_hdr whole;
	u32 mss, len_inv, i, n;
	__sum16 whole_check;

	if (!(skb_shinfo(skb)->gso_type & SKB_GSO_SCTP) ||
	    !gso_hdr_ok(skb, &whole))
		return ERR_PTR(-EINVAL);
	whole_check = *(__sum16 *)(skb_transport_header(skb) + 16);
	len_inv = ~skb->len;
	__skb_pull(skb, whole.doff);
	mss = skb_shinfo(skb)->gso_size;
	if (!mss || skb->len <= mss)
		return ERR_PTR(-EINVAL);

	segs = skb_segment(skb, features);
	if (IS_ERR(segs))
		return segs;
	/*
	 * GSO_PARTIAL hands back pieces of several MSS each; every piece
	 * but the last is then gso_segs MSS long.
	 */
	if (skb_is_gso(segs))
		mss *= skb_shinfo(segs)->gso_segs;
	n = 0;
	for (seg = segs; seg; seg = seg->next)
		n++;
	for (seg = segs, i = 0; seg; seg = seg->next, i++) {
		u32 len = seg->len - skb_transport_offset(seg);

		piece_fix_hdr(seg, &whole, mss, i, n,
			      piece_pseudo_sum(whole_check, len_inv, len));
	}
	return segs;
}

static const struct net_offload tcpalt_offload = {
	.callbacks = {
		.gso_segment = tcpalt_gso_segment,
		.gro_receive = tcpalt_gro_receive,
		.gro_complete = tcpalt_gro_complete,
	},
};

int tcpalt_offload_init(void)
{
	return inet_add_offload(&tcpalt_offload, tcpalt_ipproto) ? -EBUSY : 0;
}

void tcpalt_offload_exit(void)
{
	inet_del_offload(&tcpalt_offload, tcpalt_ipproto);
}
