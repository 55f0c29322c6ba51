/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SYN cookies: the SYN,ACK's ISN carries what a request entry would have
 * held, authenticated, so a listener under a SYN flood keeps no state
 * until the final ACK proves the peer saw the SYN,ACK.
 *
 * The ISN, 32 bits, most significant first:
 *
 *   with timestamps     | MAC: 27 bits            | count: 2 | mss: 3 |
 *   without timestamps  | MAC: 22 bits  | count: 2 | mss: 3 | ws: 4 | sack: 1 |
 *
 *   count  the time counter, modulo 4: which of the current and the
 *          previous counter the cookie was made under;
 *   mss    an index into tcpalt_cookie_mss[], the largest entry not above
 *          the peer's MSS;
 *   ws     the peer's window scale plus one, 0 when it sent none;
 *   sack   the peer sent SACK-permitted.
 *
 * With timestamps, ws and sack travel instead in the low five bits of our
 * TSval (TCPALT_COOKIE_TS_BITS), which the peer echoes in every TSecr,
 * and the MAC is wider.  Without them, as FreeBSD does and Linux does
 * not, the options are kept in the cookie itself.
 *
 * The MAC is SipHash-2-4 of the 4-tuple, the peer's ISN, the whole time
 * counter and the encoded fields, keyed by the secret of that counter:
 * the caller keeps two, for even and odd counters, and replaces one with
 * a fresh secret whenever the counter moves onto it.  A cookie is good
 * for the counter it was made under and the next one.
 */
#ifndef _TCPALT_CORE_COOKIE_H
#define _TCPALT_CORE_COOKIE_H

#include "compat.h"

#define TCPALT_COOKIE_MSS_COUNT	8
#define TCPALT_COOKIE_TS_BITS	5
#define TCPALT_COOKIE_TS_MASK	((1U << TCPALT_COOKIE_TS_BITS) - 1)

/* The MSS values a cookie can carry, ascending. */
extern const u16 tcpalt_cookie_mss[TCPALT_COOKIE_MSS_COUNT];

/* A 128-bit SipHash key. */
struct tcpalt_cookie_key {
	u64 k0;
	u64 k1;
};

/* The secrets of even and odd time counters. */
struct tcpalt_cookie_keys {
	struct tcpalt_cookie_key key[2];
};

/* The connection a cookie is for, as the SYN carried it. */
struct tcpalt_cookie_flow {
	u32 saddr;		/* the peer's, as on the wire */
	u32 daddr;		/* ours */
	u16 sport;
	u16 dport;
	u32 peer_isn;		/* the SYN's sequence number */
};

/* What the SYN offered, and what a valid cookie gives back. */
struct tcpalt_cookie_opts {
	u16 mss;
	bool ts;		/* timestamps in use */
	bool wscale_ok;
	u8 wscale;		/* the peer's, 0 to 14 */
	bool sack_ok;
};

/*
 * The cookie for a SYN, made under time counter count.  With timestamps,
 * *ts_bits gets the low TCPALT_COOKIE_TS_BITS of the TSval to send.
 */
u32 tcpalt_cookie_make(const struct tcpalt_cookie_keys *keys,
		       const struct tcpalt_cookie_flow *flow,
		       const struct tcpalt_cookie_opts *opts, u32 count,
		       u32 *ts_bits);

/*
 * Checks cookie (the final ACK's SEG.ACK - 1) for flow at time counter
 * now; ts says whether the ACK carried a timestamp, tsecr its echo.  On
 * success fills *opts and returns true.
 */
bool tcpalt_cookie_check(const struct tcpalt_cookie_keys *keys,
			 const struct tcpalt_cookie_flow *flow, u32 cookie,
			 u32 now, bool ts, u32 tsecr,
			 struct tcpalt_cookie_opts *opts);

/* SipHash-2-4 (Aumasson and Bernstein) of len bytes. */
u64 tcpalt_siphash(const struct tcpalt_cookie_key *key, const u8 *data,
		   size_t len);

#endif /* _TCPALT_CORE_COOKIE_H */
