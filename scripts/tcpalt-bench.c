// SPDX-License-Identifier: GPL-2.0
/*
 * tcpalt-bench: one measurement of one stream protocol, for make bench.
 *
 *   tcpalt-bench [OPTIONS] bulk MIB
 *	one connection: the client writes MIB MiB, shuts down its side and
 *	waits for the server to close; the server reads and discards until
 *	EOF, then closes.  Timed from connect() to the server's EOF.
 *   tcpalt-bench [OPTIONS] rr SECS
 *	one connection: a 1-byte request and a 1-byte response, again and
 *	again for SECS seconds
 *   tcpalt-bench [OPTIONS] churn SECS
 *	for SECS seconds: connect, 1 byte each way, the server closes, the
 *	client reads the EOF and closes
 *
 * The server is a child process; its listener (and so every socket it
 * accepts) is made in the peer namespace.  Counters are read in the
 * client's namespace around the timed part: the busy time of all CPUs
 * together (from /proc/stat, see cpu_idle_ms()), the packets of one
 * interface from /proc/net/dev (see packets()), and for bulk the segments
 * the protocol retransmitted (RetransSegs of /proc/net/snmp for TCP, of
 * /proc/net/tcpalt/stats for tcpalt).
 *
 * Options:
 *   --proto N       the socket's protocol (default 253, IPPROTO_TCPALT)
 *   --ns NAME       run in network namespace NAME (/run/netns/NAME)
 *   --peer-ns NAME  the server's namespace (default: the client's)
 *   --addr A        the server's address (default 127.0.0.1)
 *   --port P        its port (default 6000)
 *   --dev DEV       the interface whose packets count (default lo)
 *   --deadline S    a bulk transfer not done in S seconds is a stall
 *                   (default 120); in rr and churn a stall is any one
 *                   step that waits longer than 10 s
 *
 * Prints one line: a status, the measurements as key=value, and for
 * anything but ok "# what happened" for the client and for the server.
 * The status is ok; stall (a wait reached its deadline); timeout (the
 * protocol gave up, ETIMEDOUT); reset (ECONNRESET or EPIPE); short (EOF
 * before all the bytes); or error (any other errno).
 * Exits 0 once that line is printed, whatever the status; 2 on bad usage,
 * 1 if the benchmark could not be set up.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/tcpalt.h>

#define CHUNK		(128 * 1024)
#define STEP_SECS	10.0	/* rr and churn: one step's limit */
#define REAP_SECS	2.0	/* how long a failed run's server may linger */

struct options {
	int proto;
	const char *ns;
	const char *peer_ns;
	const char *dev;
	struct sockaddr_in server;
	double deadline_secs;
};

/*
 * What went wrong, on either side: an errno value, ERR_DEADLINE for a
 * wait that reached its deadline (a stall), or ERR_SHORT for a transfer
 * that ended early without an error; 0 means nothing did.  The helpers
 * return them negated, as they return -errno.
 */
#define ERR_DEADLINE	10000
#define ERR_SHORT	10001
struct failure {
	int err;
	char what[96];
};

/* The server's side of a run, in memory shared with the client. */
struct server_state {
	long long bytes;	/* received */
	long long served;	/* transactions or connections */
	double t_eof;		/* when bulk's EOF arrived */
	int stop;		/* churn: the client is done */
	struct failure fail;
};

/* Counters around the timed part of a run. */
struct sample {
	double t;
	double idle_ms;		/* all CPUs together */
	int ncpus;
	long long tx, rx;	/* packets of the interface */
	long long retrans;	/* segments retransmitted in this namespace */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail_set(struct failure *f, int err, const char *fmt, ...)
{
	va_list ap;

	if (f->err)
		return;		/* the first failure is the one to report */
	f->err = err;
	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tcpalt-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- namespaces and counters ---- */

static void enter_ns(const char *name)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die("namespace %s: %s", name, strerror(errno));
	close(fd);
}

/*
 * The time all CPUs together spent idle (idle plus iowait) since boot, in
 * ms, and how many CPUs there are.  Idle time is the one that is exact:
 * with NO_HZ the kernel clocks it on entering and leaving idle, where
 * user and system time are sampled at each tick.  Busy time over an
 * interval is then its length times the CPUs, less the idle time.
 */
static double cpu_idle_ms(int *ncpus)
{
	unsigned long long user, nice, sys, idle, iowait;
	FILE *f = fopen("/proc/stat", "r");
	char line[512];
	int n;

	if (!f)
		die("/proc/stat: %s", strerror(errno));
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu", &user, &nice, &sys,
		   &idle, &iowait);
	*ncpus = 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "cpu", 3))
			++*ncpus;
	fclose(f);
	if (n != 5 || !*ncpus)
		die("/proc/stat: unexpected format");
	return (idle + iowait) * 1000.0 / sysconf(_SC_CLK_TCK);
}

/* The packets dev in this namespace has sent and received. */
static void dev_packets(const char *dev, long long *tx, long long *rx)
{
	char line[512], name[64];
	int found = 0;
	FILE *f;

	f = fopen("/proc/thread-self/net/dev", "r");
	if (!f)
		die("/proc/net/dev: %s", strerror(errno));
	while (!found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon || sscanf(line, " %63[^:]", name) != 1 ||
		    strcmp(name, dev))
			continue;
		if (sscanf(colon + 1,
			   "%*u %lld %*u %*u %*u %*u %*u %*u %*u %lld",
			   rx, tx) != 2)
			die("/proc/net/dev: unexpected format");
		found = 1;
	}
	fclose(f);
	if (!found)
		die("no interface %s", dev);
}

/* TCP's RetransSegs, from the two "Tcp:" lines of /proc/net/snmp. */
static long long tcp_retrans(void)
{
	char names[1024], values[1024], *name, *value, *sn, *sv;
	long long found = -1;
	FILE *f;

	f = fopen("/proc/thread-self/net/snmp", "r");
	if (!f)
		return -1;
	while (fgets(names, sizeof(names), f))
		if (!strncmp(names, "Tcp:", 4))
			break;
	if (!feof(f) && fgets(values, sizeof(values), f)) {
		name = strtok_r(names, "\n ", &sn);
		value = strtok_r(values, "\n ", &sv);
		while (found < 0 && name && value) {
			if (!strcmp(name, "RetransSegs"))
				found = atoll(value);
			name = strtok_r(NULL, "\n ", &sn);
			value = strtok_r(NULL, "\n ", &sv);
		}
	}
	fclose(f);
	return found;
}

/* tcpalt's RetransSegs, a "Name value" line of its stats file. */
static long long tcpalt_retrans(void)
{
	char line[256], name[64];
	long long val, found = -1;
	FILE *f;

	f = fopen("/proc/thread-self/net/tcpalt/stats", "r");
	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", name, &val) == 2 &&
		    !strcmp(name, "RetransSegs"))
			found = val;
	fclose(f);
	return found;
}

static void sample_take(struct sample *s, const struct options *o)
{
	s->t = now();
	s->idle_ms = cpu_idle_ms(&s->ncpus);
	dev_packets(o->dev, &s->tx, &s->rx);
	s->retrans = o->proto == IPPROTO_TCP ? tcp_retrans() :
		     tcpalt_retrans();
}

/*
 * The packets between two samples: on lo its transmits, which are also
 * its receives; on any other device transmits plus receives.
 */
static double packets(const struct options *o, const struct sample *a,
		      const struct sample *b)
{
	return b->tx - a->tx + (strcmp(o->dev, "lo") ? b->rx - a->rx : 0);
}

/* The busy time of all CPUs together between two samples, in ms. */
static double busy_ms(const struct sample *a, const struct sample *b)
{
	return (b->t - a->t) * 1000 * b->ncpus - (b->idle_ms - a->idle_ms);
}

/* ---- sockets, every one non-blocking, every wait bounded ---- */

/* 0 when fd is ready for events, -ERR_DEADLINE past deadline, or -errno. */
static int wait_for(int fd, short events, double deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	double left;
	int n;

	for (;;) {
		left = deadline - now();
		if (left <= 0)
			return -ERR_DEADLINE;
		n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/* Sends len bytes, adding to *sent as they go; 0 or -errno. */
static int send_all(int fd, const char *buf, size_t len, double deadline,
		    long long *sent)
{
	ssize_t n;
	int err;

	while (len) {
		n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			buf += n;
			len -= n;
			*sent += n;
			continue;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		err = wait_for(fd, POLLOUT, deadline);
		if (err)
			return err;
	}
	return 0;
}

/* Up to len bytes: their number, 0 at EOF, or -errno. */
static ssize_t recv_wait(int fd, char *buf, size_t len, double deadline)
{
	ssize_t n;
	int err;

	for (;;) {
		n = recv(fd, buf, len, MSG_DONTWAIT);
		if (n >= 0)
			return n;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		err = wait_for(fd, POLLIN, deadline);
		if (err)
			return err;
	}
}

/* Exactly len bytes: 0, -EPIPE at an early EOF, or -errno. */
static int recv_exact(int fd, char *buf, size_t len, double deadline)
{
	ssize_t n;

	while (len) {
		n = recv_wait(fd, buf, len, deadline);
		if (n <= 0)
			return n ? n : -EPIPE;
		buf += n;
		len -= n;
	}
	return 0;
}

/* A connected socket, or -errno. */
static int connect_wait(const struct options *o, double deadline)
{
	int fd, err;
	socklen_t len = sizeof(err);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    o->proto);
	if (fd < 0)
		return -errno;
	if (!connect(fd, (const struct sockaddr *)&o->server,
		     sizeof(o->server)))
		return fd;
	err = errno == EINPROGRESS ? wait_for(fd, POLLOUT, deadline) : -errno;
	if (!err && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		err = errno;
	if (err) {
		close(fd);
		return err < 0 ? err : -err;
	}
	return fd;
}

static int accept_wait(int lfd, double deadline)
{
	int fd, err;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		err = wait_for(lfd, POLLIN, deadline);
		if (err)
			return err;
	}
}

/* The listener, made in the peer namespace; the caller stays where it is. */
static int listen_in_peer(const struct options *o)
{
	int home, fd, one = 1;

	home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		die("own namespace: %s", strerror(errno));
	if (o->peer_ns)
		enter_ns(o->peer_ns);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    o->proto);
	if (fd < 0)
		die("socket(AF_INET, SOCK_STREAM, %d): %s", o->proto,
		    strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (const struct sockaddr *)&o->server, sizeof(o->server)) ||
	    listen(fd, 128))
		die("listen on port %d: %s", ntohs(o->server.sin_port),
		    strerror(errno));
	if (setns(home, CLONE_NEWNET))
		die("back to own namespace: %s", strerror(errno));
	close(home);
	return fd;
}

/* ---- the server: a child process ---- */

static struct server_state *server_state_new(void)
{
	void *p = mmap(NULL, sizeof(struct server_state),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	return memset(p, 0, sizeof(struct server_state));
}

/* bulk: read and discard until EOF, note when it came, close. */
static void bulk_server(int lfd, struct server_state *st, double deadline)
{
	static char buf[CHUNK];
	int fd = accept_wait(lfd, deadline);
	ssize_t n;

	if (fd < 0) {
		fail_set(&st->fail, -fd, "server: accept");
		return;
	}
	while ((n = recv_wait(fd, buf, sizeof(buf), deadline)) > 0)
		st->bytes += n;
	if (n < 0)
		fail_set(&st->fail, -n, "server: recv after %lld bytes",
			 st->bytes);
	else
		st->t_eof = now();
	close(fd);
}

/* rr: answer every byte with a byte until EOF. */
static void rr_server(int lfd, struct server_state *st)
{
	int fd = accept_wait(lfd, now() + STEP_SECS);
	long long sent = 0;
	char c;
	int err;

	if (fd < 0) {
		fail_set(&st->fail, -fd, "server: accept");
		return;
	}
	for (;;) {
		err = recv_wait(fd, &c, 1, now() + STEP_SECS);
		if (err <= 0)
			break;
		err = send_all(fd, &c, 1, now() + STEP_SECS, &sent);
		if (err)
			break;
		st->served++;
	}
	if (err < 0)
		fail_set(&st->fail, -err, "server: transaction %lld",
			 st->served + 1);
	close(fd);
}

/* churn: accept, a byte in, a byte out, close first; until told to stop. */
static void churn_server(int lfd, struct server_state *st)
{
	long long sent = 0;
	int fd, err;
	char c;

	while (!st->stop) {
		fd = accept_wait(lfd, now() + STEP_SECS);
		if (fd < 0) {
			if (!st->stop)
				fail_set(&st->fail, -fd, "server: accept");
			return;
		}
		err = recv_exact(fd, &c, 1, now() + STEP_SECS);
		if (!err)
			err = send_all(fd, &c, 1, now() + STEP_SECS, &sent);
		close(fd);
		if (err) {
			fail_set(&st->fail, -err, "server: connection %lld",
				 st->served + 1);
			return;
		}
		st->served++;
	}
}

enum mode { BULK, RR, CHURN };

static pid_t server_start(enum mode mode, int lfd, struct server_state *st,
			  double deadline)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid)
		return pid;
	if (mode == BULK)
		bulk_server(lfd, st, deadline);
	else if (mode == RR)
		rr_server(lfd, st);
	else
		churn_server(lfd, st);
	_exit(0);
}

/* Waits for the server until deadline, then kills it. */
static void server_reap(pid_t pid, double deadline)
{
	while (waitpid(pid, NULL, WNOHANG) == 0) {
		if (now() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return;
		}
		usleep(10000);
	}
}

/* ---- the client, one function per mode ---- */

/* bulk: connect, send size bytes, shut down, wait for the server's FIN. */
static long long bulk_client(const struct options *o, long long size,
			     double deadline, struct failure *fail)
{
	static char buf[CHUNK];
	long long sent = 0;
	int fd, err = 0;
	ssize_t n;

	fd = connect_wait(o, deadline);
	if (fd < 0) {
		fail_set(fail, -fd, "client: connect");
		return 0;
	}
	memset(buf, 'x', sizeof(buf));
	while (!err && sent < size)
		err = send_all(fd, buf, size - sent < CHUNK ? size - sent :
			       CHUNK, deadline, &sent);
	if (err)
		fail_set(fail, -err, "client: send after %lld bytes", sent);
	else if (shutdown(fd, SHUT_WR))
		fail_set(fail, errno, "client: shutdown");
	while (!fail->err && (n = recv_wait(fd, buf, sizeof(buf), deadline)))
		if (n < 0)
			fail_set(fail, -n, "client: waiting for the server's close");
	close(fd);
	return sent;
}

/* rr: transactions until secs have passed; their number. */
static long long rr_client(int fd, double secs, struct failure *fail)
{
	double end = now() + secs;
	long long done = 0, sent = 0;
	char c = 'q';
	int err;

	while (now() < end) {
		err = send_all(fd, &c, 1, now() + STEP_SECS, &sent);
		if (!err)
			err = recv_exact(fd, &c, 1, now() + STEP_SECS);
		if (err) {
			fail_set(fail, -err, "client: transaction %lld",
				 done + 1);
			break;
		}
		done++;
	}
	return done;
}

/* One churn connection; 0 or -errno, with what failed in fail. */
static int churn_one(const struct options *o, struct failure *fail)
{
	double deadline = now() + STEP_SECS;
	long long sent = 0;
	int fd, err;
	char c = 'c';

	fd = connect_wait(o, deadline);
	if (fd < 0) {
		fail_set(fail, -fd, "client: connect");
		return fd;
	}
	err = send_all(fd, &c, 1, deadline, &sent);
	if (!err)
		err = recv_exact(fd, &c, 1, deadline);
	if (!err) {
		/* The server closes first: the next thing here is its FIN. */
		err = recv_wait(fd, &c, 1, deadline);
		if (err > 0)
			err = -EPROTO;
	}
	close(fd);
	if (err)
		fail_set(fail, -err, "client: exchange");
	return err;
}

static long long churn_client(const struct options *o, double secs,
			      struct failure *fail)
{
	double end = now() + secs;
	long long done = 0;

	while (now() < end && !churn_one(o, fail))
		done++;
	return done;
}

/* ---- the report line ---- */

static const char *status_of(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case ERR_SHORT:
		return "short";
	case ERR_DEADLINE:
		return "stall";
	case ETIMEDOUT:
		return "timeout";
	case ECONNRESET:
	case EPIPE:
		return "reset";
	default:
		return "error";
	}
}

static void report_failure(const struct failure *f)
{
	if (f->err == ERR_SHORT)
		printf(" # %s", f->what);
	else if (f->err == ERR_DEADLINE)
		printf(" # %s: still waiting at the deadline", f->what);
	else if (f->err)
		printf(" # %s: %s", f->what, strerror(f->err));
}

/* The status word, the measurements, and what failed if anything did. */
static void report(const struct failure *client,
		   const struct failure *server, const char *fmt, ...)
{
	const struct failure *f = client->err ? client : server;
	va_list ap;

	printf("%s ", status_of(f->err));
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	report_failure(client);
	report_failure(server);
	putchar('\n');
}

static int run_bulk(const struct options *o, long long mib)
{
	struct server_state *st = server_state_new();
	long long size = mib << 20, sent, received;
	struct failure fail = { 0 };
	struct sample a, b;
	double deadline = now() + o->deadline_secs, secs, mb;
	int lfd = listen_in_peer(o);
	pid_t pid;

	/* The client's deadline comes first, so it reports a stall. */
	pid = server_start(BULK, lfd, st, deadline + 2 * REAP_SECS);
	close(lfd);
	sample_take(&a, o);
	sent = bulk_client(o, size, deadline, &fail);
	sample_take(&b, o);
	received = st->bytes;	/* by the client's end, before the reaping */
	server_reap(pid, fail.err ? now() + REAP_SECS : b.t + STEP_SECS);
	if (!fail.err && !st->fail.err && st->bytes != size)
		fail_set(&fail, ERR_SHORT, "server got %lld of %lld bytes",
			 st->bytes, size);
	secs = (st->t_eof ? st->t_eof : b.t) - a.t;
	mb = st->bytes / 1e6;
	if (!fail.err && !st->fail.err)
		report(&fail, &st->fail,
		       "mib=%lld secs=%.3f mbps=%.2f cpu_ms_per_mb=%.2f pkts_per_mb=%.1f tx_per_mb=%.1f rx_per_mb=%.1f retrans=%lld",
		       mib, secs, mb / secs, busy_ms(&a, &b) / mb,
		       packets(o, &a, &b) / mb, (b.tx - a.tx) / mb,
		       (b.rx - a.rx) / mb, b.retrans - a.retrans);
	else
		report(&fail, &st->fail,
		       "mib=%lld secs=%.3f sent_bytes=%lld received_bytes=%lld retrans=%lld",
		       mib, secs, sent, received, b.retrans - a.retrans);
	return 0;
}

/* rr and churn: a count over secs, with packets and CPU per unit. */
static int run_counted(const struct options *o, enum mode what, double secs)
{
	struct server_state *st = server_state_new();
	struct failure fail = { 0 };
	int lfd = listen_in_peer(o), fd = -1;
	struct sample a, b;
	long long n = 0;
	pid_t pid;

	pid = server_start(what, lfd, st, 0);
	close(lfd);
	if (what == RR) {
		fd = connect_wait(o, now() + STEP_SECS);
		if (fd < 0)
			fail_set(&fail, -fd, "client: connect");
	}
	sample_take(&a, o);
	if (what == CHURN)
		n = churn_client(o, secs, &fail);
	else if (fd >= 0)
		n = rr_client(fd, secs, &fail);
	sample_take(&b, o);
	if (fd >= 0)
		close(fd);
	st->stop = 1;
	if (what == CHURN && !fail.err)
		kill(pid, SIGTERM);	/* it waits in accept() */
	server_reap(pid, now() + (fail.err ? REAP_SECS : STEP_SECS));
	report(&fail, &st->fail,
	       "%s=%lld secs=%.3f per_sec=%.1f pkts_per_op=%.2f cpu_us_per_op=%.0f",
	       what == RR ? "transactions" : "connections", n, b.t - a.t,
	       n / (b.t - a.t), n ? packets(o, &a, &b) / n : 0.0,
	       n ? busy_ms(&a, &b) * 1000 / n : 0.0);
	return 0;
}

/* ---- command line ---- */

static void print_usage(void)
{
	fprintf(stderr,
		"usage: tcpalt-bench [--proto N] [--ns NAME] [--peer-ns NAME] [--addr A]\n"
		"                    [--port P] [--dev DEV] [--deadline S]\n"
		"                    bulk MIB | rr SECS | churn SECS\n");
	exit(2);
}

static long parse_num(const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		print_usage();
	return v;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "proto", required_argument, NULL, 'p' },
		{ "ns", required_argument, NULL, 'n' },
		{ "peer-ns", required_argument, NULL, 'N' },
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'P' },
		{ "dev", required_argument, NULL, 'd' },
		{ "deadline", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char *addr = "127.0.0.1";
	int c;

	o->proto = IPPROTO_TCPALT;
	o->dev = "lo";
	o->deadline_secs = 120;
	o->server.sin_family = AF_INET;
	o->server.sin_port = htons(6000);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->proto = parse_num(optarg, 0, 255);
			break;
		case 'n':
			o->ns = optarg;
			break;
		case 'N':
			o->peer_ns = optarg;
			break;
		case 'a':
			addr = optarg;
			break;
		case 'P':
			o->server.sin_port = htons(parse_num(optarg, 1, 65535));
			break;
		case 'd':
			o->dev = optarg;
			break;
		case 't':
			o->deadline_secs = parse_num(optarg, 1, 86400);
			break;
		default:
			print_usage();
		}
	}
	if (inet_pton(AF_INET, addr, &o->server.sin_addr) != 1)
		print_usage();
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	const char *mode;
	long arg;

	parse_options(argc, argv, &o);
	if (argc - optind != 2)
		print_usage();
	mode = argv[optind];
	arg = parse_num(argv[optind + 1], 1, 1L << 20);
	if (o.ns)
		enter_ns(o.ns);
	/* The report is one line, and the server must not inherit it. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(mode, "bulk"))
		return run_bulk(&o, arg);
	if (!strcmp(mode, "rr"))
		return run_counted(&o, RR, arg);
	if (!strcmp(mode, "churn"))
		return run_counted(&o, CHURN, arg);
	print_usage();
	return 2;
}
