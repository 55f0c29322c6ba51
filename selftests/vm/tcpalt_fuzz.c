// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzing: up to a million segments (fuzz_segments()) at b,
 * each with a valid checksum unless it means to have a bad one, so that
 * they get past the checksum to the code behind it.  Every flag
 * combination, data offsets 0 to 15, options of every kind with lengths
 * right and wrong, segments cut short and segments as long as the MTU
 * allows, sequence and acknowledgment numbers on, near and far from the
 * windows.  They are aimed by 4-tuple at a listener, at requests in
 * SYN-RECEIVED, at established connections, at TIME-WAIT entries and at
 * a closed port.
 *
 * The established connections come in three kinds.  Survivors are sent
 * nothing they may accept: every segment that passes the checks of
 * input.c has a sequence number outside their window.  Victims may take
 * a RST or a SYN in the window as well, and so may be reset; nothing
 * else in the window.  Half the victims are spared the RST at RCV.NXT
 * exactly, the one RST that resets (RFC 5961 3.2).  The rest of the
 * connections take anything but that RST, data included, and half of
 * them no FIN either; the generator follows their RCV.NXT, and the test
 * reads what they took between batches.
 *
 * Afterwards: the kernel warned of nothing (the VM run checks its log);
 * every survivor, and every victim that was sent no RST it had to take,
 * still carries data byte-exact both ways, and every victim that was sent
 * one was reset; the counters add up with what was sent; and the module
 * unloads once the sockets are closed.
 *
 * The generator is seeded from the clock, or from TCPALT_FUZZ_SEED; the
 * log gives the seed, which with the same TCPALT_FUZZ_SEGS replays a
 * run's choices (relative to the sequence numbers the probes learn).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "connlib.h"
#include "csum.h"
#include "seq.h"

#define LISTEN_PORT	6100
#define CLOSED_PORT	6101	/* nothing listens there */
/* Source ports of a's for segments to the listener and the closed port. */
#define POOL_PORT	30000
#define POOL_SIZE	256
#define RAW_PORT	31000	/* the raw peers' ports in a */

#define NR_SURVIVORS	4
#define NR_VICTIMS	4
#define NR_CHAOS	4
#define NR_ESTAB	(NR_SURVIVORS + NR_VICTIMS + NR_CHAOS)
#define NR_REQUESTS	4
#define NR_TIMEWAITS	4

#define SEG_MAX		(1500 - 20)	/* veth's MTU, less the IP header */
#define BATCH		64

enum kind {
	K_LISTENER,
	K_CLOSED,
	K_REQUEST,
	K_TIMEWAIT,
	K_SURVIVOR,
	K_VICTIM,
	K_CHAOS,
	NR_KINDS
};

/* Out of 1000 segments, how many go to each kind of target. */
static const int kind_weight[NR_KINDS] = {
	[K_LISTENER] = 150, [K_CLOSED] = 50, [K_REQUEST] = 120,
	[K_TIMEWAIT] = 130, [K_SURVIVOR] = 200, [K_VICTIM] = 150,
	[K_CHAOS] = 200,
};

/*
 * What b makes of a segment, in the order tcpalt_validate() checks: the
 * reference parser of module/core says it for every segment sent.
 */
enum verdict { V_HDR, V_CSUM, V_OPT, V_OK, NR_VERDICTS };

/*
 * A target and b's side of it: RCV.NXT, where sequence numbers aim;
 * SND.NXT, where acknowledgments aim (b has nothing unacknowledged, so
 * SND.UNA is the same); the window b advertised, and the largest it may
 * advertise (its receive buffer); TS.Recent and b's own TSval.
 */
struct target {
	enum kind kind;
	u16 aport, bport;
	u32 rcv_nxt, snd_nxt;
	u32 wnd, wnd_max;
	u32 ts_recent, ts_peer;
	int cli, srv;			/* established: a's and b's sockets */
	bool spared;			/* a victim sent no RST at RCV.NXT,
					 * a chaos connection no FIN
					 */
	u32 taken;			/* chaos: bytes b should have taken */
	unsigned long sent;
	unsigned long must_reset;	/* valid RSTs at RCV.NXT sent */
};

struct fuzz {
	u64 rng;
	int raw;
	struct target t[NR_ESTAB + NR_REQUESTS + NR_TIMEWAITS];
	int nr;
	struct target *by_kind[NR_KINDS][NR_ESTAB];
	int nr_of[NR_KINDS];
	unsigned long sent, verdicts[NR_VERDICTS], closed_valid;
	long long gen_ms;		/* of the time fuzz_send() took */
	bool flags_seen[256], doff_seen[16];
};

static u64 rnd(struct fuzz *f)
{
	/* xorshift64* */
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 0x2545f4914f6cdd1dULL;
}

static u32 rnd32(struct fuzz *f)
{
	return rnd(f) >> 32;
}

/* 0 <= result < n */
static u32 below(struct fuzz *f, u32 n)
{
	return n ? rnd32(f) % n : 0;
}

/* -span <= result <= span */
static s32 around(struct fuzz *f, u32 span)
{
	return (s32)below(f, 2 * span + 1) - (s32)span;
}

static void put16(u8 *b, u16 v)
{
	b[0] = v >> 8;
	b[1] = v;
}

static void put32(u8 *b, u32 v)
{
	put16(b, v >> 16);
	put16(b + 2, v);
}

/* A random byte string, eight bytes of generator at a time. */
static void fill(struct fuzz *f, u8 *b, size_t len)
{
	u64 r;

	while (len >= 8) {
		r = rnd(f);
		memcpy(b, &r, 8);
		b += 8;
		len -= 8;
	}
	r = rnd(f);
	memcpy(b, &r, len);
}

/* Half the time any of the 256, else one that real peers send. */
static u8 pick_flags(struct fuzz *f)
{
	static const u8 usual[] = {
		TCPALT_ACK, TCPALT_ACK | TCPALT_PSH, TCPALT_SYN,
		TCPALT_SYN | TCPALT_ACK, TCPALT_RST, TCPALT_RST | TCPALT_ACK,
		TCPALT_FIN | TCPALT_ACK, TCPALT_FIN | TCPALT_PSH | TCPALT_ACK,
		TCPALT_ACK | TCPALT_URG,
	};

	if (below(f, 2))
		return rnd32(f);
	return usual[below(f, sizeof(usual))];
}

static u32 pick_tsval(struct fuzz *f, const struct target *t)
{
	switch (below(f, 6)) {
	case 0:
	case 1:
		return t->ts_recent + below(f, 1000);	/* newer */
	case 2:
		return t->ts_recent;
	case 3:
		return t->ts_recent - 1 - below(f, 1000); /* PAWS drops it */
	case 4:
		return t->ts_recent + 0x80000000u + around(f, 1000);
	default:
		return rnd32(f);
	}
}

/* One well-formed option, if it fits in room; its length, else 0. */
static size_t good_opt(struct fuzz *f, const struct target *t, u8 *o,
		       size_t room)
{
	size_t i, n;

	switch (below(f, 7)) {
	case 0:
		o[0] = TCPALT_OPT_MSS;
		o[1] = TCPALT_OPT_MSS_LEN;
		put16(o + 2, below(f, 3) ? 536 + below(f, 1000) : rnd32(f));
		n = TCPALT_OPT_MSS_LEN;
		break;
	case 1:
		o[0] = TCPALT_OPT_WSCALE;
		o[1] = TCPALT_OPT_WSCALE_LEN;
		o[2] = below(f, 20);	/* 15 and over are taken as 14 */
		n = TCPALT_OPT_WSCALE_LEN;
		break;
	case 2:
		o[0] = TCPALT_OPT_SACK_PERM;
		o[1] = TCPALT_OPT_SACK_PERM_LEN;
		n = TCPALT_OPT_SACK_PERM_LEN;
		break;
	case 3:
	case 4:
		o[0] = TCPALT_OPT_TS;
		o[1] = TCPALT_OPT_TS_LEN;
		put32(o + 2, pick_tsval(f, t));
		put32(o + 6, below(f, 2) ? t->ts_peer : rnd32(f));
		n = TCPALT_OPT_TS_LEN;
		break;
	case 5:
		n = 1 + below(f, TCPALT_SACK_BLOCKS_MAX);
		o[0] = TCPALT_OPT_SACK;
		o[1] = 2 + 8 * n;
		for (i = 0; i < n; i++) {
			u32 start = below(f, 2) ? t->snd_nxt - below(f, 70000) :
				    rnd32(f);

			put32(o + 2 + 8 * i, start);
			put32(o + 6 + 8 * i, start + around(f, 70000));
		}
		n = 2 + 8 * n;
		break;
	default:
		o[0] = TCPALT_OPT_NOP;
		n = 1;
		break;
	}
	return n <= room ? n : 0;
}

/*
 * One malformed option, or a well-formed one of an unknown kind: length 0
 * or 1, past the end of the header, wrong for its kind.  Its length.
 */
static size_t bad_opt(struct fuzz *f, u8 *o, size_t room)
{
	static const u8 known[] = {
		TCPALT_OPT_MSS, TCPALT_OPT_WSCALE, TCPALT_OPT_SACK_PERM,
		TCPALT_OPT_SACK, TCPALT_OPT_TS,
	};
	size_t len;

	if (room < 2) {
		o[0] = rnd32(f);
		return 1;
	}
	o[0] = below(f, 2) ? known[below(f, sizeof(known))] : rnd32(f);
	switch (below(f, 5)) {
	case 0:
		o[1] = below(f, 2);		/* 0 or 1 */
		break;
	case 1:
		o[1] = room + 1 + below(f, 20);	/* past the end */
		break;
	default:
		o[1] = 2 + below(f, 11);	/* right for some kinds only */
		break;
	}
	len = o[1] < 2 ? 2 : o[1] > room ? room : o[1];
	fill(f, o + 2, len - 2);
	return len;
}

/*
 * Options, a multiple of four bytes up to 40: none, a well-formed set, or
 * well- and malformed ones mixed.  Their length.
 */
static size_t gen_opts(struct fuzz *f, const struct target *t, u8 *o)
{
	u32 mode = below(f, 10);
	size_t n = 0, len, max;

	if (mode < 4)
		return 0;
	max = 4 * (1 + below(f, 10));
	while (n < max) {
		if (mode < 8 || below(f, 2))
			len = good_opt(f, t, o + n, max - n);
		else
			len = bad_opt(f, o + n, max - n);
		if (!len) {
			o[n] = below(f, 4) ? TCPALT_OPT_NOP : TCPALT_OPT_EOL;
			len = 1;
		}
		n += len;
	}
	return max;
}

static size_t pick_data_len(struct fuzz *f, size_t room)
{
	u32 r = below(f, 100);
	size_t len;

	if (r < 55)
		len = 0;
	else if (r < 80)
		len = 1 + below(f, 100);
	else if (r < 92)
		len = 101 + below(f, 1360);
	else
		len = room;	/* as large as the MTU allows */
	return len < room ? len : room;
}

static u32 pick_seq(struct fuzz *f, const struct target *t, u32 seg_len)
{
	u32 r = t->rcv_nxt;

	switch (below(f, 10)) {
	case 0:
	case 1:
	case 2:
		return r;
	case 3:
	case 4:
		return r + around(f, 2000);
	case 5:
		return r + t->wnd + around(f, 2000);	/* the right edge */
	case 6:
		return r - seg_len - below(f, 70000);	/* just old */
	case 7:
		return r + below(f, t->wnd + 1);
	case 8:
		return r + 0x80000000u + around(f, 70000);
	default:
		return rnd32(f);
	}
}

static u32 pick_ack(struct fuzz *f, const struct target *t)
{
	u32 s = t->snd_nxt;

	switch (below(f, 10)) {
	case 0:
	case 1:
	case 2:
		return s;
	case 3:
	case 4:
		return s + around(f, 2000);
	case 5:
		return s - 65536 + around(f, 2000);	/* RFC 5961 5.2 edge */
	case 6:
		return s + 0x80000000u + around(f, 70000);
	case 7:
		return 0;
	default:
		return rnd32(f);
	}
}

/*
 * Whether b might accept a segment of seg_len at seq (RFC 9293 3.10.7.4),
 * with a byte to spare on each side and the widest window b could have.
 */
static bool may_accept(const struct target *t, u32 seq, u32 seg_len)
{
	return seq_in_range(seq, t->rcv_nxt - seg_len - 1,
			    t->rcv_nxt + t->wnd_max + 1);
}

/* A sequence number b takes for old or beyond its window. */
static u32 unacceptable_seq(struct fuzz *f, const struct target *t,
			    u32 seg_len)
{
	u32 seq;

	switch (below(f, 3)) {
	case 0:
		return t->rcv_nxt - seg_len - 2 - below(f, 65536);
	case 1:
		return t->rcv_nxt + t->wnd_max + 2 + below(f, 65536);
	default:
		do
			seq = rnd32(f);
		while (may_accept(t, seq, seg_len));
		return seq;
	}
}

static enum verdict classify(const u8 *seg, size_t len, bool bad_csum,
			     struct tcpalt_hdr *hdr, struct tcpalt_opts *opts)
{
	if (tcpalt_parse_hdr(seg, len, hdr) != TCPALT_PARSE_OK)
		return V_HDR;
	if (bad_csum)
		return V_CSUM;
	if (tcpalt_parse_opts(seg, hdr, opts) != TCPALT_PARSE_OK)
		return V_OPT;
	return V_OK;
}

/*
 * A connection that takes anything moves its RCV.NXT on with what it
 * takes; following it keeps later segments aimed at the window as it is,
 * and so at the receive queue and its reassembly.  The guess takes a
 * segment as b would only when it is sure: in order, ACK at SND.NXT, no
 * RST or SYN, a timestamp no older than TS.Recent.  (b may still refuse
 * it for a full buffer; then the guess runs ahead and what follows lands
 * out of order, which is worth sending too.)
 */
static void follow_chaos(struct target *t, const struct tcpalt_hdr *hdr,
			 const struct tcpalt_opts *opts, u32 seg_len)
{
	if (!(hdr->flags & TCPALT_ACK) ||
	    (hdr->flags & (TCPALT_RST | TCPALT_SYN)) ||
	    hdr->seq != t->rcv_nxt || hdr->ack != t->snd_nxt || !seg_len)
		return;
	if (opts->has_ts) {
		if (seq_before(opts->tsval, t->ts_recent))
			return;
		t->ts_recent = opts->tsval;
	}
	t->rcv_nxt += seg_len;
	t->taken += seg_len;
}

/* The pool's targets: a port of a's, nothing known of sequence state. */
static void pool_target(struct fuzz *f, struct target *t, enum kind kind)
{
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->aport = POOL_PORT + below(f, POOL_SIZE);
	t->bport = kind == K_LISTENER ? LISTEN_PORT : CLOSED_PORT;
	t->rcv_nxt = below(f, 2) ? rnd32(f) : below(f, 100);
	t->snd_nxt = rnd32(f);
	t->wnd = 65535;
	t->wnd_max = t->wnd;
}

/* A target by kind_weight; the listener's and closed port's in *pool. */
static struct target *pick_target(struct fuzz *f, struct target *pool)
{
	u32 r = below(f, 1000);
	int k;

	for (k = 0; k < NR_KINDS - 1; k++) {
		if (r < kind_weight[k])
			break;
		r -= kind_weight[k];
	}
	if (k == K_LISTENER || k == K_CLOSED) {
		pool_target(f, pool, k);
		return pool;
	}
	return f->by_kind[k][below(f, f->nr_of[k])];
}

/*
 * One segment into seg (at most SEG_MAX bytes); its length.  Counts what
 * it is and what b will make of it.
 */
static size_t gen_segment(struct fuzz *f, u8 *seg)
{
	struct target pool, *t = pick_target(f, &pool);
	size_t opt_len, data_len, len;
	u8 flags = pick_flags(f);
	struct tcpalt_opts opts;
	struct tcpalt_hdr hdr;
	bool bad_csum;
	enum verdict v;
	u32 doff, seq, seg_len;
	u16 csum;

	opt_len = gen_opts(f, t, seg + TCPALT_HDR_LEN);
	doff = (TCPALT_HDR_LEN + opt_len) / 4;
	if (!below(f, 8))
		doff = below(f, 16);
	data_len = pick_data_len(f, SEG_MAX - TCPALT_HDR_LEN - opt_len);
	fill(f, seg + TCPALT_HDR_LEN + opt_len, data_len);
	len = TCPALT_HDR_LEN + opt_len + data_len;
	if (!below(f, 25))
		len = below(f, len);	/* cut short */

	put16(seg, t->aport);
	put16(seg + 2, t->bport);
	put32(seg + 8, pick_ack(f, t));
	seg[12] = doff << 4 | (below(f, 20) ? 0 : below(f, 16));
	seg[13] = flags;
	put16(seg + 14, below(f, 5) ? rnd32(f) : below(f, 2) ? 0 : 65535);
	put16(seg + 16, 0);
	put16(seg + 18, (flags & TCPALT_URG) || !below(f, 10) ? rnd32(f) : 0);

	bad_csum = !below(f, 32);
	v = classify(seg, len, bad_csum, &hdr, &opts);
	/* The sequence space it takes, if b gets as far as to ask. */
	seg_len = v == V_HDR ? 0 : len - hdr.doff;
	seg_len += !!(flags & TCPALT_SYN) + !!(flags & TCPALT_FIN);
	seq = pick_seq(f, t, seg_len);
	/*
	 * A survivor takes nothing; a victim takes a RST or a SYN.  Only
	 * a segment that passes input.c's checks gets that far.
	 */
	if (v == V_OK && (t->kind == K_SURVIVOR ||
			  (t->kind == K_VICTIM &&
			   !(flags & (TCPALT_RST | TCPALT_SYN)))) &&
	    may_accept(t, seq, seg_len))
		seq = unacceptable_seq(f, t, seg_len);
	/*
	 * RFC 5961 3.2: only a RST at RCV.NXT exactly resets.  The
	 * connections that take anything take no such RST, so that they
	 * live to take the rest; half of them take no FIN either, and
	 * stay where data is received.
	 */
	if (v == V_OK && (flags & TCPALT_RST) && seq == t->rcv_nxt) {
		if (t->kind == K_CHAOS || (t->kind == K_VICTIM && t->spared))
			seq += 1 + below(f, t->wnd - 1);	/* challenged */
		else if (t->kind == K_VICTIM)
			t->must_reset++;
	}
	if (v == V_OK && t->kind == K_CHAOS && t->spared &&
	    (flags & TCPALT_FIN) && !(flags & (TCPALT_RST | TCPALT_SYN)) &&
	    may_accept(t, seq, seg_len))
		seq = unacceptable_seq(f, t, seg_len);
	put32(seg + 4, seq);
	if (v == V_OK && t->kind == K_CHAOS) {
		hdr.seq = seq;
		follow_chaos(t, &hdr, &opts, seg_len);
	}

	if (len >= 18) {
		struct in_addr a, b;

		inet_pton(AF_INET, ADDR_A, &a);
		inet_pton(AF_INET, ADDR_B, &b);
		csum = tcpalt_segment_csum((u8 *)&a, (u8 *)&b, IPPROTO_TCPALT,
					   seg, len);
		put16(seg + 16, bad_csum ? csum ^ 0x0100 : csum);
	}

	t->sent++;
	f->sent++;
	f->verdicts[v]++;
	if (t->kind == K_CLOSED && v == V_OK)
		f->closed_valid++;
	if (v == V_OK)
		f->flags_seen[flags] = true;
	if (len > 12)
		f->doff_seen[doff] = true;
	return len;
}

/* IP header included: source a, destination b, protocol 253. */
static void ip_header(u8 *pkt, size_t seg_len)
{
	struct iphdr *ip = (struct iphdr *)pkt;

	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(sizeof(*ip) + seg_len);
	ip->frag_off = htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCPALT;
	inet_pton(AF_INET, ADDR_A, &ip->saddr);
	inet_pton(AF_INET, ADDR_B, &ip->daddr);
}

/*
 * Reads what the connections that take anything took, so that their
 * windows stay open, and so that segments meet a socket its user holds
 * now and then (they wait on its backlog).
 */
static void drain_chaos(struct fuzz *f)
{
	static char buf[65536];
	int i;

	for (i = 0; i < f->nr_of[K_CHAOS]; i++)
		while (recv(f->by_kind[K_CHAOS][i]->srv, buf, sizeof(buf),
			    MSG_DONTWAIT) > 0)
			;
}

/*
 * n segments, BATCH to a sendmmsg() call; the kernel fills in the IP
 * header's checksum and ID.  0, or -1 with errno.
 */
static int fuzz_send(struct fuzz *f, long n)
{
	static u8 pkt[BATCH][20 + SEG_MAX];
	struct sockaddr_in to = sin_of(ADDR_B, 0);
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	int i, batch, done, r;

	memset(msg, 0, sizeof(msg));
	while (n > 0) {
		long long gen_start = now_ms();

		batch = n < BATCH ? n : BATCH;
		for (i = 0; i < batch; i++) {
			size_t len = gen_segment(f, pkt[i] + 20);

			ip_header(pkt[i], len);
			iov[i].iov_base = pkt[i];
			iov[i].iov_len = 20 + len;
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
			msg[i].msg_hdr.msg_name = &to;
			msg[i].msg_hdr.msg_namelen = sizeof(to);
		}
		f->gen_ms += now_ms() - gen_start;
		for (done = 0; done < batch; done += r) {
			r = sendmmsg(f->raw, msg + done, batch - done, 0);
			if (r < 0 && errno == ENOBUFS) {
				usleep(1000);
				r = 0;
			} else if (r < 0) {
				return -1;
			}
		}
		n -= batch;
		drain_chaos(f);
	}
	return 0;
}

/* Counters of b the checks look at. */
static const char *const counters[] = {
	"InSegs", "InErrs", "InCsumErrors", "InHdrErrors", "InOptErrors",
	"InAddrErrors", "InNoSocket", "InRsts", "EstabResets",
	"OutRsts", "ChallengeACKs", "OldAckDrops", "PAWSEstab",
	"PAWSTimewait", "TimeWaitRstIgnored", "TimeWaitKilled",
	"TimeWaitReused", "PassiveOpens", "SyncookiesSent",
	"SyncookiesFailed", "ListenDrops", "OfoQueue",
};

#define NR_COUNTERS	ARRAY_SIZE(counters)

struct snapshot {
	long long c[NR_COUNTERS];
	long long ip_in_receives, ip_in_delivers;
	long long veth_a_tx_dropped;
};

/* How much counter name moved from s0 to s1. */
static long long delta(const struct snapshot *s0, const struct snapshot *s1,
		       const char *name)
{
	size_t i;

	for (i = 0; i < NR_COUNTERS; i++)
		if (!strcmp(counters[i], name))
			return s1->c[i] - s0->c[i];
	return -1;
}

/*
 * veth-a's transmit drops, the 12th number of its line in a's
 * /proc/net/dev: what veth could not hand to b.
 */
static long long veth_a_tx_dropped(void)
{
	long long found = -1;
	char line[512], *p;
	FILE *f = fopen("/proc/thread-self/net/dev", "r");
	int i;

	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f)) {
		p = strstr(line, "veth-a:");
		if (!p)
			continue;
		p += strlen("veth-a:");
		for (i = 0; i < 11; i++)
			strtoull(p, &p, 10);
		found = strtoll(p, NULL, 10);
	}
	fclose(f);
	return found;
}

/*
 * b's counters with nothing on its way in: b's veth drops what arrives
 * meanwhile (before IP counts it), so the segments counted are those of
 * before and every one of them has been through tcpalt_v4_rcv().  The
 * connections' own retransmissions make up for what the drop costs.
 */
static int snapshot(struct snapshot *s)
{
	size_t i;
	int err = 0;

	if (drop_ingress(PEER_NS, "veth-b"))
		return -1;
	usleep(200000);	/* a softirq under way finishes */
	for (i = 0; i < NR_COUNTERS; i++) {
		s->c[i] = stat_get(PEER_NS, counters[i]);
		if (s->c[i] < 0)
			err = -1;
	}
	s->ip_in_receives = snmp_stat(PEER_NS, "Ip:", "InReceives");
	s->ip_in_delivers = snmp_stat(PEER_NS, "Ip:", "InDelivers");
	s->veth_a_tx_dropped = veth_a_tx_dropped();
	if (s->ip_in_receives < 0 || s->ip_in_delivers < 0 ||
	    s->veth_a_tx_dropped < 0)
		err = -1;
	if (allow_ingress(PEER_NS, "veth-b"))
		err = -1;
	return err;
}

/* An established connection's state, from b's socket and a probe. */
static int probe_estab(struct target *t)
{
	struct tcpalt_info info = { 0 };
	socklen_t len = sizeof(info);
	struct raw_peer p;
	struct raw_seg s;
	int rcvbuf, tries, got = 0;

	if (raw_peer_open(&p, t->aport, t->bport))
		return -1;
	/*
	 * A segment without ACK outside b's window draws an ACK that says
	 * SND.NXT, RCV.NXT and TS.Recent (the first such ACK a connection
	 * sends is never rate-limited).  Inside it, the segment is dropped
	 * unanswered; a window is less than 2^31, so of two numbers 2^31
	 * apart one is outside.
	 */
	for (tries = 0; tries < 2 && got != 1; tries++) {
		if (raw_send(&p, 0, 0x40000000u + 0x80000000u * tries, 0,
			     NULL, 0))
			break;
		got = raw_recv_flags(&p, TCPALT_ACK, 1000, &s);
	}
	raw_peer_close(&p);
	if (got != 1 ||
	    getsockopt(t->srv, IPPROTO_TCPALT, TCPALT_INFO, &info, &len))
		return -1;
	len = sizeof(rcvbuf);
	if (getsockopt(t->srv, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len))
		return -1;
	t->snd_nxt = s.hdr.seq;
	t->rcv_nxt = s.hdr.ack;
	t->wnd = info.tcpi_rcv_wnd;
	t->wnd_max = info.tcpi_rcv_wnd > rcvbuf ? info.tcpi_rcv_wnd : rcvbuf;
	t->ts_recent = s.opts.tsecr;
	t->ts_peer = s.opts.tsval;
	return 0;
}

static int exchange(int from, int to, size_t len)
{
	char buf[4096] = { 0 };
	size_t got = 0;
	ssize_t n;

	if (send(from, buf, len, 0) != (ssize_t)len)
		return -1;
	while (got < len) {
		n = recv(to, buf, sizeof(buf), 0);
		if (n <= 0)
			return -1;
		got += n;
	}
	return 0;
}

static void add_target(struct fuzz *f, struct target *t)
{
	f->by_kind[t->kind][f->nr_of[t->kind]++] = t;
}

/* Established connections through the listener, some data each way. */
static int setup_estab(struct fuzz *f, int lfd)
{
	struct target *t;
	int i;

	for (i = 0; i < NR_ESTAB; i++) {
		t = &f->t[f->nr++];
		t->kind = i < NR_SURVIVORS ? K_SURVIVOR :
			  i < NR_SURVIVORS + NR_VICTIMS ? K_VICTIM : K_CHAOS;
		t->spared = i % 2;
		t->cli = conn_socket(NULL);
		if (t->cli < 0 || sock_connect(t->cli, ADDR_B, LISTEN_PORT))
			return -1;
		t->srv = accept_wait(lfd, 5000);
		if (t->srv < 0 || exchange(t->cli, t->srv, 3000) ||
		    exchange(t->srv, t->cli, 5000))
			return -1;
		t->aport = local_port(t->cli);
		t->bport = LISTEN_PORT;
	}
	/* Let the last delayed ACKs go, so b has nothing unacknowledged. */
	usleep(500000);
	for (i = 0; i < NR_ESTAB; i++) {
		if (probe_estab(&f->t[i]))
			return -1;
		add_target(f, &f->t[i]);
	}
	return 0;
}

/* Requests in SYN-RECEIVED: raw SYNs whose SYN,ACKs go unanswered. */
static int setup_requests(struct fuzz *f)
{
	struct raw_peer p;
	struct raw_seg synack;
	struct target *t;
	int i, err;

	for (i = 0; i < NR_REQUESTS; i++) {
		t = &f->t[f->nr++];
		t->kind = K_REQUEST;
		t->aport = RAW_PORT + i;
		t->bport = LISTEN_PORT;
		if (raw_peer_open(&p, t->aport, t->bport))
			return -1;
		err = raw_syn_exchange(&p, rnd32(f), &synack);
		raw_peer_close(&p);
		if (err)
			return -1;
		t->rcv_nxt = p.snd_nxt;
		t->snd_nxt = p.rcv_nxt;
		t->wnd = synack.hdr.window;
		t->wnd_max = t->wnd;
		t->ts_recent = p.ts_val;
		t->ts_peer = synack.opts.tsval;
		add_target(f, t);
	}
	return 0;
}

/*
 * TIME-WAIT entries in b: a raw peer connects, b closes first, the peer
 * answers its FIN with an ACK and a FIN of its own.
 */
static int setup_timewaits(struct fuzz *f, int lfd)
{
	struct raw_peer p;
	struct raw_seg fin;
	struct target *t;
	int i, fd, err;

	for (i = 0; i < NR_TIMEWAITS; i++) {
		t = &f->t[f->nr++];
		t->kind = K_TIMEWAIT;
		t->aport = RAW_PORT + NR_REQUESTS + i;
		t->bport = LISTEN_PORT;
		if (raw_peer_open(&p, t->aport, t->bport))
			return -1;
		err = raw_connect(&p, rnd32(f), NULL);
		fd = err ? -1 : accept_wait(lfd, 5000);
		if (fd >= 0) {
			close(fd);
			err = raw_recv_flags(&p, TCPALT_FIN | TCPALT_ACK, 3000,
					     &fin) != 1 ||
			      raw_send(&p, TCPALT_FIN | TCPALT_ACK, p.snd_nxt,
				       fin.hdr.seq + 1, NULL, 0);
		}
		raw_peer_close(&p);
		if (fd < 0 || err)
			return -1;
		t->rcv_nxt = p.snd_nxt + 1;
		t->snd_nxt = fin.hdr.seq + 1;
		t->wnd = 65535;
		t->wnd_max = t->wnd;
		t->ts_recent = p.ts_val;
		t->ts_peer = fin.opts.tsval;
		add_target(f, t);
	}
	return conns_wait(PEER_NS, NULL, NULL, "TIME-WAIT", NR_TIMEWAITS, 3000,
			  NULL) == NR_TIMEWAITS ? 0 : -1;
}

/*
 * Moves len bytes each way at once, each stream a sequence of its own
 * that the receiver checks byte by byte.  0, or -1 on an error, a
 * mismatch or no progress for 30 s (a stuck connection).
 */
static int move_data(int a, int b, size_t len)
{
	size_t sent[2] = { 0 }, rcvd[2] = { 0 };
	int fd[2] = { a, b };
	long long idle_since = now_ms();
	u8 buf[16384];
	int i;

	set_nonblock(a);
	set_nonblock(b);
	while (rcvd[0] < len || rcvd[1] < len) {
		struct pollfd pfd[2];

		for (i = 0; i < 2; i++) {
			pfd[i].fd = fd[i];
			pfd[i].events = (sent[i] < len ? POLLOUT : 0) |
					(rcvd[!i] < len ? POLLIN : 0);
		}
		if (poll(pfd, 2, 1000) < 0)
			return -1;
		if (now_ms() - idle_since > 30000)
			return -1;
		for (i = 0; i < 2; i++) {
			ssize_t n;
			size_t k;

			if (pfd[i].revents & POLLOUT) {
				n = len - sent[i] < sizeof(buf) ?
				    len - sent[i] : sizeof(buf);
				for (k = 0; k < (size_t)n; k++)
					buf[k] = (sent[i] + k) * (i ? 7 : 13) +
						 ((sent[i] + k) >> 10);
				n = send(fd[i], buf, n, MSG_DONTWAIT);
				if (n < 0 && errno != EAGAIN)
					return -1;
				if (n > 0) {
					sent[i] += n;
					idle_since = now_ms();
				}
			}
			if (!(pfd[i].revents & (POLLIN | POLLERR | POLLHUP)))
				continue;
			/* fd[i] receives what fd[!i] sends */
			n = recv(fd[i], buf, sizeof(buf), MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno != EAGAIN))
				return -1;
			for (k = 0; n > 0 && k < (size_t)n; k++)
				if (buf[k] != (u8)((rcvd[!i] + k) * (i ? 13 : 7) +
						   ((rcvd[!i] + k) >> 10)))
					return -1;
			if (n > 0) {
				rcvd[!i] += n;
				idle_since = now_ms();
			}
		}
	}
	return 0;
}

/* Closes with a RST, so that nothing outlives the test as an orphan. */
static void close_abort(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/*
 * How many segments: a million on the stock kernel under make
 * check-full, a quarter of that under make check.  On the debug kernel
 * each costs some 17 times as much (measured under like loads: 2,370 a
 * second on the stock kernel, 139 on the debug one), so it sends a
 * hundred thousand under make check-full and half that under make
 * check.  TCPALT_FUZZ_SEGS overrides any of them, to replay a run or to
 * fuzz longer.
 */
static long fuzz_segments(void)
{
	const char *env = getenv("TCPALT_FUZZ_SEGS");

	if (env && *env)
		return atol(env);
	if (getenv("TCPALT_DEBUG_KERNEL"))
		return scale_size(100000, 50000, 50000);
	return scale_size(1000000, 250000, 100000);
}

static u64 fuzz_seed(void)
{
	const char *env = getenv("TCPALT_FUZZ_SEED");
	struct timespec ts;

	if (env && *env)
		return strtoull(env, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (u64)ts.tv_sec * 1000000007ULL + ts.tv_nsec;
}

FIXTURE(fuzz) {
	struct fuzz f;
	int lfd;
};

FIXTURE_SETUP(fuzz)
{
	struct fuzz *f = &self->f;
	int i;

	memset(f, 0, sizeof(*f));
	self->lfd = -1;
	for (i = 0; i < (int)ARRAY_SIZE(f->t); i++) {
		f->t[i].cli = -1;
		f->t[i].srv = -1;
	}
	if (proto_is_tcp())
		return;		/* the test skips */
	f->rng = fuzz_seed() ?: 1;
	TH_LOG("seed %llu (TCPALT_FUZZ_SEED replays it)",
	       (unsigned long long)f->rng);

	ASSERT_EQ(0, topo_setup());
	ASSERT_EQ(0, quiet_ns_a());
	/* The requests and entries stay for as long as the fuzz runs. */
	ASSERT_EQ(0, sysctl_set_in(PEER_NS, "synack_retries", "10"));
	ASSERT_EQ(0, sysctl_set_in(PEER_NS, "tw_timeout", "3600"));
	f->raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	ASSERT_LE(0, f->raw);
	self->lfd = conn_listen(PEER_NS, ADDR_B, LISTEN_PORT, 128);
	ASSERT_LE(0, self->lfd);
	ASSERT_EQ(0, setup_estab(f, self->lfd));
	ASSERT_EQ(0, setup_requests(f));
	ASSERT_EQ(0, setup_timewaits(f, self->lfd));
	set_nonblock(self->lfd);
}

FIXTURE_TEARDOWN(fuzz)
{
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(self->f.t); i++) {
		close_abort(self->f.t[i].cli);
		close_abort(self->f.t[i].srv);
	}
	if (self->lfd >= 0)
		close(self->lfd);
	if (self->f.raw > 0)
		close(self->f.raw);
	topo_teardown();
	/* Against TCP the module is not loaded, and stays so. */
	if (!proto_is_tcp() && !mod_loaded())
		mod_load("");
}

/* How far the guess of what a chaos connection took went right. */
static void log_chaos(struct __test_metadata *_metadata,
		      const struct target *t)
{
	struct tcpalt_info info = { 0 };
	socklen_t len = sizeof(info);

	getsockopt(t->srv, IPPROTO_TCPALT, TCPALT_INFO, &info, &len);
	TH_LOG("chaos %u: %lu segments, %u bytes taken by the guess, %llu received",
	       t->aport, t->sent, t->taken,
	       (unsigned long long)info.tcpi_bytes_received);
}

/* What the counters must say, from what was sent (see the comments). */
static void check_counters(struct __test_metadata *_metadata,
			   const struct fuzz *f, const struct snapshot *s0,
			   const struct snapshot *s1, long shot)
{
	long long drops = s1->veth_a_tx_dropped - s0->veth_a_tx_dropped;
	long long segs, errs, hdr, csum, opt;
	size_t i;

	for (i = 0; i < NR_COUNTERS; i++)
		TH_LOG("%-20s +%lld", counters[i], s1->c[i] - s0->c[i]);
	TH_LOG("veth-a drops %lld", drops);
	segs = delta(s0, s1, "InSegs");
	errs = delta(s0, s1, "InErrs");
	hdr = delta(s0, s1, "InHdrErrors");
	csum = delta(s0, s1, "InCsumErrors");
	opt = delta(s0, s1, "InOptErrors");

	/*
	 * b gets no IP but tcpalt's, all of it with a valid IP header:
	 * every datagram IP took in was delivered, and each delivery is
	 * one InSegs, counted before IP counts the delivery (the snapshots
	 * are taken with nothing under way, so the two match exactly).
	 */
	EXPECT_EQ(s1->ip_in_receives - s0->ip_in_receives,
		  s1->ip_in_delivers - s0->ip_in_delivers);
	EXPECT_EQ(s1->ip_in_delivers - s0->ip_in_delivers, segs);
	/* Every fuzz segment that left a's veth arrived; real ones add. */
	EXPECT_LE((long long)f->sent - drops, segs);
	/*
	 * Only the fuzzer sends malformed segments, and the reference
	 * parser says which check each fails first, as input.c does.
	 * InErrs is the sum of its reasons.
	 */
	EXPECT_LE((long long)f->verdicts[V_HDR] - drops, hdr);
	EXPECT_GE((long long)f->verdicts[V_HDR], hdr);
	EXPECT_LE((long long)f->verdicts[V_CSUM] - drops, csum);
	EXPECT_GE((long long)f->verdicts[V_CSUM], csum);
	EXPECT_LE((long long)f->verdicts[V_OPT] - drops, opt);
	EXPECT_GE((long long)f->verdicts[V_OPT], opt);
	EXPECT_EQ(0, delta(s0, s1, "InAddrErrors"));
	EXPECT_EQ(hdr + csum + opt, errs);
	/* Valid segments to the closed port find no socket; more do. */
	EXPECT_LE((long long)f->closed_valid - drops, delta(s0, s1, "InNoSocket"));
	/* Each victim reset took one acceptable RST in ESTABLISHED. */
	EXPECT_LE(shot, delta(s0, s1, "InRsts"));
	EXPECT_LE(shot, delta(s0, s1, "EstabResets"));
}

TEST_F_TIMEOUT(fuzz, segments_at_every_state, 3000)
{
	long n = fuzz_segments();
	size_t data = test_size(1 << 20, 256 << 10);
	struct fuzz *f = &self->f;
	struct snapshot s0, s1;
	long long start, end;
	long shot = 0;
	int i, err;
	char c;

	if (proto_is_tcp())
		SKIP(return, "the counters checked are tcpalt's");
	ASSERT_EQ(0, snapshot(&s0));
	start = now_ms();
	ASSERT_EQ(0, fuzz_send(f, n));
	TH_LOG("%ld segments in %lld ms, %lld of them making them", f->sent,
	       now_ms() - start, f->gen_ms);
	TH_LOG("%lu short or bad offset, %lu bad checksum, %lu bad options",
	       f->verdicts[V_HDR], f->verdicts[V_CSUM], f->verdicts[V_OPT]);
	TH_LOG("%lu valid", f->verdicts[V_OK]);
	for (i = 0; i < 256; i++)
		EXPECT_TRUE(f->flags_seen[i])
			TH_LOG("no valid segment with flags 0x%02x", i);
	for (i = 0; i < 16; i++)
		EXPECT_TRUE(f->doff_seen[i]) TH_LOG("doff %d unsent", i);

	ASSERT_EQ(0, snapshot(&s1));
	for (i = 0; i < f->nr_of[K_CHAOS]; i++)
		log_chaos(_metadata, f->by_kind[K_CHAOS][i]);
	/*
	 * A victim was reset if and only if it was sent a RST it had to
	 * take; the reset shows as ECONNRESET on b's socket.
	 */
	for (i = 0; i < f->nr_of[K_VICTIM]; i++) {
		struct target *t = f->by_kind[K_VICTIM][i];

		err = recv(t->srv, &c, 1, MSG_DONTWAIT) < 0 ? errno : 0;
		TH_LOG("victim %u: %lu segments, %lu RSTs at RCV.NXT",
		       t->aport, t->sent, t->must_reset);
		EXPECT_EQ(t->must_reset ? ECONNRESET : EAGAIN, err);
		shot += !!t->must_reset;
	}
	check_counters(_metadata, f, &s0, &s1, shot);

	/* The survivors and the victims spared carry data as before. */
	for (i = 0; i < NR_SURVIVORS + NR_VICTIMS; i++) {
		struct target *t = &f->t[i];

		if (t->must_reset)
			continue;
		start = now_ms();
		EXPECT_EQ(0, move_data(t->cli, t->srv, data))
			TH_LOG("port %u, after %lu segments", t->aport,
			       t->sent);
		TH_LOG("port %u: %zu bytes each way in %lld ms", t->aport,
		       data, now_ms() - start);
	}

	/* With every socket gone, nothing holds the module. */
	for (i = 0; i < f->nr; i++) {
		close_abort(f->t[i].cli);
		close_abort(f->t[i].srv);
		f->t[i].cli = -1;
		f->t[i].srv = -1;
	}
	close(self->lfd);
	self->lfd = -1;
	end = now_ms() + 20000;
	while ((err = mod_unload()) && now_ms() < end)
		usleep(100000);
	EXPECT_EQ(0, err);
	EXPECT_FALSE(mod_loaded());
	EXPECT_EQ(0, mod_load(""));
}

TEST_HARNESS_MAIN
