// SPDX-License-Identifier: GPL-2.0
/*
 * Option building: Linux's byte layout, and every combination round-trip
 * through tcpalt_parse_opts().
 */
#include <string.h>

#include "kselftest_harness.h"
#include "options.h"

#define CANARY	0xa5

/* Builds the options into a full header and parses them back. */
static enum tcpalt_parse_result round_trip(const u8 *opt, size_t len,
					   struct tcpalt_opts *out)
{
	struct tcpalt_hdr hdr = {
		.sport = 1, .dport = 2, .doff = TCPALT_HDR_LEN + len,
		.flags = TCPALT_ACK,
	};
	u8 seg[TCPALT_HDR_MAX];

	tcpalt_build_hdr(seg, &hdr);
	memcpy(seg + TCPALT_HDR_LEN, opt, len);
	if (tcpalt_parse_hdr(seg, hdr.doff, &hdr) != TCPALT_PARSE_OK)
		return TCPALT_PARSE_BAD_DOFF;
	return tcpalt_parse_opts(seg, &hdr, out);
}

TEST(syn_all_options_linux_layout)
{
	const struct tcpalt_opts o = {
		.has_mss = true, .mss = 1460, .sack_ok = true,
		.has_ts = true, .tsval = 0x01020304, .tsecr = 0,
		.has_wscale = true, .wscale = 7,
	};
	const u8 want[] = {
		2, 4, 0x05, 0xb4,
		4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0,
		1, 3, 3, 7,
	};
	u8 buf[TCPALT_OPTS_MAX];

	ASSERT_EQ(sizeof(want), tcpalt_build_syn_opts(buf, &o));
	EXPECT_EQ(0, memcmp(want, buf, sizeof(want)));
	EXPECT_EQ(sizeof(want), tcpalt_syn_opts_len(&o));
}

TEST(syn_timestamps_without_sack)
{
	const struct tcpalt_opts o = {
		.has_mss = true, .mss = 536, .has_ts = true,
		.tsval = 0xfffffffe, .tsecr = 0x11223344,
		.has_wscale = true, .wscale = 0,
	};
	const u8 want[] = {
		2, 4, 0x02, 0x18,
		1, 1, 8, 10, 0xff, 0xff, 0xff, 0xfe, 0x11, 0x22, 0x33, 0x44,
		1, 3, 3, 0,
	};
	u8 buf[TCPALT_OPTS_MAX];

	ASSERT_EQ(sizeof(want), tcpalt_build_syn_opts(buf, &o));
	EXPECT_EQ(0, memcmp(want, buf, sizeof(want)));
}

TEST(syn_sack_without_timestamps)
{
	const struct tcpalt_opts o = {
		.has_mss = true, .mss = 1460, .sack_ok = true,
		.has_wscale = true, .wscale = 14,
	};
	const u8 want[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 14 };
	u8 buf[TCPALT_OPTS_MAX];

	ASSERT_EQ(sizeof(want), tcpalt_build_syn_opts(buf, &o));
	EXPECT_EQ(0, memcmp(want, buf, sizeof(want)));
}

/* RFC 7323 section 2.3: a shift above 14 is never sent. */
TEST(syn_wscale_clamped)
{
	const struct tcpalt_opts o = { .has_wscale = true, .wscale = 200 };
	const u8 want[] = { 1, 3, 3, 14 };
	u8 buf[TCPALT_OPTS_MAX];

	ASSERT_EQ(sizeof(want), tcpalt_build_syn_opts(buf, &o));
	EXPECT_EQ(0, memcmp(want, buf, sizeof(want)));
}

/* All 16 combinations of the SYN options, each parsed back. */
TEST(syn_every_combination_round_trips)
{
	struct tcpalt_opts o, back;
	u8 buf[TCPALT_OPTS_MAX + 8];
	size_t len;
	int m;

	for (m = 0; m < 16; m++) {
		o = (struct tcpalt_opts){
			.has_mss = m & 1, .mss = 1400 + m,
			.sack_ok = m & 2,
			.has_ts = m & 4, .tsval = 0x80000000u + m,
			.tsecr = 0xffffffffu - m,
			.has_wscale = m & 8, .wscale = m % 15,
			/* A SYN carries no SACK blocks, asked or not. */
			.nr_sack = 2, .sack = { { 1, 2 }, { 3, 4 } },
		};
		memset(buf, CANARY, sizeof(buf));
		len = tcpalt_build_syn_opts(buf, &o);
		EXPECT_EQ(tcpalt_syn_opts_len(&o), len);
		EXPECT_EQ(0, len % 4);
		EXPECT_LE(len, 20);
		EXPECT_EQ(CANARY, buf[len]);
		ASSERT_EQ(TCPALT_PARSE_OK, round_trip(buf, len, &back))
			TH_LOG("combination %d", m);
		EXPECT_EQ(o.has_mss, back.has_mss);
		EXPECT_EQ(o.sack_ok, back.sack_ok);
		EXPECT_EQ(o.has_ts, back.has_ts);
		EXPECT_EQ(o.has_wscale, back.has_wscale);
		EXPECT_EQ(0, back.nr_sack);
		if (o.has_mss)
			EXPECT_EQ(o.mss, back.mss);
		if (o.has_ts) {
			EXPECT_EQ(o.tsval, back.tsval);
			EXPECT_EQ(o.tsecr, back.tsecr);
		}
		if (o.has_wscale)
			EXPECT_EQ(o.wscale, back.wscale);
	}
}

TEST(sack_room)
{
	EXPECT_EQ(3, tcpalt_sack_room(true));
	EXPECT_EQ(4, tcpalt_sack_room(false));
}

TEST(timestamps_linux_layout)
{
	const struct tcpalt_opts o = {
		.has_ts = true, .tsval = 0xa1b2c3d4, .tsecr = 0x00000001,
		/* Not for a non-SYN segment: ignored. */
		.has_mss = true, .mss = 1460, .sack_ok = true,
		.has_wscale = true, .wscale = 3,
	};
	const u8 want[] = {
		1, 1, 8, 10, 0xa1, 0xb2, 0xc3, 0xd4, 0, 0, 0, 1,
	};
	struct tcpalt_opts back;
	u8 buf[TCPALT_OPTS_MAX];

	ASSERT_EQ(sizeof(want), tcpalt_build_opts(buf, &o));
	EXPECT_EQ(0, memcmp(want, buf, sizeof(want)));
	ASSERT_EQ(TCPALT_PARSE_OK, round_trip(buf, sizeof(want), &back));
	EXPECT_FALSE(back.has_mss);
	EXPECT_FALSE(back.sack_ok);
	EXPECT_FALSE(back.has_wscale);
}

TEST(sack_linux_layout)
{
	const struct tcpalt_opts o = {
		.has_ts = true, .tsval = 1, .tsecr = 2,
		.nr_sack = 1, .sack = { { 0xfffffff0u, 0x10 } },
	};
	const u8 want[] = {
		1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2,
		1, 1, 5, 10, 0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0x10,
	};
	u8 buf[TCPALT_OPTS_MAX];

	ASSERT_EQ(sizeof(want), tcpalt_build_opts(buf, &o));
	EXPECT_EQ(0, memcmp(want, buf, sizeof(want)));
}

/*
 * With and without timestamps, 0 to 4 blocks asked for: as many as fit
 * go out, the first ones, and the whole stays within 40 bytes.
 */
TEST(sack_every_count_round_trips)
{
	struct tcpalt_opts o, back;
	u8 buf[TCPALT_OPTS_MAX + 8];
	u8 n, want_n, i;
	size_t len;
	int ts;

	for (ts = 0; ts < 2; ts++) {
		for (n = 0; n <= TCPALT_SACK_BLOCKS_MAX; n++) {
			o = (struct tcpalt_opts){
				.has_ts = ts, .tsval = 77, .tsecr = 88,
				.nr_sack = n,
			};
			for (i = 0; i < TCPALT_SACK_BLOCKS_MAX; i++) {
				o.sack[i].start = 0xfffff000u + 0x1000 * i;
				o.sack[i].end = 0xfffff800u + 0x1000 * i;
			}
			memset(buf, CANARY, sizeof(buf));
			len = tcpalt_build_opts(buf, &o);
			EXPECT_EQ(tcpalt_opts_len(&o), len);
			EXPECT_EQ(0, len % 4);
			EXPECT_LE(len, TCPALT_OPTS_MAX);
			EXPECT_EQ(CANARY, buf[len]);
			ASSERT_EQ(TCPALT_PARSE_OK, round_trip(buf, len, &back));
			want_n = n < tcpalt_sack_room(ts) ?
				 n : tcpalt_sack_room(ts);
			ASSERT_EQ(want_n, back.nr_sack)
				TH_LOG("ts %d, %u blocks", ts, n);
			EXPECT_EQ(o.has_ts, back.has_ts);
			for (i = 0; i < want_n; i++) {
				EXPECT_EQ(o.sack[i].start, back.sack[i].start);
				EXPECT_EQ(o.sack[i].end, back.sack[i].end);
			}
		}
	}
}

TEST(nothing_to_send)
{
	const struct tcpalt_opts o = { 0 };
	u8 buf[4] = { CANARY, CANARY, CANARY, CANARY };

	EXPECT_EQ(0, tcpalt_build_opts(buf, &o));
	EXPECT_EQ(0, tcpalt_build_syn_opts(buf, &o));
	EXPECT_EQ(0, tcpalt_opts_len(&o));
	EXPECT_EQ(0, tcpalt_syn_opts_len(&o));
	EXPECT_EQ(CANARY, buf[0]);
}

/*
 * The one builder of every segment: a SYN gets a SYN's options, anything
 * else its own, no options a bare header; each parses back as built.
 */
TEST(segment_header_round_trips)
{
	struct tcpalt_opts o = {
		.has_mss = true, .mss = 1460, .has_wscale = true, .wscale = 7,
		.sack_ok = true, .has_ts = true, .tsval = 123, .tsecr = 456,
		.nr_sack = 1, .sack = { { 1000, 2000 } },
	};
	const u8 flags[] = { TCPALT_SYN, TCPALT_SYN | TCPALT_ACK, TCPALT_ACK,
			     TCPALT_ACK | TCPALT_FIN, TCPALT_RST };
	struct tcpalt_hdr hdr = {
		.sport = 1, .dport = 2, .seq = 3, .ack = 4, .window = 5,
	}, back;
	struct tcpalt_opts got;
	u8 seg[TCPALT_HDR_MAX];
	size_t i;

	EXPECT_EQ(TCPALT_HDR_LEN, tcpalt_seg_hdr_len(TCPALT_ACK, NULL));
	for (i = 0; i < sizeof(flags); i++) {
		bool syn = flags[i] & TCPALT_SYN;

		hdr.flags = flags[i];
		hdr.doff = tcpalt_seg_hdr_len(hdr.flags, &o);
		EXPECT_EQ(TCPALT_HDR_LEN + (syn ? tcpalt_syn_opts_len(&o) :
						  tcpalt_opts_len(&o)),
			  hdr.doff);
		memset(seg, 0xee, sizeof(seg));
		tcpalt_build_seg_hdr(seg, &hdr, &o);
		ASSERT_EQ(TCPALT_PARSE_OK, tcpalt_parse_hdr(seg, hdr.doff, &back));
		EXPECT_EQ(hdr.seq, back.seq);
		EXPECT_EQ(hdr.ack, back.ack);
		EXPECT_EQ(hdr.flags, back.flags);
		EXPECT_EQ(hdr.window, back.window);
		EXPECT_EQ(hdr.doff, back.doff);
		ASSERT_EQ(TCPALT_PARSE_OK, tcpalt_parse_opts(seg, &back, &got));
		EXPECT_EQ(o.has_ts, got.has_ts);
		EXPECT_EQ(o.tsval, got.tsval);
		EXPECT_EQ(syn, got.has_mss);
		EXPECT_EQ(syn, got.has_wscale);
		EXPECT_EQ(syn ? 0 : 1, got.nr_sack);
	}
	hdr.flags = TCPALT_ACK;
	hdr.doff = TCPALT_HDR_LEN;
	tcpalt_build_seg_hdr(seg, &hdr, NULL);
	ASSERT_EQ(TCPALT_PARSE_OK, tcpalt_parse_hdr(seg, hdr.doff, &back));
	EXPECT_EQ(TCPALT_HDR_LEN, back.doff);
}

/* An MSS option of 0 could never be met: as if there were none. */
TEST(peer_mss_zero_is_no_option)
{
	EXPECT_EQ(TCPALT_DEFAULT_MSS, tcpalt_peer_mss(true, 0));
	EXPECT_EQ(TCPALT_DEFAULT_MSS, tcpalt_peer_mss(false, 1460));
	EXPECT_EQ(1, tcpalt_peer_mss(true, 1));
	EXPECT_EQ(65535, tcpalt_peer_mss(true, 65535));
}

/*
 * Every announced MSS, with and without the 12 bytes of timestamps: the
 * payload never wraps, never passes the route, and with its options
 * stays within the peer's MSS unless that is below the floor.
 */
TEST(snd_mss_every_peer_value)
{
	const u16 route = 1460;
	u32 peer;
	u8 opt;

	for (opt = 0; opt <= 12; opt += 12) {
		for (peer = 1; peer <= 65535; peer++) {
			u16 mss = tcpalt_snd_mss(peer, route, opt);
			u32 bound = peer < TCPALT_MIN_SND_MSS ?
				    TCPALT_MIN_SND_MSS : peer;

			ASSERT_GE(mss, TCPALT_MIN_SND_MSS - opt);
			ASSERT_LE(mss + opt, route);
			ASSERT_LE(mss + opt, bound);
		}
	}
}

/* The values the brief's peers announce, as TCP's tcp_mtu_to_mss() has them. */
TEST(snd_mss_like_tcp)
{
	EXPECT_EQ(36, tcpalt_snd_mss(1, 1460, 12));
	EXPECT_EQ(36, tcpalt_snd_mss(11, 1460, 12));
	EXPECT_EQ(48, tcpalt_snd_mss(12, 1460, 0));
	EXPECT_EQ(76, tcpalt_snd_mss(88, 1460, 12));
	EXPECT_EQ(524, tcpalt_snd_mss(536, 1460, 12));
	EXPECT_EQ(1448, tcpalt_snd_mss(65535, 1460, 12));
	EXPECT_EQ(1460, tcpalt_snd_mss(65535, 1460, 0));
	EXPECT_EQ(88, tcpalt_snd_mss(65535, 88, 0));
}

TEST_HARNESS_MAIN
