/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building the options of an outgoing segment, laid out word by word as
 * Linux's tcp_options_write() lays them out, so a capture of tcpalt looks
 * like one of Linux TCP.  Parsing is tcpalt_parse_opts() of segment.h;
 * both use struct tcpalt_opts.
 */
#ifndef _TCPALT_CORE_OPTIONS_H
#define _TCPALT_CORE_OPTIONS_H

#include "compat.h"
#include "segment.h"

/* The options a header can hold: data offset 15 words, less 5. */
#define TCPALT_OPTS_MAX		(TCPALT_HDR_MAX - TCPALT_HDR_LEN)

/*
 * The SACK blocks that fit beside the other options of a non-SYN segment:
 * 3 with timestamps, 4 without (RFC 2018 section 3).
 */
u8 tcpalt_sack_room(bool has_ts);

/*
 * A SYN's options: MSS, SACK-permitted, timestamps and window scale, as
 * far as o asks for them.  nr_sack is ignored (a SYN carries no SACK
 * blocks).  Returns the length written, a multiple of 4 and at most 20.
 */
size_t tcpalt_syn_opts_len(const struct tcpalt_opts *o);
size_t tcpalt_build_syn_opts(u8 *buf, const struct tcpalt_opts *o);

/*
 * The options of any other segment: timestamps and the first nr_sack
 * SACK blocks, as many as tcpalt_sack_room() allows.  Returns the length
 * written, a multiple of 4 and at most TCPALT_OPTS_MAX.
 */
size_t tcpalt_opts_len(const struct tcpalt_opts *o);
size_t tcpalt_build_opts(u8 *buf, const struct tcpalt_opts *o);

/*
 * Every segment the module sends, with a socket or without, is laid out
 * by these two: the length of the header with the options o (NULL: none)
 * that a segment with these flags carries (a SYN's, or any other's), and
 * the header and options themselves, hdr->doff being that length.
 */
u8 tcpalt_seg_hdr_len(u8 flags, const struct tcpalt_opts *o);
void tcpalt_build_seg_hdr(u8 *seg, const struct tcpalt_hdr *hdr,
			  const struct tcpalt_opts *o);

/* RFC 9293 3.7.1: the MSS assumed when a SYN carries none. */
#define TCPALT_DEFAULT_MSS	536
/*
 * The smallest MSS a peer can make us send with, TCP's TCP_MIN_SND_MSS:
 * 40 bytes of options and 8 of data.  Linux's floor, so a peer that
 * announces less cannot make us send a segment per few bytes.
 */
#define TCPALT_MIN_SND_MSS	48

/*
 * The MSS a SYN or SYN,ACK announces (has_mss, mss as parsed): an MSS of
 * 0 is taken as no option, as Linux takes it, since no segment could be
 * sent within it.
 */
u16 tcpalt_peer_mss(bool has_mss, u16 mss);

/*
 * The payload of a full segment we send: the peer's MSS bounded by what
 * the route allows (route_mss, our own announced MSS, never below
 * TCPALT_MIN_SND_MSS), floored at TCPALT_MIN_SND_MSS, less opt_len bytes
 * of options every segment carries, as TCP's tcp_mtu_to_mss() does.  The
 * MSS counts data only (RFC 6691), so payload and options together stay
 * within what the peer announced, unless that was below the floor.
 */
u16 tcpalt_snd_mss(u16 peer_mss, u16 route_mss, u8 opt_len);

#endif /* _TCPALT_CORE_OPTIONS_H */
