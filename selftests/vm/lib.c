// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "csum.h"
#include "lib.h"

int run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	status = system(cmd);
	return status == -1 || !WIFEXITED(status) ? -1 : WEXITSTATUS(status);
}

int topo_setup(void)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	run("ip netns del " PEER_NS " 2>/dev/null");
	if (run("ip netns add " PEER_NS) ||
	    run("ip link set lo up") ||
	    run("ip link add veth-a type veth peer name veth-b netns " PEER_NS) ||
	    run("ip addr add " ADDR_A "/24 dev veth-a") ||
	    run("ip link set veth-a up") ||
	    run("ip -n " PEER_NS " addr add " ADDR_B "/24 dev veth-b") ||
	    run("ip -n " PEER_NS " link set veth-b up") ||
	    run("ip -n " PEER_NS " link set lo up"))
		return -1;
	return 0;
}

void topo_teardown(void)
{
	run("ip netns del " PEER_NS " 2>/dev/null");
}

int raw_open(int proto)
{
	return socket(AF_INET, SOCK_RAW, proto);
}

static void put_csum(u8 *seg, size_t len, int proto, bool corrupt)
{
	struct in_addr a, b;
	u16 c;

	inet_pton(AF_INET, ADDR_A, &a);
	inet_pton(AF_INET, ADDR_B, &b);
	c = tcpalt_segment_csum((u8 *)&a, (u8 *)&b, proto, seg, len);
	if (corrupt)
		c ^= 0x0100;
	seg[16] = c >> 8;
	seg[17] = c & 0xff;
}

int seg_send(int fd, int proto, const struct seg_out *s)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	u8 seg[TCPALT_HDR_MAX + 1500];
	struct tcpalt_hdr hdr = s->hdr;
	size_t len;

	if (!hdr.doff)
		hdr.doff = TCPALT_HDR_LEN + s->opts_len;
	if (TCPALT_HDR_LEN + s->opts_len + s->data_len > sizeof(seg))
		return -1;
	memset(seg, 0, sizeof(seg));
	tcpalt_build_hdr(seg, &hdr);
	if (s->opts_len)
		memcpy(seg + TCPALT_HDR_LEN, s->opts, s->opts_len);
	len = TCPALT_HDR_LEN + s->opts_len;
	if (s->data_len)
		memcpy(seg + len, s->data, s->data_len);
	len += s->data_len;
	if (s->truncate_to)
		len = s->truncate_to;
	put_csum(seg, len, proto, s->corrupt_csum);

	inet_pton(AF_INET, ADDR_B, &to.sin_addr);
	return sendto(fd, seg, len, 0, (struct sockaddr *)&to, sizeof(to)) ==
	       (ssize_t)len ? 0 : -1;
}

static long ms_left(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (end->tv_sec - now.tv_sec) * 1000 +
	       (end->tv_nsec - now.tv_nsec) / 1000000;
}

/* One datagram of a raw socket: IP header, then the segment. */
static int seg_check(const u8 *pkt, size_t n, int proto, u16 port,
		     struct tcpalt_hdr *hdr, size_t *data_len, bool *csum_ok)
{
	const struct iphdr *iph = (const void *)pkt;
	size_t ihl = iph->ihl * 4;
	struct in_addr b;

	inet_pton(AF_INET, ADDR_B, &b);
	if (n < ihl || iph->protocol != proto || iph->saddr != b.s_addr)
		return 0;
	if (tcpalt_parse_hdr(pkt + ihl, n - ihl, hdr) != TCPALT_PARSE_OK ||
	    hdr->dport != port)
		return 0;
	*data_len = n - ihl - hdr->doff;
	*csum_ok = tcpalt_segment_csum((const u8 *)&iph->saddr,
				       (const u8 *)&iph->daddr, proto,
				       pkt + ihl, n - ihl) == 0;
	return 1;
}

int seg_recv(int fd, int proto, u16 port, int timeout_ms,
	     struct tcpalt_hdr *hdr, size_t *data_len, bool *csum_ok)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec end;
	u8 pkt[65536];
	long left;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	while ((left = ms_left(&end)) > 0) {
		if (poll(&pfd, 1, left) < 0)
			return -1;
		if (!(pfd.revents & POLLIN))
			continue;
		n = recv(fd, pkt, sizeof(pkt), MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		if (seg_check(pkt, n, proto, port, hdr, data_len, csum_ok))
			return 1;
	}
	return 0;
}

long long stat_get(const char *ns, const char *name)
{
	char cmd[256], line[256], key[128];
	long long val, found = -1;
	FILE *f;

	if (ns)
		snprintf(cmd, sizeof(cmd), "ip netns exec %s cat %s", ns,
			 TCPALT_PROC_STATS);
	else
		snprintf(cmd, sizeof(cmd), "cat %s", TCPALT_PROC_STATS);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %lld", key, &val) == 2 &&
		    !strcmp(key, name))
			found = val;
	pclose(f);
	return found;
}

static void sysctl_path(char *path, size_t size, const char *name)
{
	snprintf(path, size, "%s/%s", TCPALT_SYSCTL_DIR, name);
}

int sysctl_get(const char *name, long *val)
{
	char path[256];
	FILE *f;
	int ok;

	sysctl_path(path, sizeof(path), name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ok = fscanf(f, "%ld", val) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

int sysctl_set(const char *name, const char *text)
{
	char path[256];
	ssize_t n;
	int fd, err = 0;

	sysctl_path(path, sizeof(path), name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}
