// SPDX-License-Identifier: GPL-2.0
/*
 * TIME-WAIT (RFC 9293 3.6): what is left of a connection for 2*MSL after
 * it closed.  The socket goes; a 64-byte entry takes its place in the
 * lookup, answers what the peer may still send, and holds the 4-tuple
 * and the port.
 *
 * Entries live in their own table, read locklessly under RCU from
 * softirq as the connection table is, hashed as it is and written under
 * its chain locks, so that connect() can check a 4-tuple against both
 * under one lock.  The receive path looks them up after connections and
 * before listeners.  An entry never changes once it is published, except
 * for being unlinked: restarting 2*MSL for a retransmitted FIN publishes
 * a fresh copy in its place.  Entries never move between chains.
 *
 * Each namespace has a reaper: its entries on a FIFO in the order they
 * were made, which, with one timeout for the whole namespace, is the
 * order they expire in, and a timer for the head.  Reaping costs what
 * expires, never the total.  See tw_reap() for the bound on lateness.
 * Only live entries, those in the lookup, count against max_tw_buckets
 * and in CurrTimeWait: one that a RST, a reopening SYN or a restart took
 * out is dead, and waits on the FIFO only for its memory to be freed.
 *
 * Freeing waits for a grace period.  The entry has no room for an
 * rcu_head, so reaped entries go on a per-namespace list, threaded
 * through the FIFO link they no longer need, and one rcu_head in the
 * namespace frees a whole list at a time.
 *
 * Locking:
 * - Chain i of tw_chains is written under tcpalt_conn_lock(i), the lock
 *   of connection chain i (table.c), taken with BHs off: it guards the
 *   chain's head, the chain_next of the entries on it, and each entry's
 *   dead, which is set once, when the entry leaves its chain.  Lookups
 *   and procfs walk the chains under RCU without it, and they and the
 *   reaper, which holds only its own lock, read dead with READ_ONCE().
 * - The reaper's lock (struct tcpalt_tw_reaper) guards the FIFO and the
 *   free lists, through reap_next.  A chain lock and the reaper's lock
 *   are never held together; the port lock is taken under neither.
 * - Every other field is written before the entry is published and
 *   never again, so readers under RCU need no annotation; a restart
 *   copies those fields only.
 */
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/ip.h>

#include "conn.h"
#include "core/accept.h"
#include "core/options.h"
#include "core/seq.h"
#include "core/window.h"
#include "stats.h"
#include "tcpalt.h"
#include "trace.h"

/* Immutable once published, but for the three fields said otherwise. */
struct tcpalt_tw {
	struct tcpalt_tw __rcu *chain_next;	/* in its table chain; RCU,
						 * under the chain lock
						 */
	struct tcpalt_tw *reap_next;		/* FIFO, then free list;
						 * under the reaper's lock
						 */
	possible_net_t net;
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 rport;
	int bound_dev_if;
	u32 snd_nxt;
	u32 rcv_nxt;
	u32 ts_recent;
	u32 ts_offset;
	u32 start;			/* jiffies: 2*MSL runs from here */
	u16 window;			/* the window field we send */
	u8 ts_ok:1,
	   paws:1,			/* ts_recent is valid for PAWS */
	   reuse:1,			/* the socket had SO_REUSEADDR */
	   shared:1,			/* its port was connect()'s */
	   wscale:4;			/* of the window we advertise */
	u8 dead;			/* unlinked; set under the chain
					 * lock; lockless: lookup, procfs,
					 * reaper.  Last: see TW_COPY_LEN
					 */
};

/* The memory budget of a TIME-WAIT entry (README, "Decisions"). */
static_assert(sizeof(struct tcpalt_tw) <= 64);

/* What a restart copies: everything between the links and dead. */
#define TW_COPY_LEN	(offsetof(struct tcpalt_tw, dead) - \
			 offsetof(struct tcpalt_tw, net))
static_assert(offsetof(struct tcpalt_tw, net) ==
	      offsetof(struct tcpalt_tw, reap_next) + sizeof(void *));

/*
 * The connection table's hash, chain count and locks: connect() checks
 * a 4-tuple against connections and entries under one lock.
 */
#define TW_HASH_BITS	TCPALT_CONN_HASH_BITS

/*
 * A reaper run frees at most this many entries and comes back on the
 * next tick for more, so that no timer softirq runs long.
 */
#define TW_REAP_BATCH	256

static struct kmem_cache *tw_cache;
static struct tcpalt_tw __rcu **tw_chains;

static u32 tw_hash_of(const struct tcpalt_tw *tw)
{
	return tcpalt_conn_hash(read_pnet(&tw->net), tw->laddr, tw->lport,
				tw->raddr, tw->rport);
}

static struct tcpalt_tw __rcu **tw_chain(u32 hash)
{
	return &tw_chains[hash & ((1U << TW_HASH_BITS) - 1)];
}

static unsigned long tw_timeout(const struct tcpalt_net *tn)
{
	return (unsigned long)READ_ONCE(tn->sysctl_tw_timeout) * HZ;
}

/* Jiffies until tw expires, <= 0 once due; start is a truncated jiffies. */
static long tw_left(const struct tcpalt_net *tn, const struct tcpalt_tw *tw)
{
	return (s32)(tw->start + (u32)tw_timeout(tn) - (u32)jiffies);
}

static unsigned long tw_deadline(const struct tcpalt_net *tn,
				 const struct tcpalt_tw *tw)
{
	return jiffies + max(tw_left(tn, tw), 0L);
}

/* Under rcu_read_lock(); the entry may be dead by the time it is used. */
struct tcpalt_tw *tcpalt_tw_lookup(struct net *net, __be32 raddr,
				   __be16 rport, __be32 laddr, __be16 lport,
				   int dif, int sdif)
{
	u32 hash = tcpalt_conn_hash(net, laddr, lport, raddr, rport);
	struct tcpalt_tw *tw;

	for (tw = rcu_dereference(*tw_chain(hash)); tw;
	     tw = rcu_dereference(tw->chain_next)) {
		if (tw->lport == lport && tw->rport == rport &&
		    tw->raddr == raddr && tw->laddr == laddr &&
		    net_eq(read_pnet(&tw->net), net) &&
		    (!tw->bound_dev_if || tw->bound_dev_if == dif ||
		     tw->bound_dev_if == sdif) && !READ_ONCE(tw->dead))
			return tw;
	}
	return NULL;
}

/*
 * An entry left the lookup: it no longer counts against max_tw_buckets,
 * though its memory waits for the reaper to reach it on the FIFO.
 */
static void tw_count_death(const struct tcpalt_tw *tw)
{
	struct tcpalt_net *tn = tcpalt_net(read_pnet(&tw->net));

	atomic_inc(&tn->tw_reaper.dead);
	atomic_dec(&tn->tw_reaper.entries);
}

/* Puts new in old's place on its chain, or unlinks old when new is NULL. */
static bool tw_chain_swap(struct tcpalt_tw *old, struct tcpalt_tw *new)
{
	u32 hash = tw_hash_of(old);
	struct tcpalt_tw __rcu **pp = tw_chain(hash);
	spinlock_t *lock = tcpalt_conn_lock(hash);
	struct tcpalt_tw *tw;
	bool swapped = false;

	spin_lock_bh(lock);
	if (old->dead)
		goto out;
	while ((tw = rcu_dereference_protected(*pp, lockdep_is_held(lock)))) {
		if (tw == old)
			break;
		pp = &tw->chain_next;
	}
	if (new) {
		RCU_INIT_POINTER(new->chain_next,
				 rcu_dereference_protected(old->chain_next,
							   true));
		rcu_assign_pointer(*pp, new);
	} else {
		RCU_INIT_POINTER(*pp, rcu_dereference_protected(old->chain_next,
								true));
	}
	WRITE_ONCE(old->dead, 1);
	swapped = true;
out:
	spin_unlock_bh(lock);
	if (swapped)
		tw_count_death(old);
	return swapped;
}

static void tw_chain_add(struct tcpalt_tw *tw)
{
	u32 hash = tw_hash_of(tw);
	struct tcpalt_tw __rcu **head = tw_chain(hash);
	spinlock_t *lock = tcpalt_conn_lock(hash);

	spin_lock_bh(lock);
	RCU_INIT_POINTER(tw->chain_next,
			 rcu_dereference_protected(*head,
						   lockdep_is_held(lock)));
	rcu_assign_pointer(*head, tw);
	spin_unlock_bh(lock);
}

/*
 * Ends an entry before the reaper gets to it: out of the lookup, its
 * port given back.  The memory stays on the FIFO until the reaper
 * passes.  Returns false when someone else ended it first.
 */
static bool tw_kill(struct tcpalt_tw *tw)
{
	if (!tw_chain_swap(tw, NULL))
		return false;
	tcpalt_port_tw_release(read_pnet(&tw->net), tw->laddr,
			       ntohs(tw->lport), tw->reuse, tw->shared);
	return true;
}

/* Under the reaper's lock. */
static void reaper_arm(struct tcpalt_net *tn, unsigned long when)
{
	struct tcpalt_tw_reaper *r = &tn->tw_reaper;

	/* Never more than a second out: see tw_reap(). */
	if (time_after(when, jiffies + HZ))
		when = jiffies + HZ;
	if (!r->dying)
		mod_timer(&r->timer, when);
}

static void reaper_append(struct tcpalt_tw *tw)
{
	struct tcpalt_net *tn = tcpalt_net(read_pnet(&tw->net));
	struct tcpalt_tw_reaper *r = &tn->tw_reaper;

	tw->reap_next = NULL;
	spin_lock_bh(&r->lock);
	if (r->tail)
		r->tail->reap_next = tw;
	else
		r->head = tw;
	r->tail = tw;
	if (!timer_pending(&r->timer))
		reaper_arm(tn, tw_deadline(tn, tw));
	spin_unlock_bh(&r->lock);
}

static unsigned int tw_list_len(const struct tcpalt_tw *tw)
{
	unsigned int n = 0;

	for (; tw; tw = tw->reap_next)
		n++;
	return n;
}

/* Frees a list of dead entries; the caller has taken them off dead. */
static void tw_free_list(struct tcpalt_tw *tw)
{
	struct tcpalt_tw *next;

	for (; tw; tw = next) {
		next = tw->reap_next;
		kmem_cache_free(tw_cache, tw);
	}
}

/*
 * Once the namespace has seen freeing go NULL it may be freed itself, so
 * the entries are uncounted under the lock and nothing of the namespace
 * is touched after it.
 */
static void tw_free_rcu(struct rcu_head *head)
{
	struct tcpalt_tw_reaper *r = container_of(head, struct tcpalt_tw_reaper,
						  rcu);
	struct tcpalt_tw *done;

	spin_lock_bh(&r->lock);
	done = r->freeing;
	atomic_sub(tw_list_len(done), &r->dead);
	r->freeing = r->graves;
	r->graves = NULL;
	if (r->freeing)
		call_rcu(&r->rcu, tw_free_rcu);
	spin_unlock_bh(&r->lock);
	tw_free_list(done);
}

/* Under the reaper's lock: free tw after a grace period. */
static void tw_bury(struct tcpalt_tw_reaper *r, struct tcpalt_tw *tw)
{
	tw->reap_next = r->graves;
	r->graves = tw;
}

/* Under the reaper's lock: start a grace period for the graves. */
static void reaper_flush_graves(struct tcpalt_tw_reaper *r)
{
	if (r->freeing || !r->graves)
		return;
	r->freeing = r->graves;
	r->graves = NULL;
	call_rcu(&r->rcu, tw_free_rcu);
}

/*
 * The reaper, in timer softirq.  It takes entries off the head of the
 * FIFO while they are due, at most TW_REAP_BATCH a run, and sets its
 * timer again: for the next tick if it stopped at the batch, else for
 * the new head's deadline but no more than a second ahead.
 *
 * The bound: the timer wheel fires a timer set under a second ahead at
 * most 8 jiffies late (its level-1 granularity), so an entry is reaped
 * no sooner than its deadline and no later than 8 + 1 + n / 256 jiffies
 * after it, n being the number of entries due before it.  With HZ=250,
 * 36 ms plus 4 ms per 1024 entries reaped ahead of it.  A lower
 * tw_timeout applies to the entries already waiting, a second late at
 * most.
 */
static void tw_reap(struct timer_list *t)
{
	struct tcpalt_tw_reaper *r = from_timer(r, t, timer);
	struct tcpalt_net *tn = container_of(r, struct tcpalt_net, tw_reaper);
	struct tcpalt_tw *tw, *kill = NULL;
	unsigned int reaped = 0;
	int n;

	spin_lock(&r->lock);
	for (n = 0; n < TW_REAP_BATCH && (tw = r->head); n++) {
		if (!READ_ONCE(tw->dead) && tw_left(tn, tw) > 0)
			break;
		r->head = tw->reap_next;
		if (!r->head)
			r->tail = NULL;
		tw->reap_next = kill;
		kill = tw;
	}
	if (r->head)
		reaper_arm(tn, n == TW_REAP_BATCH ? jiffies + 1 :
			   tw_deadline(tn, r->head));
	spin_unlock(&r->lock);

	/* Unlinking takes the chain and port locks: not under ours. */
	for (tw = kill; tw; tw = tw->reap_next)
		if (tw_kill(tw))
			reaped++;
	tcpalt_stat_add(tn, TCPALT_STAT_TW_REAPED, reaped);
	trace_tcpalt_tw_reap(reaped, atomic_read(&r->entries));

	spin_lock(&r->lock);
	while ((tw = kill)) {
		kill = tw->reap_next;
		tw_bury(r, tw);
	}
	reaper_flush_graves(r);
	spin_unlock(&r->lock);
}

static u16 tw_window_field(const struct tcpalt_sock *tp)
{
	return tcpalt_wnd_field(tp->rcv_wnd, tp->wscale_ok ? tp->rcv_wscale : 0);
}

static void tw_fill(struct tcpalt_tw *tw, const struct sock *sk)
{
	const struct tcpalt_sock *tp = tcpalt_sk(sk);
	const struct inet_sock *inet = inet_sk(sk);

	memset(tw, 0, sizeof(*tw));
	write_pnet(&tw->net, sock_net(sk));
	tw->laddr = inet->inet_rcv_saddr;
	tw->raddr = inet->inet_daddr;
	tw->lport = inet->inet_sport;
	tw->rport = inet->inet_dport;
	tw->bound_dev_if = sk->sk_bound_dev_if;
	tw->snd_nxt = tp->snd_max;
	tw->rcv_nxt = tp->rcv_nxt;
	tw->ts_ok = tp->ts_ok;
	tw->ts_recent = tp->ts_recent;
	/*
	 * An entry lives far less than the 24 days TS.Recent stays valid
	 * (RFC 7323 5.5), so whether it is can be settled now.
	 */
	tw->paws = tp->ts_ok && tcpalt_paws_ok(tp);
	tw->ts_offset = tp->ts_offset;
	tw->window = tw_window_field(tp);
	tw->wscale = tp->wscale_ok ? tp->rcv_wscale : 0;
	tw->reuse = sk->sk_reuse != SK_NO_REUSE;
	tw->shared = tp->port_shared;
	tw->start = (u32)jiffies;
}

static struct tcpalt_tw *tw_alloc(struct tcpalt_net *tn)
{
	struct tcpalt_tw_reaper *r = &tn->tw_reaper;
	struct tcpalt_tw *tw;

	if (atomic_inc_return(&r->entries) >
	    READ_ONCE(tn->sysctl_max_tw_buckets)) {
		atomic_dec(&r->entries);
		return NULL;
	}
	tw = kmem_cache_alloc(tw_cache, GFP_ATOMIC);
	if (!tw)
		atomic_dec(&r->entries);
	return tw;
}

/*
 * A connection enters TIME-WAIT: an entry takes over its 4-tuple and its
 * port before the socket leaves the lookup.  Over max_tw_buckets, or out
 * of memory, the connection closes without TIME-WAIT, which is counted.
 * The caller holds the socket.
 */
void tcpalt_tw_enter(struct sock *sk)
{
	struct tcpalt_net *tn = tcpalt_net(sock_net(sk));
	struct tcpalt_tw *tw = tw_alloc(tn);

	if (!tw)
		goto overflow;
	tw_fill(tw, sk);
	if (tcpalt_port_tw_hold(sock_net(sk), tw->laddr, ntohs(tw->lport),
				tw->reuse, tw->shared)) {
		kmem_cache_free(tw_cache, tw);
		atomic_dec(&tn->tw_reaper.entries);
		goto overflow;
	}
	tw_chain_add(tw);
	reaper_append(tw);
	tcpalt_stat_inc(tn, TCPALT_STAT_TW_MADE);
	return;

overflow:
	tcpalt_stat_inc(tn, TCPALT_STAT_TW_OVERFLOW);
}

/*
 * A restart's copy.  It takes its entry's place, so the live count does
 * not grow: the dead count does, by the entry it replaces, which waits
 * on the FIFO until the reaper reaches it (the FIFO is singly linked
 * and an entry has no room for more).  That is bounded too: while the
 * namespace's dead entries number max_tw_buckets, no copy is made.
 */
static struct tcpalt_tw *tw_alloc_copy(struct tcpalt_net *tn)
{
	struct tcpalt_tw_reaper *r = &tn->tw_reaper;
	struct tcpalt_tw *tw;

	if (atomic_read(&r->dead) >= READ_ONCE(tn->sysctl_max_tw_buckets))
		return NULL;
	tw = kmem_cache_alloc(tw_cache, GFP_ATOMIC);
	if (tw)
		atomic_inc(&r->entries);
	return tw;
}

/*
 * RFC 9293: a retransmitted FIN restarts 2*MSL.  A fresh copy, stamped
 * now, replaces the entry on its chain and joins the FIFO's tail, which
 * keeps the FIFO in expiry order; the old one is dead, no longer counted
 * in max_tw_buckets, and waits there to be freed.  An entry less than a
 * second old is not copied again (its deadline is that close already),
 * so a peer repeating its FIN leaves at most one dead entry a second.
 * Without memory, or over the bound on dead entries, the entry keeps
 * its old deadline.  Returns the entry that now stands for the
 * connection.
 */
static struct tcpalt_tw *tw_restart(struct tcpalt_net *tn,
				    struct tcpalt_tw *old,
				    const struct tcpalt_opts *opts)
{
	struct tcpalt_tw *tw;

	if ((u32)jiffies - old->start < HZ)
		return old;
	tw = tw_alloc_copy(tn);
	if (!tw)
		return old;
	/*
	 * Not the links nor dead: a chain lock and the reaper's lock guard
	 * those, and neither is held here.  The swap and the append below
	 * set the copy's links.
	 */
	unsafe_memcpy(&tw->net, &old->net, TW_COPY_LEN,
		      /* from net up to dead: one run of fields */);
	tw->dead = 0;
	tw->start = (u32)jiffies;
	if (tw->ts_ok && opts->has_ts &&
	    !seq_before(opts->tsval, tw->ts_recent)) {
		tw->ts_recent = opts->tsval;
		tw->paws = !!tw->ts_recent;
	}
	if (!tw_chain_swap(old, tw)) {
		kmem_cache_free(tw_cache, tw);
		atomic_dec(&tn->tw_reaper.entries);
		return old;
	}
	reaper_append(tw);
	tcpalt_stat_inc(tn, TCPALT_STAT_TW_RESTARTS);
	return tw;
}

/*
 * Whether the namespace's TIME-WAIT ACKs are over their budget, the
 * tw_ack_limit sysctl's ACKs a second for all of its entries together:
 * an entry has no room for a timestamp of its own, and is never written
 * once published.
 */
static bool tw_ack_limited(struct tcpalt_net *tn)
{
	struct tcpalt_tw_ack_limit *l = &tn->tw_ack_limit;
	int limit = READ_ONCE(tn->sysctl_tw_ack_limit);
	unsigned long second = jiffies / HZ;

	if (!limit)
		return false;
	if (READ_ONCE(l->second) != second) {
		WRITE_ONCE(l->second, second);
		atomic_set(&l->left, limit);
	}
	if (atomic_dec_if_positive(&l->left) >= 0)
		return false;
	tcpalt_stat_inc(tn, TCPALT_STAT_TW_ACK_LIMITED);
	return true;
}

/* Our ACK from TIME-WAIT: SND.NXT, RCV.NXT and the last window. */
static void tw_send_ack(struct net *net, const struct tcpalt_tw *tw,
			struct sk_buff *in_skb)
{
	struct tcpalt_opts o = {
		.has_ts = tw->ts_ok,
		.tsval = tcpalt_ts_clock(tw->ts_offset),
		.tsecr = tw->ts_recent,
	};
	struct tcpalt_raw_seg r = {
		.hdr = {
			.sport = ntohs(tw->lport),
			.dport = ntohs(tw->rport),
			.seq = tw->snd_nxt,
			.ack = tw->rcv_nxt,
			.flags = TCPALT_ACK,
			.window = tw->window,
		},
		.opts = &o,
	};

	if (tw_ack_limited(tcpalt_net(net)))
		return;
	tcpalt_reply_route(net, in_skb, &r);
	tcpalt_send_raw(net, &r);
}

/* RFC 6191, when the tw_reuse sysctl allows it. */
static bool tw_syn_reopens(const struct tcpalt_net *tn,
			   const struct tcpalt_tw *tw,
			   const struct tcpalt_hdr *hdr,
			   const struct tcpalt_opts *opts)
{
	return READ_ONCE(tn->sysctl_tw_reuse) &&
	       tcpalt_tw_syn_reopens(hdr->seq, tw->rcv_nxt,
				     tw->ts_ok && opts->has_ts, opts->tsval,
				     tw->ts_recent);
}

static void tw_rcv_rst(struct tcpalt_net *tn, struct tcpalt_tw *tw,
		       const struct tcpalt_hdr *hdr)
{
	/* RFC 1337: a RST must not cut TIME-WAIT short, unless asked. */
	if (READ_ONCE(tn->sysctl_rfc1337) || hdr->seq != tw->rcv_nxt) {
		tcpalt_stat_inc(tn, TCPALT_STAT_TW_RST_IGNORED);
		return;
	}
	if (tw_kill(tw))
		tcpalt_stat_inc(tn, TCPALT_STAT_TW_KILLED);
}

/*
 * A segment for a TIME-WAIT entry (RFC 9293 3.10.7.4 in TIME-WAIT).
 * Returns true when it is dealt with; false for a SYN that reopens the
 * 4-tuple, which the caller hands to its listener with *isn, the ISN the
 * new incarnation must start above.  Without a listener (listening
 * false) no SYN reopens anything.  Under rcu_read_lock().
 */
bool tcpalt_tw_rcv(struct net *net, struct tcpalt_tw *tw,
		   struct sk_buff *skb, const struct tcpalt_hdr *hdr,
		   const struct tcpalt_opts *opts, bool listening, u32 *isn)
{
	struct tcpalt_net *tn = tcpalt_net(net);
	u32 seg_len = tcpalt_seg_len(hdr, skb->len - hdr->doff);
	u32 wnd = (u32)tw->window << tw->wscale;

	if (hdr->flags & TCPALT_RST) {
		tw_rcv_rst(tn, tw, hdr);
		return true;
	}
	/*
	 * RFC 7323 5.3 R1 holds in TIME-WAIT too: an old duplicate neither
	 * restarts 2*MSL nor reopens the 4-tuple; it gets the entry's ACK.
	 */
	if (opts->has_ts && tcpalt_paws_reject(opts->tsval, tw->ts_recent,
					       tw->paws, false)) {
		tcpalt_stat_inc(tn, TCPALT_STAT_PAWS_TIMEWAIT);
		tw_send_ack(net, tw, skb);
		return true;
	}
	if ((hdr->flags & (TCPALT_SYN | TCPALT_ACK)) == TCPALT_SYN &&
	    listening && tw_syn_reopens(tn, tw, hdr, opts) && tw_kill(tw)) {
		tcpalt_stat_inc(tn, TCPALT_STAT_TW_REUSED);
		*isn = tw->snd_nxt + 65535 + 2;
		return false;
	}
	if ((hdr->flags & TCPALT_FIN) && hdr->seq + seg_len == tw->rcv_nxt) {
		/* The peer's FIN again: our last ACK was lost. */
		tw_send_ack(net, tw_restart(tn, tw, opts), skb);
		return true;
	}
	/*
	 * Anything else: an ACK for what is out of the window, or carries
	 * something (a SYN gets this as its challenge ACK, RFC 5961 4.2);
	 * an acceptable bare ACK needs no answer.
	 */
	if (seg_len || tcpalt_check_seq(hdr->seq, seg_len, tw->rcv_nxt, wnd) ==
		       TCPALT_SEQ_BAD)
		tw_send_ack(net, tw, skb);
	return true;
}

/*
 * A segment that waited on a socket's backlog while the connection went
 * through TIME-WAIT to CLOSED: the entry that took over answers it, as
 * if it had come a moment later.  The header is in the cb by now, the
 * skb pulled to the data.  Returns false when no entry holds the 4-tuple.
 */
bool tcpalt_tw_rcv_backlogged(struct sock *sk, struct sk_buff *skb)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	const struct iphdr *iph = ip_hdr(skb);
	struct tcpalt_hdr hdr;
	struct tcpalt_opts opts = {
		.has_ts = cb->has_ts,
		.tsval = cb->tsval,
		.tsecr = cb->tsecr,
	};
	struct tcpalt_tw *tw;
	u32 isn;

	tcpalt_cb_hdr(skb, &hdr);
	rcu_read_lock();
	tw = tcpalt_tw_lookup(sock_net(sk), iph->saddr, htons(hdr.sport),
			      iph->daddr, htons(hdr.dport), skb->skb_iif, 0);
	if (tw)
		tcpalt_tw_rcv(sock_net(sk), tw, skb, &hdr, &opts, false, &isn);
	rcu_read_unlock();
	return tw;
}

/*
 * /proc/net/tcpalt/conns, under RCU: the n-th live entry of net, counting
 * from 0, on chain i of the table, copied into line; false if none.
 * Entries never move between chains.
 */
bool tcpalt_tw_at(struct net *net, unsigned int i, unsigned int n,
		  struct tcpalt_conns_line *line)
{
	struct tcpalt_tw *tw;

	for (tw = rcu_dereference(tw_chains[i]); tw;
	     tw = rcu_dereference(tw->chain_next)) {
		if (!net_eq(read_pnet(&tw->net), net) || READ_ONCE(tw->dead))
			continue;
		if (n--)
			continue;
		tcpalt_conns_line_fill(line, TCPALT_TIME_WAIT, tw->laddr,
				       tw->lport, tw->raddr, tw->rport,
				       "timewait", tw_left(tcpalt_net(net), tw));
		return true;
	}
	return false;
}

unsigned int tcpalt_tw_count(const struct net *net)
{
	return atomic_read(&tcpalt_net(net)->tw_reaper.entries);
}

void tcpalt_tw_net_init(struct net *net)
{
	struct tcpalt_tw_reaper *r = &tcpalt_net(net)->tw_reaper;

	spin_lock_init(&r->lock);
	timer_setup(&r->timer, tw_reap, 0);
	atomic_set(&r->entries, 0);
	atomic_set(&r->dead, 0);
}

/*
 * The namespace is going: no segment arrives in it any more and no
 * socket is left to make an entry.  Stop the reaper and free every
 * entry, after one grace period for all of them.
 */
void tcpalt_tw_net_exit(struct net *net)
{
	struct tcpalt_tw_reaper *r = &tcpalt_net(net)->tw_reaper;
	struct tcpalt_tw *fifo, *graves, *tw;
	bool freeing;

	spin_lock_bh(&r->lock);
	r->dying = true;
	spin_unlock_bh(&r->lock);
	del_timer_sync(&r->timer);

	spin_lock_bh(&r->lock);
	fifo = r->head;
	graves = r->graves;
	r->head = NULL;
	r->tail = NULL;
	r->graves = NULL;
	freeing = r->freeing;
	spin_unlock_bh(&r->lock);

	for (tw = fifo; tw; tw = tw->reap_next)
		tw_kill(tw);
	if (fifo || graves)
		synchronize_rcu();
	atomic_sub(tw_list_len(fifo) + tw_list_len(graves), &r->dead);
	tw_free_list(fifo);
	tw_free_list(graves);
	if (freeing)
		rcu_barrier();
}

int tcpalt_tw_init(void)
{
	tw_cache = kmem_cache_create("tcpalt_tw", sizeof(struct tcpalt_tw), 0,
				     0, NULL);
	tw_chains = kvcalloc(1U << TW_HASH_BITS, sizeof(*tw_chains),
			     GFP_KERNEL);
	if (!tw_cache || !tw_chains) {
		tcpalt_tw_exit();
		return -ENOMEM;
	}
	return 0;
}

void tcpalt_tw_exit(void)
{
	kvfree(tw_chains);
	kmem_cache_destroy(tw_cache);
}

static void tw_diag_view(const struct tcpalt_net *tn,
			 const struct tcpalt_tw *tw, struct tcpalt_tw_diag *d)
{
	long left = tw_left(tn, tw);

	d->laddr = tw->laddr;
	d->raddr = tw->raddr;
	d->lport = tw->lport;
	d->rport = tw->rport;
	d->bound_dev_if = tw->bound_dev_if;
	d->expires_ms = left > 0 ? jiffies_to_msecs(left) : 0;
}

/*
 * sock_diag: calls fn on every live entry of net on chain i, under RCU,
 * until fn returns non-zero, which it returns.
 */
int tcpalt_tw_diag_chain(struct net *net, unsigned int i,
			 int (*fn)(const struct tcpalt_tw_diag *d, void *arg),
			 void *arg)
{
	const struct tcpalt_net *tn = tcpalt_net(net);
	struct tcpalt_tw_diag d;
	struct tcpalt_tw *tw;
	int ret = 0;

	if (!rcu_access_pointer(tw_chains[i]))
		return 0;
	rcu_read_lock();
	for (tw = rcu_dereference(tw_chains[i]); tw;
	     tw = rcu_dereference(tw->chain_next)) {
		if (!net_eq(read_pnet(&tw->net), net) || READ_ONCE(tw->dead))
			continue;
		tw_diag_view(tn, tw, &d);
		ret = fn(&d, arg);
		if (ret)
			break;
	}
	rcu_read_unlock();
	return ret;
}

/* sock_diag's exact match: the live entry of the 4-tuple, into *d. */
bool tcpalt_tw_diag_find(struct net *net, __be32 laddr, __be16 lport,
			 __be32 raddr, __be16 rport, int dif,
			 struct tcpalt_tw_diag *d)
{
	struct tcpalt_tw *tw;

	rcu_read_lock();
	tw = tcpalt_tw_lookup(net, raddr, rport, laddr, lport, dif, 0);
	if (tw)
		tw_diag_view(tcpalt_net(net), tw, d);
	rcu_read_unlock();
	return tw;
}

/*
 * SOCK_DESTROY of an entry: it goes as a RST would take it, 4-tuple
 * and port freed at once.  0, or -ENOENT when there is none.
 */
int tcpalt_tw_diag_destroy(struct net *net, __be32 laddr, __be16 lport,
			   __be32 raddr, __be16 rport, int dif)
{
	struct tcpalt_tw *tw;
	bool killed = false;

	rcu_read_lock();
	tw = tcpalt_tw_lookup(net, raddr, rport, laddr, lport, dif, 0);
	if (tw)
		killed = tw_kill(tw);
	rcu_read_unlock();
	return killed ? 0 : -ENOENT;
}
