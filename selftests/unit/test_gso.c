// SPDX-License-Identifier: GPL-2.0
/* The header of each segment cut from a super-segment (core/gso.c). */
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

TEST_HARNESS_MAIN
