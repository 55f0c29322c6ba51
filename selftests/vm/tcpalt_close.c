// SPDX-License-Identifier: GPL-2.0
/*
 * How connections end: the four-way close and the simultaneous close
 * seen state by state in conns, half-close with data still flowing the
 * other way, a RST instead of a FIN when received data is unread (RFC
 * 1122 4.2.2.13, RFC 2525 2.17), a RST for SO_LINGER with no time, a
 * close() that lingers until the FIN is acknowledged or the time is up,
 * orphaned FIN-WAIT-2 ended by fin_timeout or TCP_LINGER2, and the
 * max_orphans limit.  TCPALT_TEST_PROTO=6 runs them against TCP.
 */
#include <errno.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"
#include "lib.h"

#define PORT	5200
#define WAIT_MS	5000

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
	/*
	 * The linger time is 5 s: anything under 4 s shows close() returned
	 * on the FIN's ACK, with a second of margin for a slow drain.
	 */
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
	/*
	 * The linger time, 1 s, less 100 ms for jiffies rounding; at most
	 * 5 s, as a stalled VM may hold close() past its timer by seconds.
	 */
	EXPECT_LE(900, t) TH_LOG("close() took %lld ms", t);
	EXPECT_GE(5000, t) TH_LOG("close() took %lld ms", t);
}

/* TCP_LINGER2: the sysctl by default, capped at 120 s, -1 allowed. */
TEST_F(closing, linger2_values)
{
	EXPECT_EQ(60, proto_opt_get(self->cli, TCPALT_LINGER2));
	EXPECT_EQ(0, proto_opt_set(self->cli, TCPALT_LINGER2, 5));
	EXPECT_EQ(5, proto_opt_get(self->cli, TCPALT_LINGER2));
	EXPECT_EQ(0, proto_opt_set(self->cli, TCPALT_LINGER2, 1000));
	EXPECT_EQ(120, proto_opt_get(self->cli, TCPALT_LINGER2));
	EXPECT_EQ(0, proto_opt_set(self->cli, TCPALT_LINGER2, -5));
	EXPECT_EQ(-1, proto_opt_get(self->cli, TCPALT_LINGER2));
	EXPECT_EQ(0, proto_opt_set(self->cli, TCPALT_LINGER2, 0));
	EXPECT_EQ(60, proto_opt_get(self->cli, TCPALT_LINGER2));
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
	ASSERT_EQ(0, proto_opt_set(self->cli, TCPALT_LINGER2, 1));
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

static void end_names(int cli, char *a_end, char *b_end, size_t size)
{
	addr_port(a_end, size, ADDR_A, local_port(cli));
	addr_port(b_end, size, ADDR_B, PORT);
}

/*
 * RFC 9293 figure 12, each state held long enough to be seen by losing
 * the ACK that would end it: a in FIN-WAIT-1 while b is in CLOSE-WAIT,
 * a in FIN-WAIT-2, then b in LAST-ACK while a is in TIME-WAIT, and b
 * gone once its FIN, retransmitted, is acknowledged.
 */
TEST_F_TIMEOUT(closing, four_way_close_states, 60)
{
	char a_end[32], b_end[32];
	struct conn_entry e;

	end_names(self->cli, a_end, b_end, sizeof(a_end));
	ASSERT_EQ(0, drop_ingress(NULL, "veth-a"));
	ASSERT_EQ(0, shutdown(self->cli, SHUT_WR));
	EXPECT_EQ(1, conns_wait(NULL, a_end, b_end, "FIN-WAIT-1", 1, WAIT_MS,
				NULL));
	EXPECT_EQ(1, conns_wait(PEER_NS, b_end, a_end, "CLOSE-WAIT", 1,
				WAIT_MS, NULL));
	ASSERT_EQ(0, allow_ingress(NULL, "veth-a"));
	EXPECT_EQ(1, conns_wait(NULL, a_end, b_end, "FIN-WAIT-2", 1, WAIT_MS,
				NULL));

	ASSERT_EQ(0, drop_ingress(PEER_NS, "veth-b"));
	close(self->srv);
	self->srv = -1;
	EXPECT_EQ(1, conns_wait(PEER_NS, b_end, a_end, "LAST-ACK", 1,
				WAIT_MS, NULL));
	EXPECT_EQ(1, conns_wait(NULL, a_end, b_end, "TIME-WAIT", 1, WAIT_MS,
				&e));
	EXPECT_STREQ("timewait", e.timer);
	ASSERT_EQ(0, allow_ingress(PEER_NS, "veth-b"));
	EXPECT_EQ(0, conns_wait(PEER_NS, b_end, a_end, NULL, 0, 10000, NULL));
	EXPECT_EQ(1, conns_find(NULL, a_end, b_end, "TIME-WAIT", NULL));
}

/*
 * shutdown(SHUT_WR) once the FIN is out, and close() in LAST-ACK: the
 * calls succeed and change nothing (the state table ignores them there,
 * where the RFC has "connection closing").  Once a's ingress is back,
 * the FIN's next retransmission comes within its RTO, backed off while
 * the ACKs were dropped: a loaded debug kernel once took long enough
 * over the calls that the backoff outgrew a fixed wait.
 */
TEST_F_TIMEOUT(closing, calls_after_fin_change_nothing, 180)
{
	char a_end[32], b_end[32];
	long rto;

	end_names(self->cli, a_end, b_end, sizeof(a_end));
	ASSERT_EQ(0, drop_ingress(NULL, "veth-a"));
	ASSERT_EQ(0, shutdown(self->cli, SHUT_WR));
	EXPECT_EQ(1, conns_wait(NULL, a_end, b_end, "FIN-WAIT-1", 1, WAIT_MS,
				NULL));
	EXPECT_EQ(0, shutdown(self->cli, SHUT_WR));
	EXPECT_EQ(1, conns_find(NULL, a_end, b_end, "FIN-WAIT-1", NULL));
	rto = rto_ms(self->cli);
	ASSERT_LT(0, rto);
	ASSERT_EQ(0, allow_ingress(NULL, "veth-a"));
	EXPECT_EQ(1, conns_wait(NULL, a_end, b_end, "FIN-WAIT-2", 1,
				rto + WAIT_MS, NULL));
	EXPECT_EQ(0, shutdown(self->cli, SHUT_RDWR));
	EXPECT_EQ(1, conns_find(NULL, a_end, b_end, "FIN-WAIT-2", NULL));

	ASSERT_EQ(0, drop_ingress(PEER_NS, "veth-b"));
	EXPECT_EQ(0, shutdown(self->srv, SHUT_WR));
	EXPECT_EQ(1, conns_wait(PEER_NS, b_end, a_end, "LAST-ACK", 1,
				WAIT_MS, NULL));
	EXPECT_EQ(0, shutdown(self->srv, SHUT_WR));
	EXPECT_EQ(1, conns_find(PEER_NS, b_end, a_end, "LAST-ACK", NULL));
	EXPECT_EQ(0, close(self->srv));
	self->srv = -1;
	EXPECT_EQ(1, conns_find(PEER_NS, b_end, a_end, "LAST-ACK", NULL));
	ASSERT_EQ(0, allow_ingress(PEER_NS, "veth-b"));
	EXPECT_EQ(0, conns_wait(PEER_NS, b_end, a_end, NULL, 0, 10000, NULL));
	EXPECT_EQ(1, conns_wait(NULL, a_end, b_end, "TIME-WAIT", 1, WAIT_MS,
				NULL));
}

/* Whether ns shows the connection in state now; polled by the caller. */
static bool in_state(const char *ns, const char *local, const char *remote,
		     const char *state)
{
	return conns_find(ns, local, remote, state, NULL) == 1;
}

/*
 * RFC 9293 figure 13: both sides close at once; with a second each way
 * the FINs cross, both sides pass through CLOSING and end in TIME-WAIT.
 * A side is in CLOSING for one one-way delay, from the peer's FIN to the
 * ACK of its own.  With 500 ms a loaded debug kernel once missed it on
 * one side: a round of this poll reads conns four times, and the two
 * shutdown() calls must also fall within that delay of each other.
 */
TEST_F_TIMEOUT(closing, simultaneous_close_through_closing, 60)
{
	bool a_closing = false, b_closing = false, done = false;
	char a_end[32], b_end[32];
	long long end;

	end_names(self->cli, a_end, b_end, sizeof(a_end));
	ASSERT_EQ(0, netem_set(NULL, "veth-a", "delay 1000ms"));
	ASSERT_EQ(0, netem_set(PEER_NS, "veth-b", "delay 1000ms"));
	ASSERT_EQ(0, shutdown(self->cli, SHUT_WR));
	ASSERT_EQ(0, shutdown(self->srv, SHUT_WR));
	end = now_ms() + 15000;
	while (!done && now_ms() < end) {
		a_closing |= in_state(NULL, a_end, b_end, "CLOSING");
		b_closing |= in_state(PEER_NS, b_end, a_end, "CLOSING");
		done = in_state(NULL, a_end, b_end, "TIME-WAIT") &&
		       in_state(PEER_NS, b_end, a_end, "TIME-WAIT");
		usleep(20000);
	}
	EXPECT_TRUE(a_closing);
	EXPECT_TRUE(b_closing);
	EXPECT_TRUE(done);
}

/*
 * shutdown(SHUT_WR): the peer reads EOF, and still sends; we still read
 * all of it, and may no longer write.  The peer's FIN then ends it.
 */
TEST_F_TIMEOUT(closing, half_close_data_flows_back, 60)
{
	enum { LEN = 256 * 1024 };
	char a_end[32], b_end[32], buf[4096];
	size_t sent = 0, got = 0;
	ssize_t n;
	bool ok = true;

	end_names(self->cli, a_end, b_end, sizeof(a_end));
	ASSERT_EQ(0, shutdown(self->cli, SHUT_WR));
	ASSERT_GT(wait_fd(self->srv, POLLIN, WAIT_MS), 0);
	ASSERT_EQ(0, recv(self->srv, buf, sizeof(buf), 0));
	set_nonblock(self->srv);
	while (got < LEN) {
		while (sent < LEN) {
			size_t len = LEN - sent < sizeof(buf) ?
				     LEN - sent : sizeof(buf);

			for (size_t i = 0; i < len; i++)
				buf[i] = (char)((sent + i) % 251);
			n = send(self->srv, buf, len, 0);
			if (n <= 0)
				break;
			sent += n;
		}
		ASSERT_GT(wait_fd(self->cli, POLLIN, WAIT_MS), 0);
		n = recv(self->cli, buf, sizeof(buf), 0);
		ASSERT_GT(n, 0);
		for (ssize_t i = 0; i < n; i++)
			ok &= buf[i] == (char)((got + i) % 251);
		got += n;
	}
	EXPECT_TRUE(ok);
	EXPECT_EQ(-1, send(self->cli, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	close(self->srv);
	self->srv = -1;
	ASSERT_GT(wait_fd(self->cli, POLLIN, WAIT_MS), 0);
	EXPECT_EQ(0, recv(self->cli, buf, sizeof(buf), 0));
	EXPECT_EQ(1, conns_wait(NULL, a_end, b_end, "TIME-WAIT", 1, WAIT_MS,
				NULL));
}

/* fin_timeout 2: an orphaned FIN-WAIT-2 whose peer never closes ends. */
TEST_F_TIMEOUT(closing, orphaned_fin_wait2_ends_after_fin_timeout, 60)
{
	long long orphaned = proto_stat(NULL, "Orphaned");
	char a_end[32], b_end[32];
	struct conn_entry e;

	if (proto_is_tcp())
		SKIP(return, "TCP keeps short FIN-WAIT-2 orphans as timewait sockets");
	ASSERT_EQ(0, proto_sysctl_set(NULL, "fin_timeout", "2"));
	end_names(self->cli, a_end, b_end, sizeof(a_end));
	close(self->cli);
	self->cli = -1;
	ASSERT_EQ(1, conns_wait(NULL, a_end, b_end, "FIN-WAIT-2", 1, WAIT_MS,
				&e));
	EXPECT_STREQ("fin_wait2", e.timer);
	/* Armed with fin_timeout, 2 s: it can only have run down since. */
	EXPECT_LE(e.timer_ms, 2000);
	EXPECT_EQ(orphaned + 1, proto_stat(NULL, "Orphaned"));
	EXPECT_EQ(1, proto_stat(NULL, "CurrOrphans"));
	EXPECT_EQ(0, conns_wait(NULL, a_end, b_end, NULL, 0, 10000, NULL));
	EXPECT_EQ(0, proto_stat_wait(NULL, "CurrOrphans", 0, WAIT_MS));
}

/*
 * max_orphans 0: a close() that would leave the connection to finish on
 * its own resets it instead, and says so in OrphanOverflow.
 */
TEST_F_TIMEOUT(closing, max_orphans_resets_instead, 60)
{
	long long over = proto_stat(NULL, "OrphanOverflow");

	if (proto_is_tcp())
		SKIP(return, "tcp_max_orphans is not per namespace");
	long long end;
	int ev = 0;

	ASSERT_EQ(0, proto_sysctl_set(NULL, "max_orphans", "0"));
	close(self->cli);
	self->cli = -1;
	/*
	 * The FIN went first, as TCP's does: EOF, then the RST, which in
	 * CLOSE-WAIT is reported as EPIPE, as TCP reports it.
	 */
	end = now_ms() + WAIT_MS;
	while (!(ev & POLLERR) && now_ms() < end)
		ev = wait_fd(self->srv, POLLERR, 100);
	EXPECT_NE(0, ev & POLLERR);
	EXPECT_EQ(EPIPE, sock_error(self->srv));
	EXPECT_EQ(over + 1, proto_stat(NULL, "OrphanOverflow"));
	EXPECT_EQ(0, proto_stat_wait(NULL, "CurrOrphans", 0, WAIT_MS));
}

TEST_HARNESS_MAIN
