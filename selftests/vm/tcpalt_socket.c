// SPDX-License-Identifier: GPL-2.0
/*
 * socket(AF_INET, SOCK_STREAM, IPPROTO_TCPALT) and what it answers before
 * connections exist; the kernel's own TCP sockets keep working beside it.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

static int sock_int_opt(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int val = -1;

	return getsockopt(fd, level, name, &val, &len) ? -errno : val;
}

TEST(socket_opens)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCPALT);

	ASSERT_LE(0, fd);
	EXPECT_EQ(IPPROTO_TCPALT, sock_int_opt(fd, SOL_SOCKET, SO_PROTOCOL));
	EXPECT_EQ(SOCK_STREAM, sock_int_opt(fd, SOL_SOCKET, SO_TYPE));
	EXPECT_EQ(AF_INET, sock_int_opt(fd, SOL_SOCKET, SO_DOMAIN));
	EXPECT_EQ(0, sock_int_opt(fd, SOL_SOCKET, SO_ERROR));
	EXPECT_EQ(0, close(fd));
}

TEST(socket_flags)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			IPPROTO_TCPALT);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, close(fd));
}

/* Only SOCK_STREAM is registered for the protocol. */
TEST(dgram_refused)
{
	EXPECT_EQ(-1, socket(AF_INET, SOCK_DGRAM, IPPROTO_TCPALT));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
}

/* Not yet implemented calls answer EOPNOTSUPP, never crash. */
TEST(unimplemented_calls)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(5000),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCPALT);
	char buf[4];

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, listen(fd, 1));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, accept(fd, NULL, NULL));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, send(fd, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, shutdown(fd, SHUT_WR));
	EXPECT_EQ(EOPNOTSUPP, errno);
	close(fd);
}

/* Options: unknown ones at tcpalt's level, IP's still work. */
TEST(socket_options)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCPALT);
	int one = 1, tos = 0x10;

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, setsockopt(fd, IPPROTO_TCPALT, 999, &one, sizeof(one)));
	EXPECT_EQ(ENOPROTOOPT, errno);
	EXPECT_EQ(-ENOPROTOOPT, sock_int_opt(fd, IPPROTO_TCPALT, 999));
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
		{ .fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCPALT),
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
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCPALT);
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

	ASSERT_EQ(0, run("ip link set lo up"));
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
