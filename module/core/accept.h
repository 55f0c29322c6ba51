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
 * The RST answering a segment that has no connection, or an unacceptable
 * ACK before synchronization (RFC 9293 section 3.10.7.1): <SEQ=SEG.ACK>
 * if it carried an ACK, else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 * seg_len as for tcpalt_check_seq().  Never call it for a RST.
 */
void tcpalt_rst_reply(const struct tcpalt_hdr *in, u32 seg_len,
		      struct tcpalt_hdr *out);

#endif /* _TCPALT_CORE_ACCEPT_H */
