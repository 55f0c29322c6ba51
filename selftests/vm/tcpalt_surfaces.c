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
#include <sys/stat.h>
#include <unistd.h>

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
	ASSERT_EQ(0, run("ip netns exec " PEER_NS
			 " sysctl -qw net.tcpalt.blackhole=0"));
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
