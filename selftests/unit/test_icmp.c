// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors: which quoted sequence numbers are believed, and the MSS a
 * reported path MTU leaves.
 */
#include "kselftest_harness.h"
#include "icmp.h"

/* SND.UNA and SND.MAX themselves are in; one either side is out. */
TEST(seq_window_edges)
{
	EXPECT_TRUE(tcpalt_icmp_seq_ok(1000, 1000, 5000));
	EXPECT_TRUE(tcpalt_icmp_seq_ok(3000, 1000, 5000));
	EXPECT_TRUE(tcpalt_icmp_seq_ok(5000, 1000, 5000));
	EXPECT_FALSE(tcpalt_icmp_seq_ok(999, 1000, 5000));
	EXPECT_FALSE(tcpalt_icmp_seq_ok(5001, 1000, 5000));
	/* Half the sequence space away, either way. */
	EXPECT_FALSE(tcpalt_icmp_seq_ok(1000 + 0x80000000u, 1000, 5000));
	EXPECT_FALSE(tcpalt_icmp_seq_ok(1000 - 0x7fffffffu, 1000, 5000));
}

/* A SYN in flight: SND.UNA = ISS, SND.MAX = ISS + 1. */
TEST(seq_syn_sent)
{
	EXPECT_TRUE(tcpalt_icmp_seq_ok(0xfffffff0u, 0xfffffff0u, 0xfffffff1u));
	EXPECT_FALSE(tcpalt_icmp_seq_ok(0xfffffff2u, 0xfffffff0u,
					0xfffffff1u));
}

/* The window may wrap: seq on the far side of 2^32 is still in it. */
TEST(seq_window_wraps)
{
	EXPECT_TRUE(tcpalt_icmp_seq_ok(0xfffffff0u, 0xffffff00u, 0x100));
	EXPECT_TRUE(tcpalt_icmp_seq_ok(0x10, 0xffffff00u, 0x100));
	EXPECT_FALSE(tcpalt_icmp_seq_ok(0x101, 0xffffff00u, 0x100));
	EXPECT_FALSE(tcpalt_icmp_seq_ok(0xfffffeffu, 0xffffff00u, 0x100));
}

/* 1000-byte path, 20 of IP, 20 of header, 12 of timestamps: 948. */
TEST(pmtu_lowers)
{
	EXPECT_EQ(948u, tcpalt_pmtu_mss(1000, 52, 1448, 88));
	EXPECT_EQ(1240u, tcpalt_pmtu_mss(1280, 40, 1460, 88));
}

/* A larger or equal path MTU never raises the MSS. */
TEST(pmtu_never_raises)
{
	EXPECT_EQ(1448u, tcpalt_pmtu_mss(1500, 52, 1448, 88));
	EXPECT_EQ(1448u, tcpalt_pmtu_mss(9000, 52, 1448, 88));
	EXPECT_EQ(536u, tcpalt_pmtu_mss(1500, 40, 536, 88));
}

/* A tiny or nonsense MTU stops at the floor, without wrapping. */
TEST(pmtu_floor)
{
	EXPECT_EQ(88u, tcpalt_pmtu_mss(68, 52, 1448, 88));
	EXPECT_EQ(88u, tcpalt_pmtu_mss(0, 52, 1448, 88));
	EXPECT_EQ(88u, tcpalt_pmtu_mss(52, 52, 1448, 88));
	EXPECT_EQ(89u, tcpalt_pmtu_mss(141, 52, 1448, 88));
	/* The floor never lifts an MSS that is already below it. */
	EXPECT_EQ(64u, tcpalt_pmtu_mss(68, 52, 64, 88));
}

TEST_HARNESS_MAIN
