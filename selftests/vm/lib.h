/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the VM selftests: a two-namespace veth topology, raw-socket
 * segments built and checked with the module's own portable core, the
 * stats counters and sysctls.
 */
#ifndef _TCPALT_SELFTEST_LIB_H
#define _TCPALT_SELFTEST_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/tcpalt.h>

#include "segment.h"

/*
 * The test process unshares into a fresh namespace ("a", 10.0.0.1) and
 * creates a named one, PEER_NS ("b", 10.0.0.2), joined by veth.  The
 * module answers in b; the test watches from a.
 */
#define PEER_NS		"tcpalt-b"
#define ADDR_A		"10.0.0.1"
#define ADDR_B		"10.0.0.2"

int topo_setup(void);

/*
 * Three namespaces for path tests: a (ADDR_A) reaches b (PEER_NS, at
 * ADDR_B_ROUTED) through a router, ROUTER_NS, which forwards between
 * 10.0.0.0/24 and ROUTED_NET_B.  The router's link toward b has an MTU
 * of router_mtu: what a sends to b meets it, what b sends does not.
 * topo_teardown() removes it.
 */
#define ROUTER_NS	"tcpalt-r"
#define ADDR_ROUTER_A	"10.0.0.254"
#define ADDR_ROUTER_B	"10.0.1.254"
#define ADDR_B_ROUTED	"10.0.1.2"
#define ROUTED_NET_B	"10.0.1.0/24"
int topo_routed_setup(int router_mtu);

void topo_teardown(void);

/*
 * Moves the calling thread into namespace ns (NULL: back to a); 0 or -1.
 * Namespace a is remembered at the first call, which must come from a.
 */
int ns_enter(const char *ns);

/* fopen(path, "r") with the thread in namespace ns (NULL: where it is). */
FILE *fopen_in(const char *ns, const char *path);

/* Writes text to a /proc or /sys file in namespace ns; 0 or -errno. */
int write_in(const char *ns, const char *path, const char *text);

/* Sets a link of the current namespace up, as "ip link set DEV up". */
int link_up(const char *dev);

/*
 * Timing tolerances.  The VM is emulated (TCG) on two vCPUs, and the debug
 * leg adds KASAN: a thread can be held off a CPU for seconds.  So a test
 * that times something bounds it from below by the protocol's own clock
 * (a timer cannot fire early; the margin under its nominal value covers
 * jiffies rounding and the moment the test's own clock was read), and
 * from above only loosely, to tell "fired" from "never fired" or "fired
 * at the wrong backoff".  Each such assertion says its margins and why
 * where it is made.
 */

/*
 * The size of a test whose cost is its size: the full size the protocol's
 * requirements ask for, or, when run.sh says TCPALT_SCALE=debug (the debug
 * leg, where KASAN makes every segment some ten times dearer), a smaller
 * one that still takes every path the full one takes.
 */
long test_size(long full, long debug);

/*
 * The size of a test whose purpose is scale (entries by the hundred
 * thousand, a million fuzzed segments): full under make check-full
 * (TCPALT_SCALE=full), check on make check's stock leg, a size that
 * takes the same paths and still shows the per-entry cost, and debug on
 * the debug leg.
 */
long scale_size(long full, long check, long debug);

/* Runs a shell command; returns its exit status, or -1. */
int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A raw IPv4 socket of the given protocol in the current namespace. */
int raw_open(int proto);

/* A segment to send from a to b: header, options and data. */
struct seg_out {
	struct tcpalt_hdr hdr;
	const u8 *opts;
	size_t opts_len;
	const u8 *data;
	size_t data_len;
	bool corrupt_csum;
	size_t truncate_to;	/* send only this many bytes, if non-zero */
};

int seg_send(int fd, int proto, const struct seg_out *s);

/*
 * Waits up to timeout_ms for a segment from b to a's port; returns 1 with
 * the header filled in, 0 on timeout, -1 on error.  csum_ok tells whether
 * its checksum verified with the reference implementation.
 */
int seg_recv(int fd, int proto, u16 port, int timeout_ms,
	     struct tcpalt_hdr *hdr, size_t *data_len, bool *csum_ok);

/* A counter of /proc/tcpalt/stats in namespace ns (NULL: our own). */
long long stat_get(const char *ns, const char *name);

/*
 * rel, a path in the repository, from where the running test binary
 * lies (selftests/vm); rel itself if that cannot be told.  The last four
 * results stay valid.
 */
const char *repo_file(const char *rel);

/* Reads and writes an integer sysctl; write returns 0 or -errno. */
int sysctl_get(const char *name, long *val);
int sysctl_set(const char *name, const char *text);
int sysctl_set_in(const char *ns, const char *name, const char *text);

/*
 * The module by file, TCPALT_KO: load it with params (0 or -errno), unload
 * it without waiting (0 or -errno: -EWOULDBLOCK while a socket holds it),
 * and whether it is loaded.
 */
int mod_load(const char *params);
int mod_unload(void);
bool mod_loaded(void);

#endif /* _TCPALT_SELFTEST_LIB_H */
