// SPDX-License-Identifier: GPL-2.0
/*
 * The lookup and port tables under concurrency, and ephemeral ports:
 * connect() calls racing for one 4-tuple, sockets hashed again into
 * another chain while segments for a live connection are looked up, and
 * connect()'s ports shared by connections to different destinations.
 * The races run threads on both CPUs; their sizes come from test_size().
 * TCPALT_TEST_PROTO=6 runs them against TCP.
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"
#include "lib.h"

#define PORT_RANGE	"/proc/sys/net/ipv4/ip_local_port_range"
#define WAIT_MS		3000

FIXTURE(table) {
	int unused;
};

FIXTURE_SETUP(table)
{
	ASSERT_EQ(0, topo_setup());
}

FIXTURE_TEARDOWN(table)
{
	topo_teardown();
}

static void set_int(int fd, int level, int name, int val)
{
	setsockopt(fd, level, name, &val, sizeof(val));
}

/* Spins, yielding now and then, until *word reaches at least want. */
static void wait_for(const int *word, int want)
{
	unsigned int spins = 0;

	while (__atomic_load_n(word, __ATOMIC_ACQUIRE) < want)
		if (++spins % 256 == 0)
			sched_yield();
}

/*
 * connect() from one SO_REUSEADDR address and port to one destination
 * in several threads at once: one socket gets the 4-tuple, the others
 * EADDRNOTAVAIL, as with TCP, and the 4-tuple is in the table once.
 */
#define RACERS		4
#define RACE_CPORT	45000
#define RACE_PORT	5500

struct race {
	int rounds;
	int gen;		/* the round the racers may run */
	int done;		/* racers through this round */
	bool stop;
	int fd[RACERS];
	int err[RACERS];	/* connect()'s errno, 0 for success */
};

struct racer {
	pthread_t thread;
	struct race *race;
	int i;
};

static void *racer_fn(void *arg)
{
	struct racer *me = arg;
	struct race *race = me->race;
	struct sockaddr_in to = sin_of(ADDR_B, RACE_PORT);
	int gen;

	for (gen = 1; gen <= race->rounds; gen++) {
		wait_for(&race->gen, gen);
		if (race->stop)
			break;
		race->err[me->i] = connect(race->fd[me->i],
					   (struct sockaddr *)&to,
					   sizeof(to)) ? errno : 0;
		__atomic_fetch_add(&race->done, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

TEST_F_TIMEOUT(table, connect_race_one_winner, 600)
{
	struct race race = { .rounds = test_size(1000, 100) };
	struct racer r[RACERS];
	char local[32], remote[32];
	int round, i, won, lost, doubled = 0, seen;

	/* b stays silent, so a winner stays in SYN-SENT for the round. */
	if (proto_is_tcp()) {
		ASSERT_EQ(0, drop_ingress(PEER_NS, "veth-b"));
	} else {
		ASSERT_EQ(0, sysctl_set_in(PEER_NS, "blackhole", "2"));
	}
	addr_port(local, sizeof(local), ADDR_A, RACE_CPORT);
	addr_port(remote, sizeof(remote), ADDR_B, RACE_PORT);
	for (i = 0; i < RACERS; i++) {
		r[i] = (struct racer){ .race = &race, .i = i };
		ASSERT_EQ(0, pthread_create(&r[i].thread, NULL, racer_fn,
					    &r[i]));
	}
	for (round = 1; round <= race.rounds; round++) {
		for (i = 0; i < RACERS; i++) {
			race.fd[i] = conn_socket(NULL);
			ASSERT_LE(0, race.fd[i]);
			set_int(race.fd[i], SOL_SOCKET, SO_REUSEADDR, 1);
			set_nonblock(race.fd[i]);
			ASSERT_EQ(0, sock_bind(race.fd[i], ADDR_A, RACE_CPORT));
		}
		__atomic_store_n(&race.done, 0, __ATOMIC_RELEASE);
		__atomic_store_n(&race.gen, round, __ATOMIC_RELEASE);
		wait_for(&race.done, RACERS);
		won = lost = 0;
		for (i = 0; i < RACERS; i++) {
			won += race.err[i] == EINPROGRESS;
			lost += race.err[i] == EADDRNOTAVAIL;
		}
		EXPECT_EQ(RACERS, won + lost);
		doubled += won > 1;
		EXPECT_EQ(1, won) TH_LOG("round %d: %d sockets won", round,
					 won);
		if (round % 8 == 0 || won > 1) {
			seen = conns_find(NULL, local, remote, NULL, NULL);
			EXPECT_EQ(1, seen) TH_LOG("round %d: the 4-tuple %d times",
						  round, seen);
		}
		for (i = 0; i < RACERS; i++)
			close(race.fd[i]);
		if (doubled > 5)
			break;
	}
	race.stop = true;
	__atomic_store_n(&race.gen, race.rounds + 1, __ATOMIC_RELEASE);
	for (i = 0; i < RACERS; i++)
		pthread_join(r[i].thread, NULL);
	TH_LOG("%d rounds, %d with more than one winner", round - 1, doubled);
}

/*
 * A live connection L in b, bound to veth-b, takes a flood of data from
 * a, so b looks it up in softirq all along.  Meanwhile sockets bound to
 * other devices of b, with L's own address, port and destination, go
 * from L's 4-tuple (hence L's chain, the device not being hashed) to
 * another and back, each connect() hashing them afresh, each
 * connect(AF_UNSPEC) taking them out.  No lookup for L may miss: no
 * segment of L finds no socket, b sends no RST, and L carries on.
 */
#define LIVE_PORT_B	6000
#define LIVE_PORT_A	6001
#define CHURNERS	2

struct churn {
	pthread_t thread;
	int fd;
	int cycles;
	int done;
	int err;
};

static void *churn_fn(void *arg)
{
	struct churn *c = arg;
	struct sockaddr_in same = sin_of(ADDR_A, LIVE_PORT_A);
	struct sockaddr_in other = sin_of(ADDR_A, LIVE_PORT_A + 1);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	int i;

	for (i = 0; i < c->cycles; i++) {
		if (connect(c->fd, (struct sockaddr *)&same, sizeof(same)) &&
		    errno != EINPROGRESS)
			break;
		if (connect(c->fd, &unspec, sizeof(unspec)))
			break;
		if (connect(c->fd, (struct sockaddr *)&other, sizeof(other)) &&
		    errno != EINPROGRESS)
			break;
		if (connect(c->fd, &unspec, sizeof(unspec)))
			break;
		c->done++;
	}
	c->err = c->done == c->cycles ? 0 : errno;
	return NULL;
}

struct flood {
	pthread_t thread;
	int fd;
	bool sender;
	volatile bool stop;
	long long bytes;
	int err;
};

static void *flood_fn(void *arg)
{
	static char buf[16384];
	struct flood *f = arg;
	ssize_t n;

	while (!f->stop) {
		n = f->sender ? send(f->fd, buf, sizeof(buf), MSG_NOSIGNAL) :
				recv(f->fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0) {
			f->err = n ? errno : -1;
			break;
		}
		f->bytes += n;
	}
	return NULL;
}

/* The churn's devices: a veth pair inside b, addresses on L's subnet. */
static const char CHURN_LINKS[] =
	"link add vx0 type veth peer name vx1\n"
	"addr add 10.0.0.98/24 dev vx0\n"
	"addr add 10.0.0.99/24 dev vx1\n"
	"link set vx0 up\n"
	"link set vx1 up\n";

static int ip_batch_in(const char *ns, const char *batch)
{
	char cmd[128];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ip -n %s -batch -", ns);
	f = popen(cmd, "w");
	if (!f)
		return -1;
	fputs(batch, f);
	return pclose(f) ? -1 : 0;
}

/* A socket in b bound to dev and to L's address and port; fd or -1. */
static int bound_socket_in_b(const char *dev)
{
	int fd = conn_socket(PEER_NS);

	if (fd < 0)
		return -1;
	set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, strlen(dev)) ||
	    sock_bind(fd, ADDR_B, LIVE_PORT_B)) {
		close(fd);
		return -1;
	}
	return fd;
}

TEST_F_TIMEOUT(table, rehash_never_hides_a_connection, 600)
{
	struct flood tx = { .sender = true }, rx = { 0 };
	struct churn c[CHURNERS];
	long long nosock, rsts, resets;
	struct timeval tv = { .tv_sec = 1 };
	char local[32], remote[32];
	int lfd, live, i;

	ASSERT_EQ(0, ip_batch_in(PEER_NS, CHURN_LINKS));
	lfd = conn_listen(NULL, ADDR_A, LIVE_PORT_A, 8);
	ASSERT_LE(0, lfd);
	live = bound_socket_in_b("veth-b");
	ASSERT_LE(0, live);
	ASSERT_EQ(0, sock_connect(live, ADDR_A, LIVE_PORT_A));
	tx.fd = accept_wait(lfd, WAIT_MS);
	ASSERT_LE(0, tx.fd);
	rx.fd = live;
	setsockopt(rx.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(tx.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (i = 0; i < CHURNERS; i++) {
		char dev[IFNAMSIZ];

		snprintf(dev, sizeof(dev), "vx%d", i);
		c[i] = (struct churn){ .cycles = test_size(20000, 2000) };
		c[i].fd = bound_socket_in_b(dev);
		ASSERT_LE(0, c[i].fd);
		set_nonblock(c[i].fd);
	}
	nosock = proto_stat(PEER_NS, "InNoSocket");
	rsts = proto_stat(PEER_NS, "OutRsts");
	resets = proto_stat(NULL, "EstabResets");

	ASSERT_EQ(0, pthread_create(&rx.thread, NULL, flood_fn, &rx));
	ASSERT_EQ(0, pthread_create(&tx.thread, NULL, flood_fn, &tx));
	for (i = 0; i < CHURNERS; i++)
		ASSERT_EQ(0, pthread_create(&c[i].thread, NULL, churn_fn,
					    &c[i]));
	for (i = 0; i < CHURNERS; i++) {
		pthread_join(c[i].thread, NULL);
		EXPECT_EQ(c[i].cycles, c[i].done)
			TH_LOG("churn %d stopped: %s", i, strerror(c[i].err));
	}
	tx.stop = rx.stop = true;
	pthread_join(tx.thread, NULL);
	pthread_join(rx.thread, NULL);
	TH_LOG("%d cycles each while %lld bytes went to the live connection",
	       c[0].done, rx.bytes);

	EXPECT_EQ(0, tx.err) TH_LOG("sender: %s", strerror(tx.err));
	EXPECT_EQ(0, rx.err) TH_LOG("receiver: %s", strerror(rx.err));
	EXPECT_LT(0, rx.bytes);
	if (nosock >= 0)
		EXPECT_EQ(nosock, proto_stat(PEER_NS, "InNoSocket"));
	if (rsts >= 0)
		EXPECT_EQ(rsts, proto_stat(PEER_NS, "OutRsts"));
	if (resets >= 0)
		EXPECT_EQ(resets, proto_stat(NULL, "EstabResets"));
	addr_port(local, sizeof(local), ADDR_B, LIVE_PORT_B);
	addr_port(remote, sizeof(remote), ADDR_A, LIVE_PORT_A);
	EXPECT_EQ(1, conns_find(PEER_NS, local, remote, "ESTABLISHED", NULL));
	for (i = 0; i < CHURNERS; i++)
		close(c[i].fd);
	close(tx.fd);
	close(live);
	close(lfd);
}

/*
 * connect() picks a port that no other connection uses for the same
 * destination: the range serves each destination in full, and the
 * first connect() beyond it fails with EADDRNOTAVAIL.  A TIME-WAIT
 * entry holds its 4-tuple, not the port, until it expires.
 */
#define RANGE_LO	40000
#define RANGE_N		100
#define DEST1		7001
#define DEST2		7002

struct dest {
	unsigned short port;
	int lfd;
	int cli[RANGE_N];
	int srv[RANGE_N];
};

static int fill_dest(struct __test_metadata *_metadata, struct dest *d)
{
	bool used[RANGE_N] = { false };
	int i, port;

	for (i = 0; i < RANGE_N; i++) {
		d->cli[i] = conn_socket(NULL);
		if (d->cli[i] < 0 || sock_connect(d->cli[i], ADDR_B, d->port))
			return -1;
		port = local_port(d->cli[i]);
		EXPECT_LE(RANGE_LO, port);
		EXPECT_GT(RANGE_LO + RANGE_N, port);
		if (port < RANGE_LO || port >= RANGE_LO + RANGE_N ||
		    used[port - RANGE_LO])
			return -1;
		used[port - RANGE_LO] = true;
		d->srv[i] = accept_wait(d->lfd, WAIT_MS);
		if (d->srv[i] < 0)
			return -1;
	}
	return 0;
}

static int connect_once(const char *addr, unsigned short port)
{
	int fd = conn_socket(NULL), err;

	if (fd < 0)
		return -errno;
	err = sock_connect(fd, addr, port);
	close(fd);
	return err;
}

TEST_F_TIMEOUT(table, ephemeral_ports_shared_across_destinations, 300)
{
	struct dest d[2] = { { .port = DEST1 }, { .port = DEST2 } };
	char local[32], remote[32];
	int i, j, fd, cport, wait;

	ASSERT_EQ(0, write_in(NULL, PORT_RANGE, "40000 40099"));
	for (i = 0; i < 2; i++) {
		d[i].lfd = conn_listen(PEER_NS, ADDR_B, d[i].port, RANGE_N);
		ASSERT_LE(0, d[i].lfd);
	}
	/* Twice as many connections as ports, half to each destination. */
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, fill_dest(_metadata, &d[i]));
	EXPECT_EQ(-EADDRNOTAVAIL, connect_once(ADDR_B, DEST1));
	EXPECT_EQ(-EADDRNOTAVAIL, connect_once(ADDR_B, DEST2));

	/* Every port is someone's: bind() conflicts as it always did. */
	fd = conn_socket(NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EADDRINUSE, sock_bind(fd, NULL, 0));
	EXPECT_EQ(-EADDRINUSE, sock_bind(fd, ADDR_A, local_port(d[0].cli[0])));
	close(fd);

	/* a closes first: its TIME-WAIT entry keeps the 4-tuple taken. */
	cport = local_port(d[0].cli[0]);
	close(d[0].cli[0]);
	d[0].cli[0] = -1;
	close(d[0].srv[0]);
	d[0].srv[0] = -1;
	addr_port(local, sizeof(local), ADDR_A, cport);
	addr_port(remote, sizeof(remote), ADDR_B, DEST1);
	ASSERT_EQ(1, conns_wait(NULL, local, remote, "TIME-WAIT", 1, WAIT_MS,
				NULL));
	EXPECT_EQ(-EADDRNOTAVAIL, connect_once(ADDR_B, DEST1));
	if (!proto_is_tcp()) {
		ASSERT_EQ(0, sysctl_set("tw_timeout", "1"));
		ASSERT_EQ(0, conns_wait(NULL, local, remote, "TIME-WAIT", 0,
					5000, NULL));
		fd = conn_socket(NULL);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, sock_connect(fd, ADDR_B, DEST1));
		EXPECT_EQ(cport, local_port(fd));
		wait = accept_wait(d[0].lfd, WAIT_MS);
		EXPECT_LE(0, wait);
		close(wait);
		close(fd);
	}
	for (i = 0; i < 2; i++) {
		for (j = 0; j < RANGE_N; j++) {
			if (d[i].cli[j] >= 0)
				close(d[i].cli[j]);
			if (d[i].srv[j] >= 0)
				close(d[i].srv[j]);
		}
		close(d[i].lfd);
	}
}

/*
 * Successive connections to one peer that the peer closes first leave
 * their TIME-WAIT entries at the peer, where the client cannot see
 * them.  connect() steps through the range for a destination (RFC 6056
 * algorithm 4, as TCP does), so it does not hand out a port whose
 * 4-tuple the peer still holds: every port differs and every entry
 * stays.  A random start per connect() (algorithm 1) repeats a port
 * among 600 of the 28,232 default ports with a chance of 99.8%.
 */
#define SERIAL_PORT	7003
#define SERIAL_MAX	600

static int connect_peer_closes(int lfd)
{
	int cli, srv, port;
	char c;

	cli = conn_socket(NULL);
	if (cli < 0)
		return -1;
	if (sock_connect(cli, ADDR_B, SERIAL_PORT)) {
		close(cli);
		return -1;
	}
	port = local_port(cli);
	srv = accept_wait(lfd, WAIT_MS);
	if (srv < 0) {
		close(cli);
		return -1;
	}
	close(srv);
	if (recv(cli, &c, 1, 0) != 0)
		port = -1;
	close(cli);
	return port;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

TEST_F_TIMEOUT(table, successive_connects_miss_peer_time_wait, 300)
{
	int n = test_size(SERIAL_MAX, SERIAL_MAX), ports[SERIAL_MAX];
	int i, lfd, repeats = 0;

	lfd = conn_listen(PEER_NS, ADDR_B, SERIAL_PORT, 16);
	ASSERT_LE(0, lfd);
	for (i = 0; i < n; i++) {
		ports[i] = connect_peer_closes(lfd);
		ASSERT_LE(0, ports[i]);
	}
	qsort(ports, n, sizeof(ports[0]), cmp_int);
	for (i = 1; i < n; i++)
		if (ports[i] == ports[i - 1])
			repeats++;
	EXPECT_EQ(0, repeats);
	EXPECT_EQ(n, conns_wait(PEER_NS, NULL, NULL, "TIME-WAIT", n, WAIT_MS,
				NULL));
	close(lfd);
}

TEST_HARNESS_MAIN
