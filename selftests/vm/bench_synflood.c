// SPDX-License-Identifier: GPL-2.0
/*
 * A SYN flood benchmark, not a test: while a flood of spoofed SYNs runs
 * (connlib's syn_flood), 200 legitimate clients connect to a listener
 * with a 64-entry backlog and cookies on as by default (syncookies 1).
 * Prints the flood rate reached, the share of clients that connected
 * within 3 s, and their median connect time.  The protocol is
 * test_proto(): run it once as is and once with TCPALT_TEST_PROTO=6 in
 * the same VM boot (scripts/bench-synflood.sh).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "connlib.h"
#include "lib.h"

#define PORT		5800
#define CLIENTS		200
#define BACKLOG		64
#define TIMEOUT_MS	3000

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* One client: non-blocking connect, then accepted; its time in us, or -1. */
static long long one_client(int lfd)
{
	int fd = conn_socket(NULL), srv, err;
	long long start = now_us(), took = -1;

	if (fd < 0)
		return -1;
	set_nonblock(fd);
	err = sock_connect(fd, ADDR_B, PORT);
	if ((!err || err == -EINPROGRESS) &&
	    wait_fd(fd, POLLOUT, TIMEOUT_MS) > 0 && sock_error(fd) == 0)
		took = now_us() - start;
	close(fd);
	while (wait_fd(lfd, POLLIN, 0) > 0 &&
	       (srv = accept(lfd, NULL, NULL)) >= 0)
		close(srv);
	return took;
}

static int set_cookies(void)
{
	if (proto_is_tcp())
		return write_in(PEER_NS, "/proc/sys/net/ipv4/tcp_syncookies",
				"1");
	return proto_sysctl_set(PEER_NS, "syncookies", "1");
}

int main(void)
{
	long long times[CLIENTS];
	int lfd, i, ok = 0;
	struct syn_flood f;
	double rate;

	if (topo_setup() || set_cookies() ||
	    proto_sysctl_set(PEER_NS, "max_syn_backlog", "64")) {
		fprintf(stderr, "bench: setup failed\n");
		return 1;
	}
	lfd = conn_listen(PEER_NS, ADDR_B, PORT, BACKLOG);
	if (lfd < 0 || syn_flood_start(&f, PORT)) {
		fprintf(stderr, "bench: listener or flood failed\n");
		return 1;
	}
	set_nonblock(lfd);
	usleep(500000);
	for (i = 0; i < CLIENTS; i++) {
		long long t = one_client(lfd);

		if (t >= 0)
			times[ok++] = t;
	}
	rate = syn_flood_stop(&f);
	qsort(times, ok, sizeof(times[0]), cmp_ll);
	printf("%-7s flood %8.0f SYN/s  connected %3d/%d (%5.1f%%)  median connect %.3f ms\n",
	       proto_is_tcp() ? "tcp" : "tcpalt", rate, ok, CLIENTS,
	       100.0 * ok / CLIENTS, ok ? times[ok / 2] / 1000.0 : -1.0);
	close(lfd);
	topo_teardown();
	return 0;
}
