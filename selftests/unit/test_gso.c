// SPDX-License-Identifier: GPL-2.0
/*
 * The header of each segment cut from a super-segment, and the rules for
 * merging received ones (core/gso.c).
 */
#include "kselftest_harness.h"
#include "gso.h"

static const struct tcpalt_hdr whole = {
	.sport = 4000, .dport = 80, .seq = 1000, .ack = 77, .doff = 32,
	.flags = TCPALT_ACK | TCPALT_PSH | TCPALT_FIN | TCPALT_CWR,
	.window = 512,
};

TEST(piece_count)
{
	EXPECT_EQ(1, tcpalt_gso_pieces(0, 1448));
	EXPECT_EQ(1, tcpalt_gso_pieces(1, 1448));
	EXPECT_EQ(1, tcpalt_gso_pieces(1448, 1448));
	EXPECT_EQ(2, tcpalt_gso_pieces(1449, 1448));
	EXPECT_EQ(45, tcpalt_gso_pieces(45 * 1448, 1448));
	EXPECT_EQ(65455, tcpalt_gso_pieces(65455, 1));
	EXPECT_EQ(1, tcpalt_gso_pieces(65455, 65483));
}

/* One piece is the whole: nothing changes. */
TEST(single_piece_keeps_everything)
{
	struct tcpalt_hdr p;

	tcpalt_gso_piece_hdr(&whole, 1448, 0, 1, &p);
	EXPECT_EQ(0, memcmp(&p, &whole, sizeof(p)));
}

/* CWR on the first only, PSH and FIN on the last only; the rest copied. */
TEST(flags_at_the_ends)
{
	struct tcpalt_hdr p;
	u32 i, n = 45;

	for (i = 0; i < n; i++) {
		u8 want = TCPALT_ACK;

		tcpalt_gso_piece_hdr(&whole, 1448, i, n, &p);
		if (i == 0)
			want |= TCPALT_CWR;
		if (i == n - 1)
			want |= TCPALT_PSH | TCPALT_FIN;
		EXPECT_EQ(want, p.flags);
		EXPECT_EQ(whole.ack, p.ack);
		EXPECT_EQ(whole.window, p.window);
		EXPECT_EQ(whole.doff, p.doff);
		EXPECT_EQ(whole.sport, p.sport);
		EXPECT_EQ(whole.dport, p.dport);
	}
}

/* The pieces tile the whole's sequence space, across wraparound too. */
TEST(pieces_tile_the_sequence_space)
{
	u32 starts[] = { 1000, 0xffffffffu - 3000, 0xffffffffu };
	u32 mss = 1448, len = 10 * 1448 + 100, n, i, s;
	struct tcpalt_hdr w = whole, p;

	n = tcpalt_gso_pieces(len, mss);
	ASSERT_EQ(11, n);
	for (s = 0; s < sizeof(starts) / sizeof(starts[0]); s++) {
		u32 next = starts[s];

		w.seq = starts[s];
		for (i = 0; i < n; i++) {
			tcpalt_gso_piece_hdr(&w, mss, i, n, &p);
			EXPECT_EQ(next, p.seq);
			next = p.seq + (i + 1 < n ? mss : len - i * mss);
		}
		EXPECT_EQ((u32)(starts[s] + len), next);
	}
}

/* Flags the ends do not own pass to every piece unchanged. */
TEST(other_flags_everywhere)
{
	struct tcpalt_hdr w = whole, p;
	u32 i;

	w.flags = TCPALT_ACK | TCPALT_ECE | TCPALT_URG;
	for (i = 0; i < 3; i++) {
		tcpalt_gso_piece_hdr(&w, 100, i, 3, &p);
		EXPECT_EQ(w.flags, p.flags);
	}
}

/* A wire header with a timestamp option: 32 bytes. */
static void gro_hdr(u8 *h, u32 seq, u8 flags, u32 tsval)
{
	static const u8 ts[12] = { 1, 1, 8, 10 };

	memset(h, 0, 32);
	tcpalt_put_be16(h, 4000);
	tcpalt_put_be16(h + 2, 80);
	tcpalt_put_be32(h + 4, seq);
	tcpalt_put_be32(h + 8, 77);
	h[12] = 8 << 4;
	h[13] = flags;
	tcpalt_put_be16(h + 14, 512);
	memcpy(h + 20, ts, sizeof(ts));
	tcpalt_put_be32(h + 24, tsval);
}

/* The next segment of a train joins; a gap, an overlap or a repeat not. */
TEST(gro_joins_only_the_next_bytes)
{
	u8 held[32], seg[32];

	gro_hdr(held, 1000, TCPALT_ACK, 5);
	gro_hdr(seg, 1000 + 2 * 1448, TCPALT_ACK, 5);
	EXPECT_TRUE(tcpalt_gro_joins(held, 2 * 1448, 1448, seg, 1448));
	EXPECT_TRUE(tcpalt_gro_joins(held, 2 * 1448, 1448, seg, 1));
	EXPECT_FALSE(tcpalt_gro_joins(held, 1448, 1448, seg, 1448));
	EXPECT_FALSE(tcpalt_gro_joins(held, 3 * 1448, 1448, seg, 1448));
	gro_hdr(seg, 1000, TCPALT_ACK, 5);
	EXPECT_FALSE(tcpalt_gro_joins(held, 2 * 1448, 1448, seg, 1448));
	/* Wrapping sequence numbers are no gap. */
	gro_hdr(held, 0xfffffa00, TCPALT_ACK, 5);
	gro_hdr(seg, 0xfffffa00 + 1448, TCPALT_ACK, 5);
	EXPECT_TRUE(tcpalt_gro_joins(held, 1448, 1448, seg, 1448));
}

/* Longer than the held segments, or empty: the merged one could not be cut. */
TEST(gro_length_bounds)
{
	u8 held[32], seg[32];

	gro_hdr(held, 1000, TCPALT_ACK, 5);
	gro_hdr(seg, 2448, TCPALT_ACK, 5);
	EXPECT_FALSE(tcpalt_gro_joins(held, 1448, 1448, seg, 1449));
	EXPECT_FALSE(tcpalt_gro_joins(held, 1448, 1448, seg, 0));
	EXPECT_TRUE(tcpalt_gro_joins(held, 1448, 1448, seg, 1448));
}

/* Another ACK, another timestamp or another header length: no merge. */
TEST(gro_header_must_match)
{
	u8 held[32], seg[32];

	gro_hdr(held, 1000, TCPALT_ACK, 5);
	gro_hdr(seg, 2448, TCPALT_ACK, 6);
	EXPECT_FALSE(tcpalt_gro_joins(held, 1448, 1448, seg, 1448));
	gro_hdr(seg, 2448, TCPALT_ACK, 5);
	tcpalt_put_be32(seg + 8, 78);
	EXPECT_FALSE(tcpalt_gro_joins(held, 1448, 1448, seg, 1448));
	gro_hdr(seg, 2448, TCPALT_ACK, 5);
	seg[12] = 7 << 4;
	EXPECT_FALSE(tcpalt_gro_joins(held, 1448, 1448, seg, 1448));
	/* The window and the checksum may differ. */
	gro_hdr(seg, 2448, TCPALT_ACK, 5);
	tcpalt_put_be16(seg + 14, 1024);
	tcpalt_put_be16(seg + 16, 0xbeef);
	EXPECT_TRUE(tcpalt_gro_joins(held, 1448, 1448, seg, 1448));
}

/*
 * PSH and FIN may end a train and CWR start one; every other flag must
 * be the held segment's.
 */
TEST(gro_flags)
{
	u8 held[32], seg[32];

	gro_hdr(held, 1000, TCPALT_ACK, 5);
	gro_hdr(seg, 2448, TCPALT_ACK | TCPALT_PSH | TCPALT_FIN, 5);
	EXPECT_TRUE(tcpalt_gro_joins(held, 1448, 1448, seg, 1448));
	gro_hdr(seg, 2448, TCPALT_ACK | TCPALT_CWR, 5);
	EXPECT_FALSE(tcpalt_gro_joins(held, 1448, 1448, seg, 1448));
	gro_hdr(seg, 2448, TCPALT_ACK | TCPALT_ECE, 5);
	EXPECT_FALSE(tcpalt_gro_joins(held, 1448, 1448, seg, 1448));
	gro_hdr(seg, 2448, TCPALT_ACK | TCPALT_URG, 5);
	EXPECT_FALSE(tcpalt_gro_joins(held, 1448, 1448, seg, 1448));
	gro_hdr(held, 1000, TCPALT_ACK | TCPALT_CWR, 5);
	gro_hdr(seg, 2448, TCPALT_ACK, 5);
	EXPECT_TRUE(tcpalt_gro_joins(held, 1448, 1448, seg, 1448));
}

/* A short segment or an urgent flag delivers the train at once. */
TEST(gro_train_ends)
{
	u8 seg[32];

	gro_hdr(seg, 1000, TCPALT_ACK, 5);
	EXPECT_FALSE(tcpalt_gro_ends(seg, 1448, 1448));
	EXPECT_TRUE(tcpalt_gro_ends(seg, 1447, 1448));
	EXPECT_TRUE(tcpalt_gro_ends(seg, 0, 1));
	EXPECT_FALSE(tcpalt_gro_ends(seg, 1, 1));
	seg[13] |= TCPALT_PSH;
	EXPECT_TRUE(tcpalt_gro_ends(seg, 1448, 1448));
	gro_hdr(seg, 1000, TCPALT_ACK | TCPALT_FIN, 5);
	EXPECT_TRUE(tcpalt_gro_ends(seg, 1448, 1448));
	gro_hdr(seg, 1000, TCPALT_SYN, 5);
	EXPECT_TRUE(tcpalt_gro_ends(seg, 1448, 1448));
	gro_hdr(seg, 1000, TCPALT_RST, 5);
	EXPECT_TRUE(tcpalt_gro_ends(seg, 1448, 1448));
	gro_hdr(seg, 1000, TCPALT_ACK | TCPALT_URG, 5);
	EXPECT_TRUE(tcpalt_gro_ends(seg, 1448, 1448));
	gro_hdr(seg, 1000, TCPALT_ACK | TCPALT_CWR | TCPALT_ECE, 5);
	EXPECT_FALSE(tcpalt_gro_ends(seg, 1448, 1448));
}

TEST_HARNESS_MAIN
