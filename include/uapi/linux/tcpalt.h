/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tcpalt: an alternate TCP (RFC 9293) on its own IP protocol number.
 *
 * Everything a program needs to use tcpalt: the protocol number, the
 * procfs and sysctl paths and the order of the counters.  Socket options
 * at level IPPROTO_TCPALT will reuse TCP's numbers, so a program ported
 * from TCP changes IPPROTO_TCP to IPPROTO_TCPALT and nothing else.
 */
#ifndef _UAPI_LINUX_TCPALT_H
#define _UAPI_LINUX_TCPALT_H

/* RFC 3692 sets 253 and 254 aside for experimentation; 253 is the default. */
#define IPPROTO_TCPALT		253
#define IPPROTO_TCPALT_ALT	254

/* procfs: per network namespace; /proc/tcpalt points at /proc/net/tcpalt. */
#define TCPALT_PROC_DIR		"/proc/tcpalt"
#define TCPALT_PROC_CONNS	"/proc/tcpalt/conns"
#define TCPALT_PROC_STATS	"/proc/tcpalt/stats"
#define TCPALT_SYSCTL_DIR	"/proc/sys/net/tcpalt"

/* The first line of TCPALT_PROC_CONNS names its columns. */
#define TCPALT_CONNS_HEADER \
	"local remote state tx_queue rx_queue timer uid inode"

/*
 * Counters of TCPALT_PROC_STATS, one "Name value" line each, in this
 * order; the name of each is in its comment.  InErrs counts every segment
 * dropped as malformed, and the counters after it say why.
 */
enum tcpalt_stat {
	TCPALT_STAT_IN_SEGS,		/* InSegs */
	TCPALT_STAT_OUT_SEGS,		/* OutSegs */
	TCPALT_STAT_IN_ERRS,		/* InErrs */
	TCPALT_STAT_IN_CSUM_ERRORS,	/* InCsumErrors */
	TCPALT_STAT_IN_HDR_ERRORS,	/* InHdrErrors: short, bad offset */
	TCPALT_STAT_IN_OPT_ERRORS,	/* InOptErrors: bad option layout */
	TCPALT_STAT_IN_ADDR_ERRORS,	/* InAddrErrors: broadcast, multicast */
	TCPALT_STAT_IN_NO_SOCKET,	/* InNoSocket */
	TCPALT_STAT_OUT_RSTS,		/* OutRsts */
	TCPALT_STAT_BLACKHOLE_DROPS,	/* BlackholeDrops */
	TCPALT_STAT_OUT_DISCARDS,	/* OutDiscards: no route, no memory */
	__TCPALT_STAT_MAX
};

#endif /* _UAPI_LINUX_TCPALT_H */
