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

#include <linux/types.h>

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
 * dropped as malformed, and the counters after it say why.  Two gauges
 * follow the counters: CurrTimeWait, the TIME-WAIT entries not yet freed,
 * and CurrOrphans, the connections living on after close().
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
	TCPALT_STAT_ACTIVE_OPENS,	/* ActiveOpens: connect() sent a SYN */
	TCPALT_STAT_PASSIVE_OPENS,	/* PassiveOpens: a listener's SYN-ACK */
	TCPALT_STAT_ATTEMPT_FAILS,	/* AttemptFails: handshake ended in
					 * CLOSED or back in LISTEN
					 */
	TCPALT_STAT_ESTAB_RESETS,	/* EstabResets: RST in ESTABLISHED or
					 * CLOSE-WAIT
					 */
	TCPALT_STAT_IN_RSTS,		/* InRsts: acceptable RSTs taken */
	TCPALT_STAT_RETRANS_SEGS,	/* RetransSegs */
	TCPALT_STAT_TIMEOUTS,		/* Timeouts: retransmission timer fired */
	TCPALT_STAT_FAST_RETRANS,	/* FastRetrans: three duplicate ACKs */
	TCPALT_STAT_CHALLENGE_ACKS,	/* ChallengeACKs: RFC 5961 answers */
	TCPALT_STAT_CHALLENGE_LIMITED,	/* ChallengeACKLimited: rate limited */
	TCPALT_STAT_LISTEN_OVERFLOWS,	/* ListenOverflows: accept queue full */
	TCPALT_STAT_LISTEN_DROPS,	/* ListenDrops: SYNs and final ACKs a
					 * listener dropped, overflows included
					 */
	TCPALT_STAT_DELAYED_ACKS,	/* DelayedACKs: sent by the timer */
	TCPALT_STAT_OFO_QUEUE,		/* OfoQueue: queued out of order */
	TCPALT_STAT_RCV_QUEUE_DROPS,	/* RcvQueueDrops: no receive memory */
	TCPALT_STAT_PERSIST_PROBES,	/* PersistProbes: zero window probes */
	TCPALT_STAT_OLD_ACK_DROPS,	/* OldAckDrops: unacceptable ACKs */
	TCPALT_STAT_ABORT_ON_CLOSE,	/* AbortOnClose: RST for unread data */
	TCPALT_STAT_ABORT_ON_LINGER,	/* AbortOnLinger: SO_LINGER 0, or
					 * TCP_LINGER2 below 0
					 */
	TCPALT_STAT_TW_MADE,		/* TimeWaitMade: entries made */
	TCPALT_STAT_TW_REAPED,		/* TimeWaitReaped: expired, freed */
	TCPALT_STAT_TW_REUSED,		/* TimeWaitReused: reopened by a SYN
					 * (RFC 6191)
					 */
	TCPALT_STAT_TW_OVERFLOW,	/* TimeWaitOverflow: closed without
					 * TIME-WAIT, over max_tw_buckets or
					 * out of memory
					 */
	TCPALT_STAT_TW_RESTARTS,	/* TimeWaitRestarts: the peer's FIN
					 * again, 2*MSL restarted
					 */
	TCPALT_STAT_TW_RST_IGNORED,	/* TimeWaitRstIgnored: RFC 1337 */
	TCPALT_STAT_TW_KILLED,		/* TimeWaitKilled: by a RST, with
					 * rfc1337 off
					 */
	TCPALT_STAT_ORPHANED,		/* Orphaned: connections that outlived
					 * close()
					 */
	TCPALT_STAT_ORPHAN_OVERFLOW,	/* OrphanOverflow: reset at close(),
					 * over max_orphans
					 */
	TCPALT_STAT_KEEPALIVE_PROBES,	/* KeepAliveProbes: probes sent */
	TCPALT_STAT_KEEPALIVE_ABORTS,	/* KeepAliveAborts: reset after the
					 * probes went unanswered
					 */
	TCPALT_STAT_USER_TIMEOUT_ABORTS, /* UserTimeoutAborts: ended by
					  * TCP_USER_TIMEOUT
					  */
	TCPALT_STAT_SYNCOOKIES_SENT,	/* SyncookiesSent: SYN,ACKs with a
					 * cookie
					 */
	TCPALT_STAT_SYNCOOKIES_RECV,	/* SyncookiesRecv: valid cookies in a
					 * final ACK
					 */
	TCPALT_STAT_SYNCOOKIES_FAILED,	/* SyncookiesFailed: forged or stale */
	TCPALT_STAT_REQUEST_TIMEOUTS,	/* RequestTimeouts: requests dropped
					 * after synack_retries
					 */
	TCPALT_STAT_RCV_COLLAPSED,	/* RcvCollapsed: receive queues copied
					 * compact when the buffer was full
					 */
	TCPALT_STAT_PAWS_ESTAB,		/* PAWSEstab: segments of a connection
					 * dropped for an old timestamp
					 */
	TCPALT_STAT_PAWS_TIMEWAIT,	/* PAWSTimewait: the same, for a
					 * TIME-WAIT entry
					 */
	TCPALT_STAT_OUT_OF_WINDOW_ICMPS, /* OutOfWindowIcmps: ICMP errors
					  * quoting a sequence number outside
					  * SND.UNA..SND.MAX, ignored
					  */
	TCPALT_STAT_PMTU_UPDATES,	/* PmtuUpdates: MSS lowered for a
					 * smaller path MTU
					 */
	TCPALT_STAT_PERSIST_TIMEOUTS,	/* PersistTimeouts: ended after
					 * zero-window probes went unanswered
					 * or TCP_USER_TIMEOUT passed
					 */
	TCPALT_STAT_OOW_ACK_LIMITED,	/* OutOfWindowAckLimited: invalid
					 * segments left unanswered by
					 * invalid_ratelimit
					 */
	TCPALT_STAT_TW_ACK_LIMITED,	/* TimeWaitAckLimited: TIME-WAIT
					 * ACKs left unsent by tw_ack_limit
					 */
	TCPALT_STAT_MEMORY_PRESSURES,	/* MemoryPressures: the protocol's
					 * memory passed the "mem" pressure
					 * limit, on a socket of this
					 * namespace
					 */
	TCPALT_STAT_ABORT_ON_MEMORY,	/* AbortOnMemory: orphans reset
					 * while the protocol's memory was
					 * over its hard limit
					 */
	TCPALT_STAT_OFO_PRUNED,		/* OfoPruned: times the out-of-order
					 * queue was cut from its highest
					 * sequence for want of buffer
					 */
	TCPALT_STAT_SACK_WALK_LIMITED,	/* SackWalkLimited: SACK marking or
					 * hole searches stopped by their
					 * per-ACK budget
					 */
	TCPALT_STAT_SACK_CUT_REFUSED,	/* SackCutRefused: write-queue skbs
					 * left uncut for a SACK block, the
					 * queue at twice the send buffer
					 */
	TCPALT_STAT_CONNS_WALKS,	/* ConnsWalks: reads of
					 * TCPALT_PROC_CONNS that walked the
					 * tables from their first chain
					 */
	__TCPALT_STAT_MAX
};

/*
 * Options at level IPPROTO_TCPALT: TCP's numbers, so TCP_NODELAY and its
 * siblings from <netinet/tcp.h> work unchanged.
 */
#define TCPALT_NODELAY		1
#define TCPALT_MAXSEG		2
#define TCPALT_KEEPIDLE		4
#define TCPALT_KEEPINTVL	5
#define TCPALT_KEEPCNT		6
#define TCPALT_SYNCNT		7
#define TCPALT_LINGER2		8
#define TCPALT_INFO		11
#define TCPALT_USER_TIMEOUT	18

/* tcpi_options of struct tcpalt_info: what the handshake negotiated. */
#define TCPALT_INFO_OPT_TIMESTAMPS	0x1
#define TCPALT_INFO_OPT_SACK		0x2
#define TCPALT_INFO_OPT_WSCALE		0x4

/*
 * getsockopt(fd, IPPROTO_TCPALT, TCPALT_INFO): a connection's state.
 * Times are in microseconds, windows in bytes after scaling, the
 * congestion window in segments.  A shorter buffer gets a prefix.
 */
struct tcpalt_info {
	__u8	tcpi_state;		/* TCP_ESTABLISHED ... TCP_CLOSING */
	__u8	tcpi_retransmits;	/* consecutive timeouts now */
	__u8	tcpi_options;		/* TCPALT_INFO_OPT_* */
	__u8	tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4;

	__u32	tcpi_rto;
	__u32	tcpi_rtt;		/* smoothed */
	__u32	tcpi_rttvar;
	__u32	tcpi_snd_mss;
	__u32	tcpi_rcv_mss;
	__u32	tcpi_snd_wnd;		/* the peer's window */
	__u32	tcpi_rcv_wnd;		/* the window we advertise */
	__u32	tcpi_snd_cwnd;
	__u32	tcpi_snd_ssthresh;
	__u32	tcpi_total_retrans;	/* segments retransmitted, in all */

	__u64	tcpi_bytes_acked;	/* RFC 4898 tcpEStatsAppHCThruOctetsAcked */
	__u64	tcpi_bytes_received;	/* RFC 4898 tcpEStatsAppHCThruOctetsReceived */
};

#endif /* _UAPI_LINUX_TCPALT_H */
