// SPDX-License-Identifier: GPL-2.0
/*
 * The sending half of a connection: sendmsg() cuts the user's bytes into
 * segments of the MSS on the write queue, and tcpalt_push() sends what
 * the peer's window, the congestion window and Nagle allow.  Segments
 * stay queued until acknowledged; sk_wmem_queued counts them against
 * SO_SNDBUF, so the generic sk_stream_* helpers do the waiting.
 */
#include <linux/skbuff.h>
#include <net/sock.h>

#include "conn.h"
#include "core/seq.h"
#include "stats.h"
#include "tcpalt.h"

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

static struct sk_buff *wq_new_skb(struct sock *sk, gfp_t gfp, u32 size)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb;

	skb = alloc_skb_fclone(TCPALT_MAX_HEADER + size, gfp);
	if (!skb)
		return NULL;
	skb_reserve(skb, TCPALT_MAX_HEADER);
	memset(TCPALT_SKB_CB(skb), 0, sizeof(struct tcpalt_skb_cb));
	TCPALT_SKB_CB(skb)->seq = tp->write_seq;
	TCPALT_SKB_CB(skb)->end_seq = tp->write_seq;
	TCPALT_SKB_CB(skb)->flags = TCPALT_ACK;
	__skb_queue_tail(&sk->sk_write_queue, skb);
	sk_wmem_queued_add(sk, skb->truesize);
	if (!tp->send_head)
		tp->send_head = skb;
	return skb;
}

/* The queue's last segment, if it is unsent and has room for more. */
static struct sk_buff *wq_tail_with_room(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	if (!skb || !tp->send_head || tp->fin_queued ||
	    skb->len >= tp->mss || skb_tailroom(skb) == 0)
		return NULL;
	return skb;
}

static int wq_append(struct sock *sk, struct sk_buff *skb,
		     struct msghdr *msg)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	int copy = min_t(int, min_t(int, tp->mss - skb->len,
				    skb_tailroom(skb)),
			 msg_data_left(msg));

	if (!copy_from_iter_full(skb_put(skb, copy), copy, &msg->msg_iter)) {
		__skb_trim(skb, skb->len - copy);
		return -EFAULT;
	}
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
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb;
	int copied = 0, n, err;

	while (msg_data_left(msg)) {
		if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
			return copied ?: -EPIPE;
		skb = wq_tail_with_room(sk);
		if (!skb && tcpalt_wmem_free(sk))
			skb = wq_new_skb(sk, sk->sk_allocation, tp->mss);
		if (!skb) {
			err = wait_for_room(sk, timeo, copied);
			if (err)
				return copied ?: err;
			continue;
		}
		n = wq_append(sk, skb, msg);
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
		skb = wq_new_skb(sk, sk->sk_allocation | __GFP_NOFAIL, 0);
	TCPALT_SKB_CB(skb)->flags |= TCPALT_FIN;
	TCPALT_SKB_CB(skb)->end_seq++;
	WRITE_ONCE(tp->write_seq, tp->write_seq + 1);
	tp->fin_queued = 1;
	tcpalt_push(sk);
	return 0;
}

/*
 * Cuts skb after its first len bytes, the rest going to a new skb right
 * behind it: so a segment fits a window smaller than itself.
 */
static int wq_split(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	u32 rest = skb->len - len;
	struct sk_buff *tail;

	tail = alloc_skb_fclone(TCPALT_MAX_HEADER + rest, GFP_ATOMIC);
	if (!tail)
		return -ENOMEM;
	skb_reserve(tail, TCPALT_MAX_HEADER);
	skb_put_data(tail, skb->data + len, rest);
	*TCPALT_SKB_CB(tail) = *cb;
	TCPALT_SKB_CB(tail)->seq = cb->seq + len;
	cb->end_seq = cb->seq + len;
	cb->flags &= ~TCPALT_FIN;
	__skb_trim(skb, len);
	__skb_queue_after(&sk->sk_write_queue, skb, tail);
	sk_wmem_queued_add(sk, tail->truesize);
	return 0;
}

/* RFC 896 as RFC 1122 4.2.3.4 words it: hold a small segment while
 * anything is unacknowledged, unless TCP_NODELAY.
 */
static bool nagle_holds(const struct tcpalt_sock *tp, const struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);

	return !tp->nodelay && skb->len < tp->mss && !(cb->flags & TCPALT_FIN) &&
	       tcpalt_in_flight(tp) && skb_queue_is_last(&tp->inet.sk.sk_write_queue, skb);
}

/*
 * Whether the peer's window takes skb; a segment larger than a window
 * that is open but small is cut to fit when nothing is in flight, so
 * the connection cannot stall on a window smaller than the MSS.
 */
static bool window_allows(struct sock *sk, struct sk_buff *skb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	u32 wnd_end = tp->snd_una + tp->snd_wnd;
	u32 room;

	if (!seq_after(cb->end_seq, wnd_end))
		return true;
	room = seq_after(wnd_end, cb->seq) ? wnd_end - cb->seq : 0;
	if (room && !tcpalt_in_flight(tp) && room < skb->len &&
	    !wq_split(sk, skb, room))
		return true;
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

/* Sends what may be sent now, from the send head on. */
void tcpalt_push(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb;

	if (!tcpalt_state_synchronized(sk->sk_state))
		return;
	while ((skb = tp->send_head)) {
		const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);

		if (!window_allows(sk, skb)) {
			if (!tcpalt_in_flight(tp) &&
			    tp->rtx_job == TCPALT_RTX_NONE)
				tcpalt_rtx_arm(sk, TCPALT_RTX_PERSIST,
					       tp->rto.rto_us);
			break;
		}
		if (tcpalt_in_flight(tp) &&
		    tcpalt_in_flight(tp) + (cb->end_seq - cb->seq) >
		    tcpalt_send_allowance(tp)) {
			tp->cwnd_limited = 1;
			break;
		}
		if (nagle_holds(tp, skb))
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
		__skb_unlink(skb, &sk->sk_write_queue);
		tcpalt_sack_forget(sk, skb);
		sk_wmem_queued_add(sk, -skb->truesize);
		kfree_skb(skb);
		freed = true;
	}
	if (freed && sk->sk_socket)
		sk->sk_write_space(sk);
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

/* Sends a segment of the write queue again; it was sent before. */
int tcpalt_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	u32 acked;

	acked = seq_before(cb->seq, tp->snd_una) ? tp->snd_una - cb->seq : 0;
	if (acked && acked <= skb->len) {
		/* Only this skb's view moves; a clone in flight keeps its own. */
		__skb_pull(skb, acked);
		cb->seq += acked;
	}
	if (tcpalt_transmit_skb(sk, skb, true))
		return -ENOBUFS;
	cb->retransmitted = 1;
	if (seq_after(cb->end_seq, tp->rtx_high))
		tp->rtx_high = cb->end_seq;
	tp->total_retrans++;
	tp->rtt_timing = 0;
	tcpalt_stat_inc(tcpalt_net(sock_net(sk)), TCPALT_STAT_RETRANS_SEGS);
	return 0;
}
