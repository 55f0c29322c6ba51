// SPDX-License-Identifier: GPL-2.0
/*
 * A listener under concurrency, with threads on every CPU:
 *
 * - poll() and epoll_wait() on a listener while another thread shuts it
 *   down for reading (the usual way to stop a server), listens again, and
 *   now and then replaces it by a fresh socket, while a third connects to
 *   it so its accept queue fills and is flushed;
 * - the final ACK of a handshake sent from both CPUs at once by a raw
 *   peer, so that a copy that missed the child in the connection table
 *   meets the listener after the request is gone: it must reach the child,
 *   never draw a RST or make a second child;
 * - many clients that connect and send at once: every client must get
 *   its data echoed, and nothing may be answered as if no socket were
 *   there.
 *
 * a (10.0.0.1) connects to listeners in b (10.0.0.2).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"

#define PORT		5100
#define BACKLOG		64

FIXTURE(listen) {
	int unused;
};

FIXTURE_SETUP(listen)
{
	ASSERT_EQ(0, topo_setup());
}

FIXTURE_TEARDOWN(listen)
{
	topo_teardown();
}

/* The listener the pollers look at, replaced now and then. */
struct poll_race {
	atomic_int fd;
	atomic_uint gen;	/* odd while the listener is replaced */
	atomic_bool stop;
	atomic_ulong polls;	/* calls that returned */
	atomic_ulong bad;	/* revents no listener may report */
	atomic_int last_bad;	/* the last of them, or -errno */
	unsigned short port;
};

/*
 * IN when a child waits; once shut down HUP, and OUT as TCP reports it on
 * a closed socket; NVAL for a file just replaced.  Never an error.
 */
static bool revents_ok(short revents)
{
	return !(revents & POLLERR);
}

static void poll_bad(struct poll_race *r, int what)
{
	atomic_fetch_add(&r->bad, 1);
	atomic_store(&r->last_bad, what);
}

static void *poll_loop(void *arg)
{
	struct poll_race *r = arg;
	struct pollfd p;
	int n;

	unsigned int gen;

	while (!atomic_load(&r->stop)) {
		gen = atomic_load(&r->gen);
		p = (struct pollfd){ .fd = atomic_load(&r->fd),
				     .events = POLLIN };
		n = poll(&p, 1, 1);
		atomic_fetch_add(&r->polls, 1);
		/* The number may name another thread's socket meanwhile. */
		if ((gen & 1) || gen != atomic_load(&r->gen))
			continue;
		if (n < 0 && errno != EINTR)
			poll_bad(r, -errno);
		else if (n > 0 && !revents_ok(p.revents))
			poll_bad(r, p.revents);
	}
	return NULL;
}

/*
 * Level-triggered epoll: once the listener is shut down it reports HUP on
 * every call, so this thread calls the socket's poll as fast as it can.
 */
static void *epoll_loop(void *arg)
{
	struct poll_race *r = arg;
	struct epoll_event ev;
	unsigned int gen = ~0U;
	int ep = epoll_create1(0), n, fd = -1;

	if (ep < 0) {
		atomic_fetch_add(&r->bad, 1);
		return NULL;
	}
	while (!atomic_load(&r->stop)) {
		if (gen != atomic_load(&r->gen)) {
			/* The old file left the set when it was closed. */
			gen = atomic_load(&r->gen);
			if (gen & 1)
				continue;
			fd = atomic_load(&r->fd);
			ev = (struct epoll_event){ .events = EPOLLIN };
			if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) ||
			    gen != atomic_load(&r->gen)) {
				/* Raced with the next replacement. */
				epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
				gen = ~0U;
				continue;
			}
		}
		n = epoll_wait(ep, &ev, 1, 1);
		atomic_fetch_add(&r->polls, 1);
		if (n < 0 && errno != EINTR)
			poll_bad(r, -errno);
		else if (n > 0 && (ev.events & EPOLLERR))
			poll_bad(r, 0x10000 | ev.events);
	}
	close(ep);
	return NULL;
}

/* Non-blocking connects from a, so children wait when a shutdown comes. */
static void *connect_loop(void *arg)
{
	struct poll_race *r = arg;
	int fd;

	while (!atomic_load(&r->stop)) {
		fd = conn_socket(NULL);
		if (fd < 0)
			continue;
		set_nonblock(fd);
		sock_connect(fd, ADDR_B, r->port);
		wait_fd(fd, POLLOUT, 20);
		close(fd);
	}
	return NULL;
}

/*
 * A poller may still hold the old file when close() returns, so the old
 * listener can outlive it briefly and keep the port: wait for it.
 */
static int relisten(unsigned short port)
{
	long long end = now_ms() + 5000;
	int fd;

	do {
		fd = conn_listen(PEER_NS, ADDR_B, port, BACKLOG);
		if (fd != -EADDRINUSE)
			return fd;
		usleep(1000);
	} while (now_ms() < end);
	return fd;
}

TEST_F_TIMEOUT(listen, poll_vs_shutdown, 120)
{
	const long rounds = test_size(4000, 400);
	struct poll_race r = { .port = PORT };
	pthread_t th[4];
	long i, relistens = 0;
	int fd, err;

	fd = conn_listen(PEER_NS, ADDR_B, r.port, BACKLOG);
	ASSERT_LE(0, fd);
	atomic_store(&r.fd, fd);
	ASSERT_EQ(0, pthread_create(&th[0], NULL, poll_loop, &r));
	ASSERT_EQ(0, pthread_create(&th[1], NULL, poll_loop, &r));
	ASSERT_EQ(0, pthread_create(&th[2], NULL, epoll_loop, &r));
	ASSERT_EQ(0, pthread_create(&th[3], NULL, connect_loop, &r));

	for (i = 0; i < rounds; i++) {
		fd = atomic_load(&r.fd);
		if (i % 50 == 49) {
			/* A fresh socket: the old one goes with its epoll. */
			atomic_fetch_add(&r.gen, 1);
			close(fd);
			fd = relisten(r.port);
			ASSERT_LE(0, fd);
			atomic_store(&r.fd, fd);
			atomic_fetch_add(&r.gen, 1);
			continue;
		}
		ASSERT_EQ(0, shutdown(fd, SHUT_RD));
		/* Let the pollers see the shut listener now and then. */
		if (i % 8 == 0)
			usleep(100);
		err = listen(fd, BACKLOG) ? -errno : 0;
		ASSERT_EQ(0, err);
		relistens++;
	}
	atomic_store(&r.stop, true);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	close(atomic_load(&r.fd));

	TH_LOG("%ld re-listens, %lu polls", relistens, atomic_load(&r.polls));
	EXPECT_EQ(0, atomic_load(&r.bad))
		TH_LOG("last: %#x", atomic_load(&r.last_bad));
	EXPECT_LT(rounds, atomic_load(&r.polls));
}

/* Two threads, one per CPU, that send the same final ACK at once. */
struct ack_race {
	pthread_barrier_t start, done;
	struct raw_peer peer[2];	/* a copy each: raw_send moves ts_val */
	atomic_bool stop;
};

#define ACK_COPIES	4

struct ack_sender {
	struct ack_race *race;
	int cpu;
};

static void *ack_loop(void *arg)
{
	struct ack_sender *a = arg;
	struct raw_peer *p = &a->race->peer[a->cpu];
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	CPU_SET(a->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	for (;;) {
		pthread_barrier_wait(&a->race->start);
		if (atomic_load(&a->race->stop))
			break;
		for (i = 0; i < ACK_COPIES; i++)
			raw_send(p, TCPALT_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0);
		pthread_barrier_wait(&a->race->done);
	}
	return NULL;
}

/* Our SYN from port, and b's SYN,ACK: 0, or -1. */
static int raw_syn(struct raw_peer *p, unsigned short port, u32 iss)
{
	p->port = port;
	return raw_syn_exchange(p, iss, NULL);
}

/* Closes a child with a RST: no orphan left resending its FIN. */
static void close_abort(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* RSTs from b to port within timeout_ms. */
static int raw_rsts(struct raw_peer *p, int timeout_ms)
{
	struct raw_seg s;
	int n = 0;

	while (raw_recv(p, timeout_ms, &s) == 1)
		n += !!(s.hdr.flags & TCPALT_RST);
	return n;
}

/*
 * Handshakes whose final ACK goes out from both CPUs at once, against a
 * listener in b with syncookies set to mode.  Each must make exactly one
 * child and no RST, whichever copy the listener takes first.  Children
 * stay open until the end: a copy that arrives after its child is gone
 * finds no connection, and with cookies rightly makes a new one.
 */
static void ack_race_run(struct __test_metadata *_metadata, const char *mode)
{
	const int rounds = test_size(1000, 200);
	struct rlimit rl = { rounds + 64, rounds + 64 };
	unsigned short port = PORT + 2;
	int lfd, fd, i, rsts = 0, children = 0;
	struct ack_sender snd[2];
	long long cookies, nosock;
	struct ack_race race;
	struct raw_peer p;
	pthread_t th[2];
	int *cfd;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	cfd = calloc(rounds + 1, sizeof(*cfd));
	ASSERT_NE(NULL, cfd);
	ASSERT_EQ(0, quiet_ns_a());
	ASSERT_EQ(0, proto_sysctl_set(PEER_NS, "syncookies", mode));
	lfd = conn_listen(PEER_NS, ADDR_B, port, rounds);
	ASSERT_LE(0, lfd);
	set_nonblock(lfd);
	ASSERT_EQ(0, raw_peer_open(&p, 0, port));
	cookies = stat_get(PEER_NS, "SyncookiesRecv");
	nosock = stat_get(PEER_NS, "InNoSocket");

	memset(&race, 0, sizeof(race));
	pthread_barrier_init(&race.start, NULL, 3);
	pthread_barrier_init(&race.done, NULL, 3);
	for (i = 0; i < 2; i++) {
		snd[i] = (struct ack_sender){ .race = &race, .cpu = i };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, ack_loop, &snd[i]));
	}
	for (i = 0; i < rounds; i++) {
		if (raw_syn(&p, 20000 + i, 1000000 * i))
			break;
		race.peer[0] = race.peer[1] = p;
		pthread_barrier_wait(&race.start);
		pthread_barrier_wait(&race.done);
		rsts += raw_rsts(&p, 0);
		while (children <= rounds &&
		       (fd = accept(lfd, NULL, NULL)) >= 0)
			cfd[children++] = fd;
	}
	atomic_store(&race.stop, true);
	pthread_barrier_wait(&race.start);
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
	while (children <= rounds && (wait_fd(lfd, POLLIN, 200) & POLLIN) &&
	       (fd = accept(lfd, NULL, NULL)) >= 0)
		cfd[children++] = fd;

	EXPECT_EQ(rounds, i);
	EXPECT_EQ(0, rsts);
	EXPECT_EQ(rounds, children);
	EXPECT_EQ(nosock, stat_get(PEER_NS, "InNoSocket"));
	if (!strcmp(mode, "2"))
		EXPECT_EQ(cookies + rounds,
			  stat_get(PEER_NS, "SyncookiesRecv"));
	for (i = 0; i < children; i++)
		close_abort(cfd[i]);
	free(cfd);
	close(lfd);
	raw_peer_close(&p);
}

TEST_F_TIMEOUT(listen, final_ack_from_two_cpus, 300)
{
	ack_race_run(_metadata, "1");
}

TEST_F_TIMEOUT(listen, final_ack_from_two_cpus_cookies, 300)
{
	ack_race_run(_metadata, "2");
}

#define MAX_STATS	64

struct stats {
	int n;
	char name[MAX_STATS][32];
	long long val[MAX_STATS];
};

static void stats_read(const char *ns, struct stats *st)
{
	FILE *f = fopen_in(ns, "/proc/thread-self/net/tcpalt/stats");
	char line[128];

	st->n = 0;
	while (f && st->n < MAX_STATS && fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %lld", st->name[st->n],
			   &st->val[st->n]) == 2)
			st->n++;
	if (f)
		fclose(f);
}

/* Logs the counters of ns that moved since before. */
static void stats_log(struct __test_metadata *_metadata, const char *ns,
		      const struct stats *before)
{
	struct stats now;
	int i;

	stats_read(ns, &now);
	for (i = 0; i < now.n && i < before->n; i++)
		if (now.val[i] != before->val[i])
			TH_LOG("%s: %s +%lld", ns ? ns : "a", now.name[i],
			       now.val[i] - before->val[i]);
}

/* Clients that send the moment connect() returns, and their server. */
struct burst {
	int lfd;
	unsigned short port;
	int clients;		/* each makes per_client connections */
	int per_client;
	atomic_int echoed;	/* connections whose data came back */
	atomic_int failed;
	atomic_int accepted;
};

/*
 * The server in b: accept, read the client's 4 bytes, echo them, and
 * close after the client, so that TIME-WAIT stays on the client's side
 * and no later connect() meets an entry of ours.  It serves one
 * connection at a time; the backlog holds the rest.
 */
static void *burst_server(void *arg)
{
	struct timeval tv = { .tv_sec = 10 };
	struct burst *b = arg;
	int total = b->clients * b->per_client, fd, n;
	char buf[4];

	while (atomic_load(&b->accepted) < total) {
		if (!(wait_fd(b->lfd, POLLIN, 10000) & POLLIN))
			break;
		fd = accept(b->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		atomic_fetch_add(&b->accepted, 1);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		n = recv(fd, buf, sizeof(buf), MSG_WAITALL);
		if (n == sizeof(buf) &&
		    send(fd, buf, n, MSG_NOSIGNAL) == n)
			recv(fd, buf, sizeof(buf), 0);	/* the client's FIN */
		close(fd);
	}
	return NULL;
}

static void *burst_client(void *arg)
{
	struct timeval tv = { .tv_sec = 10 };
	struct burst *b = arg;
	char out[4], in[4];
	int i, fd, n;

	for (i = 0; i < b->per_client; i++) {
		fd = conn_socket(NULL);
		if (fd < 0 || sock_connect(fd, ADDR_B, b->port)) {
			atomic_fetch_add(&b->failed, 1);
			if (fd >= 0)
				close(fd);
			continue;
		}
		/* At once: the final ACK may still be on its way. */
		memcpy(out, &i, sizeof(out));
		n = send(fd, out, sizeof(out), MSG_NOSIGNAL);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (n == sizeof(out))
			n = recv(fd, in, sizeof(in), MSG_WAITALL);
		if (n == sizeof(in) && !memcmp(in, out, sizeof(in)))
			atomic_fetch_add(&b->echoed, 1);
		else
			atomic_fetch_add(&b->failed, 1);
		close(fd);
	}
	return NULL;
}

/*
 * Runs the burst against a listener in b with syncookies set to mode:
 * every connection must be echoed and accepted once, and no segment may
 * find no socket on either side.  (A RST from the listener to a late
 * segment of a connection already over is TCP's answer too; it meets the
 * client's TIME-WAIT, which ignores it.)
 */
static void burst_run(struct __test_metadata *_metadata, const char *mode)
{
	enum { CLIENTS = 4 };
	struct burst b = {
		.port = PORT + 1,
		.clients = CLIENTS,
		.per_client = test_size(300, 60),
	};
	long long nosock_a, nosock_b, cookies;
	struct stats st_a, st_b;
	pthread_t srv, cli[CLIENTS];
	int i, total = b.clients * b.per_client;

	ASSERT_EQ(0, proto_sysctl_set(PEER_NS, "syncookies", mode));
	b.lfd = conn_listen(PEER_NS, ADDR_B, b.port, 1024);
	ASSERT_LE(0, b.lfd);
	nosock_a = stat_get(NULL, "InNoSocket");
	nosock_b = stat_get(PEER_NS, "InNoSocket");
	cookies = stat_get(PEER_NS, "SyncookiesRecv");
	stats_read(NULL, &st_a);
	stats_read(PEER_NS, &st_b);

	ASSERT_EQ(0, pthread_create(&srv, NULL, burst_server, &b));
	for (i = 0; i < CLIENTS; i++)
		ASSERT_EQ(0, pthread_create(&cli[i], NULL, burst_client, &b));
	for (i = 0; i < CLIENTS; i++)
		pthread_join(cli[i], NULL);
	pthread_join(srv, NULL);
	close(b.lfd);

	if (atomic_load(&b.echoed) != total ||
	    stat_get(NULL, "InNoSocket") != nosock_a ||
	    stat_get(PEER_NS, "InNoSocket") != nosock_b) {
		stats_log(_metadata, NULL, &st_a);
		stats_log(_metadata, PEER_NS, &st_b);
	}
	EXPECT_EQ(total, atomic_load(&b.echoed));
	EXPECT_EQ(0, atomic_load(&b.failed));
	EXPECT_EQ(total, atomic_load(&b.accepted));
	EXPECT_EQ(nosock_a, stat_get(NULL, "InNoSocket"));
	EXPECT_EQ(nosock_b, stat_get(PEER_NS, "InNoSocket"));
	/* One child per cookie: none made twice for one connection. */
	if (!strcmp(mode, "2"))
		EXPECT_EQ(cookies + total,
			  stat_get(PEER_NS, "SyncookiesRecv"));
}

TEST_F_TIMEOUT(listen, first_data_at_once, 300)
{
	burst_run(_metadata, "1");
}

/* The same with every SYN answered by a cookie: no request at all. */
TEST_F_TIMEOUT(listen, first_data_at_once_cookies, 300)
{
	burst_run(_metadata, "2");
}

TEST_HARNESS_MAIN
