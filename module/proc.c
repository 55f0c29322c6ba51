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
 * inode, as the README's procfs section lists them.  Produced in one pass
 * under RCU; the fields of a connection are read without its lock, as netstat's
 * are, so a line may mix values from either side of a segment.  Those fields
 * are marked "lockless: procfs" in struct tcpalt_sock, and stored with
 * WRITE_ONCE().
 */
static const char *const timer_names[] = {
	[TCPALT_RTX_NONE] = "off",
	[TCPALT_RTX_RETRANSMIT] = "retransmit",
	[TCPALT_RTX_PERSIST] = "persist",
	[TCPALT_RTX_FIN_WAIT2] = "fin_wait2",
};

static void show_addr(struct seq_file *seq, __be32 addr, __be16 port)
{
	seq_printf(seq, "%pI4:%u ", &addr, ntohs(port));
}

static long ms_left(unsigned long deadline)
{
	long left = (long)(deadline - jiffies);

	return left > 0 ? jiffies_to_msecs(left) : 0;
}

void tcpalt_show_request(struct seq_file *seq, __be32 laddr, __be16 lport,
			 __be32 raddr, __be16 rport, long expires,
			 unsigned int retrans)
{
	show_addr(seq, laddr, lport);
	show_addr(seq, raddr, rport);
	seq_printf(seq, "%s 0 0 retransmit:%ld:%u 0 0\n",
		   tcpalt_state_name(TCPALT_SYN_RECV),
		   expires > 0 ? (long)jiffies_to_msecs(expires) : 0L,
		   retrans);
}

static void show_timer(struct seq_file *seq, const struct tcpalt_sock *tp)
{
	const struct sock *sk = &tp->inet.sk;
	u8 job = READ_ONCE(tp->rtx_job);

	if (job >= ARRAY_SIZE(timer_names))
		job = TCPALT_RTX_NONE;
	if (job != TCPALT_RTX_NONE)
		seq_printf(seq, "%s:%ld:%u ", timer_names[job],
			   ms_left(READ_ONCE(tp->rtx_deadline)),
			   READ_ONCE(tp->retransmits));
	else if (timer_pending(&sk->sk_timer))
		seq_printf(seq, "keepalive:%ld:%u ",
			   ms_left(READ_ONCE(sk->sk_timer.expires)),
			   READ_ONCE(tp->ka_probes_out));
	else if (timer_pending(&tp->delack_timer))
		seq_printf(seq, "delack:%ld:0 ",
			   ms_left(READ_ONCE(tp->delack_timer.expires)));
	else
		seq_puts(seq, "off:0:0 ");
}

static void show_sock(struct sock *sk, void *arg)
{
	struct seq_file *seq = arg;
	const struct tcpalt_sock *tp = tcpalt_sk(sk);
	const struct inet_sock *inet = inet_sk(sk);
	int state = inet_sk_state_load(sk);
	u32 tx, rx;

	if (state == TCP_LISTEN) {
		tx = READ_ONCE(sk->sk_max_ack_backlog);
		rx = READ_ONCE(sk->sk_ack_backlog);
	} else {
		tx = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_una);
		rx = max_t(int, READ_ONCE(tp->rcv_nxt) -
			   READ_ONCE(tp->fin_rcvd) -
			   READ_ONCE(tp->copied_seq), 0);
	}
	show_addr(seq, inet->inet_rcv_saddr, inet->inet_sport);
	show_addr(seq, inet->inet_daddr, inet->inet_dport);
	seq_printf(seq, "%s %u %u ", tcpalt_state_name(state), tx, rx);
	show_timer(seq, tp);
	seq_printf(seq, "%u %lu\n",
		   from_kuid_munged(seq_user_ns(seq), sock_i_uid(sk)),
		   sock_i_ino(sk));
	if (state == TCP_LISTEN)
		tcpalt_listener_show(sk, seq);
}

static int conns_show(struct seq_file *seq, void *v)
{
	tcpalt_stat_inc(tcpalt_net(seq_file_single_net(seq)),
			TCPALT_STAT_CONNS_WALKS);
	seq_puts(seq, TCPALT_CONNS_HEADER "\n");
	tcpalt_conns_walk(seq_file_single_net(seq), show_sock, seq);
	tcpalt_tw_show_all(seq_file_single_net(seq), seq);
	return 0;
}

int tcpalt_proc_net_init(struct net *net)
{
	struct tcpalt_net *tn = tcpalt_net(net);

	tn->proc_dir = proc_net_mkdir(net, "tcpalt", net->proc_net);
	if (!tn->proc_dir)
		return -ENOMEM;
	if (!proc_create_net_single("conns", 0444, tn->proc_dir, conns_show,
				    NULL) ||
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
