// SPDX-License-Identifier: GPL-2.0
/*
 * Protocol memory: what all tcpalt sockets together hold in their queues,
 * in pages, against the "mem" sysctl's three limits, as TCP's tcp_mem.
 *
 * The generic socket code does the accounting once struct proto points
 * at these totals: sk_wmem_schedule() and sk_rmem_schedule() reserve
 * pages before a queue takes an skb, and refuse past the hard limit;
 * sk_mem_charge() and sk_mem_uncharge() move the socket's reserve.
 * Above the pressure limit the protocol is under memory pressure until
 * it falls below the low one: buffers stop growing, the window we offer
 * stays small, and a socket keeps only a fair share (sock.c's rules).
 *
 * The totals and the limits are the protocol's, not a namespace's: every
 * namespace shares the memory, as every namespace shares TCP's tcp_mem.
 */
#include <linux/mm.h>
#include <linux/percpu_counter.h>
#include <linux/swap.h>
#include <net/sock.h>

#include "conn.h"
#include "stats.h"
#include "tcpalt.h"

atomic_long_t tcpalt_memory_allocated;
DEFINE_PER_CPU(int, tcpalt_memory_per_cpu_fw_alloc);
struct percpu_counter tcpalt_sockets_allocated;
unsigned long tcpalt_memory_pressure;
long tcpalt_sysctl_mem[3];

/*
 * What a socket keeps each way under pressure whatever the others hold:
 * TCP's tcp_rmem[0] and tcp_wmem[0].  Only the first value is read.
 */
int tcpalt_mem_min_buf[3] = { 4096, 4096, 4096 };

/* struct proto .enter_memory_pressure: counted once per episode. */
void tcpalt_enter_memory_pressure(struct sock *sk)
{
	unsigned long since = jiffies ?: 1;

	if (READ_ONCE(tcpalt_memory_pressure))
		return;
	if (!cmpxchg(&tcpalt_memory_pressure, 0, since))
		tcpalt_stat_inc(tcpalt_net(sock_net(sk)),
				TCPALT_STAT_MEMORY_PRESSURES);
}

/* struct proto .leave_memory_pressure. */
void tcpalt_leave_memory_pressure(struct sock *sk)
{
	if (READ_ONCE(tcpalt_memory_pressure))
		WRITE_ONCE(tcpalt_memory_pressure, 0);
}

/*
 * The protocol is over its hard limit and this socket holds more than a
 * minimal send buffer: an orphan in that state is reset rather than kept
 * (TCP's tcp_out_of_memory()).
 */
bool tcpalt_out_of_memory(const struct sock *sk)
{
	return READ_ONCE(sk->sk_wmem_queued) > SOCK_MIN_SNDBUF &&
	       sk_memory_allocated(sk) > sk_prot_mem_limits(sk, 2);
}

/*
 * Whether a buffer may grow: not under pressure, nor before the protocol
 * is back below its low limit (as TCP's tcp_should_expand_sndbuf()).
 */
bool tcpalt_mem_may_grow(const struct sock *sk)
{
	return !sk_under_memory_pressure(sk) &&
	       sk_memory_allocated(sk) < sk_prot_mem_limits(sk, 0);
}

/*
 * The limits by default, from the memory the kernel could give buffers,
 * as TCP computes tcp_mem: pressure at 1/16 of it, low at 3/4 of that,
 * the hard limit at twice low.
 */
static void tcpalt_mem_defaults(void)
{
	unsigned long limit = max(nr_free_buffer_pages() / 16, 128UL);

	tcpalt_sysctl_mem[0] = limit / 4 * 3;
	tcpalt_sysctl_mem[1] = limit;
	tcpalt_sysctl_mem[2] = tcpalt_sysctl_mem[0] * 2;
}

int tcpalt_mem_init(void)
{
	tcpalt_mem_defaults();
	return percpu_counter_init(&tcpalt_sockets_allocated, 0, GFP_KERNEL);
}

void tcpalt_mem_exit(void)
{
	percpu_counter_destroy(&tcpalt_sockets_allocated);
}

/*
 * The protocol's pages, for /proc/tcpalt/stats: the total plus what each
 * CPU holds back from it (up to 1 MiB either way, sock.h's per-CPU
 * reserve), so that it reads 0 once every queue is empty.
 */
long tcpalt_mem_pages(void)
{
	long pages = atomic_long_read(&tcpalt_memory_allocated);
	int cpu;

	for_each_possible_cpu(cpu)
		pages += per_cpu(tcpalt_memory_per_cpu_fw_alloc, cpu);
	return pages;
}
