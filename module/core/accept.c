// SPDX-License-Identifier: GPL-2.0
#include "accept.h"
#include "seq.h"

/*
 *	SEG.LEN	RCV.WND	acceptable when
 *	0	0	SEG.SEQ = RCV.NXT
 *	0	>0	RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
 *	>0	0	never
 *	>0	>0	its first or its last octet is in the window
 *
 * The third case keeps the RFC's "special allowance" for the ACK, URG and
 * RST of a segment at RCV.NXT: a peer probing our zero window still gets
 * its ACKs processed.
 */
enum tcpalt_seq_verdict tcpalt_check_seq(u32 seg_seq, u32 seg_len,
					 u32 rcv_nxt, u32 rcv_wnd)
{
	u32 wnd_end = rcv_nxt + rcv_wnd;

	if (!rcv_wnd) {
		if (seg_seq != rcv_nxt)
			return TCPALT_SEQ_BAD;
		return seg_len ? TCPALT_SEQ_ACK_ONLY : TCPALT_SEQ_OK;
	}
	if (seq_in_range(seg_seq, rcv_nxt, wnd_end))
		return TCPALT_SEQ_OK;
	if (seg_len && seq_in_range(seg_seq + seg_len - 1, rcv_nxt, wnd_end))
		return TCPALT_SEQ_OK;
	return TCPALT_SEQ_BAD;
}

/*
 * A blind attacker must hit RCV.NXT exactly instead of anywhere in the
 * window; the true peer, if its RST was merely early or late, answers the
 * challenge ACK with one that hits.
 */
enum tcpalt_rst_verdict tcpalt_check_rst(u32 seg_seq, u32 rcv_nxt,
					 u32 rcv_wnd)
{
	if (seg_seq == rcv_nxt)
		return TCPALT_RST_ACCEPT;
	if (seq_in_range(seg_seq, rcv_nxt, rcv_nxt + rcv_wnd))
		return TCPALT_RST_CHALLENGE;
	return TCPALT_RST_DROP;
}

enum tcpalt_rst_verdict tcpalt_check_rst_syn_sent(bool has_ack, u32 seg_ack,
						  u32 iss, u32 snd_nxt)
{
	if (has_ack && tcpalt_ack_acceptable(seg_ack, iss, snd_nxt))
		return TCPALT_RST_ACCEPT;
	return TCPALT_RST_DROP;
}

bool tcpalt_ack_acceptable(u32 seg_ack, u32 snd_una, u32 snd_nxt)
{
	return seq_after(seg_ack, snd_una) && seq_before_eq(seg_ack, snd_nxt);
}

/*
 * An ACK equal to SND.UNA acknowledges nothing new and counts as a
 * duplicate; the caller may still take a window update from it.  Beyond
 * SND.NXT or before SND.UNA - MAX.SND.WND the ACK cannot be the peer's
 * (RFC 5961 section 5.2): the answer is an ACK in both cases, the verdicts
 * differ only for the counters.
 */
enum tcpalt_ack_verdict tcpalt_check_ack(u32 seg_ack, u32 snd_una,
					 u32 snd_nxt, u32 max_snd_wnd)
{
	if (seq_after(seg_ack, snd_nxt))
		return TCPALT_ACK_UNSENT;
	if (seq_after(seg_ack, snd_una))
		return TCPALT_ACK_NEW;
	if (seq_before(seg_ack, snd_una - max_snd_wnd))
		return TCPALT_ACK_TOO_OLD;
	return TCPALT_ACK_DUP;
}

/*
 * The last sequence number the previous incarnation saw is RCV.NXT - 1
 * (its FIN), so the new ISN must be at RCV.NXT or beyond.  Timestamps
 * compare as sequence numbers do (RFC 7323 section 5.2).
 */
bool tcpalt_tw_syn_reopens(u32 seg_seq, u32 rcv_nxt, bool ts_both,
			   u32 tsval, u32 ts_recent)
{
	if (ts_both)
		return seq_after(tsval, ts_recent);
	return seq_after_eq(seg_seq, rcv_nxt);
}

bool tcpalt_paws_valid(u32 ts_recent, u32 stamp, u32 now)
{
	return ts_recent && now - stamp < TCPALT_PAWS_IDLE_SECS;
}

bool tcpalt_paws_reject(u32 tsval, u32 ts_recent, bool valid, bool rst)
{
	return valid && !rst &&
	       (s32)(ts_recent - tsval) > TCPALT_PAWS_WINDOW;
}

bool tcpalt_ts_recent_takes(u32 seg_seq, u32 last_ack_sent, u32 tsval,
			    u32 ts_recent, bool valid)
{
	if (seq_after(seg_seq, last_ack_sent))
		return false;
	return !valid || seq_after_eq(tsval, ts_recent);
}

void tcpalt_rst_reply(const struct tcpalt_hdr *in, u32 seg_len,
		      struct tcpalt_hdr *out)
{
	*out = (struct tcpalt_hdr){
		.sport = in->dport,
		.dport = in->sport,
		.doff = TCPALT_HDR_LEN,
	};
	if (in->flags & TCPALT_ACK) {
		out->seq = in->ack;
		out->flags = TCPALT_RST;
	} else {
		out->ack = in->seq + seg_len;
		out->flags = TCPALT_RST | TCPALT_ACK;
	}
}
