// SPDX-License-Identifier: GPL-2.0
/*
 * The state machine table: every cell defined, the rules that hold across
 * it, and the connection scenarios of RFC 9293 section 3.5 walked on both
 * ends.
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
	return e == TCPALT_EV_RST || e == TCPALT_EV_RST_PASSIVE ||
	       e == TCPALT_EV_RST_CHALLENGE;
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
#define FAILS(end, ev, st, e) \
	{ end, EV(ev), TCPALT_SM_ERROR, ST(st), 0, TCPALT_SM_ERR_##e }

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

/* A zero-initialized cell has verdict TCPALT_SM_GAP: there must be none. */
TEST(every_cell_defined)
{
	const struct tcpalt_sm_entry *e;
	enum tcpalt_state s;
	enum tcpalt_event ev;
	int cells = 0;

	FOR_EACH_STATE(s) FOR_EACH_EVENT(ev) {
		e = tcpalt_sm_lookup(s, ev);
		ASSERT_NE(NULL, e);
		cells++;
		switch (e->verdict) {
		case TCPALT_SM_MOVE:
			EXPECT_GE(e->next, TCPALT_ESTABLISHED);
			EXPECT_LT(e->next, TCPALT_NR_STATES);
			break;
		case TCPALT_SM_IGNORE:
			EXPECT_EQ(0, e->actions);
			EXPECT_EQ(TCPALT_SM_OK, e->err);
			break;
		case TCPALT_SM_ERROR:
			EXPECT_EQ(0, e->actions);
			EXPECT_NE(TCPALT_SM_OK, e->err);
			EXPECT_TRUE(is_user_event(ev));
			break;
		default:
			EXPECT_TRUE(false)
				TH_LOG("gap: %s in %s", tcpalt_event_name(ev),
				       tcpalt_state_name(s));
		}
	}
	EXPECT_EQ(11 * TCPALT_NR_EVENTS, cells);
}

TEST(out_of_range_is_ignored)
{
	const struct tcpalt_sm_entry *e;

	e = tcpalt_sm_lookup(0, TCPALT_EV_SYN);
	EXPECT_EQ(TCPALT_SM_IGNORE, e->verdict);
	e = tcpalt_sm_lookup(TCPALT_NR_STATES, TCPALT_EV_SYN);
	EXPECT_EQ(TCPALT_SM_IGNORE, e->verdict);
	e = tcpalt_sm_lookup(TCPALT_ESTABLISHED, TCPALT_NR_EVENTS);
	EXPECT_EQ(TCPALT_SM_IGNORE, e->verdict);
	e = tcpalt_sm_lookup(TCPALT_ESTABLISHED, 1000);
	EXPECT_EQ(TCPALT_SM_IGNORE, e->verdict);
	EXPECT_EQ(0, e->actions);
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
		if (e->actions & ACT(DELETE_TCB))
			EXPECT_EQ(TCPALT_CLOSE, e->next);
		if (e->actions & ACT(BACK_TO_LISTEN))
			EXPECT_EQ(TCPALT_LISTEN, e->next);
		if (e->actions & ACT(NOTIFY_CONNECTED))
			EXPECT_TRUE(e->next == TCPALT_ESTABLISHED ||
				    e->next == TCPALT_CLOSE_WAIT);
		if (e->actions & ACT(FIN_WAIT2_TIMER))
			EXPECT_EQ(TCPALT_FIN_WAIT2, e->next);
		if (e->actions & ACT(ENTER_TIMEWAIT))
			EXPECT_EQ(TCPALT_TIME_WAIT, e->next);
		/* Entering TIME-WAIT always starts its timer. */
		if (e->next == TCPALT_TIME_WAIT && s != TCPALT_TIME_WAIT)
			EXPECT_TRUE(e->actions & ACT(ENTER_TIMEWAIT))
				TH_LOG("%s in %s", tcpalt_event_name(ev),
				       tcpalt_state_name(s));
		/* Leaving a live connection for CLOSED frees it. */
		if (e->next == TCPALT_CLOSE && s != TCPALT_CLOSE)
			EXPECT_TRUE(e->actions & ACT(DELETE_TCB))
				TH_LOG("%s in %s", tcpalt_event_name(ev),
				       tcpalt_state_name(s));
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
						    ACT(DELETE_TCB) |
						    ACT(BACK_TO_LISTEN)));
		if (is_user_event(ev) || is_timer_event(ev))
			EXPECT_EQ(0, e->actions & ACT(REPLY_RST));
	}
}

/* A connection from a passive open differs only in SYN-RECEIVED. */
TEST(rst_passive_differs_only_in_syn_recv)
{
	const struct tcpalt_sm_entry *a, *p;
	enum tcpalt_state s;

	FOR_EACH_STATE(s) {
		a = tcpalt_sm_lookup(s, TCPALT_EV_RST);
		p = tcpalt_sm_lookup(s, TCPALT_EV_RST_PASSIVE);
		if (s == TCPALT_SYN_RECV) {
			EXPECT_NE(0, memcmp(a, p, sizeof(*a)));
			continue;
		}
		EXPECT_EQ(0, memcmp(a, p, sizeof(*a)))
			TH_LOG("differs in %s", tcpalt_state_name(s));
	}
}

/* RFC 9293 section 3.10.7.1: no connection, every non-RST draws a RST. */
TEST(closed_answers_with_rst)
{
	const struct tcpalt_sm_entry *e;
	enum tcpalt_event ev;

	FOR_EACH_EVENT(ev) {
		e = tcpalt_sm_lookup(TCPALT_CLOSE, ev);
		if (is_user_event(ev) || is_timer_event(ev))
			continue;
		if (is_rst_event(ev)) {
			EXPECT_EQ(TCPALT_SM_IGNORE, e->verdict);
			continue;
		}
		EXPECT_EQ(TCPALT_SM_MOVE, e->verdict);
		EXPECT_EQ(TCPALT_CLOSE, e->next);
		EXPECT_EQ(ACT(REPLY_RST), e->actions)
			TH_LOG("%s", tcpalt_event_name(ev));
	}
	EXPECT_EQ(TCPALT_SM_ERR_NOCONN,
		  tcpalt_sm_lookup(TCPALT_CLOSE, TCPALT_EV_SEND)->err);
	EXPECT_EQ(TCPALT_SM_ERR_NOCONN,
		  tcpalt_sm_lookup(TCPALT_CLOSE, TCPALT_EV_CLOSE)->err);
	EXPECT_EQ(TCPALT_SM_ERR_NOCONN,
		  tcpalt_sm_lookup(TCPALT_CLOSE, TCPALT_EV_SHUTDOWN)->err);
	EXPECT_EQ(TCPALT_SM_ERR_NOCONN,
		  tcpalt_sm_lookup(TCPALT_CLOSE, TCPALT_EV_ABORT)->err);
}

/*
 * RFC 5961 section 4.2: a SYN, or SYN,ACK, in a synchronized state draws
 * a challenge ACK and changes nothing, whatever its sequence number.
 */
TEST(syn_in_synchronized_state_challenged)
{
	static const enum tcpalt_event evs[] = {
		TCPALT_EV_SYN, TCPALT_EV_SYNACK,
	};
	const struct tcpalt_sm_entry *e;
	enum tcpalt_state s;
	size_t i;
	int synced = 0;

	FOR_EACH_STATE(s) {
		if (!tcpalt_state_synchronized(s))
			continue;
		synced++;
		for (i = 0; i < 2; i++) {
			e = tcpalt_sm_lookup(s, evs[i]);
			EXPECT_EQ(TCPALT_SM_MOVE, e->verdict);
			EXPECT_EQ(s, e->next);
			EXPECT_EQ(ACT(CHALLENGE_ACK), e->actions);
		}
	}
	EXPECT_EQ(7, synced);
}

/* RFC 5961 section 3.2 everywhere it applies; RFC 1337 in TIME-WAIT. */
TEST(rst_in_window_challenged)
{
	const struct tcpalt_sm_entry *e;
	enum tcpalt_state s;

	FOR_EACH_STATE(s) {
		e = tcpalt_sm_lookup(s, TCPALT_EV_RST_CHALLENGE);
		if (s == TCPALT_SYN_RECV ||
		    (tcpalt_state_synchronized(s) && s != TCPALT_TIME_WAIT)) {
			EXPECT_EQ(TCPALT_SM_MOVE, e->verdict);
			EXPECT_EQ(s, e->next);
			EXPECT_EQ(ACT(CHALLENGE_ACK), e->actions);
		} else {
			EXPECT_EQ(TCPALT_SM_IGNORE, e->verdict)
				TH_LOG("%s", tcpalt_state_name(s));
		}
	}
}

TEST(rst_ignored_in_time_wait)
{
	EXPECT_EQ(TCPALT_SM_IGNORE,
		  tcpalt_sm_lookup(TCPALT_TIME_WAIT, TCPALT_EV_RST)->verdict);
	EXPECT_EQ(TCPALT_SM_IGNORE,
		  tcpalt_sm_lookup(TCPALT_TIME_WAIT,
				   TCPALT_EV_RST_PASSIVE)->verdict);
	EXPECT_EQ(TCPALT_SM_IGNORE,
		  tcpalt_sm_lookup(TCPALT_TIME_WAIT,
				   TCPALT_EV_RST_CHALLENGE)->verdict);
}

/* Figure 6: basic three-way handshake. */
TEST(three_way_handshake)
{
	static const struct step steps[] = {
		MOVE('B', LISTEN, LISTEN, 0),
		MOVE('A', CONNECT, SYN_SENT, ACT(SEND_SYN)),
		MOVE('B', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('A', SYNACK, ESTABLISHED,
		     ACT(SEND_ACK) | ACT(NOTIFY_CONNECTED)),
		MOVE('B', ACK_SYN, ESTABLISHED, ACT(NOTIFY_CONNECTED)),
		MOVE('A', SEND, ESTABLISHED, ACT(QUEUE_DATA)),
		MOVE('B', SEND, ESTABLISHED, ACT(QUEUE_DATA)),
	};

	WALK(CLOSE, CLOSE, steps);
}

/* Our SYN,ACK lost: the peer's repeated SYN gets it again. */
TEST(syn_retransmitted_to_syn_recv)
{
	static const struct step steps[] = {
		MOVE('A', CONNECT, SYN_SENT, ACT(SEND_SYN)),
		MOVE('B', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('B', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('A', SYNACK, ESTABLISHED,
		     ACT(SEND_ACK) | ACT(NOTIFY_CONNECTED)),
		MOVE('B', ACK_SYN, ESTABLISHED, ACT(NOTIFY_CONNECTED)),
		/* Our final ACK lost: the repeated SYN,ACK draws one. */
		MOVE('A', SYNACK, ESTABLISHED, ACT(CHALLENGE_ACK)),
	};

	WALK(CLOSE, LISTEN, steps);
}

/* Figure 7: simultaneous open. */
TEST(simultaneous_open)
{
	static const struct step steps[] = {
		MOVE('A', CONNECT, SYN_SENT, ACT(SEND_SYN)),
		MOVE('B', CONNECT, SYN_SENT, ACT(SEND_SYN)),
		MOVE('A', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('B', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('A', SYNACK, ESTABLISHED,
		     ACT(SEND_ACK) | ACT(NOTIFY_CONNECTED)),
		MOVE('B', SYNACK, ESTABLISHED,
		     ACT(SEND_ACK) | ACT(NOTIFY_CONNECTED)),
	};

	WALK(CLOSE, CLOSE, steps);
}

/* Simultaneous open where B's SYN,ACK is lost and A's ACK completes it. */
TEST(simultaneous_open_completed_by_ack)
{
	static const struct step steps[] = {
		MOVE('A', CONNECT, SYN_SENT, ACT(SEND_SYN)),
		MOVE('B', CONNECT, SYN_SENT, ACT(SEND_SYN)),
		MOVE('A', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('B', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('B', SYNACK, ESTABLISHED,
		     ACT(SEND_ACK) | ACT(NOTIFY_CONNECTED)),
		MOVE('A', ACK_SYN, ESTABLISHED, ACT(NOTIFY_CONNECTED)),
	};

	WALK(CLOSE, CLOSE, steps);
}

/* Figure 8: recovery from an old duplicate SYN. */
TEST(old_duplicate_syn_recovery)
{
	static const struct step steps[] = {
		MOVE('A', CONNECT, SYN_SENT, ACT(SEND_SYN)),
		/* The old SYN reaches B first. */
		MOVE('B', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		/* Its SYN,ACK does not ack A's SYN. */
		MOVE('A', BAD_ACK, SYN_SENT, ACT(REPLY_RST)),
		MOVE('B', RST_PASSIVE, LISTEN, ACT(BACK_TO_LISTEN)),
		/* Now A's own SYN. */
		MOVE('B', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('A', SYNACK, ESTABLISHED,
		     ACT(SEND_ACK) | ACT(NOTIFY_CONNECTED)),
		MOVE('B', ACK_SYN, ESTABLISHED, ACT(NOTIFY_CONNECTED)),
	};

	WALK(CLOSE, LISTEN, steps);
}

/* Figure 9: half-open connection discovery; A crashed and reconnects. */
TEST(half_open_discovery)
{
	static const struct step steps[] = {
		MOVE('A', CONNECT, SYN_SENT, ACT(SEND_SYN)),
		MOVE('B', SYN, ESTABLISHED, ACT(CHALLENGE_ACK)),
		MOVE('A', BAD_ACK, SYN_SENT, ACT(REPLY_RST)),
		/* The RST's SEQ is B's own SEG.ACK: exactly RCV.NXT. */
		MOVE_ERR('B', RST, CLOSE, RESET, ACT(DELETE_TCB)),
	};

	WALK(CLOSE, ESTABLISHED, steps);
}

/* Figure 10: the active side causes half-open discovery. */
TEST(active_side_half_open_discovery)
{
	static const struct step steps[] = {
		MOVE('A', SEND, ESTABLISHED, ACT(QUEUE_DATA)),
		/* B lost the connection: A's data finds none. */
		MOVE('B', BAD_ACK, CLOSE, ACT(REPLY_RST)),
		MOVE_ERR('A', RST, CLOSE, RESET, ACT(DELETE_TCB)),
	};

	WALK(ESTABLISHED, CLOSE, steps);
}

/* Figure 11: an old duplicate SYN resets two passive sockets. */
TEST(old_duplicate_syn_two_passive)
{
	static const struct step steps[] = {
		MOVE('B', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('A', BAD_ACK, LISTEN, ACT(REPLY_RST)),
		MOVE('B', RST_PASSIVE, LISTEN, ACT(BACK_TO_LISTEN)),
	};

	WALK(LISTEN, LISTEN, steps);
	/* A SYN,ACK at a listener is answered so however it is named. */
	EXPECT_EQ(ACT(REPLY_RST),
		  tcpalt_sm_lookup(TCPALT_LISTEN, TCPALT_EV_SYNACK)->actions);
	EXPECT_EQ(ACT(REPLY_RST),
		  tcpalt_sm_lookup(TCPALT_LISTEN, TCPALT_EV_ACK_SYN)->actions);
}

/* Figure 12: normal close, A first. */
TEST(normal_close)
{
	static const struct step steps[] = {
		MOVE('A', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('B', FIN, CLOSE_WAIT, ACT(SEND_ACK) | ACT(NOTIFY_EOF)),
		MOVE('A', ACK_FIN, FIN_WAIT2, ACT(FIN_WAIT2_TIMER)),
		MOVE('B', CLOSE, LAST_ACK, ACT(SEND_FIN)),
		MOVE('A', FIN, TIME_WAIT, ACT(SEND_ACK) | ACT(NOTIFY_EOF) |
		     ACT(ENTER_TIMEWAIT)),
		MOVE('B', ACK_FIN, CLOSE, ACT(DELETE_TCB)),
		/* B's FIN again, as if our ACK were lost: 2*MSL anew. */
		MOVE('A', FIN, TIME_WAIT, ACT(SEND_ACK) | ACT(ENTER_TIMEWAIT)),
		MOVE('A', TIMEWAIT_TIMEOUT, CLOSE, ACT(DELETE_TCB)),
	};

	WALK(ESTABLISHED, ESTABLISHED, steps);
}

/* Figure 13: simultaneous close. */
TEST(simultaneous_close)
{
	static const struct step steps[] = {
		MOVE('A', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('B', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('A', FIN, CLOSING, ACT(SEND_ACK) | ACT(NOTIFY_EOF)),
		MOVE('B', FIN, CLOSING, ACT(SEND_ACK) | ACT(NOTIFY_EOF)),
		MOVE('A', ACK_FIN, TIME_WAIT, ACT(ENTER_TIMEWAIT)),
		MOVE('B', ACK_FIN, TIME_WAIT, ACT(ENTER_TIMEWAIT)),
		MOVE('A', TIMEWAIT_TIMEOUT, CLOSE, ACT(DELETE_TCB)),
		MOVE('B', TIMEWAIT_TIMEOUT, CLOSE, ACT(DELETE_TCB)),
	};

	WALK(ESTABLISHED, ESTABLISHED, steps);
}

/*
 * B gets A's FIN before closing, so B's FIN acks A's: A goes from
 * FIN-WAIT-1 straight to TIME-WAIT (note 2 of Figure 5).
 */
TEST(fin_ack_in_fin_wait1)
{
	static const struct step steps[] = {
		MOVE('A', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('B', FIN, CLOSE_WAIT, ACT(SEND_ACK) | ACT(NOTIFY_EOF)),
		MOVE('B', CLOSE, LAST_ACK, ACT(SEND_FIN)),
		/* B's ACK was merged into its FIN, or lost. */
		MOVE('A', FIN_ACK_FIN, TIME_WAIT, ACT(SEND_ACK) |
		     ACT(NOTIFY_EOF) | ACT(ENTER_TIMEWAIT)),
		MOVE('B', ACK_FIN, CLOSE, ACT(DELETE_TCB)),
	};

	WALK(ESTABLISHED, ESTABLISHED, steps);
}

/* A simultaneous close where the second FIN also acks the first. */
TEST(closing_with_fin_ack)
{
	static const struct step steps[] = {
		MOVE('A', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		MOVE('A', FIN, CLOSING, ACT(SEND_ACK) | ACT(NOTIFY_EOF)),
		MOVE('A', FIN_ACK_FIN, TIME_WAIT,
		     ACT(SEND_ACK) | ACT(ENTER_TIMEWAIT)),
	};

	WALK(ESTABLISHED, ESTABLISHED, steps);
}

/* Half-close: A stops sending and keeps reading what B still sends. */
TEST(half_close)
{
	static const struct step steps[] = {
		MOVE('A', SHUTDOWN, FIN_WAIT1, ACT(SEND_FIN)),
		IGNORED('A', SHUTDOWN, FIN_WAIT1),
		FAILS('A', SEND, FIN_WAIT1, CLOSING),
		MOVE('B', FIN, CLOSE_WAIT, ACT(SEND_ACK) | ACT(NOTIFY_EOF)),
		MOVE('A', ACK_FIN, FIN_WAIT2, ACT(FIN_WAIT2_TIMER)),
		MOVE('B', SEND, CLOSE_WAIT, ACT(QUEUE_DATA)),
		MOVE('B', SEND, CLOSE_WAIT, ACT(QUEUE_DATA)),
		FAILS('A', SEND, FIN_WAIT2, CLOSING),
		IGNORED('A', SHUTDOWN, FIN_WAIT2),
		/* close() now: the timer bounds the wait for B's FIN. */
		MOVE('A', CLOSE, FIN_WAIT2, ACT(FIN_WAIT2_TIMER)),
		MOVE('B', SHUTDOWN, LAST_ACK, ACT(SEND_FIN)),
		FAILS('B', SEND, LAST_ACK, CLOSING),
		MOVE('A', FIN, TIME_WAIT, ACT(SEND_ACK) | ACT(NOTIFY_EOF) |
		     ACT(ENTER_TIMEWAIT)),
		MOVE('B', ACK_FIN, CLOSE, ACT(DELETE_TCB)),
		FAILS('A', CLOSE, TIME_WAIT, CLOSING),
	};

	WALK(ESTABLISHED, ESTABLISHED, steps);
}

/* Half-close the other way round: B's FIN first, A keeps sending. */
TEST(half_close_passive_side)
{
	static const struct step steps[] = {
		MOVE('A', FIN, CLOSE_WAIT, ACT(SEND_ACK) | ACT(NOTIFY_EOF)),
		MOVE('A', SEND, CLOSE_WAIT, ACT(QUEUE_DATA)),
		/* B's FIN again, our ACK lost. */
		MOVE('A', FIN, CLOSE_WAIT, ACT(SEND_ACK)),
		MOVE('A', SHUTDOWN, LAST_ACK, ACT(SEND_FIN)),
		MOVE('A', FIN, LAST_ACK, ACT(SEND_ACK)),
		MOVE('A', ACK_FIN, CLOSE, ACT(DELETE_TCB)),
	};

	WALK(ESTABLISHED, FIN_WAIT2, steps);
}

TEST(rst_refuses_connect)
{
	static const struct step steps[] = {
		MOVE('A', CONNECT, SYN_SENT, ACT(SEND_SYN)),
		MOVE_ERR('A', RST, CLOSE, REFUSED, ACT(DELETE_TCB)),
	};

	WALK(CLOSE, CLOSE, steps);
}

/* Note 1 of Figure 5: passive SYN-RECEIVED returns to LISTEN quietly. */
TEST(rst_in_syn_recv_passive)
{
	static const struct step steps[] = {
		MOVE('B', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('B', RST_PASSIVE, LISTEN, ACT(BACK_TO_LISTEN)),
		MOVE('B', SYN, SYN_RECV, ACT(SEND_SYNACK)),
	};

	WALK(CLOSE, LISTEN, steps);
}

/* Active SYN-RECEIVED (simultaneous open): the connection is refused. */
TEST(rst_in_syn_recv_active)
{
	static const struct step steps[] = {
		MOVE('A', CONNECT, SYN_SENT, ACT(SEND_SYN)),
		MOVE('A', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('A', RST_CHALLENGE, SYN_RECV, ACT(CHALLENGE_ACK)),
		MOVE_ERR('A', RST, CLOSE, REFUSED, ACT(DELETE_TCB)),
	};

	WALK(CLOSE, CLOSE, steps);
}

TEST(rst_resets_synchronized)
{
	static const enum tcpalt_state reset[] = {
		TCPALT_ESTABLISHED, TCPALT_FIN_WAIT1, TCPALT_FIN_WAIT2,
		TCPALT_CLOSE_WAIT,
	};
	static const enum tcpalt_state quiet[] = {
		TCPALT_CLOSING, TCPALT_LAST_ACK,
	};
	const struct tcpalt_sm_entry *e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reset); i++) {
		e = tcpalt_sm_lookup(reset[i], TCPALT_EV_RST);
		EXPECT_EQ(TCPALT_SM_MOVE, e->verdict);
		EXPECT_EQ(TCPALT_CLOSE, e->next);
		EXPECT_EQ(TCPALT_SM_ERR_RESET, e->err);
		EXPECT_EQ(ACT(DELETE_TCB), e->actions);
	}
	/* Nothing outstanding for the user: close without a word. */
	for (i = 0; i < ARRAY_SIZE(quiet); i++) {
		e = tcpalt_sm_lookup(quiet[i], TCPALT_EV_RST);
		EXPECT_EQ(TCPALT_SM_MOVE, e->verdict);
		EXPECT_EQ(TCPALT_CLOSE, e->next);
		EXPECT_EQ(TCPALT_SM_OK, e->err);
		EXPECT_EQ(ACT(DELETE_TCB), e->actions);
	}
	/* A listener ignores a RST. */
	EXPECT_EQ(TCPALT_SM_IGNORE,
		  tcpalt_sm_lookup(TCPALT_LISTEN, TCPALT_EV_RST)->verdict);
}

/* An unacceptable ACK before synchronization draws a RST, state kept. */
TEST(bad_ack_unsynchronized)
{
	static const struct step steps[] = {
		MOVE('A', BAD_ACK, LISTEN, ACT(REPLY_RST)),
		MOVE('A', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('A', BAD_ACK, SYN_RECV, ACT(REPLY_RST)),
		MOVE('B', CONNECT, SYN_SENT, ACT(SEND_SYN)),
		MOVE('B', BAD_ACK, SYN_SENT, ACT(REPLY_RST)),
		/* An ACK without SYN in SYN-SENT is dropped. */
		IGNORED('B', ACK_SYN, SYN_SENT),
		IGNORED('B', FIN, SYN_SENT),
		/* After synchronization, an ACK says where we are. */
		MOVE('A', ACK_SYN, ESTABLISHED, ACT(NOTIFY_CONNECTED)),
		MOVE('A', BAD_ACK, ESTABLISHED, ACT(CHALLENGE_ACK)),
	};

	WALK(LISTEN, CLOSE, steps);
}

/* RFC 1122 section 4.2.2.13: close() with data unread resets. */
TEST(close_with_unread_data)
{
	static const struct step steps[] = {
		MOVE('A', CLOSE_UNREAD, CLOSE,
		     ACT(SEND_RST) | ACT(DELETE_TCB)),
		MOVE_ERR('B', RST, CLOSE, RESET, ACT(DELETE_TCB)),
	};
	static const enum tcpalt_state rst_from[] = {
		TCPALT_SYN_RECV, TCPALT_ESTABLISHED, TCPALT_FIN_WAIT1,
		TCPALT_FIN_WAIT2, TCPALT_CLOSE_WAIT, TCPALT_CLOSING,
		TCPALT_LAST_ACK,
	};
	const struct tcpalt_sm_entry *e;
	size_t i;

	WALK(ESTABLISHED, ESTABLISHED, steps);
	for (i = 0; i < ARRAY_SIZE(rst_from); i++) {
		e = tcpalt_sm_lookup(rst_from[i], TCPALT_EV_CLOSE_UNREAD);
		EXPECT_EQ(TCPALT_CLOSE, e->next);
		EXPECT_EQ(ACT(SEND_RST) | ACT(DELETE_TCB), e->actions);
	}
	/* Only a plain close in TIME-WAIT: nobody is left to tell. */
	EXPECT_EQ(TCPALT_SM_ERR_CLOSING,
		  tcpalt_sm_lookup(TCPALT_TIME_WAIT,
				   TCPALT_EV_CLOSE_UNREAD)->err);
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
	static const struct {
		enum tcpalt_state from;
		u16 actions;
	} cases[] = {
		{ TCPALT_LISTEN, ACT(DELETE_TCB) },
		{ TCPALT_SYN_SENT, ACT(DELETE_TCB) },
		{ TCPALT_SYN_RECV, ACT(SEND_RST) | ACT(DELETE_TCB) },
		{ TCPALT_ESTABLISHED, ACT(SEND_RST) | ACT(DELETE_TCB) },
		{ TCPALT_FIN_WAIT1, ACT(SEND_RST) | ACT(DELETE_TCB) },
		{ TCPALT_FIN_WAIT2, ACT(SEND_RST) | ACT(DELETE_TCB) },
		{ TCPALT_CLOSE_WAIT, ACT(SEND_RST) | ACT(DELETE_TCB) },
		{ TCPALT_CLOSING, ACT(DELETE_TCB) },
		{ TCPALT_LAST_ACK, ACT(DELETE_TCB) },
		{ TCPALT_TIME_WAIT, ACT(DELETE_TCB) },
	};
	const struct tcpalt_sm_entry *e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		e = tcpalt_sm_lookup(cases[i].from, TCPALT_EV_ABORT);
		EXPECT_EQ(TCPALT_SM_MOVE, e->verdict);
		EXPECT_EQ(TCPALT_CLOSE, e->next);
		EXPECT_EQ(cases[i].actions, e->actions)
			TH_LOG("%s", tcpalt_state_name(cases[i].from));
	}
	EXPECT_EQ(TCPALT_SM_ERR_NOCONN,
		  tcpalt_sm_lookup(TCPALT_CLOSE, TCPALT_EV_ABORT)->err);
}

/* Figure 5's user-call arcs not walked by the scenarios above. */
TEST(user_calls)
{
	static const struct step steps[] = {
		MOVE('A', LISTEN, LISTEN, 0),
		IGNORED('A', LISTEN, LISTEN),
		IGNORED('A', SHUTDOWN, LISTEN),
		MOVE('A', CLOSE, CLOSE, ACT(DELETE_TCB)),
		MOVE('A', LISTEN, LISTEN, 0),
		/* An OPEN or SEND naming a peer turns a listener active. */
		MOVE('A', SEND, SYN_SENT, ACT(SEND_SYN) | ACT(QUEUE_DATA)),
		MOVE('A', SEND, SYN_SENT, ACT(QUEUE_DATA)),
		FAILS('A', CONNECT, SYN_SENT, EXISTS),
		FAILS('A', LISTEN, SYN_SENT, EXISTS),
		MOVE('A', CLOSE, CLOSE, ACT(DELETE_TCB)),
		MOVE('B', LISTEN, LISTEN, 0),
		MOVE('B', CONNECT, SYN_SENT, ACT(SEND_SYN)),
		MOVE('B', SHUTDOWN, CLOSE, ACT(DELETE_TCB)),
		/* close() in SYN-RECEIVED sends a FIN. */
		MOVE('B', CONNECT, SYN_SENT, ACT(SEND_SYN)),
		MOVE('B', SYN, SYN_RECV, ACT(SEND_SYNACK)),
		MOVE('B', SEND, SYN_RECV, ACT(QUEUE_DATA)),
		MOVE('B', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		IGNORED('B', CLOSE, FIN_WAIT1),
		FAILS('B', CONNECT, FIN_WAIT1, EXISTS),
	};

	WALK(CLOSE, CLOSE, steps);
}

TEST(timers)
{
	static const struct step steps[] = {
		MOVE('A', CONNECT, SYN_SENT, ACT(SEND_SYN)),
		MOVE_ERR('A', RTX_TIMEOUT, CLOSE, TIMEOUT, ACT(DELETE_TCB)),
		MOVE_ERR('B', KEEPALIVE_TIMEOUT, CLOSE, TIMEOUT,
			 ACT(SEND_RST) | ACT(DELETE_TCB)),
	};
	static const struct step fw2[] = {
		MOVE('A', CLOSE, FIN_WAIT1, ACT(SEND_FIN)),
		IGNORED('A', FIN_WAIT2_TIMEOUT, FIN_WAIT1),
		IGNORED('A', TIMEWAIT_TIMEOUT, FIN_WAIT1),
		MOVE('A', ACK_FIN, FIN_WAIT2, ACT(FIN_WAIT2_TIMER)),
		IGNORED('A', RTX_TIMEOUT, FIN_WAIT2),
		MOVE('A', FIN_WAIT2_TIMEOUT, CLOSE,
		     ACT(SEND_RST) | ACT(DELETE_TCB)),
		MOVE_ERR('B', RTX_TIMEOUT, CLOSE, TIMEOUT, ACT(DELETE_TCB)),
	};
	enum tcpalt_event ev;

	WALK(CLOSE, ESTABLISHED, steps);
	WALK(ESTABLISHED, LAST_ACK, fw2);
	/* TIME-WAIT ends only by its own timer. */
	for (ev = TCPALT_EV_RTX_TIMEOUT; ev < TCPALT_NR_EVENTS; ev++)
		EXPECT_EQ(ev == TCPALT_EV_TIMEWAIT_TIMEOUT ?
			  TCPALT_SM_MOVE : TCPALT_SM_IGNORE,
			  tcpalt_sm_lookup(TCPALT_TIME_WAIT, ev)->verdict);
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
