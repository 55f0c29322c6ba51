// SPDX-License-Identifier: GPL-2.0
/*
 * Unmodified programs over tcpalt, client and server each under
 * build/tcpalt-run: iperf3 both ways; nginx serving a file to curl,
 * SHA-256 compared, then wrk's keep-alive requests; redis-server with
 * redis-benchmark and redis-cli; and socat relaying between TCP and
 * tcpalt.  Servers run in b (10.0.0.2), clients in a (10.0.0.1).
 *
 * Each test proves where the traffic went by the counters of both
 * namespaces: tcpalt's InSegs and OutSegs (/proc/tcpalt/stats) rise by
 * at least MIN_SEGS, TCP's (/proc/net/snmp) by nothing at all: the
 * namespaces are fresh and nothing else in them speaks TCP, so the
 * allowed noise is 0.  Under TCPALT_TEST_PROTO=6 the programs run over
 * TCP (tcpalt-run -p 6) and the same checks hold the other way round,
 * which shows that they can tell the two apart.
 *
 * The programs come from Debian's archive (scripts/deps.sh); their
 * configuration and files go to a directory under /tmp, which the
 * guest's overlay keeps writable.  Daemons run in the foreground, each
 * in a process group of its own, and the teardown ends the groups.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"

#define MiB		(1024 * 1024)
#define MIN_SEGS	20	/* a transfer is far more; a handshake less */
#define TCP_NOISE	0	/* segments of TCP's allowed where none belong */
#define MAX_DAEMONS	4
#define START_MS	30000	/* a daemon under emulation starts in seconds */
/* A client's run: generous, since a debug kernel under TCG is slow. */
#define CLIENT_MS	90000

#define PORT_IPERF	5201
#define PORT_HTTP	8080
#define PORT_REDIS	6379
#define PORT_SOCAT_B	7000
#define PORT_RELAY	7001

/* Seconds of iperf3 and wrk: the debug kernel is some ten times slower. */
#define RUN_SECS	test_size(2, 1)
#define HTTP_FILE	test_size(16 * MiB, 2 * MiB)
#define REDIS_REQS	test_size(10000, 200)
#define RELAY_FILE	test_size(4 * MiB, 512 * 1024)

/* The segments of tcpalt and of TCP that one namespace counted. */
struct segs {
	long long alt_in, alt_out, tcp_in, tcp_out;
};

FIXTURE(programs) {
	char dir[64];
	pid_t daemons[MAX_DAEMONS];
	int n_daemons;
	struct segs a0, b0;
};

/*
 * What a program reported, as a TAP comment on stderr: unbuffered, so
 * that it survives the test's process, which ends with _exit().
 */
static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static const char *tcpalt_run(void)
{
	return repo_file("build/tcpalt-run");
}

static const char *proto_arg(void)
{
	static char num[12];

	snprintf(num, sizeof(num), "%d", test_proto());
	return num;
}

/* tcpalt's counters read -1 when the module is not loaded: none. */
static long long alt_stat(const char *ns, const char *name)
{
	long long v = stat_get(ns, name);

	return v < 0 ? 0 : v;
}

static void segs_read(const char *ns, struct segs *s)
{
	s->alt_in = alt_stat(ns, "InSegs");
	s->alt_out = alt_stat(ns, "OutSegs");
	s->tcp_in = snmp_stat(ns, "Tcp:", "InSegs");
	s->tcp_out = snmp_stat(ns, "Tcp:", "OutSegs");
}

/*
 * The test's traffic in namespace ns went over the protocol under test:
 * its counters rose by MIN_SEGS or more each way, the other protocol's
 * by no more than TCP_NOISE (tcpalt's, under TCP, by nothing).  With
 * tcp_too, TCP carried some of it there as well (socat's TCP side).
 */
static void expect_traffic(struct __test_metadata *_metadata, const char *ns,
			   const struct segs *s0, bool tcp_too)
{
	const char *where = ns ? "b" : "a";
	struct segs s;
	long long alt_in, alt_out, tcp_in, tcp_out;

	segs_read(ns, &s);
	alt_in = s.alt_in - s0->alt_in;
	alt_out = s.alt_out - s0->alt_out;
	tcp_in = s.tcp_in - s0->tcp_in;
	tcp_out = s.tcp_out - s0->tcp_out;
	note("%s: tcpalt InSegs +%lld OutSegs +%lld, TCP InSegs +%lld OutSegs +%lld\n",
		       where, alt_in, alt_out, tcp_in, tcp_out);
	ASSERT_LE(0, s.tcp_in);
	if (proto_is_tcp()) {
		EXPECT_LE(MIN_SEGS, tcp_in);
		EXPECT_LE(MIN_SEGS, tcp_out);
		EXPECT_EQ(0, alt_in);
		EXPECT_EQ(0, alt_out);
		return;
	}
	EXPECT_LE(MIN_SEGS, alt_in);
	EXPECT_LE(MIN_SEGS, alt_out);
	if (tcp_too) {
		EXPECT_LE(MIN_SEGS, tcp_in);
		EXPECT_LE(MIN_SEGS, tcp_out);
	} else {
		EXPECT_GE(TCP_NOISE, tcp_in);
		EXPECT_GE(TCP_NOISE, tcp_out);
	}
}

/*
 * Starts argv in namespace ns (NULL: a), in a process group of its own,
 * stdin from /dev/null, stdout and stderr to log; under tcpalt-run with
 * the protocol under test when wrapped.  Returns the pid, or -1.
 */
static pid_t spawn(const char *ns, const char *log, bool wrapped,
		   const char *const *argv)
{
	const char *args[32];
	int i = 0, fd;
	pid_t pid;

	if (wrapped) {
		args[i++] = tcpalt_run();
		args[i++] = "-p";
		args[i++] = proto_arg();
	}
	while (*argv && i < 31)
		args[i++] = *argv++;
	args[i] = NULL;

	pid = fork();
	if (pid)
		return pid;
	setpgid(0, 0);
	if (ns && ns_enter(ns))
		_exit(126);
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, 0) < 0)
		_exit(126);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(126);
	execvp(args[0], (char *const *)args);
	_exit(127);
}

/* Waits up to ms for pid; its exit status, or -1 (then it is killed). */
static int wait_exit(pid_t pid, int ms)
{
	long long end = now_ms() + ms;
	int status;

	do {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(20 * 1000);
	} while (now_ms() < end);
	kill(-pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* Prints a log, prefixed as TAP comments, for a check that failed. */
static void show_log(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fprintf(stderr, "#   %s", line);
	fclose(f);
}

/* dir/name in out; a path too long for out is empty, and fails later. */
static void path_in(char *out, size_t size, const char *dir, const char *name)
{
	if (snprintf(out, size, "%s/%s", dir, name) >= (int)size)
		*out = '\0';
}

/* Runs a client to its end; its exit status, or -1. */
static int run_client(const char *dir, const char *log_name, bool wrapped,
		      const char *const *argv)
{
	char log[128];
	pid_t pid;
	int rc;

	path_in(log, sizeof(log), dir, log_name);
	pid = spawn(NULL, log, wrapped, argv);
	if (pid < 0)
		return -1;
	rc = wait_exit(pid, CLIENT_MS);
	if (rc)
		show_log(log);
	return rc;
}

/*
 * Whether namespace ns has a listener on port: in tcpalt's conns, or
 * in /proc/net/tcp (state 0A) for TCP.
 */
static bool listening(const char *ns, int port, bool tcp)
{
	char line[256], state[32];
	unsigned int lport, st;
	bool found = false;
	FILE *f;

	f = fopen_in(ns, tcp ? "/proc/thread-self/net/tcp" :
			       "/proc/thread-self/net/tcpalt/conns");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (tcp)
			found = sscanf(line, " %*d: %*x:%x %*s %x", &lport,
				       &st) == 2 && lport == (unsigned int)port &&
				st == 0x0a;
		else
			found = sscanf(line, "%*[^:]:%u %*s %31s", &lport,
				       state) == 2 &&
				lport == (unsigned int)port &&
				!strcmp(state, "LISTEN");
	}
	fclose(f);
	return found;
}

/*
 * Starts a daemon and waits for its listener on port, over the protocol
 * under test, or TCP when tcp; false if it never listened (its log
 * shown).
 */
static bool start_daemon(FIXTURE_DATA(programs) *self, const char *ns,
			 const char *log_name, bool wrapped, int port, bool tcp,
			 const char *const *argv)
{
	long long end = now_ms() + START_MS;
	char log[128];
	int status;
	pid_t pid;

	if (self->n_daemons == MAX_DAEMONS)
		return false;
	path_in(log, sizeof(log), self->dir, log_name);
	pid = spawn(ns, log, wrapped, argv);
	if (pid < 0)
		return false;
	self->daemons[self->n_daemons++] = pid;
	tcp = tcp || proto_is_tcp();
	while (now_ms() < end) {
		if (listening(ns, port, tcp))
			return true;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			self->daemons[--self->n_daemons] = 0;
			break;
		}
		usleep(50 * 1000);
	}
	show_log(log);
	return false;
}

/* Ends every daemon's process group: politely, then for good. */
static void stop_daemons(FIXTURE_DATA(programs) *self)
{
	int i;

	for (i = 0; i < self->n_daemons; i++)
		kill(-self->daemons[i], SIGTERM);
	for (i = 0; i < self->n_daemons; i++)
		wait_exit(self->daemons[i], 10000);
	self->n_daemons = 0;
}

/* A file of size random bytes; 0 or -1. */
static int random_file(const char *path, long size)
{
	static char buf[65536];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	long left = size;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (left > 0) {
		n = left < (long)sizeof(buf) ? left : (long)sizeof(buf);
		if (getrandom(buf, n, 0) != n || write(fd, buf, n) != n)
			break;
		left -= n;
	}
	close(fd);
	return left ? -1 : 0;
}

static int write_text(const char *path, const char *fmt, ...)
{
	FILE *f = fopen(path, "w");
	va_list ap;
	int err;

	if (!f)
		return -1;
	va_start(ap, fmt);
	err = vfprintf(f, fmt, ap) < 0;
	va_end(ap);
	return fclose(f) || err ? -1 : 0;
}

/* The whole of a small file, NUL-terminated, in a static buffer. */
static const char *slurp(const char *path)
{
	static char buf[256 * 1024];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (!f)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* sha256sum's digest of path into out (65 bytes); 0 or -1. */
static int sha256_of(const char *path, char *out)
{
	char cmd[256];
	FILE *p;
	int ok;

	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	ok = fscanf(p, "%64s", out) == 1;
	return pclose(p) || !ok ? -1 : 0;
}

#define PROGRAMS	"iperf3 nginx curl wrk redis-server redis-benchmark " \
			"redis-cli socat sha256sum"

FIXTURE_SETUP(programs)
{
	self->n_daemons = 0;
	/* One shell for all: every exec costs under emulation. */
	ASSERT_EQ(0, run("command -v " PROGRAMS " >/dev/null"))
		TH_LOG("one of " PROGRAMS " is missing: scripts/deps.sh installs them");
	ASSERT_EQ(0, access(tcpalt_run(), X_OK))
		TH_LOG("%s is missing: make builds it", tcpalt_run());
	strcpy(self->dir, "/tmp/tcpalt-programs.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, topo_setup());
	segs_read(NULL, &self->a0);
	segs_read(PEER_NS, &self->b0);
}

FIXTURE_TEARDOWN(programs)
{
	stop_daemons(self);
	run("rm -rf '%s'", self->dir);
	topo_teardown();
}

/* A number after key, past the first occurrence of section; or -1. */
static long long json_number(const char *text, const char *section,
			     const char *key)
{
	const char *p = strstr(text, section);

	if (!p)
		return -1;
	p = strstr(p, key);
	if (!p)
		return -1;
	p += strlen(key);
	p += strspn(p, " \t\n:");
	return atoll(p);
}

/* One iperf3 run from a, -R when reverse; its JSON checked. */
static void iperf3_run(struct __test_metadata *_metadata, const char *dir,
		       bool reverse)
{
	char secs[8], log[128];
	const char *argv[] = {
		"iperf3", "-4", "-c", ADDR_B, "-p", "5201", "-t", secs, "-J",
		reverse ? "-R" : NULL, NULL,
	};
	const char *name = reverse ? "iperf3-R.json" : "iperf3.json";
	const char *out;
	long long sent, rcvd;

	snprintf(secs, sizeof(secs), "%ld", RUN_SECS);
	ASSERT_EQ(0, run_client(dir, name, true, argv));
	path_in(log, sizeof(log), dir, name);
	out = slurp(log);
	EXPECT_EQ(NULL, strstr(out, "\"error\"")) {
		show_log(log);
	}
	sent = json_number(out, "\"sum_sent\"", "\"bytes\"");
	rcvd = json_number(out, "\"sum_received\"", "\"bytes\"");
	note("iperf3%s: sent %lld bytes, received %lld bytes in %s s (%.1f Mbit/s)\n",
		       reverse ? " -R" : "", sent, rcvd, secs,
		       rcvd * 8.0 / 1e6 / RUN_SECS);
	EXPECT_LT(0, sent);
	EXPECT_LT(0, rcvd);
}

/* iperf3 -s in b, iperf3 -c from a for RUN_SECS each way, JSON read. */
TEST_F_TIMEOUT(programs, iperf3, 300)
{
	const char *const server[] = {
		"iperf3", "-s", "-4", "-B", ADDR_B, "-p", "5201", NULL,
	};

	ASSERT_TRUE(start_daemon(self, PEER_NS, "iperf3-s.log", true,
				 PORT_IPERF, false, server));
	iperf3_run(_metadata, self->dir, false);
	iperf3_run(_metadata, self->dir, true);
	expect_traffic(_metadata, NULL, &self->a0, false);
	expect_traffic(_metadata, PEER_NS, &self->b0, false);
}

/* nginx's configuration: all in dir, root too, sendfile on. */
static int nginx_conf(const char *dir, const char *conf)
{
	return write_text(conf,
		"daemon off;\n"
		"user root;\n"
		"worker_processes 1;\n"
		"pid %s/nginx.pid;\n"
		"error_log %s/nginx-error.log warn;\n"
		"events { worker_connections 256; }\n"
		"http {\n"
		"  access_log off;\n"
		"  sendfile on;\n"
		"  keepalive_requests 1000000;\n"
		"  client_body_temp_path %s/body;\n"
		"  server {\n"
		"    listen " ADDR_B ":8080;\n"
		"    root %s/www;\n"
		"  }\n"
		"}\n", dir, dir, dir, dir);
}

/* wrk's report: requests done, and no socket error or non-2xx reply. */
static void wrk_check(struct __test_metadata *_metadata, const char *log)
{
	const char *out = slurp(log);
	const char *p = strstr(out, " requests in ");
	long long reqs = -1;

	while (p && p > out && p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p)
		reqs = atoll(p);
	note("wrk: %lld requests\n", reqs);
	EXPECT_LT(0, reqs);
	EXPECT_EQ(NULL, strstr(out, "Socket errors"));
	EXPECT_EQ(NULL, strstr(out, "Non-2xx"));
	if (reqs <= 0 || strstr(out, "Socket errors") || strstr(out, "Non-2xx"))
		show_log(log);
}

/*
 * nginx in b serves a file of HTTP_FILE random bytes (with sendfile),
 * curl fetches it and the SHA-256 of both must match; then wrk sends
 * keep-alive requests for a small one for RUN_SECS.
 */
TEST_F_TIMEOUT(programs, nginx_curl_wrk, 300)
{
	char conf[128], big[128], got[128], errlog[128], www[128], small[128];
	char want_sum[65], got_sum[65], url[64], secs[16], log[128];
	const char *const server[] = {
		"nginx", "-p", self->dir, "-c", conf, "-e", errlog, NULL,
	};
	const char *const curl[] = {
		"curl", "-sS", "--fail", "-o", got,
		"http://" ADDR_B ":8080/big", NULL,
	};
	/*
	 * wrk counts a reply slower than its timeout (2 s by default) as a
	 * socket error; an emulated debug kernel beside another VM can be
	 * that slow without anything going wrong, so it may take 10 s.
	 */
	const char *const wrk[] = {
		"wrk", "-t1", "-c4", "--timeout", "10s", "-d", secs, url, NULL,
	};

	path_in(conf, sizeof(conf), self->dir, "nginx.conf");
	path_in(errlog, sizeof(errlog), self->dir, "nginx-error.log");
	path_in(www, sizeof(www), self->dir, "www");
	path_in(big, sizeof(big), www, "big");
	path_in(small, sizeof(small), www, "small");
	path_in(got, sizeof(got), self->dir, "got");
	snprintf(url, sizeof(url), "http://" ADDR_B ":8080/small");
	snprintf(secs, sizeof(secs), "%lds", RUN_SECS);
	ASSERT_EQ(0, mkdir(www, 0755));
	ASSERT_EQ(0, random_file(big, HTTP_FILE));
	ASSERT_EQ(0, random_file(small, 1024));
	ASSERT_EQ(0, nginx_conf(self->dir, conf));

	ASSERT_TRUE(start_daemon(self, PEER_NS, "nginx.out", true,
				 PORT_HTTP, false, server));
	ASSERT_EQ(0, run_client(self->dir, "curl.log", true, curl));
	ASSERT_EQ(0, sha256_of(big, want_sum));
	ASSERT_EQ(0, sha256_of(got, got_sum));
	note("curl: %ld bytes, sha256 sent %.16s... received %.16s...\n",
		       HTTP_FILE, want_sum, got_sum);
	EXPECT_STREQ(want_sum, got_sum);

	ASSERT_EQ(0, run_client(self->dir, "wrk.log", true, wrk));
	path_in(log, sizeof(log), self->dir, "wrk.log");
	wrk_check(_metadata, log);
	expect_traffic(_metadata, NULL, &self->a0, false);
	expect_traffic(_metadata, PEER_NS, &self->b0, false);
}

/*
 * Whether redis-benchmark's quiet report has a result for the test that
 * starts with name ("SET: 8123.45 requests per second, p50=..."), which
 * it then prints; its progress lines end in CRs, not newlines.
 */
static bool bench_result(const char *out, const char *name)
{
	const char *p = out, *end;

	while ((p = strstr(p, name))) {
		end = p + strcspn(p, "\r\n");
		if (memmem(p, end - p, " requests per second", 20)) {
			note("redis-benchmark: %.*s\n",
				       (int)(end - p), p);
			return true;
		}
		p = end;
	}
	return false;
}

/* redis-cli's answer to one command, in out (64 bytes); its status. */
static int redis_cli(const char *dir, const char *cmd, const char *key,
		     const char *val, char *out)
{
	const char *const argv[] = {
		"redis-cli", "-h", ADDR_B, "-p", "6379", cmd, key, val, NULL,
	};
	char log[128];
	int rc;

	rc = run_client(dir, "redis-cli.log", true, argv);
	path_in(log, sizeof(log), dir, "redis-cli.log");
	snprintf(out, 64, "%s", slurp(log));
	out[strcspn(out, "\n")] = '\0';
	return rc;
}

/*
 * redis-server in b; redis-benchmark's SETs and GETs from a, then
 * redis-cli reads back the key the benchmark set (its value is three
 * random printable bytes, -d's default) and a key of its own.
 */
TEST_F_TIMEOUT(programs, redis, 300)
{
	char reqs[16], log[128], answer[64];
	const char *const server[] = {
		"redis-server", "--bind", ADDR_B, "--port", "6379",
		"--daemonize", "no", "--save", "", "--appendonly", "no",
		"--protected-mode", "no", "--dir", self->dir, NULL,
	};
	const char *const bench[] = {
		"redis-benchmark", "-h", ADDR_B, "-p", "6379", "-q", "-n", reqs,
		"-t", "set,get", NULL,
	};
	const char *out;

	snprintf(reqs, sizeof(reqs), "%ld", REDIS_REQS);
	ASSERT_TRUE(start_daemon(self, PEER_NS, "redis.log", true,
				 PORT_REDIS, false, server));
	ASSERT_EQ(0, run_client(self->dir, "bench.log", true, bench));
	path_in(log, sizeof(log), self->dir, "bench.log");
	out = slurp(log);
	EXPECT_TRUE(bench_result(out, "SET: ")) {
		show_log(log);
	}
	EXPECT_TRUE(bench_result(out, "GET: "));

	ASSERT_EQ(0, redis_cli(self->dir, "GET", "key:__rand_int__", NULL,
			       answer));
	EXPECT_EQ(3u, strlen(answer));
	ASSERT_EQ(0, redis_cli(self->dir, "SET", "tcpalt", "over-tcpalt",
			       answer));
	EXPECT_STREQ("OK", answer);
	ASSERT_EQ(0, redis_cli(self->dir, "GET", "tcpalt", NULL, answer));
	EXPECT_STREQ("over-tcpalt", answer);
	expect_traffic(_metadata, NULL, &self->a0, false);
	expect_traffic(_metadata, PEER_NS, &self->b0, false);
}

/*
 * socat's generic address for b's server on PORT_SOCAT_B: the sockaddr's
 * bytes after the family, port and address in network order.
 */
static void socat_generic(char *out, size_t size, const char *kind)
{
	snprintf(out, size, "%s:2:%d:x%04x0a0000020000000000000000", kind,
		 test_proto(), PORT_SOCAT_B);
}

/*
 * One file through the relay: b's server sends it over tcpalt, a's
 * relay takes it from tcpalt and hands it on over TCP on a's loopback,
 * where a plain socat writes it down; SHA-256 compared.
 */
static void relay_once(struct __test_metadata *_metadata,
		       FIXTURE_DATA(programs) *self, const char *const *server,
		       bool wrapped, const char *src)
{
	char got[128], sink[160], want_sum[65], got_sum[65];
	const char *const client[] = {
		"socat", "-u", "TCP4:127.0.0.1:7001", sink, NULL,
	};
	pid_t pid;

	path_in(got, sizeof(got), self->dir, "relay.got");
	snprintf(sink, sizeof(sink), "CREATE:%s", got);
	ASSERT_TRUE(start_daemon(self, PEER_NS, "socat-b.log", wrapped,
				 PORT_SOCAT_B, false, server));
	pid = self->daemons[self->n_daemons - 1];
	ASSERT_EQ(0, run_client(self->dir, "socat-client.log", false,
				client));
	/* The server is done once it sent the file. */
	EXPECT_EQ(0, wait_exit(pid, CLIENT_MS));
	self->daemons[--self->n_daemons] = 0;
	ASSERT_EQ(0, sha256_of(src, want_sum));
	ASSERT_EQ(0, sha256_of(got, got_sum));
	EXPECT_STREQ(want_sum, got_sum);
}

/*
 * socat relaying between TCP and tcpalt: the relay in a listens over
 * TCP on loopback and connects to b over tcpalt with socat's generic
 * SOCKET-CONNECT and the protocol number (tcpalt-run would make both of
 * its sockets tcpalt).  b's server is socat once under tcpalt-run with
 * TCP4-LISTEN, once plain with the generic SOCKET-LISTEN.  TCP carries
 * the loopback leg in a, so a's TCP counters rise too; b's must not.
 */
TEST_F_TIMEOUT(programs, socat_relay, 300)
{
	char src[128], open_src[160], connect[96], listen[112];
	const char *const server_run[] = {
		"socat", "-u", open_src,
		"TCP4-LISTEN:7000,bind=" ADDR_B ",reuseaddr", NULL,
	};
	const char *const server_generic[] = {
		"socat", "-u", open_src, listen, NULL,
	};
	const char *const relay[] = {
		"socat", "TCP4-LISTEN:7001,bind=127.0.0.1,reuseaddr,fork",
		connect, NULL,
	};

	path_in(src, sizeof(src), self->dir, "relay.bin");
	snprintf(open_src, sizeof(open_src), "OPEN:%s,rdonly", src);
	socat_generic(connect, sizeof(connect), "SOCKET-CONNECT");
	socat_generic(listen, sizeof(listen), "SOCKET-LISTEN");
	strcat(listen, ",reuseaddr");
	ASSERT_EQ(0, random_file(src, RELAY_FILE));
	ASSERT_TRUE(start_daemon(self, NULL, "socat-relay.log", false,
				 PORT_RELAY, true, relay));

	relay_once(_metadata, self, server_run, true, src);
	relay_once(_metadata, self, server_generic, false, src);
	note("socat: %ld bytes twice through the relay\n",
		       RELAY_FILE);
	expect_traffic(_metadata, NULL, &self->a0, true);
	expect_traffic(_metadata, PEER_NS, &self->b0, false);
}

TEST_HARNESS_MAIN
