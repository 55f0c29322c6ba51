// SPDX-License-Identifier: GPL-2.0
/*
 * The RFC 6298 estimator against the RFC's formulas worked by hand, in
 * microseconds.
 */
#include "kselftest_harness.h"
#include "rto.h"

#define MS	1000U
#define SEC	TCPALT_USEC_PER_SEC

/* Linux's bounds with a 1 ms clock. */
static const struct tcpalt_rto_params linux_p = {
	.min_us = TCPALT_RTO_LINUX_MIN_US,
	.max_us = TCPALT_RTO_LINUX_MAX_US,
	.initial_us = TCPALT_RTO_INITIAL_US,
	.clock_us = 1 * MS,
};

/* RFC 6298 to the letter: 1 s floor, 60 s ceiling. */
static const struct tcpalt_rto_params rfc_p = {
	.min_us = TCPALT_RTO_RFC_MIN_US,
	.max_us = 60 * SEC,
	.initial_us = TCPALT_RTO_INITIAL_US,
	.clock_us = 1 * MS,
};

/* No floor, to see the formula bare. */
static const struct tcpalt_rto_params bare_p = {
	.min_us = 0,
	.max_us = TCPALT_RTO_LINUX_MAX_US,
	.initial_us = TCPALT_RTO_INITIAL_US,
	.clock_us = 1 * MS,
};

/* Section 2.1: before any sample, RTO is the initial 1 s. */
TEST(initial)
{
	struct tcpalt_rto r;
	struct tcpalt_rto_params p = linux_p;

	tcpalt_rto_init(&r, &p);
	EXPECT_FALSE(tcpalt_rto_has_sample(&r));
	EXPECT_EQ(1 * SEC, r.rto_us);
	/* The initial value is clamped like any other. */
	p.initial_us = 100 * MS;
	tcpalt_rto_init(&r, &p);
	EXPECT_EQ(200 * MS, r.rto_us);
}

/*
 * Section 2.2, R = 100 ms: SRTT = 100 ms, RTTVAR = 50 ms,
 * RTO = 100 + max(1, 4 * 50) = 300 ms.
 */
TEST(first_sample)
{
	struct tcpalt_rto r;

	tcpalt_rto_init(&r, &linux_p);
	tcpalt_rto_sample(&r, &linux_p, 100 * MS);
	EXPECT_TRUE(tcpalt_rto_has_sample(&r));
	EXPECT_EQ(100 * MS, tcpalt_rto_srtt_us(&r));
	EXPECT_EQ(50 * MS, tcpalt_rto_rttvar_us(&r));
	EXPECT_EQ(300 * MS, r.rto_us);

	/* RFC 6298's own floor rounds it up to 1 s (section 2.4). */
	tcpalt_rto_init(&r, &rfc_p);
	tcpalt_rto_sample(&r, &rfc_p, 100 * MS);
	EXPECT_EQ(1 * SEC, r.rto_us);
}

/*
 * Section 2.3, then R' = 200 ms:
 *	RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5 ms
 *	SRTT = 7/8 * 100 + 1/8 * 200 = 112.5 ms
 *	RTO = 112.5 + 4 * 62.5 = 362.5 ms
 * and R' = 100 ms:
 *	RTTVAR = 3/4 * 62.5 + 1/4 * |112.5 - 100| = 50 ms
 *	SRTT = 7/8 * 112.5 + 1/8 * 100 = 110.9375 ms
 *	RTO = 110.9375 + 200 = 310.9375 ms, 310937 us truncated
 */
TEST(later_samples)
{
	struct tcpalt_rto r;

	tcpalt_rto_init(&r, &linux_p);
	tcpalt_rto_sample(&r, &linux_p, 100 * MS);
	tcpalt_rto_sample(&r, &linux_p, 200 * MS);
	EXPECT_EQ(112500u, tcpalt_rto_srtt_us(&r));
	EXPECT_EQ(62500u, tcpalt_rto_rttvar_us(&r));
	EXPECT_EQ(362500u, r.rto_us);
	tcpalt_rto_sample(&r, &linux_p, 100 * MS);
	EXPECT_EQ(887500u, r.srtt8);
	EXPECT_EQ(110937u, tcpalt_rto_srtt_us(&r));
	EXPECT_EQ(50000u, tcpalt_rto_rttvar_us(&r));
	EXPECT_EQ(310937u, r.rto_us);
}

/* The clock granularity G bounds the variance term from below. */
TEST(clock_granularity)
{
	struct tcpalt_rto r;

	/* R = 10 us: RTO = 10 + max(1000, 4 * 5) = 1010 us. */
	tcpalt_rto_init(&r, &bare_p);
	tcpalt_rto_sample(&r, &bare_p, 10);
	EXPECT_EQ(1010u, r.rto_us);
	/* and Linux's floor lifts it to 200 ms. */
	tcpalt_rto_init(&r, &linux_p);
	tcpalt_rto_sample(&r, &linux_p, 10);
	EXPECT_EQ(200 * MS, r.rto_us);
}

/* A steady RTT: SRTT settles on it, RTTVAR decays to almost nothing. */
TEST(steady_rtt_converges)
{
	struct tcpalt_rto r;
	int i;

	tcpalt_rto_init(&r, &bare_p);
	for (i = 0; i < 200; i++)
		tcpalt_rto_sample(&r, &bare_p, 50 * MS);
	EXPECT_EQ(50 * MS, tcpalt_rto_srtt_us(&r));
	EXPECT_LT(r.rttvar4, 4u);
	EXPECT_EQ(51 * MS, r.rto_us);
}

/* RTTVAR follows a jump in the RTT up, then decays. */
TEST(rtt_jump)
{
	struct tcpalt_rto r;
	int i;

	tcpalt_rto_init(&r, &bare_p);
	for (i = 0; i < 50; i++)
		tcpalt_rto_sample(&r, &bare_p, 20 * MS);
	/* RTTVAR is down to a few us: G = 1 ms stands in for it. */
	EXPECT_EQ(21 * MS, r.rto_us);
	tcpalt_rto_sample(&r, &bare_p, 420 * MS);
	/* SRTT gains 400 / 8 ms, RTTVAR 400 / 4 ms: 4 * RTTVAR ~ 400 ms. */
	EXPECT_EQ(70 * MS, tcpalt_rto_srtt_us(&r));
	EXPECT_GE(r.rttvar4, 400 * MS);
	EXPECT_LE(r.rttvar4, 400 * MS + 3);
	EXPECT_EQ(70 * MS + r.rttvar4, r.rto_us);
}

/* Section 2.5: a maximum may be placed on the RTO. */
TEST(clamped_to_max)
{
	struct tcpalt_rto r;

	tcpalt_rto_init(&r, &linux_p);
	tcpalt_rto_sample(&r, &linux_p, 100 * SEC);
	EXPECT_EQ(100 * SEC, tcpalt_rto_srtt_us(&r));
	EXPECT_EQ(120 * SEC, r.rto_us);
}

/* Samples beyond what u32 arithmetic holds are cut, never wrapped. */
TEST(extreme_samples)
{
	struct tcpalt_rto r;

	tcpalt_rto_init(&r, &linux_p);
	tcpalt_rto_sample(&r, &linux_p, 0xffffffffu);
	EXPECT_EQ(TCPALT_RTO_LIMIT_US, tcpalt_rto_srtt_us(&r));
	EXPECT_EQ(120 * SEC, r.rto_us);
	tcpalt_rto_sample(&r, &linux_p, 0xffffffffu);
	EXPECT_EQ(TCPALT_RTO_LIMIT_US, tcpalt_rto_srtt_us(&r));
	EXPECT_EQ(120 * SEC, r.rto_us);
	/* Back down: every step stays ordered, no wrap. */
	tcpalt_rto_sample(&r, &linux_p, 1);
	EXPECT_LT(tcpalt_rto_srtt_us(&r), TCPALT_RTO_LIMIT_US);
	EXPECT_EQ(120 * SEC, r.rto_us);

	/* A zero sample is a real one, of 1 us. */
	tcpalt_rto_init(&r, &bare_p);
	tcpalt_rto_sample(&r, &bare_p, 0);
	EXPECT_TRUE(tcpalt_rto_has_sample(&r));
	EXPECT_EQ(1u, tcpalt_rto_srtt_us(&r));
	EXPECT_EQ(1001u, r.rto_us);
}

/* Section 5.5: double on each expiry, up to the maximum. */
TEST(backoff)
{
	static const u32 want[] = { 2, 4, 8, 16, 32, 64, 120, 120 };
	struct tcpalt_rto r;
	size_t i;

	tcpalt_rto_init(&r, &linux_p);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		tcpalt_rto_backoff(&r, &linux_p);
		EXPECT_EQ(want[i] * SEC, r.rto_us);
		/* Counted at the ceiling too, as TCP's icsk_backoff is. */
		EXPECT_EQ(i + 1, r.backoffs);
	}
}

/* The count stops at 255, tcpi_backoff's limit, and init clears it. */
TEST(backoff_count_saturates)
{
	struct tcpalt_rto r;
	int i;

	tcpalt_rto_init(&r, &linux_p);
	EXPECT_EQ(0, r.backoffs);
	for (i = 0; i < 300; i++)
		tcpalt_rto_backoff(&r, &linux_p);
	EXPECT_EQ(255, r.backoffs);
	tcpalt_rto_init(&r, &linux_p);
	EXPECT_EQ(0, r.backoffs);
}

/* An odd maximum is still reached, not overshot. */
TEST(backoff_odd_max)
{
	struct tcpalt_rto_params p = linux_p;
	struct tcpalt_rto r;

	p.max_us = 3 * SEC + 1;
	tcpalt_rto_init(&r, &p);
	tcpalt_rto_backoff(&r, &p);
	EXPECT_EQ(2 * SEC, r.rto_us);
	tcpalt_rto_backoff(&r, &p);
	EXPECT_EQ(3 * SEC + 1, r.rto_us);
}

/* A valid sample after a backoff recomputes the RTO and ends it. */
TEST(sample_ends_backoff)
{
	struct tcpalt_rto r;

	tcpalt_rto_init(&r, &linux_p);
	tcpalt_rto_sample(&r, &linux_p, 100 * MS);
	tcpalt_rto_backoff(&r, &linux_p);
	tcpalt_rto_backoff(&r, &linux_p);
	EXPECT_EQ(1200 * MS, r.rto_us);
	EXPECT_EQ(2, r.backoffs);
	tcpalt_rto_sample(&r, &linux_p, 200 * MS);
	EXPECT_EQ(362500u, r.rto_us);
	EXPECT_EQ(0, r.backoffs);
}

/* Section 5.7: a lost SYN and no sample mean 3 s once data flows. */
TEST(handshake_fallback)
{
	struct tcpalt_rto_params p = linux_p;
	struct tcpalt_rto r;

	tcpalt_rto_init(&r, &p);
	tcpalt_rto_backoff(&r, &p);
	tcpalt_rto_handshake_done(&r, &p, true);
	EXPECT_EQ(3 * SEC, r.rto_us);
	EXPECT_EQ(0, r.backoffs);	/* computed afresh */

	/* SYN not retransmitted: the initial RTO stands. */
	tcpalt_rto_init(&r, &p);
	tcpalt_rto_handshake_done(&r, &p, false);
	EXPECT_EQ(1 * SEC, r.rto_us);

	/* A sample (timestamps) was taken: it decides. */
	tcpalt_rto_init(&r, &p);
	tcpalt_rto_sample(&r, &p, 100 * MS);
	tcpalt_rto_handshake_done(&r, &p, true);
	EXPECT_EQ(300 * MS, r.rto_us);

	/* An initial RTO of 3 s or more was never "less than 3 s". */
	p.initial_us = 4 * SEC;
	tcpalt_rto_init(&r, &p);
	tcpalt_rto_handshake_done(&r, &p, true);
	EXPECT_EQ(4 * SEC, r.rto_us);

	/* And the fallback is clamped like any RTO. */
	p = linux_p;
	p.max_us = 2 * SEC;
	tcpalt_rto_init(&r, &p);
	tcpalt_rto_handshake_done(&r, &p, true);
	EXPECT_EQ(2 * SEC, r.rto_us);
}

/* Karn's rule, and its timestamp exception. */
TEST(karn)
{
	EXPECT_TRUE(tcpalt_rtt_sample_valid(false, false));
	EXPECT_TRUE(tcpalt_rtt_sample_valid(false, true));
	EXPECT_FALSE(tcpalt_rtt_sample_valid(true, false));
	EXPECT_TRUE(tcpalt_rtt_sample_valid(true, true));
}

/* RFC 7323 section 4.1: TSecr measures the RTT in clock ticks (ms). */
TEST(rtt_from_tsecr)
{
	EXPECT_EQ(200000, tcpalt_rtt_from_tsecr(1200, 1000));
	EXPECT_EQ(1000, tcpalt_rtt_from_tsecr(1000, 1000));
	EXPECT_EQ(20000, tcpalt_rtt_from_tsecr(10, 0xfffffff6u));
	/* No echo, an echo from the future, one beyond the arithmetic. */
	EXPECT_EQ(0, tcpalt_rtt_from_tsecr(1000, 0));
	EXPECT_EQ(0, tcpalt_rtt_from_tsecr(1000, 1001));
	EXPECT_EQ(0, tcpalt_rtt_from_tsecr(TCPALT_RTO_LIMIT_US / 1000 + 1, 1));
	EXPECT_NE(0, tcpalt_rtt_from_tsecr(TCPALT_RTO_LIMIT_US / 1000, 1));
}

TEST_HARNESS_MAIN
