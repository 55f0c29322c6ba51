// SPDX-License-Identifier: GPL-2.0
/*
 * The socket layer: struct proto and proto_ops for
 * socket(AF_INET, SOCK_STREAM, IPPROTO_TCPALT).
 *
 * Options at the socket's own protocol level (the number passed to
 * socket()) are tcpalt's; every other level goes to the generic IP code.
 * bind() is the generic inet_bind(), which validates the address and asks
 * port.c for the port.  Calls that need connections (listen, accept,
 * connect, shutdown, send, receive) answer EOPNOTSUPP through the kernel's
 * sock_no_* helpers until the connection code replaces them.
 */
#include <linux/module.h>
#include <linux/poll.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/protocol.h>
#include <net/sock.h>

#include "tcpalt.h"

struct tcpalt_sock {
	struct inet_sock inet;
};

static void tcpalt_close(struct sock *sk, long timeout)
{
	lock_sock(sk);
	tcpalt_put_port(sk);
	release_sock(sk);
	sk_common_release(sk);
}

/* Nothing is in a lookup table before listen and connect exist. */
static void tcpalt_unhash(struct sock *sk)
{
}

static int tcpalt_setsockopt(struct sock *sk, int level, int optname,
			     sockptr_t optval, unsigned int optlen)
{
	if (level != sk->sk_protocol)
		return ip_setsockopt(sk, level, optname, optval, optlen);
	return -ENOPROTOOPT;
}

static int tcpalt_getsockopt(struct sock *sk, int level, int optname,
			     char __user *optval, int __user *optlen)
{
	if (level != sk->sk_protocol)
		return ip_getsockopt(sk, level, optname, optval, optlen);
	return -ENOPROTOOPT;
}

static struct proto tcpalt_prot = {
	.name = "TCPALT",
	.owner = THIS_MODULE,
	.close = tcpalt_close,
	.setsockopt = tcpalt_setsockopt,
	.getsockopt = tcpalt_getsockopt,
	.unhash = tcpalt_unhash,
	.get_port = tcpalt_get_port,
	.put_port = tcpalt_put_port,
	.obj_size = sizeof(struct tcpalt_sock),
};

/*
 * As TCP reports a socket that is not connected: hung up, and writable so
 * that a program waiting for POLLOUT learns the outcome from its write.
 */
static __poll_t tcpalt_poll(struct file *file, struct socket *sock,
			    poll_table *wait)
{
	struct sock *sk = sock->sk;
	int state = inet_sk_state_load(sk);
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);
	if (state == TCP_CLOSE)
		mask |= EPOLLHUP | EPOLLOUT | EPOLLWRNORM;
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
	.connect = sock_no_connect,
	.socketpair = sock_no_socketpair,
	.accept = sock_no_accept,
	.getname = inet_getname,
	.poll = tcpalt_poll,
	.ioctl = inet_ioctl,
	.listen = sock_no_listen,
	.shutdown = sock_no_shutdown,
	.setsockopt = sock_common_setsockopt,
	.getsockopt = sock_common_getsockopt,
	.sendmsg = sock_no_sendmsg,
	.recvmsg = sock_no_recvmsg,
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
