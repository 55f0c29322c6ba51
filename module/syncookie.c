// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies in a namespace: the time counter and the rotating secrets
 * the codec (core/cookie.c, where the bit layout is) is keyed with.
 *
 * The counter moves every COOKIE_PERIOD.  Each namespace keeps two
 * secrets, one for even and one for odd counters; a secret is replaced
 * by a fresh random one the first time a cookie is made under a counter
 * it was not made for.  A cookie is accepted under the counter it was
 * made in and the next, so for one to two periods, and never once its
 * secret has been replaced.
 */
#include <linux/random.h>
#include <linux/seqlock.h>

#include "conn.h"
#include "tcpalt.h"

#define COOKIE_PERIOD	(64 * HZ)

static u32 cookie_counter(void)
{
	return (u32)(jiffies / COOKIE_PERIOD);
}

/* The key of slot count & 1, made for count if it was not yet. */
static void secret_refresh(struct tcpalt_cookie_secrets *s, u32 count)
{
	unsigned int slot = count & 1;

	if (READ_ONCE(s->made[slot]) == count && s->valid[slot])
		return;
	write_seqlock_bh(&s->lock);
	if (s->made[slot] != count || !s->valid[slot]) {
		get_random_bytes(&s->keys.key[slot], sizeof(s->keys.key[slot]));
		s->made[slot] = count;
		s->valid[slot] = true;
	}
	write_sequnlock_bh(&s->lock);
}

/*
 * The keys a cookie may be checked with at counter now: each slot's, if
 * it was made for the counter of its parity within the window, else one
 * that nothing was ever made with.
 */
static void secrets_for_check(struct tcpalt_cookie_secrets *s, u32 now,
			      struct tcpalt_cookie_keys *keys)
{
	unsigned int seq, slot;
	u32 want;

	do {
		seq = read_seqbegin(&s->lock);
		for (slot = 0; slot < 2; slot++) {
			want = (now & 1) == slot ? now : now - 1;
			keys->key[slot] = s->valid[slot] && s->made[slot] == want ?
					  s->keys.key[slot] : s->unused;
		}
	} while (read_seqretry(&s->lock, seq));
}

u32 tcpalt_syncookie_make(struct net *net,
			  const struct tcpalt_cookie_flow *flow,
			  const struct tcpalt_cookie_opts *opts, u32 *ts_bits)
{
	struct tcpalt_cookie_secrets *s = &tcpalt_net(net)->cookies;
	struct tcpalt_cookie_keys keys;
	u32 count = cookie_counter();
	unsigned int seq;

	secret_refresh(s, count);
	do {
		seq = read_seqbegin(&s->lock);
		keys = s->keys;
	} while (read_seqretry(&s->lock, seq));
	return tcpalt_cookie_make(&keys, flow, opts, count, ts_bits);
}

bool tcpalt_syncookie_check(struct net *net,
			    const struct tcpalt_cookie_flow *flow, u32 cookie,
			    bool ts, u32 tsecr, struct tcpalt_cookie_opts *opts)
{
	struct tcpalt_cookie_secrets *s = &tcpalt_net(net)->cookies;
	struct tcpalt_cookie_keys keys;
	u32 now = cookie_counter();

	secrets_for_check(s, now, &keys);
	return tcpalt_cookie_check(&keys, flow, cookie, now, ts, tsecr, opts);
}

/* Were cookies sent recently enough for an ACK to carry a valid one? */
bool tcpalt_syncookie_recent(unsigned long sent)
{
	return sent && time_before(jiffies, sent + 2 * COOKIE_PERIOD);
}

void tcpalt_syncookie_net_init(struct net *net)
{
	struct tcpalt_cookie_secrets *s = &tcpalt_net(net)->cookies;

	seqlock_init(&s->lock);
	get_random_bytes(&s->unused, sizeof(s->unused));
}
