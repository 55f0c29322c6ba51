// SPDX-License-Identifier: GPL-2.0
/*
 * Socket options at the socket's own protocol level, with TCP's numbers,
 * ranges and errno values, and the same at TCP's level (IPPROTO_TCP), so
 * that a program written for TCP sets them unchanged; there TCP_INFO
 * answers with struct tcp_info.  Every other level goes to the generic
 * IP code.
 */
#include <linux/tcp.h>
#include <linux/uaccess.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/sock.h>

#include "conn.h"
#include "core/seq.h"
#include "tcpalt.h"

/* TCP's bounds: TCP_MIN_MSS, MAX_TCP_WINDOW, MAX_TCP_SYNCNT. */
#define MAXSEG_MIN	TCPALT_MIN_MSS
#define MAXSEG_MAX	32767
#define SYNCNT_MAX	127
#define LINGER2_MAX	120	/* TCP_FIN_TIMEOUT_MAX, in seconds */
#define KEEPIDLE_MAX	32767	/* MAX_TCP_KEEPIDLE */
#define KEEPINTVL_MAX	32767	/* MAX_TCP_KEEPINTVL */
#define KEEPCNT_MAX	127	/* MAX_TCP_KEEPCNT */

static int set_keepalive_opt(struct sock *sk, int optname, int val)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	switch (optname) {
	case TCPALT_KEEPIDLE:
		if (val < 1 || val > KEEPIDLE_MAX)
			return -EINVAL;
		WRITE_ONCE(tp->keepidle, val);
		tcpalt_keepalive_reset(sk);
		return 0;
	case TCPALT_KEEPINTVL:
		if (val < 1 || val > KEEPINTVL_MAX)
			return -EINVAL;
		WRITE_ONCE(tp->keepintvl, val);
		return 0;
	case TCPALT_KEEPCNT:
		if (val < 1 || val > KEEPCNT_MAX)
			return -EINVAL;
		WRITE_ONCE(tp->keepcnt, val);
		return 0;
	case TCPALT_USER_TIMEOUT:
		if (val < 0)
			return -EINVAL;
		WRITE_ONCE(tp->user_timeout, val);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int set_int_opt(struct sock *sk, int optname, int val)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	switch (optname) {
	case TCPALT_NODELAY:
		WRITE_ONCE(tp->nodelay, !!val);
		if (val)
			tcpalt_push(sk);
		return 0;
	case TCPALT_MAXSEG:
		if (val && (val < MAXSEG_MIN || val > MAXSEG_MAX))
			return -EINVAL;
		WRITE_ONCE(tp->user_mss, val);
		return 0;
	case TCPALT_SYNCNT:
		if (val < 1 || val > SYNCNT_MAX)
			return -EINVAL;
		tp->syn_retries = val;
		return 0;
	case TCPALT_LINGER2:
		WRITE_ONCE(tp->linger2, val < 0 ? -1 : min(val, LINGER2_MAX));
		return 0;
	default:
		return set_keepalive_opt(sk, optname, val);
	}
}

/* The socket's own level, or TCP's with the same numbers. */
static bool own_level(const struct sock *sk, int level)
{
	return level == sk->sk_protocol || level == SOL_TCP;
}

int tcpalt_setsockopt(struct sock *sk, int level, int optname,
		      sockptr_t optval, unsigned int optlen)
{
	int val, err;

	if (!own_level(sk, level))
		return ip_setsockopt(sk, level, optname, optval, optlen);
	if (optname == TCPALT_INFO)
		return -ENOPROTOOPT;
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	lock_sock(sk);
	err = set_int_opt(sk, optname, val);
	release_sock(sk);
	return err;
}

/* Under the socket lock: the TCB holds still, no READ_ONCE() needed. */
static void fill_info(struct sock *sk, struct tcpalt_info *info)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	memset(info, 0, sizeof(*info));
	info->tcpi_state = inet_sk_state_load(sk);
	info->tcpi_retransmits = tp->retransmits;
	if (tp->ts_ok)
		info->tcpi_options |= TCPALT_INFO_OPT_TIMESTAMPS;
	if (tp->sack_ok)
		info->tcpi_options |= TCPALT_INFO_OPT_SACK;
	if (tp->wscale_ok) {
		info->tcpi_options |= TCPALT_INFO_OPT_WSCALE;
		info->tcpi_snd_wscale = tp->snd_wscale;
		info->tcpi_rcv_wscale = tp->rcv_wscale;
	}
	info->tcpi_rto = tp->rto.rto_us;
	info->tcpi_rtt = tcpalt_rto_srtt_us(&tp->rto);
	info->tcpi_rttvar = tcpalt_rto_rttvar_us(&tp->rto);
	info->tcpi_snd_mss = tp->mss;
	info->tcpi_rcv_mss = tp->rcv_mss;
	info->tcpi_snd_wnd = tp->snd_wnd;
	info->tcpi_rcv_wnd = tp->rcv_wnd;
	info->tcpi_snd_cwnd = tp->mss ? tp->cwnd / tp->mss : 0;
	info->tcpi_snd_ssthresh = tp->ssthresh == U32_MAX || !tp->mss ?
				  U32_MAX : tp->ssthresh / tp->mss;
	info->tcpi_total_retrans = tp->total_retrans;
	info->tcpi_bytes_acked = tp->bytes_acked;
	info->tcpi_bytes_received = tp->bytes_received;
}

/* A write-queue skb in segments of the MSS: a bare FIN is one. */
static u32 skb_segs(const struct sk_buff *skb, u16 mss)
{
	return skb->len ? DIV_ROUND_UP(skb->len, mss) : 1;
}

/*
 * Whether a sent segment, neither SACKed nor resent, counts as lost: the
 * first unacknowledged one in a recovery, which is what goes next; a
 * hole below the highest SACKed byte, which SACK recovery resends; and
 * what a path MTU drop took back (at or above SND.NXT), which goes again.
 */
static bool presumed_lost(struct sock *sk, const struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (!seq_before(cb->seq, tp->snd_nxt))
		return true;
	if (tp->in_recovery && skb == skb_peek(&sk->sk_write_queue))
		return true;
	return tp->sacked_bytes && seq_before(cb->seq, tp->highest_sack);
}

/*
 * TCP's lost_out and retrans_out, in segments of the MSS, from a walk of
 * what was sent: a segment resent and still in flight (below SND.NXT)
 * counts in both, as TCP counts it.
 */
static void count_lost_retrans(struct sock *sk, struct tcp_info *ti)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct sk_buff *skb;

	if (!tp->mss)
		return;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
		u32 segs = skb_segs(skb, tp->mss);

		if (!seq_before(cb->seq, tp->snd_max))
			break;
		if (cb->sacked)
			continue;
		if (cb->retransmitted && seq_before(cb->seq, tp->snd_nxt)) {
			ti->tcpi_retrans += segs;
			ti->tcpi_lost += segs;
		} else if (presumed_lost(sk, skb)) {
			ti->tcpi_lost += segs;
		}
	}
}

/* The fields of struct tcp_info that struct tcpalt_info has not. */
static void fill_tcp_info_more(struct sock *sk, struct tcp_info *ti)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 now = jiffies;
	struct dst_entry *dst;

	ti->tcpi_ca_state = tp->in_recovery ? TCP_CA_Recovery : TCP_CA_Open;
	ti->tcpi_probes = tp->ka_probes_out;
	if (tp->mss)
		ti->tcpi_sacked = DIV_ROUND_UP(tp->sacked_bytes, tp->mss);
	ti->tcpi_last_data_sent = jiffies_to_msecs(now - tp->snd_stamp);
	ti->tcpi_last_data_recv = jiffies_to_msecs(now - tp->rcv_stamp);
	ti->tcpi_last_ack_recv = jiffies_to_msecs(now - (u32)tp->rcv_tstamp);
	dst = __sk_dst_get(sk);
	if (dst)
		ti->tcpi_pmtu = dst_mtu(dst);
	ti->tcpi_reordering = TCPALT_DUPACK_THRESHOLD;
	ti->tcpi_rcv_rtt = tp->rcv_rtt_us;
	ti->tcpi_rcv_space = tp->rcvq_space;
	ti->tcpi_backoff = tp->rto.backoffs;
	/* The delayed-ACK time, fixed where TCP's adapts from 40 ms up. */
	if (tcpalt_state_synchronized(sk->sk_state))
		ti->tcpi_ato = jiffies_to_usecs(TCPALT_DELACK_MIN);
	/* No receive-window slow start: the clamp is the whole buffer's. */
	ti->tcpi_rcv_ssthresh = tcpalt_rcv_full_wnd(sk);
	if (tcpalt_has_unsent(tp))
		ti->tcpi_notsent_bytes = tp->write_seq - tp->snd_max;
	ti->tcpi_segs_out = tp->segs_out;
	ti->tcpi_segs_in = tp->segs_in;
	ti->tcpi_data_segs_out = tp->data_segs_out;
	ti->tcpi_data_segs_in = tp->data_segs_in;
	count_lost_retrans(sk, ti);
}

/*
 * TCP_INFO: struct tcp_info with what tcpalt keeps, in TCP's units (the
 * same as struct tcpalt_info's), and zero for what it does not.  Under
 * the socket lock; sock_diag's INET_DIAG_INFO is this too.
 */
void tcpalt_fill_tcp_info(struct sock *sk, struct tcp_info *ti)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct tcpalt_info info;

	/* The uapi took TCP's numbers and bits for these. */
	BUILD_BUG_ON(TCP_INFO != TCPALT_INFO);
	BUILD_BUG_ON(TCPI_OPT_TIMESTAMPS != TCPALT_INFO_OPT_TIMESTAMPS);
	BUILD_BUG_ON(TCPI_OPT_SACK != TCPALT_INFO_OPT_SACK);
	BUILD_BUG_ON(TCPI_OPT_WSCALE != TCPALT_INFO_OPT_WSCALE);
	fill_info(sk, &info);
	memset(ti, 0, sizeof(*ti));
	ti->tcpi_state = info.tcpi_state;
	ti->tcpi_retransmits = info.tcpi_retransmits;
	ti->tcpi_options = info.tcpi_options;	/* TCPI_OPT_*'s bits */
	ti->tcpi_snd_wscale = info.tcpi_snd_wscale;
	ti->tcpi_rcv_wscale = info.tcpi_rcv_wscale;
	ti->tcpi_rto = info.tcpi_rto;
	ti->tcpi_snd_mss = info.tcpi_snd_mss;
	ti->tcpi_rcv_mss = info.tcpi_rcv_mss;
	if (tp->mss)
		ti->tcpi_unacked = DIV_ROUND_UP(tp->snd_max - tp->snd_una,
						tp->mss);
	ti->tcpi_rtt = info.tcpi_rtt;
	ti->tcpi_rttvar = info.tcpi_rttvar;
	ti->tcpi_snd_ssthresh = info.tcpi_snd_ssthresh;
	ti->tcpi_snd_cwnd = info.tcpi_snd_cwnd;
	ti->tcpi_advmss = tp->rcv_mss;
	ti->tcpi_total_retrans = info.tcpi_total_retrans;
	ti->tcpi_bytes_acked = info.tcpi_bytes_acked;
	ti->tcpi_bytes_received = info.tcpi_bytes_received;
	ti->tcpi_snd_wnd = info.tcpi_snd_wnd;
	fill_tcp_info_more(sk, ti);
}

/* The info structure of the level asked, a prefix if len is short. */
static int get_info(struct sock *sk, int level, char __user *optval,
		    int __user *optlen, int len)
{
	union {
		struct tcpalt_info alt;
		struct tcp_info tcp;
	} u;
	int size;

	lock_sock(sk);
	if (level == SOL_TCP) {
		tcpalt_fill_tcp_info(sk, &u.tcp);
		size = sizeof(u.tcp);
	} else {
		fill_info(sk, &u.alt);
		size = sizeof(u.alt);
	}
	release_sock(sk);
	len = min(len, size);
	if (put_user(len, optlen) || copy_to_user(optval, &u, len))
		return -EFAULT;
	return 0;
}

/* TCP_MAXSEG reads the MSS in use, or what the user asked, or 536. */
static int get_int_opt(struct sock *sk, int optname, int *val)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	switch (optname) {
	case TCPALT_NODELAY:
		*val = tp->nodelay;
		return 0;
	case TCPALT_MAXSEG:
		if (tcpalt_state_synchronized(sk->sk_state))
			*val = tp->mss;
		else
			*val = tp->user_mss ?: TCPALT_DEFAULT_MSS;
		return 0;
	case TCPALT_SYNCNT:
		*val = tp->syn_retries ?:
		       READ_ONCE(tcpalt_net(sock_net(sk))->sysctl_syn_retries);
		return 0;
	case TCPALT_LINGER2:
		*val = tcpalt_fin_wait2_secs(sk);
		return 0;
	case TCPALT_KEEPIDLE:
		*val = tcpalt_keepalive_time(sk);
		return 0;
	case TCPALT_KEEPINTVL:
		*val = tcpalt_keepalive_intvl(sk);
		return 0;
	case TCPALT_KEEPCNT:
		*val = tcpalt_keepalive_probes(sk);
		return 0;
	case TCPALT_USER_TIMEOUT:
		*val = tp->user_timeout;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

int tcpalt_getsockopt(struct sock *sk, int level, int optname,
		      char __user *optval, int __user *optlen)
{
	int len, val, err;

	if (!own_level(sk, level))
		return ip_getsockopt(sk, level, optname, optval, optlen);
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (optname == TCPALT_INFO)
		return get_info(sk, level, optval, optlen, len);
	lock_sock(sk);
	err = get_int_opt(sk, optname, &val);
	release_sock(sk);
	if (err)
		return err;
	len = min_t(int, len, sizeof(int));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}
