// SPDX-License-Identifier: GPL-2.0
#include <linux/percpu.h>
#include <linux/percpu_counter.h>
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
	[TCPALT_STAT_ACTIVE_OPENS] = "ActiveOpens",
	[TCPALT_STAT_PASSIVE_OPENS] = "PassiveOpens",
	[TCPALT_STAT_ATTEMPT_FAILS] = "AttemptFails",
	[TCPALT_STAT_ESTAB_RESETS] = "EstabResets",
	[TCPALT_STAT_IN_RSTS] = "InRsts",
	[TCPALT_STAT_RETRANS_SEGS] = "RetransSegs",
	[TCPALT_STAT_TIMEOUTS] = "Timeouts",
	[TCPALT_STAT_FAST_RETRANS] = "FastRetrans",
	[TCPALT_STAT_CHALLENGE_ACKS] = "ChallengeACKs",
	[TCPALT_STAT_CHALLENGE_LIMITED] = "ChallengeACKLimited",
	[TCPALT_STAT_LISTEN_OVERFLOWS] = "ListenOverflows",
	[TCPALT_STAT_LISTEN_DROPS] = "ListenDrops",
	[TCPALT_STAT_DELAYED_ACKS] = "DelayedACKs",
	[TCPALT_STAT_OFO_QUEUE] = "OfoQueue",
	[TCPALT_STAT_RCV_QUEUE_DROPS] = "RcvQueueDrops",
	[TCPALT_STAT_PERSIST_PROBES] = "PersistProbes",
	[TCPALT_STAT_OLD_ACK_DROPS] = "OldAckDrops",
	[TCPALT_STAT_ABORT_ON_CLOSE] = "AbortOnClose",
	[TCPALT_STAT_ABORT_ON_LINGER] = "AbortOnLinger",
	[TCPALT_STAT_TW_MADE] = "TimeWaitMade",
	[TCPALT_STAT_TW_REAPED] = "TimeWaitReaped",
	[TCPALT_STAT_TW_REUSED] = "TimeWaitReused",
	[TCPALT_STAT_TW_OVERFLOW] = "TimeWaitOverflow",
	[TCPALT_STAT_TW_RESTARTS] = "TimeWaitRestarts",
	[TCPALT_STAT_TW_RST_IGNORED] = "TimeWaitRstIgnored",
	[TCPALT_STAT_TW_KILLED] = "TimeWaitKilled",
	[TCPALT_STAT_ORPHANED] = "Orphaned",
	[TCPALT_STAT_ORPHAN_OVERFLOW] = "OrphanOverflow",
	[TCPALT_STAT_KEEPALIVE_PROBES] = "KeepAliveProbes",
	[TCPALT_STAT_KEEPALIVE_ABORTS] = "KeepAliveAborts",
	[TCPALT_STAT_USER_TIMEOUT_ABORTS] = "UserTimeoutAborts",
	[TCPALT_STAT_SYNCOOKIES_SENT] = "SyncookiesSent",
	[TCPALT_STAT_SYNCOOKIES_RECV] = "SyncookiesRecv",
	[TCPALT_STAT_SYNCOOKIES_FAILED] = "SyncookiesFailed",
	[TCPALT_STAT_REQUEST_TIMEOUTS] = "RequestTimeouts",
	[TCPALT_STAT_RCV_COLLAPSED] = "RcvCollapsed",
	[TCPALT_STAT_PAWS_ESTAB] = "PAWSEstab",
	[TCPALT_STAT_PAWS_TIMEWAIT] = "PAWSTimewait",
	[TCPALT_STAT_OUT_OF_WINDOW_ICMPS] = "OutOfWindowIcmps",
	[TCPALT_STAT_PMTU_UPDATES] = "PmtuUpdates",
	[TCPALT_STAT_PERSIST_TIMEOUTS] = "PersistTimeouts",
	[TCPALT_STAT_OOW_ACK_LIMITED] = "OutOfWindowAckLimited",
	[TCPALT_STAT_TW_ACK_LIMITED] = "TimeWaitAckLimited",
	[TCPALT_STAT_MEMORY_PRESSURES] = "MemoryPressures",
	[TCPALT_STAT_ABORT_ON_MEMORY] = "AbortOnMemory",
	[TCPALT_STAT_OFO_PRUNED] = "OfoPruned",
	[TCPALT_STAT_SACK_WALK_LIMITED] = "SackWalkLimited",
	[TCPALT_STAT_SACK_CUT_REFUSED] = "SackCutRefused",
	[TCPALT_STAT_CONNS_WALKS] = "ConnsWalks",
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
	struct net *net = seq_file_single_net(seq);
	struct tcpalt_net *tn = tcpalt_net(net);
	int s;

	for (s = 0; s < TCPALT_STAT_MAX; s++)
		seq_printf(seq, "%s %llu\n", tcpalt_stat_names[s],
			   tcpalt_stat_sum(tn, s));
	seq_printf(seq, "CurrTimeWait %u\n", tcpalt_tw_count(net));
	seq_printf(seq, "CurrOrphans %d\n", atomic_read(&tn->orphans));
	/* The protocol's, shared by every namespace (mem.c). */
	seq_printf(seq, "CurrMemPages %ld\n", tcpalt_mem_pages());
	seq_printf(seq, "CurrSockets %lld\n",
		   percpu_counter_sum_positive(&tcpalt_sockets_allocated));
	seq_printf(seq, "MemPressure %d\n",
		   !!READ_ONCE(tcpalt_memory_pressure));
	return 0;
}
