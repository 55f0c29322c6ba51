// SPDX-License-Identifier: GPL-2.0
/*
 * Window arithmetic: the scale to offer, the window to advertise (never
 * shrinking, avoiding silly windows), the send window from a segment.
 */
#include "kselftest_harness.h"
#include "window.h"

TEST(wscale_for_buffer)
{
	EXPECT_EQ(0, tcpalt_wscale_for(0));
	EXPECT_EQ(0, tcpalt_wscale_for(65535));
	EXPECT_EQ(1, tcpalt_wscale_for(65536));
	EXPECT_EQ(1, tcpalt_wscale_for(131070));
	EXPECT_EQ(2, tcpalt_wscale_for(131071));
	/* Linux's default tcp_rmem maximum, 6 MB. */
	EXPECT_EQ(7, tcpalt_wscale_for(6291456));
	EXPECT_EQ(14, tcpalt_wscale_for(65535u << 14));
	EXPECT_EQ(14, tcpalt_wscale_for((65535u << 14) + 1));
	EXPECT_EQ(14, tcpalt_wscale_for(0xffffffffu));
}

/* The smallest shift that covers the space, at every boundary. */
TEST(wscale_smallest_cover)
{
	u32 space;
	u8 s;
	int k;

	for (k = 0; k < 32; k++) {
		space = 1u << k;
		s = tcpalt_wscale_for(space);
		if (s < 14)
			EXPECT_GE(65535ull << s, space);
		if (s > 0)
			EXPECT_LT(65535ull << (s - 1), space);
		s = tcpalt_wscale_for(space - 1);
		if (s > 0)
			EXPECT_LT(65535ull << (s - 1), space - 1);
	}
}

TEST(rcv_wnd_left)
{
	EXPECT_EQ(300u, tcpalt_rcv_wnd_left(1000, 500, 1200));
	EXPECT_EQ(0u, tcpalt_rcv_wnd_left(1000, 500, 1500));
	/* The peer overran the edge: nothing is left, not 2^32 - 100. */
	EXPECT_EQ(0u, tcpalt_rcv_wnd_left(1000, 500, 1600));
	EXPECT_EQ(0x30u, tcpalt_rcv_wnd_left(0xfffffff0u, 0x40, 0x0));
}

TEST(opens_to_free_space)
{
	EXPECT_EQ(65535u, tcpalt_select_rcv_wnd(0, 65535, 131072, 1460, 0));
	EXPECT_EQ(20000u, tcpalt_select_rcv_wnd(0, 20000, 131072, 1460, 0));
	/* Capped at what the field can say. */
	EXPECT_EQ(65535u, tcpalt_select_rcv_wnd(0, 1 << 20, 1 << 21, 1460, 0));
	EXPECT_EQ(65535u << 2,
		  tcpalt_select_rcv_wnd(0, 1 << 30, 1 << 30, 1460, 2));
}

/* RFC 9293 section 3.8.6: the right edge never moves left. */
TEST(never_shrinks)
{
	EXPECT_EQ(10000u, tcpalt_select_rcv_wnd(10000, 5000, 131072, 1460, 0));
	EXPECT_EQ(10000u, tcpalt_select_rcv_wnd(10000, 0, 131072, 1460, 0));
	/*
	 * Scaled: the edge we honor stays exact; the field, truncated,
	 * shows the peer a little less (RFC 7323 section 2.4).
	 */
	EXPECT_EQ(1000u, tcpalt_select_rcv_wnd(1000, 500, 131072, 1460, 7));
	EXPECT_EQ(7u, tcpalt_select_rcv_wnd(1000, 500, 131072, 1460, 7) >> 7);
	EXPECT_EQ(1u, tcpalt_select_rcv_wnd(1, 0, 131072, 1460, 14));
}

/* RFC 9293 section 3.8.6.2.2: grow by min(RCV.BUFF / 2, MSS) or not. */
TEST(receiver_sws_avoidance)
{
	u32 buf = 100000, mss = 1460;

	EXPECT_EQ(10000u, tcpalt_select_rcv_wnd(10000, 10500, buf, mss, 0));
	EXPECT_EQ(10000u, tcpalt_select_rcv_wnd(10000, 11459, buf, mss, 0));
	EXPECT_EQ(11460u, tcpalt_select_rcv_wnd(10000, 11460, buf, mss, 0));
	/* A zero window opens only by a full MSS. */
	EXPECT_EQ(0u, tcpalt_select_rcv_wnd(0, 1459, buf, mss, 0));
	EXPECT_EQ(1460u, tcpalt_select_rcv_wnd(0, 1460, buf, mss, 0));
	/* A small buffer: half of it is the threshold. */
	EXPECT_EQ(0u, tcpalt_select_rcv_wnd(0, 999, 2000, mss, 0));
	EXPECT_EQ(1000u, tcpalt_select_rcv_wnd(0, 1000, 2000, mss, 0));
}

TEST(scaled_window_rounds_down)
{
	u32 w = tcpalt_select_rcv_wnd(0, 100000, 1 << 20, 1460, 7);

	EXPECT_EQ(99968u, w);
	EXPECT_EQ(781u, w >> 7);
	/* Growth counts after rounding: 1024 is 24 more, 1152 is 152. */
	EXPECT_EQ(1000u, tcpalt_select_rcv_wnd(1000, 1100, 1 << 20, 50, 7));
	EXPECT_EQ(1152u, tcpalt_select_rcv_wnd(1000, 1200, 1 << 20, 50, 7));
}

/* A caller that got cur_wnd wrong still gets a field that fits. */
TEST(cur_beyond_max)
{
	EXPECT_EQ(65535u, tcpalt_select_rcv_wnd(70000, 0, 1 << 20, 1460, 0));
}

/* A tiny LCG, so the simulation below is the same on every run. */
static u32 lcg(u32 *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

/*
 * A receiver whose reader drains at random while a sender fills every
 * byte offered: the right edge never moves left, never moves right by a
 * silly amount, and the data never exceeds the buffer.
 */
TEST(simulated_receiver)
{
	static const u8 scales[] = { 0, 1, 7, 14 };
	u32 rnd = 1, buf, mss, used, nxt, wup, wnd, edge, new_edge, sent;
	u32 unit, sws, room, left;
	int i, opened = 0;
	size_t k;

	for (k = 0; k < ARRAY_SIZE(scales); k++) {
		unit = 1u << scales[k];
		buf = 200000 + unit;
		mss = 1460;
		sws = mss;
		used = 0;
		nxt = 0xffff0000u;	/* wraps during the run */
		wup = nxt;
		wnd = tcpalt_select_rcv_wnd(0, buf, buf, mss, scales[k]);
		for (i = 0; i < 20000; i++) {
			/*
			 * The peer sees the field, truncated, but may have
			 * sent to an older edge: fill all we honor.
			 */
			room = tcpalt_rcv_wnd_left(wup, wnd, nxt);
			sent = lcg(&rnd) % (mss + 1);
			if (sent > room)
				sent = room;
			nxt += sent;
			used += sent;
			ASSERT_LE(used, buf);
			used -= lcg(&rnd) % 3 ? 0 : lcg(&rnd) % (used + 1);
			edge = wup + wnd;
			left = tcpalt_rcv_wnd_left(wup, wnd, nxt);
			wnd = tcpalt_select_rcv_wnd(left, buf - used, buf, mss,
						    scales[k]);
			wup = nxt;
			new_edge = wup + wnd;
			ASSERT_GE((int)(new_edge - edge), 0)
				TH_LOG("scale %u step %d", scales[k], i);
			if (new_edge != edge) {
				ASSERT_GE(new_edge - edge, sws)
					TH_LOG("scale %u step %d: +%u",
					       scales[k], i, new_edge - edge);
				/* A new window is exact in the field. */
				ASSERT_EQ(0u, wnd & (unit - 1));
			}
			opened += new_edge != edge;
		}
	}
	/* The run did exercise the window opening. */
	EXPECT_GT(opened, 1000);
}

TEST(syn_window_unscaled)
{
	EXPECT_EQ(100, tcpalt_syn_wnd_field(100));
	EXPECT_EQ(65535, tcpalt_syn_wnd_field(65535));
	EXPECT_EQ(65535, tcpalt_syn_wnd_field(65536));
	EXPECT_EQ(65535, tcpalt_syn_wnd_field(6291456));
}

/* RFC 7323 section 2.2: scaled, except the window of a SYN. */
TEST(send_window)
{
	EXPECT_EQ(128000u, tcpalt_snd_wnd(1000, 7, false));
	EXPECT_EQ(1000u, tcpalt_snd_wnd(1000, 7, true));
	EXPECT_EQ(65535u, tcpalt_snd_wnd(65535, 0, false));
	EXPECT_EQ(65535u << 14, tcpalt_snd_wnd(65535, 14, false));
	EXPECT_EQ(65535u, tcpalt_snd_wnd(65535, 14, true));
	/* A shift above 14 from a peer is taken as 14. */
	EXPECT_EQ(1u << 14, tcpalt_snd_wnd(1, 15, false));
	EXPECT_EQ(1u << 14, tcpalt_snd_wnd(1, 255, false));
}

/* RFC 9293 section 3.10.7.4: only a segment no older than the last. */
TEST(send_window_update)
{
	/* Newer sequence number. */
	EXPECT_TRUE(tcpalt_snd_wnd_update_ok(101, 50, 100, 60));
	/* Same sequence number, same or newer ACK. */
	EXPECT_TRUE(tcpalt_snd_wnd_update_ok(100, 60, 100, 60));
	EXPECT_TRUE(tcpalt_snd_wnd_update_ok(100, 61, 100, 60));
	EXPECT_FALSE(tcpalt_snd_wnd_update_ok(100, 59, 100, 60));
	/* Older sequence number: a reordered segment's old window. */
	EXPECT_FALSE(tcpalt_snd_wnd_update_ok(99, 1000, 100, 60));
	/* Across wraparound. */
	EXPECT_TRUE(tcpalt_snd_wnd_update_ok(5, 0, 0xfffffff0u, 0));
	EXPECT_FALSE(tcpalt_snd_wnd_update_ok(0xffffffefu, 0, 0xfffffff0u, 0));
	EXPECT_TRUE(tcpalt_snd_wnd_update_ok(7, 3, 7, 0xfffffffeu));
	EXPECT_FALSE(tcpalt_snd_wnd_update_ok(7, 0xfffffffdu, 7, 0xfffffffeu));
}

/* The window the buffer pays for, at the measured payload ratio. */
TEST(win_from_space)
{
	EXPECT_EQ(65536u, tcpalt_win_from_space(131072, 128));
	EXPECT_EQ(0u, tcpalt_win_from_space(0, 128));
	EXPECT_EQ(0u, tcpalt_win_from_space(-5000, 128));
	EXPECT_EQ(0u, tcpalt_win_from_space(131072, 0));
	/* A 64 KiB linear skb costs 128 KiB and more: a bit under half. */
	EXPECT_EQ(127u * 1024, tcpalt_win_from_space(262144, 127));
	/* Large buffers do not overflow. */
	EXPECT_EQ(0x3fc00000u, tcpalt_win_from_space(1LL << 30, 255));
}

/* Dynamic right-sizing: grow only when the reader read more. */
TEST(drs_rcvbuf)
{
	u32 max = 6291456;

	EXPECT_EQ(0u, tcpalt_drs_rcvbuf(100000, 100000, 1448, 128, max));
	EXPECT_EQ(0u, tcpalt_drs_rcvbuf(50000, 100000, 1448, 128, max));
	/* Steady climb from nothing: 2 RTTs plus 16 segments, as truesize. */
	EXPECT_EQ(2u * (2 * 100000 + 16 * 1448),
		  tcpalt_drs_rcvbuf(100000, 0, 1448, 128, max));
	/* Doubling per RTT (slow start): twice the growth on top. */
	EXPECT_EQ(2u * 3 * (2 * 100000 + 16 * 1448),
		  tcpalt_drs_rcvbuf(100000, 50000, 1448, 128, max));
	/* Never past the maximum, even for absurd rates. */
	EXPECT_EQ(max, tcpalt_drs_rcvbuf(0xffffffffu, 1, 65535, 1, max));
	EXPECT_EQ(0u, tcpalt_drs_rcvbuf(100000, 0, 1448, 0, max));
}

TEST_HARNESS_MAIN
