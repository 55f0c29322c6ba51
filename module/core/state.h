/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection states of RFC 9293 section 3.3.2 and the state machine
 * that moves between them, written as a table in the manner of SCTP's
 * net/sctp/sm_statetable.c: one entry per (state, event) saying where the
 * connection goes and what the caller must do on the way.
 *
 * The table covers a connection socket from SYN-SENT to its end; which
 * transitions live outside it, and why, state.c says.
 *
 * The table decides nothing about sequence numbers.  The caller classifies
 * each segment first (accept.h: acceptability, RST and ACK checks) and
 * hands the table the event the classification names; the table answers
 * with the transition and the actions.
 */
#ifndef _TCPALT_CORE_STATE_H
#define _TCPALT_CORE_STATE_H

#include "compat.h"

/*
 * sk_state holds these values, and the generic inet code reads sk_state,
 * so each MUST equal the kernel's TCP_* of <net/tcp_states.h>.  state.c
 * checks that at compile time in the module build; the unit test checks
 * it against the C library's copy of the same numbers.
 */
enum tcpalt_state {
	TCPALT_ESTABLISHED = 1,
	TCPALT_SYN_SENT,
	TCPALT_SYN_RECV,
	TCPALT_FIN_WAIT1,
	TCPALT_FIN_WAIT2,
	TCPALT_TIME_WAIT,
	TCPALT_CLOSE,
	TCPALT_CLOSE_WAIT,
	TCPALT_LAST_ACK,
	TCPALT_LISTEN,
	TCPALT_CLOSING,

	TCPALT_NR_STATES	/* one past the last; 0 is no state */
};

/*
 * What happens to a connection.  User calls come from the socket layer;
 * segment events come from the receive path after the checks of accept.h
 * have classified the segment; timer events come from the timers.
 *
 * One segment may name two events, taken in the order of RFC 9293
 * section 3.10.7.4: its ACK (TCPALT_EV_ACK_SYN, TCPALT_EV_ACK_FIN), then
 * its FIN.  A FIN that also acks our FIN so takes FIN-WAIT-1 through
 * FIN-WAIT-2 to TIME-WAIT in one segment, as note 2 of Figure 5 does.
 *
 * Only the events the module raises are here.  The RFC's OPEN calls and
 * SEND are not: BSD's connect(), listen() and send() check their own
 * preconditions (inet_stream_connect()'s EISCONN and EALREADY, a send()
 * before the handshake waiting in sk_stream_wait_connect()), and the
 * states they start are outside the table (state.c).  Nor is the end of
 * 2*MSL, which a TIME-WAIT entry keeps without a socket (timewait.c).
 */
enum tcpalt_event {
	/* User calls, RFC 9293 section 3.10.4 and 3.10.5. */
	TCPALT_EV_CLOSE,	/* close() with nothing left unread */
	TCPALT_EV_CLOSE_UNREAD,	/* close() with received data unread */
	TCPALT_EV_SHUTDOWN,	/* shutdown(SHUT_WR) */
	TCPALT_EV_ABORT,	/* ABORT; also SO_LINGER with zero time */

	/* Segment arrivals, RFC 9293 section 3.10.7. */
	TCPALT_EV_SYN,		/* SYN without ACK */
	TCPALT_EV_SYNACK,	/* SYN,ACK whose ACK acknowledges our SYN */
	TCPALT_EV_ACK_SYN,	/* ACK acknowledging our SYN */
	TCPALT_EV_ACK_FIN,	/* ACK acknowledging our FIN */
	TCPALT_EV_FIN,		/* FIN, reached in sequence */
	TCPALT_EV_RST,		/* acceptable RST */
	TCPALT_EV_RST_CHALLENGE, /* RST in the window, not at RCV.NXT */
	TCPALT_EV_BAD_ACK,	/* ACK field not acceptable */
	TCPALT_EV_DATA_AFTER_CLOSE,	/* new data, the user having closed */

	/* Timers. */
	TCPALT_EV_RTX_TIMEOUT,	/* retransmissions or user timeout spent */
	TCPALT_EV_FIN_WAIT2_TIMEOUT,
	TCPALT_EV_KEEPALIVE_TIMEOUT,	/* keepalive probes spent */

	TCPALT_NR_EVENTS
};

/*
 * A cell of the table says MOVE or IGNORE.  There is no error verdict:
 * the user calls that reach the table (close(), shutdown()) cannot fail,
 * and the socket layer refuses the others before the table is asked.  A
 * cell left out (TCPALT_SM_GAP) is an event the module never raises in
 * that state: reaching one is a bug in the caller, never something a
 * peer can bring about, and sm.c warns.
 */
enum tcpalt_sm_verdict {
	TCPALT_SM_GAP,		/* no such cell: a caller's bug */
	TCPALT_SM_MOVE,		/* go to next (maybe the same state) */
	TCPALT_SM_IGNORE,	/* no effect: drop the segment, let the
				 * timer lapse, the call succeeds
				 */
};

/*
 * The error conditions of RFC 9293 section 3.10 that end a connection;
 * sm.c turns them into the errno the socket reports.
 */
enum tcpalt_sm_err {
	TCPALT_SM_OK,
	TCPALT_SM_ERR_REFUSED,	/* "connection refused": ECONNREFUSED */
	TCPALT_SM_ERR_RESET,	/* "connection reset": ECONNRESET */
	TCPALT_SM_ERR_TIMEOUT,	/* "connection aborted due to user
				 * timeout": ETIMEDOUT
				 */
};

/*
 * The actions of a move.  sm.c performs them in this order: send
 * segments, arm the FIN-WAIT-2 timer, set the new state, notify the user
 * and report err, then hand the connection to a TIME-WAIT entry or
 * delete the TCB, which is what sets CLOSED.  Segments go out before the state changes because
 * what they carry (the FIN's sequence number, the RST's) is the old
 * state's; the user is woken after, so that it sees the new one.
 */
#define TCPALT_ACT_SEND_SYNACK		0x0001	/* (re)send our SYN,ACK */
#define TCPALT_ACT_SEND_ACK		0x0002
/* An ACK, rate limited as RFC 5961 section 7 asks. */
#define TCPALT_ACT_CHALLENGE_ACK	0x0004
#define TCPALT_ACT_SEND_FIN		0x0008	/* queue FIN after the data */
#define TCPALT_ACT_SEND_RST		0x0010	/* <SEQ=SND.NXT><CTL=RST> */
/* The RST answering the segment: RFC 9293 section 3.10.7.1. */
#define TCPALT_ACT_REPLY_RST		0x0020
/* Arm the FIN-WAIT-2 timer, if the user has closed the socket. */
#define TCPALT_ACT_FIN_WAIT2_TIMER	0x0040
/* Wake connect(): an active open is established. */
#define TCPALT_ACT_NOTIFY_CONNECTED	0x0080
#define TCPALT_ACT_NOTIFY_EOF		0x0100	/* reader sees end of data */
/* A TIME-WAIT entry takes over for 2*MSL; the socket is done. */
#define TCPALT_ACT_ENTER_TIMEWAIT	0x0200
#define TCPALT_ACT_DELETE_TCB		0x0400

struct tcpalt_sm_entry {
	u8 verdict;		/* enum tcpalt_sm_verdict */
	u8 next;		/* enum tcpalt_state, for TCPALT_SM_MOVE */
	u8 err;			/* enum tcpalt_sm_err */
	u16 actions;		/* TCPALT_ACT_* */
};

/*
 * The entry for an event in a state; never NULL.  A state the table does
 * not cover, or a state or event out of range, gets a TCPALT_SM_GAP
 * entry, as a cell left out does.
 */
const struct tcpalt_sm_entry *tcpalt_sm_lookup(enum tcpalt_state state,
					       enum tcpalt_event event);

/* The RFC 9293 name of a state, as procfs shows it. */
const char *tcpalt_state_name(enum tcpalt_state state);

/* The name of an event, for debugging output. */
const char *tcpalt_event_name(enum tcpalt_event event);

/*
 * RFC 9293 section 3.3.2: synchronized means the handshake has completed,
 * ESTABLISHED and every state after it.
 */
static inline bool tcpalt_state_synchronized(enum tcpalt_state state)
{
	switch (state) {
	case TCPALT_ESTABLISHED:
	case TCPALT_FIN_WAIT1:
	case TCPALT_FIN_WAIT2:
	case TCPALT_CLOSE_WAIT:
	case TCPALT_CLOSING:
	case TCPALT_LAST_ACK:
	case TCPALT_TIME_WAIT:
		return true;
	default:
		return false;
	}
}

#endif /* _TCPALT_CORE_STATE_H */
