// SPDX-License-Identifier: GPL-2.0
/*
 * Socket options at the socket's own protocol level, with TCP's numbers,
 * ranges and errno values; every other level goes to the generic IP code.
 */
#include <linux/uaccess.h>
#include <net/ip.h>
#include <net/sock.h>

#include "conn.h"
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

int tcpalt_setsockopt(struct sock *sk, int level, int optname,
		      sockptr_t optval, unsigned int optlen)
{
	int val, err;

	if (level != sk->sk_protocol)
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
	struct tcpalt_info info;
	int len, val, err;

	if (level != sk->sk_protocol)
		return ip_getsockopt(sk, level, optname, optval, optlen);
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	lock_sock(sk);
	if (optname == TCPALT_INFO) {
		fill_info(sk, &info);
		release_sock(sk);
		len = min_t(int, len, sizeof(info));
		if (put_user(len, optlen) || copy_to_user(optval, &info, len))
			return -EFAULT;
		return 0;
	}
	err = get_int_opt(sk, optname, &val);
	release_sock(sk);
	if (err)
		return err;
	len = min_t(int, len, sizeof(int));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}
