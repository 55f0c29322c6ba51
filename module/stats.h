/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU counters, per network namespace, shown in /proc/net/tcpalt/stats.
 * Their order comes from the uapi header, so a reader and the module
 * agree on it.
 */
#ifndef _TCPALT_STATS_H
#define _TCPALT_STATS_H

#include <linux/percpu.h>
#include <linux/seq_file.h>

#include "tcpalt.h"

#define TCPALT_STAT_MAX __TCPALT_STAT_MAX	/* the number of counters */

struct tcpalt_stats {
	u64 count[TCPALT_STAT_MAX];
};

/*
 * this_cpu_inc() is safe from process context and softirq alike.  Callers
 * look their namespace's tcpalt_net up once per segment and pass it here.
 */
static inline void tcpalt_stat_inc(struct tcpalt_net *tn, enum tcpalt_stat s)
{
	this_cpu_inc(tn->stats->count[s]);
}

static inline void tcpalt_stat_add(struct tcpalt_net *tn, enum tcpalt_stat s,
				   u64 n)
{
	this_cpu_add(tn->stats->count[s], n);
}

int tcpalt_stats_net_init(struct net *net);
void tcpalt_stats_net_exit(struct net *net);
int tcpalt_stats_show(struct seq_file *seq, void *v);

#endif /* _TCPALT_STATS_H */
