// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies: the codec of cookie.h, and the SipHash-2-4 it is keyed
 * with, written from the SipHash paper so the core stays free of kernel
 * headers.
 */
#include "cookie.h"

const u16 tcpalt_cookie_mss[TCPALT_COOKIE_MSS_COUNT] = {
	88, 536, 1220, 1360, 1400, 1440, 1452, 1460,
};

#define MSS_BITS	3
#define COUNT_BITS	2
#define WS_BITS		4
#define COUNT_MASK	((1U << COUNT_BITS) - 1)
#define MSS_MASK	((1U << MSS_BITS) - 1)
#define WS_MASK		((1U << WS_BITS) - 1)
#define WSCALE_MAX	14

static inline u64 rotl64(u64 x, int b)
{
	return x << b | x >> (64 - b);
}

struct sip_state {
	u64 v0, v1, v2, v3;
};

static void sipround(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = rotl64(s->v1, 13) ^ s->v0;
	s->v0 = rotl64(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl64(s->v3, 16) ^ s->v2;
	s->v0 += s->v3;
	s->v3 = rotl64(s->v3, 21) ^ s->v0;
	s->v2 += s->v1;
	s->v1 = rotl64(s->v1, 17) ^ s->v2;
	s->v2 = rotl64(s->v2, 32);
}

static void sip_rounds(struct sip_state *s, int n)
{
	while (n--)
		sipround(s);
}

static u64 get_le64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

u64 tcpalt_siphash(const struct tcpalt_cookie_key *key, const u8 *data,
		   size_t len)
{
	struct sip_state s = {
		.v0 = 0x736f6d6570736575ULL ^ key->k0,
		.v1 = 0x646f72616e646f6dULL ^ key->k1,
		.v2 = 0x6c7967656e657261ULL ^ key->k0,
		.v3 = 0x7465646279746573ULL ^ key->k1,
	};
	u64 m, last = (u64)len << 56;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		m = get_le64(data + i);
		s.v3 ^= m;
		sip_rounds(&s, 2);
		s.v0 ^= m;
	}
	for (; i < len; i++)
		last |= (u64)data[i] << (8 * (i & 7));
	s.v3 ^= last;
	sip_rounds(&s, 2);
	s.v0 ^= last;
	s.v2 ^= 0xff;
	sip_rounds(&s, 4);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

static void put_le32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

/*
 * The MAC over everything the cookie stands for; fields are the encoded
 * low bits of the cookie (or of the TSval), ts whether the options went
 * into the timestamp.
 */
static u32 cookie_mac(const struct tcpalt_cookie_keys *keys,
		      const struct tcpalt_cookie_flow *flow, u32 count,
		      u32 fields, bool ts)
{
	u8 msg[24];

	put_le32(msg, flow->saddr);
	put_le32(msg + 4, flow->daddr);
	put_le32(msg + 8, (u32)flow->sport << 16 | flow->dport);
	put_le32(msg + 12, flow->peer_isn);
	put_le32(msg + 16, count);
	put_le32(msg + 20, fields << 1 | ts);
	return (u32)tcpalt_siphash(&keys->key[count & 1], msg, sizeof(msg));
}

static u32 mss_index(u16 mss)
{
	u32 i = TCPALT_COOKIE_MSS_COUNT - 1;

	while (i && tcpalt_cookie_mss[i] > mss)
		i--;
	return i;
}

/* ws and sack, 5 bits: the window scale plus one (0: none), then SACK. */
static u32 opts_bits(const struct tcpalt_cookie_opts *o)
{
	u32 ws = o->wscale_ok ? (o->wscale > WSCALE_MAX ? WSCALE_MAX :
				 o->wscale) + 1 : 0;

	return ws << 1 | o->sack_ok;
}

u32 tcpalt_cookie_make(const struct tcpalt_cookie_keys *keys,
		       const struct tcpalt_cookie_flow *flow,
		       const struct tcpalt_cookie_opts *opts, u32 count,
		       u32 *ts_bits)
{
	u32 fields = (count & COUNT_MASK) << MSS_BITS | mss_index(opts->mss);
	u32 shift = MSS_BITS + COUNT_BITS;

	if (opts->ts) {
		*ts_bits = opts_bits(opts);
	} else {
		fields = fields << TCPALT_COOKIE_TS_BITS | opts_bits(opts);
		shift += TCPALT_COOKIE_TS_BITS;
	}
	return cookie_mac(keys, flow, count, fields, opts->ts) << shift |
	       fields;
}

static void opts_from_bits(u32 bits, struct tcpalt_cookie_opts *o)
{
	u32 ws = bits >> 1 & WS_MASK;

	o->sack_ok = bits & 1;
	o->wscale_ok = ws != 0;
	o->wscale = ws ? ws - 1 : 0;
}

bool tcpalt_cookie_check(const struct tcpalt_cookie_keys *keys,
			 const struct tcpalt_cookie_flow *flow, u32 cookie,
			 u32 now, bool ts, u32 tsecr,
			 struct tcpalt_cookie_opts *opts)
{
	u32 shift = MSS_BITS + COUNT_BITS + (ts ? 0 : TCPALT_COOKIE_TS_BITS);
	u32 fields = cookie & ((1U << shift) - 1);
	u32 optbits = ts ? tsecr & TCPALT_COOKIE_TS_MASK :
			   fields & TCPALT_COOKIE_TS_MASK;
	u32 head = ts ? fields : fields >> TCPALT_COOKIE_TS_BITS;
	u32 count, age, mac;

	/* The counter it was made under: now, or the one before. */
	age = (now - (head >> MSS_BITS)) & COUNT_MASK;
	if (age > 1)
		return false;
	count = now - age;
	mac = cookie_mac(keys, flow, count, fields, ts);
	if (cookie >> shift != (u32)(mac << shift) >> shift)
		return false;
	opts_from_bits(optbits, opts);
	opts->mss = tcpalt_cookie_mss[head & MSS_MASK];
	opts->ts = ts;
	return true;
}
