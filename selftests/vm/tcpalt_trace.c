// SPDX-License-Identifier: GPL-2.0
/*
 * The tcpalt tracepoints, read through tracefs: one connection's state
 * changes in order on both sides, its per-ACK probes with SND.UNA moving
 * on, a retransmission while b's ingress drops everything, the RSTs of
 * an abort, SYN cookies sent and checked, and the TIME-WAIT reaper.
 * tracefs is global: events are told apart by their ports.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"
#include "lib.h"

#define PORT		5700
#define WAIT_MS		5000
#define TRACEFS		"/sys/kernel/tracing"
#define MAX_EVENTS	4096

/* An event of the trace buffer, as tracefs prints it. */
struct event {
	char name[40];		/* without the tcpalt_ prefix */
	unsigned int sport, dport;
	char text[400];		/* its fields */
};

FIXTURE(trace) {
	struct event *ev;
	int n;
};

static int tracefs_write(const char *file, const char *text)
{
	char path[128];

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	return write_in(NULL, path, text);
}

/* tracefs, mounted if nobody has; 0, or -1. */
static int tracefs_mount(void)
{
	if (access(TRACEFS "/trace", F_OK) == 0)
		return 0;
	return mount("nodev", TRACEFS, "tracefs", 0, NULL);
}

FIXTURE_SETUP(trace)
{
	self->ev = calloc(MAX_EVENTS, sizeof(*self->ev));
	ASSERT_NE(NULL, self->ev);
	ASSERT_EQ(0, topo_setup());
	if (proto_is_tcp())
		SKIP(return, "TCP's tracepoints are another system");
	ASSERT_EQ(0, tracefs_mount());
	ASSERT_EQ(0, access(TRACEFS "/events/tcpalt", F_OK));
	ASSERT_EQ(0, tracefs_write("events/tcpalt/enable", "0"));
	ASSERT_EQ(0, tracefs_write("trace", ""));
	ASSERT_EQ(0, tracefs_write("events/tcpalt/enable", "1"));
}

FIXTURE_TEARDOWN(trace)
{
	tracefs_write("events/tcpalt/enable", "0");
	tracefs_write("trace", "");
	free(self->ev);
	topo_teardown();
}

/* One line of the trace file, "... tcpalt_NAME: fields", into e. */
static bool parse_event(const char *line, struct event *e)
{
	const char *name = strstr(line, ": tcpalt_");
	const char *colon, *p;

	if (!name)
		return false;
	name += strlen(": tcpalt_");
	colon = strchr(name, ':');
	if (!colon || colon - name >= (long)sizeof(e->name))
		return false;
	memset(e, 0, sizeof(*e));
	memcpy(e->name, name, colon - name);
	snprintf(e->text, sizeof(e->text), "%s", colon + 1);
	p = strstr(e->text, "sport=");
	if (p)
		sscanf(p, "sport=%u", &e->sport);
	p = strstr(e->text, "dport=");
	if (p)
		sscanf(p, "dport=%u", &e->dport);
	return true;
}

/* The events so far, oldest first; their number, or -1. */
static int read_events(struct event *ev, int max)
{
	FILE *f = fopen(TRACEFS "/trace", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (n < max && fgets(line, sizeof(line), f))
		if (parse_event(line, &ev[n]))
			n++;
	fclose(f);
	return n;
}

/* An unsigned field "name=value" of e's text; -1 if absent. */
static long long field(const struct event *e, const char *name)
{
	char key[40];
	const char *p;

	snprintf(key, sizeof(key), " %s=", name);
	p = strstr(e->text, key);
	return p ? strtoll(p + strlen(key), NULL, 0) : -1;
}

static bool is(const struct event *e, const char *name, int sport,
	       int dport)
{
	return !strcmp(e->name, name) && e->sport == sport &&
	       e->dport == dport;
}

static int count(const struct event *ev, int n, const char *name, int sport,
		 int dport)
{
	int i, hits = 0;

	for (i = 0; i < n; i++)
		hits += is(&ev[i], name, sport, dport);
	return hits;
}

/*
 * The state changes of the socket at sport talking to dport, as
 * "OLD>NEW" joined by spaces, into buf.
 */
static const char *moves(const struct event *ev, int n, int sport, int dport,
			 char *buf, size_t size)
{
	char old[20], new[20];
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *p = strstr(ev[i].text, "oldstate=");

		if (!is(&ev[i], "set_state", sport, dport) || !p ||
		    sscanf(p, "oldstate=%19s newstate=%19s", old, new) != 2)
			continue;
		len += snprintf(buf + len, size - len, "%s%s>%s",
				len ? " " : "", old, new);
		if (len >= size)
			break;
	}
	return buf;
}

/* Polls the trace until an event name of sport, dport shows up. */
static int wait_event(struct __test_metadata *_metadata,
		      FIXTURE_DATA(trace) *self, const char *name, int sport,
		      int dport, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	do {
		self->n = read_events(self->ev, MAX_EVENTS);
		if (count(self->ev, self->n, name, sport, dport))
			return 0;
		usleep(20000);
	} while (now_ms() < end);
	return -1;
}

/* Sends len bytes from a to b and reads them there. */
static void transfer(struct __test_metadata *_metadata, int a, int b,
		     size_t len)
{
	static char buf[65536];
	size_t got = 0;
	ssize_t r;

	ASSERT_LE(len, sizeof(buf));
	ASSERT_EQ((ssize_t)len, send(a, buf, len, 0));
	while (got < len) {
		ASSERT_GT(wait_fd(b, POLLIN, WAIT_MS), 0);
		r = recv(b, buf, sizeof(buf), 0);
		ASSERT_GT(r, 0);
		got += r;
	}
}

/*
 * One connection from its SYN to TIME-WAIT, where a's socket closes as
 * its TIME-WAIT entry takes over: each side's moves in order,
 * probes for its ACKs, SND.UNA never going back and covering what was
 * sent, and a retransmission of a segment sent while b dropped
 * everything.  The debug kernel sends a quarter of the bulk, and takes
 * up to a minute over the whole: the harness's 30 s is too short.
 */
TEST_F_TIMEOUT(trace, one_connection_in_order, 180)
{
	const size_t bulk = test_size(65536, 16384);
	long long t0 = now_ms();
	int cli, srv, cport, i, probes = 0;
	long long una = -1, first_una = -1;
	char buf[512];

	ASSERT_EQ(0, conn_pair(PORT, &cli, &srv));
	cport = local_port(cli);
	/* Its ACK is the first probe: what follows must all be acked. */
	transfer(_metadata, cli, srv, 1);
	ASSERT_EQ(0, wait_event(_metadata, self, "probe", cport, PORT,
				WAIT_MS));
	transfer(_metadata, cli, srv, bulk);
	transfer(_metadata, srv, cli, 1000);

	/* b drops all: the data goes again on the RTO. */
	ASSERT_EQ(0, drop_ingress(PEER_NS, "veth-b"));
	ASSERT_EQ(100, send(cli, buf, 100, 0));
	EXPECT_EQ(0, wait_event(_metadata, self, "retransmit", cport, PORT,
				WAIT_MS));
	ASSERT_EQ(0, allow_ingress(PEER_NS, "veth-b"));
	ASSERT_GT(wait_fd(srv, POLLIN, WAIT_MS), 0);
	ASSERT_EQ(100, recv(srv, buf, sizeof(buf), 0));

	close(cli);
	ASSERT_GT(wait_fd(srv, POLLIN, WAIT_MS), 0);
	ASSERT_EQ(0, recv(srv, buf, sizeof(buf), 0));
	close(srv);
	ASSERT_EQ(0, wait_event(_metadata, self, "set_state", PORT, cport,
				WAIT_MS));
	EXPECT_EQ(1, conns_wait(NULL, NULL, NULL, "TIME-WAIT", 1, WAIT_MS,
				NULL));
	self->n = read_events(self->ev, MAX_EVENTS);
	ASSERT_LT(0, self->n);
	TH_LOG("%d events in %lld ms", self->n, now_ms() - t0);

	EXPECT_STREQ("CLOSED>SYN-SENT SYN-SENT>ESTABLISHED "
		     "ESTABLISHED>FIN-WAIT-1 FIN-WAIT-1>FIN-WAIT-2 "
		     "FIN-WAIT-2>TIME-WAIT TIME-WAIT>CLOSED",
		     moves(self->ev, self->n, cport, PORT, buf, sizeof(buf)));
	EXPECT_STREQ("SYN-RECEIVED>ESTABLISHED ESTABLISHED>CLOSE-WAIT "
		     "CLOSE-WAIT>LAST-ACK LAST-ACK>CLOSED",
		     moves(self->ev, self->n, PORT, cport, buf, sizeof(buf)));

	for (i = 0; i < self->n; i++) {
		long long now;

		if (!is(&self->ev[i], "probe", cport, PORT))
			continue;
		now = field(&self->ev[i], "snd_una");
		ASSERT_LE(0, now);
		if (una >= 0)
			EXPECT_LE(0, (int)((unsigned int)now -
					   (unsigned int)una));
		if (first_una < 0)
			first_una = now;
		una = now;
		probes++;
	}
	EXPECT_LE(2, probes);
	/* After the first byte: the bulk and 100 bytes, all acked. */
	EXPECT_LE(bulk + 100, (unsigned int)una - (unsigned int)first_una);
	EXPECT_LE(1, count(self->ev, self->n, "retransmit", cport, PORT));
	EXPECT_EQ(0, count(self->ev, self->n, "send_reset", cport, PORT));
}

/* SO_LINGER 0: a sends a RST, b takes it and its connection ends. */
TEST_F(trace, abort_sends_and_receives_reset)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int cli, srv, cport;
	char buf[512];

	ASSERT_EQ(0, conn_pair(PORT, &cli, &srv));
	cport = local_port(cli);
	ASSERT_EQ(0, setsockopt(cli, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	close(cli);
	EXPECT_EQ(0, wait_event(_metadata, self, "receive_reset", PORT, cport,
				WAIT_MS));
	EXPECT_EQ(1, count(self->ev, self->n, "send_reset", cport, PORT));
	EXPECT_EQ(1, count(self->ev, self->n, "receive_reset", PORT, cport));
	EXPECT_STREQ("CLOSED>SYN-SENT SYN-SENT>ESTABLISHED ESTABLISHED>CLOSED",
		     moves(self->ev, self->n, cport, PORT, buf, sizeof(buf)));
	EXPECT_STREQ("SYN-RECEIVED>ESTABLISHED ESTABLISHED>CLOSED",
		     moves(self->ev, self->n, PORT, cport, buf, sizeof(buf)));
	close(srv);
}

/* syncookies 2: every SYN gets a cookie, and the final ACK is checked. */
TEST_F(trace, syncookie_sent_and_checked)
{
	int cli, srv, cport, i;

	ASSERT_EQ(0, proto_sysctl_set(PEER_NS, "syncookies", "2"));
	ASSERT_EQ(0, conn_pair(PORT, &cli, &srv));
	cport = local_port(cli);
	EXPECT_EQ(0, wait_event(_metadata, self, "syncookie_check", PORT,
				cport, WAIT_MS));
	EXPECT_EQ(1, count(self->ev, self->n, "syncookie_send", PORT, cport));
	for (i = 0; i < self->n; i++)
		if (is(&self->ev[i], "syncookie_check", PORT, cport))
			EXPECT_EQ(1, field(&self->ev[i], "valid"));
	close(cli);
	close(srv);
}

/* With tw_timeout at a second, the reaper reports the entry it took. */
TEST_F(trace, time_wait_reaper_runs)
{
	int cli, srv, i, reaped = 0;
	char c;

	ASSERT_EQ(0, proto_sysctl_set(NULL, "tw_timeout", "1"));
	ASSERT_EQ(0, conn_pair(PORT, &cli, &srv));
	close(cli);
	ASSERT_GT(wait_fd(srv, POLLIN, WAIT_MS), 0);
	ASSERT_EQ(0, recv(srv, &c, 1, 0));
	close(srv);
	ASSERT_EQ(1, conns_wait(NULL, NULL, NULL, "TIME-WAIT", 1, WAIT_MS,
				NULL));
	ASSERT_EQ(0, conns_wait(NULL, NULL, NULL, "TIME-WAIT", 0, WAIT_MS,
				NULL));
	self->n = read_events(self->ev, MAX_EVENTS);
	for (i = 0; i < self->n; i++)
		if (!strcmp(self->ev[i].name, "tw_reap"))
			reaped += field(&self->ev[i], "reaped");
	EXPECT_LE(1, reaped);
}

TEST_HARNESS_MAIN
