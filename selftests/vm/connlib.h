/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the connection selftests, on top of lib.h's topology:
 * sockets made in either namespace, listeners and connects, the conns
 * file, counters and sysctls, netem, and a raw "peer" in namespace a that
 * plays TCP by hand.
 *
 * Every test runs against test_proto(): IPPROTO_TCPALT, or whatever
 * TCPALT_TEST_PROTO says, so the same assertions can be checked against
 * the kernel's TCP (TCPALT_TEST_PROTO=6, module not loaded).  The conns,
 * counter and sysctl helpers map tcpalt's names to TCP's where TCP has
 * them (/proc/net/tcp, snmp, netstat, net.ipv4.tcp_*), and fail with -1
 * or -EOPNOTSUPP where it has none.
 *
 * Namespaces are named by a string: NULL is a (the test's own, 10.0.0.1),
 * PEER_NS is b (10.0.0.2).  A socket lives in the namespace it was
 * created in, whichever namespace the thread is in later.
 */
#ifndef _TCPALT_SELFTEST_CONNLIB_H
#define _TCPALT_SELFTEST_CONNLIB_H

#include <linux/inet_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib.h"

/* IPPROTO_TCPALT, or $TCPALT_TEST_PROTO if set. */
int test_proto(void);
static inline bool proto_is_tcp(void)
{
	return test_proto() == IPPROTO_TCP;
}

/* A socket of any kind made in namespace ns; fd or -1. */
int socket_in(const char *ns, int type, int proto);

/* A SOCK_STREAM socket of test_proto() in namespace ns; fd or -1. */
int conn_socket(const char *ns);

struct sockaddr_in sin_of(const char *addr, unsigned short port);

/* bind() to addr:port (addr NULL: any); 0 or -errno. */
int sock_bind(int fd, const char *addr, unsigned short port);

/* connect() to addr:port; 0 or -errno (-EINPROGRESS if non-blocking). */
int sock_connect(int fd, const char *addr, unsigned short port);

void set_nonblock(int fd);

/* getsockopt(SO_ERROR): the pending error (positive), or -errno. */
int sock_error(int fd);

/* The local or peer port of fd, or -errno. */
int local_port(int fd);
int peer_port(int fd);

/* poll() for one fd; revents, 0 on timeout, -1 on error. */
int wait_fd(int fd, short events, int timeout_ms);

/* accept() on a listener, waiting at most timeout_ms; fd or -1. */
int accept_wait(int lfd, int timeout_ms);

/* An int option at level test_proto(): its value (or 0), or -errno. */
int proto_opt_get(int fd, int name);
int proto_opt_set(int fd, int name, int val);

/*
 * A listener of test_proto() in namespace ns on addr:port (addr NULL:
 * any) with SO_REUSEADDR; fd or -errno.
 */
int conn_listen(const char *ns, const char *addr, unsigned short port,
		int backlog);

/*
 * An established pair: a listener in PEER_NS on ADDR_B:port, a blocking
 * connect from a, the accepted socket; the listener is closed again.
 * 0 with *cli (in a) and *srv (in b) set, or -1.
 */
int conn_pair(unsigned short port, int *cli, int *srv);

/* Milliseconds on CLOCK_MONOTONIC. */
long long now_ms(void);

/*
 * One line of /proc/tcpalt/conns (for TCP: of /proc/net/tcp, translated
 * to the same columns and RFC state names).  Addresses are "a.b.c.d:port".
 */
struct conn_entry {
	char local[24];
	char remote[24];
	char state[16];
	unsigned long tx_queue;
	unsigned long rx_queue;
	char timer[16];		/* off, retransmit, persist, ... */
	long timer_ms;
	int retransmits;
	unsigned int uid;
	unsigned long inode;
};

/* Reads up to max entries of ns's conns; the count, or -1. */
int conns_read(const char *ns, struct conn_entry *e, int max);

/*
 * How many entries of ns match local, remote and state (each NULL:
 * any), or -1; *found, if not NULL, gets the last match.
 */
int conns_find(const char *ns, const char *local, const char *remote,
	       const char *state, struct conn_entry *found);

/*
 * Polls conns_find() every 20 ms until it counts want, for up to
 * timeout_ms; returns the last count (want on success), -1 on error.
 */
int conns_wait(const char *ns, const char *local, const char *remote,
	       const char *state, int want, int timeout_ms,
	       struct conn_entry *found);

/* "addr:port" into buf, for conns_find. */
const char *addr_port(char *buf, size_t size, const char *addr,
		      unsigned short port);

/*
 * A counter of namespace ns (NULL: a) by its tcpalt name; for TCP the
 * matching snmp/netstat counter (e.g. ChallengeACKs is TCPChallengeACK).
 * -1 if there is none.
 */
long long proto_stat(const char *ns, const char *name);

/*
 * A field of namespace ns's /proc/net/snmp: prefix is its line's, as
 * "Ip:" or "Tcp:"; -1 if there is none.
 */
long long snmp_stat(const char *ns, const char *prefix, const char *name);

/*
 * Waits up to timeout_ms for proto_stat(ns, name) to read want; returns
 * the last value read.  For the gauges (CurrTimeWait, CurrOrphans): they
 * count objects until they are freed, an RCU grace period after they
 * leave conns.
 */
/* The connection's RTO now, backoff included, in ms; -1 on error. */
long rto_ms(int fd);

long long proto_stat_wait(const char *ns, const char *name, long long want,
			  int timeout_ms);

/*
 * Writes sysctl name (tcpalt's name, e.g. "syn_retries") in namespace ns;
 * for TCP the net.ipv4.tcp_ one of the same meaning.  0 or -errno.
 */
int proto_sysctl_set(const char *ns, const char *name, const char *val);

/*
 * Sets (or replaces) the root qdisc of dev in ns to netem with args,
 * e.g. netem_set(NULL, "veth-a", "delay 200ms"); netem_clear removes it.
 * 0 or the tc exit status.
 */
int netem_set(const char *ns, const char *dev, const char *args);
int netem_clear(const char *ns, const char *dev);

/*
 * Drops every IPv4 packet arriving on dev in ns (a tc filter at clsact
 * ingress): a peer that has vanished.  ARP still works, so the sender
 * sees only loss.  0 or -1.
 */
int drop_ingress(const char *ns, const char *dev);

/* Undoes drop_ingress(); 0 or -1. */
int allow_ingress(const char *ns, const char *dev);

/*
 * Makes namespace a silent toward segments meant for a raw socket: tcpalt's
 * blackhole=2, or for TCP a tc filter on veth-a's egress that drops the
 * kernel's RSTs (TTL 64; the raw peer sends with RAW_TTL so its own RSTs
 * pass).  For TCP it also turns off veth-b's checksum offload, so what the
 * raw socket receives carries a full checksum.  0 or -1.
 */
#define RAW_TTL	99
int quiet_ns_a(void);

/*
 * The raw peer: a raw socket of test_proto() in namespace a that sends
 * from ADDR_A:port to ADDR_B:peer_port and receives what b sends back.
 * The seq/ack fields track a connection made by hand.
 */
struct raw_peer {
	int fd;
	unsigned short port;		/* ours, in a */
	unsigned short peer_port;	/* b's */
	u32 iss;			/* our initial sequence number */
	u32 snd_nxt;
	u32 irs;			/* b's initial sequence number */
	u32 rcv_nxt;
	bool ts;			/* timestamps in use */
	u32 ts_val;			/* our clock */
	u32 ts_recent;			/* b's last TSval */
	bool ws;			/* window scaling in use */
};

/* A segment received by the raw peer, options parsed. */
struct raw_seg {
	struct tcpalt_hdr hdr;
	struct tcpalt_opts opts;
	bool csum_ok;
	size_t ip_len;		/* the whole datagram, IP header included */
	size_t data_len;	/* what data holds: the payload, cut at 2048 */
	u8 data[2048];
};

/*
 * Opens the raw socket (with IP_TTL RAW_TTL); 0 or -1.  Call
 * quiet_ns_a() once as well.
 */
int raw_peer_open(struct raw_peer *p, unsigned short port,
		  unsigned short peer_port);
void raw_peer_close(struct raw_peer *p);

/*
 * The options of our SYN, Linux's layout: MSS 1460, SACK-permitted,
 * timestamps (TSval ts_val, TSecr ts_ecr), NOP, window scale 7.
 * Writes RAW_SYN_OPTS_LEN bytes.
 */
#define RAW_SYN_OPTS_LEN	20
void raw_syn_opts(u8 *opts, u32 ts_val, u32 ts_ecr);

/*
 * Sends one segment with the given fields; for a non-SYN, non-RST segment
 * a timestamp option is added when p->ts.  Window 64240 bytes (shifted by
 * 7 when p->ws).  Does not move snd_nxt.  0 or -1.
 */
int raw_send(struct raw_peer *p, u8 flags, u32 seq, u32 ack,
	     const void *data, size_t len);

/* As raw_send, with explicit options (no timestamp added). */
int raw_send_opts(struct raw_peer *p, u8 flags, u32 seq, u32 ack,
		  const u8 *opts, size_t opts_len, const void *data,
		  size_t len);

/*
 * Waits up to timeout_ms for a segment from b's peer_port (0: any port)
 * to our port; 1 with *s filled in, 0 on timeout, -1 on error.  Records
 * b's TSval in ts_recent.
 */
int raw_recv(struct raw_peer *p, int timeout_ms, struct raw_seg *s);

/*
 * raw_recv() until a segment whose flags, PSH aside, are flags exactly;
 * 1, 0 on timeout, -1.
 */
int raw_recv_flags(struct raw_peer *p, u8 flags, int timeout_ms,
		   struct raw_seg *s);

/* The same, until a segment with data. */
int raw_recv_data(struct raw_peer *p, int timeout_ms, struct raw_seg *s);

/* The same, until a bare ACK: the ACK flag alone and no data. */
int raw_recv_pure_ack(struct raw_peer *p, int timeout_ms, struct raw_seg *s);

/*
 * Active open by hand: SYN with raw_syn_opts at iss, wait for the
 * SYN-ACK, ACK it.  On 0, snd_nxt/rcv_nxt/ts are set up and *synack (if
 * not NULL) holds the SYN-ACK.  -1 on any failure.
 */
int raw_connect(struct raw_peer *p, u32 iss, struct raw_seg *synack);

/* raw_connect() without the final ACK: the request stays SYN-RECEIVED. */
int raw_syn_exchange(struct raw_peer *p, u32 iss, struct raw_seg *synack);

/*
 * Passive open by hand: wait for a SYN from b (its source port becomes
 * peer_port), answer with a SYN-ACK at iss with raw_syn_opts, wait for
 * the ACK.  On 0 *syn (if not NULL) holds the SYN.
 */
int raw_accept(struct raw_peer *p, u32 iss, int timeout_ms,
	       struct raw_seg *syn);

/* Sends data at snd_nxt with ACK|PSH and moves snd_nxt; 0 or -1. */
int raw_send_data(struct raw_peer *p, const void *data, size_t len);

/*
 * A SYN flood: a thread in namespace a sending SYNs of test_proto() with
 * an MSS option to ADDR_B:port as fast as it can, each from a random
 * address of FLOOD_NET (10.1.0.0/16) and port, through a raw socket that
 * writes its own IP header.  b is given a route back to those addresses
 * through a, which drops what comes (it does not forward), so the flood
 * never completes a handshake.  Only inside the test's namespaces.
 */
#define FLOOD_NET	"10.1.0.0/16"
struct syn_flood {
	pthread_t thread;
	int fd;
	unsigned short port;
	volatile bool stop;
	unsigned long sent;
	long long start_ms;
};

/* 0, or -1. */
int syn_flood_start(struct syn_flood *f, unsigned short port);

/* Stops the flood; its rate in SYNs per second. */
double syn_flood_stop(struct syn_flood *f);

/*
 * A blocking connect() from b (ADDR_B:lport) to a's port in a thread,
 * while the test plays the peer; err is its result once joined.
 * connect() gives up with EINPROGRESS after 8 s (SO_SNDTIMEO).
 */
struct bg_connect {
	pthread_t thread;
	int fd;
	unsigned short port;
	int err;
};

/* 0, or -1. */
int bg_connect_start(struct bg_connect *bg, unsigned short lport,
		     unsigned short port);

/* SIGPIPE held pending, so a test can see whether a send raised it. */
void block_sigpipe(void);

/* True if a SIGPIPE is pending (blocked); takes it off. */
bool took_sigpipe(void);

/*
 * sock_diag (inet_diag) for test_proto(), from namespace ns (NULL: a).
 * A dump asks for the TCPF_ states mask, with the ports of id when
 * non-zero (id may be NULL) and bytecode bc of bc_len bytes (NULL, 0:
 * none); ext asks for attributes, 1 << (INET_DIAG_INFO - 1) for
 * INET_DIAG_INFO.  fn sees every message; a non-zero return stops the
 * dump there.  The count of messages seen, or -errno.
 */
struct diag_entry {
	struct inet_diag_msg msg;
	bool has_info;
	struct tcp_info info;
};

int diag_dump(const char *ns, unsigned int states,
	      const struct inet_diag_sockid *id, const void *bc,
	      size_t bc_len, unsigned char ext,
	      int (*fn)(const struct diag_entry *e, void *arg), void *arg);

/* The exact match of id into *e: 0 or -errno (-ENOENT: none). */
int diag_get(const char *ns, const struct inet_diag_sockid *id,
	     unsigned char ext, struct diag_entry *e);

/* SOCK_DESTROY of id: 0 or -errno. */
int diag_destroy(const char *ns, const struct inet_diag_sockid *id);

/* The sockid of local laddr:lport and remote raddr:rport, any cookie. */
struct inet_diag_sockid diag_id(const char *laddr, unsigned short lport,
				const char *raddr, unsigned short rport);

/* "10.0.0.1:5000" for the local or the remote end of a message. */
const char *diag_local(char *buf, size_t size, const struct inet_diag_msg *m);
const char *diag_remote(char *buf, size_t size, const struct inet_diag_msg *m);

/* The name /proc/tcpalt/conns gives TCP's state number. */
const char *diag_state_name(int state);

#endif /* _TCPALT_SELFTEST_CONNLIB_H */
