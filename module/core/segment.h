/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The segment header of RFC 9293 section 3.1 and its options: parsing with
 * every length checked, and building.  Byte for byte TCP's format, so
 * standard tools decode tcpalt captures.
 */
#ifndef _TCPALT_CORE_SEGMENT_H
#define _TCPALT_CORE_SEGMENT_H

#include "compat.h"

#define TCPALT_HDR_LEN		20	/* without options */
#define TCPALT_HDR_MAX		60	/* data offset 15, in 32-bit words */

#define TCPALT_FIN		0x01
#define TCPALT_SYN		0x02
#define TCPALT_RST		0x04
#define TCPALT_PSH		0x08
#define TCPALT_ACK		0x10
#define TCPALT_URG		0x20
#define TCPALT_ECE		0x40
#define TCPALT_CWR		0x80

#define TCPALT_OPT_EOL		0
#define TCPALT_OPT_NOP		1
#define TCPALT_OPT_MSS		2
#define TCPALT_OPT_WSCALE	3
#define TCPALT_OPT_SACK_PERM	4
#define TCPALT_OPT_SACK		5
#define TCPALT_OPT_TS		8

#define TCPALT_OPT_MSS_LEN		4
#define TCPALT_OPT_WSCALE_LEN		3
#define TCPALT_OPT_SACK_PERM_LEN	2
#define TCPALT_OPT_TS_LEN		10
#define TCPALT_SACK_BLOCKS_MAX		4

/* RFC 7323 section 2.3: a larger shift is taken as 14. */
#define TCPALT_WSCALE_MAX	14

enum tcpalt_parse_result {
	TCPALT_PARSE_OK,
	TCPALT_PARSE_SHORT,	/* fewer bytes than a header */
	TCPALT_PARSE_BAD_DOFF,	/* data offset below 5 or past the end */
	TCPALT_PARSE_BAD_OPT,	/* an option runs past the header or has
				 * a length its kind does not allow
				 */
};

struct tcpalt_hdr {
	u16 sport;
	u16 dport;
	u32 seq;
	u32 ack;
	u8 doff;		/* header length in bytes, options included */
	u8 flags;
	u16 window;
	u16 urg_ptr;
};

struct tcpalt_sack_block {
	u32 start;
	u32 end;
};

struct tcpalt_opts {
	bool has_mss;
	bool has_wscale;
	bool sack_ok;
	bool has_ts;
	u8 wscale;
	u8 nr_sack;
	u16 mss;
	u32 tsval;
	u32 tsecr;
	struct tcpalt_sack_block sack[TCPALT_SACK_BLOCKS_MAX];
};

/* Parses the fixed header of a segment of len bytes, checking doff. */
enum tcpalt_parse_result tcpalt_parse_hdr(const u8 *seg, size_t len,
					  struct tcpalt_hdr *hdr);

/* Parses the options of a header that tcpalt_parse_hdr accepted. */
enum tcpalt_parse_result tcpalt_parse_opts(const u8 *seg,
					   const struct tcpalt_hdr *hdr,
					   struct tcpalt_opts *opts);

/* Writes a 20-byte header, checksum zero, into seg. */
void tcpalt_build_hdr(u8 *seg, const struct tcpalt_hdr *hdr);

/*
 * The sequence space a segment occupies: its data, plus one for SYN and
 * one for FIN (RFC 9293 section 3.4).
 */
static inline u32 tcpalt_seg_len(const struct tcpalt_hdr *hdr, u32 data_len)
{
	return data_len + !!(hdr->flags & TCPALT_SYN) +
	       !!(hdr->flags & TCPALT_FIN);
}

#endif /* _TCPALT_CORE_SEGMENT_H */
