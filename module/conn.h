/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tcpalt connection: the socket, its transmission control block
 * (RFC 9293 section 3.3.1) and what the files that drive it share.
 */
#ifndef _TCPALT_CONN_H
#define _TCPALT_CONN_H

#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/ip.h>
#include <net/inet_sock.h>
#include <net/sock.h>

#include "core/accept.h"
#include "core/options.h"
#include "core/rto.h"
#include "core/segment.h"
#include "core/state.h"

struct seq_file;
struct tcpalt_conns_line;
struct tcpalt_ack_view;
struct tcpalt_listener;
struct tcpalt_net;

/* Which job the retransmission timer is doing. */
enum tcpalt_rtx_job {
	TCPALT_RTX_NONE,
	TCPALT_RTX_RETRANSMIT,	/* SYN, SYN,ACK, data or FIN unacked */
	TCPALT_RTX_PERSIST,	/* zero window: probe it */
	TCPALT_RTX_FIN_WAIT2,	/* orphan waiting for the peer's FIN */
};

/*
 * The TCB is written under the socket lock: by the owner in process
 * context, or in softirq (receive, timers) under the spinlock while no
 * user owns the socket.  getsockopt(), TCPALT_INFO included, takes the
 * socket lock and reads plainly.
 *
 * Some fields are also read without that lock, by
 * - procfs: /proc/net/tcpalt/conns walks the tables under RCU only;
 * - poll(), which takes no lock;
 * - the receive path of a listener: a SYN and the final ACK are dealt
 *   with under the listener's own lock (listen.h), not its socket lock,
 *   and read the listener's options that a child inherits.
 * Those fields are marked below with their readers; the readers load them
 * with READ_ONCE() and every writer, once the socket can be seen, stores
 * them with WRITE_ONCE().  A field not marked is read under the socket
 * lock only.  A lockless reader may see values from either side of a
 * segment, as netstat and tcp_poll() may with TCP's.
 */
struct tcpalt_sock {
	struct inet_sock inet;

	/* Send sequence space. */
	u32 iss;
	u32 snd_una;		/* lockless: procfs */
	u32 snd_nxt;		/* next to send; moves back on timeout */
	u32 snd_max;		/* highest ever sent: what an ACK may ack */
	u32 write_seq;		/* end of the data the user queued;
				 * lockless: procfs
				 */
	u32 snd_wnd;		/* bytes, scaled */
	u32 max_snd_wnd;
	u32 snd_wl1;
	u32 snd_wl2;

	/* Receive sequence space. */
	u32 irs;
	u32 rcv_nxt;		/* lockless: procfs, poll */
	u32 rcv_wnd;		/* as last advertised, bytes */
	u32 rcv_wup;		/* rcv_nxt when rcv_wnd was advertised */
	u32 copied_seq;		/* next byte the user reads;
				 * lockless: procfs, poll
				 */

	/* Negotiated at the handshake. */
	u16 mss;		/* payload of a full segment we send */
	u16 rcv_mss;		/* the MSS we announced */
	u16 user_mss;		/* TCP_MAXSEG, 0 when unset;
				 * lockless: listener
				 */
	u16 mss_offer;		/* the peer's SYN, in a simultaneous open */
	u8 snd_wscale;
	u8 rcv_wscale;
	u8 wscale_ok:1,
	   ts_ok:1,
	   sack_ok:1,
	   fin_queued:1,	/* our FIN is on the write queue */
	   orphan:1,		/* counted in the namespace's orphans */
	   syn_acked:1;		/* our SYN is acknowledged and the send
				 * side set up (tcpalt_init_sequence())
				 */

	/*
	 * The user's options.  A child copies them from its listener in
	 * softirq, without the listener's socket lock, and a SYN,ACK reads
	 * user_mss: those marked "lockless: listener" are read so.  They
	 * are whole bytes, not bits, so that they can be.
	 */
	u8 nodelay;		/* lockless: listener */
	u8 syn_retries;		/* TCP_SYNCNT, 0 for the sysctl */
	s8 linger2;		/* TCP_LINGER2 in s, 0 for the sysctl,
				 * -1 to reset an orphaned FIN-WAIT-2;
				 * lockless: listener
				 */
	u16 keepidle;		/* TCP_KEEPIDLE in s, 0 for the sysctl;
				 * lockless: listener
				 */
	u16 keepintvl;		/* TCP_KEEPINTVL in s, 0 for the sysctl;
				 * lockless: listener
				 */
	u8 keepcnt;		/* TCP_KEEPCNT, 0 for the sysctl;
				 * lockless: listener
				 */
	u8 ka_probes_out;	/* keep-alives unanswered; lockless: procfs */
	u32 user_timeout;	/* TCP_USER_TIMEOUT in ms, 0 for none;
				 * lockless: listener
				 */
	unsigned long rcv_tstamp;	/* jiffies: the peer's last segment */
	unsigned long rtx_stamp;	/* jiffies: the head was first sent,
					 * once it is being retransmitted
					 */
	u32 ts_recent;
	u32 ts_recent_stamp;	/* tcpalt_seconds(): ts_recent was stored */
	u32 ts_offset;

	/* Retransmission and congestion control (RFC 5681, 6582). */
	struct tcpalt_rto rto;
	u8 retransmits;		/* consecutive timeouts; lockless: procfs */
	u8 rtx_job;		/* enum tcpalt_rtx_job; lockless: procfs */
	u8 dupacks;
	u8 in_recovery:1,
	   rtt_timing:1,
	   ack_now:1,
	   cwnd_limited:1,	/* tcpalt_push() stopped for the congestion
				 * window since the last new ACK
				 */
	   pingpong:1,		/* interactive: owed ACKs wait for our data */
	   rcv_compact:1;	/* the receive queue is as rcv_collapse()
				 * left it: collapsing again frees nothing
				 */
	u8 acks_owed;		/* full segments received, not acked */
	u8 fin_rcvd;		/* the peer's FIN is in rcv_nxt;
				 * lockless: procfs
				 */
	u8 port_shared;		/* connect() chose the port, which other
				 * connections may share (port.c); under
				 * the port's bucket lock
				 */
	u32 cwnd;		/* bytes */
	u32 ssthresh;
	u32 recover;
	u32 rtx_high;		/* resent up to here in this recovery */
	u32 highest_sack;	/* end of the highest SACKed segment */
	u32 sacked_bytes;	/* SACKed and still on the write queue */
	u32 sack_last;		/* the latest out-of-order arrival */
	u32 rtt_seq;		/* the timed segment's end */
	ktime_t rtt_start;
	unsigned long rtx_deadline;	/* jiffies, for procfs;
					 * lockless: procfs
					 */
	struct timer_list rtx_timer;
	struct timer_list delack_timer;
	struct sk_buff *send_head;	/* first unsent on sk_write_queue */
	struct rb_root ofo_queue;	/* out of order, by seq (ofo.c) */
	struct sk_buff *ofo_last;	/* its highest skb, NULL if empty */
	struct sk_buff *sack_hint;	/* write queue: where the last SACK
					 * marking walk ended, NULL for none
					 */
	struct sk_buff *hole_hint;	/* write queue: the search for a hole
					 * to resend starts here, NULL: at the
					 * head (sack.c)
					 */
	struct tcpalt_sack_block sack_cache[TCPALT_SACK_BLOCKS_MAX];
					/* the last ACK's SACK blocks, marked */
	unsigned long challenge_stamp;	/* jiffies: RFC 5961 rate limit */
	u32 challenge_count;
	u32 oow_ack_stamp;	/* jiffies, truncated: the last ACK for an
				 * invalid segment; 0 for none
				 */
	u32 probe_stamp;	/* jiffies, truncated: the first probe of
				 * this zero window; 0 for none
				 */
	u8 probes_out;		/* zero-window probes unanswered */
	u32 cwnd_acked;		/* congestion avoidance: bytes acked toward
				 * the next segment of growth
				 */
	u32 snd_stamp;		/* jiffies, truncated: new data last sent */
	u32 rcv_stamp;		/* jiffies, truncated: data last arrived */
	u16 rcv_seg_mss;	/* the peer's full segment, as estimated */
	u8 quick_acks;		/* segments still acked at once */
	u8 rcv_ratio;		/* payload per 256 bytes of truesize,
				 * as last measured; 0 before any
				 */
	u32 rcv_rtt_us;		/* the receiver's RTT estimate, 0: none */
	u32 rcv_rtt_seq;	/* no timestamps: the window being timed */
	u32 rcv_rtt_stamp;	/* us clock: that timing began */
	u32 rcvq_space;		/* bytes the user read in an RTT, at most */
	u32 rcvq_seq;		/* copied_seq when this RTT began */
	u32 rcvq_stamp;		/* us clock: this RTT began */

	/*
	 * ICMP (icmp.c): the path MTU of the last "fragmentation needed",
	 * and work softirq left for release_sock() because the user held
	 * the socket.  Both are written in softirq under the socket's
	 * spinlock while the owner may be running: mtu_info with
	 * WRITE_ONCE(), deferred by atomic bit operations.
	 */
	u32 mtu_info;
	unsigned long deferred;		/* TCPALT_DEFER_* bit numbers */

	/*
	 * TCP_INFO totals.  The segment counts are RFC 4898's SegsOut,
	 * SegsIn, DataSegsOut and DataSegsIn: every segment the socket
	 * sent or took, a GSO or GRO one counting as the segments it
	 * stands for, and of them those with data.
	 */
	u32 total_retrans;
	u32 segs_out;
	u32 segs_in;
	u32 data_segs_out;
	u32 data_segs_in;
	u64 bytes_acked;
	u64 bytes_received;

	/*
	 * A listener's requests and accept queue; a child's place in it.
	 * listener is RCU: read under rcu_read_lock() by the receive path,
	 * procfs and poll() (listen.h).
	 */
	struct tcpalt_listener __rcu *listener;
	struct list_head accept_node;
};

/* Bits of tcpalt_sock.deferred. */
enum {
	TCPALT_DEFER_MTU_REDUCED,	/* tcpalt_mtu_reduced() */
};

static inline struct tcpalt_sock *tcpalt_sk(const struct sock *sk)
{
	return (struct tcpalt_sock *)sk;
}

/*
 * Per-segment state in skb->cb, once the receive path has parsed the
 * header, and for the skbs of the write queue.  The IP layer is done
 * with the cb by then.
 */
struct tcpalt_skb_cb {
	u32 seq;
	u32 end_seq;		/* seq + data + SYN + FIN */
	u32 ack;
	u32 tsval;
	u32 tsecr;
	u32 isn;		/* a SYN reopening TIME-WAIT: start above */
	u16 window;		/* raw field */
	u16 mss;
	u8 flags;		/* TCPALT_SYN ... */
	u8 wscale;
	u8 has_mss:1,
	   has_wscale:1,
	   has_ts:1,
	   sack_ok:1,
	   retransmitted:1,
	   sacked:1;		/* the peer SACKed it */
};

#define TCPALT_SKB_CB(skb) ((struct tcpalt_skb_cb *)&((skb)->cb[0]))

/* The MSS a SYN or SYN,ACK in the cb announced (core/options.h). */
static inline u16 tcpalt_cb_peer_mss(const struct tcpalt_skb_cb *cb)
{
	return tcpalt_peer_mss(cb->has_mss, cb->mss);
}

/*
 * The header of a segment the receive path has parsed into the cb and
 * pulled to its data: ports from the transport header, the rest from the
 * cb, no options.
 */
static inline void tcpalt_cb_hdr(const struct sk_buff *skb,
				 struct tcpalt_hdr *hdr)
{
	const struct tcpalt_skb_cb *cb = TCPALT_SKB_CB(skb);
	const u8 *th = skb_transport_header(skb);

	*hdr = (struct tcpalt_hdr){
		.sport = tcpalt_get_be16(th),
		.dport = tcpalt_get_be16(th + 2),
		.seq = cb->seq,
		.ack = cb->ack,
		.flags = cb->flags,
		.window = cb->window,
	};
}

/*
 * Headroom for our header and everything below it: all the head of an
 * skb of the write queue holds, its data being in page fragments.
 */
#define TCPALT_MAX_HEADER	(TCPALT_HDR_MAX + sizeof(struct iphdr) + \
				 MAX_HEADER)

/* Linux's TCP_TIMEOUT_MIN and delayed-ACK bounds. */
#define TCPALT_DELACK_MIN	(HZ / 25)
#define TCPALT_MIN_MSS		88	/* Linux's TCP_MIN_MSS */
#define TCPALT_INIT_CWND	10	/* segments, RFC 6928 */
/* Duplicate ACKs that start fast retransmit (RFC 5681 3.2). */
#define TCPALT_DUPACK_THRESHOLD	3

static inline u32 tcpalt_in_flight(const struct tcpalt_sock *tp)
{
	return tp->snd_nxt - tp->snd_una;
}

static inline bool tcpalt_has_unsent(const struct tcpalt_sock *tp)
{
	return tp->send_head;
}

/*
 * sk_stream_memory_free() and sk_stream_is_writeable() would name TCP's
 * own callback for their indirect call; these are the same tests.
 */
static inline bool tcpalt_wmem_free(const struct sock *sk)
{
	return READ_ONCE(sk->sk_wmem_queued) < READ_ONCE(sk->sk_sndbuf);
}

static inline bool tcpalt_writeable(const struct sock *sk)
{
	return sk_stream_wspace(sk) >= sk_stream_min_wspace(sk) &&
	       tcpalt_wmem_free(sk);
}

/*
 * The timestamp clock (RFC 7323 5.4): milliseconds, offset per pair of
 * addresses so that it tells nothing of the host's uptime.  Connections,
 * requests and TIME-WAIT entries all read it here.
 */
static inline u32 tcpalt_ts_clock(u32 offset)
{
	return (u32)ktime_to_ms(ktime_get()) + offset;
}

/* The seconds clock that dates TS.Recent for PAWS (core/accept.h). */
static inline u32 tcpalt_seconds(void)
{
	return (u32)ktime_get_seconds();
}

/* Is the connection's TS.Recent still a basis for PAWS? */
static inline bool tcpalt_paws_ok(const struct tcpalt_sock *tp)
{
	return tcpalt_paws_valid(tp->ts_recent, tp->ts_recent_stamp,
				 tcpalt_seconds());
}

/* The clock as a connection's timestamps carry it. */
static inline u32 tcpalt_ts_now(const struct tcpalt_sock *tp)
{
	return tcpalt_ts_clock(tp->ts_offset);
}

/*
 * A segment the socket takes, its header pulled: TCP_INFO's segs_in and
 * data_segs_in.
 */
static inline void tcpalt_count_segs_in(struct sock *sk,
					const struct sk_buff *skb)
{
	struct tcpalt_sock *tp = tcpalt_sk(sk);
	u16 segs = max_t(u16, 1, skb_shinfo(skb)->gso_segs);

	tp->segs_in += segs;
	if (skb->len)
		tp->data_segs_in += segs;
}

/* conn.c: life of a connection. */
const struct tcpalt_rto_params *tcpalt_rto_params(void);
void tcpalt_conn_init(struct sock *sk);
void tcpalt_store_state(struct sock *sk, int state);
void tcpalt_set_state(struct sock *sk, int state);
void tcpalt_done(struct sock *sk);
void tcpalt_purge_queues(struct sock *sk);
void tcpalt_destroy(struct sock *sk);
void tcpalt_child_init(struct sock *child, const struct sock *parent);
void tcpalt_init_sequence(struct sock *sk, u16 peer_mss,
			  const struct tcpalt_skb_cb *cb);
void tcpalt_abort_unaccepted(struct sock *child);
bool tcpalt_orphan_admit(struct sock *sk);
int tcpalt_disconnect(struct sock *sk, int flags);

int tcpalt_fin_wait2_secs(const struct sock *sk);

/* sm.c: driving the state table. */
bool tcpalt_sm_event(struct sock *sk, struct sk_buff *skb,
		     enum tcpalt_event ev);

/* table.c: the lookup tables. */
int tcpalt_table_init(void);
void tcpalt_table_exit(void);
void tcpalt_hash_conn(struct sock *sk);
void tcpalt_hash_listener(struct sock *sk);
void tcpalt_unhash(struct sock *sk);
struct sock *tcpalt_lookup_conn(struct net *net, __be32 saddr, __be16 sport,
				__be32 daddr, __be16 dport, int dif, int sdif);
struct sock *tcpalt_lookup_listener(struct net *net, __be32 daddr,
				    __be16 dport, int dif, int sdif);
int tcpalt_hash_connect(struct sock *sk);
unsigned int tcpalt_table_chains(bool listeners);
struct sock *tcpalt_table_nth(struct net *net, bool listeners,
			      unsigned int i, unsigned int n);
int tcpalt_table_chain_walk(bool listeners, unsigned int i, struct net *net,
			    int (*fn)(struct sock *sk, void *arg), void *arg);

/* isn.c: RFC 6528 initial sequence numbers. */
u32 tcpalt_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
u32 tcpalt_ts_offset(__be32 saddr, __be32 daddr);

/* rcv.c: a segment for a socket. */
int tcpalt_do_rcv(struct sock *sk, struct sk_buff *skb);
int tcpalt_rcv_synchronized(struct sock *sk, struct sk_buff *skb);

/* data.c: receiving data. */
bool tcpalt_data_rcv(struct sock *sk, struct sk_buff *skb, bool *fin);
bool tcpalt_rcv_merge(struct sock *sk, struct sk_buff *to,
		      struct sk_buff *from);
void tcpalt_cleanup_rbuf(struct sock *sk, int copied);
int tcpalt_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		   int flags, int *addr_len);
u32 tcpalt_rcv_wnd_now(struct sock *sk);
u32 tcpalt_rcv_full_wnd(const struct sock *sk);
u8 tcpalt_rcv_wscale(const struct sock *sk);
void tcpalt_rcv_space_init(struct sock *sk);
void tcpalt_rcv_space_adjust(struct sock *sk);
void tcpalt_rcv_measure(struct sock *sk, const struct sk_buff *skb);
void tcpalt_snd_buf_expand(struct sock *sk);

/* ofo.c: the out-of-order queue. */
bool tcpalt_ofo_insert(struct sock *sk, struct sk_buff *skb);
struct sk_buff *tcpalt_ofo_pop(struct sock *sk, u32 rcv_nxt);
u32 tcpalt_ofo_prune(struct sock *sk, u32 seq, u32 bytes);
void tcpalt_ofo_purge(struct sock *sk);
struct sk_buff *tcpalt_ofo_find(const struct tcpalt_sock *tp, u32 seq);

/* send.c: sending data. */
int tcpalt_sendmsg(struct sock *sk, struct msghdr *msg, size_t size);
void tcpalt_write_space(struct sock *sk);
void tcpalt_push(struct sock *sk);
int tcpalt_queue_fin(struct sock *sk);
int tcpalt_wq_unclone(struct sk_buff *skb);
int tcpalt_wq_split(struct sock *sk, struct sk_buff *skb, u32 len);
void tcpalt_wq_free(struct sock *sk, struct sk_buff *skb);
void tcpalt_clean_acked(struct sock *sk, u32 ack);
void tcpalt_send_again(struct sock *sk);

/* ack.c: what an ACK does to the sender (RFC 6298, 5681, 6582). */
void tcpalt_ack_rcvd(struct sock *sk, const struct tcpalt_skb_cb *cb,
		     bool dup_candidate);
void tcpalt_event_data_sent(struct sock *sk, u32 seq);

/* output.c, with a socket. */
void tcpalt_syn_options(struct sock *sk, struct tcpalt_opts *o, bool synack);
u16 tcpalt_reply_mss(struct net *net, const struct sk_buff *in_skb,
		     u16 user_mss);
u16 tcpalt_mtu_to_mss(u32 mtu, u16 user_mss);
int tcpalt_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone);
void tcpalt_send_ack(struct sock *sk);
void tcpalt_send_challenge_ack(struct sock *sk);
void tcpalt_send_oow_ack(struct sock *sk);
int tcpalt_send_syn(struct sock *sk, bool with_ack);
void tcpalt_send_active_reset(struct sock *sk);
void tcpalt_send_reset_to(struct sock *sk, struct sk_buff *in_skb);
void tcpalt_send_probe(struct sock *sk);
void tcpalt_send_ack_at(struct sock *sk, u32 seq);
int tcpalt_retransmit_head(struct sock *sk);
int tcpalt_retransmit_skb(struct sock *sk, struct sk_buff *skb);

/* icmp.c */
int tcpalt_v4_err(struct sk_buff *skb, u32 info);
void tcpalt_mtu_reduced(struct sock *sk);
void tcpalt_release_cb(struct sock *sk);

/* sack.c */
void tcpalt_sack_fill(struct sock *sk, struct tcpalt_opts *o);
void tcpalt_sack_rcvd(struct sock *sk, const struct sk_buff *skb);
void tcpalt_sack_forget(struct sock *sk, const struct sk_buff *skb);
void tcpalt_sack_clear(struct sock *sk);
void tcpalt_sack_recovery_start(struct sock *sk);
bool tcpalt_sack_retransmit_hole(struct sock *sk);

/* keepalive.c */
void tcpalt_keepalive_init(struct sock *sk);
void tcpalt_keepalive_reset(struct sock *sk);
void tcpalt_keepalive_stop(struct sock *sk);
void tcpalt_set_keepalive(struct sock *sk, int on);
void tcpalt_keepalive_heard(struct sock *sk);
int tcpalt_keepalive_time(const struct sock *sk);
int tcpalt_keepalive_intvl(const struct sock *sk);
int tcpalt_keepalive_probes(const struct sock *sk);

/* timer.c */
void tcpalt_timers_init(struct sock *sk);
void tcpalt_timers_stop(struct sock *sk);
void tcpalt_rtx_arm(struct sock *sk, enum tcpalt_rtx_job job, u32 usec);
void tcpalt_rtx_stop(struct sock *sk);
void tcpalt_fin_wait2_arm(struct sock *sk);
void tcpalt_ack_schedule(struct sock *sk);
void tcpalt_ack_view(const struct sock *sk, struct tcpalt_ack_view *v);
void tcpalt_ack_data_sent(struct sock *sk);
void tcpalt_delack_stop(struct sock *sk);

/* listen.c: the listener. */
int tcpalt_listen_start(struct sock *sk, int backlog);
void tcpalt_listen_resize(struct sock *sk, int backlog);
void tcpalt_listen_stop(struct sock *sk);
struct sock *tcpalt_listener_rcv(struct sock *sk, struct sk_buff *skb);
bool tcpalt_listener_request_at(struct sock *sk, unsigned int *chain,
				unsigned int *n, struct tcpalt_conns_line *line);

/* request.c: the request cache. */
int tcpalt_request_init(void);
void tcpalt_request_exit(void);

/* acceptq.c */
struct sock *tcpalt_accept(struct sock *sk, int flags, int *err, bool kern);
bool tcpalt_accept_queue_empty(const struct sock *sk);

/* sockopt.c */
int tcpalt_setsockopt(struct sock *sk, int level, int optname,
		      sockptr_t optval, unsigned int optlen);
int tcpalt_getsockopt(struct sock *sk, int level, int optname,
		      char __user *optval, int __user *optlen);
struct tcp_info;
void tcpalt_fill_tcp_info(struct sock *sk, struct tcp_info *ti);

/* diag.c */
int tcpalt_diag_destroy(struct sock *sk, int err);

#endif /* _TCPALT_CONN_H */
