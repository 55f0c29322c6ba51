// SPDX-License-Identifier: GPL-2.0
#include <linux/percpu.h>
#include <linux/seq_file.h>

#include "stats.h"

/* SNMP MIB style names, as /proc/net/snmp spells TCP's. */
static const char *const tcpalt_stat_names[TCPALT_STAT_MAX] = {
	[TCPALT_STAT_IN_SEGS] = "InSegs",
	[TCPALT_STAT_OUT_SEGS] = "OutSegs",
	[TCPALT_STAT_IN_ERRS] = "InErrs",
	[TCPALT_STAT_IN_CSUM_ERRORS] = "InCsumErrors",
	[TCPALT_STAT_IN_HDR_ERRORS] = "InHdrErrors",
	[TCPALT_STAT_IN_OPT_ERRORS] = "InOptErrors",
	[TCPALT_STAT_IN_ADDR_ERRORS] = "InAddrErrors",
	[TCPALT_STAT_IN_NO_SOCKET] = "InNoSocket",
	[TCPALT_STAT_OUT_RSTS] = "OutRsts",
	[TCPALT_STAT_BLACKHOLE_DROPS] = "BlackholeDrops",
	[TCPALT_STAT_OUT_DISCARDS] = "OutDiscards",
};

int tcpalt_stats_net_init(struct net *net)
{
	tcpalt_net(net)->stats = alloc_percpu(struct tcpalt_stats);
	return tcpalt_net(net)->stats ? 0 : -ENOMEM;
}

void tcpalt_stats_net_exit(struct net *net)
{
	free_percpu(tcpalt_net(net)->stats);
}

static u64 tcpalt_stat_sum(const struct tcpalt_net *tn, enum tcpalt_stat s)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(tn->stats, cpu)->count[s]);
	return sum;
}

int tcpalt_stats_show(struct seq_file *seq, void *v)
{
	const struct tcpalt_net *tn = tcpalt_net(seq_file_single_net(seq));
	int s;

	for (s = 0; s < TCPALT_STAT_MAX; s++)
		seq_printf(seq, "%s %llu\n", tcpalt_stat_names[s],
			   tcpalt_stat_sum(tn, s));
	return 0;
}
