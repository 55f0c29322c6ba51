// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-order queue: what arrived beyond a hole, kept until the
 * hole fills.  A red-black tree by sequence number, as Linux keeps its
 * out_of_order_queue, so that placing a segment costs O(log n) however
 * the peer orders what it sends (a sorted list walked per segment is
 * what the SegmentSmack attack feeds on), with the highest skb at hand
 * for the common case of a segment that extends the queue.
 *
 * A segment that starts where a queued one ends is appended to it when
 * skb_try_coalesce() can, so that a run of tiny segments costs one skb;
 * a segment wholly inside a queued one is a duplicate and is dropped;
 * one that covers queued ones replaces them.  Memory is data.c's: it
 * charges an skb before it comes here and decides when to prune.
 */
#include <linux/rbtree.h>
#include <linux/skbuff.h>
#include <net/sock.h>

#include "conn.h"
#include "core/seq.h"

static u32 ofo_seq(const struct sk_buff *skb)
{
	return TCPALT_SKB_CB(skb)->seq;
}

static u32 ofo_end(const struct sk_buff *skb)
{
	return TCPALT_SKB_CB(skb)->end_seq;
}

/*
 * Appends skb to the queued skb it follows exactly.  Nothing follows a
 * FIN; a FIN on skb moves with its end.
 */
static bool ofo_try_append(struct sock *sk, struct sk_buff *to,
			   struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *tcb = TCPALT_SKB_CB(to);

	return tcb->end_seq == ofo_seq(skb) && !(tcb->flags & TCPALT_FIN) &&
	       tcpalt_rcv_merge(sk, to, skb);
}

/* The skbs after skb that it covers whole go: it holds their bytes. */
static void ofo_drop_covered(struct sock *sk, struct sk_buff *skb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *next;

	while ((next = skb_rb_next(skb)) &&
	       !seq_after(ofo_end(next), ofo_end(skb))) {
		rb_erase(&next->rbnode, &tp->ofo_queue);
		kfree_skb(next);
	}
	if (!next)
		tp->ofo_last = skb;
}

/* What a search of the tree found for a segment. */
enum ofo_fate {
	OFO_LINK,	/* a place of its own */
	OFO_DUP,	/* a queued skb holds all of it */
	OFO_APPENDED,	/* its bytes went to the queued skb before it */
	OFO_REPLACE,	/* it starts where a queued skb does, and ends later */
};

/*
 * Where skb goes: *link and *parent for rb_link_node(), or in *q the
 * queued skb that settles its fate otherwise.  Once appended, skb is
 * freed.
 */
static enum ofo_fate ofo_place(struct sock *sk, struct sk_buff *skb,
			       struct sk_buff **q, struct rb_node ***link,
			       struct rb_node **parent)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 seq = ofo_seq(skb), end = ofo_end(skb);

	*link = &tp->ofo_queue.rb_node;
	*parent = NULL;
	while (**link) {
		*parent = **link;
		*q = rb_to_skb(*parent);
		if (seq_before(seq, ofo_seq(*q))) {
			*link = &(*parent)->rb_left;
			continue;
		}
		if (seq_before(seq, ofo_end(*q)) && !seq_after(end, ofo_end(*q)))
			return OFO_DUP;
		if (seq == ofo_seq(*q))
			return OFO_REPLACE;
		if (ofo_try_append(sk, *q, skb))
			return OFO_APPENDED;
		*link = &(*parent)->rb_right;
	}
	return OFO_LINK;
}

/* skb takes q's place in the tree, q's bytes being a part of its own. */
static void ofo_replace(struct sock *sk, struct sk_buff *q,
			struct sk_buff *skb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	rb_replace_node(&q->rbnode, &skb->rbnode, &tp->ofo_queue);
	if (tp->ofo_last == q)
		tp->ofo_last = skb;
	kfree_skb(q);
}

/*
 * Queues skb, charged to sk already.  Returns whether the queue took it
 * (kept, or its bytes appended to a queued skb and skb freed); if not,
 * it is a duplicate and still the caller's.
 */
bool tcpalt_ofo_insert(struct sock *sk, struct sk_buff *skb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *last = tp->ofo_last, *q = NULL;
	struct rb_node **link, *parent;

	/* The usual case: beyond everything queued, so no search. */
	if (last && !seq_before(ofo_seq(skb), ofo_end(last))) {
		if (ofo_try_append(sk, last, skb))
			return true;
		rb_link_node(&skb->rbnode, &last->rbnode,
			     &last->rbnode.rb_right);
		rb_insert_color(&skb->rbnode, &tp->ofo_queue);
		tp->ofo_last = skb;
		return true;
	}
	switch (ofo_place(sk, skb, &q, &link, &parent)) {
	case OFO_DUP:
		return false;
	case OFO_APPENDED:
		ofo_drop_covered(sk, q);
		return true;
	case OFO_REPLACE:
		ofo_replace(sk, q, skb);
		break;
	case OFO_LINK:
		rb_link_node(&skb->rbnode, parent, link);
		rb_insert_color(&skb->rbnode, &tp->ofo_queue);
		break;
	}
	ofo_drop_covered(sk, skb);
	return true;
}

/*
 * The first queued skb if the hole before it has closed (it starts at
 * or before rcv_nxt), taken off the queue; else NULL.
 */
struct sk_buff *tcpalt_ofo_pop(struct sock *sk, u32 rcv_nxt)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb = skb_rb_first(&tp->ofo_queue);

	if (!skb || seq_after(ofo_seq(skb), rcv_nxt))
		return NULL;
	rb_erase(&skb->rbnode, &tp->ofo_queue);
	if (tp->ofo_last == skb)
		tp->ofo_last = NULL;
	return skb;
}

/*
 * Drops skbs from the highest sequence down, as Linux's
 * tcp_prune_ofo_queue(): what is furthest from being read is the least
 * use.  Only skbs that start after seq go, so a segment is not let in
 * at the price of data nearer the hole; frees at least bytes of
 * truesize if it can.  Returns what it freed.
 */
u32 tcpalt_ofo_prune(struct sock *sk, u32 seq, u32 bytes)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb = tp->ofo_last, *prev;
	u32 freed = 0;

	while (skb && freed < bytes && seq_after(ofo_seq(skb), seq)) {
		prev = skb_rb_prev(skb);
		rb_erase(&skb->rbnode, &tp->ofo_queue);
		freed += skb->truesize;
		kfree_skb(skb);
		skb = prev;
	}
	tp->ofo_last = skb;
	return freed;
}

/* Everything goes (skb_rbtree_purge() is not exported to modules). */
void tcpalt_ofo_purge(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb, *next;

	rbtree_postorder_for_each_entry_safe(skb, next, &tp->ofo_queue, rbnode)
		kfree_skb(skb);
	tp->ofo_queue = RB_ROOT;
	tp->ofo_last = NULL;
}

/* The queued skb holding byte seq, or NULL. */
struct sk_buff *tcpalt_ofo_find(const struct tcpalt_sock *tp, u32 seq)
{
	const struct rb_node *node = tp->ofo_queue.rb_node;

	while (node) {
		struct sk_buff *skb = rb_to_skb(node);

		if (seq_before(seq, ofo_seq(skb)))
			node = node->rb_left;
		else if (!seq_before(seq, ofo_end(skb)))
			node = node->rb_right;
		else
			return skb;
	}
	return NULL;
}
