// SPDX-License-Identifier: GPL-2.0
/*
 * The ACK policy: every two full segments by bytes, quick ACKs at the
 * start, out of order at once, and the ping-pong mode that lets the ACK
 * ride on the answer.
 */
#include "kselftest_harness.h"
#include "ackpolicy.h"

static struct tcpalt_ack_view view(u32 unacked, u32 seg_mss)
{
	return (struct tcpalt_ack_view){ .unacked = unacked,
					 .seg_mss = seg_mss };
}

TEST(two_full_segments_by_bytes)
{
	struct tcpalt_ack_view v = view(1448, 1448);

	EXPECT_FALSE(tcpalt_ack_on_data(&v));
	v.unacked = 2 * 1448 - 1;
	EXPECT_FALSE(tcpalt_ack_on_data(&v));
	v.unacked = 2 * 1448;
	EXPECT_TRUE(tcpalt_ack_on_data(&v));
	/* One 64 KiB GRO segment of 1448-byte segments: one ACK at once. */
	v.unacked = 65160;
	EXPECT_TRUE(tcpalt_ack_on_data(&v));
	/* Loopback's MSS: 2 * 65495 does not fit 16 bits, and need not. */
	v = view(65495, 65495);
	EXPECT_FALSE(tcpalt_ack_on_data(&v));
	v.unacked = 2 * 65495;
	EXPECT_TRUE(tcpalt_ack_on_data(&v));
	/* No overflow for the largest values. */
	v = view(0xffffffffu, 0xffffffffu);
	EXPECT_FALSE(tcpalt_ack_on_data(&v));
}

/* A window of under two segments: ACK once half of it is used. */
TEST(half_window_at_once)
{
	struct tcpalt_ack_view v = view(65483, 65483);

	v.wnd = 105664;
	EXPECT_TRUE(tcpalt_ack_on_data(&v));
	v.unacked = 52831;
	EXPECT_FALSE(tcpalt_ack_on_data(&v));
	v.unacked = 52832;
	EXPECT_TRUE(tcpalt_ack_on_data(&v));
	/* A large window: two segments still decide. */
	v = view(1448, 1448);
	v.wnd = 6000000;
	EXPECT_FALSE(tcpalt_ack_on_data(&v));
	/* No window known yet: no rule. */
	v.wnd = 0;
	EXPECT_FALSE(tcpalt_ack_on_data(&v));
}

TEST(out_of_order_at_once)
{
	struct tcpalt_ack_view v = view(10, 1448);

	v.now = true;
	v.pingpong = true;
	EXPECT_TRUE(tcpalt_ack_on_data(&v));
}

TEST(quick_acks_unless_pingpong)
{
	struct tcpalt_ack_view v = view(1, 1448);

	v.quick = 1;
	EXPECT_TRUE(tcpalt_ack_on_data(&v));
	v.pingpong = true;
	EXPECT_FALSE(tcpalt_ack_on_data(&v));
	v.quick = 0;
	v.pingpong = false;
	EXPECT_FALSE(tcpalt_ack_on_data(&v));
}

TEST(after_read)
{
	struct tcpalt_ack_view v = view(100, 1448);

	/* Bulk: the read drained the queue, do not wait for the timer. */
	EXPECT_TRUE(tcpalt_ack_after_read(&v, true));
	EXPECT_FALSE(tcpalt_ack_after_read(&v, false));
	/* Interactive: wait for the answer to carry it. */
	v.pingpong = true;
	EXPECT_FALSE(tcpalt_ack_after_read(&v, true));
	/* But never sit on two full segments. */
	v.unacked = 2896;
	EXPECT_TRUE(tcpalt_ack_after_read(&v, false));
	/* Nothing owed, nothing sent. */
	v = view(0, 1448);
	EXPECT_FALSE(tcpalt_ack_after_read(&v, true));
}

TEST(pingpong_when_answered_soon)
{
	EXPECT_TRUE(tcpalt_ack_pingpong(0, 10));
	EXPECT_TRUE(tcpalt_ack_pingpong(9, 10));
	EXPECT_FALSE(tcpalt_ack_pingpong(10, 10));
	EXPECT_FALSE(tcpalt_ack_pingpong(0x80000000u, 10));
}

TEST(seg_mss_estimate)
{
	/* The largest seen, bounded by what we announced. */
	EXPECT_EQ(536u, tcpalt_ack_seg_mss(536, 100, 0, 1460, 88));
	EXPECT_EQ(1448u, tcpalt_ack_seg_mss(536, 1448, 0, 1460, 88));
	EXPECT_EQ(1460u, tcpalt_ack_seg_mss(536, 3000, 0, 1460, 88));
	/* A GRO segment counts as its segments. */
	EXPECT_EQ(1448u, tcpalt_ack_seg_mss(536, 65160, 1448, 1460, 88));
	/* Never below the minimum. */
	EXPECT_EQ(88u, tcpalt_ack_seg_mss(0, 1, 0, 1460, 88));
	EXPECT_EQ(65483u, tcpalt_ack_seg_mss(536, 65483, 0, 65495, 88));
}

TEST_HARNESS_MAIN
