// SPDX-License-Identifier: GPL-2.0
/*
 * How close() ends a connection: a RST instead of a FIN when received
 * data is unread (RFC 1122 4.2.2.13, RFC 2525 2.17), a RST for SO_LINGER
 * with no time, a close() that lingers until the FIN is acknowledged or
 * the time is up, and TCP_LINGER2 with its range and its effect on an
 * orphaned FIN-WAIT-2.  TCPALT_TEST_PROTO=6 runs them against TCP.
 */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"
#include "lib.h"

#define PORT	5200

FIXTURE(closing) {
	int cli, srv;
};

FIXTURE_SETUP(closing)
{
	self->cli = self->srv = -1;
	ASSERT_EQ(0, topo_setup());
	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
}

FIXTURE_TEARDOWN(closing)
{
	if (self->cli >= 0)
		close(self->cli);
	if (self->srv >= 0)
		close(self->srv);
	topo_teardown();
}

static int int_opt(int fd, int name)
{
	socklen_t len = sizeof(int);
	int val;

	if (getsockopt(fd, test_proto(), name, &val, &len))
		return -errno;
	return val;
}

static int set_opt(int fd, int name, int val)
{
	return setsockopt(fd, test_proto(), name, &val, sizeof(val)) ? -errno : 0;
}

/* The peer of a reset connection: POLLERR, then ECONNRESET. */
static void expect_reset(struct __test_metadata *_metadata, int fd)
{
	char buf[8];

	EXPECT_NE(0, wait_fd(fd, POLLIN, 5000) & POLLERR);
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ECONNRESET, errno);
}

TEST_F(closing, unread_data_sends_rst)
{
	long long aborts = proto_stat(PEER_NS, "AbortOnClose");

	ASSERT_EQ(3, send(self->cli, "abc", 3, MSG_NOSIGNAL));
	ASSERT_NE(0, wait_fd(self->srv, POLLIN, 5000) & POLLIN);
	close(self->srv);
	self->srv = -1;
	expect_reset(_metadata, self->cli);
	EXPECT_LT(aborts, proto_stat(PEER_NS, "AbortOnClose"));
}

TEST_F(closing, linger_zero_sends_rst)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	long long aborts = proto_stat(PEER_NS, "AbortOnLinger");

	ASSERT_EQ(0, setsockopt(self->srv, SOL_SOCKET, SO_LINGER, &l,
				sizeof(l)));
	close(self->srv);
	self->srv = -1;
	expect_reset(_metadata, self->cli);
	/* TCP counts this one as TCPAbortOnData. */
	if (!proto_is_tcp())
		EXPECT_LT(aborts, proto_stat(PEER_NS, "AbortOnLinger"));
}

/* A live peer acknowledges data and FIN at once: close() is quick. */
TEST_F(closing, linger_returns_when_acked)
{
	struct linger l = { .l_onoff = 1, .l_linger = 5 };
	static char data[100000];
	long long t0, t;
	char buf[4096];
	size_t got = 0;
	int status;
	pid_t pid;
	ssize_t n;

	ASSERT_EQ(0, setsockopt(self->cli, SOL_SOCKET, SO_LINGER, &l,
				sizeof(l)));
	ASSERT_EQ(sizeof(data), send(self->cli, data, sizeof(data),
				     MSG_NOSIGNAL));
	t0 = now_ms();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* The reader drains while the writer lingers in close(). */
		close(self->cli);
		while ((n = recv(self->srv, buf, sizeof(buf), 0)) > 0)
			got += n;
		_exit(got == sizeof(data) ? 0 : 1);
	}
	close(self->cli);
	self->cli = -1;
	t = now_ms() - t0;
	EXPECT_GT(4000, t) TH_LOG("close() took %lld ms", t);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A silent peer: close() gives up after the linger time. */
TEST_F(closing, linger_times_out)
{
	struct linger l = { .l_onoff = 1, .l_linger = 1 };
	long long t0, t;

	ASSERT_EQ(0, setsockopt(self->cli, SOL_SOCKET, SO_LINGER, &l,
				sizeof(l)));
	ASSERT_EQ(0, drop_ingress(PEER_NS, "veth-b"));
	ASSERT_EQ(5, send(self->cli, "hello", 5, MSG_NOSIGNAL));
	t0 = now_ms();
	close(self->cli);
	self->cli = -1;
	t = now_ms() - t0;
	EXPECT_LE(900, t) TH_LOG("close() took %lld ms", t);
	EXPECT_GE(5000, t) TH_LOG("close() took %lld ms", t);
}

/* TCP_LINGER2: the sysctl by default, capped at 120 s, -1 allowed. */
TEST_F(closing, linger2_values)
{
	EXPECT_EQ(60, int_opt(self->cli, TCPALT_LINGER2));
	EXPECT_EQ(0, set_opt(self->cli, TCPALT_LINGER2, 5));
	EXPECT_EQ(5, int_opt(self->cli, TCPALT_LINGER2));
	EXPECT_EQ(0, set_opt(self->cli, TCPALT_LINGER2, 1000));
	EXPECT_EQ(120, int_opt(self->cli, TCPALT_LINGER2));
	EXPECT_EQ(0, set_opt(self->cli, TCPALT_LINGER2, -5));
	EXPECT_EQ(-1, int_opt(self->cli, TCPALT_LINGER2));
	EXPECT_EQ(0, set_opt(self->cli, TCPALT_LINGER2, 0));
	EXPECT_EQ(60, int_opt(self->cli, TCPALT_LINGER2));
}

/*
 * An orphan in FIN-WAIT-2 whose peer never closes ends after
 * TCP_LINGER2 with a RST; the peer, in CLOSE-WAIT, then fails its
 * writes with EPIPE, as TCP's does.
 */
TEST_F_TIMEOUT(closing, linger2_ends_orphaned_fin_wait2, 60)
{
	char local[32], remote[32];
	struct conn_entry e;
	long long end;
	int found = 1;

	if (proto_is_tcp())
		SKIP(return, "TCP keeps short FIN-WAIT-2 orphans as timewait sockets");
	ASSERT_EQ(0, set_opt(self->cli, TCPALT_LINGER2, 1));
	addr_port(local, sizeof(local), ADDR_A, local_port(self->cli));
	addr_port(remote, sizeof(remote), ADDR_B, PORT);
	close(self->cli);
	self->cli = -1;
	end = now_ms() + 10000;
	while (now_ms() < end &&
	       (found = conns_find(NULL, local, remote, NULL, &e)) == 1)
		usleep(100000);
	EXPECT_EQ(0, found);
	EXPECT_NE(0, wait_fd(self->srv, POLLOUT, 5000) & POLLERR);
	EXPECT_EQ(-1, send(self->srv, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
}

TEST_HARNESS_MAIN
