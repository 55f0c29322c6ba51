/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is an arriving segment acceptable?  The checks of RFC 9293 section
 * 3.10.7, with the hardening of RFC 5961 against blind RST, SYN and data
 * injection.  Each check answers with a verdict; turning a verdict into a
 * state machine event (state.h) is the caller's.
 *
 * All numbers are in sequence space (seq.h); windows are in bytes, after
 * scaling.
 */
#ifndef _TCPALT_CORE_ACCEPT_H
#define _TCPALT_CORE_ACCEPT_H

#include "compat.h"
#include "segment.h"

enum tcpalt_seq_verdict {
	TCPALT_SEQ_OK,		/* in the window: process it */
	TCPALT_SEQ_ACK_ONLY,	/* data into a zero window at RCV.NXT:
				 * process ACK, RST and URG, drop the
				 * data, send an ACK
				 */
	TCPALT_SEQ_BAD,		/* send an ACK (unless RST) and drop */
};

/*
 * The four cases of RFC 9293 section 3.10.7.4, "first, check sequence
 * number", for a segment occupying seg_len in sequence space (data plus
 * SYN and FIN: tcpalt_seg_len()).
 */
enum tcpalt_seq_verdict tcpalt_check_seq(u32 seg_seq, u32 seg_len,
					 u32 rcv_nxt, u32 rcv_wnd);

enum tcpalt_rst_verdict {
	TCPALT_RST_ACCEPT,	/* reset the connection */
	TCPALT_RST_CHALLENGE,	/* send a challenge ACK, drop */
	TCPALT_RST_DROP,	/* drop silently */
};

/*
 * A RST in SYN-RECEIVED or a synchronized state (RFC 5961 section 3.2,
 * RFC 9293 section 3.10.7.4 second): only one at exactly RCV.NXT resets.
 */
enum tcpalt_rst_verdict tcpalt_check_rst(u32 seg_seq, u32 rcv_nxt,
					 u32 rcv_wnd);

/*
 * A RST in SYN-SENT (RFC 9293 section 3.10.7.3): acceptable when its ACK
 * acknowledges our SYN, dropped otherwise.  RFC 5961 leaves this as is.
 */
enum tcpalt_rst_verdict tcpalt_check_rst_syn_sent(bool has_ack, u32 seg_ack,
						  u32 iss, u32 snd_nxt);

/*
 * SND.UNA < SEG.ACK <= SND.NXT: the test a SYN,ACK in SYN-SENT (with
 * SND.UNA = ISS) and an ACK in SYN-RECEIVED must pass; if it fails, the
 * answer is a RST <SEQ=SEG.ACK><CTL=RST>.
 */
bool tcpalt_ack_acceptable(u32 seg_ack, u32 snd_una, u32 snd_nxt);

enum tcpalt_ack_verdict {
	TCPALT_ACK_NEW,		/* acknowledges new data: SND.UNA moves */
	TCPALT_ACK_DUP,		/* old but recent enough: ignore the ACK
				 * field, process the rest
				 */
	TCPALT_ACK_TOO_OLD,	/* RFC 5961 section 5.2: challenge ACK, drop */
	TCPALT_ACK_UNSENT,	/* acks what we never sent: ACK, drop */
};

/*
 * The ACK field in a synchronized state: RFC 9293 section 3.10.7.4
 * fifth, with RFC 5961 section 5.2's lower bound SND.UNA - MAX.SND.WND,
 * MAX.SND.WND being the largest window the peer ever offered.
 */
enum tcpalt_ack_verdict tcpalt_check_ack(u32 seg_ack, u32 snd_una,
					 u32 snd_nxt, u32 max_snd_wnd);

/*
 * A SYN in a synchronized state gets a challenge ACK (RFC 5961 section
 * 4.2, the state table's TCPALT_EV_SYN), with one exception: in TIME-WAIT
 * a SYN may open a new incarnation of the connection.  RFC 6191: when
 * both incarnations use timestamps, the SYN's TSval must be newer than
 * the last one seen; otherwise its sequence number must be beyond the
 * last one seen (RFC 1122 section 4.2.2.13).
 */
bool tcpalt_tw_syn_reopens(u32 seg_seq, u32 rcv_nxt, bool ts_both,
			   u32 tsval, u32 ts_recent);

/*
 * PAWS, RFC 7323 section 5.  TS.Recent older than this many seconds says
 * nothing of the peer's clock any more (section 5.5: the clock may have
 * wrapped its sign bit since), so it neither rejects nor holds back.
 */
#define TCPALT_PAWS_IDLE_SECS	(60 * 60 * 24 * 24)

/*
 * How far behind TS.Recent a TSval may lag and pass, Linux's
 * TCP_PAWS_WINDOW: segments that crossed on the wire within one tick.
 */
#define TCPALT_PAWS_WINDOW	1

/*
 * Is TS.Recent, stored at stamp (in seconds, on any clock that now is
 * read from), still a basis for PAWS?  It is until 24 days have passed,
 * and never when it is 0, which some stacks send on a SYN before their
 * clock starts (Linux ignores such a TS.Recent too).
 */
bool tcpalt_paws_valid(u32 ts_recent, u32 stamp, u32 now);

/*
 * Section 5.3 R1: a segment whose TSval is older than a valid TS.Recent
 * is a duplicate, from this incarnation's past or a wrapped sequence
 * space, and is not acceptable: ACK it and drop it.  A RST is exempt:
 * its cleanup takes precedence over timestamps.
 */
bool tcpalt_paws_reject(u32 tsval, u32 ts_recent, bool valid, bool rst);

/*
 * Section 4.3: TS.Recent takes a segment's TSval only when the segment
 * starts at or before the last ACK we sent (SEG.SEQ <= Last.ACK.sent),
 * so it echoes the segment that ACK answered, and only forward
 * (SEG.TSval >= TS.Recent), unless TS.Recent is no longer valid.
 */
bool tcpalt_ts_recent_takes(u32 seg_seq, u32 last_ack_sent, u32 tsval,
			    u32 ts_recent, bool valid);

/*
 * The RST answering a segment that has no connection, or an unacceptable
 * ACK before synchronization (RFC 9293 section 3.10.7.1): <SEQ=SEG.ACK>
 * if it carried an ACK, else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 * seg_len as for tcpalt_check_seq().  Never call it for a RST.
 */
void tcpalt_rst_reply(const struct tcpalt_hdr *in, u32 seg_len,
		      struct tcpalt_hdr *out);

#endif /* _TCPALT_CORE_ACCEPT_H */
