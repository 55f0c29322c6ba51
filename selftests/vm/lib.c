// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csum.h"
#include "lib.h"

long test_size(long full, long debug)
{
	const char *scale = getenv("TCPALT_SCALE");

	return scale && !strcmp(scale, "debug") ? debug : full;
}

long scale_size(long full, long check, long debug)
{
	const char *scale = getenv("TCPALT_SCALE");

	if (!scale || !*scale)
		return check;
	return strcmp(scale, "full") ? debug : full;
}

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

/*
 * Every exec costs a fifth of a second under emulation, so the topology
 * is made by two ip(8) batches, not one ip per step, and removed the way
 * "ip netns del" does it.
 */
static const char TOPO_A[] =
	"netns add " PEER_NS "\n"
	"link set lo up\n"
	"link add veth-a type veth peer name veth-b netns " PEER_NS "\n"
	"addr add " ADDR_A "/24 dev veth-a\n"
	"link set veth-a up\n";
static const char TOPO_B[] =
	"addr add " ADDR_B "/24 dev veth-b\n"
	"link set veth-b up\n"
	"link set lo up\n";

static int ip_batch(const char *cmd, const char *batch)
{
	FILE *f = popen(cmd, "w");
	int status;

	if (!f)
		return -1;
	fputs(batch, f);
	status = pclose(f);
	return status == -1 || !WIFEXITED(status) ? -1 : WEXITSTATUS(status);
}

static void netns_remove(const char *ns)
{
	char path[128];

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	umount2(path, MNT_DETACH);
	unlink(path);
}

int topo_setup(void)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	netns_remove(PEER_NS);
	if (ip_batch("ip -batch -", TOPO_A) ||
	    ip_batch("ip -n " PEER_NS " -batch -", TOPO_B))
		return -1;
	return 0;
}

/*
 * a -- veth-a/veth-ra -- ROUTER_NS -- veth-rb/veth-b -- b.  The MTU goes
 * on veth-rb only: veth drops what exceeds the receiving end's MTU, so a
 * small veth-b would stop b's own large segments, which no test needs,
 * and b's SYN,ACK would offer an MSS that hid the path's MTU from a.
 */
static const char TOPO_ROUTED_A[] =
	"netns add " PEER_NS "\n"
	"netns add " ROUTER_NS "\n"
	"link set lo up\n"
	"link add veth-a type veth peer name veth-ra netns " ROUTER_NS "\n"
	"addr add " ADDR_A "/24 dev veth-a\n"
	"link set veth-a up\n"
	"route add " ROUTED_NET_B " via " ADDR_ROUTER_A "\n";
static const char TOPO_ROUTED_R[] =
	"link set lo up\n"
	"addr add " ADDR_ROUTER_A "/24 dev veth-ra\n"
	"link set veth-ra up\n"
	"link add veth-rb mtu %d type veth peer name veth-b netns " PEER_NS
	"\n"
	"addr add " ADDR_ROUTER_B "/24 dev veth-rb\n"
	"link set veth-rb up\n";
static const char TOPO_ROUTED_B[] =
	"link set lo up\n"
	"addr add " ADDR_B_ROUTED "/24 dev veth-b\n"
	"link set veth-b up\n"
	"route add 10.0.0.0/24 via " ADDR_ROUTER_B "\n";

int topo_routed_setup(int router_mtu)
{
	char batch[sizeof(TOPO_ROUTED_R) + 16];

	if (unshare(CLONE_NEWNET))
		return -1;
	netns_remove(PEER_NS);
	netns_remove(ROUTER_NS);
	snprintf(batch, sizeof(batch), TOPO_ROUTED_R, router_mtu);
	if (ip_batch("ip -batch -", TOPO_ROUTED_A) ||
	    ip_batch("ip -n " ROUTER_NS " -batch -", batch) ||
	    ip_batch("ip -n " PEER_NS " -batch -", TOPO_ROUTED_B))
		return -1;
	return write_in(ROUTER_NS, "/proc/sys/net/ipv4/ip_forward", "1") ?
	       -1 : 0;
}

void topo_teardown(void)
{
	netns_remove(PEER_NS);
	netns_remove(ROUTER_NS);
}

int ns_enter(const char *ns)
{
	static __thread int home = -1;
	char path[128];
	int fd, err;

	if (home < 0) {
		home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (home < 0)
			return -1;
	}
	if (!ns)
		return setns(home, CLONE_NEWNET) ? -1 : 0;
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	err = setns(fd, CLONE_NEWNET);
	close(fd);
	return err ? -1 : 0;
}

FILE *fopen_in(const char *ns, const char *path)
{
	FILE *f;

	if (ns && ns_enter(ns))
		return NULL;
	f = fopen(path, "r");
	if (ns && ns_enter(NULL)) {
		if (f)
			fclose(f);
		return NULL;
	}
	return f;
}

int write_in(const char *ns, const char *path, const char *text)
{
	int fd, err = 0;

	if (ns && ns_enter(ns))
		return -errno;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (ns && ns_enter(NULL))
		return -errno;
	return err;
}

int link_up(const char *dev)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err = -1;

	if (fd < 0)
		return -1;
	strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		err = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return err ? -1 : 0;
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
	char line[256], key[128];
	long long val, found = -1;
	FILE *f;

	f = fopen_in(ns, "/proc/thread-self/net/tcpalt/stats");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %lld", key, &val) == 2 &&
		    !strcmp(key, name))
			found = val;
	fclose(f);
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

int sysctl_set_in(const char *ns, const char *name, const char *text)
{
	char path[256];

	sysctl_path(path, sizeof(path), name);
	return write_in(ns, path, text);
}

int sysctl_set(const char *name, const char *text)
{
	return sysctl_set_in(NULL, name, text);
}

int mod_load(const char *params)
{
	const char *ko = getenv("TCPALT_KO");
	int fd, err;

	if (!ko)
		return -ENOENT;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return err;
}

int mod_unload(void)
{
	return syscall(SYS_delete_module, "tcpalt", O_NONBLOCK) ? -errno : 0;
}

bool mod_loaded(void)
{
	return access("/sys/module/tcpalt", F_OK) == 0;
}

const char *repo_file(const char *rel)
{
	static char paths[4][PATH_MAX];
	static int next;
	char self[PATH_MAX], *path = paths[next++ % 4];
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return rel;
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(path, PATH_MAX, "%.*s/../../%s", PATH_MAX / 2, self, rel);
	return path;
}
