// SPDX-License-Identifier: GPL-2.0
/*
 * What the peer's SYN options bind us to, against a raw peer in a: the
 * MSS it announces bounds every segment we send to it, whatever the
 * value (TCP's floor and the route bound it in turn), and its timestamps
 * are checked (RFC 7323): PAWS drops old duplicates on a connection and
 * in TIME-WAIT but never a RST, and an ACK's TSecr measures the RTT
 * where Karn's rule leaves no other sample.
 *
 * The module under test runs in namespace b; a is made quiet so it does
 * not reset what b sends to the raw socket.  TCPALT_TEST_PROTO=6 runs
 * the same tests against the kernel's TCP, which has the same rules
 * (its counters where it has them).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"

#define PORT_B		5100	/* b's listeners, one more per connection */
#define PORT_A		6100	/* a raw "server" in a, likewise */
#define RAW_PORT	40100	/* a raw "client" in a */
#define CLI_PORT_B	41100	/* client sockets in b, likewise */
#define RAW_ISS		0x1000u
#define WAIT_MS		3000
#define MTU		1500	/* veth's */
#define MIN_SND_MSS	48	/* TCP's TCP_MIN_SND_MSS */
#define DEFAULT_MSS	536	/* RFC 9293 3.7.1, and for an MSS of 0 */
#define DATA_LEN	4000
#define TS_OPTS_LEN	12	/* NOP, NOP, timestamps */

FIXTURE(paws) {
	struct raw_peer p;
};

FIXTURE_SETUP(paws)
{
	self->p.fd = -1;
	ASSERT_EQ(0, topo_setup());
	ASSERT_EQ(0, quiet_ns_a());
}

FIXTURE_TEARDOWN(paws)
{
	raw_peer_close(&self->p);
	topo_teardown();
}

static void put32(u8 *b, u32 v)
{
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

/* recv() of at most len bytes within timeout_ms; bytes or -errno. */
static ssize_t recv_wait(int fd, void *buf, size_t len, int timeout_ms)
{
	ssize_t n;

	if (wait_fd(fd, POLLIN, timeout_ms) <= 0)
		return -ETIMEDOUT;
	n = recv(fd, buf, len, MSG_DONTWAIT);
	return n < 0 ? -errno : n;
}

/* recv() of exactly len bytes, each within timeout_ms; 0 or -1. */
static int recv_all(int fd, u8 *buf, size_t len, int timeout_ms)
{
	ssize_t n;

	while (len) {
		n = recv_wait(fd, buf, len, timeout_ms);
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Ends the connection by hand: a RST at b's RCV.NXT. */
static void raw_reset(struct raw_peer *p)
{
	raw_send(p, TCPALT_RST, p->snd_nxt, 0, NULL, 0);
}

/*
 * b's segments as the wire carries them: with segmentation offloads
 * off, veth hands the raw socket no super-segment, so the sizes the
 * tests check are those of the segments on the path.
 */
static int wire_sized(void)
{
	const char *off = "gso off tso off tx-sctp-segmentation off";

	return run("ip netns exec %s ethtool -K veth-b %s >/dev/null 2>&1",
		   PEER_NS, off);
}

/* A SYN's or SYN,ACK's options: MSS, and timestamps if ts. */
static size_t mss_opts(u8 *o, u16 mss, bool ts, u32 tsval, u32 tsecr)
{
	o[0] = TCPALT_OPT_MSS;
	o[1] = TCPALT_OPT_MSS_LEN;
	o[2] = mss >> 8;
	o[3] = mss & 0xff;
	if (!ts)
		return 4;
	o[4] = TCPALT_OPT_NOP;
	o[5] = TCPALT_OPT_NOP;
	o[6] = TCPALT_OPT_TS;
	o[7] = TCPALT_OPT_TS_LEN;
	put32(o + 8, tsval);
	put32(o + 12, tsecr);
	return 4 + TS_OPTS_LEN;
}

/*
 * What a segment to a peer that announced mss may hold, data and
 * options: the MSS counts data only (RFC 6691), 0 is taken as none
 * (536), and below TCP's floor of 48 the floor holds.
 */
static unsigned int mss_bound(u16 mss)
{
	unsigned int m = mss ? mss : DEFAULT_MSS;

	return m < MIN_SND_MSS ? MIN_SND_MSS : m;
}

/*
 * The socket in b sends DATA_LEN bytes; the raw peer takes them,
 * ACKing each segment, and checks every one against the path MTU and
 * the announced MSS.  A connection whose segments outgrow the path
 * stalls: the ones it sends with DF never arrive.
 */
static void data_within_mss(struct __test_metadata *_metadata,
			    struct raw_peer *p, int fd, u16 mss)
{
	unsigned int bound = mss_bound(mss), biggest = 0, opt_len, payload;
	u32 end = p->rcv_nxt + DATA_LEN;
	static u8 buf[DATA_LEN];
	struct raw_seg s;
	size_t sent = 0;
	ssize_t n;

	memset(buf, 'm', sizeof(buf));
	while (p->rcv_nxt != end) {
		/* As much as the send buffer takes, between ACKs. */
		if (sent < DATA_LEN) {
			n = send(fd, buf, DATA_LEN - sent, MSG_DONTWAIT);
			ASSERT_TRUE(n >= 0 || errno == EAGAIN);
			if (n > 0)
				sent += n;
		}
		ASSERT_EQ(1, raw_recv(p, WAIT_MS, &s))
			TH_LOG("MSS %u: stalled %u bytes short", mss,
			       end - p->rcv_nxt);
		opt_len = s.hdr.doff - TCPALT_HDR_LEN;
		payload = s.ip_len - 20 - s.hdr.doff;
		if (!payload)
			continue;
		ASSERT_GE(MTU, s.ip_len) TH_LOG("MSS %u", mss);
		ASSERT_GE(bound, payload + opt_len)
			TH_LOG("MSS %u: %u bytes of data, %u of options",
			       mss, payload, opt_len);
		if (payload > biggest)
			biggest = payload;
		if (s.hdr.seq == p->rcv_nxt)
			p->rcv_nxt += payload;
		ASSERT_EQ(0, raw_send(p, TCPALT_ACK, p->snd_nxt, p->rcv_nxt,
				      NULL, 0));
	}
	TH_LOG("MSS %u, timestamps %d: segments of up to %u bytes", mss,
	       p->ts, biggest);
	raw_reset(p);
}

static const u16 peer_mss[] = { 0, 1, 11, 12, 88, 536, 65535 };

/* The peer's SYN to our listener announces mss. */
static void mss_passive(struct __test_metadata *_metadata,
			struct raw_peer *p, u16 mss, bool ts,
			unsigned short port)
{
	u8 opts[4 + TS_OPTS_LEN];
	struct raw_seg s;
	size_t len;
	int lfd, fd;

	lfd = conn_listen(PEER_NS, ADDR_B, port, 8);
	ASSERT_LE(0, lfd);
	raw_peer_close(p);
	ASSERT_EQ(0, raw_peer_open(p, RAW_PORT, port));
	len = mss_opts(opts, mss, ts, p->ts_val, 0);
	ASSERT_EQ(0, raw_send_opts(p, TCPALT_SYN, RAW_ISS, 0, opts, len,
				   NULL, 0));
	ASSERT_EQ(1, raw_recv_flags(p, TCPALT_SYN | TCPALT_ACK, WAIT_MS, &s));
	EXPECT_EQ(ts, s.opts.has_ts);
	p->snd_nxt = RAW_ISS + 1;
	p->irs = s.hdr.seq;
	p->rcv_nxt = s.hdr.seq + 1;
	p->ts = s.opts.has_ts;
	ASSERT_EQ(0, raw_send(p, TCPALT_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0));
	fd = accept_wait(lfd, WAIT_MS);
	ASSERT_LE(0, fd);
	close(lfd);
	data_within_mss(_metadata, p, fd, mss);
	close(fd);
}

/* The peer's SYN,ACK to our connect() announces mss. */
static void mss_active(struct __test_metadata *_metadata,
		       struct raw_peer *p, u16 mss, bool ts, unsigned short i)
{
	u8 opts[4 + TS_OPTS_LEN];
	struct bg_connect bg;
	struct raw_seg syn, s;
	size_t len;

	raw_peer_close(p);
	ASSERT_EQ(0, raw_peer_open(p, PORT_A + i, CLI_PORT_B + i));
	ASSERT_EQ(0, bg_connect_start(&bg, CLI_PORT_B + i, PORT_A + i));
	ASSERT_EQ(1, raw_recv_flags(p, TCPALT_SYN, WAIT_MS, &syn));
	len = mss_opts(opts, mss, ts, p->ts_val, syn.opts.tsval);
	ASSERT_EQ(0, raw_send_opts(p, TCPALT_SYN | TCPALT_ACK, RAW_ISS,
				   syn.hdr.seq + 1, opts, len, NULL, 0));
	ASSERT_EQ(1, raw_recv_flags(p, TCPALT_ACK, WAIT_MS, &s));
	ASSERT_EQ(0, pthread_join(bg.thread, NULL));
	ASSERT_EQ(0, bg.err);
	EXPECT_EQ(ts, s.opts.has_ts);
	p->snd_nxt = RAW_ISS + 1;
	p->irs = syn.hdr.seq;
	p->rcv_nxt = syn.hdr.seq + 1;
	p->ts = ts;
	data_within_mss(_metadata, p, bg.fd, mss);
	close(bg.fd);
}

/*
 * MSS 0 to 11 with timestamps once wrapped the MSS to nearly 64 KiB;
 * 12 and 88 gave segments larger than announced; 536 and 65535 are the
 * controls (65535 bounded by the route).
 */
TEST_F_TIMEOUT(paws, peer_mss_in_syn, 600)
{
	unsigned short port = PORT_B;
	size_t i;
	int ts;

	ASSERT_EQ(0, wire_sized());
	for (ts = 0; ts <= 1; ts++)
		for (i = 0; i < ARRAY_SIZE(peer_mss); i++)
			mss_passive(_metadata, &self->p, peer_mss[i], ts,
				    port++);
}

TEST_F_TIMEOUT(paws, peer_mss_in_synack, 600)
{
	unsigned short n = 0;
	size_t i;
	int ts;

	ASSERT_EQ(0, wire_sized());
	for (ts = 0; ts <= 1; ts++)
		for (i = 0; i < ARRAY_SIZE(peer_mss); i++)
			mss_active(_metadata, &self->p, peer_mss[i], ts, n++);
}

/* A raw peer connected by hand to an accepted socket in b. */
static int raw_established(struct raw_peer *p, u32 iss, int *fd)
{
	int lfd = conn_listen(PEER_NS, ADDR_B, PORT_B, 8);

	if (lfd < 0 || raw_peer_open(p, RAW_PORT, PORT_B) ||
	    raw_connect(p, iss, NULL))
		return -1;
	*fd = accept_wait(lfd, WAIT_MS);
	close(lfd);
	return *fd < 0 || !p->ts ? -1 : 0;
}

/* A segment at seq with TSval tsval, not the peer's clock; 0 or -1. */
static int send_ts(struct raw_peer *p, u8 flags, u32 seq, u32 tsval,
		   const void *data, size_t len)
{
	u8 ts[TS_OPTS_LEN] = { TCPALT_OPT_NOP, TCPALT_OPT_NOP, TCPALT_OPT_TS,
			       TCPALT_OPT_TS_LEN };

	put32(ts + 4, tsval);
	put32(ts + 8, p->ts_recent);
	return raw_send_opts(p, flags, seq, p->rcv_nxt, ts, sizeof(ts), data,
			     len);
}

/* Data sent by hand at snd_nxt, with the peer's clock, and ACKed. */
static void send_acked(struct __test_metadata *_metadata, struct raw_peer *p,
		       const void *data, size_t len)
{
	struct raw_seg s;

	ASSERT_EQ(0, raw_send_data(p, data, len));
	ASSERT_EQ(1, raw_recv_pure_ack(p, WAIT_MS, &s));
	ASSERT_EQ(p->snd_nxt, s.hdr.ack);
}

/*
 * RFC 7323 5.3 R1: in-window data whose TSval is older than TS.Recent is
 * dropped and ACKed; the ACK still echoes TS.Recent, which did not move
 * back.  The same bytes with a current TSval are taken.
 */
TEST_F_TIMEOUT(paws, old_timestamp_dropped_and_acked, 60)
{
	struct raw_peer *p = &self->p;
	long long paws;
	struct raw_seg s;
	char buf[16];
	int fd;

	ASSERT_EQ(0, raw_established(p, RAW_ISS, &fd));
	send_acked(_metadata, p, "good", 4);
	ASSERT_EQ(4, recv_wait(fd, buf, sizeof(buf), WAIT_MS));
	paws = proto_stat(PEER_NS, "PAWSEstab");

	ASSERT_EQ(0, send_ts(p, TCPALT_ACK | TCPALT_PSH, p->snd_nxt,
			     p->ts_val - 1000, "OLD!", 4));
	ASSERT_EQ(1, raw_recv_pure_ack(p, WAIT_MS, &s));
	EXPECT_EQ(p->snd_nxt, s.hdr.ack);
	EXPECT_TRUE(s.opts.has_ts);
	EXPECT_EQ(p->ts_val, s.opts.tsecr);
	EXPECT_EQ(-ETIMEDOUT, recv_wait(fd, buf, sizeof(buf), 300));
	if (paws >= 0)
		EXPECT_EQ(paws + 1, proto_stat(PEER_NS, "PAWSEstab"));

	send_acked(_metadata, p, "new!", 4);
	ASSERT_EQ(4, recv_wait(fd, buf, sizeof(buf), WAIT_MS));
	EXPECT_EQ(0, memcmp(buf, "new!", 4));
	raw_reset(p);
	close(fd);
}

/* R1 exempts a RST: at RCV.NXT it resets, however old its TSval. */
TEST_F_TIMEOUT(paws, rst_with_old_timestamp_resets, 60)
{
	struct raw_peer *p = &self->p;
	char buf[8];
	int fd, ev;

	ASSERT_EQ(0, raw_established(p, RAW_ISS, &fd));
	send_acked(_metadata, p, "good", 4);
	ASSERT_EQ(4, recv_wait(fd, buf, sizeof(buf), WAIT_MS));
	ASSERT_EQ(0, send_ts(p, TCPALT_RST, p->snd_nxt, p->ts_val - 1000,
			     NULL, 0));
	ev = wait_fd(fd, POLLIN, WAIT_MS);
	EXPECT_TRUE(ev > 0 && (ev & POLLERR)) TH_LOG("revents %#x", ev);
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ECONNRESET, errno);
	close(fd);
}

/*
 * The case PAWS is for (RFC 7323 5.3): the sequence space wrapped, and a
 * segment delayed since the last time round arrives with a sequence
 * number that fits the window again.  Its TSval is from back then.  The
 * connection here starts just below 2^32, so its numbers have wrapped
 * when the duplicate (the first segment's bytes and TSval) arrives
 * ahead of RCV.NXT, where it would have waited out of order.
 */
TEST_F_TIMEOUT(paws, wrapped_sequence_replay_rejected, 60)
{
	struct raw_peer *p = &self->p;
	static u8 old[1000], fresh[2000], got[2000];
	long long paws, ofo;
	struct raw_seg s;
	u32 old_tsval;
	int fd;

	memset(old, 'o', sizeof(old));
	memset(fresh, 'f', sizeof(fresh));
	ASSERT_EQ(0, raw_established(p, 0xffffffffu - 1500, &fd));
	send_acked(_metadata, p, old, sizeof(old));
	old_tsval = p->ts_val;
	p->ts_val += 1000;	/* the peer's clock, a wrap later */
	send_acked(_metadata, p, old, sizeof(old));
	ASSERT_GT(0x10000000u, p->snd_nxt);	/* past 2^32 */
	ASSERT_EQ(0, recv_all(fd, got, 2 * sizeof(old), WAIT_MS));
	paws = proto_stat(PEER_NS, "PAWSEstab");
	ofo = proto_stat(PEER_NS, "OfoQueue");

	ASSERT_EQ(0, send_ts(p, TCPALT_ACK | TCPALT_PSH, p->snd_nxt + 1000,
			     old_tsval, old, sizeof(old)));
	ASSERT_EQ(1, raw_recv_pure_ack(p, WAIT_MS, &s));
	EXPECT_EQ(p->snd_nxt, s.hdr.ack);
	if (paws >= 0)
		EXPECT_EQ(paws + 1, proto_stat(PEER_NS, "PAWSEstab"));
	if (ofo >= 0)
		EXPECT_EQ(ofo, proto_stat(PEER_NS, "OfoQueue"));

	/* The bytes that belong there come, and only they are read. */
	send_acked(_metadata, p, fresh, 1000);
	send_acked(_metadata, p, fresh + 1000, 1000);
	ASSERT_EQ(0, recv_all(fd, got, sizeof(fresh), WAIT_MS));
	EXPECT_EQ(0, memcmp(got, fresh, sizeof(fresh)));
	raw_reset(p);
	close(fd);
}

/*
 * In TIME-WAIT: the peer's FIN again, with a TSval older than the last
 * one, is an old duplicate.  It gets the entry's ACK but does not
 * restart 2*MSL; the same FIN with a current TSval does.  (A restart
 * copies the entry at most once a second, hence the wait.)
 */
TEST_F_TIMEOUT(paws, timewait_old_timestamp_no_restart, 60)
{
	struct raw_peer *p = &self->p;
	char local[32], remote[32];
	long long restarts, paws;
	struct raw_seg s;
	int fd;

	ASSERT_EQ(0, raw_established(p, RAW_ISS, &fd));
	addr_port(local, sizeof(local), ADDR_B, PORT_B);
	addr_port(remote, sizeof(remote), ADDR_A, RAW_PORT);
	close(fd);
	ASSERT_EQ(1, raw_recv_flags(p, TCPALT_FIN | TCPALT_ACK, WAIT_MS, &s));
	p->rcv_nxt = s.hdr.seq + 1;
	ASSERT_EQ(0, raw_send(p, TCPALT_FIN | TCPALT_ACK, p->snd_nxt,
			      p->rcv_nxt, NULL, 0));
	p->snd_nxt++;
	ASSERT_EQ(1, raw_recv_pure_ack(p, WAIT_MS, &s));
	ASSERT_EQ(1, conns_wait(PEER_NS, local, remote, "TIME-WAIT", 1,
				WAIT_MS, NULL));
	usleep(1100 * 1000);
	restarts = proto_stat(PEER_NS, "TimeWaitRestarts");
	paws = proto_stat(PEER_NS, "PAWSTimewait");

	ASSERT_EQ(0, send_ts(p, TCPALT_FIN | TCPALT_ACK, p->snd_nxt - 1,
			     p->ts_val - 1000, NULL, 0));
	ASSERT_EQ(1, raw_recv_pure_ack(p, WAIT_MS, &s));
	EXPECT_EQ(p->snd_nxt, s.hdr.ack);
	if (restarts >= 0)
		EXPECT_EQ(restarts, proto_stat(PEER_NS, "TimeWaitRestarts"));
	if (paws >= 0)
		EXPECT_EQ(paws + 1, proto_stat(PEER_NS, "PAWSTimewait"));

	ASSERT_EQ(0, raw_send(p, TCPALT_FIN | TCPALT_ACK, p->snd_nxt - 1,
			      p->rcv_nxt, NULL, 0));
	ASSERT_EQ(1, raw_recv_pure_ack(p, WAIT_MS, &s));
	if (restarts >= 0)
		EXPECT_EQ(restarts + 1, proto_stat(PEER_NS, "TimeWaitRestarts"));
}

/* tcpi_rtt and tcpi_total_retrans of a connection; 0 or -1. */
static int conn_rtt(int fd, unsigned int *rtt_us, unsigned int *retrans)
{
	struct tcpalt_info info;
	socklen_t len = sizeof(info);

	if (getsockopt(fd, IPPROTO_TCPALT, TCPALT_INFO, &info, &len))
		return -1;
	*rtt_us = info.tcpi_rtt;
	*retrans = info.tcpi_total_retrans;
	return 0;
}

/*
 * RFC 7323 section 4: the peer ACKs only the retransmission of our data,
 * its ACK delayed 100 ms by netem.  Karn's rule takes no sample from it;
 * its TSecr, the TSval of the retransmission, measures the 100 ms.  It
 * is the connection's first sample (the handshake gives none), so the
 * smoothed RTT is that sample.  Tolerance: at least 100 ms, as netem
 * delays no less and a difference of millisecond clock readings 100 ms
 * or more apart is at least 100; at most 900 ms more, for an emulated
 * VM that may hold the ACK's softirq off a CPU, which still tells a
 * sample from none (0).  Not for TCP, whose handshake gives a sample.
 */
TEST_F_TIMEOUT(paws, rtt_from_tsecr_of_retransmission, 60)
{
	struct raw_peer *p = &self->p;
	unsigned int rtt = 0, retrans = 0;
	struct raw_seg first, again;
	static u8 buf[1000];
	long long end;
	int fd;

	if (proto_is_tcp())
		SKIP(return, "TCP samples the RTT at the handshake");
	ASSERT_EQ(0, raw_established(p, RAW_ISS, &fd));
	ASSERT_EQ(0, netem_set(NULL, "veth-a", "delay 100ms"));
	ASSERT_EQ(sizeof(buf), send(fd, buf, sizeof(buf), 0));
	ASSERT_EQ(1, raw_recv_data(p, WAIT_MS, &first));
	ASSERT_EQ(sizeof(buf), first.data_len);
	ASSERT_EQ(1, raw_recv_data(p, WAIT_MS, &again));
	ASSERT_EQ(first.hdr.seq, again.hdr.seq);
	ASSERT_NE(first.opts.tsval, again.opts.tsval);
	ASSERT_EQ(0, conn_rtt(fd, &rtt, &retrans));
	EXPECT_EQ(0, rtt);	/* no sample yet */

	p->rcv_nxt = again.hdr.seq + again.data_len;
	ASSERT_EQ(0, raw_send(p, TCPALT_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0));
	end = now_ms() + WAIT_MS;
	do {
		usleep(20 * 1000);
		ASSERT_EQ(0, conn_rtt(fd, &rtt, &retrans));
	} while (!rtt && now_ms() < end);
	TH_LOG("rtt %u us after %u retransmissions", rtt, retrans);
	EXPECT_LE(1, retrans);
	EXPECT_LE(100000, rtt);
	EXPECT_GT(1000000, rtt);
	netem_clear(NULL, "veth-a");
	raw_reset(p);
	close(fd);
}

TEST_HARNESS_MAIN
