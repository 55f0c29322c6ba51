// SPDX-License-Identifier: GPL-2.0
/*
 * Connection test helpers; see connlib.h.  TCP's /proc files are
 * translated to tcpalt's names so one test runs against both.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "connlib.h"
#include "csum.h"

#define SYN_WINDOW	64240
#define RAW_WSCALE	7

int test_proto(void)
{
	const char *env = getenv("TCPALT_TEST_PROTO");

	return env && *env ? atoi(env) : IPPROTO_TCPALT;
}

int socket_in(const char *ns, int type, int proto)
{
	int fd;

	if (!ns)
		return socket(AF_INET, type, proto);
	if (ns_enter(ns))
		return -1;
	fd = socket(AF_INET, type, proto);
	if (ns_enter(NULL)) {
		close(fd);
		return -1;
	}
	return fd;
}

int conn_socket(const char *ns)
{
	return socket_in(ns, SOCK_STREAM, test_proto());
}

struct sockaddr_in sin_of(const char *addr, unsigned short port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };

	if (addr)
		inet_pton(AF_INET, addr, &sin.sin_addr);
	return sin;
}

int sock_bind(int fd, const char *addr, unsigned short port)
{
	struct sockaddr_in sin = sin_of(addr, port);

	return bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ? -errno : 0;
}

int sock_connect(int fd, const char *addr, unsigned short port)
{
	struct sockaddr_in sin = sin_of(addr, port);

	return connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ? -errno : 0;
}

void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int sock_error(int fd)
{
	socklen_t len = sizeof(int);
	int err;

	return getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) ? -errno : err;
}

static int port_of(int fd, bool peer)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int err;

	err = peer ? getpeername(fd, (struct sockaddr *)&sin, &len) :
		     getsockname(fd, (struct sockaddr *)&sin, &len);
	return err ? -errno : ntohs(sin.sin_port);
}

int local_port(int fd)
{
	return port_of(fd, false);
}

int peer_port(int fd)
{
	return port_of(fd, true);
}

int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n = poll(&pfd, 1, timeout_ms);

	return n < 0 ? -1 : n ? pfd.revents : 0;
}

int accept_wait(int lfd, int timeout_ms)
{
	if (wait_fd(lfd, POLLIN, timeout_ms) <= 0)
		return -1;
	return accept(lfd, NULL, NULL);
}

int proto_opt_get(int fd, int name)
{
	socklen_t len = sizeof(int);
	int val;

	if (getsockopt(fd, test_proto(), name, &val, &len))
		return -errno;
	return val;
}

int proto_opt_set(int fd, int name, int val)
{
	return setsockopt(fd, test_proto(), name, &val, sizeof(val)) ?
	       -errno : 0;
}

int conn_listen(const char *ns, const char *addr, unsigned short port,
		int backlog)
{
	int fd = conn_socket(ns), one = 1, err;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	err = sock_bind(fd, addr, port);
	if (!err && listen(fd, backlog))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int conn_pair(unsigned short port, int *cli, int *srv)
{
	int lfd = conn_listen(PEER_NS, ADDR_B, port, 8);

	*cli = *srv = -1;
	if (lfd < 0)
		return -1;
	*cli = conn_socket(NULL);
	if (*cli < 0 || sock_connect(*cli, ADDR_B, port))
		goto fail;
	*srv = accept(lfd, NULL, NULL);
	if (*srv < 0)
		goto fail;
	close(lfd);
	return 0;
fail:
	if (*cli >= 0)
		close(*cli);
	*cli = -1;
	close(lfd);
	return -1;
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

const char *addr_port(char *buf, size_t size, const char *addr,
		      unsigned short port)
{
	snprintf(buf, size, "%s:%u", addr, port);
	return buf;
}

static bool parse_tcpalt_line(const char *line, struct conn_entry *e)
{
	memset(e, 0, sizeof(*e));
	return sscanf(line, "%23s %23s %15s %lu %lu %15[^:]:%ld:%d %u %lu",
		      e->local, e->remote, e->state, &e->tx_queue,
		      &e->rx_queue, e->timer, &e->timer_ms, &e->retransmits,
		      &e->uid, &e->inode) == 10;
}

/* /proc/net/tcp: states by number, timers by code, times in 1/100 s. */
static const char *const tcp_states[] = {
	[1] = "ESTABLISHED", [2] = "SYN-SENT", [3] = "SYN-RECEIVED",
	[4] = "FIN-WAIT-1", [5] = "FIN-WAIT-2", [6] = "TIME-WAIT",
	[7] = "CLOSED", [8] = "CLOSE-WAIT", [9] = "LAST-ACK",
	[10] = "LISTEN", [11] = "CLOSING", [12] = "SYN-RECEIVED",
};

static const char *const tcp_timers[] = {
	"off", "retransmit", "keepalive", "timewait", "persist",
};

static void ip_port(char *buf, size_t size, unsigned int addr,
		    unsigned int port)
{
	struct in_addr in = { .s_addr = addr };

	snprintf(buf, size, "%s:%u", inet_ntoa(in), port);
}

static bool parse_tcp_line(const char *line, struct conn_entry *e)
{
	unsigned int la, lp, ra, rp, st, tr;
	unsigned long when;

	memset(e, 0, sizeof(*e));
	if (sscanf(line, " %*d: %X:%X %X:%X %X %lX:%lX %X:%lX %X %u %*d %lu",
		   &la, &lp, &ra, &rp, &st, &e->tx_queue, &e->rx_queue, &tr,
		   &when, &e->retransmits, &e->uid, &e->inode) != 12 ||
	    st >= sizeof(tcp_states) / sizeof(tcp_states[0]) ||
	    !tcp_states[st])
		return false;
	ip_port(e->local, sizeof(e->local), la, lp);
	ip_port(e->remote, sizeof(e->remote), ra, rp);
	strcpy(e->state, tcp_states[st]);
	strcpy(e->timer, tr < 5 ? tcp_timers[tr] : "?");
	e->timer_ms = when * 10;
	return true;
}

int conns_read(const char *ns, struct conn_entry *e, int max)
{
	bool tcp = proto_is_tcp();
	char line[512];
	int n = 0;
	FILE *f;

	f = fopen_in(ns, tcp ? "/proc/thread-self/net/tcp" :
			       "/proc/thread-self/net/tcpalt/conns");
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {	/* the header */
		fclose(f);
		return -1;
	}
	while (n < max && fgets(line, sizeof(line), f))
		if (tcp ? parse_tcp_line(line, &e[n]) :
			  parse_tcpalt_line(line, &e[n]))
			n++;
	fclose(f);
	return n;
}

int conns_find(const char *ns, const char *local, const char *remote,
	       const char *state, struct conn_entry *found)
{
	enum { MAX = 4096 };
	struct conn_entry *e = calloc(MAX, sizeof(*e));
	int n, i, hits = 0;

	if (!e)
		return -1;
	n = conns_read(ns, e, MAX);
	for (i = 0; i < n; i++) {
		if ((local && strcmp(local, e[i].local)) ||
		    (remote && strcmp(remote, e[i].remote)) ||
		    (state && strcmp(state, e[i].state)))
			continue;
		hits++;
		if (found)
			*found = e[i];
	}
	free(e);
	return n < 0 ? -1 : hits;
}

int conns_wait(const char *ns, const char *local, const char *remote,
	       const char *state, int want, int timeout_ms,
	       struct conn_entry *found)
{
	long long end = now_ms() + timeout_ms;
	int n;

	while ((n = conns_find(ns, local, remote, state, found)) != want &&
	       n >= 0 && now_ms() < end)
		usleep(20000);
	return n;
}

/* tcpalt's counter names and where TCP keeps the same count. */
static const struct {
	const char *name, *prefix, *tcp_name;
} tcp_stats[] = {
	{ "InSegs", "Tcp:", "InSegs" },
	{ "OutSegs", "Tcp:", "OutSegs" },
	{ "InErrs", "Tcp:", "InErrs" },
	{ "InCsumErrors", "Tcp:", "InCsumErrors" },
	{ "OutRsts", "Tcp:", "OutRsts" },
	{ "ActiveOpens", "Tcp:", "ActiveOpens" },
	{ "PassiveOpens", "Tcp:", "PassiveOpens" },
	{ "AttemptFails", "Tcp:", "AttemptFails" },
	{ "EstabResets", "Tcp:", "EstabResets" },
	{ "RetransSegs", "Tcp:", "RetransSegs" },
	{ "Timeouts", "TcpExt:", "TCPTimeouts" },
	{ "FastRetrans", "TcpExt:", "TCPFastRetrans" },
	{ "ChallengeACKs", "TcpExt:", "TCPChallengeACK" },
	{ "ListenOverflows", "TcpExt:", "ListenOverflows" },
	{ "ListenDrops", "TcpExt:", "ListenDrops" },
	{ "DelayedACKs", "TcpExt:", "DelayedACKs" },
	{ "OfoQueue", "TcpExt:", "TCPOFOQueue" },
	{ "OfoPruned", "TcpExt:", "OfoPruned" },
	{ "SackCutRefused", "TcpExt:", "TCPWqueueTooBig" },
	{ "PersistProbes", "TcpExt:", "TCPWinProbe" },
	{ "AbortOnClose", "TcpExt:", "TCPAbortOnClose" },
	{ "AbortOnLinger", "TcpExt:", "TCPAbortOnLinger" },
	{ "KeepAliveProbes", "TcpExt:", "TCPKeepAlive" },
	{ "SyncookiesSent", "TcpExt:", "SyncookiesSent" },
	{ "SyncookiesRecv", "TcpExt:", "SyncookiesRecv" },
	{ "SyncookiesFailed", "TcpExt:", "SyncookiesFailed" },
	{ "PAWSEstab", "TcpExt:", "PAWSEstab" },
	{ "OutOfWindowIcmps", "TcpExt:", "OutOfWindowIcmps" },
};

/* snmp and netstat: a line of names, then a line of values, per prefix. */
static long long snmp_get(FILE *f, const char *prefix, const char *name)
{
	char names[4096], vals[4096], *ns, *vs, *n, *v;

	while (fgets(names, sizeof(names), f) && fgets(vals, sizeof(vals), f)) {
		if (strncmp(names, prefix, strlen(prefix)))
			continue;
		n = strtok_r(names, " \n", &ns);
		v = strtok_r(vals, " \n", &vs);
		while (n && v) {
			if (!strcmp(n, name))
				return atoll(v);
			n = strtok_r(NULL, " \n", &ns);
			v = strtok_r(NULL, " \n", &vs);
		}
	}
	return -1;
}

long long snmp_stat(const char *ns, const char *prefix, const char *name)
{
	FILE *f = fopen_in(ns, "/proc/thread-self/net/snmp");
	long long val;

	if (!f)
		return -1;
	val = snmp_get(f, prefix, name);
	fclose(f);
	return val;
}

long long proto_stat(const char *ns, const char *name)
{
	long long val = -1;
	size_t i;
	FILE *f;

	if (!proto_is_tcp())
		return stat_get(ns, name);
	for (i = 0; i < sizeof(tcp_stats) / sizeof(tcp_stats[0]); i++) {
		if (strcmp(name, tcp_stats[i].name))
			continue;
		f = fopen_in(ns, strcmp(tcp_stats[i].prefix, "Tcp:") ?
				 "/proc/thread-self/net/netstat" :
				 "/proc/thread-self/net/snmp");
		if (!f)
			return -1;
		val = snmp_get(f, tcp_stats[i].prefix, tcp_stats[i].tcp_name);
		fclose(f);
	}
	return val;
}

long rto_ms(int fd)
{
	struct tcpalt_info info;
	socklen_t len = sizeof(info);

	if (getsockopt(fd, test_proto(), TCPALT_INFO, &info, &len))
		return -1;
	return info.tcpi_rto / 1000;
}

long long proto_stat_wait(const char *ns, const char *name, long long want,
			  int timeout_ms)
{
	long long end = now_ms() + timeout_ms, val;

	while ((val = proto_stat(ns, name)) != want && now_ms() < end)
		usleep(20000);
	return val;
}

int proto_sysctl_set(const char *ns, const char *name, const char *val)
{
	static const char *const tcp_names[][2] = {
		{ "syn_retries", "tcp_syn_retries" },
		{ "synack_retries", "tcp_synack_retries" },
		{ "retries2", "tcp_retries2" },
		{ "max_syn_backlog", "tcp_max_syn_backlog" },
		{ "fin_timeout", "tcp_fin_timeout" },
		{ "rfc1337", "tcp_rfc1337" },
		{ "max_tw_buckets", "tcp_max_tw_buckets" },
	};
	char path[256];
	int err = -EOPNOTSUPP, fd;
	size_t i;

	if (ns && ns_enter(ns))
		return -errno;
	if (!proto_is_tcp()) {
		err = sysctl_set(name, val);
		goto out;
	}
	for (i = 0; i < sizeof(tcp_names) / sizeof(tcp_names[0]); i++) {
		if (strcmp(name, tcp_names[i][0]))
			continue;
		snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s",
			 tcp_names[i][1]);
		fd = open(path, O_WRONLY);
		err = fd < 0 ? -errno :
		      write(fd, val, strlen(val)) < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
	}
out:
	if (ns && ns_enter(NULL))
		return -errno;
	return err;
}

/* "tc -n NS" where ns is set: it enters the namespace as tc starts. */
static const char *tc_in(char *buf, size_t size, const char *ns)
{
	snprintf(buf, size, ns ? "tc -n %s" : "tc", ns);
	return buf;
}

int netem_set(const char *ns, const char *dev, const char *args)
{
	char tc[64];

	return run("%s qdisc replace dev %s root netem %s",
		   tc_in(tc, sizeof(tc), ns), dev, args);
}

int netem_clear(const char *ns, const char *dev)
{
	char tc[64];

	return run("%s qdisc del dev %s root 2>/dev/null",
		   tc_in(tc, sizeof(tc), ns), dev);
}

int drop_ingress(const char *ns, const char *dev)
{
	char tc[64];

	tc_in(tc, sizeof(tc), ns);
	return run("%s qdisc add dev %s clsact", tc, dev) ||
	       run("%s filter add dev %s ingress protocol ip u32 "
		   "match u32 0 0 action drop", tc, dev) ? -1 : 0;
}

int allow_ingress(const char *ns, const char *dev)
{
	char tc[64];

	return run("%s qdisc del dev %s clsact",
		   tc_in(tc, sizeof(tc), ns), dev) ? -1 : 0;
}

/* As "ethtool -K DEV tx off" in namespace ns: no checksum offload. */
static int tx_csum_off(const char *ns, const char *dev)
{
	struct ethtool_value off = { .cmd = ETHTOOL_STXCSUM, .data = 0 };
	struct ifreq ifr = { .ifr_data = (void *)&off };
	int fd = socket_in(ns, SOCK_DGRAM, 0);
	int err;

	if (fd < 0)
		return -1;
	strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
	err = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	return err ? -1 : 0;
}

int quiet_ns_a(void)
{
	/*
	 * Over veth, TCP and tcpalt leave the checksum to an offload that
	 * never happens; a raw socket would see it unfinished.
	 */
	if (tx_csum_off(PEER_NS, "veth-b"))
		return -1;
	if (!proto_is_tcp())
		return sysctl_set("blackhole", "2") ? -1 : 0;
	/* TCP RSTs (flags byte at 20 + 13) with the kernel's TTL of 64. */
	return run("tc qdisc add dev veth-a clsact") ||
	       run("tc filter add dev veth-a egress protocol ip u32 "
		   "match ip protocol 6 0xff match u8 0x04 0x04 at 33 "
		   "match u8 64 0xff at 8 action drop") ? -1 : 0;
}

int raw_peer_open(struct raw_peer *p, unsigned short port,
		  unsigned short peer_port)
{
	int ttl = RAW_TTL;

	memset(p, 0, sizeof(*p));
	p->port = port;
	p->peer_port = peer_port;
	p->ts_val = (u32)now_ms();
	p->fd = raw_open(test_proto());
	if (p->fd < 0)
		return -1;
	return setsockopt(p->fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
}

void raw_peer_close(struct raw_peer *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

static void put32(u8 *b, u32 v)
{
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

void raw_syn_opts(u8 *o, u32 ts_val, u32 ts_ecr)
{
	static const u8 head[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10 };

	memcpy(o, head, sizeof(head));
	put32(o + 8, ts_val);
	put32(o + 12, ts_ecr);
	o[16] = 1;
	o[17] = 3;
	o[18] = 3;
	o[19] = RAW_WSCALE;
}

int raw_send_opts(struct raw_peer *p, u8 flags, u32 seq, u32 ack,
		  const u8 *opts, size_t opts_len, const void *data,
		  size_t len)
{
	struct seg_out s = {
		.hdr = { .sport = p->port, .dport = p->peer_port, .seq = seq,
			 .ack = ack, .flags = flags,
			 .window = (flags & TCPALT_SYN) || !p->ws ?
				   SYN_WINDOW : SYN_WINDOW >> RAW_WSCALE },
		.opts = opts, .opts_len = opts_len,
		.data = data, .data_len = len,
	};

	if (flags & TCPALT_RST)
		s.hdr.window = 0;
	return seg_send(p->fd, test_proto(), &s);
}

int raw_send(struct raw_peer *p, u8 flags, u32 seq, u32 ack,
	     const void *data, size_t len)
{
	u8 ts[12] = { 1, 1, 8, 10 };

	if (!p->ts || (flags & (TCPALT_SYN | TCPALT_RST)))
		return raw_send_opts(p, flags, seq, ack, NULL, 0, data, len);
	put32(ts + 4, ++p->ts_val);
	put32(ts + 8, p->ts_recent);
	return raw_send_opts(p, flags, seq, ack, ts, sizeof(ts), data, len);
}

/* One datagram of the raw socket, if it is a segment for us from b. */
static bool raw_check(struct raw_peer *p, const u8 *pkt, size_t n,
		      struct raw_seg *s)
{
	const struct iphdr *iph = (const void *)pkt;
	size_t ihl = iph->ihl * 4;
	struct in_addr b;

	inet_pton(AF_INET, ADDR_B, &b);
	if (n < ihl || iph->protocol != test_proto() ||
	    iph->saddr != b.s_addr)
		return false;
	memset(s, 0, sizeof(*s));
	if (tcpalt_parse_hdr(pkt + ihl, n - ihl, &s->hdr) != TCPALT_PARSE_OK ||
	    s->hdr.dport != p->port ||
	    (p->peer_port && s->hdr.sport != p->peer_port) ||
	    tcpalt_parse_opts(pkt + ihl, &s->hdr, &s->opts) != TCPALT_PARSE_OK)
		return false;
	s->ip_len = n;
	s->data_len = n - ihl - s->hdr.doff;
	if (s->data_len > sizeof(s->data))
		s->data_len = sizeof(s->data);
	memcpy(s->data, pkt + ihl + s->hdr.doff, s->data_len);
	s->csum_ok = tcpalt_segment_csum((const u8 *)&iph->saddr,
					 (const u8 *)&iph->daddr, test_proto(),
					 pkt + ihl, n - ihl) == 0;
	return true;
}

int raw_recv(struct raw_peer *p, int timeout_ms, struct raw_seg *s)
{
	long long end = now_ms() + timeout_ms, left;
	u8 pkt[65536];
	ssize_t n;

	while ((left = end - now_ms()) > 0) {
		switch (wait_fd(p->fd, POLLIN, left)) {
		case -1:
			return -1;
		case 0:
			continue;
		}
		n = recv(p->fd, pkt, sizeof(pkt), MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		if (!raw_check(p, pkt, n, s))
			continue;
		if (s->opts.has_ts)
			p->ts_recent = s->opts.tsval;
		return 1;
	}
	return 0;
}

/* raw_recv() until a segment match() takes; 1, 0 on timeout, -1. */
static int raw_recv_until(struct raw_peer *p, int timeout_ms,
			  struct raw_seg *s, u8 flags,
			  bool (*match)(const struct raw_seg *s, u8 flags))
{
	long long end = now_ms() + timeout_ms;
	int n;

	do {
		n = raw_recv(p, end - now_ms(), s);
		if (n != 1)
			return n;
	} while (!match(s, flags));
	return 1;
}

static bool has_flags(const struct raw_seg *s, u8 flags)
{
	return (s->hdr.flags & ~TCPALT_PSH) == flags;
}

static bool has_data(const struct raw_seg *s, u8 flags)
{
	return s->data_len;
}

static bool is_pure_ack(const struct raw_seg *s, u8 flags)
{
	return s->hdr.flags == TCPALT_ACK && !s->data_len;
}

int raw_recv_flags(struct raw_peer *p, u8 flags, int timeout_ms,
		   struct raw_seg *s)
{
	return raw_recv_until(p, timeout_ms, s, flags, has_flags);
}

int raw_recv_data(struct raw_peer *p, int timeout_ms, struct raw_seg *s)
{
	return raw_recv_until(p, timeout_ms, s, 0, has_data);
}

int raw_recv_pure_ack(struct raw_peer *p, int timeout_ms, struct raw_seg *s)
{
	return raw_recv_until(p, timeout_ms, s, 0, is_pure_ack);
}

int raw_syn_exchange(struct raw_peer *p, u32 iss, struct raw_seg *synack)
{
	u8 opts[RAW_SYN_OPTS_LEN];
	struct raw_seg s;

	p->iss = iss;
	raw_syn_opts(opts, p->ts_val, 0);
	if (raw_send_opts(p, TCPALT_SYN, iss, 0, opts, sizeof(opts), NULL, 0))
		return -1;
	do {
		if (raw_recv(p, 3000, &s) != 1)
			return -1;
	} while (s.hdr.flags != (TCPALT_SYN | TCPALT_ACK) ||
		 s.hdr.ack != iss + 1);
	p->snd_nxt = iss + 1;
	p->irs = s.hdr.seq;
	p->rcv_nxt = s.hdr.seq + 1;
	p->ts = s.opts.has_ts;
	p->ws = s.opts.has_wscale;
	if (synack)
		*synack = s;
	return 0;
}

int raw_connect(struct raw_peer *p, u32 iss, struct raw_seg *synack)
{
	if (raw_syn_exchange(p, iss, synack))
		return -1;
	return raw_send(p, TCPALT_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0);
}

int raw_accept(struct raw_peer *p, u32 iss, int timeout_ms,
	       struct raw_seg *syn)
{
	u8 opts[RAW_SYN_OPTS_LEN];
	struct raw_seg s;

	do {
		if (raw_recv(p, timeout_ms, &s) != 1)
			return -1;
	} while (s.hdr.flags != TCPALT_SYN);
	if (syn)
		*syn = s;
	p->peer_port = s.hdr.sport;
	p->iss = iss;
	p->irs = s.hdr.seq;
	p->rcv_nxt = s.hdr.seq + 1;
	p->ts = s.opts.has_ts;
	p->ws = s.opts.has_wscale;
	raw_syn_opts(opts, p->ts_val, p->ts_recent);
	if (raw_send_opts(p, TCPALT_SYN | TCPALT_ACK, iss, p->rcv_nxt, opts,
			  sizeof(opts), NULL, 0))
		return -1;
	do {
		if (raw_recv(p, 3000, &s) != 1)
			return -1;
	} while (!(s.hdr.flags & TCPALT_ACK) || (s.hdr.flags & TCPALT_SYN) ||
		 s.hdr.ack != iss + 1);
	p->snd_nxt = iss + 1;
	return 0;
}

int raw_send_data(struct raw_peer *p, const void *data, size_t len)
{
	if (raw_send(p, TCPALT_ACK | TCPALT_PSH, p->snd_nxt, p->rcv_nxt,
		     data, len))
		return -1;
	p->snd_nxt += len;
	return 0;
}

static void *bg_connect_fn(void *arg)
{
	struct bg_connect *bg = arg;

	bg->err = sock_connect(bg->fd, ADDR_A, bg->port);
	return NULL;
}

int bg_connect_start(struct bg_connect *bg, unsigned short lport,
		     unsigned short port)
{
	struct timeval tv = { .tv_sec = 8 };

	bg->fd = conn_socket(PEER_NS);
	bg->port = port;
	bg->err = 1;
	if (bg->fd < 0 || sock_bind(bg->fd, ADDR_B, lport) ||
	    setsockopt(bg->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		return -1;
	return pthread_create(&bg->thread, NULL, bg_connect_fn, bg) ? -1 : 0;
}

void block_sigpipe(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* True if a SIGPIPE is pending (blocked); takes it off. */
bool took_sigpipe(void)
{
	sigset_t set;
	int sig;

	sigpending(&set);
	if (!sigismember(&set, SIGPIPE))
		return false;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigwait(&set, &sig);
	return true;
}

/* One spoofed SYN: IP header, our header, an MSS option. */
static int flood_one(struct syn_flood *f, unsigned int *seed)
{
	u8 pkt[20 + TCPALT_HDR_LEN + 4] = { 0 };
	u8 *seg = pkt + 20;
	struct sockaddr_in to = sin_of(ADDR_B, f->port);
	u32 src = htonl(0x0a010000u | (rand_r(seed) & 0xffff));
	struct tcpalt_hdr hdr = {
		.sport = 1024 + rand_r(seed) % 60000,
		.dport = f->port,
		.seq = (u32)rand_r(seed) << 1,
		.flags = TCPALT_SYN,
		.window = 65535,
		.doff = TCPALT_HDR_LEN + 4,
	};
	static const u8 mss[4] = { 2, 4, 0x05, 0xb4 };
	u16 c;

	pkt[0] = 0x45;
	pkt[2] = sizeof(pkt) >> 8;
	pkt[3] = sizeof(pkt) & 0xff;
	pkt[8] = 64;
	pkt[9] = test_proto();
	memcpy(pkt + 12, &src, 4);
	memcpy(pkt + 16, &to.sin_addr, 4);
	tcpalt_build_hdr(seg, &hdr);
	memcpy(seg + TCPALT_HDR_LEN, mss, sizeof(mss));
	c = tcpalt_segment_csum(pkt + 12, pkt + 16, test_proto(), seg,
				sizeof(pkt) - 20);
	seg[16] = c >> 8;
	seg[17] = c & 0xff;
	return sendto(f->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
		      sizeof(to)) == sizeof(pkt) ? 0 : -1;
}

static void *flood_fn(void *arg)
{
	struct syn_flood *f = arg;
	unsigned int seed = 1;

	while (!f->stop)
		if (!flood_one(f, &seed))
			f->sent++;
	return NULL;
}

int syn_flood_start(struct syn_flood *f, unsigned short port)
{
	memset(f, 0, sizeof(*f));
	f->port = port;
	if (run("ip -n " PEER_NS " route replace " FLOOD_NET " via " ADDR_A))
		return -1;
	f->fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (f->fd < 0)
		return -1;
	f->start_ms = now_ms();
	if (pthread_create(&f->thread, NULL, flood_fn, f)) {
		close(f->fd);
		return -1;
	}
	return 0;
}

double syn_flood_stop(struct syn_flood *f)
{
	long long ms;

	f->stop = true;
	pthread_join(f->thread, NULL);
	close(f->fd);
	ms = now_ms() - f->start_ms;
	return ms > 0 ? f->sent * 1000.0 / ms : 0;
}

static int diag_socket(const char *ns)
{
	int fd;

	if (ns && ns_enter(ns))
		return -1;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (ns && ns_enter(NULL)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends one inet_diag request with bc as INET_DIAG_REQ_BYTECODE. */
static int diag_send(int fd, int type, int flags,
		     const struct inet_diag_req_v2 *r, const void *bc,
		     size_t bc_len)
{
	struct nlmsghdr h = {
		.nlmsg_type = type,
		.nlmsg_flags = NLM_F_REQUEST | flags,
		.nlmsg_seq = 1,
	};
	struct nlattr a = {
		.nla_type = INET_DIAG_REQ_BYTECODE,
		.nla_len = NLA_HDRLEN + bc_len,
	};
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	struct iovec iov[4] = {
		{ &h, sizeof(h) },
		{ (void *)r, sizeof(*r) },
		{ &a, NLA_HDRLEN },
		{ (void *)bc, NLA_ALIGN(bc_len) },
	};
	struct msghdr m = {
		.msg_name = &nl,
		.msg_namelen = sizeof(nl),
		.msg_iov = iov,
		.msg_iovlen = bc ? 4 : 2,
	};

	h.nlmsg_len = NLMSG_LENGTH(sizeof(*r)) +
		      (bc ? NLA_HDRLEN + NLA_ALIGN(bc_len) : 0);
	return sendmsg(fd, &m, 0) < 0 ? -errno : 0;
}

static void diag_parse(const struct nlmsghdr *h, struct diag_entry *e)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
	const struct nlattr *a = (const void *)(m + 1);

	memset(e, 0, sizeof(*e));
	e->msg = *m;
	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == INET_DIAG_INFO) {
			size_t n = a->nla_len - NLA_HDRLEN;

			memcpy(&e->info, (const char *)a + NLA_HDRLEN,
			       n < sizeof(e->info) ? n : sizeof(e->info));
			e->has_info = true;
		}
		len -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
}

/*
 * Reads replies until NLMSG_DONE or an error, or for a request that is
 * no dump (one), the first read; the count, or -errno.
 */
static int diag_receive(int fd, bool one,
			int (*fn)(const struct diag_entry *e, void *arg),
			void *arg)
{
	static char buf[65536] __attribute__((aligned(8)));
	struct diag_entry e;
	struct nlmsghdr *h;
	int count = 0, stop = 0;
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return count;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = NLMSG_DATA(h);

				if (err->error)
					return err->error;
				return count;
			}
			count++;
			if (stop || !fn)
				continue;
			diag_parse(h, &e);
			stop = fn(&e, arg);
		}
		if (one)
			return count;
	}
}

int diag_dump(const char *ns, unsigned int states,
	      const struct inet_diag_sockid *id, const void *bc,
	      size_t bc_len, unsigned char ext,
	      int (*fn)(const struct diag_entry *e, void *arg), void *arg)
{
	struct inet_diag_req_v2 r = {
		.sdiag_family = AF_INET,
		.sdiag_protocol = test_proto(),
		.idiag_ext = ext,
		.idiag_states = states,
	};
	int fd = diag_socket(ns), ret;

	if (fd < 0)
		return -errno;
	if (id)
		r.id = *id;
	ret = diag_send(fd, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &r, bc, bc_len);
	if (!ret)
		ret = diag_receive(fd, false, fn, arg);
	close(fd);
	return ret;
}

static int diag_copy(const struct diag_entry *e, void *arg)
{
	*(struct diag_entry *)arg = *e;
	return 1;
}

int diag_get(const char *ns, const struct inet_diag_sockid *id,
	     unsigned char ext, struct diag_entry *e)
{
	struct inet_diag_req_v2 r = {
		.sdiag_family = AF_INET,
		.sdiag_protocol = test_proto(),
		.idiag_ext = ext,
		.idiag_states = ~0u,
		.id = *id,
	};
	int fd = diag_socket(ns), ret;

	if (fd < 0)
		return -errno;
	ret = diag_send(fd, SOCK_DIAG_BY_FAMILY, 0, &r, NULL, 0);
	if (!ret)
		ret = diag_receive(fd, true, diag_copy, e);
	close(fd);
	return ret < 0 ? ret : ret == 1 ? 0 : -ENOENT;
}

int diag_destroy(const char *ns, const struct inet_diag_sockid *id)
{
	struct inet_diag_req_v2 r = {
		.sdiag_family = AF_INET,
		.sdiag_protocol = test_proto(),
		.idiag_states = ~0u,
		.id = *id,
	};
	int fd = diag_socket(ns), ret;

	if (fd < 0)
		return -errno;
	ret = diag_send(fd, SOCK_DESTROY, NLM_F_ACK, &r, NULL, 0);
	if (!ret)
		ret = diag_receive(fd, true, NULL, NULL);
	close(fd);
	return ret < 0 ? ret : 0;
}

struct inet_diag_sockid diag_id(const char *laddr, unsigned short lport,
				const char *raddr, unsigned short rport)
{
	struct inet_diag_sockid id = {
		.idiag_sport = htons(lport),
		.idiag_dport = htons(rport),
		.idiag_cookie = { INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE },
	};

	if (laddr)
		inet_pton(AF_INET, laddr, &id.idiag_src[0]);
	if (raddr)
		inet_pton(AF_INET, raddr, &id.idiag_dst[0]);
	return id;
}

const char *diag_local(char *buf, size_t size, const struct inet_diag_msg *m)
{
	ip_port(buf, size, m->id.idiag_src[0], ntohs(m->id.idiag_sport));
	return buf;
}

const char *diag_remote(char *buf, size_t size, const struct inet_diag_msg *m)
{
	ip_port(buf, size, m->id.idiag_dst[0], ntohs(m->id.idiag_dport));
	return buf;
}

const char *diag_state_name(int state)
{
	static const char *const names[] = {
		[1] = "ESTABLISHED", [2] = "SYN-SENT", [3] = "SYN-RECEIVED",
		[4] = "FIN-WAIT-1", [5] = "FIN-WAIT-2", [6] = "TIME-WAIT",
		[7] = "CLOSED", [8] = "CLOSE-WAIT", [9] = "LAST-ACK",
		[10] = "LISTEN", [11] = "CLOSING",
	};

	return state > 0 && state < 12 ? names[state] : "?";
}
