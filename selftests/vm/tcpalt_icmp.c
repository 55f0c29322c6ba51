// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors about our segments: path MTU discovery through a router
 * whose link toward the peer has a smaller MTU (and IP_PMTUDISC_DONT,
 * which fragments instead), a connect() that an ICMP error ends at once
 * with TCP's errno, soft errors of a synchronized connection (reported
 * by SO_ERROR or on timeout, at once with IP_RECVERR), errors about a
 * listener's SYN,ACK, and forged errors quoting sequence numbers outside
 * the window.  Forged errors come from a raw ICMP socket, quoting what a
 * raw socket of the protocol saw.  TCPALT_TEST_PROTO=6 runs them all
 * against TCP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"
#include "csum.h"
#include "lib.h"

#define PORT		5900
#define RAW_PORT	41000
#define RAW_END		"10.0.0.1:41000"
#define WAIT_MS		5000
#define ROUTER_MTU	1000
/* IP, transport header and the timestamp option of every segment. */
#define HDRS_TS		(20 + 20 + 12)
/* An address behind the router that its routing table refuses. */
#define ADDR_UNREACH	"10.0.1.99"
#define ADDR_PROHIBIT	"10.0.1.98"

/* A segment as an ICMP error quotes it: IP header and 8 bytes of ours. */
struct quote {
	u8 buf[60 + 8];
	size_t len;
	u32 seq;
};

/* What a raw socket of the protocol saw of one segment. */
struct seen {
	u16 sport, dport;
	u32 seq;
	bool syn;
	size_t data_len;
};

static void put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* TCP's header and ours begin alike; their flags and lengths differ. */
static bool parse_seen(const u8 *pkt, size_t len, struct seen *s)
{
	size_t ihl = (pkt[0] & 0xf) * 4;
	const u8 *th = pkt + ihl;
	size_t seg_len, doff;
	struct tcpalt_hdr h;

	if (len < ihl + 20)
		return false;
	seg_len = len - ihl;
	s->sport = tcpalt_get_be16(th);
	s->dport = tcpalt_get_be16(th + 2);
	s->seq = tcpalt_get_be32(th + 4);
	if (proto_is_tcp()) {
		doff = (th[12] >> 4) * 4;
		s->syn = th[13] & 0x02;
	} else {
		if (tcpalt_parse_hdr(th, seg_len, &h) != TCPALT_PARSE_OK)
			return false;
		doff = h.doff;
		s->syn = h.flags & TCPALT_SYN;
	}
	s->data_len = seg_len > doff ? seg_len - doff : 0;
	return true;
}

/*
 * Waits on raw socket fd for a segment from sport to dport: a SYN, or
 * one carrying data; quotes it.  1, 0 on timeout, -1 on error.
 */
static int capture(int fd, u16 sport, u16 dport, bool syn, struct quote *q)
{
	long long end = now_ms() + WAIT_MS;
	u8 pkt[65536];
	struct seen s;
	ssize_t n;

	while (now_ms() < end) {
		if (wait_fd(fd, POLLIN, 100) <= 0)
			continue;
		n = recv(fd, pkt, sizeof(pkt), 0);
		if (n < 0)
			return -1;
		if (!parse_seen(pkt, n, &s) || s.sport != sport ||
		    s.dport != dport || (syn ? !s.syn : !s.data_len))
			continue;
		q->len = (pkt[0] & 0xf) * 4 + 8;
		memcpy(q->buf, pkt, q->len);
		q->seq = s.seq;
		return 1;
	}
	return 0;
}

/* The quote of a segment like q's, with another sequence number. */
static struct quote quote_at(const struct quote *q, u32 seq)
{
	struct quote r = *q;

	put_be32(r.buf + (r.buf[0] & 0xf) * 4 + 4, seq);
	r.seq = seq;
	return r;
}

/*
 * Sends from namespace ns to addr an ICMP error of type and code quoting
 * q; mtu is "fragmentation needed"'s next-hop MTU.  0 or -1.
 */
static int icmp_forge(const char *ns, const char *to, int type, int code,
		      int mtu, const struct quote *q)
{
	struct sockaddr_in sin = sin_of(to, 0);
	u8 pkt[8 + sizeof(q->buf)] = { type, code };
	int fd = socket_in(ns, SOCK_RAW, IPPROTO_ICMP);
	u16 sum;
	ssize_t n;

	if (fd < 0)
		return -1;
	pkt[6] = mtu >> 8;
	pkt[7] = mtu;
	memcpy(pkt + 8, q->buf, q->len);
	sum = tcpalt_csum_fold(tcpalt_csum_add(0, pkt, 8 + q->len));
	pkt[2] = sum >> 8;
	pkt[3] = sum;
	n = sendto(fd, pkt, 8 + q->len, 0, (struct sockaddr *)&sin,
		   sizeof(sin));
	close(fd);
	return n == (ssize_t)(8 + q->len) ? 0 : -1;
}

/* The pattern byte at offset off of a transfer. */
static u8 pattern(long off)
{
	return (u8)(off * 7 + off / 251);
}

/*
 * Sends len bytes of a pattern from cli and reads them at srv, both
 * non-blocking, in one loop for at most timeout_ms.  Returns the bytes
 * that arrived in order and intact, or -1 on an error or a bad byte.
 */
static long transfer(int cli, int srv, long len, int timeout_ms)
{
	static u8 out[65536], in[65536];
	long long end = now_ms() + timeout_ms;
	long sent = 0, got = 0, i;
	ssize_t n;

	set_nonblock(cli);
	set_nonblock(srv);
	while (got < len && now_ms() < end) {
		struct pollfd p[2] = {
			{ .fd = cli, .events = sent < len ? POLLOUT : 0 },
			{ .fd = srv, .events = POLLIN },
		};

		if (poll(p, 2, 100) < 0)
			return -1;
		if (p[0].revents & POLLOUT) {
			n = len - sent < (long)sizeof(out) ? len - sent :
							     (long)sizeof(out);
			for (i = 0; i < n; i++)
				out[i] = pattern(sent + i);
			n = send(cli, out, n, 0);
			if (n < 0 && errno != EAGAIN)
				return -1;
			sent += n > 0 ? n : 0;
		}
		if (!(p[1].revents & POLLIN))
			continue;
		n = recv(srv, in, sizeof(in), 0);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0)
			return -1;
		for (i = 0; i < n; i++)
			if (in[i] != pattern(got + i))
				return -1;
		got += n;
	}
	return got;
}

/* Data still flows both ways, one message each. */
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

/* Polls TCP_MAXSEG until it reads want; the last value read. */
static int maxseg_wait(int fd, int want)
{
	long long end = now_ms() + WAIT_MS;
	int mss;

	while ((mss = proto_opt_get(fd, TCPALT_MAXSEG)) != want &&
	       now_ms() < end)
		usleep(20000);
	return mss;
}

/*
 * The connect()'s ICMP error waits on the error queue: TCP queues it in
 * SYN-SENT whatever IP_RECVERR says.
 */
static void expect_errqueue(struct __test_metadata *_metadata, int fd,
			    int type, int code, int err)
{
	char cbuf[256], data[64];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct sock_extended_err *ee = NULL;
	struct cmsghdr *cm;

	ASSERT_LE(0, recvmsg(fd, &msg, MSG_ERRQUEUE));
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR)
			ee = (struct sock_extended_err *)CMSG_DATA(cm);
	ASSERT_NE(NULL, ee);
	EXPECT_EQ(SO_EE_ORIGIN_ICMP, ee->ee_origin);
	EXPECT_EQ(type, ee->ee_type);
	EXPECT_EQ(code, ee->ee_code);
	EXPECT_EQ(err, (int)ee->ee_errno);
}

/*
 * A connect() with two SYN retransmissions at most: without the ICMP
 * error it would fail with ETIMEDOUT after 1 + 2 + 4 s.
 */
static int connect_short(const char *addr, long long *ms)
{
	int fd = conn_socket(NULL), err;
	long long start;

	if (fd < 0 || proto_opt_set(fd, TCPALT_SYNCNT, 2))
		return -EBADF;
	start = now_ms();
	err = sock_connect(fd, addr, PORT);
	*ms = now_ms() - start;
	close(fd);
	return err;
}

FIXTURE(routed) {
	int cli, srv;
};

/* IP_MTU_DISCOVER: the default (DF set), or IP_PMTUDISC_DONT. */
FIXTURE_VARIANT(routed) {
	bool df;
};

FIXTURE_VARIANT_ADD(routed, pmtudisc_want) {
	.df = true,
};

FIXTURE_VARIANT_ADD(routed, pmtudisc_dont) {
	.df = false,
};

FIXTURE_SETUP(routed)
{
	int lfd;

	self->cli = self->srv = -1;
	ASSERT_EQ(0, topo_routed_setup(ROUTER_MTU));
	lfd = conn_listen(PEER_NS, ADDR_B_ROUTED, PORT, 8);
	ASSERT_LE(0, lfd);
	self->cli = conn_socket(NULL);
	ASSERT_LE(0, self->cli);
	if (!variant->df) {
		int val = IP_PMTUDISC_DONT;

		ASSERT_EQ(0, setsockopt(self->cli, SOL_IP, IP_MTU_DISCOVER,
					&val, sizeof(val)));
	}
	ASSERT_EQ(0, sock_connect(self->cli, ADDR_B_ROUTED, PORT));
	self->srv = accept_wait(lfd, WAIT_MS);
	ASSERT_LE(0, self->srv);
	close(lfd);
}

FIXTURE_TEARDOWN(routed)
{
	if (self->cli >= 0)
		close(self->cli);
	if (self->srv >= 0)
		close(self->srv);
	topo_teardown();
}

/*
 * b's SYN,ACK offers its own link's MSS, so a starts with segments the
 * router cannot forward.  With DF (the default) the router's "need to
 * fragment" lowers a's MSS to what the 1000-byte link carries, and the
 * transfer completes without waiting out the retransmission backoff.
 * With IP_PMTUDISC_DONT there is no DF: the router fragments, and the MSS
 * stays.  The harness's limit is past the transfer's own bound.
 */
TEST_F_TIMEOUT(routed, bulk_through_small_mtu, 120)
{
	long len = test_size(2 << 20, 256 << 10);
	long long updates = proto_stat(NULL, "PmtuUpdates");
	int mss = proto_opt_get(self->cli, TCPALT_MAXSEG);

	EXPECT_EQ(1500 - HDRS_TS, mss);
	/*
	 * 60 s: the 1 MB/s an emulated VM moves at worst; a connection
	 * that the path black-holes never completes.
	 */
	EXPECT_EQ(len, transfer(self->cli, self->srv, len, 60000));
	if (variant->df) {
		EXPECT_EQ(ROUTER_MTU - HDRS_TS,
			  proto_opt_get(self->cli, TCPALT_MAXSEG));
		/* TCP has no such counter. */
		if (!proto_is_tcp())
			EXPECT_LT(updates, proto_stat(NULL, "PmtuUpdates"));
	} else {
		EXPECT_EQ(mss, proto_opt_get(self->cli, TCPALT_MAXSEG));
		if (!proto_is_tcp())
			EXPECT_EQ(updates, proto_stat(NULL, "PmtuUpdates"));
	}
}

FIXTURE(unreach) {
	int unused;
};

/* Where a connects to, and the code the router's route answers with. */
FIXTURE_VARIANT(unreach) {
	const char *addr;
	int code;
};

/* An unreachable route: "host unreachable". */
FIXTURE_VARIANT_ADD(unreach, host) {
	.addr = ADDR_UNREACH,
	.code = ICMP_HOST_UNREACH,
};

/* A prohibit route: "communication administratively prohibited". */
FIXTURE_VARIANT_ADD(unreach, prohibited) {
	.addr = ADDR_PROHIBIT,
	.code = ICMP_PKT_FILTERED,
};

FIXTURE_SETUP(unreach)
{
	ASSERT_EQ(0, topo_routed_setup(ROUTER_MTU));
	ASSERT_EQ(0, run("ip -n " ROUTER_NS " route add unreachable "
			 ADDR_UNREACH "/32"));
	ASSERT_EQ(0, run("ip -n " ROUTER_NS " route add prohibit "
			 ADDR_PROHIBIT "/32"));
}

FIXTURE_TEARDOWN(unreach)
{
	topo_teardown();
}

/*
 * The router answers the SYN: connect() fails with EHOSTUNREACH, as
 * TCP's does.  The error answering the first SYN may come back while
 * connect() still holds the socket (within the softirq that sent the
 * SYN, or on a loaded VM later); TCP keeps it as a soft error then, and
 * so do we, and the error answering the retransmission at 1 s ends the
 * connect().  So the bound is 2900 ms, before the second retransmission
 * at 3 s; without ICMP handling connect() waits out all three SYNs, 7 s,
 * for ETIMEDOUT.  (The silent_b tests, whose error is sent only after
 * connect() returned, check "at once".)  The harness's limit covers the
 * routed setup's commands, which take seconds each on a loaded debug VM.
 */
TEST_F_TIMEOUT(unreach, connect_fails, 90)
{
	long long ms;

	EXPECT_EQ(-EHOSTUNREACH, connect_short(variant->addr, &ms));
	EXPECT_GT(2900, ms);
}

/* The error is queued too, as TCP queues it. */
TEST_F_TIMEOUT(unreach, connect_error_queued, 90)
{
	int fd = conn_socket(NULL);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, proto_opt_set(fd, TCPALT_SYNCNT, 2));
	ASSERT_EQ(-EHOSTUNREACH, sock_connect(fd, variant->addr, PORT));
	expect_errqueue(_metadata, fd, ICMP_DEST_UNREACH, variant->code,
			EHOSTUNREACH);
	close(fd);
}

FIXTURE(forged) {
	int cli, srv;
	int raw_b;		/* b's raw socket of the protocol */
	struct quote data;	/* a's segment of one byte, quoted */
};

FIXTURE_SETUP(forged)
{
	self->cli = self->srv = self->raw_b = -1;
	ASSERT_EQ(0, topo_setup());
	self->raw_b = socket_in(PEER_NS, SOCK_RAW, test_proto());
	ASSERT_LE(0, self->raw_b);
	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
}

FIXTURE_TEARDOWN(forged)
{
	if (self->cli >= 0)
		close(self->cli);
	if (self->srv >= 0)
		close(self->srv);
	if (self->raw_b >= 0)
		close(self->raw_b);
	topo_teardown();
}

/* Polls a's conns until fd's connection has nothing unacknowledged. */
static bool wait_acked(int fd)
{
	long long end = now_ms() + WAIT_MS;
	struct conn_entry e;
	char local[32];

	addr_port(local, sizeof(local), ADDR_A, local_port(fd));
	do {
		if (conns_find(NULL, local, NULL, "ESTABLISHED", &e) == 1 &&
		    !e.tx_queue)
			return true;
		usleep(10000);
	} while (now_ms() < end);
	return false;
}

/*
 * a sends one byte, which b reads and acknowledges; the quote of that
 * segment is at self->data.  Then SND.UNA = SND.MAX = data.seq + 1, and
 * no later ACK can clear a soft error a test makes.
 */
static void send_byte(struct __test_metadata *_metadata,
		      FIXTURE_DATA(forged) *self)
{
	char c;

	ASSERT_EQ(1, send(self->cli, "x", 1, 0));
	ASSERT_EQ(1, capture(self->raw_b, local_port(self->cli), PORT, false,
			     &self->data));
	ASSERT_GT(wait_fd(self->srv, POLLIN, WAIT_MS), 0);
	ASSERT_EQ(1, recv(self->srv, &c, 1, 0));
	ASSERT_TRUE(wait_acked(self->cli));
}

/* Forges an error from b about a's segment at seq. */
static int forge_at(FIXTURE_DATA(forged) *self, int type, int code, int mtu,
		    u32 seq)
{
	struct quote q = quote_at(&self->data, seq);

	return icmp_forge(PEER_NS, ADDR_A, type, code, mtu, &q);
}

/*
 * RFC 5927: errors quoting a sequence number below SND.UNA or past
 * SND.MAX change nothing, however plausible: the MSS stays, no error is
 * pending, data flows.  Each is counted.
 */
TEST_F(forged, out_of_window_ignored)
{
	int mss = proto_opt_get(self->cli, TCPALT_MAXSEG);
	long long oow = proto_stat(NULL, "OutOfWindowIcmps");
	u32 below, above;

	send_byte(_metadata, self);
	below = self->data.seq - 100000;
	above = self->data.seq + 0x40000000;
	ASSERT_EQ(0, forge_at(self, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 600,
			      below));
	ASSERT_EQ(0, forge_at(self, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 600,
			      above));
	ASSERT_EQ(0, forge_at(self, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0,
			      below));
	ASSERT_EQ(0, forge_at(self, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0,
			      above));
	EXPECT_EQ(oow + 4,
		  proto_stat_wait(NULL, "OutOfWindowIcmps", oow + 4, WAIT_MS));
	EXPECT_EQ(mss, proto_opt_get(self->cli, TCPALT_MAXSEG));
	EXPECT_EQ(0, wait_fd(self->cli, POLLIN, 0) & POLLERR);
	EXPECT_EQ(0, sock_error(self->cli));
	expect_flow(_metadata, self->cli, self->srv);
}

/*
 * The same error quoting SND.MAX, which is in the window: believed.
 * The MSS falls to what a 1000-byte path carries, and data flows.
 */
TEST_F(forged, in_window_frag_needed)
{
	long long updates = proto_stat(NULL, "PmtuUpdates");

	send_byte(_metadata, self);
	ASSERT_EQ(0, forge_at(self, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      ROUTER_MTU, self->data.seq + 1));
	EXPECT_EQ(ROUTER_MTU - HDRS_TS, maxseg_wait(self->cli,
						   ROUTER_MTU - HDRS_TS));
	if (!proto_is_tcp())
		EXPECT_EQ(updates + 1, proto_stat(NULL, "PmtuUpdates"));
	expect_flow(_metadata, self->cli, self->srv);
}

/*
 * Our own link's MTU falls under the connection's segments: the IP layer
 * refuses them with a "fragmentation needed" to ourselves, which often
 * arrives while the sender holds the socket and so waits for it to let
 * go.  The transfer completes at the smaller MSS.  The harness's limit
 * is past the transfer's own bound.
 */
TEST_F_TIMEOUT(forged, own_link_mtu_falls, 120)
{
	long len = test_size(1 << 20, 128 << 10);

	ASSERT_EQ(0, run("ip link set veth-a mtu %d", ROUTER_MTU));
	/* 60 s: see bulk_through_small_mtu. */
	EXPECT_EQ(len, transfer(self->cli, self->srv, len, 60000));
	EXPECT_EQ(ROUTER_MTU - HDRS_TS, proto_opt_get(self->cli,
						      TCPALT_MAXSEG));
}

/*
 * RFC 1122 4.2.3.9: a port unreachable for a synchronized connection is
 * a soft error.  No POLLERR, no failed call: SO_ERROR tells it once, and
 * the connection goes on.  An out-of-window error sent after it marks
 * when both were processed, since they come the same way.
 */
TEST_F(forged, soft_error_so_error)
{
	long long oow = proto_stat(NULL, "OutOfWindowIcmps");

	send_byte(_metadata, self);
	ASSERT_EQ(0, forge_at(self, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0,
			      self->data.seq + 1));
	ASSERT_EQ(0, forge_at(self, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0,
			      self->data.seq + 0x40000000));
	ASSERT_EQ(oow + 1,
		  proto_stat_wait(NULL, "OutOfWindowIcmps", oow + 1, WAIT_MS));
	EXPECT_EQ(0, wait_fd(self->cli, POLLIN, 0) & POLLERR);
	EXPECT_EQ(ECONNREFUSED, sock_error(self->cli));
	EXPECT_EQ(0, sock_error(self->cli));
	expect_flow(_metadata, self->cli, self->srv);
}

/* With IP_RECVERR the same error is reported at once, as by TCP. */
TEST_F(forged, soft_error_recverr)
{
	int one = 1;
	char c;

	ASSERT_EQ(0, setsockopt(self->cli, SOL_IP, IP_RECVERR, &one,
				sizeof(one)));
	send_byte(_metadata, self);
	ASSERT_EQ(0, forge_at(self, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0,
			      self->data.seq + 1));
	EXPECT_NE(0, wait_fd(self->cli, POLLIN, WAIT_MS) & POLLERR);
	EXPECT_EQ(-1, recv(self->cli, &c, 1, MSG_DONTWAIT));
	EXPECT_EQ(ECONNREFUSED, errno);
	expect_flow(_metadata, self->cli, self->srv);
}

/*
 * A soft error is what a connection that then times out reports, in
 * place of ETIMEDOUT: b stops hearing, a's byte goes unacknowledged, a
 * "host unreachable" arrives for it, and TCP_USER_TIMEOUT ends the
 * connection with EHOSTUNREACH.
 */
TEST_F(forged, soft_error_on_timeout)
{
	char c;

	send_byte(_metadata, self);
	ASSERT_EQ(0, drop_ingress(PEER_NS, "veth-b"));
	ASSERT_EQ(0, proto_opt_set(self->cli, TCPALT_USER_TIMEOUT, 1000));
	ASSERT_EQ(1, send(self->cli, "y", 1, 0));
	ASSERT_EQ(0, forge_at(self, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0,
			      self->data.seq + 1));
	/* 1 s of user timeout, rounded up to the next RTO: 10 s is ample. */
	EXPECT_NE(0, wait_fd(self->cli, POLLIN, 10000) & POLLERR);
	EXPECT_EQ(-1, recv(self->cli, &c, 1, MSG_DONTWAIT));
	EXPECT_EQ(EHOSTUNREACH, errno);
}

FIXTURE(silent_b) {
	int raw_b;
};

/*
 * b answers no SYN, so only the forged error can end a connect():
 * tcpalt's blackhole=1 there, for TCP a tc filter on b's egress that
 * drops RSTs.
 */
FIXTURE_SETUP(silent_b)
{
	ASSERT_EQ(0, topo_setup());
	self->raw_b = socket_in(PEER_NS, SOCK_RAW, test_proto());
	ASSERT_LE(0, self->raw_b);
	if (!proto_is_tcp()) {
		ASSERT_EQ(0, sysctl_set_in(PEER_NS, "blackhole", "1"));
		return;
	}
	ASSERT_EQ(0, run("tc -n " PEER_NS " qdisc add dev veth-b clsact"));
	ASSERT_EQ(0, run("tc -n " PEER_NS " filter add dev veth-b egress "
			 "protocol ip u32 match ip protocol 6 0xff "
			 "match u8 0x04 0x04 at 33 action drop"));
}

FIXTURE_TEARDOWN(silent_b)
{
	if (self->raw_b >= 0)
		close(self->raw_b);
	topo_teardown();
}

/*
 * A non-blocking connect() whose SYN b's raw socket sees; b answers it
 * with ICMP code.  Returns the connect's error, within *ms of the SYN.
 */
static int connect_answered(struct __test_metadata *_metadata,
			    FIXTURE_DATA(silent_b) *self, int code,
			    long long *ms)
{
	int fd = conn_socket(NULL), err;
	struct quote syn;
	long long start;

	if (fd < 0 || proto_opt_set(fd, TCPALT_SYNCNT, 2))
		return -EBADF;
	set_nonblock(fd);
	start = now_ms();
	if (sock_connect(fd, ADDR_B, PORT) != -EINPROGRESS ||
	    capture(self->raw_b, local_port(fd), PORT, true, &syn) != 1 ||
	    icmp_forge(PEER_NS, ADDR_A, ICMP_DEST_UNREACH, code, 0, &syn)) {
		close(fd);
		return -EBADF;
	}
	wait_fd(fd, POLLOUT, 10000);
	*ms = now_ms() - start;
	err = sock_error(fd);
	close(fd);
	return err;
}

/*
 * "Protocol unreachable" is what a host without the module answers a
 * SYN of protocol 253 with; "port unreachable" what a firewall may send.
 * Both end the connect() at once (within 900 ms, before the first SYN
 * retransmission), with TCP's errnos.
 */
TEST_F(silent_b, connect_proto_unreachable)
{
	long long ms;

	EXPECT_EQ(ENOPROTOOPT,
		  connect_answered(_metadata, self, ICMP_PROT_UNREACH, &ms));
	EXPECT_GT(900, ms);
}

TEST_F(silent_b, connect_port_unreachable)
{
	long long ms;

	EXPECT_EQ(ECONNREFUSED,
		  connect_answered(_metadata, self, ICMP_PORT_UNREACH, &ms));
	EXPECT_GT(900, ms);
}

/*
 * An error quoting the SYN at another sequence number than ours is
 * forged or stale: the connect() goes on, to its own timeout.
 */
TEST_F(silent_b, connect_out_of_window_ignored)
{
	long long oow = proto_stat(NULL, "OutOfWindowIcmps");
	int fd = conn_socket(NULL);
	struct quote syn, q;

	ASSERT_LE(0, fd);
	set_nonblock(fd);
	ASSERT_EQ(-EINPROGRESS, sock_connect(fd, ADDR_B, PORT));
	ASSERT_EQ(1, capture(self->raw_b, local_port(fd), PORT, true, &syn));
	q = quote_at(&syn, syn.seq + 2);
	ASSERT_EQ(0, icmp_forge(PEER_NS, ADDR_A, ICMP_DEST_UNREACH,
				ICMP_PROT_UNREACH, 0, &q));
	q = quote_at(&syn, syn.seq - 1);
	ASSERT_EQ(0, icmp_forge(PEER_NS, ADDR_A, ICMP_DEST_UNREACH,
				ICMP_PROT_UNREACH, 0, &q));
	EXPECT_EQ(oow + 2,
		  proto_stat_wait(NULL, "OutOfWindowIcmps", oow + 2, WAIT_MS));
	EXPECT_EQ(0, wait_fd(fd, POLLOUT, 0));
	EXPECT_EQ(0, sock_error(fd));
	close(fd);
}

FIXTURE(request) {
	struct raw_peer p;
	int lfd;
	struct quote synack;	/* b's SYN,ACK, as an error quotes it */
};

/*
 * The raw peer in a sends a SYN and gets b's SYN,ACK: a request in b,
 * SYN-RECEIVED, which never completes.
 */
FIXTURE_SETUP(request)
{
	struct raw_seg synack;
	struct iphdr *iph = (struct iphdr *)self->synack.buf;
	u8 *th = self->synack.buf + sizeof(*iph);

	self->p.fd = -1;
	self->lfd = -1;
	ASSERT_EQ(0, topo_setup());
	ASSERT_EQ(0, quiet_ns_a());
	self->lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, raw_peer_open(&self->p, RAW_PORT, PORT));
	ASSERT_EQ(0, raw_syn_exchange(&self->p, 1000, &synack));
	ASSERT_EQ(1, conns_find(PEER_NS, NULL, RAW_END, "SYN-RECEIVED",
				NULL));
	*iph = (struct iphdr){
		.version = 4,
		.ihl = 5,
		.tot_len = htons(64),
		.ttl = 64,
		.protocol = test_proto(),
	};
	inet_pton(AF_INET, ADDR_B, &iph->saddr);
	inet_pton(AF_INET, ADDR_A, &iph->daddr);
	th[0] = PORT >> 8;
	th[1] = PORT & 0xff;
	th[2] = RAW_PORT >> 8;
	th[3] = RAW_PORT & 0xff;
	put_be32(th + 4, synack.hdr.seq);
	self->synack.len = sizeof(*iph) + 8;
	self->synack.seq = synack.hdr.seq;
}

FIXTURE_TEARDOWN(request)
{
	raw_peer_close(&self->p);
	if (self->lfd >= 0)
		close(self->lfd);
	topo_teardown();
}

static int forge_to_b(FIXTURE_DATA(request) *self, int code, u32 seq)
{
	struct quote q = quote_at(&self->synack, seq);

	return icmp_forge(NULL, ADDR_B, ICMP_DEST_UNREACH, code, 0, &q);
}

/*
 * As tcp_req_err(): a "host unreachable" quoting our ISN exactly drops
 * the request (a ListenDrop); one quoting another number is counted and
 * ignored, and so is a "port unreachable", which the peer that just sent
 * the SYN cannot mean.
 */
TEST_F(request, dropped_on_host_unreachable)
{
	long long oow = proto_stat(PEER_NS, "OutOfWindowIcmps");
	long long drops = proto_stat(PEER_NS, "ListenDrops");

	ASSERT_EQ(0, forge_to_b(self, ICMP_HOST_UNREACH,
				self->synack.seq + 1));
	EXPECT_EQ(oow + 1, proto_stat_wait(PEER_NS, "OutOfWindowIcmps",
					   oow + 1, WAIT_MS));
	ASSERT_EQ(0, forge_to_b(self, ICMP_PORT_UNREACH, self->synack.seq));
	/* Processed in order: once this one is counted, so was that. */
	ASSERT_EQ(0, forge_to_b(self, ICMP_HOST_UNREACH,
				self->synack.seq - 1));
	EXPECT_EQ(oow + 2, proto_stat_wait(PEER_NS, "OutOfWindowIcmps",
					   oow + 2, WAIT_MS));
	EXPECT_EQ(1, conns_find(PEER_NS, NULL, RAW_END, "SYN-RECEIVED",
				NULL));
	ASSERT_EQ(0, forge_to_b(self, ICMP_HOST_UNREACH, self->synack.seq));
	EXPECT_EQ(0, conns_wait(PEER_NS, NULL, RAW_END, "SYN-RECEIVED", 0,
				WAIT_MS, NULL));
	EXPECT_EQ(drops + 1, proto_stat(PEER_NS, "ListenDrops"));
}

TEST_HARNESS_MAIN
