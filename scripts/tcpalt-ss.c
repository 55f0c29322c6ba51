// SPDX-License-Identifier: GPL-2.0
/*
 * tcpalt-ss: `ss -t` for tcpalt.  Asks the kernel over sock_diag netlink
 * (SOCK_DIAG_BY_FAMILY, inet_diag) for tcpalt's protocol number and
 * prints listeners, requests, connections and TIME-WAIT entries as
 * `ss -tan`, `ss -tano` and `ss -tin` print TCP's, in the namespace it
 * runs in (ip netns exec).  Each reply is printed as it arrives, so the
 * memory it takes does not grow with the number of entries.
 *
 * Usage: tcpalt-ss [-a] [-l] [-n] [-o] [-i] [-e] [-s] [state NAME]...
 * The protocol number is tcpalt's `proto` parameter when the module is
 * loaded, else 253; TCPALT_SS_PROTO overrides it (6 shows TCP's).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROTO_PARAM	"/sys/module/tcpalt/parameters/proto"
#define DEFAULT_PROTO	253

/* TCP's state numbers, as inet_diag reports them. */
enum {
	ST_ESTABLISHED = 1, ST_SYN_SENT, ST_SYN_RECV, ST_FIN_WAIT1,
	ST_FIN_WAIT2, ST_TIME_WAIT, ST_CLOSE, ST_CLOSE_WAIT, ST_LAST_ACK,
	ST_LISTEN, ST_CLOSING, ST_MAX
};

#define ALL_STATES	((1U << ST_MAX) - 2)
/* ss's default: connected, not listening, closed, waiting or half-open. */
#define CONN_STATES	(ALL_STATES & ~(1U << ST_LISTEN | 1U << ST_CLOSE | \
					1U << ST_TIME_WAIT | 1U << ST_SYN_RECV))

static const char *const state_names[ST_MAX] = {
	[0] = "UNKNOWN", [ST_ESTABLISHED] = "ESTAB",
	[ST_SYN_SENT] = "SYN-SENT", [ST_SYN_RECV] = "SYN-RECV",
	[ST_FIN_WAIT1] = "FIN-WAIT-1", [ST_FIN_WAIT2] = "FIN-WAIT-2",
	[ST_TIME_WAIT] = "TIME-WAIT", [ST_CLOSE] = "UNCONN",
	[ST_CLOSE_WAIT] = "CLOSE-WAIT", [ST_LAST_ACK] = "LAST-ACK",
	[ST_LISTEN] = "LISTEN", [ST_CLOSING] = "CLOSING",
};

/* ss's names for a state filter. */
static const struct {
	const char *name;
	unsigned int states;
} filter_names[] = {
	{ "all", ALL_STATES },
	{ "connected", CONN_STATES },
	{ "synchronized", CONN_STATES & ~(1U << ST_SYN_SENT) },
	{ "bucket", 1U << ST_SYN_RECV | 1U << ST_TIME_WAIT },
	{ "big", ALL_STATES & ~(1U << ST_SYN_RECV | 1U << ST_TIME_WAIT) },
	{ "established", 1U << ST_ESTABLISHED },
	{ "syn-sent", 1U << ST_SYN_SENT },
	{ "syn-recv", 1U << ST_SYN_RECV },
	{ "fin-wait-1", 1U << ST_FIN_WAIT1 },
	{ "fin-wait-2", 1U << ST_FIN_WAIT2 },
	{ "time-wait", 1U << ST_TIME_WAIT },
	{ "closed", 1U << ST_CLOSE },
	{ "close-wait", 1U << ST_CLOSE_WAIT },
	{ "last-ack", 1U << ST_LAST_ACK },
	{ "listening", 1U << ST_LISTEN },
	{ "listen", 1U << ST_LISTEN },
	{ "closing", 1U << ST_CLOSING },
};

/* inet_diag_msg.idiag_timer, as ss names it. */
static const char *const timer_names[] = {
	"off", "on", "keepalive", "timewait", "persist", "unknown",
};

struct options {
	bool numeric, timers, info, details, summary;
	unsigned int states;
};

struct summary {
	unsigned long total, by_state[ST_MAX], orphaned;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: tcpalt-ss [-a] [-l] [-n] [-o] [-i] [-e] [-s] [state NAME]...\n");
	exit(2);
}

static unsigned int filter_states(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(filter_names) / sizeof(filter_names[0]); i++)
		if (!strcmp(name, filter_names[i].name))
			return filter_names[i].states;
	fprintf(stderr, "tcpalt-ss: wrong state name: %s\n", name);
	exit(2);
}

static void parse_flags(const char *arg, struct options *o,
			unsigned int *flag_states)
{
	for (arg++; *arg; arg++) {
		switch (*arg) {
		case 't':
			break;
		case 'a':
			*flag_states = ALL_STATES;
			break;
		case 'l':
			*flag_states = 1U << ST_LISTEN;
			break;
		case 'n':
			o->numeric = true;
			break;
		case 'o':
			o->timers = true;
			break;
		case 'i':
			o->info = true;
			break;
		case 'e':
			o->details = true;
			break;
		case 's':
			o->summary = true;
			break;
		default:
			usage();
		}
	}
}

static void parse_args(int argc, char **argv, struct options *o)
{
	unsigned int flag_states = CONN_STATES, named = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "state")) {
			if (++i == argc)
				usage();
			named |= filter_states(argv[i]);
		} else if (argv[i][0] == '-' && argv[i][1]) {
			parse_flags(argv[i], o, &flag_states);
		} else {
			usage();
		}
	}
	o->states = named ? named : flag_states;
}

static int diag_protocol(void)
{
	const char *env = getenv("TCPALT_SS_PROTO");
	int proto = DEFAULT_PROTO;
	FILE *f;

	if (env && *env)
		return atoi(env);
	f = fopen(PROTO_PARAM, "r");
	if (f) {
		if (fscanf(f, "%d", &proto) != 1)
			proto = DEFAULT_PROTO;
		fclose(f);
	}
	return proto;
}

/* ss's print_ms_timer(). */
static const char *ms_timer(unsigned int ms, char *buf, size_t len)
{
	unsigned int secs = ms / 1000 % 60, mins = ms / 60000, msecs;
	size_t n = 0;

	msecs = ms % 1000;
	buf[0] = 0;
	if (mins) {
		msecs = 0;
		n += snprintf(buf + n, len - n, "%umin", mins);
		if (mins > 9)
			secs = 0;
	}
	if (secs) {
		if (secs > 9)
			msecs = 0;
		n += snprintf(buf + n, len - n, "%u%s", secs,
			      msecs ? "." : "sec");
	}
	if (msecs)
		snprintf(buf + n, len - n, "%03ums", msecs);
	return buf;
}

/* Service names come from /etc/services once per port. */
static const char *port_name(unsigned int port, bool numeric, char *buf,
			     size_t len)
{
	static char *names[65536];
	static unsigned char looked[65536 / 8];
	struct servent *se;

	if (numeric || !port) {
		snprintf(buf, len, "%u", port);
		return buf;
	}
	if (!(looked[port / 8] & 1 << port % 8)) {
		looked[port / 8] |= 1 << port % 8;
		se = getservbyport(htons(port), "tcp");
		if (se)
			names[port] = strdup(se->s_name);
	}
	if (names[port])
		snprintf(buf, len, "%s", names[port]);
	else
		snprintf(buf, len, "%u", port);
	return buf;
}

static void print_endpoint(__u32 addr, __u16 port, bool peer, bool numeric,
			   int width)
{
	char a[INET_ADDRSTRLEN], p[32], both[64];

	inet_ntop(AF_INET, &addr, a, sizeof(a));
	if (peer && !port)
		snprintf(p, sizeof(p), "*");
	else
		port_name(port, numeric, p, sizeof(p));
	snprintf(both, sizeof(both), "%s:%s", a, p);
	printf(" %*s", width, both);
}

/* The bandwidth as ss prints it: bits per second, scaled unless -n. */
static void print_bw(const char *name, double bps, bool numeric)
{
	if (numeric)
		printf(" %s %.0fbps", name, bps);
	else if (bps > 1000000.)
		printf(" %s %.1fMbps", name, bps / 1000000.);
	else if (bps > 1000.)
		printf(" %s %.1fKbps", name, bps / 1000.);
	else
		printf(" %s %gbps", name, bps);
}

/* ss -i's second line, from struct tcp_info, field by field as ss. */
static void print_info(const struct tcp_info *ti, bool listener,
		       bool numeric)
{
	printf("\n\t");
	if (ti->tcpi_options & TCPI_OPT_TIMESTAMPS)
		printf(" ts");
	if (ti->tcpi_options & TCPI_OPT_SACK)
		printf(" sack");
	if (ti->tcpi_options & TCPI_OPT_WSCALE)
		printf(" wscale:%u,%u", ti->tcpi_snd_wscale,
		       ti->tcpi_rcv_wscale);
	if (ti->tcpi_rto && ti->tcpi_rto != 3000000)
		printf(" rto:%g", ti->tcpi_rto / 1000.0);
	if (ti->tcpi_backoff)
		printf(" backoff:%u", ti->tcpi_backoff);
	if (ti->tcpi_rtt)
		printf(" rtt:%g/%g", ti->tcpi_rtt / 1000.0,
		       ti->tcpi_rttvar / 1000.0);
	if (ti->tcpi_ato)
		printf(" ato:%g", ti->tcpi_ato / 1000.0);
	if (ti->tcpi_snd_mss)
		printf(" mss:%u", ti->tcpi_snd_mss);
	if (ti->tcpi_pmtu)
		printf(" pmtu:%u", ti->tcpi_pmtu);
	if (ti->tcpi_rcv_mss)
		printf(" rcvmss:%u", ti->tcpi_rcv_mss);
	if (ti->tcpi_advmss)
		printf(" advmss:%u", ti->tcpi_advmss);
	if (ti->tcpi_snd_cwnd)
		printf(" cwnd:%u", ti->tcpi_snd_cwnd);
	if (ti->tcpi_snd_ssthresh < 0xFFFF)
		printf(" ssthresh:%u", ti->tcpi_snd_ssthresh);
	if (ti->tcpi_bytes_sent)
		printf(" bytes_sent:%llu",
		       (unsigned long long)ti->tcpi_bytes_sent);
	if (ti->tcpi_bytes_retrans)
		printf(" bytes_retrans:%llu",
		       (unsigned long long)ti->tcpi_bytes_retrans);
	if (ti->tcpi_bytes_acked)
		printf(" bytes_acked:%llu",
		       (unsigned long long)ti->tcpi_bytes_acked);
	if (ti->tcpi_bytes_received)
		printf(" bytes_received:%llu",
		       (unsigned long long)ti->tcpi_bytes_received);
	if (ti->tcpi_segs_out)
		printf(" segs_out:%u", ti->tcpi_segs_out);
	if (ti->tcpi_segs_in)
		printf(" segs_in:%u", ti->tcpi_segs_in);
	if (ti->tcpi_data_segs_out)
		printf(" data_segs_out:%u", ti->tcpi_data_segs_out);
	if (ti->tcpi_data_segs_in)
		printf(" data_segs_in:%u", ti->tcpi_data_segs_in);
	if (ti->tcpi_rtt && ti->tcpi_snd_mss && ti->tcpi_snd_cwnd)
		print_bw("send", (double)ti->tcpi_snd_cwnd *
			 ti->tcpi_snd_mss * 8000000. / ti->tcpi_rtt, numeric);
	if (ti->tcpi_last_data_sent)
		printf(" lastsnd:%u", ti->tcpi_last_data_sent);
	if (ti->tcpi_last_data_recv)
		printf(" lastrcv:%u", ti->tcpi_last_data_recv);
	if (ti->tcpi_last_ack_recv)
		printf(" lastack:%u", ti->tcpi_last_ack_recv);
	if (ti->tcpi_unacked)
		printf(" unacked:%u", ti->tcpi_unacked);
	if (ti->tcpi_retrans || ti->tcpi_total_retrans)
		printf(" retrans:%u/%u", ti->tcpi_retrans,
		       ti->tcpi_total_retrans);
	if (ti->tcpi_lost)
		printf(" lost:%u", ti->tcpi_lost);
	if (ti->tcpi_sacked && !listener)
		printf(" sacked:%u", ti->tcpi_sacked);
	if (ti->tcpi_reordering != 3)
		printf(" reordering:%u", ti->tcpi_reordering);
	if (ti->tcpi_rcv_rtt)
		printf(" rcv_rtt:%g", ti->tcpi_rcv_rtt / 1000.0);
	if (ti->tcpi_rcv_space)
		printf(" rcv_space:%u", ti->tcpi_rcv_space);
	if (ti->tcpi_rcv_ssthresh)
		printf(" rcv_ssthresh:%u", ti->tcpi_rcv_ssthresh);
	if (ti->tcpi_notsent_bytes)
		printf(" notsent:%u", ti->tcpi_notsent_bytes);
	if (ti->tcpi_min_rtt)
		printf(" minrtt:%g", ti->tcpi_min_rtt / 1000.0);
}

static void print_header(void)
{
	printf("%-10s %-6s %-6s %25s %25s %s\n", "State", "Recv-Q", "Send-Q",
	       "Local Address:Port", "Peer Address:Port", "Process");
}

/* One inet_diag_msg with its attributes as ss prints it. */
static void print_msg(const struct nlmsghdr *h, const struct options *o)
{
	const struct inet_diag_msg *r = NLMSG_DATA(h);
	const struct tcp_info *info = NULL;
	struct tcp_info ti;
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*r));
	const struct rtattr *a;
	char t[64];

	for (a = (const void *)(r + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type != INET_DIAG_INFO)
			continue;
		size_t n = RTA_PAYLOAD(a);

		memset(&ti, 0, sizeof(ti));
		memcpy(&ti, RTA_DATA(a), n < sizeof(ti) ? n : sizeof(ti));
		info = &ti;
	}
	printf("%-10s %-6u %-6u", r->idiag_state < ST_MAX ?
	       state_names[r->idiag_state] : "UNKNOWN", r->idiag_rqueue,
	       r->idiag_wqueue);
	print_endpoint(r->id.idiag_src[0], ntohs(r->id.idiag_sport), false,
		       o->numeric, 25);
	print_endpoint(r->id.idiag_dst[0], ntohs(r->id.idiag_dport), true,
		       o->numeric, 25);
	if (o->timers && r->idiag_timer)
		printf(" timer:(%s,%s,%u)",
		       timer_names[r->idiag_timer > 4 ? 5 : r->idiag_timer],
		       ms_timer(r->idiag_expires, t, sizeof(t)),
		       r->idiag_retrans);
	if (o->details) {
		if (r->idiag_uid)
			printf(" uid:%u", r->idiag_uid);
		printf(" ino:%u sk:%llx", r->idiag_inode,
		       (unsigned long long)r->id.idiag_cookie[0] |
		       (unsigned long long)r->id.idiag_cookie[1] << 32);
	}
	if (o->info && info)
		print_info(info, r->idiag_state == ST_LISTEN, o->numeric);
	putchar('\n');
}

static void count_msg(const struct nlmsghdr *h, struct summary *s)
{
	const struct inet_diag_msg *r = NLMSG_DATA(h);

	s->total++;
	if (r->idiag_state < ST_MAX)
		s->by_state[r->idiag_state]++;
	/* A connection that outlived close() has no inode any more. */
	if (!r->idiag_inode && r->idiag_state != ST_TIME_WAIT &&
	    r->idiag_state != ST_SYN_RECV && r->idiag_state != ST_LISTEN)
		s->orphaned++;
}

static void print_summary(const struct summary *s)
{
	static const int order[] = {
		ST_ESTABLISHED, ST_SYN_SENT, ST_SYN_RECV, ST_FIN_WAIT1,
		ST_FIN_WAIT2, ST_TIME_WAIT, ST_CLOSE_WAIT, ST_LAST_ACK,
		ST_LISTEN, ST_CLOSING,
	};
	size_t i;

	printf("Total: %lu\n", s->total);
	printf("TCPALT:   %lu (estab %lu, closed %lu, orphaned %lu, timewait %lu)\n\n",
	       s->total - s->by_state[ST_TIME_WAIT],
	       s->by_state[ST_ESTABLISHED], s->by_state[ST_CLOSE],
	       s->orphaned, s->by_state[ST_TIME_WAIT]);
	printf("State      Total\n");
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		printf("%-10s %lu\n", state_names[order[i]],
		       s->by_state[order[i]]);
}

static int send_request(int fd, int proto, unsigned int states, bool info)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req = {
		.h = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1,
		},
		.r = {
			.sdiag_family = AF_INET,
			.sdiag_protocol = proto,
			.idiag_states = states,
		},
	};
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

	if (info)
		req.r.idiag_ext = 1 << (INET_DIAG_INFO - 1);
	return sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&nl,
		      sizeof(nl)) < 0 ? -1 : 0;
}

/* Reads the dump reply by reply; 0 at its end, -1 on an error. */
static int receive(int fd, const struct options *o, struct summary *s)
{
	static char buf[65536] __attribute__((aligned(8)));
	const struct nlmsghdr *h;
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				errno = -e->error;
				return -1;
			}
			if (o->summary)
				count_msg(h, s);
			else
				print_msg(h, o);
		}
	}
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct summary s = { 0 };
	int fd, proto = diag_protocol();

	parse_args(argc, argv, &o);
	if (o.summary)
		o.states = ALL_STATES;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0 || send_request(fd, proto, o.states, o.info)) {
		perror("tcpalt-ss: netlink");
		return 1;
	}
	if (!o.summary)
		print_header();
	if (receive(fd, &o, &s)) {
		fprintf(stderr, "tcpalt-ss: dump of protocol %d: %s\n", proto,
			strerror(errno));
		return 1;
	}
	if (o.summary)
		print_summary(&s);
	close(fd);
	return 0;
}
