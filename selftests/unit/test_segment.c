// SPDX-License-Identifier: GPL-2.0
/* Header and option parsing, malformed lengths above all, and building. */
#include <string.h>

#include "kselftest_harness.h"
#include "segment.h"

/* A header with doff words of 4 bytes and the given options after it. */
static size_t make_seg(u8 *seg, u8 doff_words, const u8 *opts, size_t olen)
{
	memset(seg, 0, TCPALT_HDR_MAX);
	seg[0] = 0x12; seg[1] = 0x34;		/* sport 0x1234 */
	seg[2] = 0x00; seg[3] = 0x50;		/* dport 80 */
	seg[4] = 0xde; seg[5] = 0xad; seg[6] = 0xbe; seg[7] = 0xef;
	seg[8] = 0x01; seg[9] = 0x02; seg[10] = 0x03; seg[11] = 0x04;
	seg[12] = doff_words << 4;
	seg[13] = TCPALT_SYN | TCPALT_ACK;
	seg[14] = 0xff; seg[15] = 0xff;
	if (olen)
		memcpy(seg + TCPALT_HDR_LEN, opts, olen);
	return doff_words * 4;
}

static enum tcpalt_parse_result parse_all(const u8 *seg, size_t len,
					  struct tcpalt_opts *opts)
{
	struct tcpalt_hdr hdr;
	enum tcpalt_parse_result r = tcpalt_parse_hdr(seg, len, &hdr);

	return r != TCPALT_PARSE_OK ? r : tcpalt_parse_opts(seg, &hdr, opts);
}

TEST(fixed_fields)
{
	struct tcpalt_hdr hdr;
	u8 seg[TCPALT_HDR_MAX];
	size_t len = make_seg(seg, 5, NULL, 0);

	ASSERT_EQ(TCPALT_PARSE_OK, tcpalt_parse_hdr(seg, len, &hdr));
	EXPECT_EQ(0x1234, hdr.sport);
	EXPECT_EQ(80, hdr.dport);
	EXPECT_EQ(0xdeadbeefu, hdr.seq);
	EXPECT_EQ(0x01020304u, hdr.ack);
	EXPECT_EQ(20, hdr.doff);
	EXPECT_EQ(TCPALT_SYN | TCPALT_ACK, hdr.flags);
	EXPECT_EQ(0xffff, hdr.window);
}

TEST(short_header)
{
	struct tcpalt_hdr hdr;
	u8 seg[TCPALT_HDR_MAX];
	size_t len;

	make_seg(seg, 5, NULL, 0);
	for (len = 0; len < TCPALT_HDR_LEN; len++)
		EXPECT_EQ(TCPALT_PARSE_SHORT, tcpalt_parse_hdr(seg, len, &hdr));
}

TEST(bad_data_offset)
{
	struct tcpalt_hdr hdr;
	u8 seg[TCPALT_HDR_MAX];
	u8 w;

	for (w = 0; w < 5; w++) {
		make_seg(seg, w, NULL, 0);
		EXPECT_EQ(TCPALT_PARSE_BAD_DOFF, tcpalt_parse_hdr(seg, 20, &hdr));
	}
	/* Offset past the end of the segment. */
	make_seg(seg, 6, NULL, 0);
	EXPECT_EQ(TCPALT_PARSE_BAD_DOFF, tcpalt_parse_hdr(seg, 23, &hdr));
	EXPECT_EQ(TCPALT_PARSE_OK, tcpalt_parse_hdr(seg, 24, &hdr));
	make_seg(seg, 15, NULL, 0);
	EXPECT_EQ(TCPALT_PARSE_BAD_DOFF, tcpalt_parse_hdr(seg, 59, &hdr));
	EXPECT_EQ(TCPALT_PARSE_OK, tcpalt_parse_hdr(seg, 60, &hdr));
}

/* A SYN's usual options: MSS, SACK-permitted, timestamps, window scale. */
TEST(syn_options)
{
	const u8 o[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9,
			 1, 3, 3, 7 };
	struct tcpalt_opts opts;
	u8 seg[TCPALT_HDR_MAX];
	size_t len = make_seg(seg, 10, o, sizeof(o));

	ASSERT_EQ(TCPALT_PARSE_OK, parse_all(seg, len, &opts));
	EXPECT_TRUE(opts.has_mss);
	EXPECT_EQ(1460, opts.mss);
	EXPECT_TRUE(opts.sack_ok);
	EXPECT_TRUE(opts.has_ts);
	EXPECT_EQ(7u, opts.tsval);
	EXPECT_EQ(9u, opts.tsecr);
	EXPECT_TRUE(opts.has_wscale);
	EXPECT_EQ(7, opts.wscale);
}

TEST(wscale_clamped_to_14)
{
	const u8 o[] = { 3, 3, 15, 0 };
	struct tcpalt_opts opts;
	u8 seg[TCPALT_HDR_MAX];
	size_t len = make_seg(seg, 6, o, sizeof(o));

	ASSERT_EQ(TCPALT_PARSE_OK, parse_all(seg, len, &opts));
	EXPECT_EQ(14, opts.wscale);
}

TEST(sack_blocks)
{
	const u8 o[] = { 1, 1, 5, 18, 0, 0, 0, 1, 0, 0, 0, 2,
			 0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0x10 };
	struct tcpalt_opts opts;
	u8 seg[TCPALT_HDR_MAX];
	size_t len = make_seg(seg, 10, o, sizeof(o));

	ASSERT_EQ(TCPALT_PARSE_OK, parse_all(seg, len, &opts));
	ASSERT_EQ(2, opts.nr_sack);
	EXPECT_EQ(1u, opts.sack[0].start);
	EXPECT_EQ(2u, opts.sack[0].end);
	EXPECT_EQ(0xfffffff0u, opts.sack[1].start);
	EXPECT_EQ(0x10u, opts.sack[1].end);
}

/* Bytes after EOL are padding, whatever they hold. */
TEST(eol_ends_options)
{
	const u8 o[] = { 2, 4, 0x02, 0x18, 0, 0xee, 0, 0 };
	struct tcpalt_opts opts;
	u8 seg[TCPALT_HDR_MAX];
	size_t len = make_seg(seg, 7, o, sizeof(o));

	ASSERT_EQ(TCPALT_PARSE_OK, parse_all(seg, len, &opts));
	EXPECT_EQ(536, opts.mss);
}

TEST(unknown_kind_skipped)
{
	const u8 o[] = { 99, 6, 1, 2, 3, 4, 2, 4, 0x05, 0xb4, 1, 1 };
	struct tcpalt_opts opts;
	u8 seg[TCPALT_HDR_MAX];
	size_t len = make_seg(seg, 8, o, sizeof(o));

	ASSERT_EQ(TCPALT_PARSE_OK, parse_all(seg, len, &opts));
	EXPECT_EQ(1460, opts.mss);
}

/* Each of these must be rejected as a bad option layout. */
static const struct {
	const char *what;
	u8 words;
	u8 opt[12];
} malformed[] = {
	{ "length zero", 6, { 99, 0, 1, 1 } },
	{ "length one", 6, { 99, 1, 1, 1 } },
	{ "kind without length at the end", 6, { 1, 1, 1, 2 } },
	{ "length past the header", 6, { 99, 5, 1, 1 } },
	{ "MSS of length 3", 6, { 2, 3, 5, 1 } },
	{ "MSS of length 6", 7, { 2, 6, 5, 0xb4, 0, 0, 1, 1 } },
	{ "window scale of length 4", 6, { 3, 4, 7, 0 } },
	{ "SACK-permitted of length 3", 6, { 4, 3, 0, 1 } },
	{ "timestamps of length 8", 7, { 8, 8, 0, 0, 0, 1, 0, 0 } },
	{ "SACK of length 2", 6, { 5, 2, 1, 1 } },
	{ "SACK of length 12", 8, { 5, 12, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0 } },
};

TEST(malformed_options)
{
	struct tcpalt_opts opts;
	u8 seg[TCPALT_HDR_MAX];
	size_t i, len;

	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		len = make_seg(seg, malformed[i].words, malformed[i].opt,
			       sizeof(malformed[i].opt));
		EXPECT_EQ(TCPALT_PARSE_BAD_OPT, parse_all(seg, len, &opts))
			TH_LOG("accepted: %s", malformed[i].what);
	}
}

TEST(build_then_parse)
{
	const struct tcpalt_hdr in = {
		.sport = 40000, .dport = 5001, .seq = 0xfffffffe,
		.ack = 17, .doff = 20, .flags = TCPALT_RST | TCPALT_ACK,
		.window = 512, .urg_ptr = 0,
	};
	struct tcpalt_hdr out;
	u8 seg[TCPALT_HDR_LEN];

	memset(seg, 0xaa, sizeof(seg));
	tcpalt_build_hdr(seg, &in);
	ASSERT_EQ(TCPALT_PARSE_OK, tcpalt_parse_hdr(seg, sizeof(seg), &out));
	EXPECT_EQ(0, memcmp(&in, &out, sizeof(in)));
	EXPECT_EQ(0, seg[16] | seg[17]);
}

TEST(seg_len_counts_syn_and_fin)
{
	struct tcpalt_hdr h = { .flags = TCPALT_SYN };

	EXPECT_EQ(1u, tcpalt_seg_len(&h, 0));
	h.flags = TCPALT_SYN | TCPALT_FIN;
	EXPECT_EQ(12u, tcpalt_seg_len(&h, 10));
	h.flags = TCPALT_ACK;
	EXPECT_EQ(10u, tcpalt_seg_len(&h, 10));
}

TEST_HARNESS_MAIN
