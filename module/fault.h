/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deliberate faults, to prove the debug kernel leg catches what it must.
 * Only selftests/build/test_debug_faults.sh defines one of these, in a
 * build of its own; no other build ever does, and without them the hook
 * is empty.
 */
#ifndef _TCPALT_FAULT_H
#define _TCPALT_FAULT_H

#include <linux/delay.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#if defined(TCPALT_FAULT_SLEEP_IN_RX)
/* Sleeping in softirq: DEBUG_ATOMIC_SLEEP reports it. */
static inline void tcpalt_fault_rx(struct sk_buff *skb)
{
	msleep(20);
}
#elif defined(TCPALT_FAULT_DOUBLE_FREE)
/* The caller frees skb again: KASAN reports the double free. */
static inline void tcpalt_fault_rx(struct sk_buff *skb)
{
	kfree_skb(skb);
}
#elif defined(TCPALT_FAULT_LEAK)
/* Memory nobody points to: kmemleak reports it. */
static inline void tcpalt_fault_rx(struct sk_buff *skb)
{
	void *leak = kmalloc(64, GFP_ATOMIC);

	if (leak)
		memset(leak, 0, 64);
}
#else
static inline void tcpalt_fault_rx(struct sk_buff *skb)
{
}
#endif

#endif /* _TCPALT_FAULT_H */
