// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies: the SYN,ACK that keeps no state, and the final ACK that
 * brings one back; per namespace, the time counter and the rotating
 * secrets the codec (core/cookie.c, where the bit layout is) is keyed
 * with.
 *
 * The counter moves every COOKIE_PERIOD.  Each namespace keeps two
 * secrets, one for even and one for odd counters; a secret is replaced
 * by a fresh random one the first time a cookie is made under a counter
 * it was not made for.  A cookie is accepted under the counter it was
 * made in and the next, so for one to two periods, and never once its
 * secret has been replaced.
 *
 * Locking: struct tcpalt_cookie_secrets' seqlock guards keys, made and
 * valid.  They are written under it, with BHs off, by secret_refresh()
 * only, and read in its read sections by syncookie_make() and
 * secrets_for_check(), which retry when a refresh raced with them;
 * secret_refresh() also peeks at made and valid without it, to skip the
 * lock when its slot is current, so those two are stored with
 * WRITE_ONCE().  unused is written once, when the namespace is set up,
 * and only read after.  The cookies themselves are made and checked
 * under the listener's lock (listen.h), which also guards cookie_sent.
 */
#include <linux/random.h>
#include <linux/seqlock.h>

#include "core/seq.h"
#include "listen.h"
#include "stats.h"
#include "tcpalt.h"
#include "trace.h"

#define COOKIE_PERIOD	(64 * HZ)

static u32 cookie_counter(void)
{
	return (u32)(jiffies / COOKIE_PERIOD);
}

/* The key of slot count & 1, made for count if it was not yet. */
static void secret_refresh(struct tcpalt_cookie_secrets *s, u32 count)
{
	unsigned int slot = count & 1;

	if (READ_ONCE(s->made[slot]) == count && READ_ONCE(s->valid[slot]))
		return;
	write_seqlock_bh(&s->lock);
	if (s->made[slot] != count || !s->valid[slot]) {
		get_random_bytes(&s->keys.key[slot], sizeof(s->keys.key[slot]));
		WRITE_ONCE(s->made[slot], count);
		WRITE_ONCE(s->valid[slot], true);
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

static u32 syncookie_make(struct net *net,
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

static bool syncookie_check(struct net *net,
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
static bool syncookie_recent(unsigned long sent)
{
	return sent && time_before(jiffies, sent + 2 * COOKIE_PERIOD);
}

void tcpalt_syncookie_net_init(struct net *net)
{
	struct tcpalt_cookie_secrets *s = &tcpalt_net(net)->cookies;

	seqlock_init(&s->lock);
	get_random_bytes(&s->unused, sizeof(s->unused));
}

/*
 * SYN cookies: with the syncookies sysctl at 2 for every SYN, at 1 once
 * the listener's SYN backlog is full.
 */
bool tcpalt_syncookie_wanted(const struct tcpalt_listener *l)
{
	int mode = READ_ONCE(tcpalt_net(sock_net(l->sk))->sysctl_syncookies);

	return mode == 2 || (mode == 1 && l->nr_requests >= l->max_requests);
}

static void cookie_flow(const struct tcpalt_request *req,
			struct tcpalt_cookie_flow *flow)
{
	flow->saddr = (__force u32)req->raddr;
	flow->daddr = (__force u32)req->laddr;
	flow->sport = (__force u16)req->rport;
	flow->dport = (__force u16)req->lport;
	flow->peer_isn = req->irs;
}

/*
 * The first cookie after a quiet minute is logged: once per flood, not
 * once per SYN, and not when cookies are always on.
 */
static void cookie_log(struct tcpalt_listener *l, const struct tcpalt_net *tn)
{
	if (READ_ONCE(tn->sysctl_syncookies) == 1 &&
	    (!l->cookie_sent || time_after(jiffies, l->cookie_sent + 60 * HZ)))
		net_info_ratelimited("tcpalt: possible SYN flood on port %u, sending cookies\n",
				     inet_sk(l->sk)->inet_num);
	l->cookie_sent = jiffies ?: 1;
}

/*
 * A SYN,ACK that keeps no state: the request lives only on the stack,
 * its ISN the cookie (core/cookie.h), the options in the TSval's low
 * bits when the SYN had timestamps.
 */
void tcpalt_syncookie_synack(struct tcpalt_listener *l, struct sk_buff *skb)
{
	struct net *net = sock_net(l->sk);
	struct tcpalt_net *tn = tcpalt_net(net);
	struct tcpalt_cookie_flow flow;
	struct tcpalt_cookie_opts opts;
	struct tcpalt_request req;
	u32 tsval, ts_bits = 0;

	tcpalt_request_from_syn(l->sk, &req, skb);
	cookie_flow(&req, &flow);
	opts = (struct tcpalt_cookie_opts){
		.mss = req.peer_mss,
		.ts = req.ts_ok,
		.wscale_ok = req.wscale_ok,
		.wscale = req.snd_wscale,
		.sack_ok = req.sack_ok,
	};
	req.iss = syncookie_make(net, &flow, &opts, &ts_bits);
	/* The low bits carry the options; never a TSval ahead of the clock. */
	tsval = tcpalt_request_tsval(&req);
	if (req.ts_ok) {
		u32 now = tsval;

		tsval = (tsval & ~TCPALT_COOKIE_TS_MASK) | ts_bits;
		if (seq_after(tsval, now))
			tsval -= TCPALT_COOKIE_TS_MASK + 1;
	}
	cookie_log(l, tn);
	tcpalt_stat_inc(tn, TCPALT_STAT_SYNCOOKIES_SENT);
	trace_tcpalt_syncookie_send(req.laddr, req.lport, req.raddr,
				    req.rport);
	tcpalt_request_send_synack(l->sk, &req, tsval);
}

/*
 * An ACK with no request: a final ACK answering a cookie, if cookies are
 * always on or went out lately.  A valid cookie rebuilds the request the
 * SYN would have made, and the connection is born as from any request.
 * Returns false when the ACK is not for a cookie, or a forged or stale
 * one.
 */
bool tcpalt_syncookie_ack(struct tcpalt_listener *l, struct sk_buff *skb,
			  bool *kept, bool *promoted)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	struct net *net = sock_net(l->sk);
	struct tcpalt_net *tn = tcpalt_net(net);
	int mode = READ_ONCE(tn->sysctl_syncookies);
	struct tcpalt_cookie_flow flow;
	struct tcpalt_cookie_opts opts;
	struct tcpalt_request req;
	bool valid;

	if (!mode || (mode == 1 && !syncookie_recent(l->cookie_sent)) ||
	    (cb->flags & (TCPALT_SYN | TCPALT_RST | TCPALT_FIN)))
		return false;
	tcpalt_request_from_syn(l->sk, &req, skb);
	req.irs = cb->seq - 1;
	cookie_flow(&req, &flow);
	valid = syncookie_check(net, &flow, cb->ack - 1, cb->has_ts,
				cb->tsecr, &opts);
	trace_tcpalt_syncookie_check(req.laddr, req.lport, req.raddr,
				     req.rport, valid);
	if (!valid) {
		tcpalt_stat_inc(tn, TCPALT_STAT_SYNCOOKIES_FAILED);
		return false;
	}
	tcpalt_stat_inc(tn, TCPALT_STAT_SYNCOOKIES_RECV);
	req.iss = cb->ack - 1;
	req.peer_mss = opts.mss;
	req.wscale_ok = opts.wscale_ok;
	req.snd_wscale = opts.wscale;
	req.sack_ok = opts.sack_ok;
	req.ts_ok = opts.ts;
	req.ts_recent = cb->tsval;
	*kept = tcpalt_child_promote(l, &req, skb, promoted);
	return true;
}
