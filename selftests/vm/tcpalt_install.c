// SPDX-License-Identifier: GPL-2.0
/*
 * Installing: `make install` puts the module where modprobe finds it,
 * socket(AF_INET, SOCK_STREAM, 253) then loads it by its alias, and
 * `make uninstall` takes it away again.  The guest's root is an overlay,
 * so nothing reaches the host.  The test leaves tcpalt.ko loaded from
 * TCPALT_KO again for whatever runs after it.
 *
 * Not in run.sh: depmod reads every module of the kernel over 9p, which
 * under the VM's emulation takes about four minutes, four times a
 * suite's budget.  Run it by hand in `make vm`.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"
#include "lib.h"

#define UNLOAD_MS	5000

static const char *repo(void)
{
	return repo_file(".");
}

/* Unloads tcpalt, waiting for sockets that hold it; 0 or -errno. */
static int unload(void)
{
	long long end = now_ms() + UNLOAD_MS;
	int err;

	while ((err = mod_loaded() ? mod_unload() : 0) == -EWOULDBLOCK &&
	       now_ms() < end)
		usleep(50000);
	return err;
}

/* Does socket() find tcpalt, loading it by its alias if it must? */
static int tcpalt_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCPALT);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* The path modprobe would load tcpalt from, into path; 0 or -1. */
static int modinfo_path(char *path, size_t size)
{
	FILE *f = popen("modinfo -n tcpalt 2>/dev/null", "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(path, size, f) != NULL;
	pclose(f);
	return ok ? 0 : -1;
}

FIXTURE(install) {
	int unused;
};

FIXTURE_SETUP(install)
{
	if (proto_is_tcp())
		SKIP(return, "installs tcpalt");
	ASSERT_EQ(0, unload());
	ASSERT_FALSE(mod_loaded());
	ASSERT_EQ(-EPROTONOSUPPORT, tcpalt_socket());
}

FIXTURE_TEARDOWN(install)
{
	if (proto_is_tcp())
		return;
	EXPECT_EQ(0, unload());
	EXPECT_EQ(0, mod_load(""));
}

TEST_F_TIMEOUT(install, make_install_autoloads, 300)
{
	char path[PATH_MAX];

	ASSERT_EQ(0, run("make -s -C %s --no-print-directory install "
			 "KVER=$(uname -r) >/dev/null", repo()));
	ASSERT_EQ(0, modinfo_path(path, sizeof(path)));
	EXPECT_NE(NULL, strstr(path, "/updates/tcpalt.ko")) TH_LOG("%s", path);
	EXPECT_EQ(0, access("/usr/local/include/linux/tcpalt.h", R_OK));
	EXPECT_EQ(0, access("/usr/local/bin/tcpalt-ss", X_OK));

	EXPECT_EQ(0, tcpalt_socket());
	EXPECT_TRUE(mod_loaded());
	EXPECT_EQ(0, run("tcpalt-ss -s >/dev/null"));

	ASSERT_EQ(0, unload());
	ASSERT_EQ(0, run("make -s -C %s --no-print-directory uninstall "
			 "KVER=$(uname -r) >/dev/null", repo()));
	EXPECT_EQ(-1, modinfo_path(path, sizeof(path)));
	EXPECT_EQ(-EPROTONOSUPPORT, tcpalt_socket());
	EXPECT_FALSE(mod_loaded());
}

TEST_HARNESS_MAIN
