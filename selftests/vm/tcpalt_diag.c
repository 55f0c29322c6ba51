// SPDX-License-Identifier: GPL-2.0
/*
 * sock_diag: a scripted set of connections (a listener, a request held
 * in SYN-RECEIVED by a raw peer, a connection with data queued and a
 * keep-alive timer, a half-close in FIN-WAIT-2 and CLOSE-WAIT, and a
 * TIME-WAIT entry) dumped over inet_diag and compared with
 * /proc/tcpalt/conns; the state, port and bytecode filters; exact
 * match with INET_DIAG_INFO; SOCK_DESTROY; and build/tcpalt-ss's output,
 * against ss's for TCP's sockets too.  TCPALT_TEST_PROTO=6 runs it all
 * against TCP.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"
#include "lib.h"

#define PORT		5500
#define RAW_PORT	42000
#define RAW_ISS		0x20000000u
#define DATA_QUEUED	1000
#define WAIT_MS		3000
#define ALL_STATES	0xfff	/* TCPF_ALL */
#define INFO_EXT	(1 << (INET_DIAG_INFO - 1))

/* TCP's state numbers, which inet_diag reports. */
enum {
	TCP_ESTABLISHED = 1, TCP_SYN_SENT, TCP_SYN_RECV, TCP_FIN_WAIT1,
	TCP_FIN_WAIT2, TCP_TIME_WAIT, TCP_CLOSE, TCP_CLOSE_WAIT,
	TCP_LAST_ACK, TCP_LISTEN, TCP_CLOSING,
};

/* The scripted set; ports are a's ends. */
struct scene {
	int lfd;
	int cli_data, srv_data;		/* data queued at srv_data */
	int cli_half, srv_half;		/* a shut for writing */
	unsigned short port_data, port_half, port_tw;
	struct raw_peer p;		/* its request waits in b */
};

FIXTURE(diag) {
	struct scene s;
};

FIXTURE_SETUP(diag)
{
	memset(&self->s, -1, sizeof(self->s));
	self->s.p.fd = -1;
	ASSERT_EQ(0, topo_setup());
}

FIXTURE_TEARDOWN(diag)
{
	raw_peer_close(&self->s.p);
	topo_teardown();
}

static int wait_eof(int fd)
{
	char buf[64];

	if (wait_fd(fd, POLLIN, WAIT_MS) <= 0)
		return -1;
	return recv(fd, buf, sizeof(buf), 0) == 0 ? 0 : -1;
}

static int accept_pair(int lfd, int *cli, int *srv)
{
	*cli = conn_socket(NULL);
	if (*cli < 0 || sock_connect(*cli, ADDR_B, PORT))
		return -1;
	*srv = accept_wait(lfd, WAIT_MS);
	return *srv < 0 ? -1 : 0;
}

static int wait_conn(const char *ns, unsigned short a_port, const char *state)
{
	char local[32], remote[32];

	if (ns)
		addr_port(local, sizeof(local), ADDR_B, PORT);
	else
		addr_port(local, sizeof(local), ADDR_A, a_port);
	if (ns)
		addr_port(remote, sizeof(remote), ADDR_A, a_port);
	else
		addr_port(remote, sizeof(remote), ADDR_B, PORT);
	return conns_wait(ns, local, remote, state, 1, WAIT_MS, NULL) == 1 ?
	       0 : -1;
}

static int build_scene(struct scene *s)
{
	static char data[DATA_QUEUED];
	int cli, srv, one = 1;

	s->lfd = conn_listen(PEER_NS, ADDR_B, PORT, 16);
	if (s->lfd < 0 || quiet_ns_a())
		return -1;

	/* Data the server has not read, and a keep-alive timer in a. */
	if (accept_pair(s->lfd, &s->cli_data, &s->srv_data) ||
	    setsockopt(s->cli_data, SOL_SOCKET, SO_KEEPALIVE, &one,
		       sizeof(one)) ||
	    send(s->cli_data, data, sizeof(data), 0) != sizeof(data))
		return -1;
	s->port_data = local_port(s->cli_data);

	/* a shuts for writing: FIN-WAIT-2 in a, CLOSE-WAIT in b. */
	if (accept_pair(s->lfd, &s->cli_half, &s->srv_half) ||
	    shutdown(s->cli_half, SHUT_WR))
		return -1;
	s->port_half = local_port(s->cli_half);

	/* a closes first: TIME-WAIT in a. */
	if (accept_pair(s->lfd, &cli, &srv))
		return -1;
	s->port_tw = local_port(cli);
	close(cli);
	if (wait_eof(srv))
		return -1;
	close(srv);

	/* A SYN answered and never acked: a request in b. */
	if (raw_peer_open(&s->p, RAW_PORT, PORT) ||
	    raw_syn_exchange(&s->p, RAW_ISS, NULL))
		return -1;

	return wait_conn(NULL, s->port_half, "FIN-WAIT-2") ||
	       wait_conn(PEER_NS, s->port_half, "CLOSE-WAIT") ||
	       wait_conn(NULL, s->port_tw, "TIME-WAIT") ||
	       conns_wait(PEER_NS, NULL, NULL, "LAST-ACK", 0, WAIT_MS,
			  NULL) != 0 ? -1 : 0;
}

struct collected {
	int n;
	struct diag_entry e[64];
};

static int collect(const struct diag_entry *e, void *arg)
{
	struct collected *c = arg;

	if (c->n < (int)(sizeof(c->e) / sizeof(c->e[0])))
		c->e[c->n++] = *e;
	return 0;
}

static const struct diag_entry *find(const struct collected *c,
				     const char *local, const char *remote)
{
	char l[32], r[32];
	int i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(local, diag_local(l, sizeof(l), &c->e[i].msg)) &&
		    !strcmp(remote, diag_remote(r, sizeof(r), &c->e[i].msg)))
			return &c->e[i];
	return NULL;
}

/* conns's timer names as inet_diag's codes (TCP's, as ss names them). */
static int timer_code(const char *name)
{
	if (!strcmp(name, "retransmit"))
		return 1;
	if (!strcmp(name, "keepalive") || !strcmp(name, "fin_wait2"))
		return 2;
	if (!strcmp(name, "timewait"))
		return 3;
	if (!strcmp(name, "persist"))
		return 4;
	return 0;	/* off, delack */
}

static int count_state(const struct collected *c, int state)
{
	int i, n = 0;

	for (i = 0; i < c->n; i++)
		n += c->e[i].msg.idiag_state == state;
	return n;
}

/*
 * Every line of conns has its message, with the same state, queues,
 * timer, retransmissions, uid and inode, and the dump has nothing more.
 * conns is read first and the dump right after: a timer's time left may
 * have gone down by the time between the two reads, measured, plus 250
 * ms: under TCG jiffies, which timers run on, can lag the monotonic
 * clock by several ticks and then catch up at once (61 ms was seen), and
 * TCP's /proc/net/tcp counts in 10 ms.
 */
static void compare_with_conns(struct __test_metadata *_metadata,
			       const char *ns)
{
	struct conn_entry e[64];
	struct collected c = { 0 };
	long long t0, t1;
	int n, i;

	t0 = now_ms();
	n = conns_read(ns, e, 64);
	ASSERT_GT(n, 0);
	ASSERT_EQ(n, diag_dump(ns, ALL_STATES, NULL, NULL, 0, INFO_EXT,
			       collect, &c));
	t1 = now_ms();
	for (i = 0; i < n; i++) {
		const struct diag_entry *d = find(&c, e[i].local, e[i].remote);
		const struct inet_diag_msg *m;

		ASSERT_NE(NULL, d) TH_LOG("%s %s %s not dumped", e[i].local,
					   e[i].remote, e[i].state);
		m = &d->msg;
		EXPECT_STREQ(e[i].state, diag_state_name(m->idiag_state));
		EXPECT_EQ(e[i].rx_queue, m->idiag_rqueue);
		/* /proc/net/tcp shows no backlog for a TCP listener. */
		if (!(proto_is_tcp() && m->idiag_state == TCP_LISTEN))
			EXPECT_EQ(e[i].tx_queue, m->idiag_wqueue);
		EXPECT_EQ(timer_code(e[i].timer), m->idiag_timer)
			TH_LOG("%s %s timer %s", e[i].local, e[i].state,
			       e[i].timer);
		if (m->idiag_timer) {
			EXPECT_LE(m->idiag_expires, e[i].timer_ms + 20);
			EXPECT_GE(m->idiag_expires + (t1 - t0) + 250,
				  e[i].timer_ms);
			EXPECT_EQ(e[i].retransmits, m->idiag_retrans);
		}
		EXPECT_EQ(e[i].uid, m->idiag_uid);
		EXPECT_EQ(e[i].inode, m->idiag_inode);
		/*
		 * INET_DIAG_INFO comes with every socket, all of which have
		 * their file here, and with no request or TIME-WAIT entry.
		 */
		EXPECT_EQ(m->idiag_inode != 0, d->has_info);
	}
}

TEST_F(diag, dump_matches_conns)
{
	struct collected a = { 0 }, b = { 0 };

	ASSERT_EQ(0, build_scene(&self->s));
	compare_with_conns(_metadata, NULL);
	compare_with_conns(_metadata, PEER_NS);

	/* The scene, state by state, on both sides. */
	ASSERT_LT(0, diag_dump(NULL, ALL_STATES, NULL, NULL, 0, 0, collect,
			       &a));
	ASSERT_LT(0, diag_dump(PEER_NS, ALL_STATES, NULL, NULL, 0, 0,
			       collect, &b));
	EXPECT_EQ(1, count_state(&a, TCP_ESTABLISHED));
	EXPECT_EQ(1, count_state(&a, TCP_FIN_WAIT2));
	EXPECT_EQ(1, count_state(&a, TCP_TIME_WAIT));
	EXPECT_EQ(1, count_state(&b, TCP_LISTEN));
	EXPECT_EQ(1, count_state(&b, TCP_SYN_RECV));
	EXPECT_EQ(1, count_state(&b, TCP_ESTABLISHED));
	EXPECT_EQ(1, count_state(&b, TCP_CLOSE_WAIT));
}

static int dump_count(const char *ns, unsigned int states,
		      const struct inet_diag_sockid *id, const void *bc,
		      size_t bc_len, struct collected *c)
{
	memset(c, 0, sizeof(*c));
	return diag_dump(ns, states, id, bc, bc_len, 0, collect, c);
}

/* Each state alone, and the ports of the request's sockid. */
TEST_F(diag, state_and_port_filters)
{
	struct inet_diag_sockid id;
	struct collected c;
	char name[32];

	ASSERT_EQ(0, build_scene(&self->s));
	ASSERT_EQ(1, dump_count(PEER_NS, 1 << TCP_LISTEN, NULL, NULL, 0, &c));
	EXPECT_EQ(TCP_LISTEN, c.e[0].msg.idiag_state);
	ASSERT_EQ(1, dump_count(PEER_NS, 1 << TCP_SYN_RECV, NULL, NULL, 0,
				&c));
	EXPECT_STREQ(addr_port(name, sizeof(name), ADDR_A, RAW_PORT),
		     diag_remote(name + 16, 16, &c.e[0].msg));
	EXPECT_EQ(1, c.e[0].msg.idiag_timer);
	EXPECT_EQ(0, c.e[0].msg.idiag_inode);
	ASSERT_EQ(1, dump_count(NULL, 1 << TCP_TIME_WAIT, NULL, NULL, 0, &c));
	EXPECT_EQ(self->s.port_tw, ntohs(c.e[0].msg.id.idiag_sport));
	EXPECT_EQ(3, c.e[0].msg.idiag_timer);
	ASSERT_EQ(1, dump_count(NULL, 1 << TCP_FIN_WAIT2, NULL, NULL, 0, &c));
	EXPECT_EQ(self->s.port_half, ntohs(c.e[0].msg.id.idiag_sport));
	ASSERT_EQ(2, dump_count(PEER_NS, 1 << TCP_ESTABLISHED |
				1 << TCP_CLOSE_WAIT, NULL, NULL, 0, &c));
	EXPECT_EQ(0, dump_count(PEER_NS, 1 << TCP_TIME_WAIT, NULL, NULL, 0,
				&c));

	/* b's local port: listener, request and two connections. */
	id = diag_id(NULL, PORT, NULL, 0);
	EXPECT_EQ(4, dump_count(PEER_NS, ALL_STATES, &id, NULL, 0, &c));
	/* a's remote port PORT: all but the raw peer's. */
	id = diag_id(NULL, 0, NULL, PORT);
	EXPECT_EQ(3, dump_count(NULL, ALL_STATES, &id, NULL, 0, &c));
	id = diag_id(NULL, self->s.port_data, NULL, 0);
	EXPECT_EQ(1, dump_count(NULL, ALL_STATES, &id, NULL, 0, &c));
}

/* ss's "sport = :N" and "dport = :N": a port at least and at most N. */
struct port_bc {
	struct inet_diag_bc_op op[8];
};

static size_t port_eq(struct inet_diag_bc_op *op, size_t at, size_t len,
		      bool local, unsigned short port)
{
	size_t left = len - at * sizeof(*op);

	op[at] = (struct inet_diag_bc_op){
		local ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE, 8, left + 4 };
	op[at + 1] = (struct inet_diag_bc_op){ 0, 0, port };
	op[at + 2] = (struct inet_diag_bc_op){
		local ? INET_DIAG_BC_S_LE : INET_DIAG_BC_D_LE, 8, left - 4 };
	op[at + 3] = (struct inet_diag_bc_op){ 0, 0, port };
	return at + 4;
}

/*
 * The bytecode filter on every kind of entry: a TIME-WAIT entry and a
 * request, which have no socket, as well as connections and listeners.
 */
TEST_F(diag, bytecode_filter)
{
	struct port_bc bc;
	struct collected c;
	size_t len;

	ASSERT_EQ(0, build_scene(&self->s));

	len = 4 * sizeof(bc.op[0]);
	port_eq(bc.op, 0, len, true, self->s.port_tw);
	ASSERT_EQ(1, dump_count(NULL, ALL_STATES, NULL, &bc, len, &c));
	EXPECT_EQ(TCP_TIME_WAIT, c.e[0].msg.idiag_state);

	len = 8 * sizeof(bc.op[0]);
	port_eq(bc.op, port_eq(bc.op, 0, len, true, PORT), len, false,
		RAW_PORT);
	ASSERT_EQ(1, dump_count(PEER_NS, ALL_STATES, NULL, &bc, len, &c));
	EXPECT_EQ(TCP_SYN_RECV, c.e[0].msg.idiag_state);

	port_eq(bc.op, port_eq(bc.op, 0, len, true, PORT), len, false,
		self->s.port_data);
	ASSERT_EQ(1, dump_count(PEER_NS, ALL_STATES, NULL, &bc, len, &c));
	EXPECT_EQ(TCP_ESTABLISHED, c.e[0].msg.idiag_state);

	port_eq(bc.op, port_eq(bc.op, 0, len, true, PORT), len, false, 0);
	ASSERT_EQ(1, dump_count(PEER_NS, ALL_STATES, NULL, &bc, len, &c));
	EXPECT_EQ(TCP_LISTEN, c.e[0].msg.idiag_state);
}

static unsigned long inode_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

/* Exact match of each kind of entry, and INET_DIAG_INFO's struct tcp_info. */
TEST_F(diag, exact_match)
{
	socklen_t len = sizeof(struct tcp_info);
	struct inet_diag_sockid id;
	struct tcp_info ti;
	struct diag_entry e;

	ASSERT_EQ(0, build_scene(&self->s));

	id = diag_id(ADDR_B, PORT, NULL, 0);
	ASSERT_EQ(0, diag_get(PEER_NS, &id, 0, &e));
	EXPECT_EQ(TCP_LISTEN, e.msg.idiag_state);
	EXPECT_EQ(inode_of(self->s.lfd), e.msg.idiag_inode);

	id = diag_id(ADDR_B, PORT, ADDR_A, self->s.port_data);
	ASSERT_EQ(0, diag_get(PEER_NS, &id, INFO_EXT, &e));
	EXPECT_EQ(TCP_ESTABLISHED, e.msg.idiag_state);
	EXPECT_EQ(DATA_QUEUED, e.msg.idiag_rqueue);
	EXPECT_EQ(inode_of(self->s.srv_data), e.msg.idiag_inode);
	EXPECT_EQ(getuid(), e.msg.idiag_uid);
	ASSERT_TRUE(e.has_info);
	EXPECT_EQ(TCP_ESTABLISHED, e.info.tcpi_state);
	EXPECT_LT(0, e.info.tcpi_rcv_mss);
	EXPECT_EQ(DATA_QUEUED, e.info.tcpi_bytes_received);

	/*
	 * The sender has timed its data's round trip; the connection is
	 * idle, so what getsockopt(TCP_INFO) says holds still.
	 */
	id = diag_id(ADDR_A, self->s.port_data, ADDR_B, PORT);
	ASSERT_EQ(0, diag_get(NULL, &id, INFO_EXT, &e));
	ASSERT_TRUE(e.has_info);
	EXPECT_LT(0, e.info.tcpi_rtt);
	EXPECT_LT(0, e.info.tcpi_snd_cwnd);
	ASSERT_EQ(0, getsockopt(self->s.cli_data, IPPROTO_TCP, TCP_INFO, &ti,
				&len));
	EXPECT_EQ(ti.tcpi_state, e.info.tcpi_state);
	EXPECT_EQ(ti.tcpi_options, e.info.tcpi_options);
	EXPECT_EQ(ti.tcpi_snd_mss, e.info.tcpi_snd_mss);
	EXPECT_EQ(ti.tcpi_rcv_mss, e.info.tcpi_rcv_mss);
	EXPECT_EQ(ti.tcpi_snd_cwnd, e.info.tcpi_snd_cwnd);
	EXPECT_EQ(ti.tcpi_bytes_acked, e.info.tcpi_bytes_acked);
	EXPECT_EQ(ti.tcpi_data_segs_out, e.info.tcpi_data_segs_out);
	EXPECT_LE(DATA_QUEUED, e.info.tcpi_bytes_acked);

	/* The cookie it gave finds it again; another does not. */
	id.idiag_cookie[0] = e.msg.id.idiag_cookie[0];
	id.idiag_cookie[1] = e.msg.id.idiag_cookie[1];
	EXPECT_EQ(0, diag_get(NULL, &id, 0, &e));
	id.idiag_cookie[0]++;
	EXPECT_EQ(-ENOENT, diag_get(NULL, &id, 0, &e));

	id = diag_id(ADDR_A, self->s.port_tw, ADDR_B, PORT);
	ASSERT_EQ(0, diag_get(NULL, &id, 0, &e));
	EXPECT_EQ(TCP_TIME_WAIT, e.msg.idiag_state);
	EXPECT_EQ(3, e.msg.idiag_timer);

	id = diag_id(ADDR_B, PORT, ADDR_A, RAW_PORT);
	ASSERT_EQ(0, diag_get(PEER_NS, &id, 0, &e));
	EXPECT_EQ(TCP_SYN_RECV, e.msg.idiag_state);

	/* TCP would answer with the listener here: take a port with none. */
	id = diag_id(ADDR_B, PORT + 1, ADDR_A, RAW_PORT);
	EXPECT_EQ(-ENOENT, diag_get(PEER_NS, &id, 0, &e));
}

/*
 * SOCK_DESTROY aborts as TCP's does: the local user reads ECONNABORTED,
 * the peer is reset; a TIME-WAIT entry and a request just go.
 */
TEST_F(diag, sock_destroy)
{
	struct inet_diag_sockid id;
	struct collected c;
	char byte;

	ASSERT_EQ(0, build_scene(&self->s));

	/* CLOSE-WAIT: the peer, in FIN-WAIT-2, has a RST to read. */
	id = diag_id(ADDR_B, PORT, ADDR_A, self->s.port_half);
	ASSERT_EQ(0, diag_destroy(PEER_NS, &id));
	EXPECT_EQ(ECONNABORTED, sock_error(self->s.srv_half));
	ASSERT_LT(0, wait_fd(self->s.cli_half, POLLIN, WAIT_MS));
	EXPECT_EQ(-1, recv(self->s.cli_half, &byte, 1, 0));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(0, dump_count(PEER_NS, ALL_STATES, &id, NULL, 0, &c));

	id = diag_id(ADDR_A, self->s.port_tw, ADDR_B, PORT);
	ASSERT_EQ(0, diag_destroy(NULL, &id));
	EXPECT_EQ(0, dump_count(NULL, ALL_STATES, &id, NULL, 0, &c));

	id = diag_id(ADDR_B, PORT, ADDR_A, RAW_PORT);
	ASSERT_EQ(0, diag_destroy(PEER_NS, &id));
	EXPECT_EQ(0, dump_count(PEER_NS, ALL_STATES, &id, NULL, 0, &c));

	/* The listener and the connection left are untouched. */
	EXPECT_EQ(2, dump_count(PEER_NS, ALL_STATES, NULL, NULL, 0, &c));

	/* TCP would destroy the listener here: take a port with none. */
	id = diag_id(ADDR_B, PORT + 1, ADDR_A, RAW_PORT);
	EXPECT_EQ(-ENOENT, diag_destroy(PEER_NS, &id));
}

static const char *tcpalt_ss(void)
{
	return repo_file("build/tcpalt-ss");
}

#define SS_OUT	"/tmp/tcpalt-diag-ss.out"

/*
 * Runs a command in namespace ns (NULL: a) into SS_OUT and returns the
 * first line with every word of want, words split at blanks, in out.
 * 0, or -1, when the output is shown if the line was expected.
 */
static int ss_line(const char *ns, const char *cmd, const char *const want[],
		   char *out, size_t size, bool expected)
{
	char line[1024];
	FILE *f;
	int i, found = -1;

	if (run("%s%s%s >%s", ns ? "ip netns exec " : "", ns ? ns : "",
		cmd, SS_OUT))
		return -1;
	f = fopen(SS_OUT, "r");
	if (!f)
		return -1;
	while (found && fgets(line, sizeof(line), f)) {
		for (i = 0; want[i]; i++)
			if (!strstr(line, want[i]))
				break;
		if (want[i])
			continue;
		snprintf(out, size, "%s", line);
		found = 0;
	}
	if (found && expected) {
		fprintf(stderr, "# no line with \"%s\" in the output of%s:\n",
			want[0], cmd);
		rewind(f);
		while (fgets(line, sizeof(line), f))
			fprintf(stderr, "# %s", line);
	}
	fclose(f);
	return found;
}

static int words(char *line, char *w[], int max)
{
	int n = 0;
	char *save, *tok;

	for (tok = strtok_r(line, " \t\n", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t\n", &save))
		w[n++] = tok;
	return n;
}

/* tcpalt-ss's lines, word by word, for every kind of entry. */
TEST_F(diag, tcpalt_ss_output)
{
	char cmd[PATH_MAX + 64], line[1024], peer[32], local[32], *w[32];
	socklen_t len = sizeof(struct tcp_info);
	const char *want[4] = { 0 };
	struct tcp_info ti;
	char field[64];
	int n;

	ASSERT_EQ(0, build_scene(&self->s));
	setenv("TCPALT_SS_PROTO", proto_is_tcp() ? "6" : "", 1);

	snprintf(cmd, sizeof(cmd), " %s -tano", tcpalt_ss());
	addr_port(local, sizeof(local), ADDR_A, self->s.port_data);
	want[0] = local;
	ASSERT_EQ(0, ss_line(NULL, cmd, want, line, sizeof(line), true));
	n = words(line, w, 32);
	ASSERT_EQ(6, n) TH_LOG("%s", line);
	EXPECT_STREQ("ESTAB", w[0]);
	EXPECT_STREQ("0", w[1]);
	EXPECT_STREQ("0", w[2]);
	EXPECT_STREQ(local, w[3]);
	EXPECT_STREQ(addr_port(peer, sizeof(peer), ADDR_B, PORT), w[4]);
	EXPECT_EQ(0, strncmp(w[5], "timer:(keepalive,", 17)) TH_LOG("%s", w[5]);
	EXPECT_STREQ(",0)", w[5] + strlen(w[5]) - 3);

	addr_port(local, sizeof(local), ADDR_A, self->s.port_tw);
	want[0] = local;
	ASSERT_EQ(0, ss_line(NULL, cmd, want, line, sizeof(line), true));
	n = words(line, w, 32);
	ASSERT_EQ(6, n) TH_LOG("%s", line);
	EXPECT_STREQ("TIME-WAIT", w[0]);
	EXPECT_EQ(0, strncmp(w[5], "timer:(timewait,", 16)) TH_LOG("%s", w[5]);

	/* The defaults leave listeners and requests out; -l shows one. */
	snprintf(cmd, sizeof(cmd), " %s -tn", tcpalt_ss());
	want[0] = "LISTEN";
	EXPECT_EQ(-1, ss_line(PEER_NS, cmd, want, line, sizeof(line), false));
	snprintf(cmd, sizeof(cmd), " %s -ln", tcpalt_ss());
	ASSERT_EQ(0, ss_line(PEER_NS, cmd, want, line, sizeof(line), true));
	n = words(line, w, 32);
	ASSERT_EQ(5, n) TH_LOG("%s", line);
	EXPECT_STREQ("16", w[2]);
	EXPECT_STREQ(addr_port(local, sizeof(local), ADDR_B, PORT), w[3]);
	EXPECT_STREQ("0.0.0.0:*", w[4]);

	snprintf(cmd, sizeof(cmd), " %s -n state syn-recv", tcpalt_ss());
	want[0] = "SYN-RECV";
	want[1] = addr_port(peer, sizeof(peer), ADDR_A, RAW_PORT);
	ASSERT_EQ(0, ss_line(PEER_NS, cmd, want, line, sizeof(line), true));

	/* -i: the line after the connection's, ss's fields. */
	snprintf(cmd, sizeof(cmd), " %s -tin state established", tcpalt_ss());
	want[0] = " rtt:";
	want[1] = " mss:";
	want[2] = " cwnd:";
	ASSERT_EQ(0, ss_line(NULL, cmd, want, line, sizeof(line), true));
	EXPECT_EQ('\t', line[0]);
	ASSERT_EQ(0, getsockopt(self->s.cli_data, IPPROTO_TCP, TCP_INFO, &ti,
				&len));
	snprintf(field, sizeof(field), " bytes_acked:%llu ",
		 (unsigned long long)ti.tcpi_bytes_acked);
	EXPECT_NE(NULL, strstr(line, field)) TH_LOG("%s", line);

	/* -e: uid, inode and cookie. */
	snprintf(cmd, sizeof(cmd), " %s -tne state close-wait", tcpalt_ss());
	want[0] = "CLOSE-WAIT";
	want[1] = " ino:";
	want[2] = " sk:";
	ASSERT_EQ(0, ss_line(PEER_NS, cmd, want, line, sizeof(line), true));

	snprintf(cmd, sizeof(cmd), " %s -s", tcpalt_ss());
	want[0] = "Total: 4";
	want[1] = NULL;
	want[2] = NULL;
	EXPECT_EQ(0, ss_line(PEER_NS, cmd, want, line, sizeof(line), true));
}

/*
 * The format itself: for TCP's own sockets, tcpalt-ss asking for
 * protocol 6 prints, word for word, what ss prints.
 */
TEST_F(diag, tcpalt_ss_as_ss)
{
	char cmd[PATH_MAX + 64], ours[1024], theirs[1024], local[32];
	char *w1[16], *w2[16];
	const char *want[3] = { local, NULL, NULL };
	int lfd, cli, srv, n, i, k;

	lfd = socket_in(PEER_NS, SOCK_STREAM, IPPROTO_TCP);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, sock_bind(lfd, ADDR_B, PORT));
	ASSERT_EQ(0, listen(lfd, 4));
	cli = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	ASSERT_EQ(0, sock_connect(cli, ADDR_B, PORT));
	srv = accept_wait(lfd, WAIT_MS);
	ASSERT_LE(0, srv);
	ASSERT_EQ(3, send(cli, "abc", 3, 0));
	usleep(200000);

	setenv("TCPALT_SS_PROTO", "6", 1);
	addr_port(local, sizeof(local), ADDR_B, PORT);
	snprintf(cmd, sizeof(cmd), " %s -tan", tcpalt_ss());
	for (k = 0; k < 2; k++) {
		want[1] = k ? "ESTAB" : "LISTEN";
		ASSERT_EQ(0, ss_line(PEER_NS, cmd, want, ours, sizeof(ours), true));
		ASSERT_EQ(0, ss_line(PEER_NS, " ss -tan", want, theirs,
				     sizeof(theirs), true));
		n = words(ours, w1, 16);
		ASSERT_EQ(n, words(theirs, w2, 16));
		for (i = 0; i < n; i++)
			EXPECT_STREQ(w2[i], w1[i]);
	}
	close(srv);
	close(cli);
	close(lfd);
}

TEST_HARNESS_MAIN
