// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed segments are dropped and counted, and never answered: a bad
 * checksum, a short header, a data offset out of range, option lengths
 * that break the layout.  Each would otherwise draw a RST, so silence
 * plus the counters shows the drop.
 */
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

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

TEST_HARNESS_MAIN
