// SPDX-License-Identifier: GPL-2.0
/*
 * tcpalt: an alternate TCP (RFC 9293) on IP protocol 253 or 254.
 *
 * Registration and life: the module, its per-namespace state, the IP
 * protocol handler and the socket family entry.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <net/net_namespace.h>
#include <net/protocol.h>

#include "conn.h"
#include "stats.h"
#include "tcpalt.h"

static uint proto_param = IPPROTO_TCPALT;
module_param_named(proto, proto_param, uint, 0444);
MODULE_PARM_DESC(proto, "IP protocol number: 253 (default) or 254");

u8 tcpalt_ipproto;
unsigned int tcpalt_net_id __read_mostly;

/* Ports, connections and listeners, and the request cache. */
static int __init tcpalt_tables_init(void)
{
	int err;

	err = tcpalt_port_init();
	if (err)
		return err;
	err = tcpalt_table_init();
	if (err)
		goto free_ports;
	err = tcpalt_request_init();
	if (err)
		goto free_table;
	err = tcpalt_tw_init();
	if (err)
		goto free_requests;
	return 0;

free_requests:
	tcpalt_request_exit();
free_table:
	tcpalt_table_exit();
free_ports:
	tcpalt_port_exit();
	return err;
}

static void tcpalt_tables_exit(void)
{
	tcpalt_tw_exit();
	tcpalt_request_exit();
	tcpalt_table_exit();
	tcpalt_port_exit();
}

static int __net_init tcpalt_net_init(struct net *net)
{
	int err;

	err = tcpalt_stats_net_init(net);
	if (err)
		return err;
	err = tcpalt_sysctl_net_init(net);
	if (err)
		goto free_stats;
	err = tcpalt_proc_net_init(net);
	if (err)
		goto free_sysctl;
	tcpalt_tw_net_init(net);
	tcpalt_syncookie_net_init(net);
	return 0;

free_sysctl:
	tcpalt_sysctl_net_exit(net);
free_stats:
	tcpalt_stats_net_exit(net);
	return err;
}

static void __net_exit tcpalt_net_exit(struct net *net)
{
	tcpalt_tw_net_exit(net);
	tcpalt_proc_net_exit(net);
	tcpalt_sysctl_net_exit(net);
	tcpalt_stats_net_exit(net);
}

static struct pernet_operations tcpalt_net_ops = {
	.init = tcpalt_net_init,
	.exit = tcpalt_net_exit,
	.id = &tcpalt_net_id,
	.size = sizeof(struct tcpalt_net),
};

/*
 * Without no_policy the IP layer applies the inbound IPsec policy before
 * the handler runs; with no socket to consult, that is the whole check.
 * ICMP errors check the quoted sequence number (icmp.c), the strict
 * validation that ip_no_pmtu_disc=3 asks of a protocol.
 */
static const struct net_protocol tcpalt_protocol = {
	.handler = tcpalt_v4_rcv,
	.err_handler = tcpalt_v4_err,
	.icmp_strict_tag_validation = 1,
};

/*
 * The receive handler goes in after the per-namespace state it counts
 * into, and the socket family entry goes in last: once socket() can make
 * a socket, the module may be pinned, so nothing after it may fail.
 */
static int __init tcpalt_init(void)
{
	int err;

	if (proto_param != IPPROTO_TCPALT &&
	    proto_param != IPPROTO_TCPALT_ALT) {
		pr_err("tcpalt: proto must be %d or %d\n", IPPROTO_TCPALT,
		       IPPROTO_TCPALT_ALT);
		return -EINVAL;
	}
	tcpalt_ipproto = proto_param;

	err = tcpalt_mem_init();
	if (err)
		return err;
	err = tcpalt_tables_init();
	if (err)
		goto free_mem;
	err = register_pernet_subsys(&tcpalt_net_ops);
	if (err)
		goto free_tables;
	err = tcpalt_proc_init();
	if (err)
		goto unregister_pernet;
	err = tcpalt_proto_register();
	if (err)
		goto remove_proc;
	err = tcpalt_offload_init();
	if (err) {
		pr_err("tcpalt: IP protocol %u has an offload already\n",
		       tcpalt_ipproto);
		goto unregister_proto;
	}
	if (inet_add_protocol(&tcpalt_protocol, tcpalt_ipproto)) {
		pr_err("tcpalt: IP protocol %u is taken\n", tcpalt_ipproto);
		err = -EBUSY;
		goto remove_offload;
	}
	err = tcpalt_diag_init();
	if (err) {
		pr_err("tcpalt: sock_diag has a handler for %u already\n",
		       tcpalt_ipproto);
		goto remove_protocol;
	}
	tcpalt_protosw_register();
	return 0;

remove_protocol:
	inet_del_protocol(&tcpalt_protocol, tcpalt_ipproto);
remove_offload:
	tcpalt_offload_exit();
unregister_proto:
	tcpalt_proto_unregister();
remove_proc:
	tcpalt_proc_exit();
unregister_pernet:
	unregister_pernet_subsys(&tcpalt_net_ops);
free_tables:
	tcpalt_tables_exit();
free_mem:
	tcpalt_mem_exit();
	return err;
}

static void __exit tcpalt_exit(void)
{
	tcpalt_protosw_unregister();
	tcpalt_diag_exit();
	inet_del_protocol(&tcpalt_protocol, tcpalt_ipproto);
	tcpalt_offload_exit();
	tcpalt_proto_unregister();
	tcpalt_proc_exit();
	unregister_pernet_subsys(&tcpalt_net_ops);
	/*
	 * Sockets and listeners are freed after a grace period; the
	 * namespaces' exits freed every TIME-WAIT entry.
	 */
	rcu_barrier();
	tcpalt_tables_exit();
	tcpalt_mem_exit();
}

module_init(tcpalt_init);
module_exit(tcpalt_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tcpalt: an alternate TCP on its own IP protocol number");
/*
 * socket(AF_INET, SOCK_STREAM, 253) asks for net-pf-2-proto-253-type-1
 * and then net-pf-2-proto-253.  SOCK_STREAM is an enum, which the alias
 * macros cannot stringify, hence its value 1.
 */
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET, IPPROTO_TCPALT, 1);
MODULE_ALIAS_NET_PF_PROTO(PF_INET, IPPROTO_TCPALT);
