// SPDX-License-Identifier: GPL-2.0
/*
 * The socket API around a connection, as TCP has it: names, accept and
 * accept4, the options at the protocol's level (TCPALT_NODELAY,
 * TCPALT_MAXSEG, TCPALT_INFO) and the socket buffers, and the errnos of
 * calls on a reset, a connected and an unconnected socket.  a (10.0.0.1)
 * connects to a listener in b (10.0.0.2).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"

#define PORT	5000

static int int_opt(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int val;

	return getsockopt(fd, level, name, &val, &len) ? -errno : val;
}

static int set_int(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val)) ? -errno : 0;
}

/*
 * The fields of TCPALT_INFO the tests look at; under TCP they come from
 * struct tcp_info, which has the same ones.
 */
struct info {
	int state;
	u32 rto, snd_mss;
	u64 bytes_acked, bytes_received;
};

static int info_get(int fd, struct info *i)
{
	struct tcpalt_info ta;
	struct tcp_info t;
	socklen_t len;

	if (proto_is_tcp()) {
		len = sizeof(t);
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &t, &len))
			return -errno;
		*i = (struct info){ t.tcpi_state, t.tcpi_rto, t.tcpi_snd_mss,
				    t.tcpi_bytes_acked,
				    t.tcpi_bytes_received };
		return 0;
	}
	len = sizeof(ta);
	if (getsockopt(fd, test_proto(), TCPALT_INFO, &ta, &len))
		return -errno;
	*i = (struct info){ ta.tcpi_state, ta.tcpi_rto, ta.tcpi_snd_mss,
			    ta.tcpi_bytes_acked, ta.tcpi_bytes_received };
	return 0;
}

/* Waits until fd's peer has acknowledged `bytes`; true if it did. */
static bool wait_acked(int fd, u64 bytes, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	struct info i;

	do {
		if (!info_get(fd, &i) && i.bytes_acked == bytes)
			return true;
		usleep(10 * 1000);
	} while (now_ms() < end);
	return false;
}

/* Receives exactly len bytes within timeout_ms; the count received. */
static size_t recv_all(int fd, char *buf, size_t len, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	size_t got = 0;
	ssize_t n;

	while (got < len && now_ms() < end) {
		if (!(wait_fd(fd, POLLIN, 100) & POLLIN))
			continue;
		n = recv(fd, buf + got, len - got, MSG_DONTWAIT);
		if (n <= 0)
			break;
		got += n;
	}
	return got;
}

FIXTURE(api) {
	int cli, srv, lfd;
};

FIXTURE_SETUP(api)
{
	self->cli = self->srv = self->lfd = -1;
	ASSERT_EQ(0, topo_setup());
}

FIXTURE_TEARDOWN(api)
{
	if (self->cli >= 0)
		close(self->cli);
	if (self->srv >= 0)
		close(self->srv);
	if (self->lfd >= 0)
		close(self->lfd);
	topo_teardown();
}

static void expect_addr(struct __test_metadata *_metadata,
			const struct sockaddr_in *sin, const char *addr,
			int port)
{
	struct in_addr want;

	inet_pton(AF_INET, addr, &want);
	EXPECT_EQ(AF_INET, sin->sin_family);
	EXPECT_EQ(want.s_addr, sin->sin_addr.s_addr);
	EXPECT_EQ(port, ntohs(sin->sin_port));
}

/* getsockname and getpeername on both ends name the same four-tuple. */
TEST_F(api, names_both_ends)
{
	struct sockaddr_in sin;
	socklen_t len;
	int port;

	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	port = local_port(self->cli);
	ASSERT_LT(0, port);
	EXPECT_NE(PORT, port);

	len = sizeof(sin);
	ASSERT_EQ(0, getsockname(self->cli, (struct sockaddr *)&sin, &len));
	EXPECT_EQ(sizeof(sin), len);
	expect_addr(_metadata, &sin, ADDR_A, port);
	len = sizeof(sin);
	ASSERT_EQ(0, getpeername(self->cli, (struct sockaddr *)&sin, &len));
	EXPECT_EQ(sizeof(sin), len);
	expect_addr(_metadata, &sin, ADDR_B, PORT);
	len = sizeof(sin);
	ASSERT_EQ(0, getsockname(self->srv, (struct sockaddr *)&sin, &len));
	expect_addr(_metadata, &sin, ADDR_B, PORT);
	len = sizeof(sin);
	ASSERT_EQ(0, getpeername(self->srv, (struct sockaddr *)&sin, &len));
	expect_addr(_metadata, &sin, ADDR_A, port);
}

/*
 * accept4 hands the new socket O_NONBLOCK and FD_CLOEXEC; plain accept
 * neither, and fills in the peer's address.
 */
TEST_F(api, accept4_flags)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int c2;

	self->lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8);
	ASSERT_LE(0, self->lfd);
	self->cli = conn_socket(NULL);
	ASSERT_EQ(0, sock_connect(self->cli, ADDR_B, PORT));
	self->srv = accept4(self->lfd, NULL, NULL,
			    SOCK_NONBLOCK | SOCK_CLOEXEC);
	ASSERT_LE(0, self->srv);
	EXPECT_NE(0, fcntl(self->srv, F_GETFL) & O_NONBLOCK);
	EXPECT_NE(0, fcntl(self->srv, F_GETFD) & FD_CLOEXEC);

	c2 = conn_socket(NULL);
	ASSERT_EQ(0, sock_connect(c2, ADDR_B, PORT));
	close(self->srv);
	self->srv = accept(self->lfd, (struct sockaddr *)&sin, &len);
	ASSERT_LE(0, self->srv);
	EXPECT_EQ(0, fcntl(self->srv, F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(0, fcntl(self->srv, F_GETFD) & FD_CLOEXEC);
	expect_addr(_metadata, &sin, ADDR_A, local_port(c2));
	close(c2);
}

/* A blocking accept sleeps until a connect arrives. */
TEST_F(api, accept_blocking_woken_by_connect)
{
	int hold[2], c, st;
	long long t0;
	pid_t pid;
	char x;

	self->lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, pipe(hold));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Connect late, keep the socket until the parent is done. */
		close(hold[1]);
		usleep(300 * 1000);
		c = conn_socket(NULL);
		if (c < 0 || sock_connect(c, ADDR_B, PORT))
			_exit(1);
		if (read(hold[0], &x, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(hold[0]);
	t0 = now_ms();
	self->srv = accept(self->lfd, NULL, NULL);
	EXPECT_LE(0, self->srv);
	/* The child waits 300 ms first; 50 ms of slack for the clocks. */
	EXPECT_LE(250, now_ms() - t0);
	close(hold[1]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
}

TEST_F(api, accept_nonblocking_eagain)
{
	self->lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8);
	ASSERT_LE(0, self->lfd);
	set_nonblock(self->lfd);
	EXPECT_EQ(-1, accept(self->lfd, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, accept4(self->lfd, NULL, NULL, SOCK_CLOEXEC));
	EXPECT_EQ(EAGAIN, errno);
	/* poll agrees: nothing to accept. */
	EXPECT_EQ(0, wait_fd(self->lfd, POLLIN, 0));
}

/* TCPALT_NODELAY reads back as set, before and after connect. */
TEST_F(api, nodelay_set_get)
{
	int p = test_proto();

	self->cli = conn_socket(NULL);
	ASSERT_LE(0, self->cli);
	EXPECT_EQ(0, int_opt(self->cli, p, TCPALT_NODELAY));
	EXPECT_EQ(0, set_int(self->cli, p, TCPALT_NODELAY, 1));
	EXPECT_EQ(1, int_opt(self->cli, p, TCPALT_NODELAY));
	close(self->cli);

	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	EXPECT_EQ(0, int_opt(self->cli, p, TCPALT_NODELAY));
	EXPECT_EQ(0, set_int(self->cli, p, TCPALT_NODELAY, 1));
	EXPECT_EQ(1, int_opt(self->cli, p, TCPALT_NODELAY));
	EXPECT_EQ(0, set_int(self->cli, p, TCPALT_NODELAY, 0));
	EXPECT_EQ(0, int_opt(self->cli, p, TCPALT_NODELAY));
	/* Data still flows with Nagle off. */
	EXPECT_EQ(0, set_int(self->cli, p, TCPALT_NODELAY, 1));
	ASSERT_EQ(1, send(self->cli, "z", 1, MSG_NOSIGNAL));
	EXPECT_NE(0, wait_fd(self->srv, POLLIN, 5000) & POLLIN);
}

/* On a 1500-byte veth the MSS is at most 1460, on both ends. */
TEST_F(api, maxseg_get)
{
	struct info i;
	int mss;

	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	mss = int_opt(self->cli, test_proto(), TCPALT_MAXSEG);
	EXPECT_LT(0, mss);
	EXPECT_GE(1460, mss);
	mss = int_opt(self->srv, test_proto(), TCPALT_MAXSEG);
	EXPECT_LT(0, mss);
	EXPECT_GE(1460, mss);
	ASSERT_EQ(0, info_get(self->cli, &i));
	EXPECT_LT(0u, i.snd_mss);
	EXPECT_GE(1460u, i.snd_mss);
}

/*
 * The MSS comes from the route's MTU: on a 1280-byte link each side
 * offers 1240, and with timestamps on every segment a full one carries
 * 1228 bytes of data, on both ends.
 */
TEST_F(api, mss_from_route_mtu)
{
	ASSERT_EQ(0, run("ip link set veth-a mtu 1280"));
	ASSERT_EQ(0, run("ip -n " PEER_NS " link set veth-b mtu 1280"));
	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	EXPECT_EQ(1228, int_opt(self->cli, test_proto(), TCPALT_MAXSEG));
	EXPECT_EQ(1228, int_opt(self->srv, test_proto(), TCPALT_MAXSEG));
}

/*
 * TCPALT_MAXSEG 536 before connect clamps the connection: our sending
 * MSS, and the MSS we advertise, so the peer's too.
 */
TEST_F(api, maxseg_set_before_connect)
{
	int p = test_proto();
	struct info i;
	int mss;

	self->lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8);
	ASSERT_LE(0, self->lfd);
	self->cli = conn_socket(NULL);
	ASSERT_LE(0, self->cli);
	ASSERT_EQ(0, set_int(self->cli, p, TCPALT_MAXSEG, 536));
	ASSERT_EQ(0, sock_connect(self->cli, ADDR_B, PORT));
	self->srv = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, self->srv);

	ASSERT_EQ(0, info_get(self->cli, &i));
	EXPECT_LT(0u, i.snd_mss);
	EXPECT_GE(536u, i.snd_mss);
	mss = int_opt(self->cli, p, TCPALT_MAXSEG);
	EXPECT_LT(0, mss);
	EXPECT_GE(536, mss);
	ASSERT_EQ(0, info_get(self->srv, &i));
	EXPECT_LT(0u, i.snd_mss);
	EXPECT_GE(536u, i.snd_mss);
}

/*
 * SO_RCVBUF and SO_SNDBUF read back doubled, as Linux accounts them,
 * before connect and on the accepted socket after.
 */
TEST_F(api, buffer_sizes_doubled)
{
	self->lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8);
	ASSERT_LE(0, self->lfd);
	self->cli = conn_socket(NULL);
	ASSERT_LE(0, self->cli);
	EXPECT_EQ(0, set_int(self->cli, SOL_SOCKET, SO_RCVBUF, 65536));
	EXPECT_EQ(131072, int_opt(self->cli, SOL_SOCKET, SO_RCVBUF));
	EXPECT_EQ(0, set_int(self->cli, SOL_SOCKET, SO_SNDBUF, 65536));
	EXPECT_EQ(131072, int_opt(self->cli, SOL_SOCKET, SO_SNDBUF));
	ASSERT_EQ(0, sock_connect(self->cli, ADDR_B, PORT));
	EXPECT_EQ(131072, int_opt(self->cli, SOL_SOCKET, SO_RCVBUF));
	EXPECT_EQ(131072, int_opt(self->cli, SOL_SOCKET, SO_SNDBUF));

	self->srv = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, self->srv);
	EXPECT_EQ(0, set_int(self->srv, SOL_SOCKET, SO_RCVBUF, 32768));
	EXPECT_EQ(65536, int_opt(self->srv, SOL_SOCKET, SO_RCVBUF));
	EXPECT_EQ(0, set_int(self->srv, SOL_SOCKET, SO_SNDBUF, 32768));
	EXPECT_EQ(65536, int_opt(self->srv, SOL_SOCKET, SO_SNDBUF));
}

/*
 * TCPALT_INFO (TCP_INFO under TCP) on an established socket, and its
 * byte counts after 100000 bytes one way and 30000 the other.  Linux
 * counts the acknowledged SYN in the active opener's bytes_acked (the
 * sum of SND.UNA's advances, as RFC 4898 defines it) and not in the
 * passive one's, so the counts are checked as advances from where the
 * handshake left them.
 */
TEST_F(api, info_established)
{
	static char buf[100000];
	struct info ci, si, i;

	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	ASSERT_EQ(0, info_get(self->cli, &ci));
	EXPECT_EQ(1, ci.state);	/* TCP_ESTABLISHED */
	EXPECT_LT(0u, ci.rto);
	EXPECT_LT(0u, ci.snd_mss);
	EXPECT_GE(1u, ci.bytes_acked);
	EXPECT_EQ(0u, ci.bytes_received);
	ASSERT_EQ(0, info_get(self->srv, &si));
	EXPECT_EQ(1, si.state);
	EXPECT_LT(0u, si.rto);
	EXPECT_LT(0u, si.snd_mss);
	EXPECT_GE(1u, si.bytes_acked);
	EXPECT_EQ(0u, si.bytes_received);

	memset(buf, 'q', sizeof(buf));
	ASSERT_EQ(100000, send(self->cli, buf, 100000, MSG_NOSIGNAL));
	ASSERT_EQ(100000u, recv_all(self->srv, buf, 100000, 10000));
	ASSERT_EQ(30000, send(self->srv, buf, 30000, MSG_NOSIGNAL));
	ASSERT_EQ(30000u, recv_all(self->cli, buf, 30000, 10000));

	EXPECT_TRUE(wait_acked(self->cli, ci.bytes_acked + 100000, 3000));
	EXPECT_TRUE(wait_acked(self->srv, si.bytes_acked + 30000, 3000));
	ASSERT_EQ(0, info_get(self->cli, &i));
	EXPECT_EQ(ci.bytes_acked + 100000, i.bytes_acked);
	EXPECT_EQ(30000u, i.bytes_received);
	ASSERT_EQ(0, info_get(self->srv, &i));
	EXPECT_EQ(si.bytes_acked + 30000, i.bytes_acked);
	EXPECT_EQ(100000u, i.bytes_received);
}

/* A short buffer gets the start of the info, and its length says so. */
TEST_F(api, info_short_buffer)
{
	int level = test_proto(), name = TCPALT_INFO;
	u8 buf[4] = { 0 };
	socklen_t len = sizeof(buf);

	if (proto_is_tcp())
		name = TCP_INFO;
	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	ASSERT_EQ(0, getsockopt(self->cli, level, name, buf, &len));
	EXPECT_EQ(4u, len);
	EXPECT_EQ(1, buf[0]);	/* tcpi_state comes first in both */
}

/*
 * TCP's level on a tcpalt socket: every option tcpalt has is set and read
 * there with TCP's numbers, as at the socket's own level and the same
 * value seen from either; bad values get the same errnos; an option
 * only TCP has gets ENOPROTOOPT; TCP_INFO gives struct tcp_info.  Under
 * TCP both levels are TCP's, and the same checks hold.
 */
TEST_F(api, tcp_level_options)
{
	static const struct { int name, val; } opts[] = {
		{ TCP_NODELAY, 1 }, { TCP_MAXSEG, 1200 },
		{ TCP_KEEPIDLE, 77 }, { TCP_KEEPINTVL, 9 },
		{ TCP_KEEPCNT, 4 }, { TCP_SYNCNT, 3 }, { TCP_LINGER2, 30 },
		{ TCP_USER_TIMEOUT, 5000 },
	};
	int p = test_proto(), i;
	struct tcp_info ti;
	socklen_t len;

	self->cli = conn_socket(NULL);
	ASSERT_LE(0, self->cli);
	for (i = 0; i < (int)(sizeof(opts) / sizeof(opts[0])); i++) {
		EXPECT_EQ(0, set_int(self->cli, IPPROTO_TCP, opts[i].name,
				     opts[i].val));
		EXPECT_EQ(opts[i].val, int_opt(self->cli, p, opts[i].name));
		EXPECT_EQ(opts[i].val, int_opt(self->cli, IPPROTO_TCP,
					       opts[i].name));
	}
	EXPECT_EQ(0, set_int(self->cli, p, TCP_KEEPCNT, 7));
	EXPECT_EQ(7, int_opt(self->cli, IPPROTO_TCP, TCP_KEEPCNT));
	EXPECT_EQ(-EINVAL, set_int(self->cli, IPPROTO_TCP, TCP_MAXSEG, 10));
	EXPECT_EQ(-EINVAL, set_int(self->cli, IPPROTO_TCP, TCP_KEEPCNT, 0));
	EXPECT_EQ(7, int_opt(self->cli, IPPROTO_TCP, TCP_KEEPCNT));
	EXPECT_EQ(-ENOPROTOOPT, set_int(self->cli, IPPROTO_TCP, 999, 1));
	if (!proto_is_tcp()) {
		EXPECT_EQ(-ENOPROTOOPT, set_int(self->cli, IPPROTO_TCP,
						TCP_CONGESTION, 1));
		EXPECT_EQ(-ENOPROTOOPT, int_opt(self->cli, IPPROTO_TCP,
						TCP_CONGESTION));
	}
	close(self->cli);

	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	len = sizeof(ti);
	memset(&ti, 0xff, sizeof(ti));
	ASSERT_EQ(0, getsockopt(self->cli, IPPROTO_TCP, TCP_INFO, &ti, &len));
	EXPECT_EQ(sizeof(ti), len);
	EXPECT_EQ(1, ti.tcpi_state);	/* TCP_ESTABLISHED */
	EXPECT_EQ((u32)int_opt(self->cli, p, TCP_MAXSEG), ti.tcpi_snd_mss);
	EXPECT_LT(0u, ti.tcpi_rto);
	EXPECT_LT(0u, ti.tcpi_rcv_mss);
	EXPECT_LT(0u, ti.tcpi_snd_cwnd);
	EXPECT_EQ(TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE,
		  ti.tcpi_options & (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK |
				     TCPI_OPT_WSCALE));
	EXPECT_EQ(0u, ti.tcpi_unacked);
	EXPECT_EQ(0u, ti.tcpi_bytes_received);
	EXPECT_EQ(1500u, ti.tcpi_pmtu);		/* the veth's MTU */
	EXPECT_EQ(3u, ti.tcpi_reordering);
	EXPECT_EQ(0, ti.tcpi_ca_state);		/* TCP_CA_Open */
	/* A short buffer: the first bytes only, as TCP gives. */
	len = 1;
	ASSERT_EQ(0, getsockopt(self->cli, IPPROTO_TCP, TCP_INFO, &ti, &len));
	EXPECT_EQ(1u, len);
}

static int tcp_info_get(int fd, struct tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0xff, sizeof(*ti));
	return getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len) ? -errno : 0;
}

/*
 * TCP_INFO's segment counts and the fields a clean path leaves at rest,
 * after 100000 bytes from the client.  Counted as TCP counts them: the
 * client sent its SYN and ACK and took the SYN,ACK; the accepted socket
 * took the SYN and the final ACK, and the SYN,ACK was not its own.  A
 * GSO or GRO segment counts as the segments it stands for, so the data
 * segments are at least the bytes over the MSS, and the receiver took
 * no more of them than the sender sent.
 */
TEST_F(api, tcp_info_counts)
{
	static char buf[100000];
	struct tcp_info c, sv;
	u32 min_data;
	u64 acked;

	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	ASSERT_EQ(0, tcp_info_get(self->cli, &c));
	acked = c.tcpi_bytes_acked;
	EXPECT_EQ(2u, c.tcpi_segs_out);
	EXPECT_EQ(1u, c.tcpi_segs_in);
	EXPECT_EQ(0u, c.tcpi_data_segs_out);
	EXPECT_EQ(0u, c.tcpi_data_segs_in);
	ASSERT_EQ(0, tcp_info_get(self->srv, &sv));
	EXPECT_EQ(2u, sv.tcpi_segs_in);
	EXPECT_EQ(0u, sv.tcpi_segs_out);

	memset(buf, 'c', sizeof(buf));
	ASSERT_EQ(100000, send(self->cli, buf, sizeof(buf), MSG_NOSIGNAL));
	ASSERT_EQ(100000u, recv_all(self->srv, buf, sizeof(buf), 10000));
	EXPECT_TRUE(wait_acked(self->cli, acked + 100000, 3000));
	ASSERT_EQ(0, tcp_info_get(self->cli, &c));
	ASSERT_EQ(0, tcp_info_get(self->srv, &sv));
	min_data = (100000 + c.tcpi_snd_mss - 1) / c.tcpi_snd_mss;
	EXPECT_LE(min_data, c.tcpi_data_segs_out);
	EXPECT_LE(c.tcpi_data_segs_out + 2, c.tcpi_segs_out);
	EXPECT_LE(min_data, sv.tcpi_data_segs_in);
	EXPECT_GE(c.tcpi_data_segs_out, sv.tcpi_data_segs_in);
	EXPECT_LE(sv.tcpi_data_segs_in + 2, sv.tcpi_segs_in);
	EXPECT_EQ(0u, sv.tcpi_data_segs_out);
	EXPECT_LE(1u, sv.tcpi_segs_out);	/* its ACKs */
	EXPECT_EQ(0u, c.tcpi_data_segs_in);
	EXPECT_LE(2u, c.tcpi_segs_in);

	/* At rest on a clean path. */
	EXPECT_EQ(0, c.tcpi_backoff);
	EXPECT_EQ(0u, c.tcpi_lost);
	EXPECT_EQ(0u, c.tcpi_retrans);
	EXPECT_EQ(0u, c.tcpi_unacked);
	EXPECT_EQ(0u, c.tcpi_notsent_bytes);
	EXPECT_LT(0u, sv.tcpi_ato);	/* it had data to ACK */
	EXPECT_LT(0u, sv.tcpi_rcv_ssthresh);
	EXPECT_LT(0u, c.tcpi_rcv_ssthresh);
}

/* Polls fd's TCP_INFO until its retransmits reach n; true if they did. */
static bool wait_retransmits(int fd, int n, struct tcp_info *ti,
			     int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	do {
		if (!tcp_info_get(fd, ti) && ti->tcpi_retransmits >= n)
			return true;
		usleep(20 * 1000);
	} while (now_ms() < end);
	return false;
}

/*
 * TCP_INFO while the path drops everything the client sends: after two
 * retransmission timeouts the RTO has backed off twice or more (the
 * count goes on while the test polls), the head is resent and still
 * unacknowledged, so both lost and retrans count it, and no more is
 * counted than is outstanding.  Once the path heals and a fresh RTT
 * sample computes the RTO anew, all of it is back to 0.  Two timeouts
 * take 0.6 s at the 200 ms minimum RTO; the 20 s bound is only for a
 * VM held off the CPU.
 */
TEST_F(api, tcp_info_under_loss)
{
	static char buf[10000];
	struct tcp_info ti;
	u64 acked;

	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	ASSERT_EQ(0, tcp_info_get(self->cli, &ti));
	acked = ti.tcpi_bytes_acked;
	ASSERT_EQ(0, netem_set(NULL, "veth-a", "loss 100%"));
	memset(buf, 'l', sizeof(buf));
	ASSERT_EQ(10000, send(self->cli, buf, sizeof(buf), MSG_NOSIGNAL));
	ASSERT_TRUE(wait_retransmits(self->cli, 2, &ti, 20000));
	EXPECT_LE(2, ti.tcpi_backoff);
	EXPECT_LE(1u, ti.tcpi_retrans);
	EXPECT_LE(ti.tcpi_retrans, ti.tcpi_lost);
	EXPECT_GE(ti.tcpi_unacked, ti.tcpi_lost);
	EXPECT_LE(1u, ti.tcpi_unacked);
	EXPECT_LE(2u, ti.tcpi_total_retrans);

	ASSERT_EQ(0, netem_clear(NULL, "veth-a"));
	ASSERT_EQ(10000u, recv_all(self->srv, buf, sizeof(buf), 60000));
	EXPECT_TRUE(wait_acked(self->cli, acked + 10000, 60000));
	/* A new segment's ACK is a sample no retransmission clouds. */
	ASSERT_EQ(1, send(self->cli, "x", 1, MSG_NOSIGNAL));
	ASSERT_EQ(1u, recv_all(self->srv, buf, 1, 10000));
	EXPECT_TRUE(wait_acked(self->cli, acked + 10001, 10000));
	ASSERT_EQ(0, tcp_info_get(self->cli, &ti));
	EXPECT_EQ(0, ti.tcpi_retransmits);
	EXPECT_EQ(0, ti.tcpi_backoff);
	EXPECT_EQ(0u, ti.tcpi_lost);
	EXPECT_EQ(0u, ti.tcpi_retrans);
	EXPECT_EQ(0u, ti.tcpi_unacked);
}

/* Bad values and lengths get TCP's errnos. */
TEST_F(api, bad_option_values)
{
	int p = test_proto(), one = 1, val;
	socklen_t len;

	self->cli = conn_socket(NULL);
	ASSERT_LE(0, self->cli);
	EXPECT_EQ(-EINVAL, set_int(self->cli, p, TCPALT_MAXSEG, 10));
	EXPECT_EQ(-EINVAL, set_int(self->cli, p, TCPALT_MAXSEG, 40000));
	EXPECT_EQ(-ENOPROTOOPT, set_int(self->cli, p, 999, 1));
	EXPECT_EQ(-ENOPROTOOPT, int_opt(self->cli, p, 999));
	/* TCPALT_INFO is read-only: TCP does not know it as a set. */
	EXPECT_EQ(-ENOPROTOOPT, set_int(self->cli, p, TCPALT_INFO, 1));

	/* Short optlen on set; a negative one on get. */
	EXPECT_EQ(-1, setsockopt(self->cli, p, TCPALT_NODELAY, &one, 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setsockopt(self->cli, p, TCPALT_MAXSEG, &one, 0));
	EXPECT_EQ(EINVAL, errno);
	len = -1;
	EXPECT_EQ(-1, getsockopt(self->cli, p, TCPALT_NODELAY, &val, &len));
	EXPECT_EQ(EINVAL, errno);

	/* None of it changed anything: the socket still connects. */
	EXPECT_EQ(0, int_opt(self->cli, p, TCPALT_NODELAY));
	self->lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, sock_connect(self->cli, ADDR_B, PORT));
	val = int_opt(self->cli, p, TCPALT_MAXSEG);
	EXPECT_LT(88, val);
	EXPECT_GE(1460, val);
}

/*
 * Makes the peer reset the connection: it closes with data unread, so
 * RST, not FIN.  Returns once cli has seen it.
 */
static void reset_by_peer(struct __test_metadata *_metadata, int cli,
			  int *srv)
{
	ASSERT_EQ(3, send(cli, "abc", 3, MSG_NOSIGNAL));
	ASSERT_NE(0, wait_fd(*srv, POLLIN, 5000) & POLLIN);
	close(*srv);
	*srv = -1;
	ASSERT_NE(0, wait_fd(cli, POLLIN, 5000) & (POLLERR | POLLHUP));
}

/*
 * After a RST: recv fails with ECONNRESET once; then send fails with
 * EPIPE and raises SIGPIPE, unless MSG_NOSIGNAL.
 */
TEST_F(api, reset_then_recv_send)
{
	char buf[8];

	block_sigpipe();
	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	reset_by_peer(_metadata, self->cli, &self->srv);
	EXPECT_EQ(-1, recv(self->cli, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_FALSE(took_sigpipe());

	EXPECT_EQ(-1, send(self->cli, "x", 1, 0));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_TRUE(took_sigpipe());
	EXPECT_EQ(-1, send(self->cli, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_FALSE(took_sigpipe());
}

/* The first send after a RST reports it (ECONNRESET); later ones EPIPE. */
TEST_F(api, reset_then_send)
{
	block_sigpipe();
	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	reset_by_peer(_metadata, self->cli, &self->srv);
	EXPECT_EQ(-1, send(self->cli, "x", 1, 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_FALSE(took_sigpipe());
	EXPECT_EQ(-1, send(self->cli, "x", 1, 0));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_TRUE(took_sigpipe());
	EXPECT_EQ(0, sock_error(self->cli));
}

/*
 * Never connected: recv and getpeername ENOTCONN; send EPIPE (with
 * SIGPIPE), which is what TCP answers there rather than ENOTCONN;
 * accept EINVAL, as it is not listening.
 */
TEST_F(api, not_connected_errnos)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char buf[8];

	block_sigpipe();
	self->cli = conn_socket(NULL);
	ASSERT_LE(0, self->cli);
	EXPECT_EQ(-1, recv(self->cli, buf, sizeof(buf), 0));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, recv(self->cli, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, send(self->cli, "x", 1, 0));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_TRUE(took_sigpipe());
	EXPECT_EQ(-1, send(self->cli, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_FALSE(took_sigpipe());
	EXPECT_EQ(-1, getpeername(self->cli, (struct sockaddr *)&sin, &len));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, accept(self->cli, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);

	/* A listener is not connected either. */
	self->lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8);
	ASSERT_LE(0, self->lfd);
	EXPECT_EQ(-1, recv(self->lfd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, getpeername(self->lfd, (struct sockaddr *)&sin, &len));
	EXPECT_EQ(ENOTCONN, errno);
}

/*
 * A connected socket: connect again EISCONN, listen EINVAL, accept
 * EINVAL (not a listener); the connection is unharmed.
 */
TEST_F(api, connected_errnos)
{
	char c;

	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	EXPECT_EQ(-EISCONN, sock_connect(self->cli, ADDR_B, PORT));
	EXPECT_EQ(-EISCONN, sock_connect(self->srv, ADDR_A, PORT));
	EXPECT_EQ(-1, listen(self->cli, 8));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, listen(self->srv, 8));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, accept(self->cli, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, accept(self->srv, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);

	ASSERT_EQ(1, send(self->cli, "k", 1, MSG_NOSIGNAL));
	ASSERT_NE(0, wait_fd(self->srv, POLLIN, 5000) & POLLIN);
	EXPECT_EQ(1, recv(self->srv, &c, 1, 0));
	EXPECT_EQ('k', c);
}

TEST_HARNESS_MAIN
