// SPDX-License-Identifier: GPL-2.0
/*
 * Selective acknowledgment (RFC 2018), when both sides offered it.
 *
 * As receiver: each ACK names what waits in the reassembly queue, the
 * block holding the latest arrival first.
 *
 * As sender: SACKed segments are marked on the write queue, and recovery
 * resends the holes below the highest SACKed byte, one per ACK that
 * arrives, rather than one per round trip as NewReno alone would (a
 * simple form of RFC 6675's loss recovery).  The receiver may renege
 * (ours does when it prunes its queue), so a retransmission timeout
 * forgets every mark, as RFC 2018 section 8 requires.
 *
 * Building our blocks costs the same however the reassembly queue was
 * made: it looks at SACK_SCAN_SKBS of its skbs from the lowest and
 * SACK_RUN_SKBS each side of the latest arrival, found by a search of
 * its tree.
 */
#include <net/sock.h>

#include "conn.h"
#include "core/options.h"
#include "core/seq.h"
#include "stats.h"
#include "tcpalt.h"

/* Ranges the reassembly queue is scanned for; more are not reported. */
#define SACK_SCAN_MAX	8
/* Its skbs looked at for them, at most, from the lowest. */
#define SACK_SCAN_SKBS	64
/* Its skbs looked at each side of the latest arrival, at most. */
#define SACK_RUN_SKBS	16

static u32 skb_seq(const struct sk_buff *skb)
{
	return TCPALT_SKB_CB(skb)->seq;
}

static u32 skb_end(const struct sk_buff *skb)
{
	return TCPALT_SKB_CB(skb)->end_seq;
}

static bool block_overlaps(const struct tcpalt_sack_block *a,
			   const struct tcpalt_sack_block *b)
{
	return seq_before(a->start, b->end) && seq_before(b->start, a->end);
}

/* The queue's ranges of contiguous bytes, from the lowest. */
static int ofo_ranges(struct tcpalt_sock *tp, struct tcpalt_sack_block *r)
{
	int n = 0, left = SACK_SCAN_SKBS;
	struct sk_buff *skb;

	skb_rbtree_walk(skb, &tp->ofo_queue) {
		if (!left--)
			break;
		if (n && !seq_after(skb_seq(skb), r[n - 1].end)) {
			if (seq_after(skb_end(skb), r[n - 1].end))
				r[n - 1].end = skb_end(skb);
			continue;
		}
		if (n == SACK_SCAN_MAX)
			break;
		r[n].start = skb_seq(skb);
		r[n].end = skb_end(skb);
		n++;
	}
	return n;
}

/* The range of contiguous bytes that holds seq, as far as it is looked. */
static bool ofo_run(const struct tcpalt_sock *tp, u32 seq,
		    struct tcpalt_sack_block *b)
{
	struct sk_buff *skb = tcpalt_ofo_find(tp, seq), *near;
	int left;

	if (!skb)
		return false;
	b->start = skb_seq(skb);
	b->end = skb_end(skb);
	near = skb_rb_prev(skb);
	for (left = SACK_RUN_SKBS; near && left--; near = skb_rb_prev(near)) {
		if (seq_before(skb_end(near), b->start))
			break;
		b->start = skb_seq(near);
	}
	near = skb_rb_next(skb);
	for (left = SACK_RUN_SKBS; near && left--; near = skb_rb_next(near)) {
		if (seq_after(skb_seq(near), b->end))
			break;
		if (seq_after(skb_end(near), b->end))
			b->end = skb_end(near);
	}
	return true;
}

/*
 * RFC 2018 section 4: the blocks for the ACK we are about to send, the
 * one holding the latest arrival first.
 */
void tcpalt_sack_fill(struct sock *sk, struct tcpalt_opts *o)
{
	struct tcpalt_sack_block r[SACK_SCAN_MAX], latest;
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u8 room = tcpalt_sack_room(o->has_ts);
	bool has_latest;
	int n, i;

	if (!tp->sack_ok || RB_EMPTY_ROOT(&tp->ofo_queue))
		return;
	n = ofo_ranges(tp, r);
	has_latest = ofo_run(tp, tp->sack_last, &latest);
	if (has_latest)
		o->sack[o->nr_sack++] = latest;
	for (i = 0; i < n && o->nr_sack < room; i++)
		if (!has_latest || !block_overlaps(&r[i], &latest))
			o->sack[o->nr_sack++] = r[i];
}

/*
 * An skb the block covers only in part is cut at the block's edge, so
 * that the part it covers can be marked: the write queue holds up to a
 * super-segment per skb, and a block may name a few segments of one.
 * Returns whether skb now lies wholly in the block.
 */
static bool sack_fit_block(struct sock *sk, struct sk_buff *skb, u32 start,
			   u32 end)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);

	if (!seq_after(cb->end_seq, start))
		return false;
	if (seq_before(cb->seq, start)) {
		/* The part from start on comes next in the walk. */
		tcpalt_wq_split(sk, skb, start - cb->seq);
		return false;
	}
	if (!seq_after(cb->end_seq, end))
		return true;
	return !tcpalt_wq_split(sk, skb, end - cb->seq);
}

static void sack_mark_block(struct sock *sk, u32 start, u32 end)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);

		if (!seq_before(cb->seq, end) || skb == tp->send_head)
			break;
		if (cb->sacked || !sack_fit_block(sk, skb, start, end))
			continue;
		if (!tp->sacked_bytes ||
		    seq_after(cb->end_seq, tp->highest_sack))
			tp->highest_sack = cb->end_seq;
		cb->sacked = 1;
		tp->sacked_bytes += cb->end_seq - cb->seq;
	}
}

/*
 * The SACK blocks of an arriving ACK, read again from its header: the
 * skb's cb has no room for them.  Blocks outside what is outstanding
 * (D-SACKs, or lies) are ignored.
 */
void tcpalt_sack_rcvd(struct sock *sk, const struct sk_buff *skb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	const u8 *th = skb_transport_header(skb);
	struct tcpalt_hdr hdr = { .doff = skb->data - th };
	struct tcpalt_opts o;
	int i;

	if (!tp->sack_ok || hdr.doff <= TCPALT_HDR_LEN ||
	    tcpalt_parse_opts(th, &hdr, &o) != TCPALT_PARSE_OK)
		return;
	for (i = 0; i < o.nr_sack; i++) {
		u32 start = o.sack[i].start, end = o.sack[i].end;

		if (!seq_before(start, end) || !seq_after(start, tp->snd_una) ||
		    seq_after(end, tp->snd_nxt))
			continue;
		sack_mark_block(sk, start, end);
	}
}

/* An acknowledged segment leaves the write queue: its mark goes too. */
void tcpalt_sack_forget(struct sock *sk, const struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (cb->sacked)
		tp->sacked_bytes -= cb->end_seq - cb->seq;
}

/* A timeout: the receiver may have reneged on every block. */
void tcpalt_sack_clear(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb)
		TCPALT_SKB_CB(skb)->sacked = 0;
	tp->sacked_bytes = 0;
	tp->highest_sack = tp->snd_una;
}

/*
 * Resends the first hole of this recovery not resent yet: a segment
 * below the highest SACKed byte that is not SACKed itself.  Returns
 * whether one went out.
 */
bool tcpalt_sack_retransmit_hole(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb;

	if (!tp->sack_ok || !tp->sacked_bytes)
		return false;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);

		if (!seq_before(cb->seq, tp->highest_sack) ||
		    skb == tp->send_head)
			return false;
		if (cb->sacked || seq_before(cb->seq, tp->rtx_high))
			continue;
		return !tcpalt_retransmit_skb(sk, skb);
	}
	return false;
}
