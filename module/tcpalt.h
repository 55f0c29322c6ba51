/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the module's files share: the per-namespace state and the entry
 * points of each file.
 */
#ifndef _TCPALT_H
#define _TCPALT_H

#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/tcpalt.h>

#include "core/cookie.h"
#include "core/segment.h"

struct seq_file;
struct sk_buff;
struct sock;
struct tcpalt_stats;
struct tcpalt_tw;

/* The IP protocol number on the wire: 253, or 254 by module parameter. */
extern u8 tcpalt_ipproto;

/*
 * A namespace's TIME-WAIT entries, oldest first, and what frees them
 * (timewait.c).  entries counts the live entries, those in the lookup,
 * which max_tw_buckets bounds; dead those unlinked but not yet freed.
 *
 * lock guards the FIFO (head, tail and every entry's reap_next, on the
 * FIFO and on the free lists), graves and freeing, the use of rcu,
 * dying, and the arming of timer.  The reaper's timer and RCU callback
 * take it as is, in softirq; everyone else with BHs off.  It may be
 * taken under a socket's lock (tcpalt_tw_enter()), but never with a
 * chain or port lock held, nor those under it.  entries and dead are
 * atomic, read and written without it (tw_alloc(), the chain swap,
 * stats).
 */
struct tcpalt_tw_reaper {
	spinlock_t lock;		/* all but entries and dead */
	struct tcpalt_tw *head;
	struct tcpalt_tw *tail;
	struct tcpalt_tw *graves;	/* reaped, to free after a grace period */
	struct tcpalt_tw *freeing;	/* their grace period is running */
	struct rcu_head rcu;
	struct timer_list timer;
	atomic_t entries;
	atomic_t dead;
	bool dying;
};

/*
 * The ACKs a namespace's TIME-WAIT entries may send in one second
 * (timewait.c): second is the jiffies second the budget left is for.
 * Both are read and written locklessly, from softirq on any CPU; two
 * CPUs that start a second together grant it twice, which is harmless.
 */
struct tcpalt_tw_ack_limit {
	unsigned long second;
	atomic_t left;
};

/*
 * A namespace's SYN cookie secrets (syncookie.c).  lock, a seqlock,
 * guards keys, made and valid: written under it with BHs off, read in
 * its read sections; made and valid are also peeked at without it
 * (READ_ONCE()/WRITE_ONCE()).  unused is set once, at namespace setup.
 */
struct tcpalt_cookie_secrets {
	seqlock_t lock;
	struct tcpalt_cookie_keys keys;	/* for even and odd counters */
	u32 made[2];			/* the counter each was made for */
	bool valid[2];
	struct tcpalt_cookie_key unused;	/* never made a cookie */
};

/* Per network namespace: tunables, counters and the procfs/sysctl handles. */
struct tcpalt_net {
	struct tcpalt_stats __percpu *stats;
	struct proc_dir_entry *proc_dir;
	struct ctl_table_header *sysctl_hdr;
	int sysctl_blackhole;
	int sysctl_syn_retries;
	int sysctl_synack_retries;
	int sysctl_retries2;
	int sysctl_max_syn_backlog;
	int sysctl_fin_timeout;
	int sysctl_tw_timeout;
	int sysctl_max_tw_buckets;
	int sysctl_tw_reuse;
	int sysctl_rfc1337;
	int sysctl_max_orphans;
	int sysctl_keepalive_time;
	int sysctl_keepalive_intvl;
	int sysctl_keepalive_probes;
	int sysctl_syncookies;
	int sysctl_orphan_retries;
	int sysctl_invalid_ratelimit;	/* ms */
	int sysctl_tw_ack_limit;	/* a second */
	int sysctl_rmem[3];		/* min, default, max: bytes */
	int sysctl_wmem[3];
	atomic_t orphans;		/* connections that outlived close() */
	struct tcpalt_tw_reaper tw_reaper;
	struct tcpalt_tw_ack_limit tw_ack_limit;
	struct tcpalt_cookie_secrets cookies;
};

extern unsigned int tcpalt_net_id;

static inline struct tcpalt_net *tcpalt_net(const struct net *net)
{
	return net_generic(net, tcpalt_net_id);
}

/* input.c */
int tcpalt_v4_rcv(struct sk_buff *skb);

/* A segment sent by no socket: tcpalt_send_raw(). */
struct tcpalt_raw_seg {
	__be32 saddr;
	__be32 daddr;
	int oif;
	u32 mark;
	u8 tos;
	struct tcpalt_hdr hdr;
	const struct tcpalt_opts *opts;	/* NULL: none */
};

/* output.c */
bool tcpalt_send_raw(struct net *net, const struct tcpalt_raw_seg *r);
void tcpalt_reply_route(struct net *net, const struct sk_buff *in_skb,
			struct tcpalt_raw_seg *r);
void tcpalt_send_reset(struct net *net, struct tcpalt_net *tn,
		       struct sk_buff *in_skb, const struct tcpalt_hdr *hdr);

/*
 * table.c: 2^18 chains of connections, a million connections at four a
 * chain; TIME-WAIT entries have as many, hashed and locked the same way.
 */
#define TCPALT_CONN_HASH_BITS	18
u32 tcpalt_conn_hash(const struct net *net, __be32 laddr, __be16 lport,
		     __be32 raddr, __be16 rport);
spinlock_t *tcpalt_conn_lock(u32 hash);

/* port.c */
int tcpalt_get_port(struct sock *sk, unsigned short port);
int tcpalt_port_tw_hold(struct net *net, __be32 addr, u16 port, bool reuse,
			bool shared);
void tcpalt_port_tw_release(struct net *net, __be32 addr, u16 port,
			    bool reuse, bool shared);
int tcpalt_port_connect(struct sock *sk);
void tcpalt_put_port(struct sock *sk);
void tcpalt_inherit_port(struct sock *child, const struct sock *parent);
int tcpalt_port_recheck(struct sock *sk);
int tcpalt_port_init(void);
void tcpalt_port_exit(void);

/* sock.c */
int tcpalt_proto_register(void);
void tcpalt_proto_unregister(void);
void tcpalt_protosw_register(void);
void tcpalt_protosw_unregister(void);

/*
 * proc.c: /proc/net/tcpalt/conns is read a buffer at a time, and each
 * line is copied out of its listener, request, connection or TIME-WAIT
 * entry under RCU, and the listener's lock for a request, then printed
 * with neither held.
 */
struct tcpalt_conns_line {
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 rport;
	int state;			/* TCP_* or enum tcpalt_state */
	u32 tx_queue;
	u32 rx_queue;
	const char *timer;		/* its name */
	unsigned long timer_ms;		/* left */
	unsigned int timer_count;
	u32 uid;			/* in the reader's user namespace */
	unsigned long ino;
};

void tcpalt_conns_line_fill(struct tcpalt_conns_line *line, int state,
			    __be32 laddr, __be16 lport, __be32 raddr,
			    __be16 rport, const char *timer, long left);
int tcpalt_proc_net_init(struct net *net);
void tcpalt_proc_net_exit(struct net *net);
int tcpalt_proc_init(void);
void tcpalt_proc_exit(void);

/* syncookie.c */
void tcpalt_syncookie_net_init(struct net *net);

/* timewait.c */
int tcpalt_tw_init(void);
void tcpalt_tw_exit(void);
void tcpalt_tw_net_init(struct net *net);
void tcpalt_tw_net_exit(struct net *net);
struct tcpalt_tw *tcpalt_tw_lookup(struct net *net, __be32 raddr,
				   __be16 rport, __be32 laddr, __be16 lport,
				   int dif, int sdif);
bool tcpalt_tw_rcv(struct net *net, struct tcpalt_tw *tw,
		   struct sk_buff *skb, const struct tcpalt_hdr *hdr,
		   const struct tcpalt_opts *opts, bool listening, u32 *isn);
void tcpalt_tw_enter(struct sock *sk);
bool tcpalt_tw_rcv_backlogged(struct sock *sk, struct sk_buff *skb);
bool tcpalt_tw_at(struct net *net, unsigned int chain, unsigned int n,
		  struct tcpalt_conns_line *line);
unsigned int tcpalt_tw_count(const struct net *net);

/* What sock_diag shows of a TIME-WAIT entry. */
struct tcpalt_tw_diag {
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 rport;
	int bound_dev_if;
	u32 expires_ms;
};

int tcpalt_tw_diag_chain(struct net *net, unsigned int i,
			 int (*fn)(const struct tcpalt_tw_diag *d, void *arg),
			 void *arg);
bool tcpalt_tw_diag_find(struct net *net, __be32 laddr, __be16 lport,
			 __be32 raddr, __be16 rport, int dif,
			 struct tcpalt_tw_diag *d);
int tcpalt_tw_diag_destroy(struct net *net, __be32 laddr, __be16 lport,
			   __be32 raddr, __be16 rport, int dif);

/* offload.c */
int tcpalt_offload_init(void);
void tcpalt_offload_exit(void);

/* gro.c */
struct sk_buff *tcpalt_gro_receive(struct list_head *head,
				   struct sk_buff *skb);
int tcpalt_gro_complete(struct sk_buff *skb, int thoff);

/* mem.c */
struct percpu_counter;
extern atomic_long_t tcpalt_memory_allocated;
DECLARE_PER_CPU(int, tcpalt_memory_per_cpu_fw_alloc);
extern struct percpu_counter tcpalt_sockets_allocated;
extern unsigned long tcpalt_memory_pressure;
extern long tcpalt_sysctl_mem[3];
extern int tcpalt_mem_min_buf[3];
void tcpalt_enter_memory_pressure(struct sock *sk);
void tcpalt_leave_memory_pressure(struct sock *sk);
bool tcpalt_out_of_memory(const struct sock *sk);
bool tcpalt_mem_may_grow(const struct sock *sk);
int tcpalt_mem_init(void);
void tcpalt_mem_exit(void);
long tcpalt_mem_pages(void);

/* diag.c */
int tcpalt_diag_init(void);
void tcpalt_diag_exit(void);

/* sysctl.c */
int tcpalt_sysctl_net_init(struct net *net);
void tcpalt_sysctl_net_exit(struct net *net);

#endif /* _TCPALT_H */
