// SPDX-License-Identifier: GPL-2.0
#include "segment.h"

enum tcpalt_parse_result tcpalt_parse_hdr(const u8 *seg, size_t len,
					  struct tcpalt_hdr *hdr)
{
	if (len < TCPALT_HDR_LEN)
		return TCPALT_PARSE_SHORT;

	hdr->doff = (seg[12] >> 4) * 4;
	if (hdr->doff < TCPALT_HDR_LEN || hdr->doff > len)
		return TCPALT_PARSE_BAD_DOFF;

	hdr->sport = tcpalt_get_be16(seg);
	hdr->dport = tcpalt_get_be16(seg + 2);
	hdr->seq = tcpalt_get_be32(seg + 4);
	hdr->ack = tcpalt_get_be32(seg + 8);
	hdr->flags = seg[13];
	hdr->window = tcpalt_get_be16(seg + 14);
	hdr->urg_ptr = tcpalt_get_be16(seg + 18);
	return TCPALT_PARSE_OK;
}

static bool sack_len_ok(u8 len)
{
	u8 blocks = (len - 2) / 8;

	return len >= 10 && (len - 2) % 8 == 0 &&
	       blocks <= TCPALT_SACK_BLOCKS_MAX;
}

static void parse_sack(const u8 *val, u8 len, struct tcpalt_opts *opts)
{
	u8 i;

	opts->nr_sack = (len - 2) / 8;
	for (i = 0; i < opts->nr_sack; i++) {
		opts->sack[i].start = tcpalt_get_be32(val + 8 * i);
		opts->sack[i].end = tcpalt_get_be32(val + 8 * i + 4);
	}
}

/*
 * One option of a known kind, val pointing past kind and length.  A known
 * kind with the wrong length is malformed: RFC 9293 section 3.1 asks for
 * illegal lengths to be handled, and reading such an option either way
 * would be a guess.  Unknown kinds are skipped (RFC 9293 MUST-6).
 */
static bool parse_one(u8 kind, const u8 *val, u8 len, struct tcpalt_opts *opts)
{
	switch (kind) {
	case TCPALT_OPT_MSS:
		if (len != TCPALT_OPT_MSS_LEN)
			return false;
		opts->has_mss = true;
		opts->mss = tcpalt_get_be16(val);
		return true;
	case TCPALT_OPT_WSCALE:
		if (len != TCPALT_OPT_WSCALE_LEN)
			return false;
		opts->has_wscale = true;
		opts->wscale = val[0] > TCPALT_WSCALE_MAX ?
			       TCPALT_WSCALE_MAX : val[0];
		return true;
	case TCPALT_OPT_SACK_PERM:
		if (len != TCPALT_OPT_SACK_PERM_LEN)
			return false;
		opts->sack_ok = true;
		return true;
	case TCPALT_OPT_SACK:
		if (!sack_len_ok(len))
			return false;
		parse_sack(val, len, opts);
		return true;
	case TCPALT_OPT_TS:
		if (len != TCPALT_OPT_TS_LEN)
			return false;
		opts->has_ts = true;
		opts->tsval = tcpalt_get_be32(val);
		opts->tsecr = tcpalt_get_be32(val + 4);
		return true;
	default:
		return true;
	}
}

enum tcpalt_parse_result tcpalt_parse_opts(const u8 *seg,
					   const struct tcpalt_hdr *hdr,
					   struct tcpalt_opts *opts)
{
	size_t pos = TCPALT_HDR_LEN;
	u8 kind, len;

	*opts = (struct tcpalt_opts){ 0 };
	while (pos < hdr->doff) {
		kind = seg[pos];
		if (kind == TCPALT_OPT_EOL)
			break;
		if (kind == TCPALT_OPT_NOP) {
			pos++;
			continue;
		}
		if (pos + 2 > hdr->doff)
			return TCPALT_PARSE_BAD_OPT;
		len = seg[pos + 1];
		if (len < 2 || pos + len > hdr->doff)
			return TCPALT_PARSE_BAD_OPT;
		if (!parse_one(kind, seg + pos + 2, len, opts))
			return TCPALT_PARSE_BAD_OPT;
		pos += len;
	}
	return TCPALT_PARSE_OK;
}

void tcpalt_build_hdr(u8 *seg, const struct tcpalt_hdr *hdr)
{
	tcpalt_put_be16(seg, hdr->sport);
	tcpalt_put_be16(seg + 2, hdr->dport);
	tcpalt_put_be32(seg + 4, hdr->seq);
	tcpalt_put_be32(seg + 8, hdr->ack);
	seg[12] = (hdr->doff / 4) << 4;
	seg[13] = hdr->flags;
	tcpalt_put_be16(seg + 14, hdr->window);
	tcpalt_put_be16(seg + 16, 0);
	tcpalt_put_be16(seg + 18, hdr->urg_ptr);
}
