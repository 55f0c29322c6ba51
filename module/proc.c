// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcpalt/{conns,stats} in every network namespace, and the
 * /proc/tcpalt symlink.  The symlink goes through /proc/net, which is
 * itself /proc/self/net, so a reader always sees its own namespace.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "conn.h"
#include "stats.h"
#include "tcpalt.h"

static struct proc_dir_entry *tcpalt_proc_link;

/*
 * The connection list, one line per listener, request, connection and
 * TIME-WAIT entry: addresses, state, queues, the pending timer, uid and
 * inode, as the README's procfs section lists them.
 *
 * It is a seq_file iterator over the listener table (each listener
 * followed by its requests), then the connection table, then the
 * TIME-WAIT table.  Its position is a chain and the number of the
 * namespace's entries before it on that chain, so each buffer's worth
 * resumes where the last stopped, and a read of the whole file walks
 * the tables once.  A line is copied out under RCU (and, for a request,
 * the listener's lock) a line at a time; RCU is dropped every
 * CHAINS_PER_RCU chains, and nothing is held between buffers or while a
 * line is printed.  An entry that comes or goes, or moves, meanwhile
 * may be missed or shown twice, as with /proc/net/tcp.
 *
 * The fields of a connection are read without its lock, as netstat's
 * are, so a line may mix values from either side of a segment.  Those
 * fields are marked "lockless: procfs" in struct tcpalt_sock, and stored
 * with WRITE_ONCE().
 */
static const char *const timer_names[] = {
	[TCPALT_RTX_NONE] = "off",
	[TCPALT_RTX_RETRANSMIT] = "retransmit",
	[TCPALT_RTX_PERSIST] = "persist",
	[TCPALT_RTX_FIN_WAIT2] = "fin_wait2",
};

/* Empty chains passed with RCU held, at most; then a chance to resched. */
#define CHAINS_PER_RCU	256

enum conns_table {
	CONNS_LISTENERS,
	CONNS_CONNECTIONS,
	CONNS_TIME_WAIT,
	CONNS_END,
};

/* Where the iterator stands: an entry, or the place it would be at. */
struct conns_pos {
	enum conns_table table;
	unsigned int chain;
	unsigned int n;			/* the namespace's entries before */
	bool request;			/* one of listener n's requests */
	unsigned int req_chain;		/* then its place among them */
	unsigned int req_n;
};

struct conns_iter {
	struct seq_net_private p;	/* first: proc_create_net() */
	struct conns_pos pos;
	loff_t last;			/* the seq_file index of pos */
	struct tcpalt_conns_line line;	/* the entry at pos */
};

void tcpalt_conns_line_fill(struct tcpalt_conns_line *line, int state,
			    __be32 laddr, __be16 lport, __be32 raddr,
			    __be16 rport, const char *timer, long left)
{
	*line = (struct tcpalt_conns_line){
		.laddr = laddr,
		.raddr = raddr,
		.lport = lport,
		.rport = rport,
		.state = state,
		.timer = timer,
		.timer_ms = left > 0 ? jiffies_to_msecs(left) : 0,
	};
}

static void line_timer(struct tcpalt_conns_line *line,
		       const struct tcpalt_sock *tp)
{
	const struct sock *sk = &tp->inet.sk;
	u8 job = READ_ONCE(tp->rtx_job);
	long left = 0;

	if (job >= ARRAY_SIZE(timer_names))
		job = TCPALT_RTX_NONE;
	line->timer = "off";
	if (job != TCPALT_RTX_NONE) {
		line->timer = timer_names[job];
		left = READ_ONCE(tp->rtx_deadline) - jiffies;
		line->timer_count = READ_ONCE(tp->retransmits);
	} else if (timer_pending(&sk->sk_timer)) {
		line->timer = "keepalive";
		left = READ_ONCE(sk->sk_timer.expires) - jiffies;
		line->timer_count = READ_ONCE(tp->ka_probes_out);
	} else if (timer_pending(&tp->delack_timer)) {
		line->timer = "delack";
		left = READ_ONCE(tp->delack_timer.expires) - jiffies;
	}
	line->timer_ms = left > 0 ? jiffies_to_msecs(left) : 0;
}

static void line_of_sock(struct tcpalt_conns_line *line, struct sock *sk,
			 struct user_namespace *user_ns)
{
	const struct tcpalt_sock *tp = tcpalt_sk(sk);
	const struct inet_sock *inet = inet_sk(sk);
	int state = inet_sk_state_load(sk);

	tcpalt_conns_line_fill(line, state, inet->inet_rcv_saddr,
			       inet->inet_sport, inet->inet_daddr,
			       inet->inet_dport, NULL, 0);
	if (state == TCP_LISTEN) {
		line->tx_queue = READ_ONCE(sk->sk_max_ack_backlog);
		line->rx_queue = READ_ONCE(sk->sk_ack_backlog);
	} else {
		line->tx_queue = READ_ONCE(tp->write_seq) -
				 READ_ONCE(tp->snd_una);
		line->rx_queue = max_t(int, READ_ONCE(tp->rcv_nxt) -
				       READ_ONCE(tp->fin_rcvd) -
				       READ_ONCE(tp->copied_seq), 0);
	}
	line_timer(line, tp);
	line->uid = from_kuid_munged(user_ns, sock_i_uid(sk));
	line->ino = sock_i_ino(sk);
}

/* Under RCU: a listener and its requests, from pos on. */
static bool fetch_listener(struct seq_file *seq, struct conns_pos *pos,
			   struct tcpalt_conns_line *line)
{
	struct sock *sk;

	for (;; pos->n++, pos->request = false) {
		sk = tcpalt_table_nth(seq_file_net(seq), true, pos->chain,
				      pos->n);
		if (!sk)
			return false;
		if (!pos->request) {
			line_of_sock(line, sk, seq_user_ns(seq));
			return true;
		}
		if (tcpalt_listener_request_at(sk, &pos->req_chain,
					       &pos->req_n, line))
			return true;
	}
}

/* Under RCU: the entry at pos, or the first after it on its chain. */
static bool fetch_on_chain(struct seq_file *seq, struct conns_pos *pos,
			   struct tcpalt_conns_line *line)
{
	struct net *net = seq_file_net(seq);
	struct sock *sk;

	switch (pos->table) {
	case CONNS_LISTENERS:
		return fetch_listener(seq, pos, line);
	case CONNS_CONNECTIONS:
		sk = tcpalt_table_nth(net, false, pos->chain, pos->n);
		if (!sk)
			return false;
		line_of_sock(line, sk, seq_user_ns(seq));
		return true;
	case CONNS_TIME_WAIT:
		return tcpalt_tw_at(net, pos->chain, pos->n, line);
	default:
		return false;
	}
}

static unsigned int table_chains(enum conns_table table)
{
	/* The TIME-WAIT table has the connection table's chains. */
	return tcpalt_table_chains(table == CONNS_LISTENERS);
}

static void next_chain(struct conns_pos *pos)
{
	unsigned int table = pos->table;

	*pos = (struct conns_pos){ .table = table, .chain = pos->chain + 1 };
	if (pos->chain == table_chains(pos->table))
		*pos = (struct conns_pos){ .table = table + 1 };
}

/*
 * The entry at pos or the first after it, into line, with pos moved to
 * it; false at the end.  Sleeps.
 */
static bool conns_fetch(struct seq_file *seq, struct conns_pos *pos,
			struct tcpalt_conns_line *line)
{
	unsigned int chains = 0;
	bool found = false;

	rcu_read_lock();
	while (pos->table != CONNS_END) {
		found = fetch_on_chain(seq, pos, line);
		if (found)
			break;
		next_chain(pos);
		if (++chains % CHAINS_PER_RCU)
			continue;
		rcu_read_unlock();
		cond_resched();
		rcu_read_lock();
	}
	rcu_read_unlock();
	return found;
}

/* Past the entry at pos: a listener's requests follow it. */
static void conns_step(struct conns_pos *pos)
{
	if (pos->table == CONNS_LISTENERS && !pos->request) {
		pos->request = true;
		pos->req_chain = 0;
		pos->req_n = 0;
	} else if (pos->request) {
		pos->req_n++;
	} else {
		pos->n++;
	}
}

static void *conns_next(struct seq_file *seq, void *v, loff_t *index)
{
	struct conns_iter *it = seq->private;

	++*index;
	if (v == SEQ_START_TOKEN)
		it->pos = (struct conns_pos){ .table = CONNS_LISTENERS };
	else
		conns_step(&it->pos);
	it->last = *index;
	return conns_fetch(seq, &it->pos, &it->line) ? &it->line : NULL;
}

/*
 * Index 0 is the header.  A read resumes at the entry the last one
 * stopped at (one that did not fit, or the end), found again by its
 * position; any other index, after a seek, means walking from the
 * start, which ConnsWalks counts.
 */
static void *conns_start(struct seq_file *seq, loff_t *index)
{
	struct conns_iter *it = seq->private;
	loff_t i;

	if (*index && *index == it->last)
		return conns_fetch(seq, &it->pos, &it->line) ? &it->line : NULL;
	tcpalt_stat_inc(tcpalt_net(seq_file_net(seq)), TCPALT_STAT_CONNS_WALKS);
	it->last = 0;
	if (!*index)
		return SEQ_START_TOKEN;
	it->pos = (struct conns_pos){ .table = CONNS_LISTENERS };
	for (i = 1; conns_fetch(seq, &it->pos, &it->line); i++) {
		if (i == *index) {
			it->last = i;
			return &it->line;
		}
		conns_step(&it->pos);
	}
	return NULL;
}

static void conns_stop(struct seq_file *seq, void *v)
{
}

static void show_addr(struct seq_file *seq, __be32 addr, __be16 port)
{
	seq_printf(seq, "%pI4:%u ", &addr, ntohs(port));
}

static int conns_show(struct seq_file *seq, void *v)
{
	const struct tcpalt_conns_line *line = v;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, TCPALT_CONNS_HEADER "\n");
		return 0;
	}
	show_addr(seq, line->laddr, line->lport);
	show_addr(seq, line->raddr, line->rport);
	seq_printf(seq, "%s %u %u %s:%lu:%u %u %lu\n",
		   tcpalt_state_name(line->state), line->tx_queue,
		   line->rx_queue, line->timer, line->timer_ms,
		   line->timer_count, line->uid, line->ino);
	return 0;
}

static const struct seq_operations conns_seq_ops = {
	.start = conns_start,
	.next = conns_next,
	.stop = conns_stop,
	.show = conns_show,
};

int tcpalt_proc_net_init(struct net *net)
{
	struct tcpalt_net *tn = tcpalt_net(net);

	tn->proc_dir = proc_net_mkdir(net, "tcpalt", net->proc_net);
	if (!tn->proc_dir)
		return -ENOMEM;
	if (!proc_create_net("conns", 0444, tn->proc_dir, &conns_seq_ops,
			     sizeof(struct conns_iter)) ||
	    !proc_create_net_single("stats", 0444, tn->proc_dir,
				    tcpalt_stats_show, NULL)) {
		remove_proc_subtree("tcpalt", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

void tcpalt_proc_net_exit(struct net *net)
{
	remove_proc_subtree("tcpalt", net->proc_net);
}

int tcpalt_proc_init(void)
{
	tcpalt_proc_link = proc_symlink("tcpalt", NULL, "net/tcpalt");
	return tcpalt_proc_link ? 0 : -ENOMEM;
}

void tcpalt_proc_exit(void)
{
	proc_remove(tcpalt_proc_link);
}
