// SPDX-License-Identifier: GPL-2.0
/*
 * The state machine of RFC 9293: Figure 5 and the event processing of
 * section 3.10, one table per event with one entry per state, listed in
 * the order the RFC walks the states.
 *
 * The table is the one authority for a connection socket's life, from
 * SYN-SENT or SYN-RECEIVED to the moment it closes or becomes a
 * TIME-WAIT entry: every change of state in between is a move of this
 * table, made by sm.c.  It covers the eight states a connection socket
 * holds while it lives: SYN-SENT, SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1,
 * FIN-WAIT-2, CLOSE-WAIT, CLOSING and LAST-ACK.  Everything else happens
 * outside it, where the object it happens to is not a connection socket:
 *
 * - CLOSED is no connection at all.  A segment for nobody gets its RST
 *   from the receive path (section 3.10.7.1, input.c), one that waited
 *   on a socket's backlog while the socket closed gets it from
 *   tcpalt_do_rcv(); BSD calls on a closed socket fail, or do nothing,
 *   before the table is asked (sock.c).
 * - connect() (sock.c) takes a closed socket to SYN-SENT itself: the
 *   state is set before the port and the 4-tuple are claimed and hashed
 *   under one lock, and the SYN, whose ISN comes from the 4-tuple, can
 *   only go after.  inet_stream_connect() has refused any socket that
 *   is not closed.
 * - LISTEN is a listener, not a connection: listen() and close() of a
 *   listener set it and clear it (sock.c, conn.c).  A SYN to it makes a
 *   request (request.c), a record of at most 128 bytes that holds the
 *   passive SYN-RECEIVED; a RST for a request drops it, and the
 *   listener, which never left LISTEN, carries on (note 1 of Figure 5).  The final ACK
 *   makes the request a socket born ESTABLISHED (acceptq.c).  So only a
 *   simultaneous open brings a socket to SYN-RECEIVED, and a RST there
 *   refuses it as in SYN-SENT.
 * - TIME-WAIT is a 64-byte entry, not a socket (timewait.c): the move
 *   into it hands the connection over and the socket closes in the same
 *   step, so no socket is ever found in TIME-WAIT.  The entry answers
 *   segments as section 3.10.7.4 asks of TIME-WAIT and ends at 2*MSL.
 * - A socket leaves for CLOSED outside the table only where it is torn
 *   down, not moved: connect(AF_UNSPEC), a failed connect() and
 *   shutdown() in SYN-SENT (tcpalt_disconnect()), close() over the
 *   orphan limit, and a child
 *   never accepted when its listener closes; each resets the peer first
 *   where it is synchronized, as the table's ABORT does.
 *
 * Within the eight states a cell is written out, even where it says
 * "ignore", wherever the module raises the event in that state; a cell
 * left out is an event no caller raises there (state.h), and each table
 * says why.  The unit test holds the whole table, cell by cell.
 *
 * Where RFC 9293 leaves a choice, or where a later RFC or Linux refines
 * it, the entry carries a comment.
 */
#include "state.h"

#ifdef __KERNEL__
/* sk_state is shared with the generic inet code: same numbers. */
static_assert((int)TCPALT_ESTABLISHED == (int)TCP_ESTABLISHED);
static_assert((int)TCPALT_SYN_SENT == (int)TCP_SYN_SENT);
static_assert((int)TCPALT_SYN_RECV == (int)TCP_SYN_RECV);
static_assert((int)TCPALT_FIN_WAIT1 == (int)TCP_FIN_WAIT1);
static_assert((int)TCPALT_FIN_WAIT2 == (int)TCP_FIN_WAIT2);
static_assert((int)TCPALT_TIME_WAIT == (int)TCP_TIME_WAIT);
static_assert((int)TCPALT_CLOSE == (int)TCP_CLOSE);
static_assert((int)TCPALT_CLOSE_WAIT == (int)TCP_CLOSE_WAIT);
static_assert((int)TCPALT_LAST_ACK == (int)TCP_LAST_ACK);
static_assert((int)TCPALT_LISTEN == (int)TCP_LISTEN);
static_assert((int)TCPALT_CLOSING == (int)TCP_CLOSING);
#endif

#define A(act)		TCPALT_ACT_##act
#define MOVE(state, acts) \
	{ .verdict = TCPALT_SM_MOVE, .next = TCPALT_##state, .actions = (acts) }
#define MOVE_ERR(state, e, acts) \
	{ .verdict = TCPALT_SM_MOVE, .next = TCPALT_##state, \
	  .err = TCPALT_SM_ERR_##e, .actions = (acts) }
#define IGNORE		{ .verdict = TCPALT_SM_IGNORE }

/*
 * CLOSE (section 3.10.4): "I have no more to send".  A second CLOSE in
 * FIN-WAIT-1 or -2 may answer "ok" as long as no second FIN goes out; it
 * does, since close() after shutdown(SHUT_WR) is ordinary.  In CLOSING
 * and LAST-ACK the RFC answers "error: connection closing", which BSD's
 * close() cannot return: it succeeds with nothing left to do, as Linux's
 * does.  An orphan in FIN-WAIT-2 is bounded by a timer that close()
 * arms once the socket is orphaned (sock.c).
 */
static const struct tcpalt_sm_entry on_close[TCPALT_NR_STATES] = {
	[TCPALT_SYN_SENT]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_SYN_RECV]	= MOVE(FIN_WAIT1, A(SEND_FIN)),
	[TCPALT_ESTABLISHED]	= MOVE(FIN_WAIT1, A(SEND_FIN)),
	[TCPALT_FIN_WAIT1]	= IGNORE,
	[TCPALT_FIN_WAIT2]	= IGNORE,
	[TCPALT_CLOSE_WAIT]	= MOVE(LAST_ACK, A(SEND_FIN)),
	[TCPALT_CLOSING]	= IGNORE,
	[TCPALT_LAST_ACK]	= IGNORE,
};

/*
 * close() with received data unread: RFC 1122 section 4.2.2.13 asks for a
 * RST "to show that data was lost" (RFC 2525 section 2.17), as ABORT
 * sends, also in CLOSING and LAST-ACK where the peer may still listen.
 */
static const struct tcpalt_sm_entry on_close_unread[TCPALT_NR_STATES] = {
	[TCPALT_SYN_SENT]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_SYN_RECV]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_ESTABLISHED]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_FIN_WAIT1]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_FIN_WAIT2]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_CLOSING]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_LAST_ACK]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
};

/*
 * shutdown(SHUT_WR): the RFC's CLOSE while the socket stays open for
 * reading.  As on Linux, it does nothing once our FIN is out.  SYN-SENT
 * never sees it: inet_shutdown() disconnects a connection still in
 * SYN-SENT instead.
 */
static const struct tcpalt_sm_entry on_shutdown[TCPALT_NR_STATES] = {
	[TCPALT_SYN_RECV]	= MOVE(FIN_WAIT1, A(SEND_FIN)),
	[TCPALT_ESTABLISHED]	= MOVE(FIN_WAIT1, A(SEND_FIN)),
	[TCPALT_FIN_WAIT1]	= IGNORE,
	[TCPALT_FIN_WAIT2]	= IGNORE,
	[TCPALT_CLOSE_WAIT]	= MOVE(LAST_ACK, A(SEND_FIN)),
	[TCPALT_CLOSING]	= IGNORE,
	[TCPALT_LAST_ACK]	= IGNORE,
};

/*
 * ABORT (section 3.10.5): RST only where the peer may still hold state
 * that expects more from us.
 */
static const struct tcpalt_sm_entry on_abort[TCPALT_NR_STATES] = {
	[TCPALT_SYN_SENT]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_SYN_RECV]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_ESTABLISHED]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_FIN_WAIT1]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_FIN_WAIT2]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_CLOSING]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_LAST_ACK]	= MOVE(CLOSE, A(DELETE_TCB)),
};

/*
 * SYN without ACK.  SYN-SENT: simultaneous open.  SYN-RECEIVED: the peer
 * resends its SYN because our SYN,ACK was lost; we resend ours, as Linux
 * does, where the RFC's ACK would leave a peer in SYN-SENT waiting for
 * our retransmission timer.  Any other state answers with a challenge
 * ACK whatever the sequence number (RFC 5961 section 4.2); so does a
 * SYN,ACK there, which the receive path passes as this event.
 */
static const struct tcpalt_sm_entry on_syn[TCPALT_NR_STATES] = {
	[TCPALT_SYN_SENT]	= MOVE(SYN_RECV, A(SEND_SYNACK)),
	[TCPALT_SYN_RECV]	= MOVE(SYN_RECV, A(SEND_SYNACK)),
	[TCPALT_ESTABLISHED]	= MOVE(ESTABLISHED, A(CHALLENGE_ACK)),
	[TCPALT_FIN_WAIT1]	= MOVE(FIN_WAIT1, A(CHALLENGE_ACK)),
	[TCPALT_FIN_WAIT2]	= MOVE(FIN_WAIT2, A(CHALLENGE_ACK)),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE_WAIT, A(CHALLENGE_ACK)),
	[TCPALT_CLOSING]	= MOVE(CLOSING, A(CHALLENGE_ACK)),
	[TCPALT_LAST_ACK]	= MOVE(LAST_ACK, A(CHALLENGE_ACK)),
};

/*
 * SYN,ACK acknowledging our SYN, before the connection is synchronized.
 * In SYN-RECEIVED it is the crossing SYN,ACK of a simultaneous open
 * (Figure 7); the ACK we send is the one the RFC's sequence check would
 * send for it anyway.  Once synchronized, a SYN,ACK is a SYN (on_syn).
 */
static const struct tcpalt_sm_entry on_synack[TCPALT_NR_STATES] = {
	[TCPALT_SYN_SENT]	= MOVE(ESTABLISHED,
				       A(SEND_ACK) | A(NOTIFY_CONNECTED)),
	[TCPALT_SYN_RECV]	= MOVE(ESTABLISHED,
				       A(SEND_ACK) | A(NOTIFY_CONNECTED)),
};

/*
 * ACK of our SYN, in SYN-RECEIVED only (section 3.10.7.4 fifth): in
 * SYN-SENT an ACK without SYN is dropped before the table (section
 * 3.10.7.3 fifth), and later an ACK of the SYN is an ordinary one.
 */
static const struct tcpalt_sm_entry on_ack_syn[TCPALT_NR_STATES] = {
	[TCPALT_SYN_RECV]	= MOVE(ESTABLISHED, A(NOTIFY_CONNECTED)),
};

/*
 * ACK of our FIN (section 3.10.7.4 fifth), in the states that have sent
 * one.  In FIN-WAIT-2 every later ACK still acks the FIN: nothing to do.
 */
static const struct tcpalt_sm_entry on_ack_fin[TCPALT_NR_STATES] = {
	[TCPALT_FIN_WAIT1]	= MOVE(FIN_WAIT2, A(FIN_WAIT2_TIMER)),
	[TCPALT_FIN_WAIT2]	= IGNORE,
	[TCPALT_CLOSING]	= MOVE(TIME_WAIT, A(ENTER_TIMEWAIT)),
	[TCPALT_LAST_ACK]	= MOVE(CLOSE, A(DELETE_TCB)),
};

/*
 * FIN (section 3.10.7.4 eighth), once the data before it is in.  Not
 * processed in SYN-SENT, where SEG.SEQ cannot be validated.  The RFC's
 * SYN-RECEIVED to CLOSE-WAIT is not here: a segment without ACK is
 * dropped there, and the ACK of one with it (taken first) establishes
 * the connection.  A repeated FIN is acknowledged again.
 */
static const struct tcpalt_sm_entry on_fin[TCPALT_NR_STATES] = {
	[TCPALT_ESTABLISHED]	= MOVE(CLOSE_WAIT, A(SEND_ACK) | A(NOTIFY_EOF)),
	[TCPALT_FIN_WAIT1]	= MOVE(CLOSING, A(SEND_ACK) | A(NOTIFY_EOF)),
	[TCPALT_FIN_WAIT2]	= MOVE(TIME_WAIT, A(SEND_ACK) | A(NOTIFY_EOF) |
				       A(ENTER_TIMEWAIT)),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE_WAIT, A(SEND_ACK)),
	[TCPALT_CLOSING]	= MOVE(CLOSING, A(SEND_ACK)),
	[TCPALT_LAST_ACK]	= MOVE(LAST_ACK, A(SEND_ACK)),
};

/*
 * Acceptable RST (sections 3.10.7.3 and 3.10.7.4, RFC 5961 section 3):
 * refused before synchronization, reset after, quietly closed once the
 * user has nothing outstanding (CLOSING, LAST-ACK).  SYN-RECEIVED is an
 * active open's (a passive one's is a request: see the top of this
 * file), so the RST refuses it.  A RST is never answered with a RST.
 */
static const struct tcpalt_sm_entry on_rst[TCPALT_NR_STATES] = {
	[TCPALT_SYN_SENT]	= MOVE_ERR(CLOSE, REFUSED, A(DELETE_TCB)),
	[TCPALT_SYN_RECV]	= MOVE_ERR(CLOSE, REFUSED, A(DELETE_TCB)),
	[TCPALT_ESTABLISHED]	= MOVE_ERR(CLOSE, RESET, A(DELETE_TCB)),
	[TCPALT_FIN_WAIT1]	= MOVE_ERR(CLOSE, RESET, A(DELETE_TCB)),
	[TCPALT_FIN_WAIT2]	= MOVE_ERR(CLOSE, RESET, A(DELETE_TCB)),
	[TCPALT_CLOSE_WAIT]	= MOVE_ERR(CLOSE, RESET, A(DELETE_TCB)),
	[TCPALT_CLOSING]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_LAST_ACK]	= MOVE(CLOSE, A(DELETE_TCB)),
};

/*
 * RST inside the window but not at RCV.NXT (RFC 5961 section 3.2): the
 * true peer answers our challenge ACK with an exact RST, a blind attacker
 * cannot.  SYN-SENT validates a RST by its ACK instead, so it never sees
 * this.
 */
static const struct tcpalt_sm_entry on_rst_challenge[TCPALT_NR_STATES] = {
	[TCPALT_SYN_RECV]	= MOVE(SYN_RECV, A(CHALLENGE_ACK)),
	[TCPALT_ESTABLISHED]	= MOVE(ESTABLISHED, A(CHALLENGE_ACK)),
	[TCPALT_FIN_WAIT1]	= MOVE(FIN_WAIT1, A(CHALLENGE_ACK)),
	[TCPALT_FIN_WAIT2]	= MOVE(FIN_WAIT2, A(CHALLENGE_ACK)),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE_WAIT, A(CHALLENGE_ACK)),
	[TCPALT_CLOSING]	= MOVE(CLOSING, A(CHALLENGE_ACK)),
	[TCPALT_LAST_ACK]	= MOVE(LAST_ACK, A(CHALLENGE_ACK)),
};

/*
 * Unacceptable ACK field.  Before synchronization the peer has the wrong
 * idea of the connection, so it gets a RST <SEQ=SEG.ACK><CTL=RST> and our
 * state stays (sections 3.10.7.3 and 3.10.7.4); after, an ACK tells it
 * where we are (section 3.10.7.4 fifth, RFC 5961 section 5.2).
 */
static const struct tcpalt_sm_entry on_bad_ack[TCPALT_NR_STATES] = {
	[TCPALT_SYN_SENT]	= MOVE(SYN_SENT, A(REPLY_RST)),
	[TCPALT_SYN_RECV]	= MOVE(SYN_RECV, A(REPLY_RST)),
	[TCPALT_ESTABLISHED]	= MOVE(ESTABLISHED, A(CHALLENGE_ACK)),
	[TCPALT_FIN_WAIT1]	= MOVE(FIN_WAIT1, A(CHALLENGE_ACK)),
	[TCPALT_FIN_WAIT2]	= MOVE(FIN_WAIT2, A(CHALLENGE_ACK)),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE_WAIT, A(CHALLENGE_ACK)),
	[TCPALT_CLOSING]	= MOVE(CLOSING, A(CHALLENGE_ACK)),
	[TCPALT_LAST_ACK]	= MOVE(LAST_ACK, A(CHALLENGE_ACK)),
};

/*
 * New data after the user closed, in the states that still take data:
 * in FIN-WAIT-1 or -2 nobody will read it, and RFC 1122 section
 * 4.2.2.13 asks for a RST to tell the peer so (Linux counts it as
 * TCPAbortOnData).  A closed socket is never ESTABLISHED (close() moves
 * it on); were it so, the data would only be dropped.
 */
static const struct tcpalt_sm_entry on_data_after_close[TCPALT_NR_STATES] = {
	[TCPALT_ESTABLISHED]	= IGNORE,
	[TCPALT_FIN_WAIT1]	= MOVE_ERR(CLOSE, RESET,
					   A(REPLY_RST) | A(DELETE_TCB)),
	[TCPALT_FIN_WAIT2]	= MOVE_ERR(CLOSE, RESET,
					   A(REPLY_RST) | A(DELETE_TCB)),
};

/*
 * Retransmission or user timeout (section 3.10.8): close without a RST
 * (the peer is not answering) and tell the user.  FIN-WAIT-2 has nothing
 * left to retransmit: the ACK of our FIN stopped the timer.
 */
static const struct tcpalt_sm_entry on_rtx_timeout[TCPALT_NR_STATES] = {
	[TCPALT_SYN_SENT]	= MOVE_ERR(CLOSE, TIMEOUT, A(DELETE_TCB)),
	[TCPALT_SYN_RECV]	= MOVE_ERR(CLOSE, TIMEOUT, A(DELETE_TCB)),
	[TCPALT_ESTABLISHED]	= MOVE_ERR(CLOSE, TIMEOUT, A(DELETE_TCB)),
	[TCPALT_FIN_WAIT1]	= MOVE_ERR(CLOSE, TIMEOUT, A(DELETE_TCB)),
	[TCPALT_CLOSE_WAIT]	= MOVE_ERR(CLOSE, TIMEOUT, A(DELETE_TCB)),
	[TCPALT_CLOSING]	= MOVE_ERR(CLOSE, TIMEOUT, A(DELETE_TCB)),
	[TCPALT_LAST_ACK]	= MOVE_ERR(CLOSE, TIMEOUT, A(DELETE_TCB)),
};

/*
 * The FIN-WAIT-2 timer is not in the RFC: it stops a peer that never
 * closes from holding an orphaned connection forever.  The RST tells a
 * peer that is alive but slow that its half is gone too, as Linux's does.
 */
static const struct tcpalt_sm_entry on_fin_wait2_timeout[TCPALT_NR_STATES] = {
	[TCPALT_FIN_WAIT2]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
};

/*
 * Keep-alive probes unanswered (RFC 1122 section 4.2.3.6 leaves the end
 * to the implementation): a RST in case the peer is alive but lost its
 * way back, and ETIMEDOUT to the user, as Linux does.  Keep-alives run
 * in the states keepalive.c names, as Linux's do.
 */
static const struct tcpalt_sm_entry on_keepalive_timeout[TCPALT_NR_STATES] = {
	[TCPALT_ESTABLISHED]	= MOVE_ERR(CLOSE, TIMEOUT,
					   A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_FIN_WAIT1]	= MOVE_ERR(CLOSE, TIMEOUT,
					   A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_FIN_WAIT2]	= MOVE_ERR(CLOSE, TIMEOUT,
					   A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_CLOSE_WAIT]	= MOVE_ERR(CLOSE, TIMEOUT,
					   A(SEND_RST) | A(DELETE_TCB)),
};

static const struct tcpalt_sm_entry *const sm_table[TCPALT_NR_EVENTS] = {
	[TCPALT_EV_CLOSE]		= on_close,
	[TCPALT_EV_CLOSE_UNREAD]	= on_close_unread,
	[TCPALT_EV_SHUTDOWN]		= on_shutdown,
	[TCPALT_EV_ABORT]		= on_abort,
	[TCPALT_EV_SYN]			= on_syn,
	[TCPALT_EV_SYNACK]		= on_synack,
	[TCPALT_EV_ACK_SYN]		= on_ack_syn,
	[TCPALT_EV_ACK_FIN]		= on_ack_fin,
	[TCPALT_EV_FIN]			= on_fin,
	[TCPALT_EV_RST]			= on_rst,
	[TCPALT_EV_RST_CHALLENGE]	= on_rst_challenge,
	[TCPALT_EV_BAD_ACK]		= on_bad_ack,
	[TCPALT_EV_DATA_AFTER_CLOSE]	= on_data_after_close,
	[TCPALT_EV_RTX_TIMEOUT]		= on_rtx_timeout,
	[TCPALT_EV_FIN_WAIT2_TIMEOUT]	= on_fin_wait2_timeout,
	[TCPALT_EV_KEEPALIVE_TIMEOUT]	= on_keepalive_timeout,
};

static const struct tcpalt_sm_entry sm_gap = { .verdict = TCPALT_SM_GAP };

const struct tcpalt_sm_entry *tcpalt_sm_lookup(enum tcpalt_state state,
					       enum tcpalt_event event)
{
	if (state < TCPALT_ESTABLISHED || state >= TCPALT_NR_STATES ||
	    event >= TCPALT_NR_EVENTS || !sm_table[event])
		return &sm_gap;
	return &sm_table[event][state];
}

static const char *const state_names[TCPALT_NR_STATES] = {
	[TCPALT_ESTABLISHED]	= "ESTABLISHED",
	[TCPALT_SYN_SENT]	= "SYN-SENT",
	[TCPALT_SYN_RECV]	= "SYN-RECEIVED",
	[TCPALT_FIN_WAIT1]	= "FIN-WAIT-1",
	[TCPALT_FIN_WAIT2]	= "FIN-WAIT-2",
	[TCPALT_TIME_WAIT]	= "TIME-WAIT",
	[TCPALT_CLOSE]		= "CLOSED",
	[TCPALT_CLOSE_WAIT]	= "CLOSE-WAIT",
	[TCPALT_LAST_ACK]	= "LAST-ACK",
	[TCPALT_LISTEN]		= "LISTEN",
	[TCPALT_CLOSING]	= "CLOSING",
};

const char *tcpalt_state_name(enum tcpalt_state state)
{
	if (state < TCPALT_ESTABLISHED || state >= TCPALT_NR_STATES)
		return "UNKNOWN";
	return state_names[state];
}

static const char *const event_names[TCPALT_NR_EVENTS] = {
	[TCPALT_EV_CLOSE]		= "CLOSE",
	[TCPALT_EV_CLOSE_UNREAD]	= "CLOSE_UNREAD",
	[TCPALT_EV_SHUTDOWN]		= "SHUTDOWN",
	[TCPALT_EV_ABORT]		= "ABORT",
	[TCPALT_EV_SYN]			= "SYN",
	[TCPALT_EV_SYNACK]		= "SYNACK",
	[TCPALT_EV_ACK_SYN]		= "ACK_SYN",
	[TCPALT_EV_ACK_FIN]		= "ACK_FIN",
	[TCPALT_EV_FIN]			= "FIN",
	[TCPALT_EV_RST]			= "RST",
	[TCPALT_EV_RST_CHALLENGE]	= "RST_CHALLENGE",
	[TCPALT_EV_BAD_ACK]		= "BAD_ACK",
	[TCPALT_EV_DATA_AFTER_CLOSE]	= "DATA_AFTER_CLOSE",
	[TCPALT_EV_RTX_TIMEOUT]		= "RTX_TIMEOUT",
	[TCPALT_EV_FIN_WAIT2_TIMEOUT]	= "FIN_WAIT2_TIMEOUT",
	[TCPALT_EV_KEEPALIVE_TIMEOUT]	= "KEEPALIVE_TIMEOUT",
};

const char *tcpalt_event_name(enum tcpalt_event event)
{
	if (event >= TCPALT_NR_EVENTS || !event_names[event])
		return "UNKNOWN";
	return event_names[event];
}
