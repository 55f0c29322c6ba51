// SPDX-License-Identifier: GPL-2.0
/*
 * The procfs and sysctl surfaces: per namespace, the /proc/tcpalt symlink,
 * and sysctl writes that fail with EINVAL and change nothing.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netinet/in.h>

#include "kselftest_harness.h"
#include "lib.h"

static int read_first_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, size, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return ok ? 0 : -1;
}

TEST(proc_symlink)
{
	char target[PATH_MAX];
	ssize_t n = readlink(TCPALT_PROC_DIR, target, sizeof(target) - 1);

	ASSERT_LT(0, n);
	target[n] = 0;
	EXPECT_STREQ("net/tcpalt", target);
}

TEST(conns_header)
{
	char line[256];

	ASSERT_EQ(0, read_first_line(TCPALT_PROC_CONNS, line, sizeof(line)));
	EXPECT_STREQ(TCPALT_CONNS_HEADER, line);
}

TEST(stats_names)
{
	EXPECT_LE(0, stat_get(NULL, "InSegs"));
	EXPECT_LE(0, stat_get(NULL, "OutSegs"));
	EXPECT_LE(0, stat_get(NULL, "InErrs"));
	EXPECT_LE(0, stat_get(NULL, "InCsumErrors"));
	EXPECT_LE(0, stat_get(NULL, "OutRsts"));
}

/*
 * /proc/tcpalt always shows the reader's namespace: a fresh namespace
 * starts from zero while the peer's counters have moved, and its inode
 * differs from the peer's.
 */
TEST(proc_is_per_namespace)
{
	struct seg_out syn = { .hdr = { .sport = 1, .dport = 2, .seq = 1,
					.flags = TCPALT_SYN } };
	struct stat here, there;
	struct tcpalt_hdr got;
	char cmd[128];
	bool csum_ok;
	size_t dlen;
	int raw;
	FILE *f;

	ASSERT_EQ(0, topo_setup());
	ASSERT_EQ(0, sysctl_set_in(PEER_NS, "blackhole", "0"));
	raw = raw_open(IPPROTO_TCPALT);
	ASSERT_LE(0, raw);
	ASSERT_EQ(0, seg_send(raw, IPPROTO_TCPALT, &syn));
	ASSERT_EQ(1, seg_recv(raw, IPPROTO_TCPALT, 1, 1000, &got, &dlen,
			      &csum_ok));
	close(raw);
	EXPECT_LE(1, stat_get(PEER_NS, "InSegs"));
	EXPECT_LE(1, stat_get(NULL, "InSegs"));
	EXPECT_EQ(0, stat_get(NULL, "OutSegs"));
	EXPECT_LE(1, stat_get(PEER_NS, "OutSegs"));

	ASSERT_EQ(0, stat(TCPALT_PROC_CONNS, &here));
	snprintf(cmd, sizeof(cmd), "ip netns exec %s stat -L -c %%i %s",
		 PEER_NS, TCPALT_PROC_CONNS);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%lu", &there.st_ino));
	pclose(f);
	EXPECT_NE(here.st_ino, there.st_ino);
	topo_teardown();
}

TEST(sysctl_out_of_range)
{
	static const char *const bad[] = { "3", "-1", "100000", "abc" };
	long before, after;
	size_t i;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, sysctl_set("blackhole", "1"));
	ASSERT_EQ(0, sysctl_get("blackhole", &before));
	ASSERT_EQ(1, before);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, sysctl_set("blackhole", bad[i]))
			TH_LOG("write '%s' was not refused", bad[i]);
		ASSERT_EQ(0, sysctl_get("blackhole", &after));
		EXPECT_EQ(before, after);
	}
	EXPECT_EQ(0, sysctl_set("blackhole", "2"));
	ASSERT_EQ(0, sysctl_get("blackhole", &after));
	EXPECT_EQ(2, after);
}

/* Every sysctl with its default and range, as the README gives them. */
static const struct {
	const char *name;
	long def, min, max;
} sysctls[] = {
	{ "blackhole", 0, 0, 2 },
	{ "syn_retries", 6, 1, 127 },
	{ "synack_retries", 5, 1, 127 },
	{ "retries2", 15, 1, 255 },
	{ "max_syn_backlog", 4096, 1, 65535 },
	{ "fin_timeout", 60, 1, 3600 },
	{ "tw_timeout", 60, 1, 3600 },
	{ "max_tw_buckets", 262144, 0, 16777216 },
	{ "tw_reuse", 1, 0, 1 },
	{ "rfc1337", 1, 0, 1 },
	{ "max_orphans", 65536, 0, 16777216 },
	{ "keepalive_time", 7200, 1, 32767 },
	{ "keepalive_intvl", 75, 1, 32767 },
	{ "keepalive_probes", 9, 1, 127 },
	{ "syncookies", 1, 0, 2 },
	{ "orphan_retries", 0, 0, 255 },
	{ "invalid_ratelimit", 500, 0, 60000 },
	{ "tw_ack_limit", 1000, 0, 1000000 },
};

/*
 * Each one: the default in a new namespace, both ends of its range
 * taken, one past either end and a non-number refused with EINVAL and
 * the value unchanged.
 */
TEST(every_sysctl_default_and_range)
{
	char text[32];
	long val;
	size_t i;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	for (i = 0; i < sizeof(sysctls) / sizeof(sysctls[0]); i++) {
		const char *name = sysctls[i].name;

		ASSERT_EQ(0, sysctl_get(name, &val)) TH_LOG("%s", name);
		EXPECT_EQ(sysctls[i].def, val) TH_LOG("%s", name);
		snprintf(text, sizeof(text), "%ld", sysctls[i].min - 1);
		EXPECT_EQ(-EINVAL, sysctl_set(name, text)) TH_LOG("%s", name);
		snprintf(text, sizeof(text), "%ld", sysctls[i].max + 1);
		EXPECT_EQ(-EINVAL, sysctl_set(name, text)) TH_LOG("%s", name);
		EXPECT_EQ(-EINVAL, sysctl_set(name, "x")) TH_LOG("%s", name);
		ASSERT_EQ(0, sysctl_get(name, &val));
		EXPECT_EQ(sysctls[i].def, val) TH_LOG("%s", name);
		snprintf(text, sizeof(text), "%ld", sysctls[i].min);
		EXPECT_EQ(0, sysctl_set(name, text)) TH_LOG("%s", name);
		snprintf(text, sizeof(text), "%ld", sysctls[i].max);
		EXPECT_EQ(0, sysctl_set(name, text)) TH_LOG("%s", name);
		ASSERT_EQ(0, sysctl_get(name, &val));
		EXPECT_EQ(sysctls[i].max, val) TH_LOG("%s", name);
	}
}

/* A "min default max" sysctl as three numbers; 0, or -1. */
static int mem_get(const char *name, long v[3])
{
	char path[256];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "%s/%s", TCPALT_SYSCTL_DIR, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%ld %ld %ld", &v[0], &v[1], &v[2]);
	fclose(f);
	return n == 3 ? 0 : -1;
}

/*
 * rmem and wmem, as tcp_rmem and tcp_wmem: their defaults, each value
 * from 1 to 1 GiB and min <= default <= max; a write that breaks any of
 * it fails with EINVAL and leaves all three as they were.
 */
TEST(mem_sysctls_default_and_range)
{
	static const struct {
		const char *name;
		long def[3];
	} mems[] = {
		{ "rmem", { 4096, 212992, 6291456 } },
		{ "wmem", { 4096, 212992, 4194304 } },
	};
	static const char *const bad[] = {
		"0 16384 65536",		/* min below 1 */
		"-1 16384 65536",
		"4096 16384 1073741825",	/* max above 1 GiB */
		"70000 16384 65536",		/* min above default */
		"4096 70000 65536",		/* default above max */
		"1 2 x",			/* a non-number among them */
		"x",
	};
	long v[3];
	size_t i, j;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	for (i = 0; i < sizeof(mems) / sizeof(mems[0]); i++) {
		const char *name = mems[i].name;

		ASSERT_EQ(0, mem_get(name, v)) TH_LOG("%s", name);
		for (j = 0; j < 3; j++)
			EXPECT_EQ(mems[i].def[j], v[j]) TH_LOG("%s", name);
		for (j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
			EXPECT_EQ(-EINVAL, sysctl_set(name, bad[j]))
				TH_LOG("%s: '%s' was taken", name, bad[j]);
			ASSERT_EQ(0, mem_get(name, v));
			EXPECT_EQ(mems[i].def[0], v[0]) TH_LOG("%s", name);
			EXPECT_EQ(mems[i].def[1], v[1]) TH_LOG("%s", name);
			EXPECT_EQ(mems[i].def[2], v[2]) TH_LOG("%s", name);
		}
		/* Both ends of the range, and all three equal. */
		EXPECT_EQ(0, sysctl_set(name, "1 1 1"));
		ASSERT_EQ(0, mem_get(name, v));
		EXPECT_EQ(1, v[0]);
		EXPECT_EQ(1, v[1]);
		EXPECT_EQ(1, v[2]);
		EXPECT_EQ(0, sysctl_set(name, "1 1073741824 1073741824"));
		ASSERT_EQ(0, mem_get(name, v));
		EXPECT_EQ(1073741824, v[1]);
		EXPECT_EQ(1073741824, v[2]);
	}
}

/* New sockets start at the defaults; the user's SO_RCVBUF still rules. */
TEST(mem_sysctls_set_new_sockets)
{
	int fd, val;
	socklen_t len = sizeof(val);

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, sysctl_set("rmem", "4096 100000 200000"));
	ASSERT_EQ(0, sysctl_set("wmem", "4096 50000 200000"));
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCPALT);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, &len));
	EXPECT_EQ(100000, val);
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &val, &len));
	EXPECT_EQ(50000, val);
	close(fd);
}

/* A namespace's sysctl is its own: a new one starts at the default. */
TEST(sysctl_per_namespace)
{
	long val;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, sysctl_set("blackhole", "2"));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, sysctl_get("blackhole", &val));
	EXPECT_EQ(0, val);
}

TEST_HARNESS_MAIN
