// SPDX-License-Identifier: GPL-2.0
/*
 * Port ownership: which sockets hold which local port, per namespace, and
 * the choice of an ephemeral port for bind() to port 0 and for connect().
 *
 * Every bound socket sits on the chain of its (namespace, port) bucket
 * through sk_bind_node.  Buckets have their own locks, taken with BHs off
 * because the passive open will bind children from softirq.
 *
 * Two sockets on one port conflict as they do for TCP: unless both set
 * SO_REUSEADDR and the other is not listening, their bound addresses must
 * not overlap (the wildcard overlaps every address), on overlapping
 * devices.  SO_REUSEADDR relaxes only an explicit port: bind() to port 0
 * never hands out a port someone holds (TCP's ip_autobind_reuse off).
 * SO_REUSEPORT is not supported; it is accepted by the socket layer and
 * changes nothing.
 *
 * connect() on a socket without a port shares ports instead, as TCP
 * does: a connection is known by its 4-tuple, so one port serves any
 * number of connections to different destinations, and one destination
 * once per port.  A port is shared only among such sockets: one that
 * bind() or a listener holds, or a TIME-WAIT entry of such a socket,
 * keeps connect() off it.  The port is checked under its bucket's lock
 * and the 4-tuple, against connections and TIME-WAIT entries, under its
 * chain's lock taken inside it, so neither can be taken twice.  When no
 * port of the range is free for the destination, connect() fails with
 * EADDRNOTAVAIL.  Sockets sharing a port this way conflict with bind()
 * as any other socket does.
 *
 * TIME-WAIT entries hold their port as their socket did, counted per
 * (namespace, address, port, SO_REUSEADDR, shared by connect()) in the
 * bucket: an entry is too small to sit on the owners chain.  They
 * conflict with bind() as a socket that is not listening does, whatever
 * device their socket was bound to.  An entry of a port connect() chose
 * holds it too, though connect() looks past it (the 4-tuple check does
 * that job): it keeps bind() and bind() to port 0 off the port, as
 * TCP's does.
 *
 * The counts of one block of PORT_BLOCK neighbouring ports share one
 * 64-byte record, and a block's ports share a bucket, so that its lock
 * guards them all.  Clients that close first leave entries on ports
 * all over the ephemeral range, one or a few a port: a record per port
 * would cost each entry as much again as the entry itself, where a
 * record per block costs it a few bytes once the range is in use, and
 * never more than a record per port did.  The records have a cache of
 * their own, tcpalt_port_tw, so that slabinfo shows what they cost.
 */
#include <linux/hash.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/tcp_states.h>

#include "conn.h"
#include "tcpalt.h"

#define PORT_HASH_BITS	12
#define PORT_BLOCK_SHIFT	4
#define PORT_BLOCK		BIT(PORT_BLOCK_SHIFT)

struct port_bucket {
	spinlock_t lock;		/* guards owners and tw_holds */
	struct hlist_head owners;	/* sockets bound here, any port */
	struct hlist_head tw_holds;	/* struct port_tw_hold, any port */
};

/*
 * The TIME-WAIT entries that hold one address and the ports of one
 * block, counted per port.  A count never passes U16_MAX: a port with
 * more entries (one a peer) counts them in a second record of the same
 * key, so that the records stay 64 bytes.
 */
struct port_tw_hold {
	struct hlist_node node;
	possible_net_t net;
	__be32 addr;
	u16 base;			/* the block's first port */
	bool reuse;			/* their sockets had SO_REUSEADDR */
	bool shared;			/* their ports were connect()'s */
	u16 entries[PORT_BLOCK];	/* per port of the block */
};

/* The port records' share of the TIME-WAIT entries' memory budget. */
static_assert(sizeof(struct port_tw_hold) <= 64);

static struct port_bucket *port_table;
static struct kmem_cache *tw_hold_cache;

/* A block's ports share a bucket: see port_tw_hold. */
static struct port_bucket *port_bucket(const struct net *net, u16 port)
{
	return &port_table[hash_32(net_hash_mix(net) ^
				   (port >> PORT_BLOCK_SHIFT), PORT_HASH_BITS)];
}

static u16 block_base(u16 port)
{
	return port & ~(PORT_BLOCK - 1);
}

static unsigned int block_idx(u16 port)
{
	return port & (PORT_BLOCK - 1);
}

/* How many entries h counts on port, or 0 if port is not in its block. */
static unsigned int tw_hold_count(const struct port_tw_hold *h,
				  const struct net *net, u16 port)
{
	if (block_base(port) != h->base ||
	    !net_eq(read_pnet(&h->net), net))
		return 0;
	return h->entries[block_idx(port)];
}

static bool addrs_overlap(const struct sock *a, const struct sock *b)
{
	__be32 x = inet_sk(a)->inet_rcv_saddr, y = inet_sk(b)->inet_rcv_saddr;

	return !x || !y || x == y;
}

/* b's device may change under its own lock, not ours. */
static bool devs_overlap(const struct sock *a, const struct sock *b)
{
	int a_dev = a->sk_bound_dev_if, b_dev = READ_ONCE(b->sk_bound_dev_if);

	return !a_dev || !b_dev || a_dev == b_dev;
}

static bool tw_conflict(const struct port_bucket *b, const struct sock *sk,
			u16 port, bool relax)
{
	__be32 addr = inet_sk(sk)->inet_rcv_saddr;
	const struct port_tw_hold *h;

	hlist_for_each_entry(h, &b->tw_holds, node) {
		if (!tw_hold_count(h, sock_net(sk), port))
			continue;
		if (relax && sk->sk_reuse && h->reuse)
			continue;
		if (!addr || addr == h->addr)
			return true;
	}
	return false;
}

static bool port_conflict(const struct port_bucket *b, const struct sock *sk,
			  u16 port, bool relax)
{
	const struct net *net = sock_net(sk);
	struct sock *sk2;

	if (tw_conflict(b, sk, port, relax))
		return true;
	sk_for_each_bound(sk2, &b->owners) {
		if (sk2 == sk || !net_eq(sock_net(sk2), net) ||
		    inet_sk(sk2)->inet_num != port || !devs_overlap(sk, sk2))
			continue;
		/* sk2's state changes under its own lock, not ours. */
		if (relax && sk->sk_reuse && sk2->sk_reuse &&
		    READ_ONCE(sk2->sk_state) != TCP_LISTEN)
			continue;
		if (addrs_overlap(sk, sk2))
			return true;
	}
	return false;
}

/* Takes port for sk if nothing conflicts; the caller holds the socket. */
static int port_take(struct sock *sk, u16 port, bool relax)
{
	struct port_bucket *b = port_bucket(sock_net(sk), port);
	int err = 0;

	spin_lock_bh(&b->lock);
	if (port_conflict(b, sk, port, relax)) {
		err = -EADDRINUSE;
	} else {
		inet_sk(sk)->inet_num = port;
		sk_add_bind_node(sk, &b->owners);
	}
	spin_unlock_bh(&b->lock);
	return err;
}

/*
 * bind() to port 0, RFC 6056 algorithm 1: a random starting point in
 * the namespace's ip_local_port_range, then every port after it in
 * turn, skipping ip_local_reserved_ports, until one is free.  True if
 * one was.
 */
static bool port_search_bind(struct sock *sk)
{
	struct net *net = sock_net(sk);
	u32 span, offset, i;
	int low, high;
	u16 port;

	inet_sk_get_local_port_range(sk, &low, &high);
	span = high - low + 1;
	offset = get_random_u32_below(span);
	for (i = 0; i < span; i++) {
		port = low + (offset + i) % span;
		if (inet_is_local_reserved_port(net, port))
			continue;
		if (!port_take(sk, port, false))
			return true;
		cond_resched();
	}
	return false;
}

/* bind() to port 0: a port nobody holds. */
static int port_take_ephemeral(struct sock *sk)
{
	return port_search_bind(sk) ? 0 : -EADDRINUSE;
}

/*
 * May connect() share port with the connections on it?  Only if every
 * socket and TIME-WAIT entry of the namespace on it came by the port
 * the same way.  Under the bucket's lock.
 */
static bool port_shareable(const struct port_bucket *b, const struct net *net,
			   u16 port)
{
	const struct port_tw_hold *h;
	struct sock *sk2;

	hlist_for_each_entry(h, &b->tw_holds, node)
		if (!h->shared && tw_hold_count(h, net, port))
			return false;
	sk_for_each_bound(sk2, &b->owners)
		if (inet_sk(sk2)->inet_num == port &&
		    net_eq(sock_net(sk2), net) && !tcpalt_sk(sk2)->port_shared)
			return false;
	return true;
}

/* Takes port and sk's 4-tuple with it, if both are free for sk. */
static bool port_take_shared(struct sock *sk, u16 port)
{
	struct port_bucket *b = port_bucket(sock_net(sk), port);
	struct inet_sock *inet = inet_sk(sk);
	bool taken = false;

	spin_lock_bh(&b->lock);
	if (!port_shareable(b, sock_net(sk), port))
		goto out;
	inet->inet_num = port;
	inet->inet_sport = htons(port);
	if (tcpalt_hash_connect(sk)) {
		inet->inet_num = 0;
		inet->inet_sport = 0;
		goto out;
	}
	tcpalt_sk(sk)->port_shared = 1;
	sk_add_bind_node(sk, &b->owners);
	taken = true;
out:
	spin_unlock_bh(&b->lock);
	return taken;
}

/*
 * connect() follows RFC 6056 algorithm 4 (double-hash): the search for
 * a destination starts at a keyed hash of (source, destination, port)
 * plus a counter of the table slot that destination hashes to, and the
 * counter moves past each port handed out.  Consecutive connections to
 * one peer so get distinct ports for as long as the range lasts, where
 * a random start (algorithm 1) soon hands out a port whose 4-tuple the
 * peer still holds in TIME-WAIT, and that peer then has to reopen the
 * entry or refuse the SYN.  The slot counters are shared by all
 * namespaces and updated without a lock: a lost update only costs a
 * search one more step.
 */
#define PORT_PERTURB_SLOTS	256

static u32 port_perturb[PORT_PERTURB_SLOTS];
static siphash_key_t port_offset_key __read_mostly;
static siphash_key_t port_slot_key __read_mostly;

static bool port_search_connect(struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	u32 span, offset, slot, next, i;
	int low, high;
	u16 port;

	net_get_random_once(&port_offset_key, sizeof(port_offset_key));
	net_get_random_once(&port_slot_key, sizeof(port_slot_key));
	offset = siphash_3u32((__force u32)inet->inet_saddr,
			      (__force u32)inet->inet_daddr,
			      (__force u32)inet->inet_dport, &port_offset_key);
	slot = siphash_3u32((__force u32)inet->inet_saddr,
			    (__force u32)inet->inet_daddr,
			    (__force u32)inet->inet_dport, &port_slot_key) %
	       PORT_PERTURB_SLOTS;
	next = READ_ONCE(port_perturb[slot]);
	inet_sk_get_local_port_range(sk, &low, &high);
	span = high - low + 1;
	for (i = 0; i < span; i++) {
		port = low + (offset + next + i) % span;
		if (inet_is_local_reserved_port(net, port))
			continue;
		if (port_take_shared(sk, port)) {
			WRITE_ONCE(port_perturb[slot], next + i + 1);
			return true;
		}
		cond_resched();
	}
	return false;
}

/*
 * connect(): hashes sk under its 4-tuple, first choosing a port for it
 * if it has none.  0, or -EADDRNOTAVAIL when the 4-tuple is taken or no
 * port is left for the destination.  The caller holds the socket.
 */
int tcpalt_port_connect(struct sock *sk)
{
	if (inet_sk(sk)->inet_num)
		return tcpalt_hash_connect(sk);
	return port_search_connect(sk) ? 0 : -EADDRNOTAVAIL;
}

/* struct proto .get_port, called by inet_bind() with the socket held. */
int tcpalt_get_port(struct sock *sk, unsigned short port)
{
	return port ? port_take(sk, port, true) : port_take_ephemeral(sk);
}

/*
 * listen(): a listener may not share what a bound socket may, so the
 * port is checked again in the listening state (TCP does the same).
 */
int tcpalt_port_recheck(struct sock *sk)
{
	u16 port = inet_sk(sk)->inet_num;
	struct port_bucket *b = port_bucket(sock_net(sk), port);
	int err = 0;

	spin_lock_bh(&b->lock);
	if (port_conflict(b, sk, port, true))
		err = -EADDRINUSE;
	spin_unlock_bh(&b->lock);
	return err;
}

/*
 * A passive open's child holds its listener's port too, so a later bind
 * sees it; it skips the conflict check, as the port is already its
 * listener's.  Softirq, with the child locked.
 */
void tcpalt_inherit_port(struct sock *child, const struct sock *parent)
{
	u16 port = inet_sk(parent)->inet_num;
	struct port_bucket *b = port_bucket(sock_net(child), port);

	inet_sk(child)->inet_num = port;
	spin_lock(&b->lock);
	sk_add_bind_node(child, &b->owners);
	spin_unlock(&b->lock);
}

/*
 * Gives up sk's port, if it holds one: on close, and as struct proto
 * .put_port when inet_bind() undoes a bind a BPF program refused.
 */
void tcpalt_put_port(struct sock *sk)
{
	struct port_bucket *b;

	if (!inet_sk(sk)->inet_num)
		return;
	b = port_bucket(sock_net(sk), inet_sk(sk)->inet_num);
	spin_lock_bh(&b->lock);
	hlist_del_init(&sk->sk_bind_node);
	tcpalt_sk(sk)->port_shared = 0;
	spin_unlock_bh(&b->lock);
	inet_sk(sk)->inet_num = 0;
	inet_sk(sk)->inet_sport = 0;
}

/*
 * The record of this key for port's block that can count one more entry
 * on port (more), or that counts one there to give back (!more).
 */
static struct port_tw_hold *tw_hold_find(struct port_bucket *b,
					 struct net *net, __be32 addr,
					 u16 port, bool reuse, bool shared,
					 bool more)
{
	struct port_tw_hold *h;
	u16 n;

	hlist_for_each_entry(h, &b->tw_holds, node) {
		if (h->base != block_base(port) || h->addr != addr || h->reuse != reuse ||
		    h->shared != shared || !net_eq(read_pnet(&h->net), net))
			continue;
		n = h->entries[block_idx(port)];
		if (more ? n < U16_MAX : n > 0)
			return h;
	}
	return NULL;
}

static bool tw_hold_empty(const struct port_tw_hold *h)
{
	unsigned int i;

	for (i = 0; i < PORT_BLOCK; i++)
		if (h->entries[i])
			return false;
	return true;
}

/*
 * A TIME-WAIT entry takes over its socket's claim on addr:port.  Any
 * context; fails only without memory.
 */
int tcpalt_port_tw_hold(struct net *net, __be32 addr, u16 port, bool reuse,
			bool shared)
{
	struct port_bucket *b = port_bucket(net, port);
	struct port_tw_hold *h;
	int err = 0;

	spin_lock_bh(&b->lock);
	h = tw_hold_find(b, net, addr, port, reuse, shared, true);
	if (!h) {
		h = kmem_cache_zalloc(tw_hold_cache, GFP_ATOMIC);
		if (!h) {
			err = -ENOMEM;
			goto out;
		}
		write_pnet(&h->net, net);
		h->addr = addr;
		h->base = block_base(port);
		h->reuse = reuse;
		h->shared = shared;
		hlist_add_head(&h->node, &b->tw_holds);
	}
	h->entries[block_idx(port)]++;
out:
	spin_unlock_bh(&b->lock);
	return err;
}

void tcpalt_port_tw_release(struct net *net, __be32 addr, u16 port,
			    bool reuse, bool shared)
{
	struct port_bucket *b = port_bucket(net, port);
	struct port_tw_hold *h;

	spin_lock_bh(&b->lock);
	h = tw_hold_find(b, net, addr, port, reuse, shared, false);
	if (h) {
		h->entries[block_idx(port)]--;
		if (tw_hold_empty(h)) {
			hlist_del(&h->node);
			kmem_cache_free(tw_hold_cache, h);
		}
	}
	spin_unlock_bh(&b->lock);
}

int tcpalt_port_init(void)
{
	unsigned int i;

	tw_hold_cache = kmem_cache_create("tcpalt_port_tw",
					  sizeof(struct port_tw_hold), 0, 0,
					  NULL);
	if (!tw_hold_cache)
		return -ENOMEM;
	port_table = kvcalloc(1U << PORT_HASH_BITS, sizeof(*port_table),
			      GFP_KERNEL);
	if (!port_table) {
		kmem_cache_destroy(tw_hold_cache);
		return -ENOMEM;
	}
	for (i = 0; i < 1U << PORT_HASH_BITS; i++) {
		spin_lock_init(&port_table[i].lock);
		INIT_HLIST_HEAD(&port_table[i].owners);
		INIT_HLIST_HEAD(&port_table[i].tw_holds);
	}
	return 0;
}

void tcpalt_port_exit(void)
{
	kvfree(port_table);
	kmem_cache_destroy(tw_hold_cache);
}
