// SPDX-License-Identifier: GPL-2.0
/*
 * bind(): explicit and ephemeral ports, EADDRINUSE and SO_REUSEADDR as TCP
 * has them, and port spaces per namespace and apart from TCP's.  Each test
 * runs in a namespace of its own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

#define PORT_RANGE	"/proc/sys/net/ipv4/ip_local_port_range"

static int tcpalt_socket(void)
{
	return socket(AF_INET, SOCK_STREAM, IPPROTO_TCPALT);
}

static int bind_to(int fd, const char *addr, unsigned short port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };

	inet_pton(AF_INET, addr, &sin.sin_addr);
	return bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ? -errno : 0;
}

static int local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	return getsockname(fd, (struct sockaddr *)&sin, &len) ? -errno :
	       ntohs(sin.sin_port);
}

static void set_reuseaddr(int fd)
{
	int one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
}

FIXTURE(bind) {
	int a, b;
};

FIXTURE_SETUP(bind)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, link_up("lo"));
	self->a = tcpalt_socket();
	self->b = tcpalt_socket();
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
}

FIXTURE_TEARDOWN(bind)
{
	close(self->a);
	close(self->b);
}

TEST_F(bind, explicit_port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	ASSERT_EQ(0, bind_to(self->a, "127.0.0.1", 5000));
	ASSERT_EQ(0, getsockname(self->a, (struct sockaddr *)&sin, &len));
	EXPECT_EQ(5000, ntohs(sin.sin_port));
	EXPECT_EQ(htonl(INADDR_LOOPBACK), sin.sin_addr.s_addr);
}

TEST_F(bind, twice_is_einval)
{
	ASSERT_EQ(0, bind_to(self->a, "127.0.0.1", 5000));
	EXPECT_EQ(-EINVAL, bind_to(self->a, "127.0.0.1", 5001));
	EXPECT_EQ(5000, local_port(self->a));
}

TEST_F(bind, same_port_in_use)
{
	ASSERT_EQ(0, bind_to(self->a, "127.0.0.1", 5000));
	EXPECT_EQ(-EADDRINUSE, bind_to(self->b, "127.0.0.1", 5000));
	/* The failed socket is still unbound and can bind elsewhere. */
	EXPECT_EQ(0, local_port(self->b));
	EXPECT_EQ(0, bind_to(self->b, "127.0.0.1", 5001));
}

TEST_F(bind, wildcard_overlaps_every_address)
{
	ASSERT_EQ(0, bind_to(self->a, "0.0.0.0", 5000));
	EXPECT_EQ(-EADDRINUSE, bind_to(self->b, "127.0.0.1", 5000));
	close(self->a);
	self->a = tcpalt_socket();
	ASSERT_EQ(0, bind_to(self->a, "127.0.0.1", 5002));
	EXPECT_EQ(-EADDRINUSE, bind_to(self->b, "0.0.0.0", 5002));
}

TEST_F(bind, distinct_addresses_share_a_port)
{
	ASSERT_EQ(0, bind_to(self->a, "127.0.0.1", 5000));
	EXPECT_EQ(0, bind_to(self->b, "127.0.0.2", 5000));
}

TEST_F(bind, reuseaddr_needs_both)
{
	set_reuseaddr(self->a);
	ASSERT_EQ(0, bind_to(self->a, "127.0.0.1", 5000));
	EXPECT_EQ(-EADDRINUSE, bind_to(self->b, "127.0.0.1", 5000));
	set_reuseaddr(self->b);
	EXPECT_EQ(0, bind_to(self->b, "127.0.0.1", 5000));
}

/*
 * SO_REUSEADDR relaxes an explicit bind only: port 0 never hands out a
 * port someone holds, as TCP with ip_autobind_reuse off.
 */
TEST_F(bind, ephemeral_ignores_reuseaddr)
{
	ASSERT_EQ(0, write_in(NULL, PORT_RANGE, "40000 40000"));
	set_reuseaddr(self->a);
	set_reuseaddr(self->b);
	ASSERT_EQ(0, bind_to(self->a, "0.0.0.0", 0));
	EXPECT_EQ(40000, local_port(self->a));
	EXPECT_EQ(-EADDRINUSE, bind_to(self->b, "0.0.0.0", 0));
	EXPECT_EQ(0, bind_to(self->b, "0.0.0.0", 40000));
}

TEST_F(bind, close_releases_the_port)
{
	ASSERT_EQ(0, bind_to(self->a, "127.0.0.1", 5000));
	close(self->a);
	self->a = tcpalt_socket();
	EXPECT_EQ(0, bind_to(self->b, "127.0.0.1", 5000));
}

TEST_F(bind, address_not_local)
{
	EXPECT_EQ(-EADDRNOTAVAIL, bind_to(self->a, "10.9.9.9", 5000));
}

TEST_F(bind, bad_address_arguments)
{
	struct sockaddr_in sin = { .sin_family = AF_INET6 };

	EXPECT_EQ(-1, bind(self->a, (struct sockaddr *)&sin, 4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, bind(self->a, (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(EAFNOSUPPORT, errno);
}

/* Port 0 picks from ip_local_port_range until it is used up. */
TEST_F(bind, ephemeral_ports_fill_the_range)
{
	int fds[8], i, j, port;

	ASSERT_EQ(0, write_in(NULL, PORT_RANGE, "40000 40007"));
	for (i = 0; i < 8; i++) {
		fds[i] = tcpalt_socket();
		ASSERT_EQ(0, bind_to(fds[i], "0.0.0.0", 0));
		port = local_port(fds[i]);
		EXPECT_LE(40000, port);
		EXPECT_GE(40007, port);
		for (j = 0; j < i; j++)
			EXPECT_NE(local_port(fds[j]), port);
	}
	EXPECT_EQ(-EADDRINUSE, bind_to(self->a, "0.0.0.0", 0));
	for (i = 0; i < 8; i++)
		close(fds[i]);
	EXPECT_EQ(0, bind_to(self->a, "0.0.0.0", 0));
}

/* RFC 6056: the choice is not predictable from the last one. */
TEST_F(bind, ephemeral_ports_are_random)
{
	int seen[1000] = { 0 }, distinct = 0, i, port;

	ASSERT_EQ(0, write_in(NULL, PORT_RANGE, "41000 41999"));
	for (i = 0; i < 20; i++) {
		close(self->a);
		self->a = tcpalt_socket();
		ASSERT_EQ(0, bind_to(self->a, "0.0.0.0", 0));
		port = local_port(self->a);
		ASSERT_LE(41000, port);
		ASSERT_GE(41999, port);
		distinct += !seen[port - 41000]++;
	}
	/* 20 draws of 1000 give fewer than 10 distinct ports ~never. */
	EXPECT_LE(10, distinct);
}

TEST_F(bind, namespaces_have_their_own_ports)
{
	int other;

	ASSERT_EQ(0, bind_to(self->a, "0.0.0.0", 5000));
	/* A socket belongs to the namespace it was made in. */
	EXPECT_EQ(-EADDRINUSE, bind_to(self->b, "0.0.0.0", 5000));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	other = tcpalt_socket();
	ASSERT_LE(0, other);
	EXPECT_EQ(0, bind_to(other, "0.0.0.0", 5000));
	close(other);
}

TEST_F(bind, apart_from_kernel_tcp)
{
	int tcp = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

	ASSERT_LE(0, tcp);
	ASSERT_EQ(0, bind_to(tcp, "127.0.0.1", 5000));
	EXPECT_EQ(0, bind_to(self->a, "127.0.0.1", 5000));
	close(tcp);
}

TEST_HARNESS_MAIN
