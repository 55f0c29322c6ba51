// SPDX-License-Identifier: GPL-2.0
/* Sequence number comparison modulo 2^32, across wraparound. */
#include "kselftest_harness.h"
#include "seq.h"

TEST(before_after_plain)
{
	EXPECT_TRUE(seq_before(1, 2));
	EXPECT_FALSE(seq_before(2, 1));
	EXPECT_TRUE(seq_after(2, 1));
	EXPECT_FALSE(seq_before(5, 5));
	EXPECT_FALSE(seq_after(5, 5));
	EXPECT_TRUE(seq_before_eq(5, 5));
	EXPECT_TRUE(seq_after_eq(5, 5));
}

TEST(across_wraparound)
{
	EXPECT_TRUE(seq_before(0xffffffffu, 0));
	EXPECT_TRUE(seq_after(0, 0xffffffffu));
	EXPECT_TRUE(seq_before(0xfffffff0u, 0x10));
	EXPECT_TRUE(seq_after(0x10, 0xfffffff0u));
	EXPECT_FALSE(seq_before_eq(0x10, 0xfffffff0u));
}

/* The sign of the distance decides, up to 2^31 - 1 either way. */
TEST(half_space_limit)
{
	EXPECT_TRUE(seq_before(0, 0x7fffffffu));
	EXPECT_TRUE(seq_after(0x7fffffffu, 0));
	EXPECT_TRUE(seq_after(0, 0x80000001u));
	EXPECT_TRUE(seq_before(0x80000001u, 0));
}

TEST(in_range)
{
	EXPECT_TRUE(seq_in_range(5, 5, 6));
	EXPECT_FALSE(seq_in_range(6, 5, 6));
	EXPECT_FALSE(seq_in_range(4, 5, 6));
	EXPECT_FALSE(seq_in_range(5, 5, 5));
	EXPECT_TRUE(seq_in_range(0, 0xfffffff0u, 0x10));
	EXPECT_TRUE(seq_in_range(0xfffffff0u, 0xfffffff0u, 0x10));
	EXPECT_FALSE(seq_in_range(0x10, 0xfffffff0u, 0x10));
	EXPECT_FALSE(seq_in_range(0x80000000u, 0xfffffff0u, 0x10));
}

TEST_HARNESS_MAIN
