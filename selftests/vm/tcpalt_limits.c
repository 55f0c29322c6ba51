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

/* ---- Floods of invalid segments ---- */

/* A flood from a raw socket of its own, at the raw peer's 4-tuple. */
struct flood {
	pthread_t thread;
	struct raw_peer p;
	long long ms;
	unsigned long sent;
};

/*
 * Out-of-window ACKs, SYNs (below RCV.NXT, so no SYN reopens TIME-WAIT)
 * and RSTs, in turn, for f->ms.
 */
static void *flood_fn(void *arg)
{
	struct flood *f = arg;
	struct raw_peer *p = &f->p;
	long long end = now_ms() + f->ms;
	u32 far = p->snd_nxt + 0x40000000u;

	while (now_ms() < end) {
		int i;

		for (i = 0; i < 64; i++, far += 1000) {
			int err;

			switch (f->sent % 3) {
			case 0:
				err = raw_send_opts(p, TCPALT_ACK, far,
						    p->rcv_nxt, NULL, 0, NULL,
						    0);
				break;
			case 1:
				err = raw_send_opts(p, TCPALT_SYN,
						    p->snd_nxt - 100000 - i, 0,
						    NULL, 0, NULL, 0);
				break;
			default:
				err = raw_send_opts(p, TCPALT_RST, far, 0,
						    NULL, 0, NULL, 0);
				break;
			}
			if (!err)
				f->sent++;
		}
	}
	return NULL;
}

static int flood_start(struct flood *f, const struct raw_peer *p, long ms)
{
	memset(f, 0, sizeof(*f));
	if (raw_peer_open(&f->p, p->port, p->peer_port))
		return -1;
	f->p.snd_nxt = p->snd_nxt;
	f->p.rcv_nxt = p->rcv_nxt;
	f->ms = ms;
	return pthread_create(&f->thread, NULL, flood_fn, f) ? -1 : 0;
}

/*
 * Counts the ACKs b sends to the raw peer until the flood ends and
 * 600 ms more (an answer still on its way).  Returns the count.
 */
static long count_acks(struct raw_peer *p, struct flood *f)
{
	long long start = now_ms(), end = start + f->ms + 600;
	struct raw_seg s;
	long n = 0;

	while (now_ms() < end)
		if (raw_recv(p, end - now_ms(), &s) == 1 &&
		    (s.hdr.flags & TCPALT_ACK) && !(s.hdr.flags & TCPALT_RST))
			n++;
	pthread_join(f->thread, NULL);
	raw_peer_close(&f->p);
	return n;
}

/* A raw peer in a connected to a listener in b; *srv the accepted end. */
static int raw_pair(struct raw_peer *p, int *srv)
{
	int lfd;

	if (quiet_ns_a())
		return -1;
	lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8);
	if (lfd < 0 || raw_peer_open(p, RAW_PORT, PORT) ||
	    raw_connect(p, RAW_ISS, NULL))
		return -1;
	*srv = accept_wait(lfd, WAIT_MS);
	close(lfd);
	return *srv < 0 ? -1 : 0;
}

/*
 * RFC 5961 4.2: a SYN in a synchronized state draws a challenge ACK
 * whatever its sequence number, not the ACK an out-of-window segment
 * draws.
 */
TEST_F_TIMEOUT(lim, syn_out_of_window_is_challenged, 60)
{
	long long challenges;
	struct raw_seg s;

	ASSERT_EQ(0, raw_pair(&self->p, &self->srv));
	challenges = proto_stat(PEER_NS, "ChallengeACKs");
	ASSERT_EQ(0, raw_send(&self->p, TCPALT_SYN,
			      self->p.snd_nxt + 0x40000000u, 0, NULL, 0));
	ASSERT_EQ(1, raw_recv(&self->p, WAIT_MS, &s));
	EXPECT_EQ(TCPALT_ACK, s.hdr.flags);
	EXPECT_EQ(self->p.rcv_nxt, s.hdr.seq);
	EXPECT_EQ(self->p.snd_nxt, s.hdr.ack);
	EXPECT_EQ(challenges + 1, proto_stat(PEER_NS, "ChallengeACKs"));
}

/* The connection still carries data both ways. */
static void expect_raw_flow(struct __test_metadata *_metadata,
			    struct raw_peer *p, int srv)
{
	struct raw_seg s;
	char buf[8];
	int got = 0;

	ASSERT_EQ(0, raw_send_data(p, "ping", 4));
	ASSERT_GT(wait_fd(srv, POLLIN, WAIT_MS), 0);
	EXPECT_EQ(4, recv(srv, buf, sizeof(buf), 0));
	ASSERT_EQ(4, send(srv, "pong", 4, 0));
	while (raw_recv(p, WAIT_MS, &s) == 1)
		if (s.data_len == 4 && !memcmp(s.data, "pong", 4)) {
			got = 1;
			break;
		}
	EXPECT_EQ(1, got);
}

/*
 * A flood of out-of-window ACKs, SYNs and RSTs at a connection's
 * 4-tuple.  The ACKs it draws are at most one per invalid_ratelimit
 * (500 ms) for the out-of-window segments, and RFC 5961's ten a second
 * for the SYNs' challenge ACKs; RSTs draw none.  Over the D ms counted
 * that is D / 500 + 1 and 10 * (D / 1000 + 2): each limit's window may
 * straddle both ends of the count.  The tolerance of 2 covers an ACK
 * drawn by the handshake's last segments arriving late.
 */
TEST_F_TIMEOUT(lim, flood_at_connection_is_rate_limited, 120)
{
	long flood_ms = 3000, counted_ms = flood_ms + 600, acks, bound;
	long long limited = proto_stat(PEER_NS, "OutOfWindowAckLimited");
	struct flood f;

	ASSERT_EQ(0, raw_pair(&self->p, &self->srv));
	ASSERT_EQ(0, flood_start(&f, &self->p, flood_ms));
	acks = count_acks(&self->p, &f);
	bound = counted_ms / 500 + 1 + 10 * (counted_ms / 1000 + 2) + 2;
	TH_LOG("%lu segments sent, %ld ACKs drawn, bound %ld", f.sent, acks,
	       bound);
	ASSERT_LT(2 * bound, (long)f.sent) TH_LOG("the flood is too slow");
	EXPECT_GE(bound, acks);
	EXPECT_LT(limited, proto_stat(PEER_NS, "OutOfWindowAckLimited"));
	expect_raw_flow(_metadata, &self->p, self->srv);
}

/*
 * A raw peer's connection to b that b closes first, answered with one
 * FIN,ACK: b holds the 4-tuple in TIME-WAIT.  The peer's sequence
 * numbers are left as after the exchange.  0, or -1.
 */
static int raw_time_wait(struct raw_peer *p, unsigned short port, int lfd)
{
	struct raw_seg s;
	int fd;

	if (raw_peer_open(p, port, PORT) || raw_connect(p, RAW_ISS, NULL))
		return -1;
	fd = accept_wait(lfd, WAIT_MS);
	if (fd < 0)
		return -1;
	close(fd);
	if (raw_recv(p, WAIT_MS, &s) != 1 ||
	    s.hdr.flags != (TCPALT_FIN | TCPALT_ACK))
		return -1;
	p->rcv_nxt = s.hdr.seq + 1;
	if (raw_send(p, TCPALT_FIN | TCPALT_ACK, p->snd_nxt, p->rcv_nxt,
		     NULL, 0))
		return -1;
	p->snd_nxt++;
	if (raw_recv(p, WAIT_MS, &s) != 1 || s.hdr.flags != TCPALT_ACK)
		return -1;
	return 0;
}

/*
 * The same flood at a TIME-WAIT entry: its ACKs come out of the
 * namespace's budget, tw_ack_limit a second, here 100 so that the VM's
 * flood outruns it.  Over D ms counted that is at most
 * 100 * (D / 1000 + 2), the budget's seconds straddling both ends; the
 * flood must send at least twice that for the test to tell.
 */
TEST_F_TIMEOUT(lim, flood_at_time_wait_is_rate_limited, 120)
{
	long flood_ms = 3000, counted_ms = flood_ms + 600, acks, bound;
	long long limited = proto_stat(PEER_NS, "TimeWaitAckLimited");
	char local[32], remote[32];
	struct flood f;
	int lfd;

	ASSERT_EQ(0, proto_sysctl_set(PEER_NS, "tw_ack_limit", "100"));
	ASSERT_EQ(0, quiet_ns_a());
	lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, raw_time_wait(&self->p, RAW_PORT, lfd));
	close(lfd);
	addr_port(local, sizeof(local), ADDR_B, PORT);
	addr_port(remote, sizeof(remote), ADDR_A, RAW_PORT);
	ASSERT_EQ(1, conns_wait(PEER_NS, local, remote, "TIME-WAIT", 1,
				WAIT_MS, NULL));

	ASSERT_EQ(0, flood_start(&f, &self->p, flood_ms));
	acks = count_acks(&self->p, &f);
	bound = 100 * (counted_ms / 1000 + 2);
	TH_LOG("%lu segments sent, %ld ACKs drawn, bound %ld", f.sent, acks,
	       bound);
	ASSERT_LT(2 * bound, (long)f.sent) TH_LOG("the flood is too slow");
	EXPECT_GE(bound, acks);
	EXPECT_LT(limited, proto_stat(PEER_NS, "TimeWaitAckLimited"));
	/* The entry is still there. */
	EXPECT_EQ(1, conns_find(PEER_NS, local, remote, "TIME-WAIT", NULL));
}

/* ---- TIME-WAIT counts its live entries ---- */

#define TW_N	8

/* The FIN of peer p again, as if our ACK of it was lost; 0, or -1. */
static int fin_again(struct raw_peer *p)
{
	struct raw_seg s;

	if (raw_send(p, TCPALT_FIN | TCPALT_ACK, p->snd_nxt - 1, p->rcv_nxt,
		     NULL, 0))
		return -1;
	return raw_recv(p, WAIT_MS, &s) == 1 && s.hdr.flags == TCPALT_ACK ?
	       0 : -1;
}

/*
 * An anchor entry, then TW_N more, in b, with max_tw_buckets TW_N + 2.
 * The TW_N peers repeat their FINs twice, over a second apart, so each
 * round restarts each entry (a copy replaces it, the old one dead); the
 * anchor, older and never restarted, keeps the dead ones from reaching
 * the reaper early.  Then one entry is reopened by a SYN.  CurrTimeWait
 * must count the live entries, as conns shows them, TW_N + 1 and then
 * TW_N, and the limit must still take two more, up to itself.
 */
TEST_F_TIMEOUT(lim, time_wait_counts_live_entries, 120)
{
	long long restarts = proto_stat(PEER_NS, "TimeWaitRestarts");
	long long overflow = proto_stat(PEER_NS, "TimeWaitOverflow");
	struct raw_peer peers[TW_N + 3];
	char max[16], local[32];
	struct raw_seg s;
	int lfd, i, round;

	for (i = 0; i < TW_N + 3; i++)
		peers[i].fd = -1;
	snprintf(max, sizeof(max), "%d", TW_N + 2);
	ASSERT_EQ(0, proto_sysctl_set(PEER_NS, "max_tw_buckets", max));
	ASSERT_EQ(0, quiet_ns_a());
	lfd = conn_listen(PEER_NS, ADDR_B, PORT, 16);
	ASSERT_LE(0, lfd);
	addr_port(local, sizeof(local), ADDR_B, PORT);
	for (i = 0; i <= TW_N; i++)
		ASSERT_EQ(0, raw_time_wait(&peers[i], RAW_PORT + i, lfd));
	ASSERT_EQ(TW_N + 1, conns_wait(PEER_NS, local, NULL, "TIME-WAIT",
				       TW_N + 1, WAIT_MS, NULL));
	EXPECT_EQ(TW_N + 1, proto_stat(PEER_NS, "CurrTimeWait"));

	for (round = 0; round < 2; round++) {
		/* A restart needs an entry a second old. */
		usleep(1100 * 1000);
		for (i = 1; i <= TW_N; i++)
			ASSERT_EQ(0, fin_again(&peers[i]));
	}
	EXPECT_LE(restarts + TW_N, proto_stat(PEER_NS, "TimeWaitRestarts"));
	EXPECT_EQ(TW_N + 1, conns_find(PEER_NS, local, NULL, "TIME-WAIT",
				       NULL));
	EXPECT_EQ(TW_N + 1, proto_stat(PEER_NS, "CurrTimeWait"));

	/* RFC 6191: a SYN above RCV.NXT reopens a 4-tuple. */
	ASSERT_EQ(0, raw_send(&peers[1], TCPALT_SYN, peers[1].snd_nxt + 100000,
			      0, NULL, 0));
	ASSERT_EQ(1, raw_recv(&peers[1], WAIT_MS, &s));
	EXPECT_EQ(TCPALT_SYN | TCPALT_ACK, s.hdr.flags);
	ASSERT_EQ(0, raw_send(&peers[1], TCPALT_RST, peers[1].snd_nxt + 100001,
			      0, NULL, 0));
	EXPECT_EQ(TW_N, conns_find(PEER_NS, local, NULL, "TIME-WAIT", NULL));
	EXPECT_EQ(TW_N, proto_stat(PEER_NS, "CurrTimeWait"));

	/* Two more fill max_tw_buckets: the dead do not count. */
	for (i = TW_N + 1; i < TW_N + 3; i++)
		ASSERT_EQ(0, raw_time_wait(&peers[i], RAW_PORT + i, lfd));
	EXPECT_EQ(TW_N + 2, conns_wait(PEER_NS, local, NULL, "TIME-WAIT",
				       TW_N + 2, WAIT_MS, NULL));
	EXPECT_EQ(TW_N + 2, proto_stat(PEER_NS, "CurrTimeWait"));
	EXPECT_EQ(overflow, proto_stat(PEER_NS, "TimeWaitOverflow"));
	close(lfd);
	for (i = 0; i < TW_N + 3; i++)
		if (peers[i].fd >= 0)
			raw_peer_close(&peers[i]);
}

TEST_HARNESS_MAIN
