// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed segments are dropped and counted, and never answered: a bad
 * checksum, a short header, a data offset out of range, option lengths
 * that break the layout.  Each would otherwise draw a RST, so silence
 * plus the counters shows the drop.  To a listener, a SYN or final ACK
 * with a malformed option makes nothing: no request, no cookie, no
 * connection.
 */
#include <unistd.h>

#include <errno.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "connlib.h"

#define PORT_A	40001
#define PORT_B	5002
#define WAIT_MS	500

FIXTURE(malformed) {
	int raw;
	long long in_errs;
};

FIXTURE_SETUP(malformed)
{
	ASSERT_EQ(0, topo_setup());
	self->raw = raw_open(IPPROTO_TCPALT);
	ASSERT_LE(0, self->raw);
	self->in_errs = stat_get(PEER_NS, "InErrs");
	ASSERT_LE(0, self->in_errs);
}

FIXTURE_TEARDOWN(malformed)
{
	close(self->raw);
	topo_teardown();
}

/* Sends s, expects no answer and one more of counter and of InErrs. */
static void expect_dropped(struct __test_metadata *_metadata, int raw,
			   long long in_errs, const struct seg_out *s,
			   const char *counter)
{
	long long before = stat_get(PEER_NS, counter);
	struct tcpalt_hdr got;
	size_t dlen;
	bool csum_ok;

	ASSERT_EQ(0, seg_send(raw, IPPROTO_TCPALT, s));
	EXPECT_EQ(0, seg_recv(raw, IPPROTO_TCPALT, s->hdr.sport, WAIT_MS,
			      &got, &dlen, &csum_ok));
	EXPECT_EQ(before + 1, stat_get(PEER_NS, counter));
	EXPECT_EQ(in_errs + 1, stat_get(PEER_NS, "InErrs"));
}

#define SYN_HDR { .sport = PORT_A, .dport = PORT_B, .seq = 1, \
		  .flags = TCPALT_SYN }

TEST_F(malformed, bad_checksum)
{
	struct seg_out s = { .hdr = SYN_HDR, .corrupt_csum = true };

	expect_dropped(_metadata, self->raw, self->in_errs, &s,
		       "InCsumErrors");
}

TEST_F(malformed, short_header)
{
	struct seg_out s = { .hdr = SYN_HDR, .truncate_to = 19 };

	expect_dropped(_metadata, self->raw, self->in_errs, &s,
		       "InHdrErrors");
}

TEST_F(malformed, data_offset_below_five)
{
	struct seg_out s = { .hdr = SYN_HDR };

	s.hdr.doff = 16;
	expect_dropped(_metadata, self->raw, self->in_errs, &s,
		       "InHdrErrors");
}

TEST_F(malformed, data_offset_past_end)
{
	struct seg_out s = { .hdr = SYN_HDR };

	s.hdr.doff = 24;	/* 24 claimed, 20 sent */
	expect_dropped(_metadata, self->raw, self->in_errs, &s,
		       "InHdrErrors");
}

TEST_F(malformed, option_length_zero)
{
	const u8 opts[] = { 99, 0, 1, 1 };
	struct seg_out s = { .hdr = SYN_HDR, .opts = opts, .opts_len = 4 };

	expect_dropped(_metadata, self->raw, self->in_errs, &s,
		       "InOptErrors");
}

TEST_F(malformed, option_past_header)
{
	const u8 opts[] = { 1, 1, 2, 4 };	/* MSS cut off by doff */
	struct seg_out s = { .hdr = SYN_HDR, .opts = opts, .opts_len = 4 };

	expect_dropped(_metadata, self->raw, self->in_errs, &s,
		       "InOptErrors");
}

TEST_F(malformed, mss_option_wrong_length)
{
	const u8 opts[] = { 2, 3, 5, 1 };
	struct seg_out s = { .hdr = SYN_HDR, .opts = opts, .opts_len = 4 };

	expect_dropped(_metadata, self->raw, self->in_errs, &s,
		       "InOptErrors");
}

/* The control: the same SYN, well formed, is answered. */
TEST_F(malformed, well_formed_is_answered)
{
	const u8 opts[] = { 2, 4, 5, 0xb4 };
	struct seg_out s = { .hdr = SYN_HDR, .opts = opts, .opts_len = 4 };
	struct tcpalt_hdr got;
	size_t dlen;
	bool csum_ok;

	ASSERT_EQ(0, seg_send(self->raw, IPPROTO_TCPALT, &s));
	EXPECT_EQ(1, seg_recv(self->raw, IPPROTO_TCPALT, PORT_A, 1000, &got,
			      &dlen, &csum_ok));
	EXPECT_EQ(self->in_errs, stat_get(PEER_NS, "InErrs"));
}

#define LISTEN_PORT	5003

/* Every way an option can be malformed, each in a header of its own. */
static const struct {
	const char *what;
	u8 opts[12];
	u8 len;
} bad_opts[] = {
	{ "length 0", { 99, 0, 1, 1 }, 4 },
	{ "length 1", { 99, 1, 1, 1 }, 4 },
	{ "a known kind past the header", { 1, 1, 8, 10 }, 4 },
	{ "an unknown kind past the header", { 99, 8, 1, 1 }, 4 },
	{ "MSS of length 3", { 2, 3, 5, 1 }, 4 },
	{ "window scale of length 4", { 3, 4, 7, 1 }, 4 },
	{ "SACK-permitted of length 3", { 4, 3, 1, 1 }, 4 },
	{ "SACK of length 7", { 5, 7, 0, 0, 0, 0, 0, 1 }, 8 },
	{ "timestamps of length 9", { 8, 9, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1 },
	  12 },
};

#define NR_BAD	ARRAY_SIZE(bad_opts)

/*
 * A listener in b, with syncookies 1 (a SYN makes a request) or 2 (every
 * SYN gets a cookie and makes nothing else).  a keeps quiet, so its
 * module does not reset the SYN,ACKs the controls draw.
 */
FIXTURE(bad_syn) {
	int raw;
	int lfd;
};

FIXTURE_VARIANT(bad_syn) {
	const char *syncookies;
};

FIXTURE_VARIANT_ADD(bad_syn, request) {
	.syncookies = "1",
};

FIXTURE_VARIANT_ADD(bad_syn, cookie) {
	.syncookies = "2",
};

FIXTURE_SETUP(bad_syn)
{
	self->lfd = -1;
	ASSERT_EQ(0, topo_setup());
	self->raw = raw_open(IPPROTO_TCPALT);
	ASSERT_LE(0, self->raw);
	ASSERT_EQ(0, sysctl_set("blackhole", "2"));
	ASSERT_EQ(0, sysctl_set_in(PEER_NS, "syncookies",
				   variant->syncookies));
	self->lfd = conn_listen(PEER_NS, ADDR_B, LISTEN_PORT, 8);
	ASSERT_LE(0, self->lfd);
	set_nonblock(self->lfd);
}

FIXTURE_TEARDOWN(bad_syn)
{
	if (self->lfd >= 0)
		close(self->lfd);
	close(self->raw);
	topo_teardown();
}

/* A segment from a's port sport to the listener. */
static struct seg_out to_listener(u16 sport, u32 seq, u32 ack, u8 flags,
				  const u8 *opts, size_t opts_len)
{
	return (struct seg_out){
		.hdr = { .sport = sport, .dport = LISTEN_PORT, .seq = seq,
			 .ack = ack, .flags = flags, .window = 65535 },
		.opts = opts, .opts_len = opts_len,
	};
}

/* Nothing is queued for accept(), and conns holds only the listener. */
static void expect_no_state(struct __test_metadata *_metadata, int lfd)
{
	EXPECT_EQ(-1, accept(lfd, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(1, conns_find(PEER_NS, NULL, NULL, NULL, NULL));
	EXPECT_EQ(1, conns_find(PEER_NS, NULL, NULL, "LISTEN", NULL));
}

/*
 * Each SYN with a malformed option: no SYN,ACK, one more InOptErrors,
 * and neither a request nor a cookie nor an open counted.
 */
TEST_F(bad_syn, syn_makes_no_state)
{
	long long opt_errs = stat_get(PEER_NS, "InOptErrors");
	long long opens = stat_get(PEER_NS, "PassiveOpens");
	long long cookies = stat_get(PEER_NS, "SyncookiesSent");
	struct tcpalt_hdr got;
	struct seg_out s;
	size_t i, dlen;
	bool csum_ok;

	ASSERT_LE(0, opt_errs);
	for (i = 0; i < NR_BAD; i++) {
		s = to_listener(PORT_A + i, 1, 0, TCPALT_SYN, bad_opts[i].opts,
				bad_opts[i].len);
		ASSERT_EQ(0, seg_send(self->raw, IPPROTO_TCPALT, &s));
		EXPECT_EQ(0, seg_recv(self->raw, IPPROTO_TCPALT, s.hdr.sport,
				      WAIT_MS, &got, &dlen, &csum_ok))
			TH_LOG("%s", bad_opts[i].what);
		EXPECT_EQ(opt_errs + i + 1, stat_get(PEER_NS, "InOptErrors"))
			TH_LOG("%s", bad_opts[i].what);
	}
	EXPECT_EQ(opens, stat_get(PEER_NS, "PassiveOpens"));
	EXPECT_EQ(cookies, stat_get(PEER_NS, "SyncookiesSent"));
	expect_no_state(_metadata, self->lfd);
}

/*
 * After a well-formed SYN and its SYN,ACK, each final ACK with a
 * malformed option is dropped and counted and makes no connection from
 * the request or the cookie; the same ACK well formed makes one.
 */
TEST_F(bad_syn, final_ack_makes_no_connection)
{
	const u8 mss[] = { 2, 4, 5, 0xb4 };
	long long opt_errs = stat_get(PEER_NS, "InOptErrors");
	struct seg_out s = to_listener(PORT_A, 1, 0, TCPALT_SYN, mss,
				       sizeof(mss));
	struct tcpalt_hdr synack;
	size_t i, dlen;
	bool csum_ok;
	int fd;

	ASSERT_EQ(0, seg_send(self->raw, IPPROTO_TCPALT, &s));
	ASSERT_EQ(1, seg_recv(self->raw, IPPROTO_TCPALT, PORT_A, 1000,
			      &synack, &dlen, &csum_ok));
	ASSERT_EQ(TCPALT_SYN | TCPALT_ACK, synack.flags);
	for (i = 0; i < NR_BAD; i++) {
		s = to_listener(PORT_A, 2, synack.seq + 1, TCPALT_ACK,
				bad_opts[i].opts, bad_opts[i].len);
		ASSERT_EQ(0, seg_send(self->raw, IPPROTO_TCPALT, &s));
		EXPECT_EQ(opt_errs + i + 1,
			  proto_stat_wait(PEER_NS, "InOptErrors",
					  opt_errs + i + 1, 1000))
			TH_LOG("%s", bad_opts[i].what);
	}
	EXPECT_EQ(0, conns_find(PEER_NS, NULL, NULL, "ESTABLISHED", NULL));
	EXPECT_EQ(-1, accept(self->lfd, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);

	s = to_listener(PORT_A, 2, synack.seq + 1, TCPALT_ACK, NULL, 0);
	ASSERT_EQ(0, seg_send(self->raw, IPPROTO_TCPALT, &s));
	fd = accept_wait(self->lfd, 2000);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
}

TEST_HARNESS_MAIN
