// SPDX-License-Identifier: GPL-2.0
#include "rto.h"

static u32 rto_clamp(u32 rto_us, const struct tcpalt_rto_params *p)
{
	if (rto_us < p->min_us)
		return p->min_us;
	if (rto_us > p->max_us)
		return p->max_us;
	return rto_us;
}

/* Section 2.2 and 2.3: RTO = SRTT + max(G, K * RTTVAR), K = 4. */
static u32 rto_compute(const struct tcpalt_rto *r,
		       const struct tcpalt_rto_params *p)
{
	u32 var = r->rttvar4 > p->clock_us ? r->rttvar4 : p->clock_us;

	return rto_clamp((r->srtt8 >> 3) + var, p);
}

void tcpalt_rto_init(struct tcpalt_rto *r, const struct tcpalt_rto_params *p)
{
	r->srtt8 = 0;
	r->rttvar4 = 0;
	r->rto_us = rto_clamp(p->initial_us, p);
	r->backoffs = 0;
}

/*
 * First sample R (section 2.2): SRTT = R, RTTVAR = R/2.  Then, with the
 * old SRTT in the variance (section 2.3):
 *	RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|
 *	SRTT = 7/8 SRTT + 1/8 R
 * In the scaled fields that is x' = x - x/8 + R and y' = y - y/4 + |err|.
 * A zero sample (a clock too coarse for the path) counts as 1 us, since
 * SRTT 0 means "no sample yet".
 */
void tcpalt_rto_sample(struct tcpalt_rto *r, const struct tcpalt_rto_params *p,
		       u32 rtt_us)
{
	u32 srtt, err;

	if (!rtt_us)
		rtt_us = 1;
	if (rtt_us > TCPALT_RTO_LIMIT_US)
		rtt_us = TCPALT_RTO_LIMIT_US;

	if (!tcpalt_rto_has_sample(r)) {
		r->srtt8 = rtt_us << 3;
		r->rttvar4 = rtt_us << 1;
	} else {
		srtt = tcpalt_rto_srtt_us(r);
		err = rtt_us > srtt ? rtt_us - srtt : srtt - rtt_us;
		r->rttvar4 = r->rttvar4 - (r->rttvar4 >> 2) + err;
		r->srtt8 = r->srtt8 - (r->srtt8 >> 3) + rtt_us;
	}
	r->rto_us = rto_compute(r, p);
	r->backoffs = 0;
}

void tcpalt_rto_backoff(struct tcpalt_rto *r, const struct tcpalt_rto_params *p)
{
	if (r->rto_us > p->max_us / 2)
		r->rto_us = p->max_us;
	else
		r->rto_us *= 2;
	if (r->backoffs < 255)
		r->backoffs++;
}

/*
 * "Using an RTO less than 3 seconds" is the initial RTO: a configured
 * initial of 3 s or more is left alone.  Linux does the same in
 * tcp_init_metrics().
 */
void tcpalt_rto_handshake_done(struct tcpalt_rto *r,
			       const struct tcpalt_rto_params *p,
			       bool syn_retransmitted)
{
	if (syn_retransmitted && !tcpalt_rto_has_sample(r) &&
	    p->initial_us < TCPALT_RTO_FALLBACK_US) {
		r->rto_us = rto_clamp(TCPALT_RTO_FALLBACK_US, p);
		r->backoffs = 0;
	}
}

u32 tcpalt_rtt_from_tsecr(u32 ts_now, u32 tsecr)
{
	s32 ms = (s32)(ts_now - tsecr);

	if (!tsecr || ms < 0 || ms >= TCPALT_RTO_LIMIT_US / 1000)
		return 0;
	return (ms ?: 1) * 1000U;
}
