// SPDX-License-Identifier: GPL-2.0
/*
 * The socket layer: struct proto and proto_ops for
 * socket(AF_INET, SOCK_STREAM, IPPROTO_TCPALT).
 *
 * The generic inet proto_ops do the BSD bookkeeping (bind, connect's
 * waiting, accept's grafting, shutdown's flags, getname) and call into
 * struct proto for the protocol; listen and poll are our own, since
 * inet's versions are TCP's.
 */
#include <linux/module.h>
#include <linux/poll.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/protocol.h>
#include <net/sock.h>

#include "conn.h"
#include "core/window.h"
#include "stats.h"
#include "tcpalt.h"
#include "trace.h"

/*
 * sk_destruct: inet's, then the socket leaves the protocol's count, which
 * tcpalt_init_sock() joined (sk_clone_lock() joins children to it).
 */
static void tcpalt_sock_destruct(struct sock *sk)
{
	inet_sock_destruct(sk);
	sk_sockets_allocated_dec(sk);
}

/* struct proto .init: a fresh socket from socket(). */
static int tcpalt_init_sock(struct sock *sk)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));

	sk_sockets_allocated_inc(sk);
	sk->sk_destruct = tcpalt_sock_destruct;
	tcpalt_conn_init(sk);
	/* Which devices take our super-segments whole: see offload.c. */
	sk->sk_gso_type = SKB_GSO_SCTP;
	/* The namespace's defaults, as TCP takes tcp_rmem[1], tcp_wmem[1]. */
	WRITE_ONCE(sk->sk_rcvbuf, READ_ONCE(tn->sysctl_rmem[1]));
	WRITE_ONCE(sk->sk_sndbuf, READ_ONCE(tn->sysctl_wmem[1]));
	return 0;
}

/*
 * struct proto .connect, under the socket lock from inet_stream_connect(),
 * which waits for the handshake: route, local port, ISN, and the SYN.
 */
static int tcpalt_connect(struct sock *sk, struct sockaddr *uaddr,
			  int addr_len)
{
	struct sockaddr_in *usin = (struct sockaddr_in *)uaddr;
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	struct flowi4 *fl4 = &inet->cork.fl.u.ip4;
	bool autobound = false;
	struct rtable *rt;
	int err;

	if (addr_len < sizeof(*usin))
		return -EINVAL;
	if (usin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	rt = ip_route_connect(fl4, usin->sin_addr.s_addr, inet->inet_saddr,
			      sk->sk_bound_dev_if, sk->sk_protocol,
			      inet->inet_sport, usin->sin_port, sk);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
		ip_rt_put(rt);
		return -ENETUNREACH;
	}
	if (!inet->inet_saddr)
		inet->inet_saddr = fl4->saddr;
	inet->inet_rcv_saddr = inet->inet_saddr;
	inet->inet_daddr = fl4->daddr;
	inet->inet_dport = usin->sin_port;

	/*
	 * The port, if the socket has none, and the 4-tuple are checked and
	 * taken in one step: another socket on the port may be connecting
	 * to the same destination right now.  Hashed in SYN-SENT, the
	 * socket is ours until release_sock(): what arrives for it
	 * meanwhile waits on the backlog.
	 */
	autobound = !inet->inet_num;
	if (!autobound)
		inet->inet_sport = htons(inet->inet_num);
	/* Traced below, once it cannot fail: a failed connect() is not. */
	inet_sk_set_state(sk, TCP_SYN_SENT);
	err = tcpalt_port_connect(sk);
	if (err) {
		autobound = false;
		goto failure;
	}
	rt = ip_route_newports(fl4, rt, 0, 0, inet->inet_sport,
			       inet->inet_dport, sk);
	if (IS_ERR(rt)) {
		err = PTR_ERR(rt);
		rt = NULL;
		goto failure;
	}
	sk_setup_caps(sk, &rt->dst);

	tp->iss = tcpalt_isn(inet->inet_saddr, inet->inet_daddr,
			     inet->inet_sport, inet->inet_dport);
	tp->ts_offset = tcpalt_ts_offset(inet->inet_saddr, inet->inet_daddr);
	atomic_set(&inet->inet_id, get_random_u16());
	tp->rcv_mss = tcpalt_mtu_to_mss(dst_mtu(&rt->dst), tp->user_mss);
	tp->rcv_wscale = tcpalt_rcv_wscale(sk);
	/* Hashed already: procfs may be looking (conn.h). */
	WRITE_ONCE(tp->snd_una, tp->iss);
	tp->snd_nxt = tp->iss + 1;
	tp->snd_max = tp->iss + 1;
	WRITE_ONCE(tp->write_seq, tp->iss + 1);
	WRITE_ONCE(tp->retransmits, 0);
	tcpalt_rto_init(&tp->rto, tcpalt_rto_params());

	trace_tcpalt_set_state(sk, TCP_CLOSE, TCP_SYN_SENT);
	tcpalt_stat_inc(tcpalt_net(net), TCPALT_STAT_ACTIVE_OPENS);
	tcpalt_send_syn(sk, false);
	tcpalt_rtx_arm(sk, TCPALT_RTX_RETRANSMIT, tp->rto.rto_us);
	return 0;

failure:
	sk->sk_prot->unhash(sk);
	inet_sk_set_state(sk, TCP_CLOSE);
	if (autobound)
		tcpalt_put_port(sk);
	if (rt)
		ip_rt_put(rt);
	inet->inet_dport = 0;
	inet->inet_daddr = 0;
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK)) {
		inet->inet_saddr = 0;
		inet->inet_rcv_saddr = 0;
	}
	return err;
}

/* proto_ops .listen: inet_listen() would start TCP's own listener. */
static int tcpalt_inet_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int err = -EINVAL;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED ||
	    !((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
		goto out;
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	err = 0;
	if (sk->sk_state == TCP_LISTEN) {
		tcpalt_listen_resize(sk, backlog);
		goto out;
	}
	err = -EAGAIN;
	if (!inet_sk(sk)->inet_num && tcpalt_get_port(sk, 0))
		goto out;
	inet_sk(sk)->inet_sport = htons(inet_sk(sk)->inet_num);
	err = tcpalt_listen_start(sk, backlog);
	if (err)
		goto out;
	tcpalt_store_state(sk, TCP_LISTEN);
	err = tcpalt_port_recheck(sk);
	if (err) {
		tcpalt_store_state(sk, TCP_CLOSE);
		tcpalt_listen_stop(sk);
		goto out;
	}
	tcpalt_hash_listener(sk);
out:
	release_sock(sk);
	return err;
}

/*
 * struct proto .shutdown, after inet_shutdown() set sk_shutdown; never
 * in LISTEN or SYN-SENT, which inet_shutdown() disconnects instead.
 */
static void tcpalt_shutdown(struct sock *sk, int how)
{
	if ((how & SEND_SHUTDOWN) && sk->sk_state != TCP_CLOSE)
		tcpalt_sm_event(sk, NULL, TCPALT_EV_SHUTDOWN);
}

static bool tcpalt_unread(struct sock *sk)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);

	return tp->rcv_nxt - tp->copied_seq > tp->fin_rcvd &&
	       !skb_queue_empty(&sk->sk_receive_queue);
}

/*
 * The user's CLOSE (RFC 9293 3.10.4).  Unread data means the peer's bytes
 * were lost, which a RST says (RFC 2525 2.17); SO_LINGER with no time
 * aborts too.  Otherwise a FIN follows the data and the connection lives
 * on without its socket until the close completes.
 */
static void tcpalt_close_conn(struct sock *sk)
{
	enum tcpalt_event ev = TCPALT_EV_CLOSE;

	if (tcpalt_unread(sk)) {
		ev = TCPALT_EV_CLOSE_UNREAD;
		tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
				TCPALT_STAT_ABORT_ON_CLOSE);
	} else if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) {
		ev = TCPALT_EV_ABORT;
		tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
				TCPALT_STAT_ABORT_ON_LINGER);
	}
	if (sk->sk_state == TCP_CLOSE)
		return;
	tcpalt_sm_event(sk, NULL, ev);
}

static void tcpalt_close(struct sock *sk, long timeout)
{
	lock_sock(sk);
	sock_hold(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (sk->sk_state == TCP_LISTEN) {
		tcpalt_set_state(sk, TCP_CLOSE);
		tcpalt_listen_stop(sk);
	} else {
		tcpalt_close_conn(sk);
		/*
		 * SO_LINGER with a time: inet_release() passes it, and we
		 * wait that long for the data and the FIN to be acked.
		 */
		sk_stream_wait_close(sk, timeout);
	}
	sock_orphan(sk);
	if (sk->sk_state != TCP_CLOSE && !tcpalt_orphan_admit(sk)) {
		if (sk->sk_state != TCP_SYN_SENT)
			tcpalt_send_active_reset(sk);
		tcpalt_set_state(sk, TCP_CLOSE);
	}
	if (sk->sk_state == TCP_CLOSE) {
		tcpalt_destroy(sk);
	} else if (sk->sk_state == TCP_FIN_WAIT2) {
		/* Shut for writing earlier: now an orphan, it waits no more
		 * than fin_timeout for the peer.
		 */
		tcpalt_fin_wait2_arm(sk);
	}
	release_sock(sk);
	sock_put(sk);
}

static struct proto tcpalt_prot = {
	.name = "TCPALT",
	.owner = THIS_MODULE,
	.init = tcpalt_init_sock,
	.close = tcpalt_close,
	.connect = tcpalt_connect,
	.disconnect = tcpalt_disconnect,
	.accept = tcpalt_accept,
	.shutdown = tcpalt_shutdown,
	.keepalive = tcpalt_set_keepalive,
	.setsockopt = tcpalt_setsockopt,
	.getsockopt = tcpalt_getsockopt,
	.sendmsg = tcpalt_sendmsg,
	.recvmsg = tcpalt_recvmsg,
	.backlog_rcv = tcpalt_do_rcv,
	.release_cb = tcpalt_release_cb,
	.unhash = tcpalt_unhash,
	.get_port = tcpalt_get_port,
	.put_port = tcpalt_put_port,
	.diag_destroy = tcpalt_diag_destroy,
	.obj_size = sizeof(struct tcpalt_sock),
	/* Protocol memory (mem.c): the generic sk_mem_* code uses these. */
	.memory_allocated = &tcpalt_memory_allocated,
	.per_cpu_fw_alloc = &tcpalt_memory_per_cpu_fw_alloc,
	.memory_pressure = &tcpalt_memory_pressure,
	.enter_memory_pressure = tcpalt_enter_memory_pressure,
	.leave_memory_pressure = tcpalt_leave_memory_pressure,
	.sockets_allocated = &tcpalt_sockets_allocated,
	.sysctl_mem = tcpalt_sysctl_mem,
	.sysctl_rmem = tcpalt_mem_min_buf,
	.sysctl_wmem = tcpalt_mem_min_buf,
};

static __poll_t tcpalt_poll_listener(struct sock *sk)
{
	return tcpalt_accept_queue_empty(sk) ? 0 : EPOLLIN | EPOLLRDNORM;
}

static __poll_t tcpalt_poll_writable(struct sock *sk)
{
	if (tcpalt_writeable(sk))
		return EPOLLOUT | EPOLLWRNORM;
	sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
	set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
	/* Pairs with the barrier of the write-space callback. */
	smp_mb__after_atomic();
	return tcpalt_writeable(sk) ? EPOLLOUT | EPOLLWRNORM : 0;
}

/*
 * As tcp_poll(): HUP once both directions are shut or there is no
 * connection, RDHUP with the peer's FIN, IN and OUT once connected.
 */
static __poll_t tcpalt_poll(struct file *file, struct socket *sock,
			    poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	__poll_t mask = 0;
	u8 shutdown;
	int state;

	sock_poll_wait(file, sock, wait);
	state = inet_sk_state_load(sk);
	if (state == TCP_LISTEN)
		return tcpalt_poll_listener(sk);

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
		if (READ_ONCE(tp->rcv_nxt) != READ_ONCE(tp->copied_seq) &&
		    !skb_queue_empty_lockless(&sk->sk_receive_queue))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (shutdown & SEND_SHUTDOWN)
			mask |= EPOLLOUT | EPOLLWRNORM;
		else
			mask |= tcpalt_poll_writable(sk);
	}
	/* sk_err is set before the state change that woke us. */
	smp_rmb();
	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}

static const struct proto_ops tcpalt_stream_ops = {
	.family = PF_INET,
	.owner = THIS_MODULE,
	.release = inet_release,
	.bind = inet_bind,
	.connect = inet_stream_connect,
	.socketpair = sock_no_socketpair,
	.accept = inet_accept,
	.getname = inet_getname,
	.poll = tcpalt_poll,
	.ioctl = inet_ioctl,
	.listen = tcpalt_inet_listen,
	.shutdown = inet_shutdown,
	.setsockopt = sock_common_setsockopt,
	.getsockopt = sock_common_getsockopt,
	.sendmsg = inet_sendmsg,
	.recvmsg = inet_recvmsg,
	.mmap = sock_no_mmap,
	.sendpage = sock_no_sendpage,
};

static struct inet_protosw tcpalt_protosw = {
	.type = SOCK_STREAM,
	.prot = &tcpalt_prot,
	.ops = &tcpalt_stream_ops,
};

int tcpalt_proto_register(void)
{
	return proto_register(&tcpalt_prot, 1);
}

void tcpalt_proto_unregister(void)
{
	proto_unregister(&tcpalt_prot);
}

/* From here on socket() can make tcpalt sockets. */
void tcpalt_protosw_register(void)
{
	tcpalt_protosw.protocol = tcpalt_ipproto;
	inet_register_protosw(&tcpalt_protosw);
}

void tcpalt_protosw_unregister(void)
{
	inet_unregister_protosw(&tcpalt_protosw);
}
