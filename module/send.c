// SPDX-License-Identifier: GPL-2.0
/*
 * The sending half of a connection: sendmsg() gathers the user's bytes
 * on the write queue in skbs of up to a super-segment each (whole MSSes,
 * cut into segments by the device or offload.c), and tcpalt_push() sends
 * what the peer's window, the congestion window and Nagle allow, cutting
 * an skb where only a part of it may go.  Segments
 * stay queued until acknowledged; sk_wmem_queued counts them against
 * SO_SNDBUF, so the generic sk_stream_* helpers do the waiting, and the
 * protocol's memory (mem.c) holds them too: new data waits, as for a
 * full buffer, while sk_wmem_schedule() refuses it.
 */
#include <linux/skbuff.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/sock.h>

#include "conn.h"
#include "core/seq.h"
#include "stats.h"
#include "tcpalt.h"
#include "trace.h"

/*
 * sk_write_space: wakes writers once a useful amount of the send buffer
 * is free again (sk_stream_is_writeable: a third of it).
 */
void tcpalt_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || !tcpalt_writeable(sk))
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
						      EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/*
 * The most data one skb of the write queue carries: a super-segment's IP
 * total length is 16 bits, and its header may be the longest there is.
 */
#define TCPALT_GSO_MAX_DATA	(GSO_LEGACY_MAX_SIZE - 1 - \
				 sizeof(struct iphdr) - TCPALT_HDR_MAX)

/*
 * How much data one skb of the write queue gathers: whole segments of
 * the MSS up to a super-segment where the route takes them (offload.c),
 * else one segment.  Never more than half the largest window the peer
 * offered, so that a small window still holds two skbs in flight.
 */
static u32 send_size_goal(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 mss = tp->mss, goal;

	/* A child has no route until it first sends: the caps come with it. */
	inet_sk_rebuild_header(sk);
	if (!sk_can_gso(sk))
		return mss;
	goal = min_t(u32, READ_ONCE(sk->sk_gso_max_size), GSO_LEGACY_MAX_SIZE);
	goal = min_t(u32, goal - (GSO_LEGACY_MAX_SIZE - TCPALT_GSO_MAX_DATA),
		     TCPALT_GSO_MAX_DATA);
	if (tp->max_snd_wnd / 2 > mss)
		goal = min(goal, tp->max_snd_wnd / 2);
	goal = min_t(u32, goal / mss, READ_ONCE(sk->sk_gso_max_segs));
	return max(goal, 1U) * mss;
}

/* Memory the write queue took: the socket's and the protocol's. */
static void wq_charge(struct sock *sk, int size)
{
	sk_wmem_queued_add(sk, size);
	sk_mem_charge(sk, size);
}

static void wq_uncharge(struct sock *sk, int size)
{
	sk_wmem_queued_add(sk, -size);
	sk_mem_uncharge(sk, size);
}

/* An skb leaves the write queue, acknowledged or abandoned. */
void tcpalt_wq_free(struct sock *sk, struct sk_buff *skb)
{
	__skb_unlink(skb, &sk->sk_write_queue);
	wq_uncharge(sk, skb->truesize);
	kfree_skb(skb);
}

/*
 * An skb of the write queue holds its data in page fragments, never in
 * its head, which keeps only room for the headers; so it splits without
 * copying, and its truesize is close to its length.  It needs protocol
 * memory, unless forced: a FIN must go whatever the others hold.
 */
static struct sk_buff *wq_new_skb(struct sock *sk, gfp_t gfp, bool force)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb;

	skb = alloc_skb_fclone(TCPALT_MAX_HEADER, gfp);
	if (!skb)
		return NULL;
	if (!force && !sk_wmem_schedule(sk, skb->truesize)) {
		__kfree_skb(skb);
		return NULL;
	}
	skb_reserve(skb, TCPALT_MAX_HEADER);
	/* Checksummed on the way out: no sum while copying in. */
	skb->ip_summed = CHECKSUM_PARTIAL;
	memset(TCPALT_SKB_CB(skb), 0, sizeof(struct tcpalt_skb_cb));
	TCPALT_SKB_CB(skb)->seq = tp->write_seq;
	TCPALT_SKB_CB(skb)->end_seq = tp->write_seq;
	TCPALT_SKB_CB(skb)->flags = TCPALT_ACK;
	__skb_queue_tail(&sk->sk_write_queue, skb);
	wq_charge(sk, skb->truesize);
	if (!tp->send_head)
		tp->send_head = skb;
	return skb;
}

/* An skb that has never been sent and holds nothing goes again. */
static void wq_drop_if_empty(struct sock *sk, struct sk_buff *skb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (skb->len || TCPALT_SKB_CB(skb)->flags & TCPALT_FIN)
		return;
	if (tp->send_head == skb)
		tp->send_head = NULL;
	tcpalt_sack_forget(sk, skb);
	tcpalt_wq_free(sk, skb);
}

/* The queue's last skb, if it is unsent and has room for more. */
static struct sk_buff *wq_tail_with_room(struct sock *sk, u32 goal)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	if (!skb || !tp->send_head || tp->fin_queued || skb->len >= goal ||
	    skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS)
		return NULL;
	return skb;
}

/*
 * Copies the user's bytes into the socket's page fragment and hangs them
 * on skb, growing its last fragment where they are contiguous
 * (skb_copy_to_page_nocache() charges them).  Returns the bytes taken,
 * or -ENOMEM to wait for memory, or -EFAULT.
 */
static int wq_append(struct sock *sk, struct sk_buff *skb,
		     struct msghdr *msg, u32 goal)
{
	struct page_frag *pfrag = sk_page_frag(sk);
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	int i = skb_shinfo(skb)->nr_frags;
	bool merge;
	int copy;

	if (!sk_page_frag_refill(sk, pfrag))
		return -ENOMEM;
	merge = skb_can_coalesce(skb, i, pfrag->page, pfrag->offset);
	copy = min_t(size_t, min(goal - skb->len, pfrag->size - pfrag->offset),
		     msg_data_left(msg));
	if (!sk_wmem_schedule(sk, copy))
		return -ENOMEM;
	if (skb_copy_to_page_nocache(sk, &msg->msg_iter, skb, pfrag->page,
				     pfrag->offset, copy))
		return -EFAULT;
	if (merge) {
		skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
	} else {
		skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset, copy);
		get_page(pfrag->page);
	}
	pfrag->offset += copy;
	TCPALT_SKB_CB(skb)->end_seq += copy;
	WRITE_ONCE(tp->write_seq, tp->write_seq + copy);
	return copy;
}

/* Waits for room on the write queue; 0 or the error to return. */
static int wait_for_room(struct sock *sk, long *timeo, int copied)
{
	set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
	if (copied)
		tcpalt_push(sk);
	return sk_stream_wait_memory(sk, timeo);
}

static int send_wait_connected(struct sock *sk, long *timeo)
{
	if ((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT))
		return 0;
	return sk_stream_wait_connect(sk, timeo);
}

static int send_copy(struct sock *sk, struct msghdr *msg, long *timeo)
{
	u32 goal = send_size_goal(sk);
	struct sk_buff *skb;
	int copied = 0, n, err;

	while (msg_data_left(msg)) {
		if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
			return copied ?: -EPIPE;
		skb = wq_tail_with_room(sk, goal);
		if (!skb && tcpalt_wmem_free(sk))
			skb = wq_new_skb(sk, sk->sk_allocation, false);
		n = skb ? wq_append(sk, skb, msg, goal) : -ENOMEM;
		if (skb && n < 0)
			wq_drop_if_empty(sk, skb);
		if (n == -ENOMEM) {
			err = wait_for_room(sk, timeo, copied);
			if (err)
				return copied ?: err;
			continue;
		}
		if (n < 0)
			return copied ?: n;
		copied += n;
	}
	return copied;
}

/* struct proto .sendmsg. */
int tcpalt_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	int flags = msg->msg_flags;
	long timeo;
	int ret;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	lock_sock(sk);
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	ret = send_wait_connected(sk, &timeo);
	if (!ret) {
		sk_clear_bit(SOCKWQ_ASYNC_NOSPACE, sk);
		ret = send_copy(sk, msg, &timeo);
		if (ret > 0)
			tcpalt_push(sk);
	}
	if (ret < 0)
		ret = sk_stream_error(sk, flags, ret);
	release_sock(sk);
	return ret;
}

/*
 * Our FIN, after the data.  It rides on the last unsent segment if there
 * is one; close() must not fail for want of memory, hence __GFP_NOFAIL.
 */
int tcpalt_queue_fin(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	if (tp->fin_queued)
		return 0;
	if (!skb || !tp->send_head)
		skb = wq_new_skb(sk, sk->sk_allocation | __GFP_NOFAIL, true);
	TCPALT_SKB_CB(skb)->flags |= TCPALT_FIN;
	TCPALT_SKB_CB(skb)->end_seq++;
	WRITE_ONCE(tp->write_seq, tp->write_seq + 1);
	tp->fin_queued = 1;
	tcpalt_push(sk);
	return 0;
}

/*
 * Makes skb's head and fragment list its own before they change: a clone
 * of it may still be on its way out, sharing them.  The truesize stays
 * as it was charged.
 */
int tcpalt_wq_unclone(struct sk_buff *skb)
{
	unsigned int truesize = skb->truesize;

	if (!skb_cloned(skb))
		return 0;
	if (pskb_expand_head(skb, 0, 0, GFP_ATOMIC))
		return -ENOMEM;
	skb->truesize = truesize;
	return 0;
}

/*
 * Cuts skb after its first len bytes, the rest going to a new skb right
 * behind it, fragments moved rather than copied: so a part of it can go
 * (a window smaller than the skb, one segment resent) or be marked
 * (SACK) on its own.
 */
int tcpalt_wq_split(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	u32 moved = skb->len - len;
	struct sk_buff *tail;

	if (tcpalt_wq_unclone(skb))
		return -ENOMEM;
	tail = alloc_skb_fclone(TCPALT_MAX_HEADER, GFP_ATOMIC);
	if (!tail)
		return -ENOMEM;
	skb_reserve(tail, TCPALT_MAX_HEADER);
	tail->ip_summed = CHECKSUM_PARTIAL;
	/* Charged, never refused: the data is queued already (as TCP). */
	wq_charge(sk, tail->truesize);
	tail->truesize += moved;
	skb->truesize -= moved;
	skb_split(skb, tail, len);
	*TCPALT_SKB_CB(tail) = *cb;
	TCPALT_SKB_CB(tail)->seq = cb->seq + len;
	cb->end_seq = cb->seq + len;
	cb->flags &= ~(TCPALT_FIN | TCPALT_PSH);
	__skb_queue_after(&sk->sk_write_queue, skb, tail);
	return 0;
}

/*
 * Drops the first len bytes of skb, which the peer acknowledged, before
 * it is sent again.
 */
static int wq_trim_head(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct skb_shared_info *shinfo;
	u32 eat = len;
	int i, k = 0;

	if (tcpalt_wq_unclone(skb))
		return -ENOMEM;
	shinfo = skb_shinfo(skb);
	for (i = 0; i < shinfo->nr_frags; i++) {
		skb_frag_t *frag = &shinfo->frags[i];
		u32 size = skb_frag_size(frag);

		if (eat >= size) {
			skb_frag_unref(skb, i);
			eat -= size;
			continue;
		}
		shinfo->frags[k] = *frag;
		if (eat) {
			skb_frag_off_add(&shinfo->frags[k], eat);
			skb_frag_size_sub(&shinfo->frags[k], eat);
			eat = 0;
		}
		k++;
	}
	shinfo->nr_frags = k;
	skb->len -= len;
	skb->data_len -= len;
	skb->truesize -= len;
	wq_uncharge(sk, len);
	TCPALT_SKB_CB(skb)->seq += len;
	return 0;
}

/*
 * RFC 896 as RFC 1122 4.2.3.4 words it: while anything is unacknowledged,
 * a segment smaller than the MSS waits, unless TCP_NODELAY.  It applies
 * to the last skb of the queue, whose tail is such a segment.
 */
static bool nagle_applies(const struct tcpalt_sock *tp,
			  const struct sk_buff *skb)
{
	return !tp->nodelay && !(TCPALT_SKB_CB(skb)->flags & TCPALT_FIN) &&
	       tcpalt_in_flight(tp) &&
	       skb_queue_is_last(&tp->inet.sk.sk_write_queue, skb);
}

/*
 * The congestion window, plus RFC 3042's limited transmit: a new segment
 * for each of the first two duplicate ACKs, so a small window still gets
 * the three it needs for a fast retransmit.
 */
static u32 tcpalt_send_allowance(const struct tcpalt_sock *tp)
{
	if (tp->in_recovery)
		return tp->cwnd;
	return tp->cwnd + min_t(u32, tp->dupacks, 2) * tp->mss;
}

/*
 * What the peer's window and the congestion window leave room for, from
 * skb's first byte on.  With nothing in flight the congestion window
 * always lets one segment go.
 */
static u32 send_room(const struct tcpalt_sock *tp, const struct sk_buff *skb,
		     u32 *wnd_room)
{
	u32 wnd_end = tp->snd_una + tp->snd_wnd, seq = TCPALT_SKB_CB(skb)->seq;
	u32 allowance = tcpalt_send_allowance(tp);
	u32 in_flight = tcpalt_in_flight(tp);
	u32 cwnd_room = allowance > in_flight ? allowance - in_flight : 0;

	if (!in_flight)
		cwnd_room = max_t(u32, cwnd_room, tp->mss);
	*wnd_room = seq_after(wnd_end, seq) ? wnd_end - seq : 0;
	return min(*wnd_room, cwnd_room);
}

/*
 * Whether skb may go now, and if only its first bytes, how many (*cut;
 * 0 for all of it).  A part sent alone is whole segments, except where
 * the window is open but smaller than one segment and nothing is in
 * flight: then what fits goes, so the connection cannot stall on it.
 */
static bool send_now(struct tcpalt_sock *tp, const struct sk_buff *skb,
		     u32 *cut)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	u32 mss = tp->mss, wnd_room, room;

	*cut = 0;
	room = send_room(tp, skb, &wnd_room);
	if (!seq_after(cb->end_seq, cb->seq + room)) {
		if (!nagle_applies(tp, skb))
			return true;
		if (skb->len < mss)
			return false;
		*cut = skb->len - skb->len % mss;
		if (*cut == skb->len)
			*cut = 0;
		return true;
	}
	/* The congestion window holds back what the peer's would take. */
	if (room < wnd_room)
		tp->cwnd_limited = 1;
	if (room >= mss) {
		*cut = min(room, skb->len);
		*cut -= *cut % mss;
		return *cut;
	}
	if (wnd_room && wnd_room == room && !tcpalt_in_flight(tp) &&
	    wnd_room < skb->len) {
		*cut = wnd_room;
		return true;
	}
	return false;
}

static void sent_one(struct sock *sk, struct sk_buff *skb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);

	tcpalt_event_data_sent(sk, cb->seq);
	if (seq_before(cb->seq, tp->snd_max)) {
		cb->retransmitted = 1;
		tp->total_retrans++;
		tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
				TCPALT_STAT_RETRANS_SEGS);
		trace_tcpalt_retransmit(sk, cb->seq, cb->end_seq);
	} else if (!tp->rtt_timing) {
		tp->rtt_timing = 1;
		tp->rtt_seq = cb->end_seq;
		tp->rtt_start = ktime_get();
	}
	tp->snd_nxt = cb->end_seq;
	if (seq_after(tp->snd_nxt, tp->snd_max))
		tp->snd_max = tp->snd_nxt;
	tp->send_head = skb_queue_is_last(&sk->sk_write_queue, skb) ? NULL :
			skb_queue_next(&sk->sk_write_queue, skb);
	if (tp->rtx_job != TCPALT_RTX_RETRANSMIT)
		tcpalt_rtx_arm(sk, TCPALT_RTX_RETRANSMIT, tp->rto.rto_us);
}

/* Sends what may be sent now, from the send head on. */
void tcpalt_push(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb;
	u32 cut;

	if (!tcpalt_state_synchronized(sk->sk_state))
		return;
	while ((skb = tp->send_head)) {
		if (!send_now(tp, skb, &cut)) {
			/* Only a closed window stops a sender with nothing out. */
			if (!tcpalt_in_flight(tp) &&
			    tp->rtx_job == TCPALT_RTX_NONE)
				tcpalt_rtx_arm(sk, TCPALT_RTX_PERSIST,
					       tp->rto.rto_us);
			break;
		}
		if (cut && tcpalt_wq_split(sk, skb, cut))
			break;
		if (tcpalt_transmit_skb(sk, skb, true))
			break;
		sent_one(sk, skb);
	}
}

/* Frees what the peer has acknowledged, up to ack. */
void tcpalt_clean_acked(struct sock *sk, u32 ack)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb;
	bool freed = false;

	while ((skb = skb_peek(&sk->sk_write_queue)) &&
	       !seq_after(TCPALT_SKB_CB(skb)->end_seq, ack)) {
		if (skb == tp->send_head)
			tp->send_head = skb_queue_is_last(&sk->sk_write_queue,
							  skb) ? NULL :
					skb_queue_next(&sk->sk_write_queue, skb);
		tcpalt_sack_forget(sk, skb);
		tcpalt_wq_free(sk, skb);
		freed = true;
	}
	if (freed && sk->sk_socket)
		sk->sk_write_space(sk);
}

/*
 * The path MTU fell below the segments in flight: none of them arrived
 * (RFC 1191), and the ACK clock stopped with them.  Everything not yet
 * acknowledged goes again from SND.UNA at the new MSS, as far as the
 * windows allow, rather than one segment per timeout.  An ACK for
 * something that did arrive moves SND.NXT past it (ack.c).  The
 * congestion window, in bytes, stays: the path carries as many bytes.
 */
void tcpalt_send_again(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
	struct tcpalt_skb_cb *cb;

	if (!skb || skb == tp->send_head)
		return;
	cb = TCPALT_SKB_CB(skb);
	/* Without memory to trim it, the retransmission timer does it. */
	if (seq_before(cb->seq, tp->snd_una) &&
	    wq_trim_head(sk, skb, tp->snd_una - cb->seq))
		return;
	tp->send_head = skb;
	tp->snd_nxt = tp->snd_una;
	tp->rtt_timing = 0;
	tcpalt_sack_clear(sk);
	if (tp->in_recovery)
		tp->rtx_high = tp->snd_max;
	tcpalt_push(sk);
}

/*
 * Resends the first unacknowledged segment, less what of it the peer
 * already has.
 */
int tcpalt_retransmit_head(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (!skb || skb == tcpalt_sk(sk)->send_head)
		return -EAGAIN;
	return tcpalt_retransmit_skb(sk, skb);
}

/*
 * Sends a segment of the write queue again; it was sent before.  What of
 * it the peer has is dropped first, and only one segment's worth goes.
 */
int tcpalt_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	u32 acked;

	acked = seq_before(cb->seq, tp->snd_una) ? tp->snd_una - cb->seq : 0;
	if (acked && acked <= skb->len && wq_trim_head(sk, skb, acked))
		return -ENOMEM;
	if (skb->len > tp->mss && tcpalt_wq_split(sk, skb, tp->mss))
		return -ENOMEM;
	if (tcpalt_transmit_skb(sk, skb, true))
		return -ENOBUFS;
	cb->retransmitted = 1;
	if (seq_after(cb->end_seq, tp->rtx_high))
		tp->rtx_high = cb->end_seq;
	tp->total_retrans++;
	tp->rtt_timing = 0;
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)), TCPALT_STAT_RETRANS_SEGS);
	trace_tcpalt_retransmit(sk, cb->seq, cb->end_seq);
	return 0;
}
