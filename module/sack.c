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
 * What one ACK costs is bounded whatever the peer sends.  Building our
 * blocks looks at SACK_SCAN_SKBS skbs of the reassembly queue and
 * SACK_RUN_SKBS each side of the latest arrival, found by a search of
 * its tree.  Marking the blocks of an arriving ACK skips what the
 * previous ACK's blocks marked already (a block repeated, or grown at
 * its right end, costs only its new part), walks the write queue from
 * where the last walk ended when the block starts beyond it (the head
 * otherwise), and stops after SACK_WALK_MAX skbs, counted in
 * SackWalkLimited; the hole search resumes where the last one left off
 * and has the same budget.  Cuts of write-queue skbs at a block's edges
 * stop when the queue has grown to twice the send buffer
 * (SackCutRefused).  A block left unmarked only makes us resend what
 * the peer has, which SACK permits.
 */
#include <linux/sizes.h>
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
/* Write-queue skbs one ACK's marking, or one hole search, may visit. */
#define SACK_WALK_MAX	512

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
 * A cut left skbs before the hole search's resumption point that it has
 * not looked at: it resumes at the cut skb instead.
 */
static void sack_hole_hint_back(struct tcpalt_sock *tp, struct sk_buff *skb)
{
	if (tp->hole_hint && seq_before(skb_seq(skb), skb_seq(tp->hole_hint)))
		tp->hole_hint = skb;
}

/*
 * Cuts are refused once the write queue costs twice the send buffer and
 * two 64 KiB super-segments more (Linux's TCPWQueueTooBig bound): a
 * peer naming every other byte would otherwise make an skb of each.
 */
static bool sack_may_cut(struct sock *sk)
{
	u32 limit = READ_ONCE(sk->sk_sndbuf) + 2 * SKB_TRUESIZE(SZ_64K);

	if ((READ_ONCE(sk->sk_wmem_queued) >> 1) <= limit)
		return true;
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
			TCPALT_STAT_SACK_CUT_REFUSED);
	return false;
}

/*
 * An skb the block covers only in part is cut at the block's edge, so
 * that the part it covers can be marked: the write queue holds up to a
 * super-segment per skb, and a block may name a few segments of one.
 * Returns 1 if skb now lies wholly in the block, 0 if it does not,
 * -ENOMEM if it could not be cut.
 */
static int sack_fit_block(struct sock *sk, struct sk_buff *skb, u32 start,
			  u32 end)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 at;

	if (!seq_after(skb_end(skb), start))
		return 0;
	if (!seq_before(skb_seq(skb), start) && !seq_after(skb_end(skb), end))
		return 1;
	/* Cut at start, the part from there on coming next in the walk. */
	at = seq_before(skb_seq(skb), start) ? start : end;
	if (!sack_may_cut(sk) || tcpalt_wq_split(sk, skb, at - skb_seq(skb)))
		return -ENOMEM;
	sack_hole_hint_back(tp, skb);
	return at == end;
}

static void sack_mark(struct tcpalt_sock *tp, struct sk_buff *skb)
{
	struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);

	if (!tp->sacked_bytes || seq_after(cb->end_seq, tp->highest_sack))
		tp->highest_sack = cb->end_seq;
	cb->sacked = 1;
	tp->sacked_bytes += cb->end_seq - cb->seq;
}

/* Where a walk for a block from start begins: at the hint if it can. */
static struct sk_buff *sack_walk_start(struct sock *sk, u32 start)
{
	struct sk_buff *hint = tcpalt_sk(sk)->sack_hint;

	if (hint && !seq_after(skb_seq(hint), start))
		return hint;
	return skb_peek(&sk->sk_write_queue);
}

/*
 * Marks what of the write queue lies in start..end, visiting at most
 * *budget skbs.  Returns whether all of it is marked.
 */
static bool sack_mark_block(struct sock *sk, u32 start, u32 end,
			    int *budget)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb = sack_walk_start(sk, start);
	bool whole = true;
	int fit;

	if (!skb)
		return true;
	skb_queue_walk_from(&sk->sk_write_queue, skb) {
		if (!seq_before(skb_seq(skb), end) || skb == tp->send_head)
			break;
		if (--*budget < 0)
			return false;
		tp->sack_hint = skb;
		if (TCPALT_SKB_CB(skb)->sacked)
			continue;
		/* A cut before the block's end: the rest comes next. */
		fit = sack_fit_block(sk, skb, start, end);
		if (fit < 0)
			whole = false;
		else if (fit)
			sack_mark(tp, skb);
	}
	return whole;
}

/*
 * The part of b that the last ACK's blocks did not mark already: none
 * if one of them holds it, its new right end if one holds its start.
 * Returns whether anything is left.
 */
static bool sack_new_part(const struct tcpalt_sock *tp,
			  struct tcpalt_sack_block *b)
{
	const struct tcpalt_sack_block *c;
	int i;

	for (i = 0; i < TCPALT_SACK_BLOCKS_MAX; i++) {
		c = &tp->sack_cache[i];
		if (!seq_before(b->start, c->start) &&
		    seq_before(b->start, c->end))
			b->start = c->end;
	}
	return seq_before(b->start, b->end);
}

/*
 * The valid blocks of o, sorted by their start, so that one ACK's walks
 * go forward.  Blocks outside what is outstanding (D-SACKs, or lies)
 * are left out.
 */
static int sack_valid_blocks(const struct tcpalt_sock *tp,
			     const struct tcpalt_opts *o,
			     struct tcpalt_sack_block *b)
{
	int i, j, n = 0;

	for (i = 0; i < o->nr_sack; i++) {
		u32 start = o->sack[i].start, end = o->sack[i].end;

		if (!seq_before(start, end) || !seq_after(start, tp->snd_una) ||
		    seq_after(end, tp->snd_nxt))
			continue;
		for (j = n; j > 0 && seq_before(start, b[j - 1].start); j--)
			b[j] = b[j - 1];
		b[j].start = start;
		b[j].end = end;
		n++;
	}
	return n;
}

/*
 * The SACK blocks of an arriving ACK, read again from its header: the
 * skb's cb has no room for them.  Blocks marked whole are remembered
 * for the next ACK.
 */
void tcpalt_sack_rcvd(struct sock *sk, const struct sk_buff *skb)
{
	struct tcpalt_sack_block b[TCPALT_SACK_BLOCKS_MAX], part;
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	const u8 *th = skb_transport_header(skb);
	struct tcpalt_hdr hdr = { .doff = skb->data - th };
	int i, n, budget = SACK_WALK_MAX;
	struct tcpalt_opts o;

	if (!tp->sack_ok || hdr.doff <= TCPALT_HDR_LEN ||
	    tcpalt_parse_opts(th, &hdr, &o) != TCPALT_PARSE_OK)
		return;
	n = sack_valid_blocks(tp, &o, b);
	if (!n)
		return;
	for (i = 0; i < n; i++) {
		part = b[i];
		/* What is not marked whole is not remembered. */
		if (sack_new_part(tp, &part) &&
		    !sack_mark_block(sk, part.start, part.end, &budget))
			b[i] = (struct tcpalt_sack_block){ 0 };
	}
	if (budget < 0)
		tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
				TCPALT_STAT_SACK_WALK_LIMITED);
	memset(tp->sack_cache, 0, sizeof(tp->sack_cache));
	memcpy(tp->sack_cache, b, n * sizeof(b[0]));
}

/*
 * An skb leaves the write queue: its mark goes, and the walks that
 * would resume at it start again from the head.
 */
void tcpalt_sack_forget(struct sock *sk, const struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (cb->sacked)
		tp->sacked_bytes -= cb->end_seq - cb->seq;
	if (tp->sack_hint == skb)
		tp->sack_hint = NULL;
	if (tp->hole_hint == skb)
		tp->hole_hint = NULL;
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
	tp->sack_hint = NULL;
	tp->hole_hint = NULL;
	memset(tp->sack_cache, 0, sizeof(tp->sack_cache));
}

/*
 * A recovery starts: nothing of it is resent yet, so the hole search
 * starts from the head again.
 */
void tcpalt_sack_recovery_start(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	tp->rtx_high = tp->snd_una;
	tp->hole_hint = NULL;
}

/*
 * Resends the first hole of this recovery not resent yet: a segment
 * below the highest SACKed byte that is not SACKed itself.  The skbs
 * passed over stay passed over (marks are only added, rtx_high only
 * grows, until a timeout or a new recovery), so the next search resumes
 * at the last of them.  Returns whether one went out.
 */
bool tcpalt_sack_retransmit_hole(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb = tp->hole_hint ?: skb_peek(&sk->sk_write_queue);
	int budget = SACK_WALK_MAX;

	if (!tp->sack_ok || !tp->sacked_bytes || !skb)
		return false;
	skb_queue_walk_from(&sk->sk_write_queue, skb) {
		const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);

		if (!seq_before(cb->seq, tp->highest_sack) ||
		    skb == tp->send_head)
			return false;
		if (--budget < 0) {
			tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
					TCPALT_STAT_SACK_WALK_LIMITED);
			return false;
		}
		if (cb->sacked || seq_before(cb->seq, tp->rtx_high)) {
			tp->hole_hint = skb;
			continue;
		}
		return !tcpalt_retransmit_skb(sk, skb);
	}
	return false;
}
