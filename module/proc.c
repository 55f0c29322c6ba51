// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/tcpalt/{conns,stats} in every network namespace, and the
 * /proc/tcpalt symlink.  The symlink goes through /proc/net, which is
 * itself /proc/self/net, so a reader always sees its own namespace.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "stats.h"
#include "tcpalt.h"

static struct proc_dir_entry *tcpalt_proc_link;

/*
 * The connection list.  Only the header line so far: listeners,
 * requests, connections and TIME_WAIT entries come with the lookup tables.
 */
static void *conns_seq_start(struct seq_file *seq, loff_t *pos)
{
	return *pos == 0 ? SEQ_START_TOKEN : NULL;
}

static void *conns_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return NULL;
}

static void conns_seq_stop(struct seq_file *seq, void *v)
{
}

static int conns_seq_show(struct seq_file *seq, void *v)
{
	if (v == SEQ_START_TOKEN)
		seq_puts(seq, TCPALT_CONNS_HEADER "\n");
	return 0;
}

static const struct seq_operations conns_seq_ops = {
	.start = conns_seq_start,
	.next = conns_seq_next,
	.stop = conns_seq_stop,
	.show = conns_seq_show,
};

int tcpalt_proc_net_init(struct net *net)
{
	struct tcpalt_net *tn = tcpalt_net(net);

	tn->proc_dir = proc_net_mkdir(net, "tcpalt", net->proc_net);
	if (!tn->proc_dir)
		return -ENOMEM;
	if (!proc_create_net("conns", 0444, tn->proc_dir, &conns_seq_ops,
			     sizeof(struct seq_net_private)) ||
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
