/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Window arithmetic: the receive window we offer (RFC 9293 section 3.8.6,
 * RFC 7323 section 2) and the send window the peer offers.  Windows are in
 * bytes; the header field carries them shifted right by the scale.
 */
#ifndef _TCPALT_CORE_WINDOW_H
#define _TCPALT_CORE_WINDOW_H

#include "compat.h"

#define TCPALT_WINDOW_FIELD_MAX	65535U

/*
 * The window scale to offer for a receive buffer of up to space bytes: the
 * smallest shift with 65535 << shift >= space, at most 14 (RFC 7323
 * section 2.3).
 */
u8 tcpalt_wscale_for(u32 space);

/*
 * What is left of the window last advertised: its right edge
 * RCV.WUP + RCV.WND (the RCV.NXT and window of the last ACK we sent) less
 * RCV.NXT now; 0 if data beyond it was accepted.
 */
static inline u32 tcpalt_rcv_wnd_left(u32 rcv_wup, u32 rcv_wnd, u32 rcv_nxt)
{
	s32 left = (s32)(rcv_wup + rcv_wnd - rcv_nxt);

	return left > 0 ? left : 0;
}

/*
 * The receive window to offer now, in bytes: cur_wnd is
 * tcpalt_rcv_wnd_left(), free_space the buffer room not yet holding data
 * (RCV.BUFF - RCV.USER), rcv_buf the whole buffer and mss the largest
 * segment the peer sends us.  It becomes RCV.WND, what the acceptability
 * test honors; the header carries it shifted right by wscale.
 */
u32 tcpalt_select_rcv_wnd(u32 cur_wnd, u32 free_space, u32 rcv_buf, u32 mss,
			  u8 wscale);

/* RFC 7323 section 2.2: the window field of a SYN is never scaled. */
static inline u16 tcpalt_syn_wnd_field(u32 free_space)
{
	return free_space < TCPALT_WINDOW_FIELD_MAX ?
	       free_space : TCPALT_WINDOW_FIELD_MAX;
}

/* The window field of any other segment: scaled, at most 65535. */
static inline u16 tcpalt_wnd_field(u32 wnd, u8 wscale)
{
	wnd >>= wscale;
	return wnd < TCPALT_WINDOW_FIELD_MAX ? wnd : TCPALT_WINDOW_FIELD_MAX;
}

/*
 * SND.WND from a segment's window field: shifted by the peer's scale,
 * except on a SYN (RFC 7323 section 2.2).
 */
u32 tcpalt_snd_wnd(u16 seg_wnd, u8 snd_wscale, bool syn);

/*
 * Whether a segment, whose ACK lies in [SND.UNA, SND.NXT], may update
 * SND.WND (RFC 9293 section 3.10.7.4 fifth): only if it is not older than
 * the segment that last did, SND.WL1 and SND.WL2 being that segment's
 * SEG.SEQ and SEG.ACK.
 */
bool tcpalt_snd_wnd_update_ok(u32 seg_seq, u32 seg_ack, u32 snd_wl1,
			      u32 snd_wl2);

/*
 * The window that space bytes of receive buffer pay for, when ratio/256
 * of an arrival's truesize is payload (Linux's tcp_win_from_space() with
 * a measured scaling ratio); 0 for no space.
 */
u32 tcpalt_win_from_space(s64 space, u8 ratio);

/*
 * Dynamic right-sizing (Linux's tcp_rcv_space_adjust()): the user read
 * copied bytes in the last RTT, prev in the one measured before.  When
 * it read more, the buffer should hold two RTTs of it plus sixteen
 * segments, more still while the rate climbs, as truesize at ratio/256;
 * returns that, at most max, or 0 when it did not read more.
 */
u32 tcpalt_drs_rcvbuf(u32 copied, u32 prev, u32 seg_mss, u8 ratio, u32 max);

#endif /* _TCPALT_CORE_WINDOW_H */
