// SPDX-License-Identifier: GPL-2.0
/*
 * The lookup tables: connections by 4-tuple and listeners by local port,
 * both global and keyed with the namespace, both read locklessly under
 * RCU from softirq.  Writers take the lock of their chain's stripe with
 * BHs off; it guards the chain's links, and for the connection table
 * the TIME-WAIT chain of the same number too.  A socket sits in one of
 * them at a time, through sk_nulls_node, and the table holds a
 * reference while it is there.
 *
 * Sockets are freed after a grace period (SOCK_RCU_FREE), but they do
 * move: connect(AF_UNSPEC), a failed connect() or a listener's shutdown()
 * unhashes a socket, and the next connect() or listen() may hash it at
 * once into another chain, under other keys.  A reader standing on it
 * then follows its next pointer into the wrong chain.  So the chains end
 * in a nulls marker holding their own number, as inet's established
 * table does: a walk that ends on another chain's marker starts again,
 * and a socket found is checked again once a reference is held, since
 * its keys may have changed in between.
 */
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/sock.h>

#include "conn.h"
#include "tcpalt.h"

/*
 * 2^18 chains: a million connections average four per chain, and the
 * table costs 2 MiB.  Locks are striped, as inet's ehash_locks are.
 */
#define LISTEN_HASH_BITS	11
#define LOCK_STRIPES		1024

/*
 * locks[i % LOCK_STRIPES] guards the links of chain i: adding and
 * removing a socket there.  In the connection table it guards the
 * TIME-WAIT chain of the same number as well (timewait.c), and
 * tcpalt_hash_connect() checks both and hashes under it.  Taken with BHs
 * off, under a port's bucket lock in connect() (port.c) and never with
 * another chain lock held; readers take none of them.
 */
struct tcpalt_table {
	struct hlist_nulls_head *chains;
	unsigned int mask;
	spinlock_t *locks;	/* writers of chain i take locks[i % stripes] */
};

static struct tcpalt_table conn_table, listen_table;
static u32 table_secret __read_mostly;

static u32 conn_hash(const struct net *net, __be32 laddr, __be16 lport,
		     __be32 raddr, __be16 rport)
{
	return jhash_3words((__force u32)laddr, (__force u32)raddr,
			    (__force u32)lport << 16 | (__force u32)rport,
			    table_secret ^ net_hash_mix(net));
}

/*
 * TIME-WAIT entries hash as connections do and are added and unlinked
 * under the same locks, so that connect() sees both under one lock.
 */
u32 tcpalt_conn_hash(const struct net *net, __be32 laddr, __be16 lport,
		     __be32 raddr, __be16 rport)
{
	return conn_hash(net, laddr, lport, raddr, rport);
}

spinlock_t *tcpalt_conn_lock(u32 hash)
{
	return &conn_table.locks[hash & (LOCK_STRIPES - 1)];
}

static u32 listen_hash(const struct net *net, u16 port)
{
	return jhash_1word(port, table_secret ^ net_hash_mix(net));
}

static spinlock_t *chain_lock(struct tcpalt_table *t, u32 hash)
{
	return &t->locks[hash & (LOCK_STRIPES - 1)];
}

/*
 * Only a socket that was ever in a table needs a grace period before it
 * is freed; others go at once, and with them the module reference.
 */
static void table_add(struct tcpalt_table *t, struct sock *sk, u32 hash)
{
	spinlock_t *lock = chain_lock(t, hash);

	sock_set_flag(sk, SOCK_RCU_FREE);
	spin_lock_bh(lock);
	sk_nulls_add_node_rcu(sk, &t->chains[hash & t->mask]);
	spin_unlock_bh(lock);
}

static u32 sk_conn_hash(const struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);

	return conn_hash(sock_net(sk), inet->inet_rcv_saddr, inet->inet_sport,
			 inet->inet_daddr, inet->inet_dport);
}

void tcpalt_hash_conn(struct sock *sk)
{
	table_add(&conn_table, sk, sk_conn_hash(sk));
}

void tcpalt_hash_listener(struct sock *sk)
{
	table_add(&listen_table, sk,
		  listen_hash(sock_net(sk), inet_sk(sk)->inet_num));
}

/* struct proto .unhash: out of whichever table holds the socket. */
void tcpalt_unhash(struct sock *sk)
{
	struct tcpalt_table *t;
	spinlock_t *lock;	/* of the chain sk is on */
	u32 hash;

	if (sk_unhashed(sk))
		return;
	if (sk->sk_state == TCP_LISTEN) {
		t = &listen_table;
		hash = listen_hash(sock_net(sk), inet_sk(sk)->inet_num);
	} else {
		t = &conn_table;
		hash = sk_conn_hash(sk);
	}
	lock = chain_lock(t, hash);
	spin_lock_bh(lock);
	sk_nulls_del_node_init_rcu(sk);
	spin_unlock_bh(lock);
}

static bool dev_matches(const struct sock *sk, int dif, int sdif)
{
	int bound = READ_ONCE(sk->sk_bound_dev_if);

	return !bound || bound == dif || bound == sdif;
}

static bool conn_match(const struct sock *sk, const struct net *net,
		       __be32 raddr, __be16 rport, __be32 laddr, __be16 lport,
		       int dif, int sdif)
{
	const struct inet_sock *inet = inet_sk(sk);

	return inet->inet_sport == lport && inet->inet_dport == rport &&
	       inet->inet_daddr == raddr && inet->inet_rcv_saddr == laddr &&
	       net_eq(sock_net(sk), net) && dev_matches(sk, dif, sdif);
}

/*
 * The connection a segment from raddr:rport to laddr:lport is for, with
 * a reference held, or NULL.  Under rcu_read_lock().
 */
static struct sock *conn_get(struct net *net, __be32 raddr, __be16 rport,
			     __be32 laddr, __be16 lport, int dif, int sdif)
{
	u32 slot = conn_hash(net, laddr, lport, raddr, rport) &
		   conn_table.mask;
	struct hlist_nulls_node *node;
	struct sock *sk;

begin:
	sk_nulls_for_each_rcu(sk, node, &conn_table.chains[slot]) {
		if (!conn_match(sk, net, raddr, rport, laddr, lport, dif,
				sdif))
			continue;
		/* Zero: unhashed and on its way out; look again. */
		if (unlikely(!refcount_inc_not_zero(&sk->sk_refcnt)))
			goto begin;
		if (unlikely(!conn_match(sk, net, raddr, rport, laddr, lport,
					 dif, sdif))) {
			sock_put(sk);
			goto begin;
		}
		return sk;
	}
	/* The walk ended on another chain: a socket it passed moved. */
	if (get_nulls_value(node) != slot)
		goto begin;
	return NULL;
}

/* An exact address beats the wildcard; a bound device beats none. */
static int listener_score(const struct sock *sk, struct net *net,
			  __be32 laddr, u16 lport, int dif, int sdif)
{
	const struct inet_sock *inet = inet_sk(sk);
	int score = 1;

	if (!net_eq(sock_net(sk), net) || inet->inet_num != lport ||
	    !dev_matches(sk, dif, sdif))
		return -1;
	if (inet->inet_rcv_saddr) {
		if (inet->inet_rcv_saddr != laddr)
			return -1;
		score += 2;
	}
	if (READ_ONCE(sk->sk_bound_dev_if))
		score++;
	return score;
}

/* The best listener for laddr:lport, with a reference, or NULL. */
static struct sock *listener_get(struct net *net, __be32 laddr, u16 lport,
				 int dif, int sdif)
{
	u32 slot = listen_hash(net, lport) & listen_table.mask;
	struct hlist_nulls_node *node;
	struct sock *sk, *best;
	int score, best_score;

begin:
	best = NULL;
	best_score = 0;
	sk_nulls_for_each_rcu(sk, node, &listen_table.chains[slot]) {
		score = listener_score(sk, net, laddr, lport, dif, sdif);
		if (score > best_score) {
			best = sk;
			best_score = score;
		}
	}
	if (get_nulls_value(node) != slot)
		goto begin;
	if (!best)
		return NULL;
	if (unlikely(!refcount_inc_not_zero(&best->sk_refcnt)))
		goto begin;
	/* Shut down and perhaps listening on another port since. */
	if (unlikely(inet_sk_state_load(best) != TCP_LISTEN ||
		     listener_score(best, net, laddr, lport, dif, sdif) !=
		     best_score)) {
		sock_put(best);
		goto begin;
	}
	return best;
}

/*
 * The connection a segment from saddr:sport to daddr:dport is for, with
 * a reference held, or NULL.  Called under rcu_read_lock().
 */
struct sock *tcpalt_lookup_conn(struct net *net, __be32 saddr, __be16 sport,
				__be32 daddr, __be16 dport, int dif, int sdif)
{
	return conn_get(net, saddr, sport, daddr, dport, dif, sdif);
}

/* The listener for a segment to daddr:dport, as tcpalt_lookup_conn(). */
struct sock *tcpalt_lookup_listener(struct net *net, __be32 daddr,
				    __be16 dport, int dif, int sdif)
{
	return listener_get(net, daddr, ntohs(dport), dif, sdif);
}

/*
 * Is the 4-tuple sk is about to take in use, by a connection or a
 * TIME-WAIT entry?  Under the 4-tuple's chain lock, which entries are
 * added and unlinked under too, so the answer holds until it is dropped.
 * A connection bound to another device than sk's does not count, as in
 * the lookup.
 */
static bool conn_taken(struct sock *sk, struct hlist_nulls_head *chain)
{
	const struct inet_sock *inet = inet_sk(sk);
	int dif = sk->sk_bound_dev_if;
	struct hlist_nulls_node *node;
	struct net *net = sock_net(sk);
	struct sock *sk2;
	bool taken;

	sk_nulls_for_each(sk2, node, chain)
		if (conn_match(sk2, net, inet->inet_daddr, inet->inet_dport,
			       inet->inet_rcv_saddr, inet->inet_sport, dif, 0))
			return true;
	rcu_read_lock();
	taken = tcpalt_tw_lookup(net, inet->inet_daddr, inet->inet_dport,
				 inet->inet_rcv_saddr, inet->inet_sport, dif,
				 0);
	rcu_read_unlock();
	return taken;
}

/*
 * connect(): hashes sk under its 4-tuple unless a connection or a
 * TIME-WAIT entry has it already, checked and done under the one chain
 * lock so that two sockets sharing a local port cannot both take one
 * 4-tuple.  0, or -EADDRNOTAVAIL.  BHs may be off already.
 */
int tcpalt_hash_connect(struct sock *sk)
{
	u32 hash = sk_conn_hash(sk);
	spinlock_t *lock = chain_lock(&conn_table, hash);
	struct hlist_nulls_head *chain =
		&conn_table.chains[hash & conn_table.mask];
	int err = 0;

	sock_set_flag(sk, SOCK_RCU_FREE);
	spin_lock_bh(lock);
	if (conn_taken(sk, chain))
		err = -EADDRNOTAVAIL;
	else
		sk_nulls_add_node_rcu(sk, chain);
	spin_unlock_bh(lock);
	return err;
}

/* procfs: the number of chains of the listener or the connection table. */
unsigned int tcpalt_table_chains(bool listeners)
{
	return (listeners ? &listen_table : &conn_table)->mask + 1;
}

/*
 * procfs, under RCU: the n-th socket of net, counting from 0, on chain i
 * of the listener or the connection table, or NULL.  A walk that ends
 * on another chain's marker passed a socket that moved, and starts over.
 */
struct sock *tcpalt_table_nth(struct net *net, bool listeners,
			      unsigned int i, unsigned int n)
{
	struct tcpalt_table *t = listeners ? &listen_table : &conn_table;
	struct hlist_nulls_node *node;
	unsigned int seen;
	struct sock *sk;

begin:
	seen = 0;
	sk_nulls_for_each_rcu(sk, node, &t->chains[i])
		if (net_eq(sock_net(sk), net) && seen++ == n)
			return sk;
	if (get_nulls_value(node) != i)
		goto begin;
	return NULL;
}

static int table_alloc(struct tcpalt_table *t, unsigned int bits)
{
	unsigned int i;

	t->chains = kvcalloc(1U << bits, sizeof(*t->chains), GFP_KERNEL);
	t->locks = kvcalloc(LOCK_STRIPES, sizeof(*t->locks), GFP_KERNEL);
	if (!t->chains || !t->locks) {
		kvfree(t->chains);
		kvfree(t->locks);
		return -ENOMEM;
	}
	t->mask = (1U << bits) - 1;
	for (i = 0; i <= t->mask; i++)
		INIT_HLIST_NULLS_HEAD(&t->chains[i], i);
	for (i = 0; i < LOCK_STRIPES; i++)
		spin_lock_init(&t->locks[i]);
	return 0;
}

static void table_free(struct tcpalt_table *t)
{
	kvfree(t->chains);
	kvfree(t->locks);
}

int tcpalt_table_init(void)
{
	int err;

	table_secret = get_random_u32();
	err = table_alloc(&conn_table, TCPALT_CONN_HASH_BITS);
	if (err)
		return err;
	err = table_alloc(&listen_table, LISTEN_HASH_BITS);
	if (err)
		table_free(&conn_table);
	return err;
}

void tcpalt_table_exit(void)
{
	table_free(&listen_table);
	table_free(&conn_table);
}

/*
 * sock_diag: calls fn on every socket of net on chain i of the listener
 * or the connection table, under RCU, until fn returns non-zero, which
 * it returns.  A socket that moves meanwhile may be missed or shown
 * twice, as in a walk of TCP's tables.
 */
int tcpalt_table_chain_walk(bool listeners, unsigned int i, struct net *net,
			    int (*fn)(struct sock *sk, void *arg), void *arg)
{
	struct tcpalt_table *t = listeners ? &listen_table : &conn_table;
	struct hlist_nulls_node *node;
	struct sock *sk;
	int ret = 0;

	if (hlist_nulls_empty(&t->chains[i]))
		return 0;
	rcu_read_lock();
	sk_nulls_for_each_rcu(sk, node, &t->chains[i]) {
		if (!net_eq(sock_net(sk), net))
			continue;
		ret = fn(sk, arg);
		if (ret)
			break;
	}
	rcu_read_unlock();
	return ret;
}
