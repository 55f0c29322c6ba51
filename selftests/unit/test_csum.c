// SPDX-License-Identifier: GPL-2.0
/* The Internet checksum (RFC 1071) and the IPv4 pseudo-header. */
#include <string.h>

#include "kselftest_harness.h"
#include "csum.h"

/* RFC 1071 section 3: these bytes sum to 0xddf2. */
TEST(rfc1071_example)
{
	const u8 buf[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	EXPECT_EQ(0xddf2, tcpalt_csum_add(0, buf, sizeof(buf)) & 0xffff);
	EXPECT_EQ((u16)~0xddf2, tcpalt_csum_fold(tcpalt_csum_add(0, buf, 8)));
}

/* An odd trailing byte is padded with a zero byte on its right. */
TEST(odd_length)
{
	const u8 odd[] = { 0x12, 0x34, 0x56 };
	const u8 even[] = { 0x12, 0x34, 0x56, 0x00 };

	EXPECT_EQ(tcpalt_csum_add(0, even, 4), tcpalt_csum_add(0, odd, 3));
	EXPECT_EQ(0x6834, tcpalt_csum_add(0, odd, 3));
}

/* Many carries: 10000 words of 0xffff still fold to 0xffff. */
TEST(carries_fold)
{
	static u8 ones[20000];

	memset(ones, 0xff, sizeof(ones));
	EXPECT_EQ(0, tcpalt_csum_fold(tcpalt_csum_add(0, ones, sizeof(ones))));
}

/*
 * A SYN from 10.0.0.1:40000 to 10.0.0.2:80 on protocol 6.  The expected
 * value was computed independently of this code (a short script summing
 * the pseudo-header and segment as big-endian words); the finished segment
 * must then verify to 0.
 */
TEST(segment_roundtrip)
{
	const u8 src[4] = { 10, 0, 0, 1 }, dst[4] = { 10, 0, 0, 2 };
	u8 seg[20] = { 0x9c, 0x40, 0x00, 0x50, 0x12, 0x34, 0x56, 0x78,
		       0, 0, 0, 0, 0x50, 0x02, 0xfa, 0xf0, 0, 0, 0, 0 };
	u16 c = tcpalt_segment_csum(src, dst, 6, seg, sizeof(seg));

	EXPECT_EQ(0x9bb2, c);
	seg[16] = c >> 8;
	seg[17] = c & 0xff;
	EXPECT_EQ(0, tcpalt_segment_csum(src, dst, 6, seg, sizeof(seg)));
}

/* The protocol byte of the pseudo-header matters: 253 is not 6. */
TEST(protocol_in_pseudo_header)
{
	const u8 src[4] = { 10, 0, 0, 1 }, dst[4] = { 10, 0, 0, 2 };
	u8 seg[20] = { 0x9c, 0x40, 0x00, 0x50, 0x12, 0x34, 0x56, 0x78,
		       0, 0, 0, 0, 0x50, 0x02, 0xfa, 0xf0, 0, 0, 0, 0 };

	u16 c = tcpalt_segment_csum(src, dst, 6, seg, sizeof(seg));

	seg[16] = c >> 8;
	seg[17] = c & 0xff;
	EXPECT_EQ(0, tcpalt_segment_csum(src, dst, 6, seg, sizeof(seg)));
	EXPECT_NE(0, tcpalt_segment_csum(src, dst, 253, seg, sizeof(seg)));
}

/* A single flipped bit anywhere is detected. */
TEST(detects_bit_flip)
{
	const u8 src[4] = { 192, 168, 1, 1 }, dst[4] = { 192, 168, 1, 2 };
	u8 seg[33];
	u16 c;
	size_t i;

	for (i = 0; i < sizeof(seg); i++)
		seg[i] = (u8)(i * 37 + 11);
	seg[16] = seg[17] = 0;
	c = tcpalt_segment_csum(src, dst, 253, seg, sizeof(seg));
	seg[16] = c >> 8;
	seg[17] = c & 0xff;
	ASSERT_EQ(0, tcpalt_segment_csum(src, dst, 253, seg, sizeof(seg)));
	for (i = 0; i < sizeof(seg) * 8; i++) {
		seg[i / 8] ^= 1 << (i % 8);
		EXPECT_NE(0, tcpalt_segment_csum(src, dst, 253, seg,
						 sizeof(seg)));
		seg[i / 8] ^= 1 << (i % 8);
	}
}

TEST_HARNESS_MAIN
