// SPDX-License-Identifier: GPL-2.0
/*
 * The state machine table: every cell it holds, each checked against
 * RFC 9293 (Figure 5 and section 3.10) from a copy written out here; the
 * cells it leaves out; the rules that hold across it; that every state,
 * event and action in it is reachable from the states a connection
 * socket starts in; and the connection scenarios of RFC 9293 section 3.5
 * walked on both ends.
 */
#include <assert.h>
#include <netinet/tcp.h>
#include <string.h>

#include "kselftest_harness.h"
#include "state.h"

#define ACT(x)		TCPALT_ACT_##x
#define ST(x)		TCPALT_##x
#define EV(x)		TCPALT_EV_##x

/* The C library's copy of the kernel's numbers: sk_state must agree. */
static_assert((int)TCPALT_ESTABLISHED == (int)TCP_ESTABLISHED, "ESTABLISHED");
static_assert((int)TCPALT_SYN_SENT == (int)TCP_SYN_SENT, "SYN_SENT");
static_assert((int)TCPALT_SYN_RECV == (int)TCP_SYN_RECV, "SYN_RECV");
static_assert((int)TCPALT_FIN_WAIT1 == (int)TCP_FIN_WAIT1, "FIN_WAIT1");
static_assert((int)TCPALT_FIN_WAIT2 == (int)TCP_FIN_WAIT2, "FIN_WAIT2");
static_assert((int)TCPALT_TIME_WAIT == (int)TCP_TIME_WAIT, "TIME_WAIT");
static_assert((int)TCPALT_CLOSE == (int)TCP_CLOSE, "CLOSE");
static_assert((int)TCPALT_CLOSE_WAIT == (int)TCP_CLOSE_WAIT, "CLOSE_WAIT");
static_assert((int)TCPALT_LAST_ACK == (int)TCP_LAST_ACK, "LAST_ACK");
static_assert((int)TCPALT_LISTEN == (int)TCP_LISTEN, "LISTEN");
static_assert((int)TCPALT_CLOSING == (int)TCP_CLOSING, "CLOSING");

#define FOR_EACH_STATE(s) \
	for (s = TCPALT_ESTABLISHED; s < TCPALT_NR_STATES; s++)
#define FOR_EACH_EVENT(e) \
	for (e = 0; e < TCPALT_NR_EVENTS; e++)

/* The states a connection socket holds while it lives (state.c). */
static bool covered(enum tcpalt_state s)
{
	return s != TCPALT_CLOSE && s != TCPALT_LISTEN &&
	       s != TCPALT_TIME_WAIT;
}

static bool is_user_event(enum tcpalt_event e)
{
	return e <= TCPALT_EV_ABORT;
}

static bool is_timer_event(enum tcpalt_event e)
{
	return e >= TCPALT_EV_RTX_TIMEOUT;
}

static bool is_rst_event(enum tcpalt_event e)
{
	return e == TCPALT_EV_RST || e == TCPALT_EV_RST_CHALLENGE;
}

/*
 * One step of a scenario: an event on end A or B, and what must come of
 * it.  after is the state once the step is taken, changed or not.
 */
struct step {
	char end;
	enum tcpalt_event ev;
	enum tcpalt_sm_verdict verdict;
	enum tcpalt_state after;
	u16 actions;
	enum tcpalt_sm_err err;
};

#define MOVE(end, ev, st, acts) \
	{ end, EV(ev), TCPALT_SM_MOVE, ST(st), acts, TCPALT_SM_OK }
#define MOVE_ERR(end, ev, st, e, acts) \
	{ end, EV(ev), TCPALT_SM_MOVE, ST(st), acts, TCPALT_SM_ERR_##e }
#define IGNORED(end, ev, st) \
	{ end, EV(ev), TCPALT_SM_IGNORE, ST(st), 0, TCPALT_SM_OK }

static void walk(struct __test_metadata *_metadata, enum tcpalt_state a,
		 enum tcpalt_state b, const struct step *steps, size_t n)
{
	enum tcpalt_state st[2] = { a, b };
	const struct tcpalt_sm_entry *e;
	enum tcpalt_state *cur;
	size_t i;

	for (i = 0; i < n; i++) {
		cur = &st[steps[i].end == 'B'];
		e = tcpalt_sm_lookup(*cur, steps[i].ev);
		if (e->verdict == TCPALT_SM_MOVE)
			*cur = e->next;
		EXPECT_EQ(steps[i].verdict, e->verdict)
			TH_LOG("step %zu: %c %s", i, steps[i].end,
			       tcpalt_event_name(steps[i].ev));
		EXPECT_EQ(steps[i].after, *cur)
			TH_LOG("step %zu: %c %s: in %s", i, steps[i].end,
			       tcpalt_event_name(steps[i].ev),
			       tcpalt_state_name(*cur));
		EXPECT_EQ(steps[i].actions, e->actions)
			TH_LOG("step %zu: %c %s: actions %#x", i,
			       steps[i].end, tcpalt_event_name(steps[i].ev),
			       e->actions);
		EXPECT_EQ(steps[i].err, e->err)
			TH_LOG("step %zu: %c %s", i, steps[i].end,
			       tcpalt_event_name(steps[i].ev));
	}
}

#define WALK(a, b, steps) \
	walk(_metadata, ST(a), ST(b), steps, ARRAY_SIZE(steps))

TEST(state_names)
{
	static const char *const want[TCPALT_NR_STATES] = {
		[TCPALT_ESTABLISHED] = "ESTABLISHED",
		[TCPALT_SYN_SENT] = "SYN-SENT",
		[TCPALT_SYN_RECV] = "SYN-RECEIVED",
		[TCPALT_FIN_WAIT1] = "FIN-WAIT-1",
		[TCPALT_FIN_WAIT2] = "FIN-WAIT-2",
		[TCPALT_TIME_WAIT] = "TIME-WAIT",
		[TCPALT_CLOSE] = "CLOSED",
		[TCPALT_CLOSE_WAIT] = "CLOSE-WAIT",
		[TCPALT_LAST_ACK] = "LAST-ACK",
		[TCPALT_LISTEN] = "LISTEN",
		[TCPALT_CLOSING] = "CLOSING",
	};
	enum tcpalt_state s;

	FOR_EACH_STATE(s)
		EXPECT_STREQ(want[s], tcpalt_state_name(s));
	EXPECT_STREQ("UNKNOWN", tcpalt_state_name(0));
	EXPECT_STREQ("UNKNOWN", tcpalt_state_name(TCPALT_NR_STATES));
}

TEST(event_names)
{
	enum tcpalt_event e, f;

	FOR_EACH_EVENT(e) {
		EXPECT_STRNE("UNKNOWN", tcpalt_event_name(e));
		for (f = 0; f < e; f++)
			EXPECT_STRNE(tcpalt_event_name(f),
				     tcpalt_event_name(e));
	}
	EXPECT_STREQ("UNKNOWN", tcpalt_event_name(TCPALT_NR_EVENTS));
}

/*
 * The table as RFC 9293 has it, cell by cell, written out again here so
 * that a change to state.c must be made twice.  A cell not listed must
 * be a gap: an event the module never raises in that state.
 */
struct cell {
	enum tcpalt_event ev;
	enum tcpalt_state in;
	enum tcpalt_sm_verdict verdict;
	enum tcpalt_state next;
	enum tcpalt_sm_err err;
	u16 actions;
};

#define C_MOVE(ev, in, nx, acts) \
	{ EV(ev), ST(in), TCPALT_SM_MOVE, ST(nx), TCPALT_SM_OK, acts }
#define C_ERR(ev, in, nx, e, acts) \
	{ EV(ev), ST(in), TCPALT_SM_MOVE, ST(nx), TCPALT_SM_ERR_##e, acts }
#define C_IGN(ev, in) \
	{ EV(ev), ST(in), TCPALT_SM_IGNORE, 0, TCPALT_SM_OK, 0 }
#define C_STAY(ev, in, acts)	C_MOVE(ev, in, in, acts)

#define RST_DEL		(ACT(SEND_RST) | ACT(DELETE_TCB))
#define ACK_EOF		(ACT(SEND_ACK) | ACT(NOTIFY_EOF))
#define CONNECTED	(ACT(SEND_ACK) | ACT(NOTIFY_CONNECTED))

static const struct cell rfc_table[] = {
	/* 3.10.4 CLOSE; FIN-WAIT-1/2 "ok"; CLOSING, LAST-ACK: nothing. */
	C_MOVE(CLOSE, SYN_SENT, CLOSE, ACT(DELETE_TCB)),
	C_MOVE(CLOSE, SYN_RECV, FIN_WAIT1, ACT(SEND_FIN)),
	C_MOVE(CLOSE, ESTABLISHED, FIN_WAIT1, ACT(SEND_FIN)),
	C_IGN(CLOSE, FIN_WAIT1),
	C_IGN(CLOSE, FIN_WAIT2),
	C_MOVE(CLOSE, CLOSE_WAIT, LAST_ACK, ACT(SEND_FIN)),
	C_IGN(CLOSE, CLOSING),
	C_IGN(CLOSE, LAST_ACK),

	/* RFC 1122 4.2.2.13, RFC 2525 2.17: unread data lost, RST. */
	C_MOVE(CLOSE_UNREAD, SYN_SENT, CLOSE, ACT(DELETE_TCB)),
	C_MOVE(CLOSE_UNREAD, SYN_RECV, CLOSE, RST_DEL),
	C_MOVE(CLOSE_UNREAD, ESTABLISHED, CLOSE, RST_DEL),
	C_MOVE(CLOSE_UNREAD, FIN_WAIT1, CLOSE, RST_DEL),
	C_MOVE(CLOSE_UNREAD, FIN_WAIT2, CLOSE, RST_DEL),
	C_MOVE(CLOSE_UNREAD, CLOSE_WAIT, CLOSE, RST_DEL),
	C_MOVE(CLOSE_UNREAD, CLOSING, CLOSE, RST_DEL),
	C_MOVE(CLOSE_UNREAD, LAST_ACK, CLOSE, RST_DEL),

	/* shutdown(SHUT_WR): CLOSE, the socket kept; never in SYN-SENT. */
	C_MOVE(SHUTDOWN, SYN_RECV, FIN_WAIT1, ACT(SEND_FIN)),
	C_MOVE(SHUTDOWN, ESTABLISHED, FIN_WAIT1, ACT(SEND_FIN)),
	C_IGN(SHUTDOWN, FIN_WAIT1),
	C_IGN(SHUTDOWN, FIN_WAIT2),
	C_MOVE(SHUTDOWN, CLOSE_WAIT, LAST_ACK, ACT(SEND_FIN)),
	C_IGN(SHUTDOWN, CLOSING),
	C_IGN(SHUTDOWN, LAST_ACK),

	/* 3.10.5 ABORT: RST where the peer may still expect something. */
	C_MOVE(ABORT, SYN_SENT, CLOSE, ACT(DELETE_TCB)),
	C_MOVE(ABORT, SYN_RECV, CLOSE, RST_DEL),
	C_MOVE(ABORT, ESTABLISHED, CLOSE, RST_DEL),
	C_MOVE(ABORT, FIN_WAIT1, CLOSE, RST_DEL),
	C_MOVE(ABORT, FIN_WAIT2, CLOSE, RST_DEL),
	C_MOVE(ABORT, CLOSE_WAIT, CLOSE, RST_DEL),
	C_MOVE(ABORT, CLOSING, CLOSE, ACT(DELETE_TCB)),
	C_MOVE(ABORT, LAST_ACK, CLOSE, ACT(DELETE_TCB)),

	/* 3.10.7.3 simultaneous open; RFC 5961 4.2 challenge ACK after. */
	C_MOVE(SYN, SYN_SENT, SYN_RECV, ACT(SEND_SYNACK)),
	C_STAY(SYN, SYN_RECV, ACT(SEND_SYNACK)),
	C_STAY(SYN, ESTABLISHED, ACT(CHALLENGE_ACK)),
	C_STAY(SYN, FIN_WAIT1, ACT(CHALLENGE_ACK)),
	C_STAY(SYN, FIN_WAIT2, ACT(CHALLENGE_ACK)),
	C_STAY(SYN, CLOSE_WAIT, ACT(CHALLENGE_ACK)),
	C_STAY(SYN, CLOSING, ACT(CHALLENGE_ACK)),
	C_STAY(SYN, LAST_ACK, ACT(CHALLENGE_ACK)),

	/* 3.10.7.3 fourth; Figure 7's crossing SYN,ACK. */
	C_MOVE(SYNACK, SYN_SENT, ESTABLISHED, CONNECTED),
	C_MOVE(SYNACK, SYN_RECV, ESTABLISHED, CONNECTED),

	/* 3.10.7.4 fifth: SYN-RECEIVED, SND.UNA < SEG.ACK =< SND.NXT. */
	C_MOVE(ACK_SYN, SYN_RECV, ESTABLISHED, ACT(NOTIFY_CONNECTED)),

	/* 3.10.7.4 fifth: our FIN acknowledged. */
	C_MOVE(ACK_FIN, FIN_WAIT1, FIN_WAIT2, ACT(FIN_WAIT2_TIMER)),
	C_IGN(ACK_FIN, FIN_WAIT2),
	C_MOVE(ACK_FIN, CLOSING, TIME_WAIT, ACT(ENTER_TIMEWAIT)),
	C_MOVE(ACK_FIN, LAST_ACK, CLOSE, ACT(DELETE_TCB)),

	/* 3.10.7.4 eighth: FIN. */
	C_MOVE(FIN, ESTABLISHED, CLOSE_WAIT, ACK_EOF),
	C_MOVE(FIN, FIN_WAIT1, CLOSING, ACK_EOF),
	C_MOVE(FIN, FIN_WAIT2, TIME_WAIT, ACK_EOF | ACT(ENTER_TIMEWAIT)),
	C_STAY(FIN, CLOSE_WAIT, ACT(SEND_ACK)),
	C_STAY(FIN, CLOSING, ACT(SEND_ACK)),
	C_STAY(FIN, LAST_ACK, ACT(SEND_ACK)),

	/* 3.10.7.3 and 3.10.7.4 second: an acceptable RST. */
	C_ERR(RST, SYN_SENT, CLOSE, REFUSED, ACT(DELETE_TCB)),
	C_ERR(RST, SYN_RECV, CLOSE, REFUSED, ACT(DELETE_TCB)),
	C_ERR(RST, ESTABLISHED, CLOSE, RESET, ACT(DELETE_TCB)),
	C_ERR(RST, FIN_WAIT1, CLOSE, RESET, ACT(DELETE_TCB)),
	C_ERR(RST, FIN_WAIT2, CLOSE, RESET, ACT(DELETE_TCB)),
	C_ERR(RST, CLOSE_WAIT, CLOSE, RESET, ACT(DELETE_TCB)),
	C_MOVE(RST, CLOSING, CLOSE, ACT(DELETE_TCB)),
	C_MOVE(RST, LAST_ACK, CLOSE, ACT(DELETE_TCB)),

	/* RFC 5961 3.2: a RST in the window, not exact. */
	C_STAY(RST_CHALLENGE, SYN_RECV, ACT(CHALLENGE_ACK)),
	C_STAY(RST_CHALLENGE, ESTABLISHED, ACT(CHALLENGE_ACK)),
	C_STAY(RST_CHALLENGE, FIN_WAIT1, ACT(CHALLENGE_ACK)),
	C_STAY(RST_CHALLENGE, FIN_WAIT2, ACT(CHALLENGE_ACK)),
	C_STAY(RST_CHALLENGE, CLOSE_WAIT, ACT(CHALLENGE_ACK)),
	C_STAY(RST_CHALLENGE, CLOSING, ACT(CHALLENGE_ACK)),
	C_STAY(RST_CHALLENGE, LAST_ACK, ACT(CHALLENGE_ACK)),

	/* 3.10.7.3 first, 3.10.7.4 fifth; RFC 5961 5.2 once synchronized. */
	C_STAY(BAD_ACK, SYN_SENT, ACT(REPLY_RST)),
	C_STAY(BAD_ACK, SYN_RECV, ACT(REPLY_RST)),
	C_STAY(BAD_ACK, ESTABLISHED, ACT(CHALLENGE_ACK)),
	C_STAY(BAD_ACK, FIN_WAIT1, ACT(CHALLENGE_ACK)),
	C_STAY(BAD_ACK, FIN_WAIT2, ACT(CHALLENGE_ACK)),
	C_STAY(BAD_ACK, CLOSE_WAIT, ACT(CHALLENGE_ACK)),
	C_STAY(BAD_ACK, CLOSING, ACT(CHALLENGE_ACK)),
	C_STAY(BAD_ACK, LAST_ACK, ACT(CHALLENGE_ACK)),

	/* RFC 1122 4.2.2.13: new data nobody will read. */
	C_IGN(DATA_AFTER_CLOSE, ESTABLISHED),
	C_ERR(DATA_AFTER_CLOSE, FIN_WAIT1, CLOSE, RESET,
	      ACT(REPLY_RST) | ACT(DELETE_TCB)),
	C_ERR(DATA_AFTER_CLOSE, FIN_WAIT2, CLOSE, RESET,
	      ACT(REPLY_RST) | ACT(DELETE_TCB)),

	/* 3.10.8: retransmissions or the user timeout spent. */
	C_ERR(RTX_TIMEOUT, SYN_SENT, CLOSE, TIMEOUT, ACT(DELETE_TCB)),
	C_ERR(RTX_TIMEOUT, SYN_RECV, CLOSE, TIMEOUT, ACT(DELETE_TCB)),
	C_ERR(RTX_TIMEOUT, ESTABLISHED, CLOSE, TIMEOUT, ACT(DELETE_TCB)),
	C_ERR(RTX_TIMEOUT, FIN_WAIT1, CLOSE, TIMEOUT, ACT(DELETE_TCB)),
	C_ERR(RTX_TIMEOUT, CLOSE_WAIT, CLOSE, TIMEOUT, ACT(DELETE_TCB)),
	C_ERR(RTX_TIMEOUT, CLOSING, CLOSE, TIMEOUT, ACT(DELETE_TCB)),
	C_ERR(RTX_TIMEOUT, LAST_ACK, CLOSE, TIMEOUT, ACT(DELETE_TCB)),

	/* Not in the RFC: an orphan's wait for the peer's FIN bounded. */
	C_MOVE(FIN_WAIT2_TIMEOUT, FIN_WAIT2, CLOSE, RST_DEL),

	/* RFC 1122 4.2.3.6: keep-alive probes unanswered. */
	C_ERR(KEEPALIVE_TIMEOUT, ESTABLISHED, CLOSE, TIMEOUT, RST_DEL),
	C_ERR(KEEPALIVE_TIMEOUT, FIN_WAIT1, CLOSE, TIMEOUT, RST_DEL),
	C_ERR(KEEPALIVE_TIMEOUT, FIN_WAIT2, CLOSE, TIMEOUT, RST_DEL),
	C_ERR(KEEPALIVE_TIMEOUT, CLOSE_WAIT, CLOSE, TIMEOUT, RST_DEL),
};

static const struct cell *rfc_cell(enum tcpalt_state s, enum tcpalt_event ev)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rfc_table); i++)
		if (rfc_table[i].in == s && rfc_table[i].ev == ev)
			return &rfc_table[i];
	return NULL;
}

TEST(every_cell_as_rfc_9293)
{
	const struct tcpalt_sm_entry *e;
	const struct cell *c;
	enum tcpalt_state s;
	enum tcpalt_event ev;
	int cells = 0;

	FOR_EACH_STATE(s) FOR_EACH_EVENT(ev) {
		e = tcpalt_sm_lookup(s, ev);
		ASSERT_NE(NULL, e);
		c = rfc_cell(s, ev);
		if (!c) {
			EXPECT_EQ(TCPALT_SM_GAP, e->verdict)
				TH_LOG("%s in %s: a cell the module never asks for",
				       tcpalt_event_name(ev),
				       tcpalt_state_name(s));
			continue;
		}
		cells++;
		EXPECT_EQ(c->verdict, e->verdict)
			TH_LOG("%s in %s", tcpalt_event_name(ev),
			       tcpalt_state_name(s));
		if (c->verdict == TCPALT_SM_MOVE)
			EXPECT_EQ(c->next, e->next)
				TH_LOG("%s in %s: to %s", tcpalt_event_name(ev),
				       tcpalt_state_name(s),
				       tcpalt_state_name(e->next));
		EXPECT_EQ(c->err, e->err)
			TH_LOG("%s in %s", tcpalt_event_name(ev),
			       tcpalt_state_name(s));
		EXPECT_EQ(c->actions, e->actions)
			TH_LOG("%s in %s: actions %#x", tcpalt_event_name(ev),
			       tcpalt_state_name(s), e->actions);
	}
	EXPECT_EQ(ARRAY_SIZE(rfc_table), cells);
}

/*
 * CLOSED, LISTEN and TIME-WAIT are outside the table: no socket there
 * ever asks it anything (state.c says who answers instead).
 */
TEST(uncovered_states_are_gaps)
{
	static const enum tcpalt_state outside[] = {
		TCPALT_CLOSE, TCPALT_LISTEN, TCPALT_TIME_WAIT,
	};
	enum tcpalt_event ev;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(outside); i++)
		FOR_EACH_EVENT(ev)
			EXPECT_EQ(TCPALT_SM_GAP,
				  tcpalt_sm_lookup(outside[i], ev)->verdict)
				TH_LOG("%s in %s", tcpalt_event_name(ev),
				       tcpalt_state_name(outside[i]));
}

TEST(out_of_range_is_a_gap)
{
	const struct tcpalt_sm_entry *e;

	e = tcpalt_sm_lookup(0, TCPALT_EV_SYN);
	EXPECT_EQ(TCPALT_SM_GAP, e->verdict);
	e = tcpalt_sm_lookup(TCPALT_NR_STATES, TCPALT_EV_SYN);
	EXPECT_EQ(TCPALT_SM_GAP, e->verdict);
	e = tcpalt_sm_lookup(TCPALT_ESTABLISHED, TCPALT_NR_EVENTS);
	EXPECT_EQ(TCPALT_SM_GAP, e->verdict);
	e = tcpalt_sm_lookup(TCPALT_ESTABLISHED, 1000);
	EXPECT_EQ(TCPALT_SM_GAP, e->verdict);
	EXPECT_EQ(0, e->actions);
}

/*
 * A socket enters the table in SYN-SENT (connect()) or ESTABLISHED (a
 * listener's child).  From there the table's own moves must reach every
 * state it covers, no cell may lie in a state they cannot reach, and
 * every event and every action must be used by some cell: nothing in
 * the table is dead.  Moves leave the table only for CLOSED (the TCB
 * deleted) and TIME-WAIT (an entry takes over).
 */
TEST(every_state_event_and_action_reachable)
{
	static const u16 all_actions =
		ACT(SEND_SYNACK) | ACT(SEND_ACK) | ACT(CHALLENGE_ACK) |
		ACT(SEND_FIN) | ACT(SEND_RST) | ACT(REPLY_RST) |
		ACT(FIN_WAIT2_TIMER) | ACT(NOTIFY_CONNECTED) |
		ACT(NOTIFY_EOF) | ACT(ENTER_TIMEWAIT) | ACT(DELETE_TCB);
	bool reached[TCPALT_NR_STATES] = {
		[TCPALT_SYN_SENT] = true, [TCPALT_ESTABLISHED] = true,
	};
	bool event_used[TCPALT_NR_EVENTS] = { false };
	const struct tcpalt_sm_entry *e;
	enum tcpalt_state s;
	enum tcpalt_event ev;
	u16 actions = 0;
	bool grew = true;

	while (grew) {
		grew = false;
		FOR_EACH_STATE(s) FOR_EACH_EVENT(ev) {
			if (!reached[s])
				continue;
			e = tcpalt_sm_lookup(s, ev);
			if (e->verdict != TCPALT_SM_MOVE || reached[e->next])
				continue;
			reached[e->next] = true;
			grew = true;
		}
	}
	FOR_EACH_STATE(s) {
		EXPECT_EQ(s != TCPALT_LISTEN, reached[s])
			TH_LOG("%s", tcpalt_state_name(s));
		FOR_EACH_EVENT(ev) {
			e = tcpalt_sm_lookup(s, ev);
			if (e->verdict == TCPALT_SM_GAP)
				continue;
			EXPECT_TRUE(reached[s] && covered(s))
				TH_LOG("%s", tcpalt_state_name(s));
			event_used[ev] = true;
			actions |= e->actions;
			if (e->verdict == TCPALT_SM_MOVE && !covered(e->next))
				EXPECT_TRUE(e->next == TCPALT_CLOSE ||
					    e->next == TCPALT_TIME_WAIT)
					TH_LOG("%s in %s to %s",
					       tcpalt_event_name(ev),
					       tcpalt_state_name(s),
					       tcpalt_state_name(e->next));
		}
	}
	FOR_EACH_EVENT(ev)
		EXPECT_TRUE(event_used[ev])
			TH_LOG("%s: no cell", tcpalt_event_name(ev));
	EXPECT_EQ(all_actions, actions);
}

/* Every verdict is a move or an ignore, and an ignore does nothing. */
TEST(ignore_does_nothing)
{
	const struct tcpalt_sm_entry *e;
	enum tcpalt_state s;
	enum tcpalt_event ev;

	FOR_EACH_STATE(s) FOR_EACH_EVENT(ev) {
		e = tcpalt_sm_lookup(s, ev);
		EXPECT_TRUE(e->verdict == TCPALT_SM_GAP ||
			    e->verdict == TCPALT_SM_MOVE ||
			    e->verdict == TCPALT_SM_IGNORE);
		if (e->verdict == TCPALT_SM_MOVE)
			continue;
		EXPECT_EQ(0, e->actions);
		EXPECT_EQ(TCPALT_SM_OK, e->err);
	}
}

/* Actions that name a state go with that state, and only with it. */
TEST(actions_match_next_state)
{
	const struct tcpalt_sm_entry *e;
	enum tcpalt_state s;
	enum tcpalt_event ev;

	FOR_EACH_STATE(s) FOR_EACH_EVENT(ev) {
		e = tcpalt_sm_lookup(s, ev);
		if (e->verdict != TCPALT_SM_MOVE)
			continue;
		/* A socket enters these outside the table only. */
		EXPECT_NE(TCPALT_LISTEN, e->next);
		if (e->next == TCPALT_SYN_SENT)
			EXPECT_EQ(TCPALT_SYN_SENT, s);
		EXPECT_EQ(e->next == TCPALT_CLOSE,
			  !!(e->actions & ACT(DELETE_TCB)))
			TH_LOG("%s in %s", tcpalt_event_name(ev),
			       tcpalt_state_name(s));
		EXPECT_EQ(e->next == TCPALT_TIME_WAIT,
			  !!(e->actions & ACT(ENTER_TIMEWAIT)))
			TH_LOG("%s in %s", tcpalt_event_name(ev),
			       tcpalt_state_name(s));
		if (e->actions & ACT(NOTIFY_CONNECTED))
			EXPECT_EQ(TCPALT_ESTABLISHED, e->next);
		if (e->actions & ACT(FIN_WAIT2_TIMER))
			EXPECT_EQ(TCPALT_FIN_WAIT2, e->next);
		/* An error ends the connection. */
		if (e->err != TCPALT_SM_OK)
			EXPECT_EQ(TCPALT_CLOSE, e->next);
	}
}

/* A FIN goes out once: only from states that have not sent one. */
TEST(fin_sent_once)
{
	const struct tcpalt_sm_entry *e;
	enum tcpalt_state s;
	enum tcpalt_event ev;

	FOR_EACH_STATE(s) FOR_EACH_EVENT(ev) {
		e = tcpalt_sm_lookup(s, ev);
		if (!(e->actions & ACT(SEND_FIN)))
			continue;
		EXPECT_TRUE(s == TCPALT_SYN_RECV || s == TCPALT_ESTABLISHED ||
			    s == TCPALT_CLOSE_WAIT);
		EXPECT_TRUE(e->next == TCPALT_FIN_WAIT1 ||
			    e->next == TCPALT_LAST_ACK);
	}
}

/*
 * RFC 9293 section 3.10.7: a RST is never answered with a RST, and the
 * most it draws is a challenge ACK.  Timers and user calls never answer a
 * segment.
 */
TEST(rst_never_answers_rst)
{
	const struct tcpalt_sm_entry *e;
	enum tcpalt_state s;
	enum tcpalt_event ev;

	FOR_EACH_STATE(s) FOR_EACH_EVENT(ev) {
		e = tcpalt_sm_lookup(s, ev);
		if (is_rst_event(ev))
			EXPECT_EQ(0, e->actions & ~(ACT(CHALLENGE_ACK) |
						    ACT(DELETE_TCB)));
		if (is_user_event(ev) || is_timer_event(ev))
			EXPECT_EQ(0, e->actions & ACT(REPLY_RST));
	}
}

/*
 * RFC 5961 section 4.2: a SYN in a synchronized state draws a challenge
 * ACK and changes nothing, whatever its sequence number.
 */
TEST(syn_in_synchronized_state_challenged)
{
	const struct tcpalt_sm_entry *e;
	enum tcpalt_state s;
	int synced = 0;

	FOR_EACH_STATE(s) {
		if (!tcpalt_state_synchronized(s) || !covered(s))
			continue;
		synced++;
		e = tcpalt_sm_lookup(s, TCPALT_EV_SYN);
		EXPECT_EQ(TCPALT_SM_MOVE, e->verdict);
		EXPECT_EQ(s, e->next);
		EXPECT_EQ(ACT(CHALLENGE_ACK), e->actions);
	}
	EXPECT_EQ(6, synced);
}

/* Figure 6: basic three-way handshake, A's side; B's is a request. */
TEST(three_way_handshake)
{
	static const struct step steps[] = {
		MOVE('A', SYNACK, ESTABLISHED, CONNECTED),
		/* Our final ACK lost: the repeated SYN,ACK draws one. */
		MOVE('A', SYN, ESTABLISHED, ACT(CHALLENGE_ACK)),
	};

	WALK(SYN_SENT, ESTABLISHED, steps);
}

/* Figure 7: simultaneous open. */
TEST(simultaneous_open)
{
	static const struct step steps[] = {
		MOVE('A', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('B', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		/* A's SYN,ACK lost: B's SYN again draws it again. */
		MOVE('A', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('A', SYNACK, ESTABLISHED, CONNECTED),
		MOVE('B', SYNACK, ESTABLISHED, CONNECTED),
	};

	WALK(SYN_SENT, SYN_SENT, steps);
}

/* Simultaneous open where B's SYN,ACK is lost and A's ACK completes it. */
TEST(simultaneous_open_completed_by_ack)
{
	static const struct step steps[] = {
		MOVE('A', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('B', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('B', SYNACK, ESTABLISHED, CONNECTED),
		MOVE('A', ACK_SYN, ESTABLISHED, ACT(NOTIFY_CONNECTED)),
	};

	WALK(SYN_SENT, SYN_SENT, steps);
}

/*
 * Figure 8: recovery from an old duplicate SYN.  B's side (a request,
 * RST taking it back to LISTEN) is the listener's; A's is the table's.
 */
TEST(old_duplicate_syn_recovery)
{
	static const struct step steps[] = {
		/* The SYN,ACK for the old SYN does not ack A's. */
		MOVE('A', BAD_ACK, SYN_SENT, ACT(REPLY_RST)),
		MOVE('A', SYNACK, ESTABLISHED, CONNECTED),
	};

	WALK(SYN_SENT, ESTABLISHED, steps);
}

/* Figure 9: half-open connection discovery; A crashed and reconnects. */
TEST(half_open_discovery)
{
	static const struct step steps[] = {
		MOVE('B', SYN, ESTABLISHED, ACT(CHALLENGE_ACK)),
		MOVE('A', BAD_ACK, SYN_SENT, ACT(REPLY_RST)),
		/* The RST's SEQ is B's own SEG.ACK: exactly RCV.NXT. */
		MOVE_ERR('B', RST, CLOSE, RESET, ACT(DELETE_TCB)),
	};

	WALK(SYN_SENT, ESTABLISHED, steps);
}

/* Figure 10: the active side causes half-open discovery. */
TEST(active_side_half_open_discovery)
{
	static const struct step steps[] = {
		/* B lost the connection: A's data draws a RST from nobody. */
		MOVE_ERR('A', RST, CLOSE, RESET, ACT(DELETE_TCB)),
	};

	WALK(ESTABLISHED, CLOSE, steps);
}

/* Figure 12: normal close, A first. */
TEST(normal_close)
{
	static const struct step steps[] = {
		MOVE('A', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('B', FIN, CLOSE_WAIT, ACK_EOF),
		MOVE('A', ACK_FIN, FIN_WAIT2, ACT(FIN_WAIT2_TIMER)),
		MOVE('B', CLOSE, LAST_ACK, ACT(SEND_FIN)),
		MOVE('A', FIN, TIME_WAIT, ACK_EOF | ACT(ENTER_TIMEWAIT)),
		MOVE('B', ACK_FIN, CLOSE, ACT(DELETE_TCB)),
	};

	WALK(ESTABLISHED, ESTABLISHED, steps);
}

/* Figure 13: simultaneous close. */
TEST(simultaneous_close)
{
	static const struct step steps[] = {
		MOVE('A', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('B', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('A', FIN, CLOSING, ACK_EOF),
		MOVE('B', FIN, CLOSING, ACK_EOF),
		/* The peer's FIN again: its ACK of ours is still to come. */
		MOVE('A', FIN, CLOSING, ACT(SEND_ACK)),
		MOVE('A', ACK_FIN, TIME_WAIT, ACT(ENTER_TIMEWAIT)),
		MOVE('B', ACK_FIN, TIME_WAIT, ACT(ENTER_TIMEWAIT)),
	};

	WALK(ESTABLISHED, ESTABLISHED, steps);
}

/*
 * Note 2 of Figure 5: B's FIN also acks A's.  The receive path takes the
 * ACK first, then the FIN: FIN-WAIT-1 to TIME-WAIT in one segment.
 */
TEST(fin_ack_in_fin_wait1)
{
	static const struct step steps[] = {
		MOVE('A', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('B', FIN, CLOSE_WAIT, ACK_EOF),
		MOVE('B', CLOSE, LAST_ACK, ACT(SEND_FIN)),
		/* One segment: FIN,ACK. */
		MOVE('A', ACK_FIN, FIN_WAIT2, ACT(FIN_WAIT2_TIMER)),
		MOVE('A', FIN, TIME_WAIT, ACK_EOF | ACT(ENTER_TIMEWAIT)),
		MOVE('B', ACK_FIN, CLOSE, ACT(DELETE_TCB)),
	};

	WALK(ESTABLISHED, ESTABLISHED, steps);
}

/* Half-close: A stops sending and keeps reading what B still sends. */
TEST(half_close)
{
	static const struct step steps[] = {
		MOVE('A', SHUTDOWN, FIN_WAIT1, ACT(SEND_FIN)),
		IGNORED('A', SHUTDOWN, FIN_WAIT1),
		MOVE('B', FIN, CLOSE_WAIT, ACK_EOF),
		MOVE('A', ACK_FIN, FIN_WAIT2, ACT(FIN_WAIT2_TIMER)),
		/* B's data arrives: each ACK still acks A's FIN. */
		IGNORED('A', ACK_FIN, FIN_WAIT2),
		IGNORED('A', SHUTDOWN, FIN_WAIT2),
		/* close() now; sock.c arms the timer for the orphan. */
		IGNORED('A', CLOSE, FIN_WAIT2),
		MOVE('B', SHUTDOWN, LAST_ACK, ACT(SEND_FIN)),
		IGNORED('B', SHUTDOWN, LAST_ACK),
		MOVE('A', FIN, TIME_WAIT, ACK_EOF | ACT(ENTER_TIMEWAIT)),
		/* A's ACK lost: B's FIN again, then the ACK. */
		MOVE('B', FIN, LAST_ACK, ACT(SEND_ACK)),
		IGNORED('B', CLOSE, LAST_ACK),
		MOVE('B', ACK_FIN, CLOSE, ACT(DELETE_TCB)),
	};

	WALK(ESTABLISHED, ESTABLISHED, steps);
}

/* Half-close the other way round: B's FIN first, A keeps sending. */
TEST(half_close_passive_side)
{
	static const struct step steps[] = {
		MOVE('A', FIN, CLOSE_WAIT, ACK_EOF),
		/* B's FIN again, our ACK lost. */
		MOVE('A', FIN, CLOSE_WAIT, ACT(SEND_ACK)),
		MOVE('A', SHUTDOWN, LAST_ACK, ACT(SEND_FIN)),
		MOVE('A', FIN, LAST_ACK, ACT(SEND_ACK)),
		MOVE('A', ACK_FIN, CLOSE, ACT(DELETE_TCB)),
	};

	WALK(ESTABLISHED, FIN_WAIT2, steps);
}

/* A simultaneous close, then shutdown() and close() with nothing to do. */
TEST(calls_while_closing)
{
	static const struct step steps[] = {
		MOVE('A', SHUTDOWN, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('A', FIN, CLOSING, ACK_EOF),
		IGNORED('A', SHUTDOWN, CLOSING),
		IGNORED('A', CLOSE, CLOSING),
		MOVE('A', ACK_FIN, TIME_WAIT, ACT(ENTER_TIMEWAIT)),
	};

	WALK(ESTABLISHED, ESTABLISHED, steps);
}

TEST(rst_refuses_connect)
{
	static const struct step steps[] = {
		MOVE_ERR('A', RST, CLOSE, REFUSED, ACT(DELETE_TCB)),
	};

	WALK(SYN_SENT, CLOSE, steps);
}

/*
 * SYN-RECEIVED in a socket is an active open's (simultaneous open): the
 * connection is refused.  A passive one's is a request, not a socket.
 */
TEST(rst_in_syn_recv)
{
	static const struct step steps[] = {
		MOVE('A', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('A', RST_CHALLENGE, SYN_RECV, ACT(CHALLENGE_ACK)),
		MOVE('A', BAD_ACK, SYN_RECV, ACT(REPLY_RST)),
		MOVE_ERR('A', RST, CLOSE, REFUSED, ACT(DELETE_TCB)),
	};

	WALK(SYN_SENT, CLOSE, steps);
}

/* After synchronization a RST resets; with nothing owed, quietly. */
TEST(rst_resets_synchronized)
{
	static const struct step loud[] = {
		MOVE('A', RST_CHALLENGE, ESTABLISHED, ACT(CHALLENGE_ACK)),
		MOVE_ERR('A', RST, CLOSE, RESET, ACT(DELETE_TCB)),
		MOVE('B', CLOSE, LAST_ACK, ACT(SEND_FIN)),
		MOVE('B', RST_CHALLENGE, LAST_ACK, ACT(CHALLENGE_ACK)),
		MOVE('B', RST, CLOSE, ACT(DELETE_TCB)),
	};
	static const struct step fin_wait[] = {
		MOVE('A', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('A', RST_CHALLENGE, FIN_WAIT1, ACT(CHALLENGE_ACK)),
		MOVE_ERR('A', RST, CLOSE, RESET, ACT(DELETE_TCB)),
		MOVE('B', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('B', ACK_FIN, FIN_WAIT2, ACT(FIN_WAIT2_TIMER)),
		MOVE('B', RST_CHALLENGE, FIN_WAIT2, ACT(CHALLENGE_ACK)),
		MOVE_ERR('B', RST, CLOSE, RESET, ACT(DELETE_TCB)),
	};
	static const struct step closing[] = {
		MOVE('A', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('A', FIN, CLOSING, ACK_EOF),
		MOVE('A', RST_CHALLENGE, CLOSING, ACT(CHALLENGE_ACK)),
		MOVE('A', RST, CLOSE, ACT(DELETE_TCB)),
	};

	WALK(ESTABLISHED, CLOSE_WAIT, loud);
	WALK(ESTABLISHED, ESTABLISHED, fin_wait);
	WALK(ESTABLISHED, ESTABLISHED, closing);
}

/* An unacceptable ACK: a RST before synchronization, an ACK after. */
TEST(bad_ack)
{
	static const struct step steps[] = {
		MOVE('A', BAD_ACK, SYN_SENT, ACT(REPLY_RST)),
		MOVE('A', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('A', BAD_ACK, SYN_RECV, ACT(REPLY_RST)),
		MOVE('A', ACK_SYN, ESTABLISHED, ACT(NOTIFY_CONNECTED)),
		MOVE('A', BAD_ACK, ESTABLISHED, ACT(CHALLENGE_ACK)),
		MOVE('A', SHUTDOWN, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('A', BAD_ACK, FIN_WAIT1, ACT(CHALLENGE_ACK)),
		MOVE('A', FIN, CLOSING, ACK_EOF),
		MOVE('A', BAD_ACK, CLOSING, ACT(CHALLENGE_ACK)),
		MOVE('B', FIN, CLOSE_WAIT, ACK_EOF),
		MOVE('B', BAD_ACK, CLOSE_WAIT, ACT(CHALLENGE_ACK)),
		MOVE('B', CLOSE, LAST_ACK, ACT(SEND_FIN)),
		MOVE('B', BAD_ACK, LAST_ACK, ACT(CHALLENGE_ACK)),
	};

	WALK(SYN_SENT, ESTABLISHED, steps);
}

/* RFC 1122 section 4.2.2.13: close() with data unread resets. */
TEST(close_with_unread_data)
{
	static const struct step steps[] = {
		MOVE('A', CLOSE_UNREAD, CLOSE, RST_DEL),
		MOVE_ERR('B', RST, CLOSE, RESET, ACT(DELETE_TCB)),
	};
	static const struct step late[] = {
		MOVE('A', FIN, CLOSE_WAIT, ACK_EOF),
		MOVE('A', SHUTDOWN, LAST_ACK, ACT(SEND_FIN)),
		MOVE('A', CLOSE_UNREAD, CLOSE, RST_DEL),
		MOVE('B', SHUTDOWN, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('B', FIN, CLOSING, ACK_EOF),
		MOVE('B', CLOSE_UNREAD, CLOSE, RST_DEL),
	};

	WALK(ESTABLISHED, ESTABLISHED, steps);
	WALK(ESTABLISHED, ESTABLISHED, late);
}

/* RFC 1122 section 4.2.2.13: data after close() resets too. */
TEST(data_after_close)
{
	static const struct step steps[] = {
		MOVE('A', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE_ERR('A', DATA_AFTER_CLOSE, CLOSE, RESET,
			 ACT(REPLY_RST) | ACT(DELETE_TCB)),
		MOVE('B', ACK_FIN, FIN_WAIT2, ACT(FIN_WAIT2_TIMER)),
		MOVE_ERR('B', DATA_AFTER_CLOSE, CLOSE, RESET,
			 ACT(REPLY_RST) | ACT(DELETE_TCB)),
	};

	WALK(ESTABLISHED, FIN_WAIT1, steps);
}

/* Section 3.10.5: a RST only where the peer still expects something. */
TEST(abort_call)
{
	static const struct step steps[] = {
		MOVE('A', ABORT, CLOSE, ACT(DELETE_TCB)),
		MOVE('B', ABORT, CLOSE, RST_DEL),
	};
	static const struct step closing[] = {
		MOVE('A', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('A', FIN, CLOSING, ACK_EOF),
		MOVE('A', ABORT, CLOSE, ACT(DELETE_TCB)),
		MOVE('B', FIN, CLOSE_WAIT, ACK_EOF),
		MOVE('B', ABORT, CLOSE, RST_DEL),
	};

	WALK(SYN_SENT, ESTABLISHED, steps);
	WALK(ESTABLISHED, ESTABLISHED, closing);
}

/* close() before the handshake is done. */
TEST(close_while_opening)
{
	static const struct step steps[] = {
		MOVE('A', CLOSE, CLOSE, ACT(DELETE_TCB)),
		MOVE('B', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('B', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		IGNORED('B', CLOSE, FIN_WAIT1),
	};

	WALK(SYN_SENT, SYN_SENT, steps);
}

TEST(timers)
{
	static const struct step steps[] = {
		MOVE_ERR('A', RTX_TIMEOUT, CLOSE, TIMEOUT, ACT(DELETE_TCB)),
		MOVE_ERR('B', KEEPALIVE_TIMEOUT, CLOSE, TIMEOUT, RST_DEL),
	};
	static const struct step fw2[] = {
		MOVE('A', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('A', ACK_FIN, FIN_WAIT2, ACT(FIN_WAIT2_TIMER)),
		MOVE('A', FIN_WAIT2_TIMEOUT, CLOSE, RST_DEL),
		MOVE_ERR('B', RTX_TIMEOUT, CLOSE, TIMEOUT, ACT(DELETE_TCB)),
	};

	WALK(SYN_SENT, ESTABLISHED, steps);
	WALK(ESTABLISHED, LAST_ACK, fw2);
}

TEST(synchronized_states)
{
	enum tcpalt_state s;

	FOR_EACH_STATE(s)
		EXPECT_EQ(s != TCPALT_CLOSE && s != TCPALT_LISTEN &&
			  s != TCPALT_SYN_SENT && s != TCPALT_SYN_RECV,
			  tcpalt_state_synchronized(s));
}

TEST_HARNESS_MAIN
