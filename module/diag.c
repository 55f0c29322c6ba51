// SPDX-License-Identifier: GPL-2.0
/*
 * sock_diag (inet_diag) for tcpalt's protocol number: what `ss -tan`
 * gets from TCP, asked with sdiag_protocol 253 (or 254).  Listeners,
 * requests (SYN-RECEIVED with no socket), connections and TIME-WAIT
 * entries, each as an inet_diag_msg in TCP's state numbers and timer
 * codes, a connection's INET_DIAG_INFO as struct tcp_info; the state,
 * port and bytecode filters; exact match; SOCK_DESTROY.
 *
 * A dump goes in four phases, listeners, requests, connections and
 * TIME-WAIT entries, each chain by chain; cb->args keeps where the last
 * reply stopped: the phase, the chain and the number of the namespace's
 * entries passed on it (for requests, the listener's and then the
 * request's).  Like TCP's, a dump that runs while entries come and go
 * may miss or repeat one of them; it never holds a lock across chains.
 *
 * inet_diag calls the handler under its table mutex, in process context.
 */
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <net/inet_timewait_sock.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "conn.h"
#include "listen.h"
#include "tcpalt.h"

/* inet_diag_msg.idiag_timer, in the codes TCP fills and ss names. */
enum {
	DIAG_TIMER_OFF,
	DIAG_TIMER_ON,		/* retransmission */
	DIAG_TIMER_KEEPALIVE,	/* TCP's FIN-WAIT-2 timer too */
	DIAG_TIMER_TIMEWAIT,
	DIAG_TIMER_PERSIST,
};

/* cb->args[0]: the phase of a dump. */
enum {
	PHASE_LISTENERS,
	PHASE_REQUESTS,
	PHASE_CONNS,
	PHASE_TIMEWAIT,
	PHASE_DONE,
};

/* Sockets taken from a chain at a time, to fill outside RCU. */
#define GRAB_MAX	16

struct diag_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	const struct inet_diag_req_v2 *req;
	const struct nlattr *bc;
	bool net_admin;
	unsigned int num;	/* the namespace's entries passed on a chain */
	unsigned int skip;	/* of them, those dumped already */
	unsigned int req_skip;	/* requests of the first listener, same */
	unsigned int stop_num;	/* where a full reply stopped */
	unsigned int stop_req;
	unsigned int grabbed;
	struct sock *socks[GRAB_MAX];
	unsigned int pos[GRAB_MAX];
};

static u32 ms_until(unsigned long deadline)
{
	long left = (long)(deadline - jiffies);

	return left > 0 ? jiffies_to_msecs(left) : 0;
}

/* The same queues /proc/tcpalt/conns shows; under the socket lock. */
static void diag_queues(struct sock *sk, struct inet_diag_msg *r)
{
	const struct tcpalt_sock *tp = tcpalt_sk(sk);

	if (sk->sk_state == TCP_LISTEN) {
		r->idiag_rqueue = READ_ONCE(sk->sk_ack_backlog);
		r->idiag_wqueue = READ_ONCE(sk->sk_max_ack_backlog);
		return;
	}
	r->idiag_rqueue = max_t(int, tp->rcv_nxt - tp->fin_rcvd -
				tp->copied_seq, 0);
	r->idiag_wqueue = tp->write_seq - tp->snd_una;
}

/*
 * The pending timer, as /proc/tcpalt/conns names it, in TCP's codes: an
 * orphan's FIN-WAIT-2 timer is TCP's keep-alive timer there, and TCP
 * shows no delayed-ACK timer.  Under the socket lock.
 */
static void diag_timer(struct sock *sk, struct inet_diag_msg *r)
{
	const struct tcpalt_sock *tp = tcpalt_sk(sk);
	unsigned long deadline = tp->rtx_deadline;

	r->idiag_retrans = tp->retransmits;
	switch (tp->rtx_job) {
	case TCPALT_RTX_RETRANSMIT:
		r->idiag_timer = DIAG_TIMER_ON;
		break;
	case TCPALT_RTX_PERSIST:
		r->idiag_timer = DIAG_TIMER_PERSIST;
		break;
	case TCPALT_RTX_FIN_WAIT2:
		r->idiag_timer = DIAG_TIMER_KEEPALIVE;
		break;
	default:
		r->idiag_retrans = 0;
		if (!timer_pending(&sk->sk_timer)) {
			r->idiag_timer = DIAG_TIMER_OFF;
			return;
		}
		r->idiag_timer = DIAG_TIMER_KEEPALIVE;
		r->idiag_retrans = tp->ka_probes_out;
		deadline = sk->sk_timer.expires;
	}
	r->idiag_expires = ms_until(deadline);
}

/* struct inet_diag_handler .idiag_get_info, under the socket lock. */
static void diag_get_info(struct sock *sk, struct inet_diag_msg *r,
			  void *info)
{
	diag_queues(sk, r);
	diag_timer(sk, r);
	if (info)
		tcpalt_fill_tcp_info(sk, info);
}

static int diag_put_meminfo(struct sock *sk, struct sk_buff *skb, int ext)
{
	struct inet_diag_meminfo minfo;

	if (ext & (1 << (INET_DIAG_MEMINFO - 1))) {
		minfo = (struct inet_diag_meminfo){
			.idiag_rmem = sk_rmem_alloc_get(sk),
			.idiag_wmem = READ_ONCE(sk->sk_wmem_queued),
			.idiag_fmem = sk_forward_alloc_get(sk),
			.idiag_tmem = sk_wmem_alloc_get(sk),
		};
		if (nla_put(skb, INET_DIAG_MEMINFO, sizeof(minfo), &minfo))
			return -EMSGSIZE;
	}
	if ((ext & (1 << (INET_DIAG_SKMEMINFO - 1))) &&
	    sock_diag_put_meminfo(sk, skb, INET_DIAG_SKMEMINFO))
		return -EMSGSIZE;
	return 0;
}

static struct nlmsghdr *diag_msg_put(struct sk_buff *skb,
				     struct netlink_callback *cb, u16 flags)
{
	return nlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			 cb->nlh->nlmsg_type, sizeof(struct inet_diag_msg),
			 flags);
}

/* A listener or a connection; takes the socket lock. */
static int diag_fill_sock(struct sock *sk, struct sk_buff *skb,
			  struct netlink_callback *cb,
			  const struct inet_diag_req_v2 *req, u16 flags,
			  bool net_admin)
{
	int ext = req->idiag_ext;
	struct inet_diag_msg *r;
	struct nlattr *attr;
	struct nlmsghdr *nlh;
	void *info = NULL;

	nlh = diag_msg_put(skb, cb, flags);
	if (!nlh)
		return -EMSGSIZE;
	r = nlmsg_data(nlh);
	lock_sock(sk);
	inet_diag_msg_common_fill(r, sk);
	r->idiag_state = sk->sk_state;
	if (inet_diag_msg_attrs_fill(sk, skb, r, ext,
				     sk_user_ns(NETLINK_CB(cb->skb).sk),
				     net_admin) ||
	    diag_put_meminfo(sk, skb, ext))
		goto cancel;
	if (ext & (1 << (INET_DIAG_INFO - 1))) {
		attr = nla_reserve_64bit(skb, INET_DIAG_INFO,
					 sizeof(struct tcp_info),
					 INET_DIAG_PAD);
		if (!attr)
			goto cancel;
		info = nla_data(attr);
	}
	diag_get_info(sk, r, info);
	release_sock(sk);
	nlmsg_end(skb, nlh);
	return 0;

cancel:
	release_sock(sk);
	nlmsg_cancel(skb, nlh);
	return -EMSGSIZE;
}

/* A request or a TIME-WAIT entry: no socket, so no uid or inode. */
struct diag_entry {
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 rport;
	int dif;
	u32 mark;
	u8 state;
	u8 timer;
	u8 retrans;
	u32 expires_ms;
};

static int diag_fill_entry(const struct diag_entry *e, struct sk_buff *skb,
			   struct netlink_callback *cb, u16 flags,
			   bool net_admin)
{
	struct inet_diag_msg *r;
	struct nlmsghdr *nlh;

	nlh = diag_msg_put(skb, cb, flags);
	if (!nlh)
		return -EMSGSIZE;
	r = nlmsg_data(nlh);
	memset(r, 0, sizeof(*r));
	r->idiag_family = AF_INET;
	r->idiag_state = e->state;
	r->idiag_timer = e->timer;
	r->idiag_retrans = e->retrans;
	r->idiag_expires = e->expires_ms;
	r->id.idiag_sport = e->lport;
	r->id.idiag_dport = e->rport;
	r->id.idiag_src[0] = e->laddr;
	r->id.idiag_dst[0] = e->raddr;
	r->id.idiag_if = e->dif;
	r->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	r->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (net_admin && nla_put_u32(skb, INET_DIAG_MARK, e->mark)) {
		nlmsg_cancel(skb, nlh);
		return -EMSGSIZE;
	}
	nlmsg_end(skb, nlh);
	return 0;
}

static void request_entry(const struct tcpalt_request *req, int dif,
			  struct diag_entry *e)
{
	*e = (struct diag_entry){
		.laddr = req->laddr,
		.raddr = req->raddr,
		.lport = req->lport,
		.rport = req->rport,
		.dif = dif,
		.mark = req->mark,
		.state = TCP_SYN_RECV,
		.timer = DIAG_TIMER_ON,
		.retrans = req->retrans,
		.expires_ms = ms_until(req->deadline),
	};
}

static void tw_entry(const struct tcpalt_tw_diag *d, struct diag_entry *e)
{
	*e = (struct diag_entry){
		.laddr = d->laddr,
		.raddr = d->raddr,
		.lport = d->lport,
		.rport = d->rport,
		.dif = d->bound_dev_if,
		.state = TCP_TIME_WAIT,
		.timer = DIAG_TIMER_TIMEWAIT,
		.expires_ms = d->expires_ms,
	};
}

static bool ports_match(const struct inet_diag_req_v2 *req, __be16 lport,
			__be16 rport)
{
	return (!req->id.idiag_sport || req->id.idiag_sport == lport) &&
	       (!req->id.idiag_dport || req->id.idiag_dport == rport);
}

/*
 * The bytecode filter for an entry with no socket.  inet_diag_bc_sk()
 * reads a socket's sock_common, and for one in TIME-WAIT (no full
 * socket) the mark from struct inet_timewait_sock: a zeroed one on the
 * stack, made to stand for the entry, gives it all that it reads.
 */
static bool entry_bc_match(const struct nlattr *bc, const struct diag_entry *e)
{
	struct inet_timewait_sock tw;

	if (!bc)
		return true;
	memset(&tw, 0, sizeof(tw));
	tw.tw_family = AF_INET;
	tw.tw_state = TCP_TIME_WAIT;
	tw.tw_rcv_saddr = e->laddr;
	tw.tw_daddr = e->raddr;
	tw.tw_num = ntohs(e->lport);
	tw.tw_dport = e->rport;
	tw.tw_bound_dev_if = e->dif;
	tw.tw_mark = e->mark;
	return inet_diag_bc_sk(bc, (struct sock *)&tw);
}

static bool entry_wanted(const struct diag_dump *d, const struct diag_entry *e)
{
	return (d->req->idiag_states & (1 << e->state)) &&
	       ports_match(d->req, e->lport, e->rport) &&
	       entry_bc_match(d->bc, e);
}

/* Under RCU: does sk pass the request's filters? */
static bool sock_wanted(const struct diag_dump *d, struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);

	return (d->req->idiag_states & (1 << inet_sk_state_load(sk))) &&
	       ports_match(d->req, inet->inet_sport, inet->inet_dport) &&
	       inet_diag_bc_sk(d->bc, sk);
}

/* Under RCU: takes the chain's wanted sockets, GRAB_MAX at most. */
static int grab_sock(struct sock *sk, void *arg)
{
	struct diag_dump *d = arg;
	unsigned int num = d->num++;

	if (num < d->skip || !sock_wanted(d, sk) ||
	    !refcount_inc_not_zero(&sk->sk_refcnt))
		return 0;
	d->socks[d->grabbed] = sk;
	d->pos[d->grabbed] = num;
	return ++d->grabbed == GRAB_MAX;
}

/* Fills what grab_sock() took; false, with stop_num, once the reply is full. */
static bool fill_grabbed(struct diag_dump *d)
{
	bool room = true;
	unsigned int k;

	for (k = 0; k < d->grabbed; k++) {
		if (room && diag_fill_sock(d->socks[k], d->skb, d->cb, d->req,
					   NLM_F_MULTI, d->net_admin)) {
			room = false;
			d->stop_num = d->pos[k];
		}
		sock_put(d->socks[k]);
	}
	return room;
}

/* Listeners or connections from chain i on; false once the reply is full. */
static bool dump_socks(struct diag_dump *d, bool listeners, unsigned int *i)
{
	unsigned int chains = tcpalt_table_chains(listeners);
	struct net *net = sock_net(d->skb->sk);
	bool more;

	for (; *i < chains; (*i)++, d->skip = 0) {
		do {
			d->num = 0;
			d->grabbed = 0;
			more = tcpalt_table_chain_walk(listeners, *i, net,
						       grab_sock, d);
			if (!fill_grabbed(d))
				return false;
			if (more)
				d->skip = d->pos[GRAB_MAX - 1] + 1;
		} while (more);
		cond_resched();
	}
	return true;
}

/*
 * Under RCU: the requests of a listener, under its lock; non-zero once
 * the reply is full, with stop_num and stop_req.
 */
static int dump_requests_of(struct sock *sk, void *arg)
{
	struct diag_dump *d = arg;
	unsigned int num = d->num++, n = 0, skip;
	struct tcpalt_listener *l = listener_rcu(sk);
	struct tcpalt_request *req;
	struct diag_entry e;
	unsigned int i;
	int full = 0;

	if (num < d->skip || !l)
		return 0;
	skip = num == d->skip ? d->req_skip : 0;
	spin_lock_bh(&l->lock);
	for (i = 0; !l->dead && i <= l->mask && !full; i++) {
		hlist_for_each_entry(req, &l->requests[i], node) {
			if (n++ < skip)
				continue;
			request_entry(req, sk->sk_bound_dev_if, &e);
			if (!entry_wanted(d, &e))
				continue;
			full = diag_fill_entry(&e, d->skb, d->cb, NLM_F_MULTI,
					       d->net_admin);
			if (full) {
				d->stop_num = num;
				d->stop_req = n - 1;
				break;
			}
		}
	}
	spin_unlock_bh(&l->lock);
	return full;
}

static bool dump_requests(struct diag_dump *d, unsigned int *i)
{
	unsigned int chains = tcpalt_table_chains(true);
	struct net *net = sock_net(d->skb->sk);

	for (; *i < chains; (*i)++, d->skip = 0, d->req_skip = 0) {
		d->num = 0;
		if (tcpalt_table_chain_walk(true, *i, net, dump_requests_of, d))
			return false;
	}
	return true;
}

/* Under RCU: one TIME-WAIT entry; non-zero once the reply is full. */
static int dump_tw_entry(const struct tcpalt_tw_diag *tw, void *arg)
{
	struct diag_dump *d = arg;
	unsigned int num = d->num++;
	struct diag_entry e;

	if (num < d->skip)
		return 0;
	tw_entry(tw, &e);
	if (!entry_wanted(d, &e))
		return 0;
	if (diag_fill_entry(&e, d->skb, d->cb, NLM_F_MULTI, d->net_admin)) {
		d->stop_num = num;
		return 1;
	}
	return 0;
}

static bool dump_timewait(struct diag_dump *d, unsigned int *i)
{
	unsigned int chains = 1U << TCPALT_CONN_HASH_BITS;
	struct net *net = sock_net(d->skb->sk);

	for (; *i < chains; (*i)++, d->skip = 0) {
		d->num = 0;
		if (tcpalt_tw_diag_chain(net, *i, dump_tw_entry, d))
			return false;
		if (!(*i & 1023))
			cond_resched();
	}
	return true;
}

/* Does the phase hold anything the request's states ask for? */
static bool phase_wanted(int phase, u32 states)
{
	switch (phase) {
	case PHASE_LISTENERS:
		return states & TCPF_LISTEN;
	case PHASE_REQUESTS:
		return states & TCPF_SYN_RECV;
	case PHASE_CONNS:
		return states & ~(TCPF_LISTEN | TCPF_TIME_WAIT);
	default:
		return states & TCPF_TIME_WAIT;
	}
}

static bool dump_phase(struct diag_dump *d, int phase, unsigned int *i)
{
	switch (phase) {
	case PHASE_LISTENERS:
		return dump_socks(d, true, i);
	case PHASE_REQUESTS:
		return dump_requests(d, i);
	case PHASE_CONNS:
		return dump_socks(d, false, i);
	default:
		return dump_timewait(d, i);
	}
}

static void diag_dump(struct sk_buff *skb, struct netlink_callback *cb,
		      const struct inet_diag_req_v2 *req)
{
	struct inet_diag_dump_data *cb_data = cb->data;
	struct diag_dump d = {
		.skb = skb,
		.cb = cb,
		.req = req,
		.bc = cb_data->inet_diag_nla_bc,
		.net_admin = netlink_net_capable(cb->skb, CAP_NET_ADMIN),
		.skip = cb->args[2],
		.req_skip = cb->args[3],
	};
	int phase = cb->args[0];
	unsigned int i = cb->args[1];

	/* tcpalt is IPv4 only: an AF_INET6 dump has nothing. */
	if (req->sdiag_family != AF_INET && req->sdiag_family != AF_UNSPEC)
		return;
	for (; phase < PHASE_DONE; phase++, i = 0, d.skip = 0,
	     d.req_skip = 0) {
		if (!phase_wanted(phase, req->idiag_states))
			continue;
		if (!dump_phase(&d, phase, &i)) {
			cb->args[0] = phase;
			cb->args[1] = i;
			cb->args[2] = d.stop_num;
			cb->args[3] = d.stop_req;
			return;
		}
	}
	cb->args[0] = PHASE_DONE;
}

/*
 * The socket of the exact 4-tuple asked for, with a reference: a
 * connection, or a listener when the remote end is left zero.
 */
static struct sock *diag_find_sock(struct net *net,
				   const struct inet_diag_req_v2 *req)
{
	const struct inet_diag_sockid *id = &req->id;
	struct sock *sk;

	rcu_read_lock();
	sk = tcpalt_lookup_conn(net, id->idiag_dst[0], id->idiag_dport,
				id->idiag_src[0], id->idiag_sport,
				id->idiag_if, 0);
	if (!sk && !id->idiag_dst[0] && !id->idiag_dport)
		sk = tcpalt_lookup_listener(net, id->idiag_src[0],
					    id->idiag_sport, id->idiag_if, 0);
	rcu_read_unlock();
	if (sk && sock_diag_check_cookie(sk, id->idiag_cookie)) {
		sock_put(sk);
		sk = NULL;
	}
	return sk;
}

/*
 * A request of the listener on the local end, into *e; with destroy,
 * the request goes instead.
 */
static bool diag_find_request(struct net *net,
			      const struct inet_diag_req_v2 *req,
			      struct diag_entry *e, bool destroy)
{
	const struct inet_diag_sockid *id = &req->id;
	struct tcpalt_request *r = NULL;
	struct tcpalt_listener *l;
	struct sock *lsk;

	rcu_read_lock();
	lsk = tcpalt_lookup_listener(net, id->idiag_src[0], id->idiag_sport,
				     id->idiag_if, 0);
	l = lsk ? listener_rcu(lsk) : NULL;
	if (l) {
		spin_lock_bh(&l->lock);
		if (!l->dead)
			r = tcpalt_request_lookup(l, id->idiag_src[0],
						  id->idiag_dst[0],
						  id->idiag_dport);
		if (r && destroy)
			tcpalt_request_abort(l, r);
		else if (r)
			request_entry(r, lsk->sk_bound_dev_if, e);
		spin_unlock_bh(&l->lock);
	}
	rcu_read_unlock();
	if (lsk)
		sock_put(lsk);
	return r;
}

/* An entry with no socket has no cookie: only "any" matches it. */
static bool nocookie(const struct inet_diag_req_v2 *req)
{
	return req->id.idiag_cookie[0] == INET_DIAG_NOCOOKIE &&
	       req->id.idiag_cookie[1] == INET_DIAG_NOCOOKIE;
}

static bool diag_find_entry(struct net *net,
			    const struct inet_diag_req_v2 *req,
			    struct diag_entry *e)
{
	const struct inet_diag_sockid *id = &req->id;
	struct tcpalt_tw_diag tw;

	if (!nocookie(req))
		return false;
	if (tcpalt_tw_diag_find(net, id->idiag_src[0], id->idiag_sport,
				id->idiag_dst[0], id->idiag_dport,
				id->idiag_if, &tw)) {
		tw_entry(&tw, e);
		return true;
	}
	return diag_find_request(net, req, e, false);
}

/* Room for the reply: TCP's inet_sk_attr_size(), less what tcpalt has not. */
static size_t diag_reply_size(void)
{
	return nla_total_size(sizeof(struct tcp_info)) +
	       nla_total_size(sizeof(struct inet_diag_msg)) +
	       inet_diag_msg_attrs_size() +
	       nla_total_size(sizeof(struct inet_diag_meminfo)) +
	       nla_total_size(SK_MEMINFO_VARS * sizeof(u32)) + 64;
}

static int diag_dump_one(struct netlink_callback *cb,
			 const struct inet_diag_req_v2 *req)
{
	struct sk_buff *in_skb = cb->skb;
	bool net_admin = netlink_net_capable(in_skb, CAP_NET_ADMIN);
	struct net *net = sock_net(in_skb->sk);
	struct diag_entry e;
	struct sk_buff *rep;
	struct sock *sk;
	int err;

	if (req->sdiag_family != AF_INET)
		return -EINVAL;
	sk = diag_find_sock(net, req);
	if (!sk && !diag_find_entry(net, req, &e))
		return -ENOENT;
	rep = nlmsg_new(diag_reply_size(), GFP_KERNEL);
	if (!rep) {
		err = -ENOMEM;
		goto out;
	}
	if (sk)
		err = diag_fill_sock(sk, rep, cb, req, 0, net_admin);
	else
		err = diag_fill_entry(&e, rep, cb, 0, net_admin);
	if (WARN_ON_ONCE(err)) {
		nlmsg_free(rep);
		goto out;
	}
	err = nlmsg_unicast(net->diag_nlsk, rep, NETLINK_CB(in_skb).portid);
out:
	if (sk)
		sock_put(sk);
	return err;
}

/*
 * SOCK_DESTROY, as TCP's tcp_abort(): a connection is aborted (RST to
 * the peer where RFC 9293's ABORT sends one) and its user sees err; a
 * listener stops listening, its requests and unaccepted children reset.
 * An orphan is left alone, as TCP leaves it.  struct proto .diag_destroy;
 * sock_diag_destroy() checked CAP_NET_ADMIN.
 */
int tcpalt_diag_destroy(struct sock *sk, int err)
{
	lock_sock(sk);
	if (sock_flag(sk, SOCK_DEAD) || sk->sk_state == TCP_CLOSE)
		goto out;
	WRITE_ONCE(sk->sk_err, err);
	sk_error_report(sk);
	if (sk->sk_state == TCP_LISTEN) {
		tcpalt_set_state(sk, TCP_CLOSE);
		tcpalt_listen_stop(sk);
		sk->sk_state_change(sk);
	} else {
		tcpalt_sm_event(sk, NULL, TCPALT_EV_ABORT);
	}
out:
	release_sock(sk);
	return 0;
}

static int diag_destroy(struct sk_buff *in_skb,
			const struct inet_diag_req_v2 *req)
{
	const struct inet_diag_sockid *id = &req->id;
	struct net *net = sock_net(in_skb->sk);
	struct diag_entry e;
	struct sock *sk;
	int err;

	if (req->sdiag_family != AF_INET)
		return -EINVAL;
	sk = diag_find_sock(net, req);
	if (sk) {
		err = sock_diag_destroy(sk, ECONNABORTED);
		sock_put(sk);
		return err;
	}
	if (!nocookie(req))
		return -ENOENT;
	if (!netlink_net_capable(in_skb, CAP_NET_ADMIN))
		return -EPERM;
	if (!tcpalt_tw_diag_destroy(net, id->idiag_src[0], id->idiag_sport,
				    id->idiag_dst[0], id->idiag_dport,
				    id->idiag_if))
		return 0;
	return diag_find_request(net, req, &e, true) ? 0 : -ENOENT;
}

static struct inet_diag_handler tcpalt_diag_handler = {
	.dump = diag_dump,
	.dump_one = diag_dump_one,
	.idiag_get_info = diag_get_info,
	.destroy = diag_destroy,
	.idiag_info_size = sizeof(struct tcp_info),
};

int tcpalt_diag_init(void)
{
	tcpalt_diag_handler.idiag_type = tcpalt_ipproto;
	return inet_diag_register(&tcpalt_diag_handler);
}

void tcpalt_diag_exit(void)
{
	inet_diag_unregister(&tcpalt_diag_handler);
}
