// SPDX-License-Identifier: GPL-2.0
/*
 * The SYN cookie codec: SipHash-2-4 against the paper's vectors, a round
 * trip for every MSS and option combination, and the rejections: too old,
 * one bit flipped, another 4-tuple or ISN, a secret rotated away.
 */
#include "kselftest_harness.h"
#include "cookie.h"

static struct tcpalt_cookie_keys keys = {
	.key = {
		{ 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL },
		{ 0x1716151413121110ULL, 0x1f1e1d1c1b1a1918ULL },
	},
};

static const struct tcpalt_cookie_flow flow = {
	.saddr = 0x0a000001,
	.daddr = 0x0a000002,
	.sport = 40000,
	.dport = 5000,
	.peer_isn = 0x12345678,
};

/* SipHash paper, appendix A and the reference vectors.h. */
TEST(siphash_reference_vectors)
{
	const struct tcpalt_cookie_key *k = &keys.key[0];
	u8 msg[15];
	size_t i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (u8)i;
	EXPECT_EQ(0x726fdb47dd0e0e31ULL, tcpalt_siphash(k, msg, 0));
	EXPECT_EQ(0xa129ca6149be45e5ULL, tcpalt_siphash(k, msg, 15));
}

static u16 expected_mss(u16 mss)
{
	int i;

	for (i = TCPALT_COOKIE_MSS_COUNT - 1; i > 0; i--)
		if (tcpalt_cookie_mss[i] <= mss)
			break;
	return tcpalt_cookie_mss[i];
}

/* Makes a cookie at count and checks it at now; the verdict. */
static bool round_trip(const struct tcpalt_cookie_opts *in, u32 count,
		       u32 now, struct tcpalt_cookie_opts *out)
{
	u32 ts_bits = 0, cookie;

	cookie = tcpalt_cookie_make(&keys, &flow, in, count, &ts_bits);
	return tcpalt_cookie_check(&keys, &flow, cookie, now, in->ts,
				   0xabcdef00 | ts_bits, out);
}

TEST(round_trip_every_mss_and_option)
{
	static const u16 mss[] = { 88, 100, 535, 536, 1000, 1220, 1300, 1360,
				   1400, 1440, 1452, 1459, 1460, 8960, 65535 };
	static const u32 counts[] = { 0, 1, 2, 3, 1000, 0xffffffffu };
	struct tcpalt_cookie_opts in, out;
	int m, ts, ws, sack, c, age;

	for (m = 0; m < (int)ARRAY_SIZE(mss); m++)
	for (ts = 0; ts <= 1; ts++)
	for (ws = -1; ws <= 14; ws++)
	for (sack = 0; sack <= 1; sack++)
	for (c = 0; c < (int)ARRAY_SIZE(counts); c++)
	for (age = 0; age <= 1; age++) {
		in = (struct tcpalt_cookie_opts){
			.mss = mss[m], .ts = ts, .wscale_ok = ws >= 0,
			.wscale = ws >= 0 ? ws : 0, .sack_ok = sack,
		};
		memset(&out, 0xff, sizeof(out));
		ASSERT_TRUE(round_trip(&in, counts[c], counts[c] + age, &out))
			TH_LOG("mss %u ts %d ws %d sack %d count %u age %d",
			       mss[m], ts, ws, sack, counts[c], age);
		ASSERT_EQ(expected_mss(mss[m]), out.mss);
		ASSERT_EQ(in.ts, out.ts);
		ASSERT_EQ(in.wscale_ok, out.wscale_ok);
		ASSERT_EQ(in.wscale, out.wscale);
		ASSERT_EQ(in.sack_ok, out.sack_ok);
	}
}

TEST(rejected_after_validity_window)
{
	struct tcpalt_cookie_opts in = { .mss = 1460, .sack_ok = true };
	struct tcpalt_cookie_opts out;
	u32 count = 77, age;

	for (age = 2; age < 10; age++)
		EXPECT_FALSE(round_trip(&in, count, count + age, &out))
			TH_LOG("age %u", age);
	/* Nor from a counter not reached yet. */
	EXPECT_FALSE(round_trip(&in, count, count - 1, &out));
}

TEST(rejected_with_any_bit_flipped)
{
	struct tcpalt_cookie_opts in = { .mss = 1460, .wscale_ok = true,
					 .wscale = 7, .sack_ok = true };
	struct tcpalt_cookie_opts out;
	u32 cookie, ts_bits = 0;
	int ts, bit;

	for (ts = 0; ts <= 1; ts++) {
		in.ts = ts;
		cookie = tcpalt_cookie_make(&keys, &flow, &in, 5, &ts_bits);
		ASSERT_TRUE(tcpalt_cookie_check(&keys, &flow, cookie, 5, ts,
						ts_bits, &out));
		for (bit = 0; bit < 32; bit++)
			EXPECT_FALSE(tcpalt_cookie_check(&keys, &flow,
							 cookie ^ 1U << bit,
							 5, ts, ts_bits, &out))
				TH_LOG("ts %d bit %d", ts, bit);
	}
}

TEST(rejected_for_another_flow)
{
	struct tcpalt_cookie_opts in = { .mss = 1460, .ts = true };
	struct tcpalt_cookie_flow other;
	struct tcpalt_cookie_opts out;
	u32 cookie, ts_bits = 0;
	int field;

	cookie = tcpalt_cookie_make(&keys, &flow, &in, 9, &ts_bits);
	for (field = 0; field < 5; field++) {
		other = flow;
		switch (field) {
		case 0: other.saddr ^= 1; break;
		case 1: other.daddr ^= 0x100; break;
		case 2: other.sport++; break;
		case 3: other.dport--; break;
		case 4: other.peer_isn += 1; break;
		}
		EXPECT_FALSE(tcpalt_cookie_check(&keys, &other, cookie, 9,
						 true, ts_bits, &out))
			TH_LOG("field %d", field);
	}
	/* A cookie made without timestamps is no good with them. */
	in.ts = false;
	cookie = tcpalt_cookie_make(&keys, &flow, &in, 9, &ts_bits);
	EXPECT_FALSE(tcpalt_cookie_check(&keys, &flow, cookie, 9, true, 0,
					 &out));
}

TEST(rejected_once_its_secret_rotates)
{
	struct tcpalt_cookie_keys rotated = keys;
	struct tcpalt_cookie_opts in = { .mss = 1460 };
	struct tcpalt_cookie_opts out;
	u32 cookie, ts_bits;

	cookie = tcpalt_cookie_make(&keys, &flow, &in, 4, &ts_bits);
	EXPECT_TRUE(tcpalt_cookie_check(&rotated, &flow, cookie, 5, false, 0,
					&out));
	rotated.key[0].k0 ^= 1;
	EXPECT_FALSE(tcpalt_cookie_check(&rotated, &flow, cookie, 5, false,
					 0, &out));
}

TEST_HARNESS_MAIN
