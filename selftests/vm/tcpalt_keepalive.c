// SPDX-License-Identifier: GPL-2.0
/*
 * Keep-alives and dead-peer detection: probes to a live peer, a dead
 * peer found within idle + interval * count, a peer that answers late,
 * TCP_USER_TIMEOUT, and the options' and sysctls' ranges.  Short values
 * are set per socket.  TCPALT_TEST_PROTO=6 runs them against TCP.
 */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"
#include "lib.h"

#define PORT	5600
#define WAIT_MS	5000

FIXTURE(ka) {
	int cli, srv;
	char a_end[32], b_end[32];
};

FIXTURE_SETUP(ka)
{
	self->cli = self->srv = -1;
	ASSERT_EQ(0, topo_setup());
	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	addr_port(self->a_end, sizeof(self->a_end), ADDR_A,
		  local_port(self->cli));
	addr_port(self->b_end, sizeof(self->b_end), ADDR_B, PORT);
}

FIXTURE_TEARDOWN(ka)
{
	if (self->cli >= 0)
		close(self->cli);
	if (self->srv >= 0)
		close(self->srv);
	topo_teardown();
}

/* SO_KEEPALIVE with idle, interval and count; 0, or -errno. */
static int keepalive(int fd, int idle, int intvl, int cnt)
{
	int one = 1;

	if (proto_opt_set(fd, TCPALT_KEEPIDLE, idle) ||
	    proto_opt_set(fd, TCPALT_KEEPINTVL, intvl) ||
	    proto_opt_set(fd, TCPALT_KEEPCNT, cnt))
		return -errno;
	return setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) ?
	       -errno : 0;
}

/* Data still flows both ways. */
static void expect_flow(struct __test_metadata *_metadata, int a, int b)
{
	char buf[8];

	ASSERT_EQ(4, send(a, "ping", 4, 0));
	ASSERT_GT(wait_fd(b, POLLIN, WAIT_MS), 0);
	EXPECT_EQ(4, recv(b, buf, sizeof(buf), 0));
	ASSERT_EQ(4, send(b, "pong", 4, 0));
	ASSERT_GT(wait_fd(a, POLLIN, WAIT_MS), 0);
	EXPECT_EQ(4, recv(a, buf, sizeof(buf), 0));
}

/* The connection is reset with ETIMEDOUT: POLLERR, then the error. */
static void expect_timed_out(struct __test_metadata *_metadata, int fd,
			     int timeout_ms)
{
	char c;

	EXPECT_NE(0, wait_fd(fd, POLLIN, timeout_ms) & POLLERR);
	EXPECT_EQ(-1, recv(fd, &c, 1, MSG_DONTWAIT));
	EXPECT_EQ(ETIMEDOUT, errno);
}

/*
 * Idle 1 s, probes every second: over six seconds the live peer answers
 * each probe, the count never builds up, and data flows afterwards.
 */
TEST_F_TIMEOUT(ka, live_peer_survives, 60)
{
	long long probes = proto_stat(NULL, "KeepAliveProbes");
	long long peer_in = proto_stat(PEER_NS, "InSegs");
	long long peer_out = proto_stat(PEER_NS, "OutSegs");
	struct conn_entry e;

	ASSERT_EQ(0, keepalive(self->cli, 1, 1, 2));
	sleep(6);
	ASSERT_EQ(1, conns_find(NULL, self->a_end, self->b_end, "ESTABLISHED",
				&e));
	if (!proto_is_tcp()) {
		EXPECT_STREQ("keepalive", e.timer);
		EXPECT_EQ(0, e.retransmits);
	}
	if (probes >= 0)
		EXPECT_LE(probes + 4, proto_stat(NULL, "KeepAliveProbes"));
	/* Each probe reached b, and b answered each. */
	EXPECT_LE(peer_in + 4, proto_stat(PEER_NS, "InSegs"));
	EXPECT_LE(peer_out + 4, proto_stat(PEER_NS, "OutSegs"));
	expect_flow(_metadata, self->cli, self->srv);
}

/*
 * b vanishes (everything it sends is dropped): after 1 s idle and 3
 * probes 1 s apart, about 4 s, the connection is reset with ETIMEDOUT
 * and leaves conns.
 */
TEST_F_TIMEOUT(ka, dead_peer_detected, 60)
{
	long long aborts = proto_stat(NULL, "KeepAliveAborts");
	long long start = now_ms(), dropped, took, since_drop;

	ASSERT_EQ(0, keepalive(self->cli, 1, 1, 3));
	ASSERT_EQ(0, drop_ingress(NULL, "veth-a"));
	dropped = now_ms();
	expect_timed_out(_metadata, self->cli, 20000);
	took = now_ms() - start;
	since_drop = now_ms() - dropped;
	/*
	 * 4 s nominal from b's last segment, which came before start; 500 ms
	 * under it for the second-granular keep-alive timer.
	 */
	EXPECT_GE(took, 3500);
	/*
	 * At most 4 s nominal once the drop is in place: a probe answered
	 * while tc was still installing it (its execs take seconds on a
	 * loaded host) starts the count over.  Twice that tells a missing
	 * abort from a slow VM.
	 */
	EXPECT_LE(since_drop, 8000)
		TH_LOG("detected %lld ms after the drop, %lld after the start",
		       since_drop, took);
	EXPECT_EQ(0, conns_find(NULL, self->a_end, self->b_end, NULL, NULL));
	if (aborts >= 0)
		EXPECT_EQ(aborts + 1, proto_stat(NULL, "KeepAliveAborts"));
}

/*
 * b is silent long enough for two of eight probes to go unanswered, then
 * answers again: the count starts over and the connection outlives
 * idle + interval * count.  Eight, not four: lifting the drop execs tc,
 * which on a loaded debug kernel took longer than the two probes four
 * would have left.  A count that did not start over still shows, as
 * more than one probe outstanding 6 s later, or as the abort.
 */
TEST_F_TIMEOUT(ka, late_answer_resets_count, 60)
{
	struct conn_entry e;
	long long end;
	int seen = 0;

	ASSERT_EQ(0, keepalive(self->cli, 1, 1, 8));
	ASSERT_EQ(0, drop_ingress(NULL, "veth-a"));
	end = now_ms() + 10000;
	/* TCP's conns column does not show keep-alive probes: wait 2.6 s. */
	if (proto_is_tcp())
		usleep(2600000);
	while (!proto_is_tcp() && now_ms() < end && seen < 2) {
		if (conns_find(NULL, self->a_end, self->b_end, NULL, &e) == 1)
			seen = e.retransmits;
		usleep(50000);
	}
	if (!proto_is_tcp())
		ASSERT_EQ(2, seen);
	ASSERT_EQ(0, allow_ingress(NULL, "veth-a"));
	sleep(6);
	ASSERT_EQ(1, conns_find(NULL, self->a_end, self->b_end, "ESTABLISHED",
				&e));
	EXPECT_LE(e.retransmits, 1);
	expect_flow(_metadata, self->cli, self->srv);
}

/*
 * TCP_USER_TIMEOUT 2 s: data that b never acknowledges ends the
 * connection with ETIMEDOUT after about 2 s, long before retries2 would.
 */
TEST_F_TIMEOUT(ka, user_timeout_aborts, 60)
{
	long long aborts = proto_stat(NULL, "UserTimeoutAborts");
	long long start, took;

	ASSERT_EQ(0, proto_opt_set(self->cli, TCPALT_USER_TIMEOUT, 2000));
	EXPECT_EQ(2000, proto_opt_get(self->cli, TCPALT_USER_TIMEOUT));
	ASSERT_EQ(0, drop_ingress(NULL, "veth-a"));
	start = now_ms();
	ASSERT_EQ(4, send(self->cli, "data", 4, 0));
	expect_timed_out(_metadata, self->cli, 20000);
	took = now_ms() - start;
	/*
	 * 2 s less 200 ms: the retransmission timer is clamped to the
	 * deadline, so it fires on it, give or take jiffies rounding; 6 s
	 * tells it from retries2, which would take minutes.
	 */
	EXPECT_GE(took, 1800);
	EXPECT_LE(took, 6000) TH_LOG("aborted after %lld ms", took);
	if (aborts >= 0)
		EXPECT_EQ(aborts + 1, proto_stat(NULL, "UserTimeoutAborts"));
}

/* TCP's ranges and errnos, and TCP's defaults when nothing is set. */
TEST_F(ka, options_and_sysctls_reject_bad_values)
{
	int fd = self->cli, one = 1;
	socklen_t len = sizeof(one);

	EXPECT_EQ(7200, proto_opt_get(fd, TCPALT_KEEPIDLE));
	EXPECT_EQ(75, proto_opt_get(fd, TCPALT_KEEPINTVL));
	EXPECT_EQ(9, proto_opt_get(fd, TCPALT_KEEPCNT));
	EXPECT_EQ(0, proto_opt_get(fd, TCPALT_USER_TIMEOUT));

	EXPECT_EQ(-EINVAL, proto_opt_set(fd, TCPALT_KEEPIDLE, 0));
	EXPECT_EQ(-EINVAL, proto_opt_set(fd, TCPALT_KEEPIDLE, 32768));
	EXPECT_EQ(-EINVAL, proto_opt_set(fd, TCPALT_KEEPINTVL, 0));
	EXPECT_EQ(-EINVAL, proto_opt_set(fd, TCPALT_KEEPINTVL, 32768));
	EXPECT_EQ(-EINVAL, proto_opt_set(fd, TCPALT_KEEPCNT, 0));
	EXPECT_EQ(-EINVAL, proto_opt_set(fd, TCPALT_KEEPCNT, 128));
	EXPECT_EQ(-EINVAL, proto_opt_set(fd, TCPALT_USER_TIMEOUT, -1));
	EXPECT_EQ(-1, setsockopt(fd, test_proto(), TCPALT_KEEPIDLE, &one, 2));
	EXPECT_EQ(EINVAL, errno);
	/* Nothing changed by the failures. */
	EXPECT_EQ(7200, proto_opt_get(fd, TCPALT_KEEPIDLE));
	EXPECT_EQ(9, proto_opt_get(fd, TCPALT_KEEPCNT));

	EXPECT_EQ(0, proto_opt_set(fd, TCPALT_KEEPIDLE, 32767));
	EXPECT_EQ(32767, proto_opt_get(fd, TCPALT_KEEPIDLE));
	EXPECT_EQ(0, proto_opt_set(fd, TCPALT_KEEPCNT, 127));
	EXPECT_EQ(127, proto_opt_get(fd, TCPALT_KEEPCNT));
	EXPECT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, len));
	one = 0;
	EXPECT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, &len));
	EXPECT_EQ(1, one);

	if (proto_is_tcp())
		return;	/* TCP's keep-alive sysctls are not range-checked */
	EXPECT_EQ(-EINVAL, proto_sysctl_set(NULL, "keepalive_time", "0"));
	EXPECT_EQ(-EINVAL, proto_sysctl_set(NULL, "keepalive_time", "32768"));
	EXPECT_EQ(-EINVAL, proto_sysctl_set(NULL, "keepalive_intvl", "0"));
	EXPECT_EQ(-EINVAL, proto_sysctl_set(NULL, "keepalive_probes", "128"));
	EXPECT_EQ(0, proto_sysctl_set(NULL, "keepalive_probes", "5"));
	EXPECT_EQ(0, proto_sysctl_set(NULL, "keepalive_intvl", "10"));
	fd = conn_socket(NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(5, proto_opt_get(fd, TCPALT_KEEPCNT));
	EXPECT_EQ(10, proto_opt_get(fd, TCPALT_KEEPINTVL));
	close(fd);
}

TEST_HARNESS_MAIN
