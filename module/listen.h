/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The passive open, shared by its files: listen.c (the listener's life
 * and the segments that reach it), request.c (request entries and their
 * SYN,ACKs), syncookie.c (SYN cookies out and in) and acceptq.c (the
 * children waiting for accept()).
 *
 * Locking:
 * - tcpalt_sock.listener is set and cleared under the listener's socket
 *   lock (listen(), shutdown(), close()) and read either under that lock
 *   (listener_locked()) or under rcu_read_lock() (listener_rcu()): the
 *   receive path, procfs and poll().  The structure is freed after a
 *   grace period.
 * - tcpalt_listener.lock guards dead, the accept queue's links,
 *   nr_requests, max_requests, cookie_sent, the request chains and every
 *   field of every request on them, and the arming of the SYN,ACK timer.
 *   Softirq and the timer take it as is, process context (accept(),
 *   listen() again, the listener's end, procfs) with BHs off.  It nests
 *   inside the listener's socket lock and outside a child's spinlock and
 *   the table and port locks.
 * - sk, mask and the chain heads are set before the structure is
 *   published and never change; rcu is used once, at the end.
 * - The accept queue is also looked at without the lock, by poll() under
 *   RCU and by accept()'s wait, with list_empty_careful() only.
 * - The listener's socket lock is not taken in softirq: what the receive
 *   path reads of the listener's own tcpalt_sock is marked "lockless:
 *   listener" there (conn.h), or set before the listener was published.
 * - Once dead is set, under the lock, nothing is added any more.
 */
#ifndef _TCPALT_LISTEN_H
#define _TCPALT_LISTEN_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <net/sock.h>

#include "conn.h"
#include "core/cookie.h"

/*
 * A SYN-RECEIVED with no socket: what the SYN said and we answered.
 * Every field is under the listener's lock, procfs's reads included.
 */
struct tcpalt_request {
	struct hlist_node node;
	unsigned long deadline;		/* jiffies: next SYN,ACK */
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 rport;
	u32 iss;
	u32 irs;
	u32 ts_recent;
	u16 peer_mss;
	u16 rcv_mss;
	u8 snd_wscale;
	u8 retrans;
	u8 wscale_ok:1,
	   ts_ok:1,
	   sack_ok:1;
	u8 tos;
	u32 mark;
	int iif;			/* for a VRF's replies */
};

struct tcpalt_listener {
	spinlock_t lock;		/* see "Locking" above */
	struct sock *sk;		/* constant */
	bool dead;
	struct timer_list timer;	/* SYN,ACK retransmissions */
	struct list_head accept_queue;	/* children, via accept_node */
	unsigned int nr_requests;
	unsigned int max_requests;
	unsigned long cookie_sent;	/* jiffies: the last SYN cookie */
	unsigned int mask;		/* constant */
	struct rcu_head rcu;
	struct hlist_head requests[];
};

/* The listener, for the holder of the socket lock. */
static inline struct tcpalt_listener *listener_locked(const struct sock *sk)
{
	return rcu_dereference_protected(tcpalt_sk(sk)->listener,
					 lockdep_sock_is_held(sk));
}

/* The listener, in an RCU read-side section. */
static inline struct tcpalt_listener *listener_rcu(const struct sock *sk)
{
	return rcu_dereference(tcpalt_sk(sk)->listener);
}

/* request.c, all under l->lock but the first two. */
void tcpalt_request_from_syn(struct sock *sk, struct tcpalt_request *req,
			     const struct sk_buff *skb);
u32 tcpalt_request_tsval(const struct tcpalt_request *req);
void tcpalt_request_send_synack(struct sock *sk,
				const struct tcpalt_request *req, u32 tsval);
struct tcpalt_request *tcpalt_request_find(struct tcpalt_listener *l,
					   const struct sk_buff *skb);
struct tcpalt_request *tcpalt_request_lookup(struct tcpalt_listener *l,
					     __be32 laddr, __be32 raddr,
					     __be16 rport);
void tcpalt_request_abort(struct tcpalt_listener *l,
			  struct tcpalt_request *req);
bool tcpalt_request_add(struct tcpalt_listener *l, struct sk_buff *skb);
void tcpalt_request_resend(struct tcpalt_listener *l,
			   const struct tcpalt_request *req);
bool tcpalt_request_rcv(struct tcpalt_listener *l, struct tcpalt_request *req,
			struct sk_buff *skb, bool *promoted);
void tcpalt_requests_flush(struct tcpalt_listener *l);
bool tcpalt_request_at(struct tcpalt_listener *l, unsigned int *chain,
		       unsigned int *n, struct tcpalt_conns_line *line);
void tcpalt_synack_timer(struct timer_list *t);

/* syncookie.c, under l->lock. */
bool tcpalt_syncookie_wanted(const struct tcpalt_listener *l);
void tcpalt_syncookie_synack(struct tcpalt_listener *l, struct sk_buff *skb);
bool tcpalt_syncookie_ack(struct tcpalt_listener *l, struct sk_buff *skb,
			  bool *kept, bool *promoted);

/* acceptq.c */
bool tcpalt_child_promote(struct tcpalt_listener *l,
			  const struct tcpalt_request *req, struct sk_buff *skb,
			  bool *promoted);
void tcpalt_acceptq_abort(struct sock *sk, struct list_head *children);

#endif /* _TCPALT_LISTEN_H */
