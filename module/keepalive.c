// SPDX-License-Identifier: GPL-2.0
/*
 * Keep-alives (RFC 1122 4.2.3.6): after keepalive_time of silence from
 * the peer, a probe every keepalive_intvl, <SEQ=SND.NXT-1> with no data,
 * which a live peer must answer with an ACK.  keepalive_probes probes
 * unanswered, or TCP_USER_TIMEOUT of silence once probing has begun
 * (RFC 5482, as TCP bounds keep-alives with it), and the connection is
 * reset and fails with ETIMEDOUT.
 *
 * The timer is the socket's own sk_timer, in timer softirq.  It runs only
 * while nothing is in flight: unacknowledged data has the retransmission
 * timer watching the peer already.
 */
#include <net/sock.h>

#include "conn.h"
#include "stats.h"
#include "tcpalt.h"

#define KEEPALIVE_STATES	(TCPF_ESTABLISHED | TCPF_CLOSE_WAIT | \
				 TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2)

/* The socket's value, else the namespace's; in seconds or a count. */
int tcpalt_keepalive_time(const struct sock *sk)
{
	return READ_ONCE(tcpalt_sk(sk)->keepidle) ?:
	       READ_ONCE(tcpalt_net(sock_net(sk))->sysctl_keepalive_time);
}

int tcpalt_keepalive_intvl(const struct sock *sk)
{
	return READ_ONCE(tcpalt_sk(sk)->keepintvl) ?:
	       READ_ONCE(tcpalt_net(sock_net(sk))->sysctl_keepalive_intvl);
}

int tcpalt_keepalive_probes(const struct sock *sk)
{
	return READ_ONCE(tcpalt_sk(sk)->keepcnt) ?:
	       READ_ONCE(tcpalt_net(sock_net(sk))->sysctl_keepalive_probes);
}

static bool keepalive_on(const struct sock *sk)
{
	return sock_flag(sk, SOCK_KEEPOPEN) &&
	       ((1 << sk->sk_state) & KEEPALIVE_STATES);
}

/*
 * (Re)starts the wait for keepalive_time of silence, counted from the
 * last segment the peer sent: when the connection is established, when
 * SO_KEEPALIVE or TCP_KEEPIDLE change.  The caller holds the socket.
 */
void tcpalt_keepalive_reset(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	long idle = jiffies - tp->rcv_tstamp;
	long wait = (long)tcpalt_keepalive_time(sk) * HZ - idle;

	if (keepalive_on(sk))
		sk_reset_timer(sk, &sk->sk_timer, jiffies + max(wait, 0L));
}

void tcpalt_keepalive_stop(struct sock *sk)
{
	sk_stop_timer(sk, &sk->sk_timer);
}

/* struct proto .keepalive: SO_KEEPALIVE, before the flag changes. */
void tcpalt_set_keepalive(struct sock *sk, int on)
{
	if (!on) {
		tcpalt_keepalive_stop(sk);
		return;
	}
	sock_set_flag(sk, SOCK_KEEPOPEN);
	tcpalt_keepalive_reset(sk);
}

/* Any segment from the peer shows it is alive. */
void tcpalt_keepalive_heard(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	tp->rcv_tstamp = jiffies;
	WRITE_ONCE(tp->ka_probes_out, 0);	/* procfs reads it */
}

static bool keepalive_expired(const struct sock *sk, long idle)
{
	const struct tcpalt_sock *tp = tcpalt_sk(sk);
	u32 user_timeout = READ_ONCE(tp->user_timeout);

	if (user_timeout)
		return tp->ka_probes_out &&
		       idle >= (long)msecs_to_jiffies(user_timeout);
	return tp->ka_probes_out >= tcpalt_keepalive_probes(sk);
}

static void keepalive_fire(struct sock *sk)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	long idle = jiffies - tp->rcv_tstamp;
	long time = (long)tcpalt_keepalive_time(sk) * HZ;

	if (tcpalt_in_flight(tp) || tcpalt_has_unsent(tp)) {
		sk_reset_timer(sk, &sk->sk_timer, jiffies + time);
		return;
	}
	if (idle < time) {
		sk_reset_timer(sk, &sk->sk_timer, jiffies + time - idle);
		return;
	}
	if (keepalive_expired(sk, idle)) {
		tcpalt_stat_inc(tn, tp->user_timeout ?
				    TCPALT_STAT_USER_TIMEOUT_ABORTS :
				    TCPALT_STAT_KEEPALIVE_ABORTS);
		tcpalt_sm_event(sk, NULL, TCPALT_EV_KEEPALIVE_TIMEOUT);
		return;
	}
	tcpalt_stat_inc(tn, TCPALT_STAT_KEEPALIVE_PROBES);
	tcpalt_send_ack_at(sk, tp->snd_nxt - 1);
	WRITE_ONCE(tp->ka_probes_out, tp->ka_probes_out + 1);
	sk_reset_timer(sk, &sk->sk_timer,
		       jiffies + (long)tcpalt_keepalive_intvl(sk) * HZ);
}

static void keepalive_timer(struct timer_list *t)
{
	struct sock *sk = from_timer(sk, t, sk_timer);

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk))
		sk_reset_timer(sk, &sk->sk_timer, jiffies + HZ / 20);
	else if (keepalive_on(sk))
		keepalive_fire(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
}

void tcpalt_keepalive_init(struct sock *sk)
{
	timer_setup(&sk->sk_timer, keepalive_timer, 0);
}
