// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies: handshakes through a cookie with and without timestamps
 * (window scaling kept either way), a listener that keeps serving
 * through a flood of spoofed SYNs with bounded memory, the backlog that
 * fills without cookies, and a forged final ACK that makes nothing.
 * TCPALT_TEST_PROTO=6 runs what TCP shares against TCP.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"
#include "lib.h"

#define PORT		5700
#define RAW_PORT	42000
#define RAW_ISS		0x20000000u
#define WAIT_MS		3000
#define BACKLOG		64

FIXTURE(sc) {
	struct raw_peer p;
};

FIXTURE_SETUP(sc)
{
	self->p.fd = -1;
	ASSERT_EQ(0, topo_setup());
}

FIXTURE_TEARDOWN(sc)
{
	if (self->p.fd >= 0)
		raw_peer_close(&self->p);
	topo_teardown();
}

static int cookies(const char *mode)
{
	if (proto_is_tcp())
		return write_in(PEER_NS, "/proc/sys/net/ipv4/tcp_syncookies",
				mode);
	return proto_sysctl_set(PEER_NS, "syncookies", mode);
}

static int info(int fd, struct tcpalt_info *ti)
{
	socklen_t len = sizeof(*ti);

	return getsockopt(fd, test_proto(), TCPALT_INFO, ti, &len);
}

/* 256 KiB from a to b and back, checked byte by byte; 0, or -1. */
static int exchange(int a, int b)
{
	static char out[256 * 1024], in[sizeof(out)];
	size_t i, got;
	ssize_t n;

	for (i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + 3);
	for (int dir = 0; dir < 2; dir++) {
		int from = dir ? b : a, to = dir ? a : b;

		if (send(from, out, sizeof(out), 0) != sizeof(out))
			return -1;
		for (got = 0; got < sizeof(in); got += n) {
			if (wait_fd(to, POLLIN, WAIT_MS) <= 0)
				return -1;
			n = recv(to, in + got, sizeof(in) - got, 0);
			if (n <= 0)
				return -1;
		}
		if (memcmp(in, out, sizeof(in)))
			return -1;
	}
	return 0;
}

/*
 * syncookies 2, a normal client: the handshake goes through a cookie
 * (timestamps on, so the options ride in the TSval) and 256 KiB flow
 * each way with window scaling, SACK and timestamps as negotiated.
 */
TEST_F_TIMEOUT(sc, always_with_timestamps, 60)
{
	long long sent = proto_stat(PEER_NS, "SyncookiesSent");
	long long recv_ok = proto_stat(PEER_NS, "SyncookiesRecv");
	struct tcpalt_info ti;
	int lfd, cli, srv;

	ASSERT_EQ(0, cookies("2"));
	lfd = conn_listen(PEER_NS, ADDR_B, PORT, BACKLOG);
	ASSERT_LE(0, lfd);
	cli = conn_socket(NULL);
	ASSERT_LE(0, cli);
	ASSERT_EQ(0, sock_connect(cli, ADDR_B, PORT));
	srv = accept_wait(lfd, WAIT_MS);
	ASSERT_LE(0, srv);
	EXPECT_EQ(sent + 1, proto_stat(PEER_NS, "SyncookiesSent"));
	EXPECT_EQ(recv_ok + 1, proto_stat(PEER_NS, "SyncookiesRecv"));
	/* struct tcp_info is laid out differently: tcpalt's own only. */
	if (!proto_is_tcp()) {
		ASSERT_EQ(0, info(srv, &ti));
		EXPECT_EQ(TCPALT_INFO_OPT_TIMESTAMPS | TCPALT_INFO_OPT_SACK |
			  TCPALT_INFO_OPT_WSCALE, ti.tcpi_options);
		EXPECT_NE(0, (int)ti.tcpi_snd_wscale);
	}
	EXPECT_EQ(0, exchange(cli, srv));
	close(cli);
	close(srv);
	close(lfd);
}

/* MSS 1460, NOP, window scale 7, NOP, NOP, SACK-permitted: no TSopt. */
static const u8 syn_opts_no_ts[] = {
	2, 4, 0x05, 0xb4, 1, 3, 3, 7, 1, 1, 4, 2,
};

/*
 * syncookies 2, a peer without timestamps: the listener keeps nothing
 * between SYN,ACK and ACK, yet the window scale and SACK-permitted come
 * back out of the cookie itself, and data flows.
 */
TEST_F_TIMEOUT(sc, always_without_timestamps, 60)
{
	struct raw_peer *p = &self->p;
	char local[32], remote[32], buf[16];
	struct tcpalt_info ti;
	struct raw_seg s;
	int lfd, srv;

	if (proto_is_tcp())
		SKIP(return, "Linux keeps no window scale in a cookie without timestamps");
	ASSERT_EQ(0, cookies("2"));
	ASSERT_EQ(0, quiet_ns_a());
	lfd = conn_listen(PEER_NS, ADDR_B, PORT, BACKLOG);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, raw_peer_open(p, RAW_PORT, PORT));
	ASSERT_EQ(0, raw_send_opts(p, TCPALT_SYN, RAW_ISS, 0, syn_opts_no_ts,
				   sizeof(syn_opts_no_ts), NULL, 0));
	ASSERT_EQ(1, raw_recv(p, WAIT_MS, &s));
	ASSERT_EQ(TCPALT_SYN | TCPALT_ACK, s.hdr.flags);
	EXPECT_TRUE(s.opts.has_wscale);
	EXPECT_FALSE(s.opts.has_ts);
	addr_port(local, sizeof(local), ADDR_B, PORT);
	addr_port(remote, sizeof(remote), ADDR_A, RAW_PORT);
	EXPECT_EQ(0, conns_find(PEER_NS, local, remote, NULL, NULL));

	p->snd_nxt = RAW_ISS + 1;
	p->rcv_nxt = s.hdr.seq + 1;
	p->ws = true;
	p->ts = false;
	ASSERT_EQ(0, raw_send(p, TCPALT_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0));
	srv = accept_wait(lfd, WAIT_MS);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, info(srv, &ti));
	EXPECT_EQ(TCPALT_INFO_OPT_SACK | TCPALT_INFO_OPT_WSCALE,
		  ti.tcpi_options);
	EXPECT_EQ(7, (int)ti.tcpi_snd_wscale);
	EXPECT_EQ(1460, ti.tcpi_snd_mss);
	ASSERT_EQ(0, raw_send_data(p, "cookie", 6));
	ASSERT_GT(wait_fd(srv, POLLIN, WAIT_MS), 0);
	EXPECT_EQ(6, recv(srv, buf, sizeof(buf), 0));
	close(srv);
	close(lfd);
}

/*
 * An ACK that answers no SYN,ACK, with a made-up cookie: no connection,
 * a RST, and the failure counted.
 */
TEST_F_TIMEOUT(sc, forged_final_ack_makes_nothing, 60)
{
	long long failed = proto_stat(PEER_NS, "SyncookiesFailed");
	struct raw_peer *p = &self->p;
	char local[32], remote[32];
	struct raw_seg s;
	int lfd, i;

	ASSERT_EQ(0, cookies("2"));
	ASSERT_EQ(0, quiet_ns_a());
	lfd = conn_listen(PEER_NS, ADDR_B, PORT, BACKLOG);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, raw_peer_open(p, RAW_PORT, PORT));
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, raw_send(p, TCPALT_ACK, RAW_ISS + 1,
				      0x5eed0000u + i * 0x01010101u, NULL, 0));
		ASSERT_EQ(1, raw_recv(p, WAIT_MS, &s));
		EXPECT_EQ(TCPALT_RST, s.hdr.flags & TCPALT_RST);
	}
	EXPECT_EQ(-1, accept_wait(lfd, 500));
	addr_port(local, sizeof(local), ADDR_B, PORT);
	addr_port(remote, sizeof(remote), ADDR_A, RAW_PORT);
	EXPECT_EQ(0, conns_find(PEER_NS, local, remote, NULL, NULL));
	/* TCP checks an ACK as a cookie only after a recent overflow. */
	if (!proto_is_tcp())
		EXPECT_EQ(failed + 8, proto_stat(PEER_NS, "SyncookiesFailed"));
	close(lfd);
}

/* Connects, is accepted and exchanges a few bytes; 0, or -1. */
static int legit_connection(int lfd)
{
	int cli = conn_socket(NULL), srv = -1, err = -1;
	char buf[8];

	if (cli < 0)
		return -1;
	if (sock_connect(cli, ADDR_B, PORT))
		goto out;
	srv = accept_wait(lfd, WAIT_MS);
	if (srv < 0 || send(cli, "legit", 5, 0) != 5 ||
	    wait_fd(srv, POLLIN, WAIT_MS) <= 0 ||
	    recv(srv, buf, sizeof(buf), 0) != 5)
		goto out;
	err = 0;
out:
	if (srv >= 0)
		close(srv);
	close(cli);
	return err;
}

/* Requests of b's listener now, from conns. */
static int requests(void)
{
	char local[32];

	addr_port(local, sizeof(local), ADDR_B, PORT);
	return conns_find(PEER_NS, local, NULL, "SYN-RECEIVED", NULL);
}

/*
 * b's listener, its SYN backlog BACKLOG, syncookies as mode says, under
 * a flood from now on.  The listener, or -1.
 */
static int flooded_listener(const char *mode, struct syn_flood *f)
{
	int lfd;

	if (cookies(mode) ||
	    proto_sysctl_set(PEER_NS, "max_syn_backlog", "64"))
		return -1;
	lfd = conn_listen(PEER_NS, ADDR_B, PORT, BACKLOG);
	if (lfd < 0 || syn_flood_start(f, PORT)) {
		if (lfd >= 0)
			close(lfd);
		return -1;
	}
	return lfd;
}

/*
 * syncookies 1 and a flood of spoofed SYNs: the backlog fills, cookies
 * go out, and 20 legitimate connections all get through while it runs.
 * The listener holds no more than its backlog of requests.
 */
TEST_F_TIMEOUT(sc, flood_with_cookies_keeps_serving, 300)
{
	long long sent = proto_stat(PEER_NS, "SyncookiesSent");
	struct syn_flood f;
	int lfd, i, ok = 0, most = 0, n;
	double rate;

	lfd = flooded_listener("1", &f);
	ASSERT_LE(0, lfd);
	usleep(500000);
	for (i = 0; i < 20; i++) {
		ok += !legit_connection(lfd);
		n = requests();
		most = n > most ? n : most;
	}
	rate = syn_flood_stop(&f);
	TH_LOG("flood %.0f SYN/s; %d of 20 connected; at most %d requests",
	       rate, ok, most);
	EXPECT_EQ(20, ok);
	EXPECT_LE(most, BACKLOG + 1);
	EXPECT_GT(most, BACKLOG / 2);
	if (sent >= 0)
		EXPECT_LT(sent, proto_stat(PEER_NS, "SyncookiesSent"));
	/* The flood was logged, naming the port. */
	if (!proto_is_tcp())
		EXPECT_EQ(0, run("dmesg | grep -q 'tcpalt: possible SYN flood on port %d, sending cookies'",
				 PORT));
	close(lfd);
}

/*
 * syncookies 0 under the same flood: the backlog fills to its bound and
 * further SYNs are dropped and counted.
 */
TEST_F_TIMEOUT(sc, flood_without_cookies_fills_backlog, 300)
{
	long long drops = proto_stat(PEER_NS, "ListenDrops");
	long long sent = proto_stat(PEER_NS, "SyncookiesSent");
	struct syn_flood f;
	int lfd, n;

	lfd = flooded_listener("0", &f);
	ASSERT_LE(0, lfd);
	sleep(2);
	n = requests();
	syn_flood_stop(&f);
	EXPECT_GE(n, BACKLOG / 2);
	EXPECT_LE(n, BACKLOG + 1);
	if (drops >= 0)
		EXPECT_LT(drops, proto_stat(PEER_NS, "ListenDrops"));
	if (sent >= 0)
		EXPECT_EQ(sent, proto_stat(PEER_NS, "SyncookiesSent"));
	close(lfd);
}

TEST_HARNESS_MAIN
