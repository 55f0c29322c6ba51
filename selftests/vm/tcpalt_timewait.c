// SPDX-License-Identifier: GPL-2.0
/*
 * TIME-WAIT: the entry a closed connection leaves for 2*MSL, what it
 * answers (a retransmitted FIN, a RST, a new SYN), the port it holds,
 * its expiry, and the reaper at scale: 100,000 entries made and reaped
 * with their memory returned, and entries left when a namespace goes.
 * TCPALT_TEST_PROTO=6 runs what TCP has an equivalent for against TCP.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"
#include "lib.h"

#define PORT		5400
#define RAW_PORT	41000
#define RAW_ISS		0x10000000u
#define WAIT_MS		3000

FIXTURE(tw) {
	struct raw_peer p;
};

FIXTURE_SETUP(tw)
{
	self->p.fd = -1;
	ASSERT_EQ(0, topo_setup());
}

FIXTURE_TEARDOWN(tw)
{
	if (self->p.fd >= 0)
		raw_peer_close(&self->p);
	topo_teardown();
}

/* Waits for the peer's FIN: recv() returns 0.  0, or -1. */
static int wait_eof(int fd)
{
	char buf[64];

	if (wait_fd(fd, POLLIN, WAIT_MS) <= 0)
		return -1;
	return recv(fd, buf, sizeof(buf), 0) == 0 ? 0 : -1;
}

/*
 * A connection from a to b that a closes first: a ends in TIME-WAIT.
 * *cport gets a's port.  0, or -1.
 */
static int time_wait_in_a(unsigned short port, int *cport)
{
	int cli, srv;

	if (conn_pair(port, &cli, &srv))
		return -1;
	*cport = local_port(cli);
	close(cli);
	if (wait_eof(srv))
		return -1;
	close(srv);
	return 0;
}

static void tw_names(char *local, char *remote, size_t size,
		     unsigned short cport, unsigned short port)
{
	addr_port(local, size, ADDR_A, cport);
	addr_port(remote, size, ADDR_B, port);
}

/*
 * The peer's last FIN is retransmitted because our ACK was lost: the
 * entry ACKs it again and restarts 2*MSL.
 */
TEST_F_TIMEOUT(tw, lost_final_ack_is_acked_again, 60)
{
	long long restarts = proto_stat(NULL, "TimeWaitRestarts");
	char local[32], remote[32];
	struct conn_entry before, after;
	long long seen, elapsed;
	int cli, srv;

	ASSERT_EQ(0, conn_pair(PORT, &cli, &srv));
	tw_names(local, remote, sizeof(local), local_port(cli), PORT);
	close(cli);
	ASSERT_EQ(0, wait_eof(srv));
	ASSERT_EQ(1, conns_wait(NULL, local, remote, "FIN-WAIT-2", 1, WAIT_MS,
				NULL));
	ASSERT_EQ(0, drop_ingress(PEER_NS, "veth-b"));
	close(srv);
	ASSERT_EQ(1, conns_wait(NULL, local, remote, "TIME-WAIT", 1, WAIT_MS,
				&before));
	seen = now_ms();
	ASSERT_EQ(1, conns_wait(PEER_NS, remote, local, "LAST-ACK", 1,
				WAIT_MS, NULL));
	/* Let b's FIN be retransmitted a couple of times, unanswered. */
	sleep(2);
	ASSERT_EQ(0, allow_ingress(PEER_NS, "veth-b"));
	EXPECT_EQ(0, conns_wait(PEER_NS, remote, local, NULL, 0, 10000,
				NULL));
	ASSERT_EQ(1, conns_wait(NULL, local, remote, "TIME-WAIT", 1, 0,
				&after));
	elapsed = now_ms() - seen;
	EXPECT_STREQ("timewait", after.timer);
	/*
	 * Restarted: over 2 s went by, yet the time left is within a
	 * second of what it was.  Without the restart it would be less
	 * by the time gone.
	 */
	EXPECT_GT(after.timer_ms, before.timer_ms - elapsed + 1000)
		TH_LOG("before %ld ms, after %ld ms, %lld ms apart",
		       before.timer_ms, after.timer_ms, elapsed);
	if (restarts >= 0)
		EXPECT_LT(restarts, proto_stat(NULL, "TimeWaitRestarts"));
}

/*
 * A raw peer in a and an accepted socket in b, which closes first; the
 * peer answers its FIN with one FIN,ACK, so b goes from FIN-WAIT-1
 * straight to TIME-WAIT.  0, or -1.
 */
static int raw_time_wait_in_b(struct __test_metadata *_metadata,
			      struct raw_peer *p, int *lfd)
{
	char local[32], remote[32];
	struct raw_seg s;
	int fd;

	if (quiet_ns_a())
		return -1;
	*lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8);
	if (*lfd < 0 || raw_peer_open(p, RAW_PORT, PORT) ||
	    raw_connect(p, RAW_ISS, NULL))
		return -1;
	fd = accept_wait(*lfd, WAIT_MS);
	if (fd < 0)
		return -1;
	addr_port(local, sizeof(local), ADDR_B, PORT);
	addr_port(remote, sizeof(remote), ADDR_A, RAW_PORT);
	close(fd);
	if (raw_recv(p, WAIT_MS, &s) != 1 ||
	    s.hdr.flags != (TCPALT_FIN | TCPALT_ACK))
		return -1;
	EXPECT_EQ(1, conns_find(PEER_NS, local, remote, "FIN-WAIT-1", NULL));
	p->rcv_nxt = s.hdr.seq + 1;
	if (raw_send(p, TCPALT_FIN | TCPALT_ACK, p->snd_nxt, p->rcv_nxt,
		     NULL, 0))
		return -1;
	p->snd_nxt++;
	if (raw_recv(p, WAIT_MS, &s) != 1 || s.hdr.flags != TCPALT_ACK ||
	    s.hdr.ack != p->snd_nxt)
		return -1;
	return conns_wait(PEER_NS, local, remote, "TIME-WAIT", 1, WAIT_MS,
			  NULL) == 1 ? 0 : -1;
}

/* RFC 9293 3.6: FIN-WAIT-1, a FIN,ACK acking our FIN, TIME-WAIT. */
TEST_F_TIMEOUT(tw, fin_ack_goes_straight_to_time_wait, 60)
{
	char local[32], remote[32];
	int lfd;

	ASSERT_EQ(0, raw_time_wait_in_b(_metadata, &self->p, &lfd));
	addr_port(local, sizeof(local), ADDR_B, PORT);
	addr_port(remote, sizeof(remote), ADDR_A, RAW_PORT);
	EXPECT_EQ(0, conns_find(PEER_NS, local, remote, "FIN-WAIT-2", NULL));
	close(lfd);
}

/*
 * RFC 1337: a RST must not end TIME-WAIT, even one at exactly RCV.NXT.
 * The entry still ACKs the FIN afterwards.  With rfc1337 off, such a
 * RST ends it, and the 4-tuple is then a closed port.
 */
TEST_F_TIMEOUT(tw, rst_in_time_wait_is_ignored, 60)
{
	long long ignored = proto_stat(PEER_NS, "TimeWaitRstIgnored");
	struct raw_peer *p = &self->p;
	char local[32], remote[32];
	struct raw_seg s;
	int lfd;

	ASSERT_EQ(0, proto_sysctl_set(PEER_NS, "rfc1337", "1"));
	ASSERT_EQ(0, raw_time_wait_in_b(_metadata, p, &lfd));
	addr_port(local, sizeof(local), ADDR_B, PORT);
	addr_port(remote, sizeof(remote), ADDR_A, RAW_PORT);

	ASSERT_EQ(0, raw_send(p, TCPALT_RST, p->snd_nxt, 0, NULL, 0));
	usleep(300000);
	EXPECT_EQ(1, conns_find(PEER_NS, local, remote, "TIME-WAIT", NULL));
	if (ignored >= 0)
		EXPECT_EQ(ignored + 1,
			  proto_stat(PEER_NS, "TimeWaitRstIgnored"));
	ASSERT_EQ(0, raw_send(p, TCPALT_FIN | TCPALT_ACK, p->snd_nxt - 1,
			      p->rcv_nxt, NULL, 0));
	ASSERT_EQ(1, raw_recv(p, WAIT_MS, &s));
	EXPECT_EQ(TCPALT_ACK, s.hdr.flags);
	EXPECT_EQ(p->snd_nxt, s.hdr.ack);

	ASSERT_EQ(0, proto_sysctl_set(PEER_NS, "rfc1337", "0"));
	ASSERT_EQ(0, raw_send(p, TCPALT_RST, p->snd_nxt, 0, NULL, 0));
	EXPECT_EQ(0, conns_wait(PEER_NS, local, remote, NULL, 0, WAIT_MS,
				NULL));
	ASSERT_EQ(0, raw_send(p, TCPALT_ACK, p->snd_nxt, p->rcv_nxt, NULL,
			      0));
	ASSERT_EQ(1, raw_recv(p, WAIT_MS, &s));
	EXPECT_EQ(TCPALT_RST, s.hdr.flags & TCPALT_RST);
	close(lfd);
}

/*
 * A SYN that could reopen the 4-tuple, with no listener to take it: the
 * entry stays and answers with an ACK (RFC 5961 4.2), not a RST.
 */
TEST_F_TIMEOUT(tw, syn_without_listener_keeps_time_wait, 60)
{
	struct raw_peer *p = &self->p;
	char local[32], remote[32];
	u8 opts[RAW_SYN_OPTS_LEN];
	struct raw_seg s;
	int lfd;

	ASSERT_EQ(0, raw_time_wait_in_b(_metadata, p, &lfd));
	close(lfd);
	addr_port(local, sizeof(local), ADDR_B, PORT);
	addr_port(remote, sizeof(remote), ADDR_A, RAW_PORT);
	raw_syn_opts(opts, p->ts_val + 100000, 0);
	ASSERT_EQ(0, raw_send_opts(p, TCPALT_SYN, p->snd_nxt + 100000, 0,
				   opts, sizeof(opts), NULL, 0));
	ASSERT_EQ(1, raw_recv(p, WAIT_MS, &s));
	EXPECT_EQ(TCPALT_ACK, s.hdr.flags);
	EXPECT_EQ(p->snd_nxt, s.hdr.ack);
	EXPECT_EQ(1, conns_find(PEER_NS, local, remote, "TIME-WAIT", NULL));
}

/* tw_timeout 2: the entry shows its time left, then goes. */
TEST_F_TIMEOUT(tw, time_wait_expires, 60)
{
	long long reaped = proto_stat(NULL, "TimeWaitReaped");
	char local[32], remote[32];
	struct conn_entry e;
	long long start;
	int cport;

	if (proto_is_tcp())
		SKIP(return, "TCP's 2*MSL is fixed at 60 s");
	ASSERT_EQ(0, proto_sysctl_set(NULL, "tw_timeout", "2"));
	ASSERT_EQ(0, time_wait_in_a(PORT, &cport));
	start = now_ms();
	tw_names(local, remote, sizeof(local), cport, PORT);
	ASSERT_EQ(1, conns_wait(NULL, local, remote, "TIME-WAIT", 1, WAIT_MS,
				&e));
	EXPECT_STREQ("timewait", e.timer);
	/* Armed with tw_timeout, 2 s: it can only have run down since. */
	EXPECT_GT(e.timer_ms, 0);
	EXPECT_LE(e.timer_ms, 2000);
	EXPECT_EQ(1, proto_stat(NULL, "CurrTimeWait"));
	EXPECT_EQ(0, conns_wait(NULL, local, remote, NULL, 0, 10000, NULL));
	/* Not before its deadline (less the time to see it appear). */
	EXPECT_GE(now_ms() - start, 1500);
	EXPECT_EQ(reaped + 1, proto_stat(NULL, "TimeWaitReaped"));
	EXPECT_EQ(0, proto_stat_wait(NULL, "CurrTimeWait", 0, WAIT_MS));
}

/* Connects from ADDR_A:cport to ADDR_B:PORT; the socket, or -1. */
static int connect_from(unsigned short cport, int syncnt)
{
	int fd = conn_socket(NULL), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (syncnt)
		setsockopt(fd, test_proto(), TCPALT_SYNCNT, &syncnt,
			   sizeof(syncnt));
	if (sock_bind(fd, ADDR_A, cport) || sock_connect(fd, ADDR_B, PORT)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * b closed first and holds the 4-tuple in TIME-WAIT; the same client
 * port connects again.  RFC 6191: its SYN has a higher sequence number
 * and a newer timestamp, so it opens a new connection.  With tw_reuse
 * off the SYN only draws an ACK, and the connect times out.
 */
TEST_F_TIMEOUT(tw, syn_reopens_time_wait, 90)
{
	long long reused = proto_stat(PEER_NS, "TimeWaitReused");
	char local[32], remote[32], buf[8];
	int lfd, cli, srv, cport;

	lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8);
	ASSERT_LE(0, lfd);
	cli = connect_from(0, 0);
	ASSERT_LE(0, cli);
	cport = local_port(cli);
	srv = accept_wait(lfd, WAIT_MS);
	ASSERT_LE(0, srv);
	close(srv);
	ASSERT_EQ(0, wait_eof(cli));
	close(cli);
	addr_port(local, sizeof(local), ADDR_B, PORT);
	addr_port(remote, sizeof(remote), ADDR_A, cport);
	ASSERT_EQ(1, conns_wait(PEER_NS, local, remote, "TIME-WAIT", 1,
				WAIT_MS, NULL));

	cli = connect_from(cport, 0);
	ASSERT_LE(0, cli);
	srv = accept_wait(lfd, WAIT_MS);
	ASSERT_LE(0, srv);
	EXPECT_EQ(5, send(cli, "hello", 5, 0));
	ASSERT_GT(wait_fd(srv, POLLIN, WAIT_MS), 0);
	EXPECT_EQ(5, recv(srv, buf, sizeof(buf), 0));
	EXPECT_EQ(1, conns_find(PEER_NS, local, remote, "ESTABLISHED", NULL));
	if (reused >= 0)
		EXPECT_EQ(reused + 1, proto_stat(PEER_NS, "TimeWaitReused"));
	close(srv);
	ASSERT_EQ(0, wait_eof(cli));
	close(cli);
	ASSERT_EQ(1, conns_wait(PEER_NS, local, remote, "TIME-WAIT", 1,
				WAIT_MS, NULL));

	if (proto_is_tcp())
		return;	/* TCP has no switch for RFC 6191 */
	ASSERT_EQ(0, proto_sysctl_set(PEER_NS, "tw_reuse", "0"));
	EXPECT_EQ(-1, connect_from(cport, 1));
	EXPECT_EQ(1, conns_find(PEER_NS, local, remote, "TIME-WAIT", NULL));
	close(lfd);
}

static int reuse_socket(const char *ns, bool reuse)
{
	int fd = conn_socket(ns), one = 1;

	if (fd >= 0 && reuse)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return fd;
}

/*
 * An entry holds its port: bind() fails with EADDRINUSE, unless both
 * the new socket and the one that left the entry set SO_REUSEADDR; then
 * the new socket may listen there.
 */
TEST_F_TIMEOUT(tw, bind_over_time_wait, 60)
{
	char local[32], remote[32];
	int cli, srv, fd;

	ASSERT_EQ(0, conn_pair(PORT, &cli, &srv));
	addr_port(local, sizeof(local), ADDR_B, PORT);
	addr_port(remote, sizeof(remote), ADDR_A, local_port(cli));
	close(srv);
	ASSERT_EQ(0, wait_eof(cli));
	close(cli);
	ASSERT_EQ(1, conns_wait(PEER_NS, local, remote, "TIME-WAIT", 1,
				WAIT_MS, NULL));

	fd = reuse_socket(PEER_NS, false);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EADDRINUSE, sock_bind(fd, ADDR_B, PORT));
	close(fd);
	fd = reuse_socket(PEER_NS, false);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EADDRINUSE, sock_bind(fd, NULL, PORT));
	close(fd);

	fd = reuse_socket(PEER_NS, true);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, sock_bind(fd, ADDR_B, PORT));
	EXPECT_EQ(0, listen(fd, 8));
	close(fd);
	EXPECT_EQ(1, conns_find(PEER_NS, local, remote, "TIME-WAIT", NULL));
}

/*
 * Active objects of a slab cache, and its object size as the allocator
 * sees it (slabinfo's column adds slub_debug's red zones and tracking
 * on the test kernel).  0, or -1.
 */
static int slab_objs(const char *cache, long *active, long *objsize)
{
	char line[512], name[64], path[128];
	long a, n, size;
	FILE *f = fopen("/proc/slabinfo", "r");
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld %ld %ld", name, &a, &n, &size) == 4 &&
		    !strcmp(name, cache)) {
			*active = a;
			ret = 0;
		}
	}
	fclose(f);
	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/object_size", cache);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%ld", objsize) != 1)
		ret = -1;
	if (f)
		fclose(f);
	return ret;
}

/* /proc/meminfo's Slab in bytes, or -1. */
static long long meminfo_slab(void)
{
	char line[256];
	long long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

/* The bytes of the pages a slab cache holds, from /proc/slabinfo; or -1. */
static long long slab_pages_bytes(const char *cache)
{
	long a, n, size, per, pages, active_slabs, slabs;
	char line[512], name[64];
	long long bytes = -1;
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld %ld %ld %ld %ld : tunables %*d %*d %*d : slabdata %ld %ld",
			   name, &a, &n, &size, &per, &pages, &active_slabs,
			   &slabs) == 8 && !strcmp(name, cache))
			bytes = (long long)slabs * pages * sysconf(_SC_PAGESIZE);
	}
	fclose(f);
	return bytes;
}

struct maker {
	pthread_t thread;
	int lfd;		/* in b, on port */
	unsigned short port;
	unsigned short cport;	/* the first client port */
	int n;
	int made;
};

/* n connections to port, each closed by b first: n entries in b. */
static void *maker_fn(void *arg)
{
	struct maker *m = arg;
	struct sockaddr_in to = sin_of(ADDR_B, m->port);
	int one = 1, i, cli, srv;
	char c;

	for (i = 0; i < m->n; i++) {
		struct sockaddr_in from = sin_of(ADDR_A, m->cport + i);

		cli = conn_socket(NULL);
		if (cli < 0)
			break;
		setsockopt(cli, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(cli, (struct sockaddr *)&from, sizeof(from)) ||
		    connect(cli, (struct sockaddr *)&to, sizeof(to)))
			break;
		srv = accept(m->lfd, NULL, NULL);
		if (srv < 0)
			break;
		close(srv);
		if (recv(cli, &c, 1, 0) != 0)
			break;
		close(cli);
		m->made++;
	}
	return NULL;
}

/* b makes n entries over two listeners, two threads; 0, or -1. */
static int make_entries_in_b(int n)
{
	struct maker m[2] = {
		{ .port = PORT, .cport = 10000, .n = n / 2 },
		{ .port = PORT + 1, .cport = 10000, .n = n - n / 2 },
	};
	int i, err = 0;

	for (i = 0; i < 2; i++) {
		m[i].lfd = conn_listen(PEER_NS, ADDR_B, m[i].port, 128);
		if (m[i].lfd < 0 ||
		    pthread_create(&m[i].thread, NULL, maker_fn, &m[i]))
			return -1;
	}
	for (i = 0; i < 2; i++) {
		pthread_join(m[i].thread, NULL);
		close(m[i].lfd);
		if (m[i].made != m[i].n)
			err = -1;
	}
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * ns's conns, read with read() calls of chunk bytes each; the text,
 * NUL-terminated, to free(), or NULL.
 */
static char *conns_text(const char *ns, size_t chunk)
{
	FILE *f = fopen_in(ns, "/proc/thread-self/net/tcpalt/conns");
	size_t cap = 1 << 20, len = 0;
	char *text = malloc(cap), *bigger;
	ssize_t n;

	if (!f || !text)
		goto fail;
	while ((n = read(fileno(f), text + len, chunk)) > 0) {
		len += n;
		if (cap - len > chunk)
			continue;
		bigger = realloc(text, cap *= 2);
		if (!bigger)
			goto fail;
		text = bigger;
	}
	if (n < 0)
		goto fail;
	fclose(f);
	text[len] = '\0';
	return text;
fail:
	if (f)
		fclose(f);
	free(text);
	return NULL;
}

/*
 * Cuts each line of conns text after its state, "local remote state",
 * the part that stays while the table does (a timer column counts
 * down), and points keys at them, sorted, the header left out.  The
 * number of lines, or -1.
 */
static int conns_keys(char *text, char ***keys)
{
	char *line, *next, *end;
	int n = 0, cap = 1024;

	*keys = malloc(cap * sizeof(**keys));
	line = strchr(text, '\n');
	for (; *keys && line && *++line; line = next) {
		next = strchr(line, '\n');
		if (!next)
			return -1;
		*next = '\0';
		end = strchr(line, ' ');
		end = end ? strchr(end + 1, ' ') : NULL;
		end = end ? strchr(end + 1, ' ') : NULL;
		if (!end)
			return -1;
		*end = '\0';
		if (n == cap)
			*keys = realloc(*keys, (cap *= 2) * sizeof(**keys));
		if (*keys)
			(*keys)[n++] = line;
	}
	if (!*keys)
		return -1;
	qsort(*keys, n, sizeof(**keys), cmp_str);
	return n;
}

static int count_state(char **keys, int n, const char *state)
{
	size_t len = strlen(state);
	int i, hits = 0;

	for (i = 0; i < n; i++) {
		size_t klen = strlen(keys[i]);

		if (klen > len && keys[i][klen - len - 1] == ' ' &&
		    !strcmp(keys[i] + klen - len, state))
			hits++;
	}
	return hits;
}

/*
 * b's conns, read as cat reads it: every entry and the TIME-WAIT ones
 * are counted, and the whole read must have walked the tables once,
 * resuming where each buffer's worth stopped.
 */
static void conns_read_in_one_walk(struct __test_metadata *_metadata,
				   int want_tw)
{
	long long walks = proto_stat(PEER_NS, "ConnsWalks");
	long long t0 = now_ms();
	char *text = conns_text(PEER_NS, 64 << 10);
	char **keys = NULL;
	int n;

	ASSERT_NE(NULL, text);
	TH_LOG("conns read in %lld ms", now_ms() - t0);
	n = conns_keys(text, &keys);
	EXPECT_EQ(want_tw, count_state(keys, n, "TIME-WAIT"));
	EXPECT_EQ(walks + 1, proto_stat(PEER_NS, "ConnsWalks"));
	free(keys);
	free(text);
}

/*
 * What an entry may cost on top of its 64 bytes, in bytes: the tables'
 * fixed parts are allocated at load, so this covers the port records an
 * entry shares with every other entry on its block of 16 ports, partly
 * used slab pages, and whatever else the kernel allocates meanwhile.
 */
#define TW_SLAB_ALLOWANCE	8

/*
 * The caches of TIME-WAIT: the entries, and the records of the ports
 * they hold (port.c).  The test kernel runs with slub_debug, whose red
 * zones and tracking would triple what their objects cost, so they are
 * counted at their object size; a kernel that merged one into another
 * cache counts it there, in full.
 */
static const char *const tw_caches[] = { "tcpalt_tw", "tcpalt_port_tw" };

/* Slab before entries are made, to measure what they cost. */
struct slab_mark {
	long long slab;		/* /proc/meminfo's Slab */
	long long pages[2];	/* of each of tw_caches */
	long objs[2];		/* active objects */
	long objsize[2];
};

/* Gives back every cache's empty slabs: Slab then counts what is used. */
static void slab_shrink_all(void)
{
	char path[320];
	struct dirent *d;
	DIR *dir = opendir("/sys/kernel/slab");

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 d->d_name);
		write_in(NULL, path, "1");
	}
	closedir(dir);
}

static int slab_mark(struct slab_mark *m)
{
	size_t i;

	slab_shrink_all();
	m->slab = meminfo_slab();
	for (i = 0; i < ARRAY_SIZE(tw_caches); i++) {
		m->pages[i] = slab_pages_bytes(tw_caches[i]);
		if (m->pages[i] < 0 ||
		    slab_objs(tw_caches[i], &m->objs[i], &m->objsize[i]))
			m->pages[i] = m->objs[i] = m->objsize[i] = 0;
	}
	return m->slab < 0 ? -1 : 0;
}

/*
 * The whole footprint of each of n entries made since m, in *per_entry:
 * what /proc/meminfo's Slab grew by, with TIME-WAIT's own caches counted
 * by their objects.  Anything else an entry allocates counts in full,
 * padding included.  0, or -1 if Slab cannot be read.
 */
static int slab_per_entry(struct __test_metadata *_metadata,
			  const struct slab_mark *m, long n,
			  long long *per_entry)
{
	long long bytes;
	struct slab_mark now;
	size_t i;

	if (slab_mark(&now))
		return -1;
	bytes = now.slab - m->slab;
	for (i = 0; i < ARRAY_SIZE(tw_caches); i++) {
		bytes += (now.objs[i] - m->objs[i]) * now.objsize[i] -
			 (now.pages[i] - m->pages[i]);
		TH_LOG("%s: %ld more objects of %ld bytes", tw_caches[i],
		       now.objs[i] - m->objs[i], now.objsize[i]);
	}
	*per_entry = bytes / n;
	return 0;
}

static const char *tcpalt_ss(void)
{
	return repo_file("build/tcpalt-ss");
}

/*
 * b's many entries over sock_diag: every one, reply after reply, each
 * reply resuming the walk where the last stopped, and the same through
 * tcpalt-ss, which prints each reply as it comes.  The bound, 20 s for
 * either, is loose for TCG: a dump of 100,000 takes about a second
 * there; one that walked the 2^18 chains again for each of its some 300
 * replies would take minutes.
 */
static void diag_dump_all(struct __test_metadata *_metadata, int many)
{
	long long t0, t1;
	char cmd[PATH_MAX + 128];
	FILE *f;
	long lines = 0;
	char line[256];

	t0 = now_ms();
	EXPECT_EQ(many, diag_dump(PEER_NS, 1 << 6 /* TIME-WAIT */, NULL, NULL,
				  0, 0, NULL, NULL));
	t1 = now_ms();
	EXPECT_GT(20000, t1 - t0);
	TH_LOG("%d entries dumped over sock_diag in %lld ms", many, t1 - t0);

	snprintf(cmd, sizeof(cmd),
		 "ip netns exec %s %s -tan state time-wait >/tmp/tcpalt-tw-ss",
		 PEER_NS, tcpalt_ss());
	t0 = now_ms();
	ASSERT_EQ(0, run("%s", cmd));
	t1 = now_ms();
	f = fopen("/tmp/tcpalt-tw-ss", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		lines += !strncmp(line, "TIME-WAIT ", 10);
	fclose(f);
	unlink("/tmp/tcpalt-tw-ss");
	EXPECT_EQ(many, lines);
	EXPECT_GT(20000, t1 - t0);
	TH_LOG("tcpalt-ss printed them in %lld ms", t1 - t0);
}

/*
 * Many entries (100,000 under make check-full, 20,000 under make
 * check), made with tw_timeout at an hour, dumped over sock_diag, then
 * all reaped at once by lowering it to a second: every entry is counted
 * in and out, and on the stock kernel the slab gives the objects back
 * (KASAN's quarantine holds freed objects on the debug kernel, where
 * kmemleak checks instead).  The debug leg makes 1,000, four of the
 * reaper's 256-entry batches: each connection costs it about ten times
 * as much (10,000 took 4.5 minutes there), and the reaper's path is the
 * same.
 *
 * The whole footprint of an entry is slab_per_entry()'s; here the
 * entries share two ports.  KASAN changes every size on the debug
 * kernel, so only the stock kernel checks it.  While they are there,
 * conns lists them all in one walk of the tables: a read that started
 * over for each bigger buffer would walk them a dozen times.
 */
TEST_F_TIMEOUT(tw, many_entries_reaped, 1800)
{
	const int MANY = scale_size(100000, 20000, 1000);
	long long made = proto_stat(PEER_NS, "TimeWaitMade");
	long long reaped = proto_stat(PEER_NS, "TimeWaitReaped");
	long active, objsize, base = 0;
	long long t0, t1, per_entry;
	struct slab_mark mark;

	if (proto_is_tcp())
		SKIP(return, "TCP's 2*MSL is fixed at 60 s");
	ASSERT_EQ(0, proto_sysctl_set(PEER_NS, "tw_timeout", "3600"));
	ASSERT_EQ(0, slab_objs("tcpalt_tw", &base, &objsize));
	EXPECT_LE(objsize, 64);
	ASSERT_EQ(0, slab_mark(&mark));

	t0 = now_ms();
	ASSERT_EQ(0, make_entries_in_b(MANY));
	t1 = now_ms();
	EXPECT_EQ(made + MANY, proto_stat(PEER_NS, "TimeWaitMade"));
	EXPECT_EQ(MANY, proto_stat(PEER_NS, "CurrTimeWait"));
	ASSERT_EQ(0, slab_objs("tcpalt_tw", &active, &objsize));
	EXPECT_GE(active, MANY);
	TH_LOG("%d entries made in %lld ms, slab tcpalt_tw %ld objects of %ld bytes",
	       MANY, t1 - t0, active, objsize);
	conns_read_in_one_walk(_metadata, MANY);

	diag_dump_all(_metadata, MANY);

	/* The connections' sockets go after a grace period. */
	usleep(500000);
	ASSERT_EQ(0, slab_per_entry(_metadata, &mark, MANY, &per_entry));
	TH_LOG("%lld bytes per entry", per_entry);
	if (!getenv("TCPALT_DEBUG_KERNEL"))
		EXPECT_GE(64 + TW_SLAB_ALLOWANCE, per_entry);

	ASSERT_EQ(0, proto_sysctl_set(PEER_NS, "tw_timeout", "1"));
	t0 = now_ms();
	while (proto_stat(PEER_NS, "CurrTimeWait") && now_ms() - t0 < 60000)
		usleep(50000);
	t1 = now_ms();
	EXPECT_EQ(0, proto_stat(PEER_NS, "CurrTimeWait"));
	EXPECT_EQ(reaped + MANY, proto_stat(PEER_NS, "TimeWaitReaped"));
	TH_LOG("all reaped %lld ms after tw_timeout went to 1 s", t1 - t0);
	if (getenv("TCPALT_DEBUG_KERNEL"))
		return;
	/*
	 * The last frees follow the count by a moment; free objects in a
	 * CPU's slabs count as active until the cache is shrunk.
	 */
	t0 = now_ms();
	do {
		write_in(NULL, "/sys/kernel/slab/tcpalt_tw/shrink", "1");
		if (slab_objs("tcpalt_tw", &active, &objsize) ||
		    active <= base)
			break;
		usleep(100000);
	} while (now_ms() - t0 < 10000);
	EXPECT_LE(active, base) TH_LOG("%ld objects still active", active);
}

/*
 * conns read 100 bytes at a time, a line or two per read(), shows what
 * one big read shows, nothing lost or twice, in one walk of the tables:
 * each read resumes where the last stopped.  Every kind of line is
 * there: TIME-WAIT entries over many chains, a listener, its request
 * and a connection.
 */
TEST_F(tw, conns_small_reads_lose_nothing)
{
	const int MANY = test_size(2000, 300);
	char *big = NULL, *small = NULL, **big_keys = NULL, **small_keys = NULL;
	int lfd, cli = -1, srv = -1, n_big, n_small, i;
	long long walks;

	if (proto_is_tcp())
		SKIP(return, "TCP's /proc/net/tcp is another file");
	ASSERT_EQ(0, proto_sysctl_set(PEER_NS, "tw_timeout", "3600"));
	ASSERT_EQ(0, make_entries_in_b(MANY));
	ASSERT_EQ(0, quiet_ns_a());
	lfd = conn_listen(PEER_NS, ADDR_B, PORT + 2, 8);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, raw_peer_open(&self->p, RAW_PORT, PORT + 2));
	ASSERT_EQ(0, raw_syn_exchange(&self->p, RAW_ISS, NULL));
	cli = conn_socket(NULL);
	ASSERT_LE(0, cli);
	ASSERT_EQ(0, sock_connect(cli, ADDR_B, PORT + 2));
	srv = accept_wait(lfd, WAIT_MS);
	ASSERT_LE(0, srv);

	big = conns_text(PEER_NS, 64 << 10);
	ASSERT_NE(NULL, big);
	walks = proto_stat(PEER_NS, "ConnsWalks");
	small = conns_text(PEER_NS, 100);
	ASSERT_NE(NULL, small);
	EXPECT_EQ(walks + 1, proto_stat(PEER_NS, "ConnsWalks"));

	n_big = conns_keys(big, &big_keys);
	n_small = conns_keys(small, &small_keys);
	ASSERT_EQ(MANY + 3, n_big);
	ASSERT_EQ(n_big, n_small);
	for (i = 0; i < n_small; i++) {
		EXPECT_STREQ(big_keys[i], small_keys[i]);
		if (i)
			EXPECT_STRNE(small_keys[i - 1], small_keys[i]);
	}
	EXPECT_EQ(MANY, count_state(small_keys, n_small, "TIME-WAIT"));
	EXPECT_EQ(1, count_state(small_keys, n_small, "LISTEN"));
	EXPECT_EQ(1, count_state(small_keys, n_small, "SYN-RECEIVED"));
	EXPECT_EQ(1, count_state(small_keys, n_small, "ESTABLISHED"));
	free(big_keys);
	free(small_keys);
	free(big);
	free(small);
	close(srv);
	close(cli);
	close(lfd);
}

/*
 * Entries a port each: clients that close first, all to one
 * destination, so that each entry holds a port connect() chose and no
 * other entry holds it.  A record per port would cost each entry 64
 * bytes more; a record per block of 16 ports costs it a few once the
 * blocks are in use, as connect()'s ports for one destination follow
 * each other.  make check-full makes 26,000 entries, 92% of the default
 * ephemeral range (28,232 ports), make check 8,000, and the debug leg
 * 400, for the paths only.
 */
TEST_F_TIMEOUT(tw, unique_port_entries_footprint, 1800)
{
	const int MANY = scale_size(26000, 8000, 400);
	struct sockaddr_in to = sin_of(ADDR_B, PORT);
	long long t0, t1, per_entry;
	static unsigned char seen[65536];
	struct slab_mark mark;
	int i, lfd, cli, srv;
	char c;

	if (proto_is_tcp())
		SKIP(return, "TCP's entries are not in a cache of their own");
	ASSERT_EQ(0, proto_sysctl_set(NULL, "tw_timeout", "3600"));
	lfd = conn_listen(PEER_NS, ADDR_B, PORT, 128);
	ASSERT_LE(0, lfd);
	memset(seen, 0, sizeof(seen));
	ASSERT_EQ(0, slab_mark(&mark));

	t0 = now_ms();
	for (i = 0; i < MANY; i++) {
		cli = conn_socket(NULL);
		ASSERT_LE(0, cli);
		ASSERT_EQ(0, connect(cli, (struct sockaddr *)&to, sizeof(to)))
			TH_LOG("connection %d: %s", i, strerror(errno));
		srv = accept(lfd, NULL, NULL);
		ASSERT_LE(0, srv);
		ASSERT_EQ(0, seen[local_port(cli)]++)
			TH_LOG("port %d twice", local_port(cli));
		close(cli);
		ASSERT_EQ(0, recv(srv, &c, 1, 0));
		close(srv);
	}
	ASSERT_EQ(MANY, proto_stat_wait(NULL, "CurrTimeWait", MANY, WAIT_MS));
	t1 = now_ms();
	close(lfd);
	TH_LOG("%d entries on as many ports in %lld ms", MANY, t1 - t0);

	/* The connections' sockets go after a grace period. */
	usleep(500000);
	ASSERT_EQ(0, slab_per_entry(_metadata, &mark, MANY, &per_entry));
	TH_LOG("%lld bytes per entry", per_entry);
	if (!getenv("TCPALT_DEBUG_KERNEL"))
		EXPECT_GE(64 + TW_SLAB_ALLOWANCE, per_entry);
}

/*
 * The namespace goes while it holds entries: they are freed with it,
 * and no reaper timer is left behind (a dangling timer would fire into
 * freed memory; the run's kernel log check catches that).
 */
TEST_F_TIMEOUT(tw, namespace_exit_frees_entries, 300)
{
	/* More than one reaper batch; the debug leg pays ten times more. */
	const int entries = test_size(1000, 300);
	long active, objsize, base;
	long long end;

	if (proto_is_tcp())
		SKIP(return, "TCP's entries are not in a cache of their own");
	ASSERT_EQ(0, slab_objs("tcpalt_tw", &base, &objsize));
	ASSERT_EQ(0, proto_sysctl_set(PEER_NS, "tw_timeout", "3600"));
	ASSERT_EQ(0, make_entries_in_b(entries));
	EXPECT_EQ(entries, proto_stat(PEER_NS, "CurrTimeWait"));
	topo_teardown();
	if (getenv("TCPALT_DEBUG_KERNEL"))
		return;
	end = now_ms() + 30000;
	while (!slab_objs("tcpalt_tw", &active, &objsize) && active > base &&
	       now_ms() < end)
		usleep(100000);
	EXPECT_LE(active, base) TH_LOG("%ld objects still active", active);
}

TEST_HARNESS_MAIN
