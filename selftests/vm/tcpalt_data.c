// SPDX-License-Identifier: GPL-2.0
/*
 * Data transfer over an established connection: single bytes, one MSS,
 * bulk both ways at once with SHA-256 over what was sent and what
 * arrived, the same under netem's loss, reordering, duplication and
 * corruption, the zero window and its persist timer, MSG_PEEK and the
 * timeouts, non-blocking connect, and the epoll edges.  a (10.0.0.1) is
 * the client, the listener is in b (10.0.0.2).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"

#define PORT		5000
/* No byte moving for this long is a stuck transfer (RTO backoff included). */
#define STALL_MS	30000
#define MiB		(1024 * 1024)
#define CHUNK		65536

/*
 * The brief's impairment on both veth ends.  netem reorders only what it
 * delays, so a 1 ms delay lets a quarter of the packets overtake.
 */
#define NETEM_BAD	"delay 1ms reorder 25% loss 5% duplicate 2% corrupt 1%"

/*
 * Sizes measured against kernel TCP in the emulated (TCG) VM: 64 MiB
 * each way takes about 7 s on a clean veth.  Under NETEM_BAD 64 MiB took
 * 40 s, over the 30 s one test may take on the stock leg, so that variant
 * moves 16 MiB, about 10 s.  The debug leg moves 4 and 2 MiB: thousands of
 * segments each way, loss, reordering and the SACK and recovery paths
 * included, at a tenth of KASAN's cost of the full sizes.
 */
#define BULK_CLEAN	test_size(64 * MiB, 4 * MiB)
#define BULK_NETEM	test_size(16 * MiB, 2 * MiB)

/*
 * What the zero-window sender has to move in all: far more than fits in
 * the small buffers, little enough to cross an 8 KiB window in seconds.
 */
#define ZW_BYTES	(1 * MiB)

/* SHA-256 (FIPS 180-4), small and slow enough for a test. */
struct sha256 {
	u32 h[8];
	u64 len;
	u8 buf[64];
};

static const u32 sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline u32 ror32(u32 x, int n)
{
	return x >> n | x << (32 - n);
}

static void sha256_init(struct sha256 *s)
{
	static const u32 iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
}

/* One round with the working variables named by position, no moves. */
#define SHA256_ROUND(a, b, c, d, e, f, g, h, i) do {			\
	u32 t1 = h + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) +	\
		 ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];		\
	u32 t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) +	\
		 ((a & b) ^ (a & c) ^ (b & c));				\
	d += t1;							\
	h = t1 + t2;							\
} while (0)

static void sha256_block(u32 *h, const u8 *p)
{
	u32 w[64], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4],
	    f = h[5], g = h[6], hh = h[7];
	int i;

	for (i = 0; i < 16; i++)
		w[i] = tcpalt_get_be32(p + 4 * i);
	for (; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^
			w[i - 15] >> 3) +
		       (ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^
			w[i - 2] >> 10);
	for (i = 0; i < 64; i += 8) {
		SHA256_ROUND(a, b, c, d, e, f, g, hh, i);
		SHA256_ROUND(hh, a, b, c, d, e, f, g, i + 1);
		SHA256_ROUND(g, hh, a, b, c, d, e, f, i + 2);
		SHA256_ROUND(f, g, hh, a, b, c, d, e, i + 3);
		SHA256_ROUND(e, f, g, hh, a, b, c, d, i + 4);
		SHA256_ROUND(d, e, f, g, hh, a, b, c, i + 5);
		SHA256_ROUND(c, d, e, f, g, hh, a, b, i + 6);
		SHA256_ROUND(b, c, d, e, f, g, hh, a, i + 7);
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

static void sha256_update(struct sha256 *s, const u8 *p, size_t n)
{
	size_t fill = s->len % 64, take;

	s->len += n;
	if (fill) {
		take = n < 64 - fill ? n : 64 - fill;
		memcpy(s->buf + fill, p, take);
		p += take;
		n -= take;
		if (fill + take < 64)
			return;
		sha256_block(s->h, s->buf);
	}
	for (; n >= 64; p += 64, n -= 64)
		sha256_block(s->h, p);
	memcpy(s->buf, p, n);
}

static void sha256_final(struct sha256 *s, u8 *out)
{
	u64 bits = s->len * 8;
	u8 pad[72] = { 0x80 };
	size_t padlen = 64 - (s->len + 8) % 64;
	int i;

	if (padlen == 0)
		padlen = 64;
	for (i = 0; i < 8; i++)
		pad[padlen + i] = bits >> (56 - 8 * i);
	sha256_update(s, pad, padlen + 8);
	for (i = 0; i < 8; i++)
		tcpalt_put_be32(out + 4 * i, s->h[i]);
}

/* xorshift64*: a stream that is neither zeros nor periodic. */
static u64 prng_next(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static void prng_fill(u64 *s, u8 *buf, size_t n)
{
	u64 v;

	for (; n >= 8; buf += 8, n -= 8) {
		v = prng_next(s);
		memcpy(buf, &v, 8);
	}
	if (n) {
		v = prng_next(s);
		memcpy(buf, &v, n);
	}
}

/*
 * One end of a transfer: what it still has to send, generated a chunk at
 * a time, and digests of what send() took and what recv() gave.
 */
struct end {
	int fd;
	u64 rng;
	size_t to_make;		/* bytes not generated yet */
	size_t off, len;	/* the unsent part of chunk */
	size_t sent, received;
	bool saw_eagain;
	struct sha256 tx, rx;
	u8 chunk[CHUNK];
};

static struct end *end_new(int fd, u64 seed, size_t bytes)
{
	struct end *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->fd = fd;
	e->rng = seed;
	e->to_make = bytes;
	sha256_init(&e->tx);
	sha256_init(&e->rx);
	return e;
}

static bool end_has_more(const struct end *e)
{
	return e->to_make || e->off < e->len;
}

/* Sends until the socket takes no more; bytes sent, or -1. */
static ssize_t end_send(struct end *e)
{
	ssize_t n, total = 0;

	while (end_has_more(e)) {
		if (e->off == e->len) {
			e->len = e->to_make < CHUNK ? e->to_make : CHUNK;
			e->off = 0;
			e->to_make -= e->len;
			prng_fill(&e->rng, e->chunk, e->len);
		}
		n = send(e->fd, e->chunk + e->off, e->len - e->off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno != EAGAIN)
				return -1;
			e->saw_eagain = true;
			break;
		}
		sha256_update(&e->tx, e->chunk + e->off, n);
		e->off += n;
		e->sent += n;
		total += n;
	}
	return total;
}

/* Reads what is there; bytes read, or -1 (an error or an early EOF). */
static ssize_t end_recv(struct end *e)
{
	static u8 buf[CHUNK];
	ssize_t n, total = 0;

	for (;;) {
		n = recv(e->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN ? total : -1;
		if (n == 0)
			return -1;
		sha256_update(&e->rx, buf, n);
		e->received += n;
		total += n;
	}
}

/*
 * Moves data both ways until each end has sent all it had and received
 * `expect` of the other's bytes; 0, or -1 on an error or the deadline.
 */
/*
 * Moves data both ways until each end has sent and received all it
 * should.  Fails on an error, or when no byte moved for stall_ms: that
 * is a stuck connection.  How long a transfer takes is the benchmark's
 * business, not a test's.
 */
static int pump(struct end *a, struct end *b, size_t a_expect,
		size_t b_expect, int stall_ms)
{
	long long end = now_ms() + stall_ms;
	size_t moved = 0, now_moved;
	struct end *ends[2] = { a, b };
	size_t expect[2] = { a_expect, b_expect };
	struct pollfd p[2];
	int i;

	for (;;) {
		bool done = true;

		for (i = 0; i < 2; i++) {
			p[i].fd = ends[i]->fd;
			p[i].events = 0;
			if (end_has_more(ends[i]))
				p[i].events |= POLLOUT;
			if (ends[i]->received < expect[i])
				p[i].events |= POLLIN;
			done &= !p[i].events;
		}
		if (done)
			return 0;
		if (now_ms() > end || poll(p, 2, 1000) < 0)
			return -1;
		for (i = 0; i < 2; i++) {
			if (p[i].revents & (POLLERR | POLLNVAL))
				return -1;
			if ((p[i].revents & POLLOUT) && end_send(ends[i]) < 0)
				return -1;
			if ((p[i].revents & (POLLIN | POLLHUP)) &&
			    end_recv(ends[i]) < 0)
				return -1;
		}
		now_moved = a->sent + a->received + b->sent + b->received;
		if (now_moved != moved) {
			moved = now_moved;
			end = now_ms() + stall_ms;
		}
	}
}

/*
 * Sends without reading on the other side until the connection is full:
 * the socket has refused data (EAGAIN) and nothing more went in for
 * half a second.  0, or -1 if it never filled.
 */
static int fill_until_stuck(struct end *e, int timeout_ms)
{
	long long end = now_ms() + timeout_ms, last = now_ms();
	ssize_t n;

	while (now_ms() < end) {
		n = end_send(e);
		if (n < 0 || !end_has_more(e))
			return -1;
		if (n > 0)
			last = now_ms();
		else if (now_ms() - last >= 500)
			return e->saw_eagain ? 0 : -1;
		usleep(50 * 1000);
	}
	return -1;
}

/* Drops what an end has not sent yet: it sends nothing more. */
static void end_stop(struct end *e)
{
	e->to_make = 0;
	e->off = e->len;
}

static bool digests_match(struct sha256 *tx, struct sha256 *rx)
{
	u8 a[32], b[32];

	sha256_final(tx, a);
	sha256_final(rx, b);
	return !memcmp(a, b, sizeof(a));
}

static int netem_both(const char *args)
{
	return netem_set(NULL, "veth-a", args) ||
	       netem_set(PEER_NS, "veth-b", args) ? -1 : 0;
}

static int int_opt(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int val;

	return getsockopt(fd, level, name, &val, &len) ? -errno : val;
}

static int set_int(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val)) ? -errno : 0;
}

static int set_timeout(int fd, int name, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	return setsockopt(fd, SOL_SOCKET, name, &tv, sizeof(tv)) ? -errno : 0;
}

/*
 * A pair whose accepted end in b has a small receive buffer, so the
 * connection fills after a few segments.
 */
static int small_pair(int rcvbuf, int *cli, int *srv)
{
	int lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8);

	*cli = *srv = -1;
	if (lfd < 0 || set_int(lfd, SOL_SOCKET, SO_RCVBUF, rcvbuf))
		return -1;
	*cli = conn_socket(NULL);
	if (*cli < 0 || set_int(*cli, SOL_SOCKET, SO_SNDBUF, 32768) ||
	    sock_connect(*cli, ADDR_B, PORT))
		return -1;
	*srv = accept(lfd, NULL, NULL);
	close(lfd);
	return *srv < 0 ? -1 : 0;
}

FIXTURE(data) {
	int cli, srv;
};

FIXTURE_SETUP(data)
{
	self->cli = self->srv = -1;
	ASSERT_EQ(0, topo_setup());
}

FIXTURE_TEARDOWN(data)
{
	if (self->cli >= 0)
		close(self->cli);
	if (self->srv >= 0)
		close(self->srv);
	topo_teardown();
}

/*
 * Sends len bytes from one end in one send(); the reader waits for them
 * to arrive and settle, then gets them all in one read.
 */
static void one_shot(struct __test_metadata *_metadata, int from, int to,
		     size_t len, u64 seed)
{
	u8 out[CHUNK], in[CHUNK];

	ASSERT_GE(sizeof(out), len);
	prng_fill(&seed, out, len);
	ASSERT_EQ((ssize_t)len, send(from, out, len, MSG_NOSIGNAL));
	ASSERT_NE(0, wait_fd(to, POLLIN, 10000) & POLLIN);
	usleep(200 * 1000);
	ASSERT_EQ((ssize_t)len, recv(to, in, sizeof(in), MSG_DONTWAIT));
	EXPECT_EQ(0, memcmp(out, in, len));
	EXPECT_EQ(-1, recv(to, in, sizeof(in), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
}

static void one_byte_each_way(struct __test_metadata *_metadata, int c, int s)
{
	one_shot(_metadata, c, s, 1, 1);
	one_shot(_metadata, s, c, 1, 2);
}

static void one_mss_each_way(struct __test_metadata *_metadata, int c, int s)
{
	int mss_c = int_opt(c, test_proto(), TCPALT_MAXSEG);
	int mss_s = int_opt(s, test_proto(), TCPALT_MAXSEG);

	/* A 1500-byte veth: at most 1460, less the options in use. */
	ASSERT_LT(0, mss_c);
	ASSERT_GE(1460, mss_c);
	ASSERT_LT(0, mss_s);
	ASSERT_GE(1460, mss_s);
	one_shot(_metadata, c, s, mss_c, 3);
	one_shot(_metadata, s, c, mss_s, 4);
}

/* bytes from a to b and bytes from b to a at once; digests compared. */
static void bulk_each_way(struct __test_metadata *_metadata, int c, int s,
			  size_t bytes, int stall_ms)
{
	static const u8 abc_digest[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
		0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	struct end *a = end_new(c, 0x1234567887654321ULL, bytes);
	struct end *b = end_new(s, 0x0fedcba987654321ULL, bytes);
	long long start = now_ms(), ms;
	struct sha256 check;
	u8 digest[32];

	/* The digest itself first: FIPS 180-4's "abc" example. */
	sha256_init(&check);
	sha256_update(&check, (const u8 *)"abc", 3);
	sha256_final(&check, digest);
	ASSERT_EQ(0, memcmp(abc_digest, digest, 32));

	ASSERT_TRUE(a != NULL);
	ASSERT_TRUE(b != NULL);
	set_nonblock(c);
	set_nonblock(s);
	EXPECT_EQ(0, pump(a, b, bytes, bytes, stall_ms))
		TH_LOG("a sent %zu got %zu, b sent %zu got %zu", a->sent,
		       a->received, b->sent, b->received);
	ms = now_ms() - start;
	TH_LOG("%zu KiB each way in %lld ms", bytes / 1024, ms);
	EXPECT_EQ(bytes, a->sent);
	EXPECT_EQ(bytes, b->sent);
	EXPECT_EQ(bytes, a->received);
	EXPECT_EQ(bytes, b->received);
	EXPECT_TRUE(digests_match(&a->tx, &b->rx));
	EXPECT_TRUE(digests_match(&b->tx, &a->rx));
	free(a);
	free(b);
}

TEST_F(data, one_byte)
{
	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	one_byte_each_way(_metadata, self->cli, self->srv);
}

/* Exactly one MSS as TCPALT_MAXSEG reports it arrives as one read. */
TEST_F(data, one_mss)
{
	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	one_mss_each_way(_metadata, self->cli, self->srv);
}

/*
 * The harness timeouts of the bulk tests only stop a runaway: the debug
 * kernel under emulation is many times slower than the stock one.
 */
TEST_F_TIMEOUT(data, bulk_each_way, 1200)
{
	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	bulk_each_way(_metadata, self->cli, self->srv, BULK_CLEAN, STALL_MS);
}

/* The same transfers with both veth ends impaired after the handshake. */
TEST_F(data, one_byte_netem)
{
	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	ASSERT_EQ(0, netem_both(NETEM_BAD));
	one_byte_each_way(_metadata, self->cli, self->srv);
}

TEST_F(data, one_mss_netem)
{
	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	ASSERT_EQ(0, netem_both(NETEM_BAD));
	one_mss_each_way(_metadata, self->cli, self->srv);
}

TEST_F_TIMEOUT(data, bulk_each_way_netem, 1200)
{
	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	ASSERT_EQ(0, netem_both(NETEM_BAD));
	bulk_each_way(_metadata, self->cli, self->srv, BULK_NETEM, STALL_MS);
}

/*
 * The receiver's window closes: non-blocking sends end in EAGAIN, the
 * sender probes the zero window (its persist timer in conns, or its
 * PersistProbes counter moving), and once the reader drains, every byte
 * arrives intact and the rest follows.
 */
TEST_F(data, zero_window)
{
	long long probes = proto_stat(NULL, "PersistProbes"), end;
	char local[32], remote[32];
	struct conn_entry ce;
	bool timer = false, probed = false;
	struct end *a, *b;

	ASSERT_LE(0, probes);
	ASSERT_EQ(0, small_pair(4096, &self->cli, &self->srv));
	set_nonblock(self->cli);
	set_nonblock(self->srv);
	a = end_new(self->cli, 42, ZW_BYTES);
	b = end_new(self->srv, 43, 0);
	ASSERT_TRUE(a != NULL);
	ASSERT_TRUE(b != NULL);

	ASSERT_EQ(0, fill_until_stuck(a, 10000))
		TH_LOG("sent %zu, EAGAIN %d", a->sent, a->saw_eagain);
	EXPECT_TRUE(a->saw_eagain);

	addr_port(local, sizeof(local), ADDR_A, local_port(self->cli));
	addr_port(remote, sizeof(remote), ADDR_B, PORT);
	for (end = now_ms() + 8000; now_ms() < end && !(timer && probed);) {
		if (conns_find(NULL, local, remote, "ESTABLISHED", &ce) == 1 &&
		    !strcmp(ce.timer, "persist"))
			timer = true;
		if (proto_stat(NULL, "PersistProbes") > probes)
			probed = true;
		usleep(100 * 1000);
	}
	EXPECT_TRUE(timer || probed);
	TH_LOG("stuck after %zu bytes; persist timer seen %d, probes %lld",
	       a->sent, timer, proto_stat(NULL, "PersistProbes") - probes);

	/* Nothing was lost while the window was shut. */
	EXPECT_EQ(0, pump(a, b, 0, ZW_BYTES, 60000))
		TH_LOG("b got %zu of %zu", b->received, a->sent);
	EXPECT_EQ(ZW_BYTES, a->sent);
	EXPECT_EQ(ZW_BYTES, b->received);
	EXPECT_TRUE(digests_match(&a->tx, &b->rx));
	free(a);
	free(b);
}

/* MSG_PEEK, MSG_DONTWAIT, SO_RCVTIMEO, MSG_WAITALL and SO_SNDTIMEO. */
TEST_F(data, peek_and_timeouts)
{
	static const char msg[] = "hello, peer";
	size_t len = sizeof(msg) - 1;
	long long t0, ms;
	char buf[4096];
	struct end *a;
	pid_t pid;
	ssize_t n;
	int i, st;

	ASSERT_EQ(0, small_pair(4096, &self->cli, &self->srv));

	/* Nothing there: MSG_DONTWAIT fails at once. */
	EXPECT_EQ(-1, recv(self->srv, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);

	/* MSG_PEEK shows the data and leaves it queued. */
	ASSERT_EQ((ssize_t)len, send(self->cli, msg, len, MSG_NOSIGNAL));
	ASSERT_NE(0, wait_fd(self->srv, POLLIN, 5000) & POLLIN);
	ASSERT_EQ(5, recv(self->srv, buf, 5, MSG_PEEK));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	ASSERT_EQ((ssize_t)len, recv(self->srv, buf, sizeof(buf), MSG_PEEK));
	EXPECT_EQ(0, memcmp(buf, msg, len));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ((ssize_t)len, recv(self->srv, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, msg, len));
	EXPECT_EQ(-1, recv(self->srv, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);

	/* SO_RCVTIMEO: EAGAIN after about the timeout. */
	ASSERT_EQ(0, set_timeout(self->srv, SO_RCVTIMEO, 300));
	t0 = now_ms();
	EXPECT_EQ(-1, recv(self->srv, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno);
	ms = now_ms() - t0;
	/* 300 ms less 50 of clock slack; 10 times over it is not a timeout. */
	EXPECT_LE(250, ms);
	EXPECT_GE(3000, ms);
	ASSERT_EQ(0, set_timeout(self->srv, SO_RCVTIMEO, 0));

	/* MSG_WAITALL gathers four pieces sent 100 ms apart. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		for (i = 0; i < 4; i++) {
			memset(buf, 'a' + i, 1000);
			if (send(self->cli, buf, 1000, MSG_NOSIGNAL) != 1000)
				_exit(1);
			usleep(100 * 1000);
		}
		_exit(0);
	}
	t0 = now_ms();
	n = recv(self->srv, buf, 4000, MSG_WAITALL);
	ms = now_ms() - t0;
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	ASSERT_EQ(4000, n);
	/* The last piece leaves 300 ms after the first; 50 ms of slack. */
	EXPECT_LE(250, ms);
	for (i = 0; i < 4000; i++)
		if (buf[i] != 'a' + i / 1000)
			break;
	EXPECT_EQ(4000, i);

	/* SO_SNDTIMEO: with the connection full, send gives up in time. */
	a = end_new(self->cli, 7, ZW_BYTES);
	ASSERT_TRUE(a != NULL);
	ASSERT_EQ(0, fill_until_stuck(a, 10000));
	ASSERT_EQ(0, set_timeout(self->cli, SO_SNDTIMEO, 300));
	t0 = now_ms();
	n = send(self->cli, a->chunk, CHUNK, MSG_NOSIGNAL);
	ms = now_ms() - t0;
	EXPECT_TRUE((n == -1 && errno == EAGAIN) || (n > 0 && n < CHUNK))
		TH_LOG("send: %zd, errno %d", n, errno);
	/* As SO_RCVTIMEO above: 300 ms less 50, and not 10 times over. */
	EXPECT_LE(250, ms);
	EXPECT_GE(3000, ms);
	free(a);
}

/*
 * connect() on a non-blocking socket: EINPROGRESS, EALREADY while the
 * handshake is under way (a's SYN is held 300 ms by netem), POLLOUT and
 * SO_ERROR 0 once established.  As with TCP, the first connect() after
 * completion reports success (it is how a caller learns the outcome)
 * and the next one EISCONN.
 */
TEST_F(data, nonblocking_connect)
{
	int lfd = conn_listen(PEER_NS, ADDR_B, PORT, 8);
	long long t0;
	int afd;

	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, netem_set(NULL, "veth-a", "delay 300ms"));
	self->cli = conn_socket(NULL);
	ASSERT_LE(0, self->cli);
	set_nonblock(self->cli);

	t0 = now_ms();
	EXPECT_EQ(-EINPROGRESS, sock_connect(self->cli, ADDR_B, PORT));
	EXPECT_EQ(-EALREADY, sock_connect(self->cli, ADDR_B, PORT));
	EXPECT_EQ(0, wait_fd(self->cli, POLLOUT, 0));
	EXPECT_EQ(POLLOUT, wait_fd(self->cli, POLLOUT, 5000) & POLLOUT);
	/* The SYN is held 300 ms; 50 ms of slack for the clocks. */
	EXPECT_LE(250, now_ms() - t0);
	EXPECT_EQ(0, sock_error(self->cli));
	EXPECT_EQ(0, sock_connect(self->cli, ADDR_B, PORT));
	EXPECT_EQ(-EISCONN, sock_connect(self->cli, ADDR_B, PORT));

	afd = accept(lfd, NULL, NULL);
	EXPECT_LE(0, afd);
	EXPECT_EQ(local_port(self->cli), peer_port(afd));
	close(afd);
	close(lfd);
}

static int epoll_on(int fd, u32 events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		return -1;
	return ep;
}

/* The events of one epoll_wait(), 0 if none came, -1 on error. */
static int epoll_events(int ep, int timeout_ms)
{
	struct epoll_event ev;
	int n = epoll_wait(ep, &ev, 1, timeout_ms);

	return n < 0 ? -1 : n ? (int)ev.events : 0;
}

/*
 * Edge-triggered epoll: EPOLLIN once per arrival, not again while the
 * data sits unread; EPOLLOUT once a full send buffer drains.
 */
TEST_F(data, epoll_edges)
{
	struct end *a, *b;
	char buf[16];
	int ep;

	ASSERT_EQ(0, small_pair(4096, &self->cli, &self->srv));
	ep = epoll_on(self->srv, EPOLLIN | EPOLLET);
	ASSERT_LE(0, ep);
	EXPECT_EQ(0, epoll_events(ep, 0));

	ASSERT_EQ(1, send(self->cli, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPOLLIN, epoll_events(ep, 5000));
	EXPECT_EQ(0, epoll_events(ep, 200));
	ASSERT_EQ(1, send(self->cli, "y", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPOLLIN, epoll_events(ep, 5000));
	EXPECT_EQ(0, epoll_events(ep, 200));
	usleep(100 * 1000);
	EXPECT_EQ(2, recv(self->srv, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(0, epoll_events(ep, 100));
	close(ep);

	/* Fill the connection, then watch the sender for EPOLLOUT. */
	set_nonblock(self->cli);
	set_nonblock(self->srv);
	a = end_new(self->cli, 9, ZW_BYTES);
	b = end_new(self->srv, 10, 0);
	ASSERT_TRUE(a != NULL);
	ASSERT_TRUE(b != NULL);
	ASSERT_EQ(0, fill_until_stuck(a, 10000));
	ep = epoll_on(self->cli, EPOLLOUT | EPOLLET);
	ASSERT_LE(0, ep);
	EXPECT_EQ(0, epoll_events(ep, 300));
	/* The reader takes everything queued; the sender's buffer empties. */
	end_stop(a);
	ASSERT_EQ(0, pump(a, b, 0, a->sent, 30000));
	EXPECT_EQ(EPOLLOUT, epoll_events(ep, 5000));
	EXPECT_TRUE(digests_match(&a->tx, &b->rx));
	close(ep);
	free(a);
	free(b);
}

/* shutdown(SHUT_WR) by the peer: EPOLLIN|EPOLLRDHUP, no HUP, EOF. */
TEST_F(data, epoll_rdhup_on_peer_shutdown)
{
	char buf[16];
	int ep, ev;

	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	ep = epoll_on(self->cli, EPOLLIN | EPOLLRDHUP);
	ASSERT_LE(0, ep);
	EXPECT_EQ(0, epoll_events(ep, 0));
	ASSERT_EQ(0, shutdown(self->srv, SHUT_WR));
	ev = epoll_events(ep, 5000);
	EXPECT_EQ(EPOLLIN | EPOLLRDHUP, ev & (EPOLLIN | EPOLLRDHUP));
	EXPECT_EQ(0, ev & (EPOLLHUP | EPOLLERR));
	EXPECT_EQ(0, recv(self->cli, buf, sizeof(buf), MSG_DONTWAIT));
	close(ep);
}

/*
 * The peer closes with data unread, which resets the connection:
 * EPOLLERR|EPOLLHUP (and IN, RDHUP), and SO_ERROR says ECONNRESET.
 */
TEST_F(data, epoll_err_hup_on_peer_reset)
{
	int ep, ev;

	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	ep = epoll_on(self->cli, EPOLLIN | EPOLLRDHUP);
	ASSERT_LE(0, ep);
	ASSERT_EQ(3, send(self->cli, "abc", 3, MSG_NOSIGNAL));
	ASSERT_NE(0, wait_fd(self->srv, POLLIN, 5000) & POLLIN);
	close(self->srv);
	self->srv = -1;
	ev = epoll_events(ep, 5000);
	EXPECT_EQ(EPOLLERR | EPOLLHUP, ev & (EPOLLERR | EPOLLHUP));
	EXPECT_EQ(EPOLLIN | EPOLLRDHUP, ev & (EPOLLIN | EPOLLRDHUP));
	EXPECT_EQ(ECONNRESET, sock_error(self->cli));
	close(ep);
}

/*
 * The peer goes silent with data outstanding: after retries2
 * retransmissions on backoff the connection ends, and the application
 * sees ETIMEDOUT, with POLLERR.  With retries2 = 3 and the 200 ms floor
 * of the RTO that is about 0.2 + 0.4 + 0.8 + 1.6 s.
 */
TEST_F_TIMEOUT(data, retries2_times_out, 60)
{
	long long timeouts = proto_stat(NULL, "Timeouts");
	char buf[16];
	long t0, t;

	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	ASSERT_EQ(0, proto_sysctl_set(NULL, "retries2", "3"));
	ASSERT_EQ(0, drop_ingress(PEER_NS, "veth-b"));
	t0 = now_ms();
	ASSERT_EQ(5, send(self->cli, "hello", 5, MSG_NOSIGNAL));
	EXPECT_NE(0, wait_fd(self->cli, POLLIN, 30000) & POLLERR);
	t = now_ms() - t0;
	EXPECT_EQ(-1, recv(self->cli, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ETIMEDOUT, errno);
	/*
	 * Three retransmissions backing off from the 200 ms minimum RTO
	 * take 3 s nominal and never under 1 s; 20 s tells a timer that
	 * never fired, or backed off too far, from a slow VM.
	 */
	EXPECT_LE(1000, t) TH_LOG("timed out after %ld ms", t);
	EXPECT_GE(20000, t) TH_LOG("timed out after %ld ms", t);
	if (!proto_is_tcp())
		EXPECT_LE(timeouts + 3, proto_stat(NULL, "Timeouts"));
}

/*
 * Bulk over loopback, both ends in a: the route's MTU makes the MSS
 * 65,495, so every segment is a 64 KiB skb.  The receive queue must
 * charge and advertise for that without dropping what it offered room
 * for: each such drop costs the sender an RTO of at least 200 ms.
 */
#define BULK_LO		test_size(16 * MiB, 2 * MiB)

TEST_F_TIMEOUT(data, bulk_loopback_no_drops, 600)
{
	long long drops = proto_stat(NULL, "RcvQueueDrops");
	long long timeouts = proto_stat(NULL, "Timeouts"), spurious;
	int lfd = conn_listen(NULL, "127.0.0.1", PORT, 8);

	ASSERT_LE(0, lfd);
	self->cli = conn_socket(NULL);
	ASSERT_LE(0, self->cli);
	ASSERT_EQ(0, sock_connect(self->cli, "127.0.0.1", PORT));
	self->srv = accept(lfd, NULL, NULL);
	ASSERT_LE(0, self->srv);
	close(lfd);
	bulk_each_way(_metadata, self->cli, self->srv, BULK_LO, STALL_MS);
	if (proto_is_tcp())
		return;
	EXPECT_EQ(drops, proto_stat(NULL, "RcvQueueDrops"));
	/*
	 * Nothing is lost on loopback: no timeout is needed either.  The
	 * debug kernel, some 17 times slower and sharing the host's CPUs
	 * with other VMs, was once seen to fire one spurious RTO with no
	 * segment dropped: a reader preempted while it owns the socket
	 * holds its ACKs in the backlog past the 200 ms minimum RTO.  One
	 * is allowed there; the drops this test exists for cost one RTO
	 * each, some four for its 2 MiB.
	 */
	spurious = getenv("TCPALT_DEBUG_KERNEL") ? 1 : 0;
	EXPECT_GE(timeouts + spurious, proto_stat(NULL, "Timeouts"));
}

/*
 * One way, a to b, over a path of 10 ms RTT (netem 5 ms on each veth
 * end): a child process sends bytes, the reader in b keeps up.  Returns
 * the bytes read, or -1.
 */
static long one_way(int cli, int srv, size_t bytes)
{
	static char buf[CHUNK];
	long got = 0;
	ssize_t n;
	pid_t pid;
	int status;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		size_t left = bytes;

		close(srv);
		memset(buf, 'r', sizeof(buf));
		while (left) {
			n = send(cli, buf, left < CHUNK ? left : CHUNK,
				 MSG_NOSIGNAL);
			if (n <= 0)
				_exit(1);
			left -= n;
		}
		close(cli);
		_exit(0);
	}
	close(cli);
	set_timeout(srv, SO_RCVTIMEO, STALL_MS);
	while ((n = recv(srv, buf, sizeof(buf), 0)) > 0)
		got += n;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -1;
	return got;
}

static struct tcpalt_info info_of(int fd)
{
	struct tcpalt_info ti = { 0 };
	socklen_t len = sizeof(ti);

	getsockopt(fd, IPPROTO_TCPALT, TCPALT_INFO, &ti, &len);
	return ti;
}

#define RTT_NETEM	"delay 5ms"
#define AUTOTUNE_BYTES	test_size(8 * MiB, 2 * MiB)

/*
 * Receive-buffer autotuning: at 10 ms RTT the initial buffer's window
 * (64 KiB) caps the rate at 6.5 MB/s; a reader that keeps up makes the
 * buffer grow past its default, and the window we advertise with it.
 */
TEST_F_TIMEOUT(data, rcvbuf_grows_at_10ms_rtt, 300)
{
	size_t bytes = AUTOTUNE_BYTES;
	int buf0, buf1;
	u32 wnd0;

	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	ASSERT_EQ(0, netem_both(RTT_NETEM));
	buf0 = int_opt(self->srv, SOL_SOCKET, SO_RCVBUF);
	wnd0 = info_of(self->srv).tcpi_rcv_wnd;
	EXPECT_EQ((long)bytes, one_way(self->cli, self->srv, bytes));
	self->cli = -1;
	buf1 = int_opt(self->srv, SOL_SOCKET, SO_RCVBUF);
	TH_LOG("SO_RCVBUF %d -> %d", buf0, buf1);
	EXPECT_LT(buf0, buf1);
	if (proto_is_tcp())
		return;
	TH_LOG("window %u -> %u", wnd0, info_of(self->srv).tcpi_rcv_wnd);
	EXPECT_LT(wnd0, info_of(self->srv).tcpi_rcv_wnd);
	EXPECT_EQ(0, proto_stat(PEER_NS, "RcvQueueDrops"));
}

/* A buffer the user sized stays as the user sized it. */
TEST_F_TIMEOUT(data, rcvbuf_set_by_user_stays, 300)
{
	size_t bytes = AUTOTUNE_BYTES / 4;
	int buf0;

	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	ASSERT_EQ(0, set_int(self->srv, SOL_SOCKET, SO_RCVBUF, 65536));
	ASSERT_EQ(0, netem_both(RTT_NETEM));
	buf0 = int_opt(self->srv, SOL_SOCKET, SO_RCVBUF);
	EXPECT_EQ((long)bytes, one_way(self->cli, self->srv, bytes));
	self->cli = -1;
	EXPECT_EQ(buf0, int_opt(self->srv, SOL_SOCKET, SO_RCVBUF));
}

/* One byte from from to to, read there. */
static int rr_one(int from, int to)
{
	char c = 'x';

	if (send(from, &c, 1, MSG_NOSIGNAL) != 1 ||
	    recv(to, &c, 1, MSG_WAITALL) != 1)
		return -1;
	return 0;
}

static long long segs_both(void)
{
	return proto_stat(NULL, "OutSegs") + proto_stat(PEER_NS, "OutSegs");
}

/*
 * 1-byte request/response: once both ends see that the other answers
 * at once, the ACK each owes rides on its answer, so a transaction costs
 * one segment each way, as it does with TCP (measured in this VM: 400
 * segments for 200 transactions, for both).  Without that, every
 * transaction costs four.  The margin: an answer held off the CPU past
 * the 40 ms delayed-ACK time, which TCG can do now and then, lets the
 * timer send a bare ACK (and leaves ping-pong mode until the next
 * answer); one in twenty transactions is far more than that and far
 * less than the two extra segments each of the old policy.
 */
#define RR_WARMUP	10
#define RR_COUNT	test_size(200, 50)
#define RR_SLACK(n)	((n) / 20)

TEST_F(data, request_response_two_segments)
{
	long long before, segs;
	int i, n = RR_COUNT;

	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	for (i = 0; i < RR_WARMUP; i++) {
		ASSERT_EQ(0, rr_one(self->cli, self->srv));
		ASSERT_EQ(0, rr_one(self->srv, self->cli));
	}
	before = segs_both();
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, rr_one(self->cli, self->srv));
		ASSERT_EQ(0, rr_one(self->srv, self->cli));
	}
	segs = segs_both() - before;
	TH_LOG("%d transactions: %lld segments", n, segs);
	EXPECT_LE(2 * n, segs);
	EXPECT_GE(2 * n + RR_SLACK(n), segs);
}

/* ---- Fast retransmit ---- */

#define FR_RAW_PORT	43000
#define FR_ISS		0x40000000u
#define FR_CONNS	8
#define FR_SEG		1448	/* a full segment with timestamps */
#define WAIT_MS		5000

/*
 * One connection from a raw peer to a listener in b; b's end sends four
 * segments, the peer acknowledges the first and then, as if the second
 * were lost, the same ACK three times more.  Returns 1 if the second
 * segment came again, 0 if not, -1 on error; *seen_at the time, after
 * the third duplicate, it took.
 */
static int fast_retransmit_once(int lfd, unsigned short port,
				long long *seen_at)
{
	static char data[4 * FR_SEG];
	struct raw_peer p = { .fd = -1 };
	u32 first = 0, second;
	struct raw_seg s;
	int srv = -1, i, got = 0, ret = -1;
	long long sent;

	if (raw_peer_open(&p, port, PORT) || raw_connect(&p, FR_ISS, NULL))
		goto out;
	srv = accept_wait(lfd, WAIT_MS);
	if (srv < 0 || proto_opt_set(srv, TCPALT_NODELAY, 1) ||
	    send(srv, data, sizeof(data), 0) != sizeof(data))
		goto out;
	while (got < (int)sizeof(data) && raw_recv_data(&p, WAIT_MS, &s) == 1) {
		if (!got)
			first = s.hdr.seq;
		/* A GRO segment's payload may be longer than s.data holds. */
		got += s.ip_len - 20 - s.hdr.doff;
	}
	if (got != (int)sizeof(data))
		goto out;
	second = first + FR_SEG;
	for (i = 0; i < 4; i++)
		if (raw_send(&p, TCPALT_ACK, p.snd_nxt, second, NULL, 0))
			goto out;
	sent = now_ms();
	ret = 0;
	while (raw_recv_data(&p, 3000, &s) == 1) {
		if (s.hdr.seq == second) {
			*seen_at = now_ms() - sent;
			ret = 1;
			break;
		}
	}
out:
	if (srv >= 0)
		close(srv);
	if (p.fd >= 0)
		raw_peer_close(&p);
	return ret;
}

/*
 * RFC 5681 3.2 and RFC 6582: the third duplicate ACK resends the
 * missing segment at once, not at the retransmission timeout, whatever
 * the initial sequence number.  NewReno's "recover" starts at the ISS
 * (RFC 6582 3.2 step 1); left at 0 it kept fast retransmit off until
 * the first timeout for about half of all ISNs, so eight connections
 * show it (the chance that eight all miss the bug is 1 in 256).
 */
TEST_F(data, three_duplicate_acks_retransmit_at_once)
{
	long long fast0 = proto_stat(PEER_NS, "FastRetrans");
	long long timeouts0 = proto_stat(PEER_NS, "Timeouts");
	long long at = 0;
	int lfd, k;

	ASSERT_EQ(0, quiet_ns_a());
	lfd = conn_listen(PEER_NS, ADDR_B, PORT, 16);
	ASSERT_LE(0, lfd);
	for (k = 0; k < FR_CONNS; k++) {
		ASSERT_EQ(1, fast_retransmit_once(lfd, FR_RAW_PORT + k, &at))
			TH_LOG("connection %d", k);
		TH_LOG("connection %d: resent %lld ms after the third", k, at);
	}
	close(lfd);
	EXPECT_EQ(fast0 + FR_CONNS, proto_stat(PEER_NS, "FastRetrans"));
	EXPECT_EQ(timeouts0, proto_stat(PEER_NS, "Timeouts"));
}

TEST_HARNESS_MAIN
