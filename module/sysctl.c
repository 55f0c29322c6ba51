// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/sys/net/tcpalt/, one copy per network namespace.  Every entry is
 * range-checked by proc_dointvec_minmax, which rejects an out-of-range
 * write with EINVAL and leaves the value as it was.
 */
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "tcpalt.h"

static int blackhole_max = 2;
static int retries_max = 127;	/* TCP's MAX_TCP_SYNCNT */
static int retries2_max = 255;
static int backlog_max = 65535;
static int seconds_max = 3600;
static int entries_max = 1 << 24;
static int keepalive_secs_max = 32767;	/* TCP_KEEPIDLE's and KEEPINTVL's */
static int ratelimit_ms_max = 60000;
static int acks_max = 1000000;
/*
 * Buffer sizes: 1 GiB at most, which a window scale of 14 (65535 << 14
 * bytes) cannot outgrow by much and sk_rcvbuf's int holds twice over.
 */
static unsigned long mem_max = 1 << 30;
/* mem's pages: as many as a long counts bytes of. */
static unsigned long mem_pages_max = LONG_MAX >> PAGE_SHIFT;
static const unsigned long ulong_one = 1;

/*
 * An ordered triple, "low middle high": rmem and wmem ("min default max"
 * as tcp_rmem and tcp_wmem, ints, each from 1 to mem_max) and mem ("low
 * pressure high" as tcp_mem, longs, each from 1 to mem_pages_max), with
 * low <= middle <= high.  A write is parsed into a copy and stored only
 * once all of it passed, so a bad one changes nothing; the lock keeps
 * two writers from mixing their triples.
 */
static DEFINE_MUTEX(triple_lock);

static unsigned long triple_get(const struct ctl_table *table, int i)
{
	if (table->maxlen == 3 * sizeof(long))
		return READ_ONCE(((long *)table->data)[i]);
	return READ_ONCE(((int *)table->data)[i]);
}

static void triple_set(const struct ctl_table *table, int i,
		       unsigned long val)
{
	if (table->maxlen == 3 * sizeof(long))
		WRITE_ONCE(((long *)table->data)[i], val);
	else
		WRITE_ONCE(((int *)table->data)[i], val);
}

static int proc_ordered_triple(struct ctl_table *table, int write,
			       void *buffer, size_t *lenp, loff_t *ppos,
			       unsigned long *max)
{
	unsigned long vals[3];
	struct ctl_table tmp = {
		.data = vals,
		.maxlen = sizeof(vals),
		.mode = table->mode,
		.extra1 = (void *)&ulong_one,
		.extra2 = max,
	};
	int err, i;

	mutex_lock(&triple_lock);
	for (i = 0; i < 3; i++)
		vals[i] = triple_get(table, i);
	err = proc_doulongvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (!err && write) {
		if (vals[0] > vals[1] || vals[1] > vals[2]) {
			err = -EINVAL;
		} else {
			for (i = 0; i < 3; i++)
				triple_set(table, i, vals[i]);
		}
	}
	mutex_unlock(&triple_lock);
	return err;
}

static int tcpalt_proc_mem(struct ctl_table *table, int write, void *buffer,
			   size_t *lenp, loff_t *ppos)
{
	return proc_ordered_triple(table, write, buffer, lenp, ppos, &mem_max);
}

static int tcpalt_proc_mem_pages(struct ctl_table *table, int write,
				 void *buffer, size_t *lenp, loff_t *ppos)
{
	return proc_ordered_triple(table, write, buffer, lenp, ppos,
				   &mem_pages_max);
}

/*
 * The template's .data holds each value's offset in struct tcpalt_net;
 * a namespace's copy turns the offsets into pointers to its own values.
 */
#define TCPALT_SYSCTL_INT(name, field, min, max) {			\
	.procname = name,						\
	.data = (void *)offsetof(struct tcpalt_net, field),		\
	.maxlen = sizeof(int),						\
	.mode = 0644,							\
	.proc_handler = proc_dointvec_minmax,				\
	.extra1 = min,							\
	.extra2 = max,							\
}

#define TCPALT_SYSCTL_MEM(name, field) {				\
	.procname = name,						\
	.data = (void *)offsetof(struct tcpalt_net, field),		\
	.maxlen = 3 * sizeof(int),					\
	.mode = 0644,							\
	.proc_handler = tcpalt_proc_mem,				\
}

static const struct ctl_table tcpalt_sysctl_template[] = {
	/*
	 * Closed-port answers, as FreeBSD's net.inet.tcp.blackhole:
	 * 0 answers with RST as RFC 9293 says, 1 sends none to a SYN,
	 * 2 sends none at all (a port scan then learns nothing).
	 */
	TCPALT_SYSCTL_INT("blackhole", sysctl_blackhole, SYSCTL_ZERO,
			  &blackhole_max),
	/* SYN retransmissions before connect() fails with ETIMEDOUT. */
	TCPALT_SYSCTL_INT("syn_retries", sysctl_syn_retries, SYSCTL_ONE,
			  &retries_max),
	/* SYN,ACK retransmissions before a request is dropped. */
	TCPALT_SYSCTL_INT("synack_retries", sysctl_synack_retries, SYSCTL_ONE,
			  &retries_max),
	/* Data retransmissions before the connection times out. */
	TCPALT_SYSCTL_INT("retries2", sysctl_retries2, SYSCTL_ONE,
			  &retries2_max),
	/*
	 * Zero-window probes an orphan sends unanswered before it ends;
	 * 0 means 8 as TCP's tcp_orphan_retries (timer.c).
	 */
	TCPALT_SYSCTL_INT("orphan_retries", sysctl_orphan_retries,
			  SYSCTL_ZERO, &retries2_max),
	/*
	 * Milliseconds between two ACKs a connection sends for segments
	 * out of its window, as TCP's tcp_invalid_ratelimit; 0: no limit.
	 */
	TCPALT_SYSCTL_INT("invalid_ratelimit", sysctl_invalid_ratelimit,
			  SYSCTL_ZERO, &ratelimit_ms_max),
	/*
	 * ACKs a second the namespace's TIME-WAIT entries may send, all
	 * together (timewait.c); 0: no limit.
	 */
	TCPALT_SYSCTL_INT("tw_ack_limit", sysctl_tw_ack_limit, SYSCTL_ZERO,
			  &acks_max),
	/* Requests a listener holds at most, with its backlog. */
	TCPALT_SYSCTL_INT("max_syn_backlog", sysctl_max_syn_backlog,
			  SYSCTL_ONE, &backlog_max),
	/* Seconds an orphaned FIN-WAIT-2 waits for the peer's FIN. */
	TCPALT_SYSCTL_INT("fin_timeout", sysctl_fin_timeout, SYSCTL_ONE,
			  &seconds_max),
	/* Seconds of TIME-WAIT: 2*MSL. */
	TCPALT_SYSCTL_INT("tw_timeout", sysctl_tw_timeout, SYSCTL_ONE,
			  &seconds_max),
	/*
	 * TIME-WAIT entries at most; beyond, connections close without
	 * TIME-WAIT (TimeWaitOverflow).  0: never TIME-WAIT.
	 */
	TCPALT_SYSCTL_INT("max_tw_buckets", sysctl_max_tw_buckets,
			  SYSCTL_ZERO, &entries_max),
	/* 1 lets a SYN reopen a TIME-WAIT 4-tuple as RFC 6191 says. */
	TCPALT_SYSCTL_INT("tw_reuse", sysctl_tw_reuse, SYSCTL_ZERO,
			  SYSCTL_ONE),
	/* 1 ignores RSTs in TIME-WAIT (RFC 1337); 0 lets one end it. */
	TCPALT_SYSCTL_INT("rfc1337", sysctl_rfc1337, SYSCTL_ZERO, SYSCTL_ONE),
	/*
	 * Connections living on after close() at most; close() beyond it
	 * resets the connection instead (OrphanOverflow).
	 */
	TCPALT_SYSCTL_INT("max_orphans", sysctl_max_orphans, SYSCTL_ZERO,
			  &entries_max),
	/*
	 * Keep-alives, for sockets with SO_KEEPALIVE that do not set their
	 * own: seconds of silence before the first probe, seconds between
	 * probes, probes unanswered before the connection is reset.  The
	 * ranges are those of TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT.
	 */
	TCPALT_SYSCTL_INT("keepalive_time", sysctl_keepalive_time, SYSCTL_ONE,
			  &keepalive_secs_max),
	TCPALT_SYSCTL_INT("keepalive_intvl", sysctl_keepalive_intvl,
			  SYSCTL_ONE, &keepalive_secs_max),
	TCPALT_SYSCTL_INT("keepalive_probes", sysctl_keepalive_probes,
			  SYSCTL_ONE, &retries_max),
	/*
	 * SYN cookies: 0 never, 1 when a listener's SYN backlog is full,
	 * 2 for every SYN.
	 */
	TCPALT_SYSCTL_INT("syncookies", sysctl_syncookies, SYSCTL_ZERO,
			  SYSCTL_TWO),
	/*
	 * Receive and send buffers in bytes, "min default max": new
	 * sockets start at default unless the user sets SO_RCVBUF or
	 * SO_SNDBUF; autotuning grows them towards max.
	 */
	TCPALT_SYSCTL_MEM("rmem", sysctl_rmem),
	TCPALT_SYSCTL_MEM("wmem", sysctl_wmem),
	/*
	 * The protocol's memory (mem.c), shared by every namespace as
	 * tcp_mem is: each shows it, only the initial one may write it.
	 */
	{
		.procname = "mem",
		.maxlen = sizeof(tcpalt_sysctl_mem),
		.mode = 0644,
		.proc_handler = tcpalt_proc_mem_pages,
	},
	{ }
};

static void tcpalt_sysctl_defaults(struct tcpalt_net *tn)
{
	tn->sysctl_blackhole = 0;
	tn->sysctl_syn_retries = 6;
	tn->sysctl_synack_retries = 5;
	tn->sysctl_retries2 = 15;
	tn->sysctl_max_syn_backlog = 4096;
	tn->sysctl_fin_timeout = 60;
	tn->sysctl_tw_timeout = 60;
	tn->sysctl_max_tw_buckets = 262144;
	tn->sysctl_tw_reuse = 1;
	tn->sysctl_rfc1337 = 1;
	tn->sysctl_max_orphans = 65536;
	tn->sysctl_keepalive_time = 7200;
	tn->sysctl_keepalive_intvl = 75;
	tn->sysctl_keepalive_probes = 9;
	tn->sysctl_syncookies = 1;
	tn->sysctl_orphan_retries = 0;
	tn->sysctl_invalid_ratelimit = 500;
	/*
	 * TCP's per-namespace challenge ACK limit of old: far more than the
	 * retransmitted FINs of a namespace's peers need.
	 */
	tn->sysctl_tw_ack_limit = 1000;
	/*
	 * The maxima are Linux's tcp_rmem[2] and tcp_wmem[2].  The defaults
	 * are the generic sockets' (net.core.rmem_default, wmem_default),
	 * which tcpalt sockets had before these sysctls: a program that
	 * writes 256 KiB before its peer reads still has it all taken.
	 */
	tn->sysctl_rmem[0] = 4096;
	tn->sysctl_rmem[1] = 212992;
	tn->sysctl_rmem[2] = 6291456;
	tn->sysctl_wmem[0] = 4096;
	tn->sysctl_wmem[1] = 212992;
	tn->sysctl_wmem[2] = 4194304;
}

int tcpalt_sysctl_net_init(struct net *net)
{
	struct tcpalt_net *tn = tcpalt_net(net);
	struct ctl_table *table;
	int i;

	tcpalt_sysctl_defaults(tn);
	table = kmemdup(tcpalt_sysctl_template,
			sizeof(tcpalt_sysctl_template), GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	for (i = 0; table[i].procname; i++) {
		if (table[i].proc_handler == tcpalt_proc_mem_pages) {
			table[i].data = tcpalt_sysctl_mem;
			if (!net_eq(net, &init_net))
				table[i].mode = 0444;
			continue;
		}
		table[i].data = (char *)tn + (uintptr_t)table[i].data;
	}

	tn->sysctl_hdr = register_net_sysctl(net, "net/tcpalt", table);
	if (!tn->sysctl_hdr) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

void tcpalt_sysctl_net_exit(struct net *net)
{
	struct tcpalt_net *tn = tcpalt_net(net);
	struct ctl_table *table = tn->sysctl_hdr->ctl_table_arg;

	unregister_net_sysctl_table(tn->sysctl_hdr);
	kfree(table);
}
