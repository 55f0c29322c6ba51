// SPDX-License-Identifier: GPL-2.0
/*
 * The protocol's memory: what all tcpalt sockets hold together is
 * accounted against the "mem" sysctl (pages: low, pressure, high), as
 * TCP's against tcp_mem.  Past the pressure limit the protocol is under
 * pressure (MemoryPressures); past the hard limit new data waits, and an
 * orphan holding memory is reset (AbortOnMemory).  CurrMemPages and
 * CurrSockets show the totals; both return to where they were once the
 * sockets are gone.
 *
 * "mem" is the protocol's, shared by every namespace: only the initial
 * namespace may write it, so the tests write it from there.  The kernel
 * keeps up to net.core.mem_pcpu_rsv pages (1 MiB at least) per CPU out of
 * the total the limits are checked against; the tests that set tiny
 * limits first make a pair hold more than that reserve on every CPU
 * could hide, so the limits bite at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"
#include "lib.h"

#define PORT		6100
#define MEM_PATH	"/proc/sys/net/tcpalt/mem"
#define WAIT_MS		5000

/*
 * Scheduling slack for an upper bound on a timer in the emulated VM
 * (lib.h): a timer softirq can be held off for a second or more under
 * KASAN.
 */
#define SLACK_MS	3000

static char chunk[65536];

/* Moves the thread to the initial namespace; back with ns_enter(NULL). */
static int enter_init_ns(void)
{
	int fd, err;

	if (ns_enter(NULL))		/* remembers a, if not yet */
		return -errno;
	fd = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	return err;
}

/* Writes a /proc/sys file of the initial namespace; 0 or -errno. */
static int init_ns_write(const char *path, const char *text)
{
	int err = enter_init_ns();

	if (!err)
		err = write_in(NULL, path, text);
	if (ns_enter(NULL))
		return -errno;
	return err;
}

static int read_longs(const char *path, long *v, int n)
{
	FILE *f = fopen(path, "r");
	int got = 0;

	if (!f)
		return -1;
	while (got < n && fscanf(f, "%ld", &v[got]) == 1)
		got++;
	fclose(f);
	return got == n ? 0 : -1;
}

/* net.core sysctls exist in the initial namespace only. */
static int init_ns_read_longs(const char *path, long *v, int n)
{
	int err = enter_init_ns();

	if (!err)
		err = read_longs(path, v, n);
	if (ns_enter(NULL))
		return -1;
	return err;
}

static long long meminfo_kb(const char *name)
{
	char line[128];
	long long kb = -1;
	size_t len = strlen(name);
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':')
			kb = atoll(line + len + 1);
	fclose(f);
	return kb;
}

/* Sends until the socket refuses (it must be non-blocking); the bytes. */
static long long fill(int fd)
{
	long long total = 0;
	ssize_t n;

	while ((n = send(fd, chunk, sizeof(chunk), MSG_DONTWAIT)) > 0)
		total += n;
	return total;
}

/* Accepts what the listener has ready; the new count. */
static int accept_ready(int lfd, int *fds, int n, int max)
{
	int fd;

	while (n < max && (fd = accept(lfd, NULL, NULL)) >= 0)
		fds[n++] = fd;
	return n;
}

/*
 * Waits up to ms for a protocol-wide gauge to fall to at most limit; its
 * last value.  At most, not exactly: orphans that earlier suites left,
 * in namespaces already gone, hold memory and a socket each until they
 * end, which they may do while a test runs.
 */
static long long gauge_wait_at_most(const char *name, long long limit,
				    int ms)
{
	long long end = now_ms() + ms, val;

	while ((val = stat_get(NULL, name)) > limit && now_ms() < end)
		usleep(20000);
	return val;
}

static long long pressures(void)
{
	return stat_get(NULL, "MemoryPressures") +
	       stat_get(PEER_NS, "MemoryPressures");
}

FIXTURE(mem) {
	long saved[3];
	int cli, srv;
	int hold_cli, hold_srv;
};

FIXTURE_SETUP(mem)
{
	self->cli = self->srv = self->hold_cli = self->hold_srv = -1;
	ASSERT_EQ(0, topo_setup());
	ASSERT_EQ(0, read_longs(MEM_PATH, self->saved, 3));
}

FIXTURE_TEARDOWN(mem)
{
	char text[96];

	if (self->cli >= 0)
		close(self->cli);
	if (self->srv >= 0)
		close(self->srv);
	if (self->hold_cli >= 0)
		close(self->hold_cli);
	if (self->hold_srv >= 0)
		close(self->hold_srv);
	snprintf(text, sizeof(text), "%ld %ld %ld", self->saved[0],
		 self->saved[1], self->saved[2]);
	EXPECT_EQ(0, init_ns_write(MEM_PATH, text));
	topo_teardown();
}

/*
 * A pair with 4 MiB buffers whose accepted end is never read, a's end
 * filled until it refuses: what the protocol then holds, at least 8 MiB,
 * is more than the CPUs' reserves can keep from the total the limits
 * are checked against (2 MiB on two CPUs), so tiny limits bite.  Its
 * pages, or -1.
 */
static long long hold_memory(int port, int *cli, int *srv)
{
	int lfd = conn_listen(PEER_NS, ADDR_B, port, 8), big = 4 << 20;
	long long end = now_ms() + WAIT_MS, pages = -1;

	*cli = *srv = -1;
	/* The FORCE options pass net.core's rmem_max and wmem_max. */
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_RCVBUFFORCE, &big,
				  sizeof(big)))
		return -1;
	*cli = conn_socket(NULL);
	if (*cli < 0 || setsockopt(*cli, SOL_SOCKET, SO_SNDBUFFORCE, &big,
				   sizeof(big)) ||
	    sock_connect(*cli, ADDR_B, port))
		goto out;
	*srv = accept(lfd, NULL, NULL);
	if (*srv < 0)
		goto out;
	set_nonblock(*cli);
	/* Until both buffers are full: the window shut, the queue full. */
	while (now_ms() < end) {
		fill(*cli);
		pages = stat_get(NULL, "CurrMemPages");
		if (pages >= 2048)
			break;
		wait_fd(*cli, POLLOUT, 100);
	}
out:
	close(lfd);
	return pages;
}

#define HOLD_PORT	(PORT + 50)

/* Tiny limits, with enough held that they bite at once. */
static int limits_tiny(struct __test_metadata *_metadata, FIXTURE_DATA(mem) *self,
		       const char *text)
{
	long long pages = hold_memory(HOLD_PORT, &self->hold_cli,
				      &self->hold_srv);

	TH_LOG("held: %lld pages", pages);
	if (pages < 2048)
		return -1;
	return init_ns_write(MEM_PATH, text);
}

/* ---- The sysctl ---- */

/*
 * The defaults are TCP's formula (tcp_mem): pressure at 1/16 of the
 * buffer memory, low at 3/4 of that, high at twice low.  TCP computed
 * its own at boot, with more memory free than at our load, so ours may
 * be smaller, never larger (10% for pages freed since).
 */
TEST_F(mem, sysctl_defaults_and_bad_writes)
{
	long v[3], tcp[3];

	memcpy(v, self->saved, sizeof(v));
	ASSERT_LT(0, v[0]);
	EXPECT_EQ(v[1] / 4 * 3, v[0]);
	EXPECT_EQ(v[0] * 2, v[2]);
	ASSERT_EQ(0, init_ns_read_longs("/proc/sys/net/ipv4/tcp_mem", tcp, 3));
	EXPECT_LE(tcp[1] / 2, v[1]);
	EXPECT_GE(tcp[1] + tcp[1] / 10, v[1]);

	EXPECT_EQ(-EINVAL, init_ns_write(MEM_PATH, "300 200 100"));
	EXPECT_EQ(-EINVAL, init_ns_write(MEM_PATH, "0 200 300"));
	EXPECT_EQ(-EINVAL, init_ns_write(MEM_PATH, "100 300 200"));
	EXPECT_EQ(-EINVAL, init_ns_write(MEM_PATH, "x y z"));
	EXPECT_EQ(-EINVAL, init_ns_write(MEM_PATH, "-1 2 3"));
	ASSERT_EQ(0, read_longs(MEM_PATH, v, 3));
	EXPECT_EQ(0, memcmp(v, self->saved, sizeof(v)));

	/* Another namespace sees the protocol's values, and cannot write. */
	EXPECT_EQ(-EACCES, write_in(NULL, MEM_PATH, "100 200 300"));
	EXPECT_EQ(-EACCES, write_in(PEER_NS, MEM_PATH, "100 200 300"));
	ASSERT_EQ(0, read_longs(MEM_PATH, v, 3));
	EXPECT_EQ(0, memcmp(v, self->saved, sizeof(v)));

	ASSERT_EQ(0, init_ns_write(MEM_PATH, "100 200 300"));
	ASSERT_EQ(0, read_longs(MEM_PATH, v, 3));
	EXPECT_EQ(100, v[0]);
	EXPECT_EQ(200, v[1]);
	EXPECT_EQ(300, v[2]);
}

/* ---- Over the hard limit ---- */

/*
 * Over the hard limit a socket with nothing queued takes nothing: a
 * non-blocking send fails with EAGAIN, a blocking one waits its
 * SO_SNDTIMEO out; once the limit rises the data goes through,
 * byte-exact.
 */
TEST_F(mem, send_waits_over_hard_limit)
{
	struct timeval tv = { 0, 300 * 1000 };
	long long p0 = pressures(), sent, got = 0;
	static char rbuf[65536];
	char text[96];
	ssize_t n;
	int i;

	for (i = 0; i < (int)sizeof(chunk); i++)
		chunk[i] = i * 7;
	ASSERT_EQ(0, conn_pair(PORT, &self->cli, &self->srv));
	ASSERT_EQ(0, limits_tiny(_metadata, self, "1 1 1"));

	/* An empty socket over the hard limit takes nothing. */
	errno = 0;
	EXPECT_EQ(-1, send(self->cli, chunk, sizeof(chunk), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	sent = 0;
	ASSERT_EQ(0, setsockopt(self->cli, SOL_SOCKET, SO_SNDTIMEO, &tv,
				sizeof(tv)));
	errno = 0;
	EXPECT_EQ(-1, send(self->cli, chunk, sizeof(chunk), 0));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LT(p0, pressures());
	EXPECT_EQ(1, stat_get(NULL, "MemPressure"));

	snprintf(text, sizeof(text), "%ld %ld %ld", self->saved[0],
		 self->saved[1], self->saved[2]);
	ASSERT_EQ(0, init_ns_write(MEM_PATH, text));
	tv.tv_sec = 10;
	tv.tv_usec = 0;
	ASSERT_EQ(0, setsockopt(self->cli, SOL_SOCKET, SO_SNDTIMEO, &tv,
				sizeof(tv)));
	for (i = 0; i < 4; i++) {
		n = send(self->cli, chunk + sent % sizeof(chunk),
			 sizeof(chunk) - sent % sizeof(chunk), 0);
		ASSERT_LT(0, n);
		sent += n;
	}
	shutdown(self->cli, SHUT_WR);
	while ((n = recv(self->srv, rbuf, sizeof(rbuf), 0)) > 0) {
		for (i = 0; i < n; i++)
			ASSERT_EQ((char)((got + i) % sizeof(chunk) * 7),
				  rbuf[i]);
		got += n;
	}
	EXPECT_EQ(0, n);
	EXPECT_EQ(sent, got);
	TH_LOG("RcvQueueDrops in b: %lld", stat_get(PEER_NS, "RcvQueueDrops"));
}

/*
 * A pair whose accepted end is never read, a's end filled until it
 * refuses: what it holds is far over SOCK_MIN_SNDBUF.
 */
static int stuck_pair(int port, int *cli, int *srv)
{
	if (conn_pair(port, cli, srv))
		return -1;
	set_nonblock(*cli);
	return fill(*cli) > 65536 ? 0 : -1;
}

/* b's end of a pair is reset: it reads what it has, then ECONNRESET. */
static int reset_seen(int srv, int timeout_ms)
{
	static char rbuf[65536];
	long long end = now_ms() + timeout_ms;
	ssize_t n;

	set_nonblock(srv);
	while (now_ms() < end) {
		n = recv(srv, rbuf, sizeof(rbuf), 0);
		if (n < 0 && errno == ECONNRESET)
			return 1;
		if (n < 0 && errno == EAGAIN)
			wait_fd(srv, POLLIN, 50);
		else if (n <= 0)
			return 0;
	}
	return 0;
}

/*
 * An orphan holding memory while the protocol is over its hard limit is
 * reset: at close() (it is never kept), and, if it was kept before the
 * memory ran out, at its next timer.  Its peer sees the RST.
 */
TEST_F(mem, orphans_reset_out_of_memory)
{
	long long aborts = stat_get(NULL, "AbortOnMemory");
	long long orphans = stat_get(NULL, "Orphaned");

	ASSERT_EQ(0, stuck_pair(PORT, &self->cli, &self->srv));
	ASSERT_EQ(0, limits_tiny(_metadata, self, "1 1 1"));
	close(self->cli);
	self->cli = -1;
	EXPECT_EQ(aborts + 1, stat_get(NULL, "AbortOnMemory"));
	EXPECT_EQ(orphans, stat_get(NULL, "Orphaned"));
	EXPECT_EQ(1, reset_seen(self->srv, WAIT_MS));
	close(self->srv);
	self->srv = -1;

	/* Kept as an orphan first; its persist timer finds memory gone. */
	ASSERT_EQ(0, init_ns_write(MEM_PATH, "100000000 100000000 100000000"));
	ASSERT_EQ(0, stuck_pair(PORT + 1, &self->cli, &self->srv));
	close(self->cli);
	self->cli = -1;
	EXPECT_EQ(orphans + 1, stat_get(NULL, "Orphaned"));
	EXPECT_EQ(aborts + 1, stat_get(NULL, "AbortOnMemory"));
	ASSERT_EQ(0, init_ns_write(MEM_PATH, "1 1 1"));
	/* Probes back off from 200 ms: the next within about 6.4 s. */
	EXPECT_EQ(aborts + 2, proto_stat_wait(NULL, "AbortOnMemory", aborts + 2,
					      6400 + SLACK_MS));
	EXPECT_EQ(1, reset_seen(self->srv, WAIT_MS));
	EXPECT_EQ(0, proto_stat_wait(NULL, "CurrOrphans", 0, WAIT_MS));
}

/* ---- Under pressure ---- */

#define RAW_PORT	42100
#define RAW_ISS		0x30000000u
#define SEG		1448	/* a full segment with timestamps */

/*
 * The largest window b offers while the raw peer sends `bytes` in pairs
 * of full segments, the accepted end reading as it goes.  -1 on error.
 */
static long largest_window(struct raw_peer *p, int srv, u8 wscale,
			   long bytes)
{
	static char data[SEG], rbuf[65536];
	long sent = 0, largest = 0, wnd, acks = 0;
	struct raw_seg s;
	int got;

	while (sent < bytes) {
		if (raw_send_data(p, data, SEG) || raw_send_data(p, data, SEG))
			return -1;
		sent += 2 * SEG;
		while (recv(srv, rbuf, sizeof(rbuf), MSG_DONTWAIT) > 0)
			;
		/* Every ACK that came, not just the first: none goes stale. */
		acks = 0;
		for (got = raw_recv_pure_ack(p, WAIT_MS, &s); got == 1;
		     got = raw_recv_pure_ack(p, 20, &s)) {
			wnd = (long)s.hdr.window << wscale;
			if (wnd > largest)
				largest = wnd;
			acks++;
		}
		if (got < 0 || !acks)
			return -1;
	}
	return largest;
}

/*
 * Under memory pressure the window a connection offers opens to four
 * segments at most, as TCP clamps its rcv_ssthresh; what it offered
 * before stays offered, so the clamp shows once the old edge is reached.
 * Without pressure the same reader gets its buffer's window back.  The
 * pair limits_tiny() fills keeps the protocol above the low limit, so
 * the pressure, once entered, lasts.
 */
TEST_F(mem, window_clamped_under_pressure)
{
	struct raw_seg synack;
	struct linger abort_now = { .l_onoff = 1, .l_linger = 0 };
	struct raw_peer p = { .fd = -1 };
	long free_wnd, tight_wnd;
	int lfd, srv, i;
	u8 wscale;

	ASSERT_EQ(0, quiet_ns_a());
	lfd = conn_listen(PEER_NS, ADDR_B, PORT + 1, 8);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, raw_peer_open(&p, RAW_PORT, PORT + 1));
	ASSERT_EQ(0, raw_connect(&p, RAW_ISS, &synack));
	srv = accept_wait(lfd, WAIT_MS);
	ASSERT_LE(0, srv);
	wscale = synack.opts.has_wscale ? synack.opts.wscale : 0;

	free_wnd = largest_window(&p, srv, wscale, 256 * 1024);
	EXPECT_EQ(0, stat_get(NULL, "MemPressure"));
	ASSERT_EQ(0, limits_tiny(_metadata, self, "1 1 100000000"));
	/*
	 * The raw socket also took a copy of every segment the pair just
	 * filled drew from b: its buffer is full of them.  Empty it, or
	 * b's next ACKs to the raw peer find no room.
	 */
	while (raw_recv(&p, 200, &synack) == 1)
		;
	/*
	 * Pressure starts at the next page the protocol takes; then the old
	 * edge, which an ACK before it may have moved, must be passed.
	 */
	for (i = 0; i < 100 && stat_get(NULL, "MemPressure") != 1; i++)
		ASSERT_LT(0, largest_window(&p, srv, wscale, 2 * SEG));
	ASSERT_EQ(1, stat_get(NULL, "MemPressure"));
	ASSERT_LT(0, largest_window(&p, srv, wscale, free_wnd + 4 * SEG));
	tight_wnd = largest_window(&p, srv, wscale, 128 * 1024);
	TH_LOG("largest window: %ld without pressure, %ld under it",
	       free_wnd, tight_wnd);
	EXPECT_LT(8 * 1460, free_wnd);
	/* Four segments of b's MSS, rounded up to the scale's unit. */
	EXPECT_GE(4 * 1460 + (1 << wscale), tight_wnd);
	EXPECT_LT(0, tight_wnd);

	/* The raw peer would never answer a FIN: reset, leave no orphan. */
	ASSERT_EQ(0, setsockopt(srv, SOL_SOCKET, SO_LINGER, &abort_now,
				sizeof(abort_now)));
	raw_peer_close(&p);
	close(srv);
	close(lfd);
}

/* ---- The hog ---- */

/*
 * An unprivileged program opens connections to a server that never
 * reads and fills each until it refuses.  Without a protocol limit that
 * takes the VM's memory (measured before the limit: 2,689 connections
 * queued 672 MB of a 1 GiB VM, then the OOM killer); with it the total
 * stays at the hard limit, later connections are refused data at once,
 * the protocol is under pressure, and all of it comes back at close.
 *
 * The total may pass the hard limit by what the generic rules force:
 * the rest of the super-segment a socket at its buffer is filling, and
 * the first skb of a receive queue that is empty.  The bound allows a
 * quarter of the limit for them.
 */
TEST_F_TIMEOUT(mem, hog_stays_within_the_limit, 900)
{
	enum { MAX = 20000 };
	const int n = scale_size(MAX, 5000, 1000);
	struct rlimit rl = { 2 * MAX + 64, 2 * MAX + 64 };
	long long base_pages, base_socks, p0 = pressures(), pages, peak = 0;
	long long queued = 0, total_kb = meminfo_kb("MemTotal"), got;
	static int cfd[MAX], sfd[MAX];
	int lfd, i, nsrv = 0, refused = 0;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	base_pages = stat_get(NULL, "CurrMemPages");
	base_socks = stat_get(NULL, "CurrSockets");
	lfd = conn_listen(PEER_NS, ADDR_B, PORT, 1024);
	ASSERT_LE(0, lfd);
	set_nonblock(lfd);
	for (i = 0; i < n; i++) {
		cfd[i] = conn_socket(NULL);
		ASSERT_LE(0, cfd[i]);
		ASSERT_EQ(0, sock_connect(cfd[i], ADDR_B, PORT))
			TH_LOG("connection %d", i);
		got = fill(cfd[i]);
		queued += got;
		refused += !got;
		nsrv = accept_ready(lfd, sfd, nsrv, n);
		if (i % 16 == 0 || !got) {
			pages = stat_get(NULL, "CurrMemPages");
			peak = pages > peak ? pages : peak;
		}
	}
	while (nsrv < n && wait_fd(lfd, POLLIN, WAIT_MS) > 0)
		nsrv = accept_ready(lfd, sfd, nsrv, n);
	pages = stat_get(NULL, "CurrMemPages");
	peak = pages > peak ? pages : peak;
	TH_LOG("%d connections: %lld MB queued by send(), %d refused at once",
	       n, queued >> 20, refused);
	TH_LOG("protocol pages: peak %lld, now %lld; limits %ld %ld %ld",
	       peak, pages, self->saved[0], self->saved[1], self->saved[2]);
	TH_LOG("MemAvailable %lld of %lld kB", meminfo_kb("MemAvailable"),
	       total_kb);
	EXPECT_EQ(n, nsrv);
	EXPECT_LT(0, refused);
	EXPECT_LT(p0, pressures());
	EXPECT_GE(self->saved[2] + self->saved[2] / 4, peak);
	EXPECT_LE(total_kb / 5, meminfo_kb("MemAvailable"));

	/* b's ends go first: unread data, so each resets its peer. */
	for (i = 0; i < nsrv; i++)
		close(sfd[i]);
	for (i = 0; i < n; i++)
		close(cfd[i]);
	close(lfd);
	pages = gauge_wait_at_most("CurrMemPages", base_pages, 30000);
	got = gauge_wait_at_most("CurrSockets", base_socks, 30000);
	TH_LOG("after close: %lld pages, %lld sockets; before: %lld, %lld",
	       pages, got, base_pages, base_socks);
	EXPECT_GE(base_pages, pages);
	EXPECT_GE(base_socks, got);
	EXPECT_EQ(0, stat_get(NULL, "MemPressure"));
}

TEST_HARNESS_MAIN
