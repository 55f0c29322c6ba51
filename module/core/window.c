// SPDX-License-Identifier: GPL-2.0
#include "window.h"
#include "segment.h"
#include "seq.h"

static u8 wscale_clamp(u8 wscale)
{
	return wscale < TCPALT_WSCALE_MAX ? wscale : TCPALT_WSCALE_MAX;
}

u8 tcpalt_wscale_for(u32 space)
{
	u8 shift = 0;

	while (shift < TCPALT_WSCALE_MAX &&
	       (TCPALT_WINDOW_FIELD_MAX << shift) < space)
		shift++;
	return shift;
}

/*
 * Two rules bound the window, and the older one wins when they disagree:
 *
 * - RFC 9293 section 3.8.6 (SHLD-14): never move the right edge left,
 *   even if the buffer has less room than we offered; the peer may have
 *   sent up to it already.  So the window is at least cur_wnd.
 *
 * - Receiver SWS avoidance, section 3.8.6.2.2: move the edge right only
 *   by a useful amount, min(RCV.BUFF / 2, MSS) or more, so the sender is
 *   not invited to send a stream of small segments.
 *
 * A new window is rounded down to the scale unit, so the field says it
 * exactly and it never offers more than the room we have.  A kept window
 * stays exact, whatever the unit: its field is truncated (RFC 7323
 * section 2.4), so the peer may see up to a unit less than we accept,
 * never more.  Rounding it up instead, as Linux does, would move the edge
 * right by up to a unit on every ACK, past the room in the buffer.
 */
u32 tcpalt_select_rcv_wnd(u32 cur_wnd, u32 free_space, u32 rcv_buf, u32 mss,
			  u8 wscale)
{
	u32 unit = 1U << wscale_clamp(wscale);
	u32 max = TCPALT_WINDOW_FIELD_MAX << wscale_clamp(wscale);
	u32 sws = rcv_buf / 2 < mss ? rcv_buf / 2 : mss;
	u32 want = (free_space < max ? free_space : max) & ~(unit - 1);

	if (want > cur_wnd && want - cur_wnd >= sws)
		return want;
	return cur_wnd < max ? cur_wnd : max;
}

u32 tcpalt_snd_wnd(u16 seg_wnd, u8 snd_wscale, bool syn)
{
	if (syn)
		return seg_wnd;
	return (u32)seg_wnd << wscale_clamp(snd_wscale);
}

bool tcpalt_snd_wnd_update_ok(u32 seg_seq, u32 seg_ack, u32 snd_wl1,
			      u32 snd_wl2)
{
	if (seq_before(snd_wl1, seg_seq))
		return true;
	return snd_wl1 == seg_seq && seq_before_eq(snd_wl2, seg_ack);
}

u32 tcpalt_win_from_space(s64 space, u8 ratio)
{
	u64 wnd;

	if (space <= 0 || !ratio)
		return 0;
	wnd = ((u64)space * ratio) >> 8;
	return wnd < 0xffffffffULL ? (u32)wnd : 0xffffffffU;
}

u32 tcpalt_drs_rcvbuf(u32 copied, u32 prev, u32 seg_mss, u8 ratio, u32 max)
{
	u64 rcvwin, buf;

	if (copied <= prev || !ratio)
		return 0;
	rcvwin = 2ULL * copied + 16ULL * seg_mss;
	/* The rate is climbing (slow start): keep ahead of it. */
	if (prev)
		rcvwin += 2 * (rcvwin * (copied - prev) / prev);
	buf = (rcvwin << 8) / ratio;
	return buf < max ? (u32)buf : max;
}
