// SPDX-License-Identifier: GPL-2.0
/*
 * Every option goes out in 32-bit words, padded with NOPs in front (RFC
 * 9293 section 3.1 allows NOP anywhere), so the words after it stay
 * aligned.  On a SYN: MSS; then timestamps, sharing their word with
 * SACK-permitted when both are on (4,2,8,10); else SACK-permitted alone
 * as NOP,NOP,4,2; then window scale as NOP,3,3,shift.  Elsewhere:
 * timestamps as NOP,NOP,8,10, then SACK as NOP,NOP,5,len.
 */
#include "options.h"

#define TS_WORDS_LEN	12	/* two pad or SACK-permitted bytes + 10 */
#define SACK_HDR_LEN	4	/* NOP, NOP, kind, length */
#define SACK_BLOCK_LEN	8

static u8 *put_word(u8 *p, u8 a, u8 b, u8 c, u8 d)
{
	p[0] = a;
	p[1] = b;
	p[2] = c;
	p[3] = d;
	return p + 4;
}

/* Timestamps behind two bytes that are NOPs or SACK-permitted. */
static u8 *put_ts(u8 *p, u8 lead0, u8 lead1, const struct tcpalt_opts *o)
{
	p = put_word(p, lead0, lead1, TCPALT_OPT_TS, TCPALT_OPT_TS_LEN);
	tcpalt_put_be32(p, o->tsval);
	tcpalt_put_be32(p + 4, o->tsecr);
	return p + 8;
}

u8 tcpalt_sack_room(bool has_ts)
{
	size_t room = TCPALT_OPTS_MAX - SACK_HDR_LEN;

	if (has_ts)
		room -= TS_WORDS_LEN;
	room /= SACK_BLOCK_LEN;
	return room < TCPALT_SACK_BLOCKS_MAX ? room : TCPALT_SACK_BLOCKS_MAX;
}

size_t tcpalt_syn_opts_len(const struct tcpalt_opts *o)
{
	size_t len = 0;

	if (o->has_mss)
		len += 4;
	if (o->has_ts)
		len += TS_WORDS_LEN;
	else if (o->sack_ok)
		len += 4;
	if (o->has_wscale)
		len += 4;
	return len;
}

size_t tcpalt_build_syn_opts(u8 *buf, const struct tcpalt_opts *o)
{
	u8 *p = buf;

	if (o->has_mss)
		p = put_word(p, TCPALT_OPT_MSS, TCPALT_OPT_MSS_LEN,
			     o->mss >> 8, o->mss & 0xff);
	if (o->has_ts && o->sack_ok)
		p = put_ts(p, TCPALT_OPT_SACK_PERM, TCPALT_OPT_SACK_PERM_LEN, o);
	else if (o->has_ts)
		p = put_ts(p, TCPALT_OPT_NOP, TCPALT_OPT_NOP, o);
	else if (o->sack_ok)
		p = put_word(p, TCPALT_OPT_NOP, TCPALT_OPT_NOP,
			     TCPALT_OPT_SACK_PERM, TCPALT_OPT_SACK_PERM_LEN);
	/* RFC 7323 section 2.3: never offer more than 14. */
	if (o->has_wscale)
		p = put_word(p, TCPALT_OPT_NOP, TCPALT_OPT_WSCALE,
			     TCPALT_OPT_WSCALE_LEN,
			     o->wscale < TCPALT_WSCALE_MAX ?
			     o->wscale : TCPALT_WSCALE_MAX);
	return p - buf;
}

static u8 sack_blocks(const struct tcpalt_opts *o)
{
	u8 room = tcpalt_sack_room(o->has_ts);

	return o->nr_sack < room ? o->nr_sack : room;
}

size_t tcpalt_opts_len(const struct tcpalt_opts *o)
{
	u8 n = sack_blocks(o);
	size_t len = 0;

	if (o->has_ts)
		len += TS_WORDS_LEN;
	if (n)
		len += SACK_HDR_LEN + n * SACK_BLOCK_LEN;
	return len;
}

size_t tcpalt_build_opts(u8 *buf, const struct tcpalt_opts *o)
{
	u8 n = sack_blocks(o);
	u8 *p = buf;
	u8 i;

	if (o->has_ts)
		p = put_ts(p, TCPALT_OPT_NOP, TCPALT_OPT_NOP, o);
	if (!n)
		return p - buf;
	p = put_word(p, TCPALT_OPT_NOP, TCPALT_OPT_NOP, TCPALT_OPT_SACK,
		     2 + n * SACK_BLOCK_LEN);
	for (i = 0; i < n; i++) {
		tcpalt_put_be32(p, o->sack[i].start);
		tcpalt_put_be32(p + 4, o->sack[i].end);
		p += SACK_BLOCK_LEN;
	}
	return p - buf;
}

u8 tcpalt_seg_hdr_len(u8 flags, const struct tcpalt_opts *o)
{
	if (!o)
		return TCPALT_HDR_LEN;
	return TCPALT_HDR_LEN + (flags & TCPALT_SYN ? tcpalt_syn_opts_len(o) :
						      tcpalt_opts_len(o));
}

void tcpalt_build_seg_hdr(u8 *seg, const struct tcpalt_hdr *hdr,
			  const struct tcpalt_opts *o)
{
	tcpalt_build_hdr(seg, hdr);
	if (!o)
		return;
	if (hdr->flags & TCPALT_SYN)
		tcpalt_build_syn_opts(seg + TCPALT_HDR_LEN, o);
	else
		tcpalt_build_opts(seg + TCPALT_HDR_LEN, o);
}

u16 tcpalt_peer_mss(bool has_mss, u16 mss)
{
	return has_mss && mss ? mss : TCPALT_DEFAULT_MSS;
}

u16 tcpalt_snd_mss(u16 peer_mss, u16 route_mss, u8 opt_len)
{
	u16 mss = peer_mss < route_mss ? peer_mss : route_mss;

	if (mss < TCPALT_MIN_SND_MSS)
		mss = TCPALT_MIN_SND_MSS;
	/* opt_len is at most 40: never wraps. */
	return mss - opt_len;
}
