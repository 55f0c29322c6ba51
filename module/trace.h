/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the tcpalt system: state changes, retransmissions, RSTs
 * sent and received, SYN cookies, the TIME-WAIT reaper, and a probe per
 * ACK like tcp:tcp_probe.  s is our end and d the peer's; addresses are
 * stored as bytes, as tcp.h's are (sparse takes no __be32 field), and
 * ports in host order, for filters.  Each costs a patched-out branch
 * while it is disabled.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM tcpalt

#if !defined(_TCPALT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TCPALT_TRACE_H

#include <linux/tracepoint.h>
#include <net/inet_sock.h>

#include "conn.h"

#define tcpalt_show_state(state)					\
	__print_symbolic(state,						\
			 { TCP_ESTABLISHED, "ESTABLISHED" },		\
			 { TCP_SYN_SENT, "SYN-SENT" },			\
			 { TCP_SYN_RECV, "SYN-RECEIVED" },		\
			 { TCP_FIN_WAIT1, "FIN-WAIT-1" },		\
			 { TCP_FIN_WAIT2, "FIN-WAIT-2" },		\
			 { TCP_TIME_WAIT, "TIME-WAIT" },		\
			 { TCP_CLOSE, "CLOSED" },			\
			 { TCP_CLOSE_WAIT, "CLOSE-WAIT" },		\
			 { TCP_LAST_ACK, "LAST-ACK" },			\
			 { TCP_LISTEN, "LISTEN" },			\
			 { TCP_CLOSING, "CLOSING" })

/* One 4-tuple: a request's, or a segment's without a socket. */
DECLARE_EVENT_CLASS(tcpalt_flow,

	TP_PROTO(__be32 saddr, __be16 sport, __be32 daddr, __be16 dport),

	TP_ARGS(saddr, sport, daddr, dport),

	TP_STRUCT__entry(
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
	),

	TP_fast_assign(
		memcpy(__entry->saddr, &saddr, 4);
		memcpy(__entry->daddr, &daddr, 4);
		__entry->sport = ntohs(sport);
		__entry->dport = ntohs(dport);
	),

	TP_printk("saddr=%pI4 sport=%hu daddr=%pI4 dport=%hu",
		  __entry->saddr, __entry->sport, __entry->daddr,
		  __entry->dport)
);

/* A RST we sent, from saddr:sport, ours, to daddr:dport. */
DEFINE_EVENT(tcpalt_flow, tcpalt_send_reset,

	TP_PROTO(__be32 saddr, __be16 sport, __be32 daddr, __be16 dport),

	TP_ARGS(saddr, sport, daddr, dport)
);

/* An acceptable RST that ended a request or a connection. */
DEFINE_EVENT(tcpalt_flow, tcpalt_receive_reset,

	TP_PROTO(__be32 saddr, __be16 sport, __be32 daddr, __be16 dport),

	TP_ARGS(saddr, sport, daddr, dport)
);

/* A request's SYN,ACK sent again. */
DEFINE_EVENT(tcpalt_flow, tcpalt_retransmit_synack,

	TP_PROTO(__be32 saddr, __be16 sport, __be32 daddr, __be16 dport),

	TP_ARGS(saddr, sport, daddr, dport)
);

/* A SYN,ACK carrying a SYN cookie instead of a request. */
DEFINE_EVENT(tcpalt_flow, tcpalt_syncookie_send,

	TP_PROTO(__be32 saddr, __be16 sport, __be32 daddr, __be16 dport),

	TP_ARGS(saddr, sport, daddr, dport)
);

/* An ACK checked as the answer to a SYN cookie: valid, or not. */
TRACE_EVENT(tcpalt_syncookie_check,

	TP_PROTO(__be32 saddr, __be16 sport, __be32 daddr, __be16 dport,
		 bool valid),

	TP_ARGS(saddr, sport, daddr, dport, valid),

	TP_STRUCT__entry(
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(bool, valid)
	),

	TP_fast_assign(
		memcpy(__entry->saddr, &saddr, 4);
		memcpy(__entry->daddr, &daddr, 4);
		__entry->sport = ntohs(sport);
		__entry->dport = ntohs(dport);
		__entry->valid = valid;
	),

	TP_printk("saddr=%pI4 sport=%hu daddr=%pI4 dport=%hu valid=%d",
		  __entry->saddr, __entry->sport, __entry->daddr,
		  __entry->dport, __entry->valid)
);

/* sk_state going from oldstate to newstate. */
TRACE_EVENT(tcpalt_set_state,

	TP_PROTO(const struct sock *sk, int oldstate, int newstate),

	TP_ARGS(sk, oldstate, newstate),

	TP_STRUCT__entry(
		__field(const void *, skaddr)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(int, oldstate)
		__field(int, newstate)
	),

	TP_fast_assign(
		const struct inet_sock *inet = inet_sk(sk);

		__entry->skaddr = sk;
		memcpy(__entry->saddr, &inet->inet_rcv_saddr, 4);
		memcpy(__entry->daddr, &inet->inet_daddr, 4);
		__entry->sport = ntohs(inet->inet_sport);
		__entry->dport = ntohs(inet->inet_dport);
		__entry->oldstate = oldstate;
		__entry->newstate = newstate;
	),

	TP_printk("saddr=%pI4 sport=%hu daddr=%pI4 dport=%hu oldstate=%s newstate=%s",
		  __entry->saddr, __entry->sport, __entry->daddr,
		  __entry->dport, tcpalt_show_state(__entry->oldstate),
		  tcpalt_show_state(__entry->newstate))
);

/* seq..end_seq sent again: a SYN, data or a FIN. */
TRACE_EVENT(tcpalt_retransmit,

	TP_PROTO(const struct sock *sk, u32 seq, u32 end_seq),

	TP_ARGS(sk, seq, end_seq),

	TP_STRUCT__entry(
		__field(const void *, skaddr)
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(int, state)
		__field(__u32, seq)
		__field(__u32, end_seq)
	),

	TP_fast_assign(
		const struct inet_sock *inet = inet_sk(sk);

		__entry->skaddr = sk;
		memcpy(__entry->saddr, &inet->inet_rcv_saddr, 4);
		memcpy(__entry->daddr, &inet->inet_daddr, 4);
		__entry->sport = ntohs(inet->inet_sport);
		__entry->dport = ntohs(inet->inet_dport);
		__entry->state = sk->sk_state;
		__entry->seq = seq;
		__entry->end_seq = end_seq;
	),

	TP_printk("saddr=%pI4 sport=%hu daddr=%pI4 dport=%hu state=%s seq=%u end_seq=%u",
		  __entry->saddr, __entry->sport, __entry->daddr,
		  __entry->dport, tcpalt_show_state(__entry->state),
		  __entry->seq, __entry->end_seq)
);

/*
 * A namespace's TIME-WAIT reaper ran: the entries it reaped, and those
 * still live.
 */
TRACE_EVENT(tcpalt_tw_reap,

	TP_PROTO(unsigned int reaped, unsigned int live),

	TP_ARGS(reaped, live),

	TP_STRUCT__entry(
		__field(unsigned int, reaped)
		__field(unsigned int, live)
	),

	TP_fast_assign(
		__entry->reaped = reaped;
		__entry->live = live;
	),

	TP_printk("reaped=%u live=%u", __entry->reaped, __entry->live)
);

/* After each acceptable ACK: what tcp:tcp_probe shows of TCP. */
TRACE_EVENT(tcpalt_probe,

	TP_PROTO(const struct sock *sk),

	TP_ARGS(sk),

	TP_STRUCT__entry(
		__array(__u8, saddr, 4)
		__array(__u8, daddr, 4)
		__field(__u16, sport)
		__field(__u16, dport)
		__field(__u32, snd_nxt)
		__field(__u32, snd_una)
		__field(__u32, snd_cwnd)
		__field(__u32, ssthresh)
		__field(__u32, snd_wnd)
		__field(__u32, srtt)
		__field(__u32, rcv_wnd)
	),

	TP_fast_assign(
		const struct tcpalt_sock *tp = tcpalt_sk(sk);
		const struct inet_sock *inet = inet_sk(sk);

		memcpy(__entry->saddr, &inet->inet_rcv_saddr, 4);
		memcpy(__entry->daddr, &inet->inet_daddr, 4);
		__entry->sport = ntohs(inet->inet_sport);
		__entry->dport = ntohs(inet->inet_dport);
		__entry->snd_nxt = tp->snd_nxt;
		__entry->snd_una = tp->snd_una;
		__entry->snd_cwnd = tp->cwnd;
		__entry->ssthresh = tp->ssthresh;
		__entry->snd_wnd = tp->snd_wnd;
		__entry->srtt = tp->rto.srtt8 >> 3;
		__entry->rcv_wnd = tp->rcv_wnd;
	),

	TP_printk("saddr=%pI4 sport=%hu daddr=%pI4 dport=%hu snd_nxt=%#x snd_una=%#x snd_cwnd=%u ssthresh=%u snd_wnd=%u srtt=%u rcv_wnd=%u",
		  __entry->saddr, __entry->sport, __entry->daddr,
		  __entry->dport, __entry->snd_nxt, __entry->snd_una,
		  __entry->snd_cwnd, __entry->ssthresh, __entry->snd_wnd,
		  __entry->srtt, __entry->rcv_wnd)
);

#endif /* _TCPALT_TRACE_H */

/* This part must be outside the include guard: the module is out of tree. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
