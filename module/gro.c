// SPDX-License-Identifier: GPL-2.0
/*
 * Receive-side coalescing (GRO) for protocol 253.  A device that polls
 * with NAPI hands each segment to the IP layer's gro_receive, which finds
 * this code by the protocol number.  Segments of one connection that
 * follow each other (core/gso.c says which) are appended to the first
 * one held, and the stack then delivers a single large segment: one
 * route lookup, one socket lock, one ACK decision for up to 64 KiB.
 *
 * The merged skb leaves here as the send path's super-segments do
 * (offload.c): SKB_GSO_SCTP, gso_size the first segment's length, the
 * checksum verified and left CHECKSUM_PARTIAL with the pseudo-header sum
 * in the header, so that a router that forwards it cuts it again with
 * tcpalt_gso_segment().  The socket reads it as any other segment.
 *
 * The kernel keeps its own merge helper (skb_gro_receive()) to itself,
 * so the merge is done here, in two ways: a segment whose payload is all
 * in page fragments gives them to the held skb, and is freed; any other
 * joins the held skb's frag_list whole.
 */
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/gro.h>
#include <net/ip.h>

#include "core/gso.h"
#include "tcpalt.h"

/* The held skb of the segment's connection (the same ports), or NULL. */
static struct sk_buff *gro_find_held(struct list_head *head, const u8 *th)
{
	struct sk_buff *p;

	list_for_each_entry(p, head, list) {
		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		if (memcmp(skb_transport_header(p), th, 4)) {
			NAPI_GRO_CB(p)->same_flow = 0;
			continue;
		}
		return p;
	}
	return NULL;
}

/*
 * The IP IDs allow the merge: inet_gro_receive() left in flush_id how
 * the segment's ID follows the held one's.  Either every ID is the same
 * (DF set, atomic), or each is one more than the last; the second
 * segment decides which, as TCP's GRO does, because the merged skb keeps
 * only the first ID.
 */
static bool gro_ip_ids_fit(struct sk_buff *p)
{
	struct napi_gro_cb *cb = NAPI_GRO_CB(p);

	if (cb->flush_id == 1 && cb->count == 1 && cb->is_atomic) {
		cb->is_atomic = false;
		return true;
	}
	return !cb->flush_id;
}

/* Adds len bytes and truesize to the skb's lengths. */
static void gro_grow(struct sk_buff *skb, unsigned int len,
		     unsigned int truesize)
{
	skb->len += len;
	skb->data_len += len;
	skb->truesize += truesize;
}

/*
 * Moves skb's page fragments, minus the headers at their start, behind
 * those of last, the final skb of p's train; returns the truesize moved.
 * The emptied skb is freed by GRO.
 */
static unsigned int gro_take_frags(struct sk_buff *last, struct sk_buff *skb,
				   unsigned int hdrs)
{
	struct skb_shared_info *to = skb_shinfo(last), *from = skb_shinfo(skb);
	skb_frag_t *first = &to->frags[to->nr_frags];
	unsigned int left = SKB_TRUESIZE(skb_end_offset(skb));
	unsigned int moved = skb->truesize - left;

	memcpy(first, from->frags, from->nr_frags * sizeof(*first));
	skb_frag_off_add(first, hdrs);
	skb_frag_size_sub(first, hdrs);
	to->nr_frags += from->nr_frags;
	to->flags |= from->flags & SKBFL_SHARED_FRAG;
	from->nr_frags = 0;
	skb->truesize = left;
	skb->len -= skb->data_len;
	skb->data_len = 0;
	NAPI_GRO_CB(skb)->free = NAPI_GRO_FREE;
	return moved;
}

/* Puts skb, its headers pulled, at the end of p's frag_list. */
static void gro_chain(struct sk_buff *p, struct sk_buff *skb,
		      unsigned int hdrs)
{
	struct napi_gro_cb *cb = NAPI_GRO_CB(p);

	skb->destructor = NULL;
	skb->sk = NULL;
	__skb_pull(skb, hdrs);
	if (cb->last == p)
		skb_shinfo(p)->frag_list = skb;
	else
		cb->last->next = skb;
	cb->last = skb;
	__skb_header_release(skb);
}

/* Appends skb's data to p; 0, or an error if they cannot be merged. */
static int gro_append(struct sk_buff *p, struct sk_buff *skb)
{
	unsigned int hdrs = skb_gro_offset(skb), len = skb_gro_len(skb);
	unsigned int limit = min(READ_ONCE(p->dev->gro_max_size),
				 GRO_LEGACY_MAX_SIZE);
	struct sk_buff *last = NAPI_GRO_CB(p)->last;
	unsigned int truesize;

	/* A segment with a frag_list of its own would nest lists. */
	if (p->len + len >= limit || p->pp_recycle != skb->pp_recycle ||
	    skb_zcopy(p) || skb_zcopy(skb) || skb_has_frag_list(skb))
		return -E2BIG;
	if (skb_headlen(skb) <= hdrs &&
	    skb_shinfo(last)->nr_frags + skb_shinfo(skb)->nr_frags <=
	    MAX_SKB_FRAGS) {
		truesize = gro_take_frags(last, skb, hdrs - skb_headlen(skb));
	} else if (skb_headlen(skb) >= hdrs) {
		truesize = skb->truesize;
		gro_chain(p, skb, hdrs);
		last = p;
	} else {
		return -E2BIG;
	}
	gro_grow(p, len, truesize);
	if (last != p)
		gro_grow(last, len, truesize);
	NAPI_GRO_CB(p)->count += NAPI_GRO_CB(skb)->count;
	NAPI_GRO_CB(skb)->same_flow = 1;
	return 0;
}

/* The header at the GRO offset, doff bytes of it readable; or NULL. */
static const u8 *gro_header(struct sk_buff *skb)
{
	unsigned int off = skb_gro_offset(skb), doff;
	const u8 *th = skb_gro_header(skb, off + TCPALT_HDR_LEN, off);

	if (!th)
		return NULL;
	doff = (th[12] >> 4) * 4;
	if (doff < TCPALT_HDR_LEN)
		return NULL;
	if (skb_gro_header_hard(skb, off + doff))
		th = skb_gro_header_slow(skb, off + doff, off);
	return th;
}

/*
 * Merges skb into the held skb of its connection where it may; returns
 * the held skb if it must be delivered now (before skb, if skb was not
 * merged), and marks skb to be delivered at once rather than held when
 * it ends its train.
 */
struct sk_buff *tcpalt_gro_receive(struct list_head *head,
				   struct sk_buff *skb)
{
	struct napi_gro_cb *cb = NAPI_GRO_CB(skb);
	struct sk_buff *p;
	bool joined = false;
	u32 len, mss = 1;
	const u8 *th;

	/* A segment that fails its checksum is dropped later, not held. */
	if (!cb->flush && skb_gro_checksum_validate(skb, tcpalt_ipproto,
						    inet_gro_compute_pseudo))
		goto deliver_now;
	th = gro_header(skb);
	if (!th)
		goto deliver_now;
	skb_gro_pull(skb, (th[12] >> 4) * 4);
	len = skb_gro_len(skb);
	p = gro_find_held(head, th);
	if (p && !cb->flush && !NAPI_GRO_CB(p)->flush && !skb_is_gso(skb) &&
	    gro_ip_ids_fit(p) &&
	    tcpalt_gro_joins(skb_transport_header(p), skb_gro_len(p),
			     skb_shinfo(p)->gso_size, th, len) &&
	    !gro_append(p, skb)) {
		/* A FIN or PSH of the last segment is the merged one's. */
		skb_transport_header(p)[13] |= th[13] &
					       (TCPALT_PSH | TCPALT_FIN);
		mss = skb_shinfo(p)->gso_size;
		joined = true;
	}
	if (skb_is_gso(skb) || tcpalt_gro_ends(th, len, mss))
		cb->flush = 1;
	/* Held, the connection's earlier bytes go first. */
	return joined && !cb->flush ? NULL : p;

deliver_now:
	cb->flush = 1;
	return NULL;
}

/*
 * The merged skb, before the stack takes it: its checksum is verified,
 * and left for a device to complete should it be forwarded and cut.
 */
int tcpalt_gro_complete(struct sk_buff *skb, int thoff)
{
	const struct iphdr *iph = ip_hdr(skb);
	u8 *th = skb->data + thoff;

	*(__sum16 *)(th + 16) = ~csum_tcpudp_magic(iph->saddr, iph->daddr,
						   skb->len - thoff,
						   tcpalt_ipproto, 0);
	skb->csum_start = th - skb->head;
	skb->csum_offset = 16;
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb_shinfo(skb)->gso_segs = NAPI_GRO_CB(skb)->count;
	skb_shinfo(skb)->gso_type |= SKB_GSO_SCTP;
	return 0;
}
