// SPDX-License-Identifier: GPL-2.0
/*
 * Segment acceptability (RFC 9293 section 3.10.7) and the RFC 5961 checks,
 * at plain numbers, across wraparound and against zero windows.
 */
#include "kselftest_harness.h"
#include "accept.h"

/* Receive points to test at: plain, about to wrap, at the sign boundary. */
static const u32 bases[] = { 1000, 0xfffffff8u, 0x7ffffffcu, 0 };

/*
 * The RFC's table of section 3.10.7.4, over offsets from RCV.NXT that
 * cannot wrap: the reference the modular code must agree with.
 */
static enum tcpalt_seq_verdict model(long long off, long long len,
				     long long wnd)
{
	long long last = off + len - 1;

	if (!wnd && !len)
		return off == 0 ? TCPALT_SEQ_OK : TCPALT_SEQ_BAD;
	if (!wnd)
		return off == 0 ? TCPALT_SEQ_ACK_ONLY : TCPALT_SEQ_BAD;
	if (off >= 0 && off < wnd)
		return TCPALT_SEQ_OK;
	if (len && last >= 0 && last < wnd)
		return TCPALT_SEQ_OK;
	return TCPALT_SEQ_BAD;
}

TEST(seq_matches_rfc_table_everywhere)
{
	static const u32 wnds[] = { 0, 1, 2, 5, 16 };
	size_t b, w;
	int off, len;
	u32 nxt;

	for (b = 0; b < ARRAY_SIZE(bases); b++) {
		nxt = bases[b];
		for (w = 0; w < ARRAY_SIZE(wnds); w++)
			for (off = -24; off <= 24; off++)
				for (len = 0; len <= 20; len++)
					ASSERT_EQ(model(off, len, wnds[w]),
						  tcpalt_check_seq(nxt + off,
								   len, nxt,
								   wnds[w]))
						TH_LOG("nxt %#x off %d len %d wnd %u",
						       nxt, off, len, wnds[w]);
	}
}

/* Case 1: SEG.LEN = 0, RCV.WND = 0: only SEG.SEQ = RCV.NXT. */
TEST(seq_empty_segment_zero_window)
{
	EXPECT_EQ(TCPALT_SEQ_OK, tcpalt_check_seq(500, 0, 500, 0));
	EXPECT_EQ(TCPALT_SEQ_BAD, tcpalt_check_seq(499, 0, 500, 0));
	EXPECT_EQ(TCPALT_SEQ_BAD, tcpalt_check_seq(501, 0, 500, 0));
}

/* Case 2: an empty segment anywhere in [RCV.NXT, RCV.NXT + RCV.WND). */
TEST(seq_empty_segment_open_window)
{
	EXPECT_EQ(TCPALT_SEQ_OK, tcpalt_check_seq(500, 0, 500, 100));
	EXPECT_EQ(TCPALT_SEQ_OK, tcpalt_check_seq(599, 0, 500, 100));
	EXPECT_EQ(TCPALT_SEQ_BAD, tcpalt_check_seq(600, 0, 500, 100));
	EXPECT_EQ(TCPALT_SEQ_BAD, tcpalt_check_seq(499, 0, 500, 100));
}

/*
 * Case 3: data into a zero window is never acceptable, but its ACK is
 * still processed if it sits at RCV.NXT (a zero-window probe).
 */
TEST(seq_data_zero_window)
{
	EXPECT_EQ(TCPALT_SEQ_ACK_ONLY, tcpalt_check_seq(500, 1, 500, 0));
	EXPECT_EQ(TCPALT_SEQ_ACK_ONLY, tcpalt_check_seq(500, 1460, 500, 0));
	EXPECT_EQ(TCPALT_SEQ_BAD, tcpalt_check_seq(501, 1, 500, 0));
	EXPECT_EQ(TCPALT_SEQ_BAD, tcpalt_check_seq(499, 1, 500, 0));
}

/* Case 4: the first or the last octet in the window. */
TEST(seq_data_open_window)
{
	/* Starts inside. */
	EXPECT_EQ(TCPALT_SEQ_OK, tcpalt_check_seq(500, 10, 500, 100));
	EXPECT_EQ(TCPALT_SEQ_OK, tcpalt_check_seq(599, 10, 500, 100));
	/* Starts before, its last octet is RCV.NXT: new data. */
	EXPECT_EQ(TCPALT_SEQ_OK, tcpalt_check_seq(491, 10, 500, 100));
	/* Entirely old: a retransmission, answered with an ACK. */
	EXPECT_EQ(TCPALT_SEQ_BAD, tcpalt_check_seq(490, 10, 500, 100));
	/* Entirely beyond the right edge. */
	EXPECT_EQ(TCPALT_SEQ_BAD, tcpalt_check_seq(600, 10, 500, 100));
	/* Covers the whole window from both sides: neither end in it. */
	EXPECT_EQ(TCPALT_SEQ_BAD, tcpalt_check_seq(499, 102, 500, 100));
}

TEST(seq_across_wraparound)
{
	u32 nxt = 0xfffffff0u;

	EXPECT_EQ(TCPALT_SEQ_OK, tcpalt_check_seq(0x0f, 1, nxt, 0x20));
	EXPECT_EQ(TCPALT_SEQ_BAD, tcpalt_check_seq(0x10, 1, nxt, 0x20));
	/* Last octet 0xfffffff0 = RCV.NXT. */
	EXPECT_EQ(TCPALT_SEQ_OK,
		  tcpalt_check_seq(0xffffffe0u, 0x11, nxt, 0x20));
	EXPECT_EQ(TCPALT_SEQ_BAD,
		  tcpalt_check_seq(0xffffffe0u, 0x10, nxt, 0x20));
	/* A segment that itself wraps, ending past 0. */
	EXPECT_EQ(TCPALT_SEQ_OK,
		  tcpalt_check_seq(0xfffffffau, 0x10, nxt, 0x20));
	EXPECT_EQ(TCPALT_SEQ_ACK_ONLY, tcpalt_check_seq(0, 5, 0, 0));
	EXPECT_EQ(TCPALT_SEQ_BAD, tcpalt_check_seq(0xffffffffu, 1, 0, 0));
}

/* The largest window there is, 65535 << 14. */
TEST(seq_huge_window)
{
	u32 wnd = 65535u << 14, nxt = 0xc0000000u;

	EXPECT_EQ(TCPALT_SEQ_OK, tcpalt_check_seq(nxt + wnd - 1, 1, nxt, wnd));
	EXPECT_EQ(TCPALT_SEQ_BAD, tcpalt_check_seq(nxt + wnd, 1, nxt, wnd));
	EXPECT_EQ(TCPALT_SEQ_BAD, tcpalt_check_seq(nxt - 1, 1, nxt, wnd));
}

/* RFC 5961 section 3.2. */
TEST(rst_exact_window_outside)
{
	size_t b;
	u32 nxt;

	for (b = 0; b < ARRAY_SIZE(bases); b++) {
		nxt = bases[b];
		EXPECT_EQ(TCPALT_RST_ACCEPT, tcpalt_check_rst(nxt, nxt, 100));
		EXPECT_EQ(TCPALT_RST_CHALLENGE,
			  tcpalt_check_rst(nxt + 1, nxt, 100));
		EXPECT_EQ(TCPALT_RST_CHALLENGE,
			  tcpalt_check_rst(nxt + 99, nxt, 100));
		EXPECT_EQ(TCPALT_RST_DROP, tcpalt_check_rst(nxt + 100, nxt, 100));
		EXPECT_EQ(TCPALT_RST_DROP, tcpalt_check_rst(nxt - 1, nxt, 100));
		EXPECT_EQ(TCPALT_RST_DROP,
			  tcpalt_check_rst(nxt + 0x80000000u, nxt, 100));
	}
}

/* In a zero window only the exact RST counts; nothing is challenged. */
TEST(rst_zero_window)
{
	EXPECT_EQ(TCPALT_RST_ACCEPT, tcpalt_check_rst(7, 7, 0));
	EXPECT_EQ(TCPALT_RST_DROP, tcpalt_check_rst(8, 7, 0));
	EXPECT_EQ(TCPALT_RST_DROP, tcpalt_check_rst(6, 7, 0));
	EXPECT_EQ(TCPALT_RST_ACCEPT, tcpalt_check_rst(1, 1, 1));
	EXPECT_EQ(TCPALT_RST_DROP, tcpalt_check_rst(2, 1, 1));
}

/* RFC 9293 section 3.10.7.3: SYN-SENT trusts a RST that acks our SYN. */
TEST(rst_in_syn_sent)
{
	u32 iss = 0xffffffffu, nxt = iss + 1;

	EXPECT_EQ(TCPALT_RST_ACCEPT,
		  tcpalt_check_rst_syn_sent(true, nxt, iss, nxt));
	EXPECT_EQ(TCPALT_RST_DROP,
		  tcpalt_check_rst_syn_sent(false, nxt, iss, nxt));
	EXPECT_EQ(TCPALT_RST_DROP,
		  tcpalt_check_rst_syn_sent(true, iss, iss, nxt));
	EXPECT_EQ(TCPALT_RST_DROP,
		  tcpalt_check_rst_syn_sent(true, nxt + 1, iss, nxt));
	EXPECT_EQ(TCPALT_RST_DROP,
		  tcpalt_check_rst_syn_sent(true, iss - 1, iss, nxt));
}

/* SND.UNA < SEG.ACK =< SND.NXT, the handshake's test. */
TEST(ack_acceptable)
{
	EXPECT_TRUE(tcpalt_ack_acceptable(101, 100, 101));
	EXPECT_FALSE(tcpalt_ack_acceptable(100, 100, 101));
	EXPECT_FALSE(tcpalt_ack_acceptable(102, 100, 101));
	EXPECT_TRUE(tcpalt_ack_acceptable(150, 100, 200));
	EXPECT_TRUE(tcpalt_ack_acceptable(200, 100, 200));
	EXPECT_FALSE(tcpalt_ack_acceptable(99, 100, 200));
	/* Across wraparound. */
	EXPECT_TRUE(tcpalt_ack_acceptable(0, 0xffffffffu, 0));
	EXPECT_TRUE(tcpalt_ack_acceptable(5, 0xfffffff0u, 0x10));
	EXPECT_FALSE(tcpalt_ack_acceptable(0x11, 0xfffffff0u, 0x10));
	EXPECT_FALSE(tcpalt_ack_acceptable(0xfffffff0u, 0xfffffff0u, 0x10));
	/* Nothing outstanding: nothing is acceptable. */
	EXPECT_FALSE(tcpalt_ack_acceptable(100, 100, 100));
}

/* RFC 9293 section 3.10.7.4 fifth, RFC 5961 section 5.2. */
TEST(ack_in_synchronized_state)
{
	u32 una = 10000, nxt = 15000, maxw = 4000;

	EXPECT_EQ(TCPALT_ACK_NEW, tcpalt_check_ack(una + 1, una, nxt, maxw));
	EXPECT_EQ(TCPALT_ACK_NEW, tcpalt_check_ack(nxt, una, nxt, maxw));
	EXPECT_EQ(TCPALT_ACK_UNSENT,
		  tcpalt_check_ack(nxt + 1, una, nxt, maxw));
	EXPECT_EQ(TCPALT_ACK_DUP, tcpalt_check_ack(una, una, nxt, maxw));
	EXPECT_EQ(TCPALT_ACK_DUP,
		  tcpalt_check_ack(una - maxw, una, nxt, maxw));
	EXPECT_EQ(TCPALT_ACK_TOO_OLD,
		  tcpalt_check_ack(una - maxw - 1, una, nxt, maxw));
	/* Nothing outstanding. */
	EXPECT_EQ(TCPALT_ACK_DUP, tcpalt_check_ack(una, una, una, maxw));
	EXPECT_EQ(TCPALT_ACK_UNSENT,
		  tcpalt_check_ack(una + 1, una, una, maxw));
	/* No window seen yet: only SND.UNA itself is a duplicate. */
	EXPECT_EQ(TCPALT_ACK_DUP, tcpalt_check_ack(una, una, nxt, 0));
	EXPECT_EQ(TCPALT_ACK_TOO_OLD, tcpalt_check_ack(una - 1, una, nxt, 0));
}

TEST(ack_across_wraparound)
{
	u32 una = 0x10, nxt = 0x100, maxw = 0x40;

	EXPECT_EQ(TCPALT_ACK_DUP, tcpalt_check_ack(0xffffffd0u, una, nxt, maxw));
	EXPECT_EQ(TCPALT_ACK_TOO_OLD,
		  tcpalt_check_ack(0xffffffcfu, una, nxt, maxw));
	una = 0xfffffff0u;
	nxt = 0x20;
	EXPECT_EQ(TCPALT_ACK_NEW, tcpalt_check_ack(0, una, nxt, maxw));
	EXPECT_EQ(TCPALT_ACK_NEW, tcpalt_check_ack(0x20, una, nxt, maxw));
	EXPECT_EQ(TCPALT_ACK_UNSENT, tcpalt_check_ack(0x21, una, nxt, maxw));
	EXPECT_EQ(TCPALT_ACK_DUP,
		  tcpalt_check_ack(0xffffffb0u, una, nxt, maxw));
	EXPECT_EQ(TCPALT_ACK_TOO_OLD,
		  tcpalt_check_ack(0xffffffafu, una, nxt, maxw));
}

/* RFC 6191: which SYN may reopen a connection in TIME-WAIT. */
TEST(time_wait_reopen)
{
	/* Timestamps on both: TSval decides, not the sequence number. */
	EXPECT_TRUE(tcpalt_tw_syn_reopens(0, 1000, true, 501, 500));
	EXPECT_FALSE(tcpalt_tw_syn_reopens(5000, 1000, true, 500, 500));
	EXPECT_FALSE(tcpalt_tw_syn_reopens(5000, 1000, true, 499, 500));
	EXPECT_TRUE(tcpalt_tw_syn_reopens(0, 1000, true, 3, 0xfffffff0u));
	/* Otherwise the ISN must be past the old sequence space. */
	EXPECT_TRUE(tcpalt_tw_syn_reopens(1000, 1000, false, 0, 500));
	EXPECT_TRUE(tcpalt_tw_syn_reopens(90000, 1000, false, 0, 500));
	EXPECT_FALSE(tcpalt_tw_syn_reopens(999, 1000, false, 600, 500));
	EXPECT_TRUE(tcpalt_tw_syn_reopens(4, 0xfffffff0u, false, 0, 0));
	EXPECT_FALSE(tcpalt_tw_syn_reopens(0xffffffefu, 0xfffffff0u, false,
					   0, 0));
}

/* RFC 9293 section 3.10.7.1: the RST for a segment with an ACK. */
TEST(rst_reply_to_ack)
{
	const struct tcpalt_hdr in = {
		.sport = 40000, .dport = 80, .seq = 123, .ack = 0xdeadbeefu,
		.doff = 32, .flags = TCPALT_ACK | TCPALT_PSH, .window = 999,
	};
	struct tcpalt_hdr out;

	tcpalt_rst_reply(&in, 100, &out);
	EXPECT_EQ(80, out.sport);
	EXPECT_EQ(40000, out.dport);
	EXPECT_EQ(0xdeadbeefu, out.seq);
	EXPECT_EQ(0u, out.ack);
	EXPECT_EQ(TCPALT_RST, out.flags);
	EXPECT_EQ(TCPALT_HDR_LEN, out.doff);
	EXPECT_EQ(0, out.window);
}

/* Without an ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
TEST(rst_reply_to_syn)
{
	const struct tcpalt_hdr in = {
		.sport = 1, .dport = 2, .seq = 0xffffffffu,
		.doff = 40, .flags = TCPALT_SYN,
	};
	struct tcpalt_hdr out;

	tcpalt_rst_reply(&in, tcpalt_seg_len(&in, 0), &out);
	EXPECT_EQ(2, out.sport);
	EXPECT_EQ(1, out.dport);
	EXPECT_EQ(0u, out.seq);
	EXPECT_EQ(0u, out.ack);
	EXPECT_EQ(TCPALT_RST | TCPALT_ACK, out.flags);

	tcpalt_rst_reply(&in, tcpalt_seg_len(&in, 10), &out);
	EXPECT_EQ(10u, out.ack);
}

/* RFC 7323 5.3 R1, with TS.Recent 1000 and valid. */
TEST(paws_rejects_older_tsval)
{
	EXPECT_TRUE(tcpalt_paws_reject(998, 1000, true, false));
	EXPECT_TRUE(tcpalt_paws_reject(0, 1000, true, false));
	/* Linux's replay window of one tick. */
	EXPECT_FALSE(tcpalt_paws_reject(999, 1000, true, false));
	EXPECT_FALSE(tcpalt_paws_reject(1000, 1000, true, false));
	EXPECT_FALSE(tcpalt_paws_reject(1001, 1000, true, false));
}

/* Older and newer are modulo 2^32 (section 5.2). */
TEST(paws_across_the_wrap)
{
	EXPECT_FALSE(tcpalt_paws_reject(5, 0xfffffff0u, true, false));
	EXPECT_TRUE(tcpalt_paws_reject(0xfffffff0u, 5, true, false));
	EXPECT_TRUE(tcpalt_paws_reject(0x80000010u, 5, true, false));
}

TEST(paws_exempts_rst_and_invalid_ts_recent)
{
	EXPECT_FALSE(tcpalt_paws_reject(1, 1000, true, true));
	EXPECT_FALSE(tcpalt_paws_reject(1, 1000, false, false));
}

/* Section 5.5: 24 days idle and TS.Recent is no longer valid; 0 never is. */
TEST(paws_valid_for_24_days)
{
	const u32 stamp = 0xfffff000u;	/* the seconds clock wraps too */

	EXPECT_TRUE(tcpalt_paws_valid(1000, stamp, stamp));
	EXPECT_TRUE(tcpalt_paws_valid(1000, stamp,
				      stamp + TCPALT_PAWS_IDLE_SECS - 1));
	EXPECT_FALSE(tcpalt_paws_valid(1000, stamp,
				       stamp + TCPALT_PAWS_IDLE_SECS));
	EXPECT_FALSE(tcpalt_paws_valid(0, stamp, stamp));
}

/* Section 4.3: SEG.SEQ <= Last.ACK.sent and SEG.TSval >= TS.Recent. */
TEST(ts_recent_update_rule)
{
	EXPECT_TRUE(tcpalt_ts_recent_takes(100, 100, 1001, 1000, true));
	EXPECT_TRUE(tcpalt_ts_recent_takes(50, 100, 1000, 1000, true));
	/* Beyond the last ACK sent: a later segment's TSval. */
	EXPECT_FALSE(tcpalt_ts_recent_takes(101, 100, 1001, 1000, true));
	/* Never backwards, even within PAWS's window of one. */
	EXPECT_FALSE(tcpalt_ts_recent_takes(100, 100, 999, 1000, true));
	/* An invalid TS.Recent is replaced by any TSval. */
	EXPECT_TRUE(tcpalt_ts_recent_takes(100, 100, 5, 1000, false));
	EXPECT_FALSE(tcpalt_ts_recent_takes(101, 100, 5, 1000, false));
}

TEST_HARNESS_MAIN
