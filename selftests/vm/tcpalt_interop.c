// SPDX-License-Identifier: GPL-2.0
/*
 * tcpalt against the kernel's own TCP.  Namespace a (10.0.0.1) speaks
 * tcpalt with the translator (scripts/tcpalt-xlate) attached on veth-a
 * for b and FLOOD_NET; namespace b (10.0.0.2) speaks only TCP.  Every
 * test of the interop fixture runs twice: tcpalt client to TCP server
 * (alt_client) and TCP client to tcpalt server (tcp_client).
 *
 * The topology and the translator are set up once, before the harness
 * forks the tests (main() below): an attach costs seconds of execs
 * under emulation.  Each test leaves b's sysctls and the qdiscs as it
 * found them (the teardown puts them back if it fails half-way) and uses
 * ports of its own, so what one leaves in TIME-WAIT cannot meet the next.
 *
 * Counters are compared across the two stacks: tcpalt's in
 * /proc/tcpalt/stats, TCP's in /proc/net/snmp and /proc/net/netstat.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"
#include "csum.h"

#define MiB		(1024 * 1024)
#define KiB		1024

/* A second address on veth-b, not among the translator's peers. */
#define ADDR_B_PLAIN	"10.0.0.3"
#define XLATE_PEERS	ADDR_B " " FLOOD_NET

/*
 * Sizes measured in the emulated VM, where the suite must stay near a
 * minute and a half.  tcpalt sends single segments through the
 * translator (it turns segmentation offload off): 64 MiB each way at
 * once took 48 s, 16 MiB 5 s, 8 MiB 3 s.  So the tcpalt client moves 16
 * MiB each way, the TCP client 8.  Under the brief's impairment (as in
 * tcpalt_data) 2 MiB each way took 8 to 10 s: 1 MiB, some 1,500 packets
 * with their retransmissions and acknowledgments.  The debug leg moves
 * less through the same paths.
 */
#define BULK_ALT_CLIENT	test_size(16 * MiB, 2 * MiB)
#define BULK_TCP_CLIENT	test_size(8 * MiB, 1 * MiB)
#define BULK_NETEM	test_size(1 * MiB, 512 * KiB)
#define SMALL		(64 * KiB)
#define NETEM_BAD	"delay 1ms reorder 25% loss 5% duplicate 2% corrupt 1%"
/* Segments that the other tests' stragglers may add to a count. */
#define NOISE		8
#define IO_MS		60000	/* a transfer that stalls this long fails */

struct side {
	const char *ns;		/* NULL: a */
	const char *addr;
	const char *dev;
	int proto;
};

static const struct side ALT = { NULL, ADDR_A, "veth-a", IPPROTO_TCPALT };
static const struct side TCP = { PEER_NS, ADDR_B, "veth-b", IPPROTO_TCP };
/* The stacks that the translator leaves alone: a's TCP, b's tcpalt. */
static const struct side TCP_IN_A = { NULL, ADDR_A, "veth-a", IPPROTO_TCP };
static const struct side ALT_IN_B = { PEER_NS, ADDR_B_PLAIN, "veth-b",
				      IPPROTO_TCPALT };

/* The counters of both stacks that the tests compare. */
struct counts {
	long long out_segs, in_segs, retrans, csum_errs, ofo;
	long long cookies_sent, cookies_recv, abort_on_close, keepalive;
	long long dsack_sent;	/* TCP's only: tcpalt counts no duplicates */
};

/* A line of /proc/net/snmp (prefix "Tcp:") or netstat ("TcpExt:"). */
static long long netstat_get(const char *ns, const char *name)
{
	char names[4096], vals[4096], *n, *v, *sn, *sv;
	long long found = -1;
	FILE *f = fopen_in(ns, "/proc/thread-self/net/netstat");

	if (!f)
		return -1;
	while (fgets(names, sizeof(names), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(names, "TcpExt:", 7))
			continue;
		n = strtok_r(names, " \n", &sn);
		v = strtok_r(vals, " \n", &sv);
		while ((n = strtok_r(NULL, " \n", &sn)) &&
		       (v = strtok_r(NULL, " \n", &sv)))
			if (!strcmp(n, name))
				found = atoll(v);
	}
	fclose(f);
	return found;
}

static void counts_read(const struct side *s, struct counts *c)
{
	if (s->proto == IPPROTO_TCP) {
		c->out_segs = snmp_stat(s->ns, "Tcp:", "OutSegs");
		c->in_segs = snmp_stat(s->ns, "Tcp:", "InSegs");
		c->retrans = snmp_stat(s->ns, "Tcp:", "RetransSegs");
		c->csum_errs = snmp_stat(s->ns, "Tcp:", "InCsumErrors");
		c->ofo = netstat_get(s->ns, "TCPOFOQueue");
		c->cookies_sent = netstat_get(s->ns, "SyncookiesSent");
		c->cookies_recv = netstat_get(s->ns, "SyncookiesRecv");
		c->abort_on_close = netstat_get(s->ns, "TCPAbortOnClose");
		c->keepalive = netstat_get(s->ns, "TCPKeepAlive");
		c->dsack_sent = netstat_get(s->ns, "TCPDSACKOldSent") +
				netstat_get(s->ns, "TCPDSACKOfoSent");
		return;
	}
	c->out_segs = stat_get(s->ns, "OutSegs");
	c->in_segs = stat_get(s->ns, "InSegs");
	c->retrans = stat_get(s->ns, "RetransSegs");
	c->csum_errs = stat_get(s->ns, "InCsumErrors");
	c->ofo = stat_get(s->ns, "OfoQueue");
	c->cookies_sent = stat_get(s->ns, "SyncookiesSent");
	c->cookies_recv = stat_get(s->ns, "SyncookiesRecv");
	c->abort_on_close = stat_get(s->ns, "AbortOnClose");
	c->keepalive = stat_get(s->ns, "KeepAliveProbes");
	c->dsack_sent = 0;
}

/* Every field of now minus then. */
static struct counts counts_delta(const struct counts *now,
				  const struct counts *then)
{
	struct counts d;
	const long long *n = (const long long *)now;
	const long long *t = (const long long *)then;
	long long *out = (long long *)&d;
	size_t i;

	for (i = 0; i < sizeof(d) / sizeof(*out); i++)
		out[i] = n[i] - t[i];
	return d;
}

static const char *xlate_script(void)
{
	return repo_file("scripts/tcpalt-xlate");
}

/*
 * Runs tcpalt-xlate with args in namespace a, its output (both streams)
 * in out; its exit status, or -1.
 */
static int xlate(char *out, size_t size, const char *env, const char *args)
{
	char cmd[PATH_MAX + 512];
	size_t n = 0;
	FILE *f;
	int status;

	snprintf(cmd, sizeof(cmd), "%s %s %s 2>&1", env ? env : "",
		 xlate_script(), args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (out && size) {
		n = fread(out, 1, size - 1, f);
		out[n] = '\0';
	} else {
		char sink[256];

		while (fread(sink, 1, sizeof(sink), f) > 0)
			;
	}
	status = pclose(f);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int b_sysctl(const char *name, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	return write_in(PEER_NS, path, val);
}

/*
 * b's TCP options and both stacks' SYN cookies as Linux ships them, and
 * no path MTU learnt by one test left in either namespace's routes.
 */
static void sysctls_restore(void)
{
	write_in(NULL, "/proc/sys/net/ipv4/route/flush", "1");
	write_in(PEER_NS, "/proc/sys/net/ipv4/route/flush", "1");
	b_sysctl("tcp_sack", "1");
	b_sysctl("tcp_timestamps", "1");
	b_sysctl("tcp_window_scaling", "1");
	b_sysctl("tcp_syncookies", "1");
	sysctl_set("syncookies", "1");
}

/* The byte at offset i of every stream the tests send. */
static inline u8 pattern(unsigned long long i, u8 seed)
{
	return ((i * 0x9e3779b97f4a7c15ull) >> 56) ^ seed;
}

struct stream {
	int fd;
	size_t len;
	u8 seed;
	int err;	/* 0, or the errno or -1 that ended it */
	size_t done;
};

static void *send_fn(void *arg)
{
	struct stream *s = arg;
	u8 buf[64 * KiB];
	ssize_t n;
	size_t i;

	while (s->done < s->len) {
		size_t chunk = s->len - s->done;

		if (chunk > sizeof(buf))
			chunk = sizeof(buf);
		for (i = 0; i < chunk; i++)
			buf[i] = pattern(s->done + i, s->seed);
		n = send(s->fd, buf, chunk, MSG_NOSIGNAL);
		if (n <= 0) {
			s->err = n < 0 ? errno : -1;
			return NULL;
		}
		s->done += n;
	}
	return NULL;
}

/* Reads len bytes and checks each; err -1 on a wrong byte or early EOF. */
static void *recv_fn(void *arg)
{
	struct stream *s = arg;
	u8 buf[64 * KiB];
	ssize_t n, i;

	while (s->done < s->len) {
		n = recv(s->fd, buf, sizeof(buf), 0);
		if (n <= 0) {
			s->err = n < 0 ? errno : -1;
			return NULL;
		}
		for (i = 0; i < n; i++)
			if (buf[i] != pattern(s->done + i, s->seed)) {
				s->err = -1;
				return NULL;
			}
		s->done += n;
	}
	return NULL;
}

static void timeouts(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/*
 * len bytes from x to y and len from y to x, at once; 0 when both
 * arrived byte-exact.
 */
static int exchange(int x, int y, size_t len)
{
	struct stream s[4] = {
		{ .fd = x, .len = len, .seed = 0x5a },
		{ .fd = y, .len = len, .seed = 0x5a },
		{ .fd = y, .len = len, .seed = 0xa5 },
		{ .fd = x, .len = len, .seed = 0xa5 },
	};
	void *(*fn[4])(void *) = { send_fn, recv_fn, send_fn, recv_fn };
	pthread_t t[4];
	int i, bad = 0;

	timeouts(x, IO_MS);
	timeouts(y, IO_MS);
	for (i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, fn[i], &s[i]))
			return -1;
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		if (s[i].err || s[i].done != len) {
			fprintf(stderr, "# stream %d: %zu of %zu bytes, err %d\n",
				i, s[i].done, len, s[i].err);
			bad = -1;
		}
	}
	return bad;
}

/* Sends all of len pattern bytes on fd; 0 or -1. */
static int send_all(int fd, size_t len, u8 seed)
{
	struct stream s = { .fd = fd, .len = len, .seed = seed };

	timeouts(fd, IO_MS);
	send_fn(&s);
	return s.err || s.done != len ? -1 : 0;
}

static int recv_all(int fd, size_t len, u8 seed)
{
	struct stream s = { .fd = fd, .len = len, .seed = seed };

	timeouts(fd, IO_MS);
	recv_fn(&s);
	return s.err || s.done != len ? -1 : 0;
}

/* recv() until EOF; 0 at EOF, else the errno (or -1 for data). */
static int recv_eof(int fd)
{
	char c;
	ssize_t n;

	timeouts(fd, IO_MS);
	n = recv(fd, &c, 1, 0);
	return n == 0 ? 0 : n < 0 ? errno : -1;
}

static int tcp_info_get(int fd, struct tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0, sizeof(*ti));
	return getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len);
}

/*
 * How many sockets of b's TCP on local or remote port are in state st
 * (/proc/net/tcp's hex state: 06 TIME_WAIT).
 */
static int tcp_state_count(unsigned short port, unsigned int st)
{
	unsigned int lport, rport, state;
	char line[256];
	int n = 0;
	FILE *f = fopen_in(PEER_NS, "/proc/thread-self/net/tcp");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %*d: %*x:%x %*x:%x %x", &lport, &rport,
			   &state) == 3 && state == st &&
		    (lport == port || rport == port))
			n++;
	fclose(f);
	return n;
}

/* tcpalt's entries in a on port (either end) in state (RFC name). */
static int alt_state_count(unsigned short port, const char *state)
{
	struct conn_entry e[64];
	char want[16];
	int i, n, found = 0;

	snprintf(want, sizeof(want), ":%u", port);
	n = conns_read(NULL, e, 64);
	for (i = 0; i < n; i++)
		if (!strcmp(e[i].state, state) &&
		    (strstr(e[i].local, want) || strstr(e[i].remote, want)))
			found++;
	return n < 0 ? -1 : found;
}

/* Whether side s has a connection on port in TIME-WAIT, polled for 5 s. */
static bool time_wait(const struct side *s, unsigned short port)
{
	long long end = now_ms() + 5000;

	do {
		if (s->proto == IPPROTO_TCP ? tcp_state_count(port, 0x06) > 0 :
					      alt_state_count(port, "TIME-WAIT") > 0)
			return true;
		usleep(20000);
	} while (now_ms() < end);
	return false;
}

FIXTURE(interop) {
	const struct side *cli, *srv;
	int c, s;		/* the client's and the server's socket */
	bool netem;
};

FIXTURE_VARIANT(interop) {
	bool alt_client;
	unsigned short port;	/* the tests' ports: port + a test's own */
};

FIXTURE_VARIANT_ADD(interop, alt_client) {
	.alt_client = true,
	.port = 20000,
};

FIXTURE_VARIANT_ADD(interop, tcp_client) {
	.alt_client = false,
	.port = 30000,
};

FIXTURE_SETUP(interop)
{
	self->cli = variant->alt_client ? &ALT : &TCP;
	self->srv = variant->alt_client ? &TCP : &ALT;
	self->c = -1;
	self->s = -1;
	self->netem = false;
}

FIXTURE_TEARDOWN(interop)
{
	if (self->c >= 0)
		close(self->c);
	if (self->s >= 0)
		close(self->s);
	if (self->netem) {
		netem_clear(NULL, "veth-a");
		netem_clear(PEER_NS, "veth-b");
	}
	sysctls_restore();
}

/*
 * An established pair on port: a listener on the server's side, a
 * blocking connect from the client's, the accepted socket.  With
 * maxseg, b's socket (listener or client) sets TCP_MAXSEG first.  0 or -1.
 */
static int pair_open(FIXTURE_DATA(interop) *self, unsigned short port,
		     int maxseg)
{
	int one = 1, lfd, err;

	lfd = socket_in(self->srv->ns, SOCK_STREAM, self->srv->proto);
	self->c = socket_in(self->cli->ns, SOCK_STREAM, self->cli->proto);
	if (lfd < 0 || self->c < 0)
		return -1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (maxseg)
		setsockopt(self->srv->proto == IPPROTO_TCP ? lfd : self->c,
			   IPPROTO_TCP, TCP_MAXSEG, &maxseg, sizeof(maxseg));
	if (sock_bind(lfd, self->srv->addr, port) || listen(lfd, 16)) {
		close(lfd);
		return -1;
	}
	timeouts(self->c, 10000);
	err = sock_connect(self->c, self->srv->addr, port);
	if (!err)
		self->s = accept_wait(lfd, 10000);
	close(lfd);
	if (err)
		fprintf(stderr, "# connect: %s\n", strerror(-err));
	return err || self->s < 0 ? -1 : 0;
}

static void pair_close(FIXTURE_DATA(interop) *self)
{
	close(self->c);
	close(self->s);
	self->c = -1;
	self->s = -1;
}

static int alt_fd(FIXTURE_DATA(interop) *self)
{
	return self->cli == &ALT ? self->c : self->s;
}

static int tcp_fd(FIXTURE_DATA(interop) *self)
{
	return self->cli == &TCP ? self->c : self->s;
}

static int netem_both(FIXTURE_DATA(interop) *self, const char *args)
{
	self->netem = true;
	return netem_set(NULL, "veth-a", args) ||
	       netem_set(PEER_NS, "veth-b", args) ? -1 : 0;
}

#define OPT_BITS	(TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE)

/*
 * Every combination of b's SACK, timestamps, window scaling and an MSS
 * of its own (TCP_MAXSEG 1000): both ends agree on what was negotiated,
 * which is what b allowed, and 64 KiB cross each way.
 */
TEST_F(interop, handshake_options)
{
	struct tcp_info alt, tcp;
	int combo;

	for (combo = 0; combo < 16; combo++) {
		bool sack = combo & 1, ts = combo & 2, ws = combo & 4;
		int mss = combo & 8 ? 1000 : 0;
		int want = (sack ? TCPI_OPT_SACK : 0) |
			   (ts ? TCPI_OPT_TIMESTAMPS : 0) |
			   (ws ? TCPI_OPT_WSCALE : 0);

		ASSERT_EQ(0, b_sysctl("tcp_sack", sack ? "1" : "0"));
		ASSERT_EQ(0, b_sysctl("tcp_timestamps", ts ? "1" : "0"));
		ASSERT_EQ(0, b_sysctl("tcp_window_scaling", ws ? "1" : "0"));
		ASSERT_EQ(0, pair_open(self, variant->port + combo, mss))
			TH_LOG("combo %d", combo);
		ASSERT_EQ(0, tcp_info_get(alt_fd(self), &alt));
		ASSERT_EQ(0, tcp_info_get(tcp_fd(self), &tcp));
		EXPECT_EQ(want, alt.tcpi_options & OPT_BITS)
			TH_LOG("combo %d", combo);
		EXPECT_EQ(want, tcp.tcpi_options & OPT_BITS)
			TH_LOG("combo %d", combo);
		if (ws) {
			EXPECT_EQ((int)alt.tcpi_snd_wscale, (int)tcp.tcpi_rcv_wscale);
			EXPECT_EQ((int)alt.tcpi_rcv_wscale, (int)tcp.tcpi_snd_wscale);
		}
		/* 1460 less 12 for timestamps; b's 1000 less the same. */
		if (mss) {
			EXPECT_GE(1000, alt.tcpi_snd_mss);
			EXPECT_LE(1000 - 12, alt.tcpi_snd_mss);
		} else {
			EXPECT_EQ(ts ? 1448 : 1460, alt.tcpi_snd_mss);
		}
		EXPECT_EQ(alt.tcpi_snd_mss, tcp.tcpi_snd_mss);
		ASSERT_EQ(0, exchange(self->c, self->s, SMALL))
			TH_LOG("combo %d", combo);
		pair_close(self);
	}
}

/*
 * Bulk both ways at once, byte-exact.  Neither side sees a bad checksum
 * (the translator's arithmetic holds for every segment), and what one
 * sent the other received: tcpalt's segments one by one (the translator
 * turned segmentation off on veth-a), TCP's in TSO super-segments that
 * tcpalt counts as it receives them, so no more than TCP sent.  Both
 * ways at once overrun the emulated veth's backlog now and then, so
 * either side may retransmit; what tcpalt retransmits TCP sees as a hole
 * filled (out of order) or a duplicate (a D-SACK sent).  tcpalt counts
 * no duplicates, so the other way is not checked.
 */
TEST_F_TIMEOUT(interop, bulk_each_way, 120)
{
	size_t len = variant->alt_client ? BULK_ALT_CLIENT : BULK_TCP_CLIENT;
	struct counts a0, b0, a1, b1, da, db;
	long long start;

	counts_read(&ALT, &a0);
	counts_read(&TCP, &b0);
	ASSERT_EQ(0, pair_open(self, variant->port + 100, 0));
	start = now_ms();
	ASSERT_EQ(0, exchange(self->c, self->s, len));
	fprintf(stderr, "# %zu MiB each way in %lld ms\n", len / MiB,
		now_ms() - start);
	pair_close(self);
	counts_read(&ALT, &a1);
	counts_read(&TCP, &b1);
	da = counts_delta(&a1, &a0);
	db = counts_delta(&b1, &b0);
	fprintf(stderr, "# tcpalt out %lld in %lld retrans %lld ofo %lld; TCP out %lld in %lld retrans %lld ofo %lld dsack %lld\n",
		da.out_segs, da.in_segs, da.retrans, da.ofo, db.out_segs,
		db.in_segs, db.retrans, db.ofo, db.dsack_sent);
	EXPECT_EQ(0, da.csum_errs);
	EXPECT_EQ(0, db.csum_errs);
	EXPECT_LE(len / 1460, da.out_segs);
	EXPECT_GE(NOISE, llabs(da.out_segs - db.in_segs));
	EXPECT_GE(db.out_segs + NOISE, da.in_segs);
	if (da.retrans)
		EXPECT_LT(0, db.ofo + db.dsack_sent);
}

/*
 * The same under loss, reordering, duplication and corruption on both
 * ends.  Both senders retransmit, both receivers queue out of order;
 * corrupted segments are caught by a checksum on one side or the other
 * (a translated checksum stays wrong where it was wrong): with some 2,000
 * packets at 1% (data and acknowledgments, both ways), the odds that none
 * is corrupted are about e^-20; on the debug leg, half as many, e^-10.
 */
TEST_F_TIMEOUT(interop, bulk_each_way_netem, 300)
{
	struct counts a0, b0, a1, b1, da, db;

	ASSERT_EQ(0, pair_open(self, variant->port + 200, 0));
	counts_read(&ALT, &a0);
	counts_read(&TCP, &b0);
	ASSERT_EQ(0, netem_both(self, NETEM_BAD));
	ASSERT_EQ(0, exchange(self->c, self->s, BULK_NETEM));
	counts_read(&ALT, &a1);
	counts_read(&TCP, &b1);
	da = counts_delta(&a1, &a0);
	db = counts_delta(&b1, &b0);
	fprintf(stderr, "# tcpalt retrans %lld ofo %lld csum %lld; TCP retrans %lld ofo %lld csum %lld\n",
		da.retrans, da.ofo, da.csum_errs, db.retrans, db.ofo,
		db.csum_errs);
	EXPECT_LT(0, da.retrans);
	EXPECT_LT(0, db.retrans);
	EXPECT_LT(0, da.ofo);
	EXPECT_LT(0, db.ofo);
	EXPECT_LT(0, da.csum_errs + db.csum_errs);
}

/*
 * The client sends and shuts its side; the server reads to EOF, answers
 * on the half-open connection and closes; the client, which closed
 * first, ends in TIME-WAIT.
 */
TEST_F(interop, half_close)
{
	ASSERT_EQ(0, pair_open(self, variant->port + 300, 0));
	ASSERT_EQ(0, send_all(self->c, SMALL, 1));
	ASSERT_EQ(0, shutdown(self->c, SHUT_WR));
	ASSERT_EQ(0, recv_all(self->s, SMALL, 1));
	ASSERT_EQ(0, recv_eof(self->s));
	ASSERT_EQ(0, send_all(self->s, SMALL, 2));
	ASSERT_EQ(0, close(self->s));
	self->s = -1;
	ASSERT_EQ(0, recv_all(self->c, SMALL, 2));
	ASSERT_EQ(0, recv_eof(self->c));
	EXPECT_TRUE(time_wait(self->cli, variant->port + 300));
}

/* Whoever closes first ends in TIME-WAIT, the other goes away. */
static void close_order(struct __test_metadata *_metadata,
			FIXTURE_DATA(interop) *self, unsigned short port,
			bool client_first)
{
	int *first = client_first ? &self->c : &self->s;
	int *second = client_first ? &self->s : &self->c;
	const struct side *closer = client_first ? self->cli : self->srv;

	ASSERT_EQ(0, pair_open(self, port, 0));
	ASSERT_EQ(0, close(*first));
	*first = -1;
	ASSERT_EQ(0, recv_eof(*second));
	ASSERT_EQ(0, close(*second));
	*second = -1;
	EXPECT_TRUE(time_wait(closer, port));
}

TEST_F(interop, client_closes_first)
{
	close_order(_metadata, self, variant->port + 400, true);
}

TEST_F(interop, server_closes_first)
{
	close_order(_metadata, self, variant->port + 500, false);
}

/*
 * Both FINs cross: with 100 ms each way on the wire, each side shuts
 * before the other's FIN arrives; both go through CLOSING and both end
 * in TIME-WAIT (RFC 9293, 3.6, case 3).
 */
TEST_F(interop, simultaneous_close)
{
	unsigned short port = variant->port + 600;

	ASSERT_EQ(0, pair_open(self, port, 0));
	ASSERT_EQ(0, netem_both(self, "delay 100ms"));
	ASSERT_EQ(0, shutdown(self->c, SHUT_WR));
	ASSERT_EQ(0, shutdown(self->s, SHUT_WR));
	ASSERT_EQ(0, recv_eof(self->c));
	ASSERT_EQ(0, recv_eof(self->s));
	EXPECT_TRUE(time_wait(&ALT, port));
	EXPECT_TRUE(time_wait(&TCP, port));
}

/*
 * The client closes with data unread: it resets the connection (RFC
 * 9293, 3.10.4; RFC 2525, 2.17), counts it, and the server's next read
 * fails with ECONNRESET.
 */
TEST_F(interop, rst_on_close_with_unread_data)
{
	struct counts c0, c1;
	struct pollfd pfd;

	ASSERT_EQ(0, pair_open(self, variant->port + 700, 0));
	ASSERT_EQ(0, send_all(self->s, 1000, 3));
	pfd = (struct pollfd){ .fd = self->c, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	counts_read(self->cli, &c0);
	ASSERT_EQ(0, close(self->c));
	self->c = -1;
	EXPECT_EQ(ECONNRESET, recv_eof(self->s));
	counts_read(self->cli, &c1);
	EXPECT_EQ(1, c1.abort_on_close - c0.abort_on_close);
}

/*
 * Keep-alive against a peer that went silent (netem drops all it
 * sends): after 1 s idle and two unanswered probes 1 s apart the client
 * gives up with ETIMEDOUT, having sent its probes, which the server saw.
 * Bounds: no sooner than 3 s after the connect began (the idle time runs
 * from the last segment received, which came after it) less 100 ms of
 * jiffies rounding; the upper 20 s only tells "never" from "late" under
 * emulation.
 */
TEST_F(interop, keepalive_silent_peer)
{
	int one = 1, idle = 1, cnt = 2;
	struct counts c0, c1, s0, s1;
	long long start, took;

	start = now_ms();
	ASSERT_EQ(0, pair_open(self, variant->port + 800, 0));
	ASSERT_EQ(0, setsockopt(self->c, SOL_SOCKET, SO_KEEPALIVE, &one,
				sizeof(one)));
	ASSERT_EQ(0, setsockopt(self->c, IPPROTO_TCP, TCP_KEEPIDLE, &idle,
				sizeof(idle)));
	ASSERT_EQ(0, setsockopt(self->c, IPPROTO_TCP, TCP_KEEPINTVL, &idle,
				sizeof(idle)));
	ASSERT_EQ(0, setsockopt(self->c, IPPROTO_TCP, TCP_KEEPCNT, &cnt,
				sizeof(cnt)));
	self->netem = true;
	ASSERT_EQ(0, netem_set(self->srv->ns, self->srv->dev, "loss 100%"));
	counts_read(self->cli, &c0);
	counts_read(self->srv, &s0);
	ASSERT_EQ(ETIMEDOUT, recv_eof(self->c));
	took = now_ms() - start;
	counts_read(self->cli, &c1);
	counts_read(self->srv, &s1);
	EXPECT_LE(3000 - 100, took);
	EXPECT_GE(20000, took);
	EXPECT_LE(2, c1.keepalive - c0.keepalive);
	EXPECT_LE(2, s1.in_segs - s0.in_segs);
}

/*
 * SYN cookies always (tcp_syncookies=2 on b, syncookies=2 on a) on the
 * server's side: the handshake goes through a cookie, both ends agree on
 * what it kept of the options, and data crosses.
 */
TEST_F(interop, syncookies)
{
	struct counts s0, s1;
	struct tcp_info alt, tcp;

	if (self->srv->proto == IPPROTO_TCP) {
		ASSERT_EQ(0, b_sysctl("tcp_syncookies", "2"));
	} else {
		ASSERT_EQ(0, sysctl_set("syncookies", "2"));
	}
	counts_read(self->srv, &s0);
	ASSERT_EQ(0, pair_open(self, variant->port + 900, 0));
	counts_read(self->srv, &s1);
	EXPECT_EQ(1, s1.cookies_sent - s0.cookies_sent);
	EXPECT_EQ(1, s1.cookies_recv - s0.cookies_recv);
	ASSERT_EQ(0, tcp_info_get(alt_fd(self), &alt));
	ASSERT_EQ(0, tcp_info_get(tcp_fd(self), &tcp));
	EXPECT_EQ(alt.tcpi_options & OPT_BITS, tcp.tcpi_options & OPT_BITS);
	EXPECT_EQ(alt.tcpi_snd_mss, tcp.tcpi_snd_mss);
	ASSERT_EQ(0, exchange(self->c, self->s, SMALL));
}

/* The header of a datagram seen by a raw socket: one from src to dst. */
struct quote {
	u8 ip[20];
	u8 l4[8];
};

/*
 * Waits up to ms on a raw socket for a segment with data from src; its
 * IP header and first 8 bytes of segment in q.  1, or 0.
 */
static int sniff_data(int fd, const char *src, int ms, struct quote *q)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long long end = now_ms() + ms;
	struct in_addr from;
	u8 pkt[2048];
	ssize_t n;
	size_t ihl, doff;

	inet_pton(AF_INET, src, &from);
	while (now_ms() < end && poll(&pfd, 1, 200) >= 0) {
		n = recv(fd, pkt, sizeof(pkt), MSG_DONTWAIT);
		if (n < 40)
			continue;
		ihl = (pkt[0] & 15) * 4;
		doff = (pkt[ihl + 12] >> 4) * 4;
		if (memcmp(pkt + 12, &from, 4) || (size_t)n <= ihl + doff)
			continue;
		memcpy(q->ip, pkt, 20);
		memcpy(q->l4, pkt + ihl, 8);
		return 1;
	}
	return 0;
}

static void put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static u32 get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* The Internet checksum of len bytes (RFC 1071); 0 over a valid header. */
static u16 inet_csum(const u8 *p, size_t len)
{
	u32 sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

#define PMTU	1280

/* An ICMP "fragmentation needed" (RFC 1191) quoting q, from fd to dst. */
static int send_frag_needed(int fd, const char *dst, const struct quote *q)
{
	struct sockaddr_in to = sin_of(dst, 0);
	u8 msg[8 + sizeof(*q)] = { 3, 4 };
	u16 c;

	msg[6] = PMTU >> 8;
	msg[7] = PMTU & 0xff;
	memcpy(msg + 8, q, sizeof(*q));
	c = inet_csum(msg, sizeof(msg));
	msg[2] = c >> 8;
	msg[3] = c & 0xff;
	return sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&to,
		      sizeof(to)) == sizeof(msg) ? 0 : -1;
}

/*
 * Waits on a raw ICMP socket for the error quoting a datagram to or from
 * peer; its quoted IP header in inner.  1, or 0.
 */
static int sniff_icmp(int fd, int ms, u8 *inner)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long long end = now_ms() + ms;
	u8 pkt[2048];
	ssize_t n;
	size_t ihl;

	while (now_ms() < end && poll(&pfd, 1, 200) >= 0) {
		n = recv(fd, pkt, sizeof(pkt), MSG_DONTWAIT);
		if (n < 20)
			continue;
		ihl = (pkt[0] & 15) * 4;
		if ((size_t)n < ihl + 8 + 20 || pkt[ihl] != 3 ||
		    pkt[ihl + 1] != 4)
			continue;
		memcpy(inner, pkt + ihl + 8, 20);
		return 1;
	}
	return 0;
}

/*
 * Path MTU discovery across the translator: the server's side answers a
 * segment of the client's with "fragmentation needed" quoting it as it
 * arrived there (protocol 6 in b, 253 in a).  The translator turns the
 * quote into the client's protocol, its header checksum mended, so the
 * error reaches the client's stack, whose MSS falls to the path's.
 */
TEST_F(interop, frag_needed_reaches_the_client)
{
	int sniff, icmp_tx, icmp_rx, polls;
	struct tcp_info ti;
	struct quote q;
	u8 inner[20];

	ASSERT_EQ(0, pair_open(self, variant->port + 1000, 0));
	sniff = socket_in(self->srv->ns, SOCK_RAW, self->srv->proto);
	icmp_tx = socket_in(self->srv->ns, SOCK_RAW, IPPROTO_ICMP);
	icmp_rx = socket_in(self->cli->ns, SOCK_RAW, IPPROTO_ICMP);
	ASSERT_LE(0, sniff);
	ASSERT_LE(0, icmp_tx);
	ASSERT_LE(0, icmp_rx);
	ASSERT_EQ(0, send_all(self->c, 5, 4));
	ASSERT_EQ(1, sniff_data(sniff, self->cli->addr, 5000, &q));
	ASSERT_EQ(0, recv_all(self->s, 5, 4));
	/* The next sequence number: acknowledged, so within the window. */
	put_be32(q.l4 + 4, get_be32(q.l4 + 4) + 5);
	ASSERT_EQ(0, send_frag_needed(icmp_tx, self->cli->addr, &q));
	ASSERT_EQ(1, sniff_icmp(icmp_rx, 5000, inner));
	EXPECT_EQ(self->cli->proto, inner[9]);
	EXPECT_EQ(0, inet_csum(inner, 20));
	for (polls = 0; polls < 100; polls++) {
		ASSERT_EQ(0, tcp_info_get(self->c, &ti));
		if (ti.tcpi_snd_mss <= PMTU - 40)
			break;
		usleep(20000);
	}
	EXPECT_GE(PMTU - 40, ti.tcpi_snd_mss);
	close(sniff);
	close(icmp_tx);
	close(icmp_rx);
}

FIXTURE(xlate) {
	int fds[8];
	int n;
};

FIXTURE_SETUP(xlate)
{
	self->n = 0;
}

FIXTURE_TEARDOWN(xlate)
{
	while (self->n)
		close(self->fds[--self->n]);
}

static int keep(FIXTURE_DATA(xlate) *self, int fd)
{
	if (fd >= 0 && self->n < 8)
		self->fds[self->n++] = fd;
	return fd;
}

/*
 * A peer the translator was not given keeps its own protocols: b at
 * ADDR_B_PLAIN reaches a's own TCP over TCP, and a's tcpalt reaches b's
 * tcpalt over protocol 253.  Translated, either would meet a stack with
 * no socket and be refused.  The counters show where the segments went:
 * to the stack asked for on both sides (a handshake and the data, at
 * least MIN_SEGS), not to the other one of a (only stragglers of earlier
 * tests, NOISE).
 */
#define MIN_SEGS	4
TEST_F(xlate, other_peers_untouched)
{
	int lfd, c, s, i;

	for (i = 0; i < 2; i++) {
		bool tcp = i == 0;
		const char *srv_ns = tcp ? NULL : PEER_NS;
		const char *cli_ns = tcp ? PEER_NS : NULL;
		const char *srv_addr = tcp ? ADDR_A : ADDR_B_PLAIN;
		int proto = tcp ? IPPROTO_TCP : IPPROTO_TCPALT;
		const struct side *a_side = tcp ? &TCP_IN_A : &ALT;
		const struct side *a_other = tcp ? &ALT : &TCP_IN_A;
		const struct side *b_side = tcp ? &TCP : &ALT_IN_B;
		struct counts a0, b0, o0, a1, b1, o1;

		counts_read(a_side, &a0);
		counts_read(a_other, &o0);
		counts_read(b_side, &b0);
		lfd = keep(self, socket_in(srv_ns, SOCK_STREAM, proto));
		c = keep(self, socket_in(cli_ns, SOCK_STREAM, proto));
		ASSERT_LE(0, lfd);
		ASSERT_LE(0, c);
		ASSERT_EQ(0, sock_bind(lfd, srv_addr, 40000 + i));
		ASSERT_EQ(0, listen(lfd, 4));
		if (tcp)
			ASSERT_EQ(0, sock_bind(c, ADDR_B_PLAIN, 0));
		timeouts(c, 10000);
		ASSERT_EQ(0, sock_connect(c, srv_addr, 40000 + i));
		s = keep(self, accept_wait(lfd, 5000));
		ASSERT_LE(0, s);
		ASSERT_EQ(0, exchange(c, s, SMALL));
		counts_read(a_side, &a1);
		counts_read(a_other, &o1);
		counts_read(b_side, &b1);
		EXPECT_LE(MIN_SEGS, a1.in_segs - a0.in_segs);
		EXPECT_LE(MIN_SEGS, b1.in_segs - b0.in_segs);
		EXPECT_GE(NOISE, o1.in_segs - o0.in_segs);
	}
}

/* What tcpalt-xlate printed contains text, and it exited with 1. */
static void expect_refusal(struct __test_metadata *_metadata, const char *env,
			   const char *args, const char *text)
{
	char out[4096];

	EXPECT_EQ(1, xlate(out, sizeof(out), env, args)) TH_LOG("%s", args);
	EXPECT_NE(NULL, strstr(out, text)) TH_LOG("%s: %s", args, out);
}

/*
 * Clear refusals: a device that does not exist, an object that is not
 * there.  (Each run of the script costs seconds of execs under
 * emulation, so the other refusals, a bad prefix, an object that is no
 * BPF, a device that is no Ethernet, were tried by hand only.)
 */
TEST_F_TIMEOUT(xlate, refusals, 120)
{
	expect_refusal(_metadata, NULL, "attach nosuchdev", "no such device");
	expect_refusal(_metadata, "TCPALT_XLATE_OBJ=/nonexistent",
		       "attach veth-a", "no BPF object");
}

/*
 * A SYN flood from b at a's tcpalt listener, as TCP SYNs from FLOOD_NET
 * that the translator hands to tcpalt, while b's TCP clients connect:
 * every client gets through (by SYN cookies once the queue is full) and
 * exchanges data.
 */
#define FLOOD_CLIENTS	20
#define FLOOD_PORT	41000

struct flood {
	pthread_t thread;
	int fd;
	volatile bool stop;
	unsigned long sent;
};

static void *flood_fn(void *arg)
{
	struct flood *f = arg;
	struct sockaddr_in to = sin_of(ADDR_A, FLOOD_PORT);
	unsigned int seed = 1;
	u8 pkt[20 + TCPALT_HDR_LEN + 4];
	u8 *seg = pkt + 20;
	static const u8 mss[4] = { 2, 4, 0x05, 0xb4 };

	while (!f->stop) {
		u32 src = htonl(0x0a010000u | (rand_r(&seed) & 0xffff));
		struct tcpalt_hdr hdr = {
			.sport = 1024 + rand_r(&seed) % 60000,
			.dport = FLOOD_PORT,
			.seq = (u32)rand_r(&seed) << 1,
			.flags = TCPALT_SYN,
			.window = 65535,
			.doff = TCPALT_HDR_LEN + 4,
		};
		u16 c;

		memset(pkt, 0, sizeof(pkt));
		pkt[0] = 0x45;
		pkt[3] = sizeof(pkt);
		pkt[8] = 64;
		pkt[9] = IPPROTO_TCP;
		memcpy(pkt + 12, &src, 4);
		memcpy(pkt + 16, &to.sin_addr, 4);
		tcpalt_build_hdr(seg, &hdr);
		memcpy(seg + TCPALT_HDR_LEN, mss, sizeof(mss));
		c = tcpalt_segment_csum(pkt + 12, pkt + 16, IPPROTO_TCP, seg,
					sizeof(pkt) - 20);
		seg[16] = c >> 8;
		seg[17] = c & 0xff;
		if (sendto(f->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
			   sizeof(to)) == sizeof(pkt))
			f->sent++;
	}
	return NULL;
}

TEST_F_TIMEOUT(xlate, syn_flood_at_tcpalt_listener, 120)
{
	long long cookies0 = stat_get(NULL, "SyncookiesSent");
	int lfd, c[FLOOD_CLIENTS], s, i, ok = 0;
	struct flood f = { .stop = false };
	long long start;
	char byte = 'x';

	lfd = keep(self, socket_in(NULL, SOCK_STREAM, IPPROTO_TCPALT));
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, sock_bind(lfd, ADDR_A, FLOOD_PORT));
	ASSERT_EQ(0, listen(lfd, FLOOD_CLIENTS + 8));
	f.fd = socket_in(PEER_NS, SOCK_RAW, IPPROTO_RAW);
	ASSERT_LE(0, f.fd);
	ASSERT_EQ(0, pthread_create(&f.thread, NULL, flood_fn, &f));
	start = now_ms();
	usleep(300 * 1000);
	for (i = 0; i < FLOOD_CLIENTS; i++) {
		c[i] = socket_in(PEER_NS, SOCK_STREAM, IPPROTO_TCP);
		timeouts(c[i], 10000);
		if (c[i] >= 0 && !sock_connect(c[i], ADDR_A, FLOOD_PORT))
			ok++;
	}
	f.stop = true;
	pthread_join(f.thread, NULL);
	fprintf(stderr, "# %lu SYNs in %lld ms, %d of %d clients connected\n",
		f.sent, now_ms() - start, ok, FLOOD_CLIENTS);
	close(f.fd);
	EXPECT_EQ(FLOOD_CLIENTS, ok);
	for (i = 0; i < ok; i++) {
		s = accept_wait(lfd, 5000);
		ASSERT_LE(0, s);
		EXPECT_EQ(1, send(s, &byte, 1, 0));
		close(s);
	}
	for (i = 0; i < FLOOD_CLIENTS; i++) {
		if (c[i] < 0)
			continue;
		if (i < ok)
			EXPECT_EQ(1, recv(c[i], &byte, 1, 0));
		close(c[i]);
	}
	EXPECT_LT(cookies0, stat_get(NULL, "SyncookiesSent"));
}

/*
 * Last, since it ends the translator that the others use: a second
 * attach on veth-a replaces the first (one filter a hook, only the new
 * peers), and detach leaves no clsact qdisc, no filter, and
 * segmentation offload as it was before the first attach.
 */
TEST_F_TIMEOUT(xlate, replace_then_detach, 180)
{
	char out[4096];

	ASSERT_EQ(0, xlate(out, sizeof(out), NULL,
			   "attach veth-a 10.9.9.0/24 10.8.0.0/16"))
		TH_LOG("%s", out);
	ASSERT_EQ(0, xlate(out, sizeof(out), NULL, "status veth-a"));
	EXPECT_EQ(NULL, strstr(out, "peer " ADDR_B "/32")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "peer 10.9.9.0/24")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "peer 10.8.0.0/16")) TH_LOG("%s", out);
	EXPECT_EQ(0, run("test $(tc filter show dev veth-a egress | grep -c xlate_egress)$(tc filter show dev veth-a ingress | grep -c xlate_ingress) = 11"));
	ASSERT_EQ(0, xlate(out, sizeof(out), NULL, "detach veth-a"))
		TH_LOG("%s", out);
	EXPECT_EQ(0, run("test -z \"$(tc qdisc show dev veth-a | grep clsact)$(tc filter show dev veth-a egress)$(tc filter show dev veth-a ingress)\" && "
			 "ethtool -k veth-a | grep -q 'generic-segmentation-offload: on'"));
}

/*
 * The topology and the translator, once for every test: b gets a second
 * address that is no peer, and a a route back to the flood's addresses
 * through b, which does not forward them.
 */
static int suite_setup(void)
{
	char out[4096];

	if (topo_setup() ||
	    run("ip -n " PEER_NS " addr add " ADDR_B_PLAIN "/24 dev veth-b") ||
	    run("ip route add " FLOOD_NET " via " ADDR_B))
		return -1;
	if (xlate(out, sizeof(out), NULL, "attach veth-a " XLATE_PEERS)) {
		fprintf(stderr, "# tcpalt-xlate attach: %s\n", out);
		return -1;
	}
	return 0;
}

static void __attribute__((constructor)) __constructor_order_last(void)
{
	if (!__constructor_order)
		__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;
}

int main(int argc, char **argv)
{
	int ret;

	/*
	 * A skip that run.sh and check.sh count as one: a TAP line "ok ...
	 * # SKIP" and status 0 (a non-zero status without a "not ok" fails
	 * the leg).
	 */
	if (!mod_loaded() || run("grep -qw bpf /proc/filesystems")) {
		printf("1..1\nok 1 interop # SKIP %s\n", mod_loaded() ?
		       "the translator needs a kernel with BPF (CONFIG_BPF_SYSCALL, CONFIG_NET_CLS_BPF)" :
		       "the interop suite needs tcpalt loaded");
		return KSFT_PASS;
	}
	if (suite_setup()) {
		printf("1..1\nnot ok 1 interop # the topology or the translator could not be set up\n");
		topo_teardown();
		return KSFT_FAIL;
	}
	ret = test_harness_run(argc, argv);
	xlate(NULL, 0, NULL, "detach veth-a");
	topo_teardown();
	return ret;
}
