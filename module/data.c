// SPDX-License-Identifier: GPL-2.0
/*
 * The receiving half of a connection: in-order data to the receive
 * queue, the rest to the out-of-order queue until the gap fills, the
 * window we offer, and recvmsg().
 *
 * A queued skb keeps its own sequence number and its data starts there,
 * so an overlap with what came before is skipped by the reader's offset
 * rather than trimmed.
 */
#include <linux/rbtree.h>
#include <linux/skbuff.h>
#include <net/inet_common.h>
#include <net/sock.h>

#include "conn.h"
#include "core/ackpolicy.h"
#include "core/window.h"
#include "core/seq.h"
#include "stats.h"
#include "tcpalt.h"

static void rcv_drop_count(struct sock *sk)
{
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)), TCPALT_STAT_RCV_QUEUE_DROPS);
}

/*
 * Out of order: it must fit the buffer as it is, and the protocol's
 * memory (mem.c) must have room for it.
 */
static bool rcv_charge(struct sock *sk, struct sk_buff *skb)
{
	if (atomic_read(&sk->sk_rmem_alloc) + skb->truesize >
	    READ_ONCE(sk->sk_rcvbuf) ||
	    !sk_rmem_schedule(sk, skb, skb->truesize))
		return false;
	skb_dst_drop(skb);
	skb_set_owner_r(skb, sk);
	return true;
}

/*
 * In order, and so inside the window we offered, which the buffer paid
 * for at the truesize measured (tcpalt_rcv_wnd_now()): it gets in unless
 * the buffer is already full, so a segment that costs more than the
 * measure said, a 64 KiB linear skb at twice its size, is not dropped
 * by itself (as Linux's tcp_try_rmem_schedule() lets it in).
 *
 * The protocol's memory must have room for it too, except when the
 * receive queue is empty: the reader then gets it whatever the others
 * hold, so no connection stalls for good (TCP forces the same charge).
 * That skb is charged to the socket without pages reserved for it.
 */
static bool rcv_room(struct sock *sk, struct sk_buff *skb)
{
	if (atomic_read(&sk->sk_rmem_alloc) > READ_ONCE(sk->sk_rcvbuf))
		return false;
	return skb->sk || skb_queue_empty(&sk->sk_receive_queue) ||
	       sk_rmem_schedule(sk, skb, skb->truesize);
}

/* Collapsed skbs: 16 KiB blocks, with their skb_shared_info inside. */
#define COLLAPSE_SIZE	SKB_WITH_OVERHEAD(PAGE_SIZE << 2)

static struct sk_buff *collapse_new(u32 seq, u32 left)
{
	struct sk_buff *nskb = alloc_skb(min_t(u32, left, COLLAPSE_SIZE),
					 GFP_ATOMIC);

	if (nskb) {
		memset(TCPALT_SKB_CB(nskb), 0, sizeof(struct tcpalt_skb_cb));
		TCPALT_SKB_CB(nskb)->seq = seq;
	}
	return nskb;
}

/*
 * Copies the stream from seq, left bytes, out of the receive queue into
 * compact skbs on fresh, in one pass; returns whether all of it went.
 */
static bool collapse_copy(struct sock *sk, struct sk_buff_head *fresh,
			  u32 seq, u32 left)
{
	struct sk_buff *skb, *nskb = NULL;
	u32 off, n;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		while (left) {
			off = seq - TCPALT_SKB_CB(skb)->seq;
			if (off >= skb->len)
				break;
			if (!nskb)
				nskb = collapse_new(seq, left);
			if (!nskb)
				return false;
			n = min_t(u32, min_t(u32, skb->len - off, left),
				  skb_tailroom(nskb));
			if (skb_copy_bits(skb, off, skb_put(nskb, n), n))
				goto fail;
			seq += n;
			left -= n;
			if (!left || !skb_tailroom(nskb)) {
				TCPALT_SKB_CB(nskb)->end_seq = seq;
				__skb_queue_tail(fresh, nskb);
				nskb = NULL;
			}
		}
	}
	if (!left)
		return true;
fail:
	kfree_skb(nskb);
	return false;
}

/*
 * The buffer is over: what the user has not read is copied into compact
 * skbs (Linux's tcp_collapse()), so data that arrived in skbs much larger
 * than itself, a split segment or a 64 KiB linear one, pays only for its
 * bytes.  All or nothing: if memory runs out the queue stays as it was.
 * Once done it is not done again until more data joins the queue: a
 * copy of what is compact already would free nothing, and a peer could
 * make every segment pay for a copy of the whole buffer.
 */
static void rcv_collapse(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 left = tp->rcv_nxt - tp->copied_seq - tp->fin_rcvd;
	struct sk_buff_head fresh;
	struct sk_buff *nskb;

	if (tp->rcv_compact || skb_queue_empty(&sk->sk_receive_queue))
		return;
	__skb_queue_head_init(&fresh);
	if (!collapse_copy(sk, &fresh, tp->copied_seq, left)) {
		__skb_queue_purge(&fresh);
		return;
	}
	/*
	 * The copies are charged before the originals are freed: the
	 * socket's reserve dips for a moment, and what the originals give
	 * back covers it, so no page goes uncounted afterwards.
	 */
	skb_queue_walk(&fresh, nskb)
		skb_set_owner_r(nskb, sk);
	__skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_splice_init(&fresh, &sk->sk_receive_queue);
	tp->rcv_compact = 1;
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)), TCPALT_STAT_RCV_COLLAPSED);
}

/*
 * Appends the bytes of from to the skb they follow (skb_try_coalesce():
 * into its tailroom, or its pages as fragments), so many small arrivals
 * do not each pay an skb's overhead; that skb takes the end of from,
 * FIN included.  What it grows by is charged here, for the receive
 * queue and the out-of-order queue alike.  Returns whether from was
 * consumed.
 */
bool tcpalt_rcv_merge(struct sock *sk, struct sk_buff *to,
		      struct sk_buff *from)
{
	struct tcpalt_skb_cb *tcb = TCPALT_SKB_CB(to);
	const struct tcpalt_skb_cb *fcb = TCPALT_SKB_CB(from);
	bool stolen;
	int delta;

	if (!skb_try_coalesce(to, from, &stolen, &delta))
		return false;
	tcb->end_seq = fcb->end_seq;
	tcb->flags |= fcb->flags & TCPALT_FIN;
	atomic_add(delta, &sk->sk_rmem_alloc);
	sk_mem_charge(sk, delta);
	kfree_skb_partial(from, stolen);
	return true;
}

/* skb to the receive queue's last skb, if it follows it exactly. */
static bool rcv_coalesce(struct sock *sk, struct sk_buff *skb)
{
	struct sk_buff *tail = skb_peek_tail(&sk->sk_receive_queue);
	struct tcpalt_skb_cb *tcb;

	if (!tail || TCPALT_SKB_CB(tail)->seq + tail->len !=
		     TCPALT_SKB_CB(skb)->seq || !tcpalt_rcv_merge(sk, tail, skb))
		return false;
	/* The reader goes by bytes; a FIN is rcv_in_order()'s. */
	tcb = TCPALT_SKB_CB(tail);
	tcb->end_seq = tcb->seq + tail->len;
	tcb->flags &= ~TCPALT_FIN;
	return true;
}

/*
 * In sequence now: data to the reader, a FIN to the caller.  Returns
 * whether the skb went to the receive queue; if not, it is still the
 * caller's.
 */
static bool rcv_in_order(struct sock *sk, struct sk_buff *skb, bool *fin)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 end = cb->end_seq - !!(cb->flags & TCPALT_FIN);
	bool queued = false, fin_here = cb->flags & TCPALT_FIN;

	if (seq_after(end, tp->rcv_nxt)) {
		tp->bytes_received += end - tp->rcv_nxt;
		WRITE_ONCE(tp->rcv_nxt, end);
		queued = true;
		tp->rcv_compact = 0;
		if (!rcv_coalesce(sk, skb)) {
			if (!skb->sk) {
				skb_dst_drop(skb);
				skb_set_owner_r(skb, sk);
			}
			__skb_queue_tail(&sk->sk_receive_queue, skb);
		}
	}
	if (fin_here && !tp->fin_rcvd) {
		WRITE_ONCE(tp->fin_rcvd, 1);
		WRITE_ONCE(tp->rcv_nxt, tp->rcv_nxt + 1);
		*fin = true;
	}
	return queued;
}

/* The gap before the out-of-order queue may have closed. */
static void ofo_drain(struct sock *sk, bool *fin)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb;

	while (!*fin && (skb = tcpalt_ofo_pop(sk, tp->rcv_nxt)))
		if (!rcv_in_order(sk, skb, fin))
			kfree_skb(skb);
}

/*
 * Frees receive memory for need bytes more: the receive queue made
 * compact, then the out-of-order queue pruned from its highest sequence
 * down to seq, an eighth of the buffer at least so that a flood of tiny
 * segments prunes once per many, not once each (Linux's
 * tcp_prune_ofo_queue() works in the same steps).  Returns whether the
 * buffer has the room.
 */
static bool rcv_make_room(struct sock *sk, u32 seq, u32 need)
{
	u32 rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	s64 over;

	rcv_collapse(sk);
	over = (s64)atomic_read(&sk->sk_rmem_alloc) + need - rcvbuf;
	if (over <= 0)
		return true;
	if (tcpalt_ofo_prune(sk, seq, max_t(u32, over, rcvbuf / 8)))
		tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
				TCPALT_STAT_OFO_PRUNED);
	return atomic_read(&sk->sk_rmem_alloc) + need <= rcvbuf;
}

/*
 * In order: room in the buffer (compacted and pruned if need be) and in
 * the protocol's memory.  If the buffer has room and the protocol has
 * not, what waits out of order goes too: the segment that fills the hole
 * is worth more (TCP prunes the same way under memory pressure).
 */
static bool rcv_in_order_room(struct sock *sk, struct sk_buff *skb)
{
	u32 seq = TCPALT_SKB_CB(skb)->seq;

	if (rcv_room(sk, skb))
		return true;
	if (!rcv_make_room(sk, seq, 0))
		return false;
	if (rcv_room(sk, skb))
		return true;
	if (tcpalt_ofo_prune(sk, seq, U32_MAX))
		tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
				TCPALT_STAT_OFO_PRUNED);
	return rcv_room(sk, skb);
}

/*
 * Into the out-of-order queue, charged to the buffer first, room made
 * if need be.  Returns whether the queue took it.
 */
static bool ofo_insert(struct sock *sk, struct sk_buff *skb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 seq = TCPALT_SKB_CB(skb)->seq;

	if (!rcv_charge(sk, skb) &&
	    (!rcv_make_room(sk, seq, skb->truesize) || !rcv_charge(sk, skb))) {
		rcv_drop_count(sk);
		return false;
	}
	if (!tcpalt_ofo_insert(sk, skb))
		return false;
	tp->sack_last = seq;
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)), TCPALT_STAT_OFO_QUEUE);
	return true;
}

/* In-order data arrived: what the ACK policy learns from it. */
static void rcv_ack_measure(struct sock *sk, const struct sk_buff *skb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	tp->rcv_stamp = (u32)jiffies;
	if (!skb->len)
		return;
	tp->rcv_seg_mss = tcpalt_ack_seg_mss(tp->rcv_seg_mss, skb->len,
					     skb_shinfo(skb)->gso_size,
					     tp->rcv_mss, TCPALT_MIN_MSS);
	tcpalt_rcv_measure(sk, skb);
}

/*
 * Sections 3.10.7.4 seventh and eighth: the segment's text and FIN.
 * Sets *fin when our FIN-receiving point is reached.  Returns whether
 * the skb was kept.
 */
bool tcpalt_data_rcv(struct sock *sk, struct sk_buff *skb, bool *fin)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	bool had_ofo, queued;

	if (cb->seq == cb->end_seq)
		return false;
	if (seq_after(cb->seq, tp->rcv_nxt)) {
		/* A hole: the duplicate ACK tells the sender at once. */
		tp->ack_now = 1;
		tcpalt_ack_schedule(sk);
		return ofo_insert(sk, skb);
	}
	if (skb->len && !rcv_in_order_room(sk, skb)) {
		/*
		 * The segment that fills the hole must get in: what waits
		 * behind the hole went first (Linux's tcp_prune_ofo_queue()),
		 * to be sent again, and yet the buffer is full.
		 */
		rcv_drop_count(sk);
		tp->ack_now = 1;
		tcpalt_ack_schedule(sk);
		return false;
	}
	had_ofo = !RB_EMPTY_ROOT(&tp->ofo_queue);
	rcv_ack_measure(sk, skb);
	queued = rcv_in_order(sk, skb, fin);
	if (had_ofo) {
		ofo_drain(sk, fin);
		tp->ack_now = 1;
	}
	/* A FIN is acknowledged by the state machine's move. */
	if (!*fin)
		tcpalt_ack_schedule(sk);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);
	return queued;
}

/*
 * After the reader made room: tell the sender if the window grew a lot
 * (receiver-side SWS avoidance, as Linux's tcp_cleanup_rbuf()).
 */
void tcpalt_cleanup_rbuf(struct sock *sk, int copied)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 left = tcpalt_rcv_wnd_left(tp->rcv_wup, tp->rcv_wnd, tp->rcv_nxt);
	struct tcpalt_ack_view v;
	u32 now, full;

	if (copied <= 0 || !tcpalt_state_synchronized(sk->sk_state) ||
	    (sk->sk_shutdown & RCV_SHUTDOWN))
		return;
	tcpalt_ack_view(sk, &v);
	if (tp->acks_owed &&
	    tcpalt_ack_after_read(&v, skb_queue_empty(&sk->sk_receive_queue))) {
		tcpalt_send_ack(sk);
		return;
	}
	full = tcpalt_rcv_full_wnd(sk);
	now = tcpalt_rcv_wnd_now(sk);
	if (2 * left <= full && now >= 2 * left &&
	    now >= min_t(u32, tp->rcv_mss, full / 2))
		tcpalt_send_ack(sk);
}

/* The skb holding byte seq, and the offset of seq in it. */
static struct sk_buff *rcv_find(struct sock *sk, u32 seq, u32 *offset,
				bool peek)
{
	struct sk_buff *skb, *tmp;

	skb_queue_walk_safe(&sk->sk_receive_queue, skb, tmp) {
		*offset = seq - TCPALT_SKB_CB(skb)->seq;
		if (*offset < skb->len)
			return skb;
		if (!peek) {
			/* Wholly read, through an overlapping skb. */
			__skb_unlink(skb, &sk->sk_receive_queue);
			consume_skb(skb);
		}
	}
	return NULL;
}

/* Nothing to read: why, as tcp_recvmsg() answers.  0 means wait. */
static int rcv_nothing(struct sock *sk, int copied, long timeo)
{
	if (copied) {
		if (sk->sk_err || sk->sk_state == TCP_CLOSE ||
		    (sk->sk_shutdown & RCV_SHUTDOWN) || !timeo ||
		    signal_pending(current))
			return 1;
		return 0;
	}
	if (sock_flag(sk, SOCK_DONE))
		return 1;
	if (sk->sk_err)
		return sock_error(sk);
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		return 1;
	if (sk->sk_state == TCP_CLOSE)
		return -ENOTCONN;
	if (!timeo)
		return -EAGAIN;
	if (signal_pending(current))
		return sock_intr_errno(timeo);
	return 0;
}

static int rcv_copy(struct sock *sk, struct msghdr *msg, size_t len,
		    int flags, long timeo)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	bool peek = flags & MSG_PEEK;
	u32 peek_seq = tp->copied_seq;
	int target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	struct sk_buff *skb;
	int copied = 0, stop;
	u32 offset, used;

	while (copied < len) {
		skb = rcv_find(sk, peek ? peek_seq : tp->copied_seq, &offset,
			       peek);
		if (!skb) {
			if (copied >= target && !READ_ONCE(sk->sk_backlog.tail))
				break;
			stop = rcv_nothing(sk, copied, timeo);
			if (stop)
				return copied ?: (stop < 0 ? stop : 0);
			if (copied >= target) {
				release_sock(sk);	/* run the backlog */
				lock_sock(sk);
			} else {
				sk_wait_data(sk, &timeo,
					     skb_peek_tail(&sk->sk_receive_queue));
			}
			continue;
		}
		used = min_t(size_t, skb->len - offset, len - copied);
		if (skb_copy_datagram_msg(skb, offset, msg, used))
			return copied ?: -EFAULT;
		/* procfs and poll() read copied_seq locklessly (conn.h). */
		if (peek)
			peek_seq += used;
		else
			WRITE_ONCE(tp->copied_seq, tp->copied_seq + used);
		copied += used;
		if (!peek && offset + used == skb->len) {
			__skb_unlink(skb, &sk->sk_receive_queue);
			consume_skb(skb);
		}
	}
	return copied;
}

/* struct proto .recvmsg. */
int tcpalt_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		   int flags, int *addr_len)
{
	int copied;

	if (flags & MSG_ERRQUEUE)
		return inet_recv_error(sk, msg, len, addr_len);
	if (flags & MSG_OOB)
		return -EINVAL;	/* no urgent data, ever */

	lock_sock(sk);
	if (sk->sk_state == TCP_LISTEN) {
		copied = -ENOTCONN;
	} else {
		copied = rcv_copy(sk, msg, len, flags,
				  sock_rcvtimeo(sk, flags & MSG_DONTWAIT));
		if (!(flags & MSG_PEEK)) {
			if (copied > 0)
				tcpalt_rcv_space_adjust(sk);
			tcpalt_cleanup_rbuf(sk, copied);
		}
	}
	release_sock(sk);
	return copied;
}
