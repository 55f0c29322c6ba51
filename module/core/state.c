// SPDX-License-Identifier: GPL-2.0
/*
 * The state machine of RFC 9293: Figure 5 and the event processing of
 * section 3.10, one table per event with one entry per state, listed in
 * the order the RFC walks the states.  Every entry is written out, even
 * where it says "ignore", so the test can tell a decision from a gap.
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
#define FAIL(e)		{ .verdict = TCPALT_SM_ERROR, .err = TCPALT_SM_ERR_##e }

/*
 * OPEN, active (RFC 9293 section 3.10.1).  From LISTEN the RFC lets an
 * OPEN naming the foreign socket turn the connection active.
 */
static const struct tcpalt_sm_entry on_connect[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= MOVE(SYN_SENT, A(SEND_SYN)),
	[TCPALT_LISTEN]		= MOVE(SYN_SENT, A(SEND_SYN)),
	[TCPALT_SYN_SENT]	= FAIL(EXISTS),
	[TCPALT_SYN_RECV]	= FAIL(EXISTS),
	[TCPALT_ESTABLISHED]	= FAIL(EXISTS),
	[TCPALT_FIN_WAIT1]	= FAIL(EXISTS),
	[TCPALT_FIN_WAIT2]	= FAIL(EXISTS),
	[TCPALT_CLOSE_WAIT]	= FAIL(EXISTS),
	[TCPALT_CLOSING]	= FAIL(EXISTS),
	[TCPALT_LAST_ACK]	= FAIL(EXISTS),
	[TCPALT_TIME_WAIT]	= FAIL(EXISTS),
};

/* OPEN, passive.  listen() again on a listener only resizes its queue. */
static const struct tcpalt_sm_entry on_listen[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= MOVE(LISTEN, 0),
	[TCPALT_LISTEN]		= IGNORE,
	[TCPALT_SYN_SENT]	= FAIL(EXISTS),
	[TCPALT_SYN_RECV]	= FAIL(EXISTS),
	[TCPALT_ESTABLISHED]	= FAIL(EXISTS),
	[TCPALT_FIN_WAIT1]	= FAIL(EXISTS),
	[TCPALT_FIN_WAIT2]	= FAIL(EXISTS),
	[TCPALT_CLOSE_WAIT]	= FAIL(EXISTS),
	[TCPALT_CLOSING]	= FAIL(EXISTS),
	[TCPALT_LAST_ACK]	= FAIL(EXISTS),
	[TCPALT_TIME_WAIT]	= FAIL(EXISTS),
};

/*
 * SEND (section 3.10.2).  The LISTEN entry is Figure 5's "SEND / snd SYN",
 * which the RFC allows only when the SEND names a foreign socket; a BSD
 * listener never has one, so the socket layer fails send() on a listener
 * before it gets here.
 */
static const struct tcpalt_sm_entry on_send[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= FAIL(NOCONN),
	[TCPALT_LISTEN]		= MOVE(SYN_SENT, A(SEND_SYN) | A(QUEUE_DATA)),
	[TCPALT_SYN_SENT]	= MOVE(SYN_SENT, A(QUEUE_DATA)),
	[TCPALT_SYN_RECV]	= MOVE(SYN_RECV, A(QUEUE_DATA)),
	[TCPALT_ESTABLISHED]	= MOVE(ESTABLISHED, A(QUEUE_DATA)),
	[TCPALT_FIN_WAIT1]	= FAIL(CLOSING),
	[TCPALT_FIN_WAIT2]	= FAIL(CLOSING),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE_WAIT, A(QUEUE_DATA)),
	[TCPALT_CLOSING]	= FAIL(CLOSING),
	[TCPALT_LAST_ACK]	= FAIL(CLOSING),
	[TCPALT_TIME_WAIT]	= FAIL(CLOSING),
};

/*
 * CLOSE (section 3.10.4): "I have no more to send".  A second CLOSE in
 * FIN-WAIT-1 or -2 may answer "ok" as long as no second FIN goes out; it
 * does, since close() after shutdown(SHUT_WR) is ordinary.  Once the user
 * has closed, nothing bounds FIN-WAIT-2 but our own timer (as Linux's
 * tcp_fin_timeout), hence the timer here and on the ACK of our FIN.
 */
static const struct tcpalt_sm_entry on_close[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= FAIL(NOCONN),
	[TCPALT_LISTEN]		= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_SYN_SENT]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_SYN_RECV]	= MOVE(FIN_WAIT1, A(SEND_FIN)),
	[TCPALT_ESTABLISHED]	= MOVE(FIN_WAIT1, A(SEND_FIN)),
	[TCPALT_FIN_WAIT1]	= IGNORE,
	[TCPALT_FIN_WAIT2]	= MOVE(FIN_WAIT2, A(FIN_WAIT2_TIMER)),
	[TCPALT_CLOSE_WAIT]	= MOVE(LAST_ACK, A(SEND_FIN)),
	[TCPALT_CLOSING]	= FAIL(CLOSING),
	[TCPALT_LAST_ACK]	= FAIL(CLOSING),
	[TCPALT_TIME_WAIT]	= FAIL(CLOSING),
};

/*
 * close() with received data unread: RFC 1122 section 4.2.2.13 asks for a
 * RST "to show that data was lost" (RFC 2525 section 2.17), as ABORT
 * sends, also in CLOSING and LAST-ACK where the peer may still listen.
 * In TIME-WAIT both FINs are acknowledged and nobody is left to tell, so
 * it is a plain CLOSE and TIME-WAIT runs its course.
 */
static const struct tcpalt_sm_entry on_close_unread[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= FAIL(NOCONN),
	[TCPALT_LISTEN]		= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_SYN_SENT]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_SYN_RECV]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_ESTABLISHED]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_FIN_WAIT1]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_FIN_WAIT2]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_CLOSING]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_LAST_ACK]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_TIME_WAIT]	= FAIL(CLOSING),
};

/*
 * shutdown(SHUT_WR): the RFC's CLOSE while the socket stays open for
 * reading.  As on Linux, it does nothing on a listener or once our FIN is
 * out, and gives up a connection still in SYN-SENT.
 */
static const struct tcpalt_sm_entry on_shutdown[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= FAIL(NOCONN),
	[TCPALT_LISTEN]		= IGNORE,
	[TCPALT_SYN_SENT]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_SYN_RECV]	= MOVE(FIN_WAIT1, A(SEND_FIN)),
	[TCPALT_ESTABLISHED]	= MOVE(FIN_WAIT1, A(SEND_FIN)),
	[TCPALT_FIN_WAIT1]	= IGNORE,
	[TCPALT_FIN_WAIT2]	= IGNORE,
	[TCPALT_CLOSE_WAIT]	= MOVE(LAST_ACK, A(SEND_FIN)),
	[TCPALT_CLOSING]	= IGNORE,
	[TCPALT_LAST_ACK]	= IGNORE,
	[TCPALT_TIME_WAIT]	= IGNORE,
};

/*
 * ABORT (section 3.10.5): RST only where the peer may still hold state
 * that expects more from us.  Note 3 of Figure 5 lets an abort go through
 * TIME-WAIT; Linux closes at once, and so do we.
 */
static const struct tcpalt_sm_entry on_abort[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= FAIL(NOCONN),
	[TCPALT_LISTEN]		= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_SYN_SENT]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_SYN_RECV]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_ESTABLISHED]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_FIN_WAIT1]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_FIN_WAIT2]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_CLOSING]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_LAST_ACK]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_TIME_WAIT]	= MOVE(CLOSE, A(DELETE_TCB)),
};

/*
 * SYN without ACK.  LISTEN: section 3.10.7.2 third; the next state is the
 * new connection's, the listener itself stays.  SYN-SENT: simultaneous
 * open.  SYN-RECEIVED: the peer resends its SYN because our SYN,ACK was
 * lost; we resend ours, as Linux does, where the RFC's ACK would leave a
 * peer in SYN-SENT waiting for our retransmission timer.  Any other state
 * answers with a challenge ACK whatever the sequence number (RFC 5961
 * section 4.2).  A SYN that may open a new connection over TIME-WAIT
 * (tcpalt_tw_syn_reopens()) never gets here: the caller ends the
 * TIME-WAIT entry and gives the SYN to the listener.
 */
static const struct tcpalt_sm_entry on_syn[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= MOVE(CLOSE, A(REPLY_RST)),
	[TCPALT_LISTEN]		= MOVE(SYN_RECV, A(SEND_SYNACK)),
	[TCPALT_SYN_SENT]	= MOVE(SYN_RECV, A(SEND_SYNACK)),
	[TCPALT_SYN_RECV]	= MOVE(SYN_RECV, A(SEND_SYNACK)),
	[TCPALT_ESTABLISHED]	= MOVE(ESTABLISHED, A(CHALLENGE_ACK)),
	[TCPALT_FIN_WAIT1]	= MOVE(FIN_WAIT1, A(CHALLENGE_ACK)),
	[TCPALT_FIN_WAIT2]	= MOVE(FIN_WAIT2, A(CHALLENGE_ACK)),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE_WAIT, A(CHALLENGE_ACK)),
	[TCPALT_CLOSING]	= MOVE(CLOSING, A(CHALLENGE_ACK)),
	[TCPALT_LAST_ACK]	= MOVE(LAST_ACK, A(CHALLENGE_ACK)),
	[TCPALT_TIME_WAIT]	= MOVE(TIME_WAIT, A(CHALLENGE_ACK)),
};

/*
 * SYN,ACK acknowledging our SYN.  In SYN-RECEIVED it is the crossing
 * SYN,ACK of a simultaneous open (Figure 7); the ACK we send is the one
 * the RFC's sequence check would send for it anyway.  A SYN,ACK in a
 * synchronized state repeats one whose ACK was lost: the challenge ACK is
 * what the peer waits for.
 */
static const struct tcpalt_sm_entry on_synack[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= MOVE(CLOSE, A(REPLY_RST)),
	[TCPALT_LISTEN]		= MOVE(LISTEN, A(REPLY_RST)),
	[TCPALT_SYN_SENT]	= MOVE(ESTABLISHED,
				       A(SEND_ACK) | A(NOTIFY_CONNECTED)),
	[TCPALT_SYN_RECV]	= MOVE(ESTABLISHED,
				       A(SEND_ACK) | A(NOTIFY_CONNECTED)),
	[TCPALT_ESTABLISHED]	= MOVE(ESTABLISHED, A(CHALLENGE_ACK)),
	[TCPALT_FIN_WAIT1]	= MOVE(FIN_WAIT1, A(CHALLENGE_ACK)),
	[TCPALT_FIN_WAIT2]	= MOVE(FIN_WAIT2, A(CHALLENGE_ACK)),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE_WAIT, A(CHALLENGE_ACK)),
	[TCPALT_CLOSING]	= MOVE(CLOSING, A(CHALLENGE_ACK)),
	[TCPALT_LAST_ACK]	= MOVE(LAST_ACK, A(CHALLENGE_ACK)),
	[TCPALT_TIME_WAIT]	= MOVE(TIME_WAIT, A(CHALLENGE_ACK)),
};

/*
 * ACK of our SYN.  Any ACK reaching a listener is answered with a RST
 * (section 3.10.7.2 second); in SYN-SENT an ACK without SYN is dropped
 * (section 3.10.7.3 fifth); later it is an old duplicate.
 */
static const struct tcpalt_sm_entry on_ack_syn[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= MOVE(CLOSE, A(REPLY_RST)),
	[TCPALT_LISTEN]		= MOVE(LISTEN, A(REPLY_RST)),
	[TCPALT_SYN_SENT]	= IGNORE,
	[TCPALT_SYN_RECV]	= MOVE(ESTABLISHED, A(NOTIFY_CONNECTED)),
	[TCPALT_ESTABLISHED]	= IGNORE,
	[TCPALT_FIN_WAIT1]	= IGNORE,
	[TCPALT_FIN_WAIT2]	= IGNORE,
	[TCPALT_CLOSE_WAIT]	= IGNORE,
	[TCPALT_CLOSING]	= IGNORE,
	[TCPALT_LAST_ACK]	= IGNORE,
	[TCPALT_TIME_WAIT]	= IGNORE,
};

/*
 * ACK of our FIN (section 3.10.7.4 fifth).  States that have sent no FIN
 * cannot see one; they ignore it, as they ignore a duplicate.
 */
static const struct tcpalt_sm_entry on_ack_fin[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= MOVE(CLOSE, A(REPLY_RST)),
	[TCPALT_LISTEN]		= MOVE(LISTEN, A(REPLY_RST)),
	[TCPALT_SYN_SENT]	= IGNORE,
	[TCPALT_SYN_RECV]	= IGNORE,
	[TCPALT_ESTABLISHED]	= IGNORE,
	[TCPALT_FIN_WAIT1]	= MOVE(FIN_WAIT2, A(FIN_WAIT2_TIMER)),
	[TCPALT_FIN_WAIT2]	= IGNORE,
	[TCPALT_CLOSE_WAIT]	= IGNORE,
	[TCPALT_CLOSING]	= MOVE(TIME_WAIT, A(ENTER_TIMEWAIT)),
	[TCPALT_LAST_ACK]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_TIME_WAIT]	= IGNORE,
};

/*
 * FIN (section 3.10.7.4 eighth), once the data before it is in.  Not
 * processed in LISTEN or SYN-SENT, where SEG.SEQ cannot be validated.
 * SYN-RECEIVED goes to CLOSE-WAIT as the RFC says; the caller processes
 * the ACK first, so in practice the connection is ESTABLISHED by then.
 * A repeated FIN is acknowledged again, and in TIME-WAIT restarts 2*MSL.
 */
static const struct tcpalt_sm_entry on_fin[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= MOVE(CLOSE, A(REPLY_RST)),
	[TCPALT_LISTEN]		= IGNORE,
	[TCPALT_SYN_SENT]	= IGNORE,
	[TCPALT_SYN_RECV]	= MOVE(CLOSE_WAIT, A(SEND_ACK) |
				       A(NOTIFY_CONNECTED) | A(NOTIFY_EOF)),
	[TCPALT_ESTABLISHED]	= MOVE(CLOSE_WAIT, A(SEND_ACK) | A(NOTIFY_EOF)),
	[TCPALT_FIN_WAIT1]	= MOVE(CLOSING, A(SEND_ACK) | A(NOTIFY_EOF)),
	[TCPALT_FIN_WAIT2]	= MOVE(TIME_WAIT, A(SEND_ACK) | A(NOTIFY_EOF) |
				       A(ENTER_TIMEWAIT)),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE_WAIT, A(SEND_ACK)),
	[TCPALT_CLOSING]	= MOVE(CLOSING, A(SEND_ACK)),
	[TCPALT_LAST_ACK]	= MOVE(LAST_ACK, A(SEND_ACK)),
	[TCPALT_TIME_WAIT]	= MOVE(TIME_WAIT, A(SEND_ACK) | A(ENTER_TIMEWAIT)),
};

/*
 * FIN on a segment that also acknowledges our FIN: FIN-WAIT-1 goes
 * straight to TIME-WAIT (section 3.10.7.4 eighth, note 2 of Figure 5).
 * States that have sent no FIN treat it as a plain FIN.
 */
static const struct tcpalt_sm_entry on_fin_ack_fin[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= MOVE(CLOSE, A(REPLY_RST)),
	[TCPALT_LISTEN]		= IGNORE,
	[TCPALT_SYN_SENT]	= IGNORE,
	[TCPALT_SYN_RECV]	= MOVE(CLOSE_WAIT, A(SEND_ACK) |
				       A(NOTIFY_CONNECTED) | A(NOTIFY_EOF)),
	[TCPALT_ESTABLISHED]	= MOVE(CLOSE_WAIT, A(SEND_ACK) | A(NOTIFY_EOF)),
	[TCPALT_FIN_WAIT1]	= MOVE(TIME_WAIT, A(SEND_ACK) | A(NOTIFY_EOF) |
				       A(ENTER_TIMEWAIT)),
	[TCPALT_FIN_WAIT2]	= MOVE(TIME_WAIT, A(SEND_ACK) | A(NOTIFY_EOF) |
				       A(ENTER_TIMEWAIT)),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE_WAIT, A(SEND_ACK)),
	[TCPALT_CLOSING]	= MOVE(TIME_WAIT, A(SEND_ACK) | A(ENTER_TIMEWAIT)),
	[TCPALT_LAST_ACK]	= MOVE(CLOSE, A(SEND_ACK) | A(DELETE_TCB)),
	[TCPALT_TIME_WAIT]	= MOVE(TIME_WAIT, A(SEND_ACK) | A(ENTER_TIMEWAIT)),
};

/*
 * Acceptable RST (sections 3.10.7.2 to 3.10.7.4, RFC 5961 section 3):
 * refused before synchronization, reset after, quietly closed once the
 * user has nothing outstanding (CLOSING, LAST-ACK).  TIME-WAIT ignores
 * it, against TIME-WAIT assassination (RFC 1337).  A RST is never
 * answered with a RST.
 */
static const struct tcpalt_sm_entry on_rst[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= IGNORE,
	[TCPALT_LISTEN]		= IGNORE,
	[TCPALT_SYN_SENT]	= MOVE_ERR(CLOSE, REFUSED, A(DELETE_TCB)),
	[TCPALT_SYN_RECV]	= MOVE_ERR(CLOSE, REFUSED, A(DELETE_TCB)),
	[TCPALT_ESTABLISHED]	= MOVE_ERR(CLOSE, RESET, A(DELETE_TCB)),
	[TCPALT_FIN_WAIT1]	= MOVE_ERR(CLOSE, RESET, A(DELETE_TCB)),
	[TCPALT_FIN_WAIT2]	= MOVE_ERR(CLOSE, RESET, A(DELETE_TCB)),
	[TCPALT_CLOSE_WAIT]	= MOVE_ERR(CLOSE, RESET, A(DELETE_TCB)),
	[TCPALT_CLOSING]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_LAST_ACK]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_TIME_WAIT]	= IGNORE,
};

/*
 * The same for a connection that came from a passive OPEN: in
 * SYN-RECEIVED it returns to LISTEN and the user need not be informed
 * (section 3.10.7.4 second, note 1 of Figure 5).
 */
static const struct tcpalt_sm_entry on_rst_passive[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= IGNORE,
	[TCPALT_LISTEN]		= IGNORE,
	[TCPALT_SYN_SENT]	= MOVE_ERR(CLOSE, REFUSED, A(DELETE_TCB)),
	[TCPALT_SYN_RECV]	= MOVE(LISTEN, A(BACK_TO_LISTEN)),
	[TCPALT_ESTABLISHED]	= MOVE_ERR(CLOSE, RESET, A(DELETE_TCB)),
	[TCPALT_FIN_WAIT1]	= MOVE_ERR(CLOSE, RESET, A(DELETE_TCB)),
	[TCPALT_FIN_WAIT2]	= MOVE_ERR(CLOSE, RESET, A(DELETE_TCB)),
	[TCPALT_CLOSE_WAIT]	= MOVE_ERR(CLOSE, RESET, A(DELETE_TCB)),
	[TCPALT_CLOSING]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_LAST_ACK]	= MOVE(CLOSE, A(DELETE_TCB)),
	[TCPALT_TIME_WAIT]	= IGNORE,
};

/*
 * RST inside the window but not at RCV.NXT (RFC 5961 section 3.2): the
 * true peer answers our challenge ACK with an exact RST, a blind attacker
 * cannot.  SYN-SENT validates a RST by its ACK instead, so it never sees
 * this; TIME-WAIT ignores every RST (RFC 1337).
 */
static const struct tcpalt_sm_entry on_rst_challenge[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= IGNORE,
	[TCPALT_LISTEN]		= IGNORE,
	[TCPALT_SYN_SENT]	= IGNORE,
	[TCPALT_SYN_RECV]	= MOVE(SYN_RECV, A(CHALLENGE_ACK)),
	[TCPALT_ESTABLISHED]	= MOVE(ESTABLISHED, A(CHALLENGE_ACK)),
	[TCPALT_FIN_WAIT1]	= MOVE(FIN_WAIT1, A(CHALLENGE_ACK)),
	[TCPALT_FIN_WAIT2]	= MOVE(FIN_WAIT2, A(CHALLENGE_ACK)),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE_WAIT, A(CHALLENGE_ACK)),
	[TCPALT_CLOSING]	= MOVE(CLOSING, A(CHALLENGE_ACK)),
	[TCPALT_LAST_ACK]	= MOVE(LAST_ACK, A(CHALLENGE_ACK)),
	[TCPALT_TIME_WAIT]	= IGNORE,
};

/*
 * Unacceptable ACK field.  Before synchronization the peer has the wrong
 * idea of the connection, so it gets a RST <SEQ=SEG.ACK><CTL=RST> and our
 * state stays (sections 3.10.7.2 to 3.10.7.4); after, an ACK tells it
 * where we are (section 3.10.7.4 fifth, RFC 5961 section 5.2).
 */
static const struct tcpalt_sm_entry on_bad_ack[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= MOVE(CLOSE, A(REPLY_RST)),
	[TCPALT_LISTEN]		= MOVE(LISTEN, A(REPLY_RST)),
	[TCPALT_SYN_SENT]	= MOVE(SYN_SENT, A(REPLY_RST)),
	[TCPALT_SYN_RECV]	= MOVE(SYN_RECV, A(REPLY_RST)),
	[TCPALT_ESTABLISHED]	= MOVE(ESTABLISHED, A(CHALLENGE_ACK)),
	[TCPALT_FIN_WAIT1]	= MOVE(FIN_WAIT1, A(CHALLENGE_ACK)),
	[TCPALT_FIN_WAIT2]	= MOVE(FIN_WAIT2, A(CHALLENGE_ACK)),
	[TCPALT_CLOSE_WAIT]	= MOVE(CLOSE_WAIT, A(CHALLENGE_ACK)),
	[TCPALT_CLOSING]	= MOVE(CLOSING, A(CHALLENGE_ACK)),
	[TCPALT_LAST_ACK]	= MOVE(LAST_ACK, A(CHALLENGE_ACK)),
	[TCPALT_TIME_WAIT]	= MOVE(TIME_WAIT, A(CHALLENGE_ACK)),
};

/*
 * New data after the user closed, in FIN-WAIT-1 or -2: nobody will read
 * it, and RFC 1122 section 4.2.2.13 asks for a RST to tell the peer so
 * (Linux counts it as TCPAbortOnData).  In ESTABLISHED the user cannot
 * have closed, only shut reading, which Linux lets data through; after
 * the peer's FIN no new data can come.
 */
static const struct tcpalt_sm_entry on_data_after_close[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= MOVE(CLOSE, A(REPLY_RST)),
	[TCPALT_LISTEN]		= IGNORE,
	[TCPALT_SYN_SENT]	= IGNORE,
	[TCPALT_SYN_RECV]	= IGNORE,
	[TCPALT_ESTABLISHED]	= IGNORE,
	[TCPALT_FIN_WAIT1]	= MOVE_ERR(CLOSE, RESET,
					   A(REPLY_RST) | A(DELETE_TCB)),
	[TCPALT_FIN_WAIT2]	= MOVE_ERR(CLOSE, RESET,
					   A(REPLY_RST) | A(DELETE_TCB)),
	[TCPALT_CLOSE_WAIT]	= IGNORE,
	[TCPALT_CLOSING]	= IGNORE,
	[TCPALT_LAST_ACK]	= IGNORE,
	[TCPALT_TIME_WAIT]	= IGNORE,
};

/*
 * Retransmission or user timeout (section 3.10.8): close without a RST
 * (the peer is not answering) and tell the user.  States with nothing to
 * retransmit never run the timer.
 */
static const struct tcpalt_sm_entry on_rtx_timeout[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= IGNORE,
	[TCPALT_LISTEN]		= IGNORE,
	[TCPALT_SYN_SENT]	= MOVE_ERR(CLOSE, TIMEOUT, A(DELETE_TCB)),
	[TCPALT_SYN_RECV]	= MOVE_ERR(CLOSE, TIMEOUT, A(DELETE_TCB)),
	[TCPALT_ESTABLISHED]	= MOVE_ERR(CLOSE, TIMEOUT, A(DELETE_TCB)),
	[TCPALT_FIN_WAIT1]	= MOVE_ERR(CLOSE, TIMEOUT, A(DELETE_TCB)),
	[TCPALT_FIN_WAIT2]	= IGNORE,
	[TCPALT_CLOSE_WAIT]	= MOVE_ERR(CLOSE, TIMEOUT, A(DELETE_TCB)),
	[TCPALT_CLOSING]	= MOVE_ERR(CLOSE, TIMEOUT, A(DELETE_TCB)),
	[TCPALT_LAST_ACK]	= MOVE_ERR(CLOSE, TIMEOUT, A(DELETE_TCB)),
	[TCPALT_TIME_WAIT]	= IGNORE,
};

/* 2*MSL after entering TIME-WAIT (section 3.10.8). */
static const struct tcpalt_sm_entry on_timewait_timeout[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= IGNORE,
	[TCPALT_LISTEN]		= IGNORE,
	[TCPALT_SYN_SENT]	= IGNORE,
	[TCPALT_SYN_RECV]	= IGNORE,
	[TCPALT_ESTABLISHED]	= IGNORE,
	[TCPALT_FIN_WAIT1]	= IGNORE,
	[TCPALT_FIN_WAIT2]	= IGNORE,
	[TCPALT_CLOSE_WAIT]	= IGNORE,
	[TCPALT_CLOSING]	= IGNORE,
	[TCPALT_LAST_ACK]	= IGNORE,
	[TCPALT_TIME_WAIT]	= MOVE(CLOSE, A(DELETE_TCB)),
};

/*
 * The FIN-WAIT-2 timer is not in the RFC: it stops a peer that never
 * closes from holding an orphaned connection forever.  The RST tells a
 * peer that is alive but slow that its half is gone too, as Linux's does.
 */
static const struct tcpalt_sm_entry on_fin_wait2_timeout[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= IGNORE,
	[TCPALT_LISTEN]		= IGNORE,
	[TCPALT_SYN_SENT]	= IGNORE,
	[TCPALT_SYN_RECV]	= IGNORE,
	[TCPALT_ESTABLISHED]	= IGNORE,
	[TCPALT_FIN_WAIT1]	= IGNORE,
	[TCPALT_FIN_WAIT2]	= MOVE(CLOSE, A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_CLOSE_WAIT]	= IGNORE,
	[TCPALT_CLOSING]	= IGNORE,
	[TCPALT_LAST_ACK]	= IGNORE,
	[TCPALT_TIME_WAIT]	= IGNORE,
};

/*
 * Keep-alive probes unanswered (RFC 1122 section 4.2.3.6 leaves the end
 * to the implementation): a RST in case the peer is alive but lost its
 * way back, and ETIMEDOUT to the user, as Linux does.
 */
static const struct tcpalt_sm_entry on_keepalive_timeout[TCPALT_NR_STATES] = {
	[TCPALT_CLOSE]		= IGNORE,
	[TCPALT_LISTEN]		= IGNORE,
	[TCPALT_SYN_SENT]	= IGNORE,
	[TCPALT_SYN_RECV]	= IGNORE,
	[TCPALT_ESTABLISHED]	= MOVE_ERR(CLOSE, TIMEOUT,
					   A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_FIN_WAIT1]	= MOVE_ERR(CLOSE, TIMEOUT,
					   A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_FIN_WAIT2]	= MOVE_ERR(CLOSE, TIMEOUT,
					   A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_CLOSE_WAIT]	= MOVE_ERR(CLOSE, TIMEOUT,
					   A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_CLOSING]	= MOVE_ERR(CLOSE, TIMEOUT,
					   A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_LAST_ACK]	= MOVE_ERR(CLOSE, TIMEOUT,
					   A(SEND_RST) | A(DELETE_TCB)),
	[TCPALT_TIME_WAIT]	= IGNORE,
};

static const struct tcpalt_sm_entry *const sm_table[TCPALT_NR_EVENTS] = {
	[TCPALT_EV_CONNECT]		= on_connect,
	[TCPALT_EV_LISTEN]		= on_listen,
	[TCPALT_EV_SEND]		= on_send,
	[TCPALT_EV_CLOSE]		= on_close,
	[TCPALT_EV_CLOSE_UNREAD]	= on_close_unread,
	[TCPALT_EV_SHUTDOWN]		= on_shutdown,
	[TCPALT_EV_ABORT]		= on_abort,
	[TCPALT_EV_SYN]			= on_syn,
	[TCPALT_EV_SYNACK]		= on_synack,
	[TCPALT_EV_ACK_SYN]		= on_ack_syn,
	[TCPALT_EV_ACK_FIN]		= on_ack_fin,
	[TCPALT_EV_FIN]			= on_fin,
	[TCPALT_EV_FIN_ACK_FIN]		= on_fin_ack_fin,
	[TCPALT_EV_RST]			= on_rst,
	[TCPALT_EV_RST_PASSIVE]		= on_rst_passive,
	[TCPALT_EV_RST_CHALLENGE]	= on_rst_challenge,
	[TCPALT_EV_BAD_ACK]		= on_bad_ack,
	[TCPALT_EV_DATA_AFTER_CLOSE]	= on_data_after_close,
	[TCPALT_EV_RTX_TIMEOUT]		= on_rtx_timeout,
	[TCPALT_EV_TIMEWAIT_TIMEOUT]	= on_timewait_timeout,
	[TCPALT_EV_FIN_WAIT2_TIMEOUT]	= on_fin_wait2_timeout,
	[TCPALT_EV_KEEPALIVE_TIMEOUT]	= on_keepalive_timeout,
};

static const struct tcpalt_sm_entry sm_out_of_range = IGNORE;

const struct tcpalt_sm_entry *tcpalt_sm_lookup(enum tcpalt_state state,
					       enum tcpalt_event event)
{
	if (state < TCPALT_ESTABLISHED || state >= TCPALT_NR_STATES ||
	    event >= TCPALT_NR_EVENTS || !sm_table[event])
		return &sm_out_of_range;
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
	[TCPALT_EV_CONNECT]		= "CONNECT",
	[TCPALT_EV_LISTEN]		= "LISTEN",
	[TCPALT_EV_SEND]		= "SEND",
	[TCPALT_EV_CLOSE]		= "CLOSE",
	[TCPALT_EV_CLOSE_UNREAD]	= "CLOSE_UNREAD",
	[TCPALT_EV_SHUTDOWN]		= "SHUTDOWN",
	[TCPALT_EV_ABORT]		= "ABORT",
	[TCPALT_EV_SYN]			= "SYN",
	[TCPALT_EV_SYNACK]		= "SYNACK",
	[TCPALT_EV_ACK_SYN]		= "ACK_SYN",
	[TCPALT_EV_ACK_FIN]		= "ACK_FIN",
	[TCPALT_EV_FIN]			= "FIN",
	[TCPALT_EV_FIN_ACK_FIN]		= "FIN_ACK_FIN",
	[TCPALT_EV_RST]			= "RST",
	[TCPALT_EV_RST_PASSIVE]		= "RST_PASSIVE",
	[TCPALT_EV_RST_CHALLENGE]	= "RST_CHALLENGE",
	[TCPALT_EV_BAD_ACK]		= "BAD_ACK",
	[TCPALT_EV_DATA_AFTER_CLOSE]	= "DATA_AFTER_CLOSE",
	[TCPALT_EV_RTX_TIMEOUT]		= "RTX_TIMEOUT",
	[TCPALT_EV_TIMEWAIT_TIMEOUT]	= "TIMEWAIT_TIMEOUT",
	[TCPALT_EV_FIN_WAIT2_TIMEOUT]	= "FIN_WAIT2_TIMEOUT",
	[TCPALT_EV_KEEPALIVE_TIMEOUT]	= "KEEPALIVE_TIMEOUT",
};

const char *tcpalt_event_name(enum tcpalt_event event)
{
	if (event >= TCPALT_NR_EVENTS || !event_names[event])
		return "UNKNOWN";
	return event_names[event];
}
