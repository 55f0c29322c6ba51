// SPDX-License-Identifier: GPL-2.0
/*
 * socket(AF_INET, SOCK_STREAM, test_proto()) and what it answers before
 * connections exist; the kernel's own TCP sockets keep working beside it.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"

static int sock_int_opt(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int val = -1;

	return getsockopt(fd, level, name, &val, &len) ? -errno : val;
}

TEST(socket_opens)
{
	int fd = socket(AF_INET, SOCK_STREAM, test_proto());

	ASSERT_LE(0, fd);
	EXPECT_EQ(test_proto(), sock_int_opt(fd, SOL_SOCKET, SO_PROTOCOL));
	EXPECT_EQ(SOCK_STREAM, sock_int_opt(fd, SOL_SOCKET, SO_TYPE));
	EXPECT_EQ(AF_INET, sock_int_opt(fd, SOL_SOCKET, SO_DOMAIN));
	EXPECT_EQ(0, sock_int_opt(fd, SOL_SOCKET, SO_ERROR));
	EXPECT_EQ(0, close(fd));
}

TEST(socket_flags)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			test_proto());

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, close(fd));
}

/* Only SOCK_STREAM is registered for the protocol. */
TEST(dgram_refused)
{
	EXPECT_EQ(-1, socket(AF_INET, SOCK_DGRAM, test_proto()));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
}

/* A namespace of the test's own with loopback up. */
static int own_netns(void)
{
	return unshare(CLONE_NEWNET) || link_up("lo") ? -1 : 0;
}

/*
 * A fresh socket answers as an unconnected TCP socket does: recv,
 * shutdown and getpeername ENOTCONN, send EPIPE (and SIGPIPE unless
 * MSG_NOSIGNAL), accept EINVAL.  None of it leaves an error behind.
 */
TEST(unconnected_calls)
{
	int fd = socket(AF_INET, SOCK_STREAM, test_proto());
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char buf[4];

	ASSERT_LE(0, fd);
	block_sigpipe();
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, send(fd, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_FALSE(took_sigpipe());
	EXPECT_EQ(-1, send(fd, "x", 1, 0));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_TRUE(took_sigpipe());
	EXPECT_EQ(-1, accept(fd, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, getpeername(fd, (struct sockaddr *)&sin, &len));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, shutdown(fd, SHUT_WR));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(0, sock_int_opt(fd, SOL_SOCKET, SO_ERROR));
	close(fd);
}

/*
 * connect()'s address checks, TCP's: too short EINVAL, another family
 * EAFNOSUPPORT; and a port nobody listens on is refused.
 */
TEST(connect_bad_addresses)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(5000),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd;

	ASSERT_EQ(0, own_netns());
	fd = socket(AF_INET, SOCK_STREAM, test_proto());
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sin, 8));
	EXPECT_EQ(EINVAL, errno);
	sin.sin_family = AF_INET6;
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	sin.sin_family = AF_INET;
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(ECONNREFUSED, errno);
	close(fd);
}

/*
 * A listener: recv ENOTCONN, send EPIPE, connect EISCONN, accept with
 * nothing queued EAGAIN when non-blocking; listen again only resizes.
 */
TEST(listener_calls)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(5000),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char buf[4];
	int fd;

	ASSERT_EQ(0, own_netns());
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, test_proto());
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(fd, 4));
	EXPECT_EQ(0, listen(fd, 8));
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, send(fd, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EISCONN, errno);
	EXPECT_EQ(-1, accept(fd, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
}

/*
 * A connected socket (over loopback): connect again EISCONN, listen and
 * accept EINVAL, bind EINVAL (it is bound); data still flows after.
 */
TEST(connected_calls)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(5000),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int lfd, cfd, afd;
	char c = 0;

	ASSERT_EQ(0, own_netns());
	lfd = socket(AF_INET, SOCK_STREAM, test_proto());
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 4));
	cfd = socket(AF_INET, SOCK_STREAM, test_proto());
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);

	EXPECT_EQ(-1, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EISCONN, errno);
	EXPECT_EQ(-1, listen(cfd, 4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, listen(afd, 4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, accept(cfd, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
	sin.sin_port = 0;
	EXPECT_EQ(-1, bind(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EINVAL, errno);

	ASSERT_EQ(1, send(cfd, "k", 1, MSG_NOSIGNAL));
	EXPECT_EQ(1, recv(afd, &c, 1, 0));
	EXPECT_EQ('k', c);
	close(afd);
	close(cfd);
	close(lfd);
}

/* Options: unknown ones at tcpalt's level, IP's still work. */
TEST(socket_options)
{
	int fd = socket(AF_INET, SOCK_STREAM, test_proto());
	int one = 1, tos = 0x10;

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, setsockopt(fd, test_proto(), 999, &one, sizeof(one)));
	EXPECT_EQ(ENOPROTOOPT, errno);
	EXPECT_EQ(-ENOPROTOOPT, sock_int_opt(fd, test_proto(), 999));
	EXPECT_EQ(0, setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)));
	EXPECT_EQ(tos, sock_int_opt(fd, IPPROTO_IP, IP_TOS));
	EXPECT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one,
				sizeof(one)));
	close(fd);
}

/* An unconnected socket polls as TCP's does. */
TEST(poll_unconnected_like_tcp)
{
	struct pollfd p[2] = {
		{ .fd = socket(AF_INET, SOCK_STREAM, test_proto()),
		  .events = POLLIN | POLLOUT | POLLRDHUP },
		{ .fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP),
		  .events = POLLIN | POLLOUT | POLLRDHUP },
	};

	ASSERT_LE(0, p[0].fd);
	ASSERT_LE(0, p[1].fd);
	ASSERT_EQ(2, poll(p, 2, 0));
	EXPECT_EQ(p[1].revents, p[0].revents);
	close(p[0].fd);
	close(p[1].fd);
}

TEST(getsockname_unbound)
{
	int fd = socket(AF_INET, SOCK_STREAM, test_proto());
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&sin, &len));
	EXPECT_EQ(AF_INET, sin.sin_family);
	EXPECT_EQ(0, sin.sin_port);
	EXPECT_EQ(-1, getpeername(fd, (struct sockaddr *)&sin, &len));
	EXPECT_EQ(ENOTCONN, errno);
	close(fd);
}

/* The kernel's TCP carries data over loopback with the module loaded. */
TEST(kernel_tcp_unaffected)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int lfd, cfd, afd;
	char buf[6] = "";

	ASSERT_EQ(0, link_up("lo"));
	lfd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(lfd, 1));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &len));
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&sin, sizeof(sin)));
	afd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, afd);
	ASSERT_EQ(5, send(cfd, "hello", 5, 0));
	ASSERT_EQ(5, recv(afd, buf, 5, MSG_WAITALL));
	EXPECT_STREQ("hello", buf);
	close(afd);
	close(cfd);
	close(lfd);
}

TEST_HARNESS_MAIN
