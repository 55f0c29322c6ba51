/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the module's files share: the per-namespace state and the entry
 * points of each file.
 */
#ifndef _TCPALT_H
#define _TCPALT_H

#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/tcpalt.h>

#include "core/segment.h"

struct sk_buff;
struct sock;
struct tcpalt_stats;

/* The IP protocol number on the wire: 253, or 254 by module parameter. */
extern u8 tcpalt_ipproto;

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
	const u8 *opts;
	size_t opts_len;
};

/* output.c */
bool tcpalt_send_raw(struct net *net, const struct tcpalt_raw_seg *r);
void tcpalt_reply_route(struct net *net, const struct sk_buff *in_skb,
			struct tcpalt_raw_seg *r);
void tcpalt_send_reset(struct net *net, struct tcpalt_net *tn,
		       struct sk_buff *in_skb, const struct tcpalt_hdr *hdr);

/* port.c */
int tcpalt_get_port(struct sock *sk, unsigned short port);
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

/* proc.c */
int tcpalt_proc_net_init(struct net *net);
void tcpalt_proc_net_exit(struct net *net);
int tcpalt_proc_init(void);
void tcpalt_proc_exit(void);

/* sysctl.c */
int tcpalt_sysctl_net_init(struct net *net);
void tcpalt_sysctl_net_exit(struct net *net);

#endif /* _TCPALT_H */
