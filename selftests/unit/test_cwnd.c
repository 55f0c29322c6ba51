// SPDX-License-Identifier: GPL-2.0
/*
 * The congestion window's rules: slow start by bytes with L = 2,
 * congestion avoidance without overflow at any MSS, growth only when
 * the window held the sender back, the upper bound, loss and idle.
 */
#include "kselftest_harness.h"
#include "cwnd.h"

/* RFC 3465 section 2.2: an ACK grows the window by what it acks, up to 2 MSS. */
TEST(slow_start_abc)
{
	struct tcpalt_cwnd c = { .cwnd = 14480, .ssthresh = 0xffffffffu };

	tcpalt_cwnd_on_ack(&c, 1448, 1448, true);
	EXPECT_EQ(14480u + 1448, c.cwnd);
	tcpalt_cwnd_on_ack(&c, 2 * 1448, 1448, true);
	EXPECT_EQ(14480u + 3 * 1448, c.cwnd);
	/* A stretch ACK of 10 segments: still 2 MSS. */
	tcpalt_cwnd_on_ack(&c, 10 * 1448, 1448, true);
	EXPECT_EQ(14480u + 5 * 1448, c.cwnd);
	/* A small ACK counts its bytes, not a segment. */
	tcpalt_cwnd_on_ack(&c, 100, 1448, true);
	EXPECT_EQ(14480u + 5 * 1448 + 100, c.cwnd);
	tcpalt_cwnd_on_ack(&c, 0, 1448, true);
	EXPECT_EQ(14480u + 5 * 1448 + 100, c.cwnd);
}

/* Doubling per RTT: a window's worth of ACKs, one per two segments. */
TEST(slow_start_doubles_per_rtt)
{
	struct tcpalt_cwnd c = { .cwnd = 10 * 1448, .ssthresh = 0xffffffffu };
	u32 start = c.cwnd, acked;

	for (acked = 0; acked < start; acked += 2 * 1448)
		tcpalt_cwnd_on_ack(&c, 2 * 1448, 1448, true);
	EXPECT_EQ(2 * start, c.cwnd);
}

/* About one MSS per window of bytes acknowledged. */
TEST(avoidance_one_mss_per_rtt)
{
	struct tcpalt_cwnd c = { .cwnd = 100 * 1448, .ssthresh = 50 * 1448 };
	u32 start = c.cwnd;
	int i;

	for (i = 0; i < 100; i++)
		tcpalt_cwnd_on_ack(&c, 1448, 1448, true);
	EXPECT_EQ(start + 1448, c.cwnd);
	EXPECT_EQ(0u, c.ca_acked);
	/* Half a window more: no growth yet, the bytes wait. */
	for (i = 0; i < 50; i++)
		tcpalt_cwnd_on_ack(&c, 1448, 1448, true);
	EXPECT_EQ(start + 1448, c.cwnd);
	EXPECT_EQ(50u * 1448, c.ca_acked);
}

/*
 * Loopback's MSS: MSS * MSS is 2^32 - 2^17 + 1 and does not fit an int;
 * the window still grows by one MSS per window.
 */
TEST(avoidance_no_overflow_large_mss)
{
	u32 mss = 65535;
	struct tcpalt_cwnd c = { .cwnd = 4 * mss, .ssthresh = 2 * mss };
	int i;

	for (i = 0; i < 4; i++)
		tcpalt_cwnd_on_ack(&c, mss, mss, true);
	EXPECT_EQ(5u * mss, c.cwnd);
	/* The smallest window congestion avoidance knows, with that MSS. */
	c = (struct tcpalt_cwnd){ .cwnd = 2 * mss, .ssthresh = 2 * mss };
	tcpalt_cwnd_on_ack(&c, mss, mss, true);
	tcpalt_cwnd_on_ack(&c, mss, mss, true);
	EXPECT_EQ(3u * mss, c.cwnd);
}

/* At most one segment per ACK, even for an ACK of many windows. */
TEST(avoidance_huge_ack)
{
	struct tcpalt_cwnd c = { .cwnd = 10 * 1448, .ssthresh = 1448 };

	tcpalt_cwnd_on_ack(&c, 0x7fffffffu, 1448, true);
	EXPECT_EQ(11u * 1448, c.cwnd);
	EXPECT_LT(c.ca_acked, c.cwnd);
	tcpalt_cwnd_on_ack(&c, 0xffffffffu, 65535, true);
	EXPECT_EQ(11u * 1448 + 65535, c.cwnd);
	EXPECT_LT(c.ca_acked, c.cwnd);
}

/* No growth unless limited, in either phase. */
TEST(not_limited_no_growth)
{
	struct tcpalt_cwnd c = { .cwnd = 14480, .ssthresh = 0xffffffffu };

	tcpalt_cwnd_on_ack(&c, 2896, 1448, false);
	EXPECT_EQ(14480u, c.cwnd);
	c.ssthresh = 1448;
	tcpalt_cwnd_on_ack(&c, 14480, 1448, false);
	EXPECT_EQ(14480u, c.cwnd);
	EXPECT_EQ(0u, c.ca_acked);
}

TEST(limited_rule)
{
	/* Stopped for the window: limited whatever the flight. */
	EXPECT_TRUE(tcpalt_cwnd_limited(10000, 0xffffffffu, 0, true));
	EXPECT_TRUE(tcpalt_cwnd_limited(10000, 5000, 0, true));
	/* Slow start: half the window in flight is enough. */
	EXPECT_TRUE(tcpalt_cwnd_limited(10000, 0xffffffffu, 5000, false));
	EXPECT_FALSE(tcpalt_cwnd_limited(10000, 0xffffffffu, 4999, false));
	/* Congestion avoidance: the whole window. */
	EXPECT_TRUE(tcpalt_cwnd_limited(10000, 5000, 10000, false));
	EXPECT_FALSE(tcpalt_cwnd_limited(10000, 5000, 9999, false));
	/* No overflow in the doubling. */
	EXPECT_TRUE(tcpalt_cwnd_limited(0xfffffff0u, 0xffffffffu,
					0x7ffffff8u, false));
	EXPECT_FALSE(tcpalt_cwnd_limited(0xfffffff0u, 0xffffffffu,
					 0x7ffffff7u, false));
}

/* A window that could grow forever stops at the bound, in both phases. */
TEST(upper_bound)
{
	struct tcpalt_cwnd c = { .cwnd = 1448, .ssthresh = 0xffffffffu };
	long i;

	for (i = 0; i < 2000000; i++)
		tcpalt_cwnd_on_ack(&c, 65535, 65535, true);
	EXPECT_EQ(TCPALT_CWND_MAX, c.cwnd);
	c.ssthresh = 1448;
	for (i = 0; i < 100; i++)
		tcpalt_cwnd_on_ack(&c, 0xffffffffu, 65535, true);
	EXPECT_EQ(TCPALT_CWND_MAX, c.cwnd);
	/* The bound covers the largest window a peer can offer. */
	EXPECT_GE(TCPALT_CWND_MAX, 65535u << 14);
	EXPECT_LT(TCPALT_CWND_MAX, 1u << 31);
}

/* RFC 5681 equation (4). */
TEST(ssthresh_after_loss)
{
	EXPECT_EQ(50000u, tcpalt_ssthresh_after_loss(100000, 1448));
	EXPECT_EQ(2896u, tcpalt_ssthresh_after_loss(1448, 1448));
	EXPECT_EQ(2896u, tcpalt_ssthresh_after_loss(0, 1448));
	EXPECT_EQ(131070u, tcpalt_ssthresh_after_loss(65535, 65535));
	EXPECT_EQ(0x7fffffffu, tcpalt_ssthresh_after_loss(0xffffffffu, 65535));
}

/* RFC 5681 section 4.1: idle longer than the RTO restarts at the IW. */
TEST(restart_after_idle)
{
	u32 iw = 10 * 1448;

	EXPECT_EQ(100000u, tcpalt_cwnd_after_idle(100000, iw, 200000, 200000));
	EXPECT_EQ(iw, tcpalt_cwnd_after_idle(100000, iw, 200001, 200000));
	EXPECT_EQ(iw, tcpalt_cwnd_after_idle(100000, iw, ~0ULL, 200000));
	/* Never grows the window: a small one stays. */
	EXPECT_EQ(2896u, tcpalt_cwnd_after_idle(2896, iw, 10000000, 200000));
	EXPECT_EQ(100000u, tcpalt_cwnd_after_idle(100000, iw, 0, 200000));
}

TEST_HARNESS_MAIN
