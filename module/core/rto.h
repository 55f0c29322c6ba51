/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The retransmission timeout of RFC 6298, in integer arithmetic.
 *
 * All times are in microseconds, in u32: enough for any RTO up to
 * TCPALT_RTO_LIMIT_US, and fine enough for a loopback RTT.  As Linux does,
 * SRTT is kept scaled by 8 and RTTVAR by 4, so the gains of 1/8 and 1/4
 * are shifts and no precision is lost to them.
 */
#ifndef _TCPALT_CORE_RTO_H
#define _TCPALT_CORE_RTO_H

#include "compat.h"

#define TCPALT_USEC_PER_SEC	1000000U

/* RFC 6298 section 2: initial RTO 1 s, rounded up to at least 1 s. */
#define TCPALT_RTO_INITIAL_US	(1 * TCPALT_USEC_PER_SEC)
#define TCPALT_RTO_RFC_MIN_US	(1 * TCPALT_USEC_PER_SEC)
/* Linux's TCP_RTO_MIN and TCP_RTO_MAX. */
#define TCPALT_RTO_LINUX_MIN_US	(TCPALT_USEC_PER_SEC / 5)
#define TCPALT_RTO_LINUX_MAX_US	(120 * TCPALT_USEC_PER_SEC)
/* RFC 6298 section 5.7: the RTO after a handshake that lost its SYN. */
#define TCPALT_RTO_FALLBACK_US	(3 * TCPALT_USEC_PER_SEC)
/*
 * The largest RTT sample and RTO the arithmetic holds, 2^28 us or about
 * 268 s: SRTT << 3 and SRTT + 4 * RTTVAR must fit in 32 bits.
 */
#define TCPALT_RTO_LIMIT_US	0x10000000U

struct tcpalt_rto_params {
	u32 min_us;		/* lower clamp: RFC 1 s, Linux 200 ms */
	u32 max_us;		/* upper clamp, at least 60 s (section 2.5),
				 * at most TCPALT_RTO_LIMIT_US
				 */
	u32 initial_us;		/* RTO before the first sample */
	u32 clock_us;		/* G, the clock granularity */
};

struct tcpalt_rto {
	u32 srtt8;		/* SRTT << 3; 0 until the first sample */
	u32 rttvar4;		/* RTTVAR << 2 */
	u32 rto_us;		/* current RTO, backoff included */
	u8 backoffs;		/* doublings since the RTO was computed,
				 * up to 255: TCP_INFO's tcpi_backoff
				 */
};

/* RFC 6298 section 2.1: no sample yet, RTO = the initial value. */
void tcpalt_rto_init(struct tcpalt_rto *r, const struct tcpalt_rto_params *p);

/*
 * Takes one RTT measurement (sections 2.2 and 2.3) and computes the RTO
 * afresh, which collapses a backed-off RTO (section 5, after rule 5.7).
 * Only for a sample tcpalt_rtt_sample_valid() allows.
 */
void tcpalt_rto_sample(struct tcpalt_rto *r, const struct tcpalt_rto_params *p,
		       u32 rtt_us);

/*
 * Section 5.5: doubles the RTO when the timer expires, up to max_us, and
 * counts the doubling (reaching max_us too) until the RTO is computed
 * afresh.
 */
void tcpalt_rto_backoff(struct tcpalt_rto *r, const struct tcpalt_rto_params *p);

/*
 * Section 5.7: the handshake is over, and the SYN (or SYN,ACK) had to be
 * retransmitted.  Without a sample to go by, data starts with a 3 s RTO.
 */
void tcpalt_rto_handshake_done(struct tcpalt_rto *r,
			       const struct tcpalt_rto_params *p,
			       bool syn_retransmitted);

/*
 * Karn's rule (section 3): an ACK of a retransmitted segment does not say
 * which transmission it answers, so it gives no sample, unless the
 * timestamp it echoes does say (RFC 7323 section 4).
 */
static inline bool tcpalt_rtt_sample_valid(bool retransmitted, bool ts_echo)
{
	return !retransmitted || ts_echo;
}

/*
 * RFC 7323 section 4.1: the RTT an ACK's TSecr measures, in us, with
 * ts_now the timestamp clock (ms) of the connection that sent the echoed
 * TSval.  0 when it measures nothing: no echo (TSecr 0), or an echo from
 * the future or beyond what the RTO arithmetic holds, which no TSval of
 * ours can be.  Less than a tick counts as one, as Linux counts it.
 */
u32 tcpalt_rtt_from_tsecr(u32 ts_now, u32 tsecr);

static inline bool tcpalt_rto_has_sample(const struct tcpalt_rto *r)
{
	return r->srtt8 != 0;
}

static inline u32 tcpalt_rto_srtt_us(const struct tcpalt_rto *r)
{
	return r->srtt8 >> 3;
}

static inline u32 tcpalt_rto_rttvar_us(const struct tcpalt_rto *r)
{
	return r->rttvar4 >> 2;
}

#endif /* _TCPALT_CORE_RTO_H */
