// SPDX-License-Identifier: GPL-2.0
/*
 * tcpalt-xfer: send one file over one stream connection, for make demo.
 *
 *   tcpalt-xfer [OPTIONS] serve PORT OUTFILE
 *	accept one connection, write what it reads to OUTFILE until EOF,
 *	then close
 *   tcpalt-xfer [OPTIONS] send HOST PORT INFILE
 *	connect, send INFILE, shutdown(SHUT_WR), then wait for the server
 *	to close its side
 *
 * Options:
 *   --proto N      the socket's protocol (default 253, IPPROTO_TCPALT);
 *                  6 runs the same transfer over the kernel's TCP
 *   --conns PATH   print PATH at each step of the connection (default
 *                  /proc/tcpalt/conns for 253 and 254, nothing otherwise)
 *   --timeout S    SO_RCVTIMEO and SO_SNDTIMEO, so a stalled transfer
 *                  fails instead of hanging (default 60)
 *
 * Progress goes to stderr, one line per MiB.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/tcpalt.h>

#define CHUNK		(64 * 1024)
#define PROGRESS_STEP	(1024 * 1024)

static const char *prog = "tcpalt-xfer";
static const char *role = "";
static int proto = IPPROTO_TCPALT;
static const char *conns_path;
static int timeout_secs = 60;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", role[0] ? role : prog);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", role);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The connection table as this process's namespace sees it: the demo's
 * way of showing each state as the connection passes through it.
 */
static void show_conns(const char *when)
{
	char line[512];
	FILE *f;

	if (!conns_path)
		return;
	f = fopen(conns_path, "r");
	if (!f) {
		say("cannot read %s: %s", conns_path, strerror(errno));
		return;
	}
	say("%s %s:", conns_path, when);
	while (fgets(line, sizeof(line), f))
		fprintf(stderr, "%s:   %s", role, line);
	fclose(f);
}

static void progress(unsigned long long done, unsigned long long total,
		     unsigned long long *next)
{
	if (done < *next)
		return;
	if (total)
		say("%llu/%llu bytes", done, total);
	else
		say("%llu bytes", done);
	while (*next <= done)
		*next += PROGRESS_STEP;
}

static void summary(unsigned long long bytes, double start)
{
	double secs = now() - start;

	say("%llu bytes in %.2f s (%.1f MB/s)", bytes, secs,
	    secs > 0 ? bytes / secs / 1e6 : 0.0);
}

static int stream_socket(void)
{
	struct timeval tv = { .tv_sec = timeout_secs };
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, proto);
	if (fd < 0)
		die("socket(AF_INET, SOCK_STREAM, %d): %s", proto,
		    strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		die("SO_RCVTIMEO/SO_SNDTIMEO: %s", strerror(errno));
	return fd;
}

static void write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("write: %s", strerror(errno));
		buf += n;
		len -= n;
	}
}

static unsigned short parse_port(const char *s)
{
	char *end;
	long port = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || port < 1 || port > 65535)
		die("bad port '%s'", s);
	return port;
}

static int serve(const char *port_s, const char *out_path)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_ANY),
		.sin_port = htons(parse_port(port_s)),
	};
	unsigned long long total = 0, next = PROGRESS_STEP;
	socklen_t alen = sizeof(addr);
	static char buf[CHUNK];
	int lfd, fd, out, one = 1;
	double start;
	ssize_t n;

	role = "serve";
	out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		die("%s: %s", out_path, strerror(errno));
	lfd = stream_socket();
	if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		die("SO_REUSEADDR: %s", strerror(errno));
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)))
		die("bind port %s: %s", port_s, strerror(errno));
	if (listen(lfd, 1))
		die("listen: %s", strerror(errno));
	/* The demo script waits for this line before starting the client. */
	say("listening on port %s, protocol %d", port_s, proto);

	fd = accept(lfd, (struct sockaddr *)&addr, &alen);
	if (fd < 0)
		die("accept: %s", strerror(errno));
	start = now();
	say("accepted %s:%u", inet_ntoa(addr.sin_addr), ntohs(addr.sin_port));
	show_conns("after accept");
	close(lfd);

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("recv after %llu bytes: %s", total, strerror(errno));
		if (n == 0)
			break;
		write_all(out, buf, n);
		total += n;
		progress(total, 0, &next);
	}
	say("EOF from the client");
	show_conns("after EOF (the client's FIN)");
	if (close(out))
		die("%s: %s", out_path, strerror(errno));
	summary(total, start);
	close(fd);
	return 0;
}

static int connect_to(const char *host, const char *port_s)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(parse_port(port_s)),
	};
	int fd;

	if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
		die("bad IPv4 address '%s'", host);
	fd = stream_socket();
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		die("connect %s:%s: %s", host, port_s, strerror(errno));
	return fd;
}

static void send_all(int fd, const char *buf, size_t len,
		     unsigned long long sent)
{
	ssize_t n;

	while (len) {
		/* MSG_NOSIGNAL: a reset peer is an error message, not death. */
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("send after %llu bytes: %s", sent, strerror(errno));
		buf += n;
		len -= n;
		sent += n;
	}
}

/* After our FIN, read until the server's FIN: it has everything then. */
static void wait_for_close(int fd)
{
	char buf[256];
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("waiting for the server to close: %s",
			    strerror(errno));
		if (n == 0)
			return;
		say("unexpected %zd bytes from the server", n);
	}
}

static int send_file(const char *host, const char *port_s, const char *in_path)
{
	unsigned long long total, sent = 0, next = PROGRESS_STEP;
	static char buf[CHUNK];
	int fd, in, halfway_shown = 0;
	struct stat st;
	double start;
	ssize_t n;

	role = "send";
	in = open(in_path, O_RDONLY);
	if (in < 0 || fstat(in, &st))
		die("%s: %s", in_path, strerror(errno));
	total = st.st_size;

	start = now();
	fd = connect_to(host, port_s);
	say("connected to %s:%s", host, port_s);
	show_conns("after connect");

	for (;;) {
		n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s: %s", in_path, strerror(errno));
		if (n == 0)
			break;
		send_all(fd, buf, n, sent);
		sent += n;
		progress(sent, total, &next);
		/* Mid-transfer: data in flight, the retransmit timer on. */
		if (!halfway_shown && sent >= total / 2) {
			show_conns("halfway through");
			halfway_shown = 1;
		}
	}
	close(in);

	if (shutdown(fd, SHUT_WR))
		die("shutdown(SHUT_WR): %s", strerror(errno));
	say("sent %llu bytes and our FIN", sent);
	show_conns("after shutdown(SHUT_WR)");
	wait_for_close(fd);
	say("the server closed");
	summary(sent, start);
	close(fd);
	return 0;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: %s [--proto N] [--conns PATH] [--timeout S] serve PORT OUTFILE\n"
		"       %s [--proto N] [--conns PATH] [--timeout S] send HOST PORT INFILE\n",
		prog, prog);
	exit(2);
}

static int parse_int(const char *s, int min, int max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		print_usage();
	return v;
}

int main(int argc, char **argv)
{
	int explicit_conns = 0;

	argv++;
	argc--;
	while (argc >= 2 && !strncmp(argv[0], "--", 2)) {
		if (!strcmp(argv[0], "--proto")) {
			proto = parse_int(argv[1], 0, 255);
		} else if (!strcmp(argv[0], "--conns")) {
			conns_path = argv[1][0] ? argv[1] : NULL;
			explicit_conns = 1;
		} else if (!strcmp(argv[0], "--timeout")) {
			timeout_secs = parse_int(argv[1], 1, 86400);
		} else {
			print_usage();
		}
		argv += 2;
		argc -= 2;
	}
	if (!explicit_conns &&
	    (proto == IPPROTO_TCPALT || proto == IPPROTO_TCPALT_ALT))
		conns_path = TCPALT_PROC_CONNS;
	/* Progress lines and conns dumps interleave with the other side's. */
	setvbuf(stderr, NULL, _IOLBF, 0);

	if (argc == 3 && !strcmp(argv[0], "serve"))
		return serve(argv[1], argv[2]);
	if (argc == 4 && !strcmp(argv[0], "send"))
		return send_file(argv[1], argv[2], argv[3]);
	print_usage();
	return 2;
}
