// SPDX-License-Identifier: GPL-2.0
/*
 * Limits on what a peer can make a connection do: a zero window whose
 * receiver went silent ends after the retry limits (retries2 with a
 * user, orphan_retries for an orphan, TCP_USER_TIMEOUT); segments out
 * of the window, SYNs and RSTs draw ACKs at a bounded rate, from a
 * connection (invalid_ratelimit) and from TIME-WAIT (the namespace's
 * budget); TIME-WAIT counts only its live entries, however often the
 * peer repeats its FIN or reopens the 4-tuple.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"
#include "lib.h"

#define PORT		5900
#define RAW_PORT	42000
#define RAW_ISS		0x20000000u
#define WAIT_MS		5000

/* Linux's lowest RTO, which a connection over veth sits at. */
#define RTO_MIN_MS	200

/*
 * Scheduling slack for an upper bound on a timer in the emulated VM
 * (lib.h): a thread or a timer softirq can be held off for a second or
 * more under KASAN, and the test polls every 20 ms.
 */
#define SLACK_MS	3000

FIXTURE(lim) {
	int cli, srv;
	struct raw_peer p;
};

FIXTURE_SETUP(lim)
{
	self->cli = self->srv = -1;
	self->p.fd = -1;
	ASSERT_EQ(0, topo_setup());
}

FIXTURE_TEARDOWN(lim)
{
	if (self->cli >= 0)
		close(self->cli);
	if (self->srv >= 0)
		close(self->srv);
	if (self->p.fd >= 0)
		raw_peer_close(&self->p);
	topo_teardown();
}

/* ---- A receiver that stops reading, then goes silent ---- */

/*
 * A pair whose accepted end in b has a 4 KiB receive buffer and is never
 * read; a's end is non-blocking and sends until the window is shut and
 * its own buffer full.  0, or -1.
 */
static int stuck_pair(int *cli, int *srv)
{
	int lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8), small = 4096;
	static char buf[16384];
	long long end;

	*cli = *srv = -1;
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small,
				  sizeof(small)))
		return -1;
	*cli = conn_socket(NULL);
	if (*cli < 0 || sock_connect(*cli, ADDR_B, PORT))
		return -1;
	*srv = accept_wait(lfd, WAIT_MS);
	close(lfd);
	if (*srv < 0)
		return -1;
	set_nonblock(*cli);
	for (end = now_ms() + 20000; now_ms() < end;) {
		if (send(*cli, buf, sizeof(buf), 0) < 0) {
			if (errno != EAGAIN)
				return -1;
			return 0;
		}
	}
	return -1;
}

/*
 * Waits for a's end of the pair to probe a zero window: its persist
 * timer in conns.  0, or -1.
 */
static int wait_persist(const char *local, const char *remote)
{
	struct conn_entry ce;
	long long end;

	for (end = now_ms() + WAIT_MS; now_ms() < end; usleep(5000))
		if (conns_find(NULL, local, remote, NULL, &ce) == 1 &&
		    !strcmp(ce.timer, "persist"))
			return 0;
	return -1;
}

/* The connection's RTO now, backoff included, in ms; -1 on error. */
static long rto_ms(int fd)
{
	struct tcpalt_info info;
	socklen_t len = sizeof(info);

	if (getsockopt(fd, test_proto(), TCPALT_INFO, &info, &len))
		return -1;
	return info.tcpi_rto / 1000;
}

/*
 * Once the receiver went silent, with the probe timer at an RTO of rto
 * ms: the next probe comes within rto, each after it one RTO later, the
 * RTO doubling each time; after r probes unanswered the next expiry
 * ends the connection.  So it ends within rto * (2^(r + 1) - 1) ms.
 */
static long long persist_end_ms(long rto, int r)
{
	return rto * ((2LL << r) - 1);
}

/*
 * b's end, closed with its data unread, resets and is gone at once: no
 * socket is left in either namespace.
 */
static void expect_none_left(struct __test_metadata *_metadata, int *srv,
			     const char *a_end, const char *b_end)
{
	close(*srv);
	*srv = -1;
	EXPECT_EQ(0, conns_wait(PEER_NS, b_end, a_end, NULL, 0, WAIT_MS,
				NULL));
	EXPECT_EQ(0, conns_find(NULL, a_end, b_end, NULL, NULL));
}

/*
 * With a user: the receiver's window is shut, then it drops everything.
 * retries2 probes go unanswered and the connection ends with ETIMEDOUT,
 * within persist_end_ms() of the drop.  The probes sent after the drop
 * are retries2, or one fewer when the last probe before it went
 * unanswered: its answer was the one dropped, or the receiver had sent
 * an ACK for an out-of-window segment (the probe is one) less than its
 * invalid_ratelimit before, as it does when the first probes come at
 * 200 and 400 ms.
 */
TEST_F_TIMEOUT(lim, zero_window_silent_peer_times_out, 120)
{
	const int retries2 = 2;
	long long ends = proto_stat(NULL, "PersistTimeouts");
	long long probes, after, dropped, limit;
	char local[32], remote[32];
	long rto;

	ASSERT_EQ(0, proto_sysctl_set(NULL, "retries2", "2"));
	ASSERT_EQ(0, stuck_pair(&self->cli, &self->srv));
	addr_port(local, sizeof(local), ADDR_A, local_port(self->cli));
	addr_port(remote, sizeof(remote), ADDR_B, PORT);
	ASSERT_EQ(0, wait_persist(local, remote));
	ASSERT_EQ(0, drop_ingress(PEER_NS, "veth-b"));
	dropped = now_ms();
	probes = proto_stat(NULL, "PersistProbes");
	rto = rto_ms(self->cli);
	ASSERT_LE(RTO_MIN_MS, rto);
	limit = persist_end_ms(rto, retries2) + SLACK_MS;

	ASSERT_GT(wait_fd(self->cli, POLLERR, limit), 0)
		TH_LOG("still open %lld ms after the drop; %lld probes",
		       now_ms() - dropped,
		       proto_stat(NULL, "PersistProbes") - probes);
	EXPECT_EQ(ETIMEDOUT, sock_error(self->cli));
	after = proto_stat(NULL, "PersistProbes") - probes;
	TH_LOG("RTO %ld ms at the drop, %lld probes after, ended in %lld ms",
	       rto, after, now_ms() - dropped);
	EXPECT_LE(retries2 - 1, after);
	EXPECT_GE(retries2, after);
	EXPECT_EQ(ends + 1, proto_stat(NULL, "PersistTimeouts"));
	EXPECT_EQ(0, conns_find(NULL, local, remote, NULL, NULL));
	expect_none_left(_metadata, &self->srv, local, remote);
}

/*
 * An orphan: close() with the window shut leaves the connection in
 * FIN-WAIT-1, its FIN behind the unsent data.  orphan_retries (here 2;
 * retries2 stays 15) unanswered probes end it: it leaves conns and the
 * orphan count, within the same bound.
 */
TEST_F_TIMEOUT(lim, zero_window_orphan_ends, 120)
{
	const int orphan_retries = 2;
	long long orphans = proto_stat(NULL, "CurrOrphans");
	long long ends = proto_stat(NULL, "PersistTimeouts");
	long long probes, after, dropped, limit;
	char local[32], remote[32];
	long rto;

	ASSERT_EQ(0, proto_sysctl_set(NULL, "orphan_retries", "2"));
	ASSERT_EQ(0, stuck_pair(&self->cli, &self->srv));
	addr_port(local, sizeof(local), ADDR_A, local_port(self->cli));
	addr_port(remote, sizeof(remote), ADDR_B, PORT);
	ASSERT_EQ(0, wait_persist(local, remote));
	ASSERT_EQ(0, drop_ingress(PEER_NS, "veth-b"));
	dropped = now_ms();
	probes = proto_stat(NULL, "PersistProbes");
	rto = rto_ms(self->cli);
	ASSERT_LE(RTO_MIN_MS, rto);
	limit = persist_end_ms(rto, orphan_retries) + SLACK_MS;
	close(self->cli);
	self->cli = -1;
	ASSERT_EQ(1, conns_find(NULL, local, remote, "FIN-WAIT-1", NULL));
	EXPECT_EQ(orphans + 1, proto_stat(NULL, "CurrOrphans"));

	EXPECT_EQ(0, conns_wait(NULL, local, remote, NULL, 0, limit, NULL))
		TH_LOG("still there %lld ms after the drop",
		       now_ms() - dropped);
	after = proto_stat(NULL, "PersistProbes") - probes;
	TH_LOG("RTO %ld ms at the drop, %lld probes after, gone in %lld ms",
	       rto, after, now_ms() - dropped);
	EXPECT_LE(orphan_retries - 1, after);
	EXPECT_GE(orphan_retries, after);
	EXPECT_EQ(ends + 1, proto_stat(NULL, "PersistTimeouts"));
	EXPECT_EQ(orphans, proto_stat_wait(NULL, "CurrOrphans", orphans,
					   WAIT_MS));
	expect_none_left(_metadata, &self->srv, local, remote);
}

/*
 * TCP_USER_TIMEOUT bounds zero-window probing from the first probe, as
 * TCP's does, though retries2 (15) would go on for minutes.  The first
 * probe goes after the connection was made, so the end comes no sooner
 * than the timeout after that (less 20 ms of jiffies and polling); it
 * goes no later than an RTO after the persist timer showed, and the last
 * timer is clamped to the timeout, so the end comes within the timeout
 * and that RTO after it, plus the slack.
 */
TEST_F_TIMEOUT(lim, zero_window_user_timeout, 120)
{
	const int timeout_ms = 2000;
	long long aborts = proto_stat(NULL, "UserTimeoutAborts");
	long long start = now_ms(), seen, took;
	char local[32], remote[32];
	long rto;

	ASSERT_EQ(0, stuck_pair(&self->cli, &self->srv));
	ASSERT_EQ(0, proto_opt_set(self->cli, TCPALT_USER_TIMEOUT,
				   timeout_ms));
	addr_port(local, sizeof(local), ADDR_A, local_port(self->cli));
	addr_port(remote, sizeof(remote), ADDR_B, PORT);
	ASSERT_EQ(0, wait_persist(local, remote));
	seen = now_ms();
	rto = rto_ms(self->cli);
	ASSERT_LE(RTO_MIN_MS, rto);
	ASSERT_EQ(0, drop_ingress(PEER_NS, "veth-b"));

	ASSERT_GT(wait_fd(self->cli, POLLERR, timeout_ms + rto + SLACK_MS), 0);
	took = now_ms() - seen;
	TH_LOG("ended %lld ms after the persist timer showed", took);
	EXPECT_EQ(ETIMEDOUT, sock_error(self->cli));
	EXPECT_LE(timeout_ms - 20, now_ms() - start);
	EXPECT_EQ(aborts + 1, proto_stat(NULL, "UserTimeoutAborts"));
}

TEST_HARNESS_MAIN
