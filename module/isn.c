// SPDX-License-Identifier: GPL-2.0
/*
 * Initial sequence numbers, RFC 6528: ISN = M + F(localip, localport,
 * remoteip, remoteport, secretkey), F a keyed pseudorandom function
 * (SipHash-2-4 under a per-boot key) and M a clock.  The clock ticks
 * every 64 ns, as Linux's does, so it wraps in about 275 s, well above
 * the 2*MSL a reincarnated connection must outlast.
 */
#include <linux/ktime.h>
#include <linux/net.h>
#include <linux/siphash.h>

#include "conn.h"

static siphash_aligned_key_t isn_key;
static siphash_aligned_key_t ts_key;

static void keys_init(void)
{
	net_get_random_once(&isn_key, sizeof(isn_key));
	net_get_random_once(&ts_key, sizeof(ts_key));
}

u32 tcpalt_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	u32 f;

	keys_init();
	f = siphash_3u32((__force u32)saddr, (__force u32)daddr,
			 (__force u32)sport << 16 | (__force u32)dport,
			 &isn_key);
	return f + (u32)(ktime_get_real_ns() >> 6);
}

/*
 * A random offset for the timestamp clock of each pair of hosts (RFC
 * 7323 section 5.4), so TSval tells an observer nothing about uptime.
 */
u32 tcpalt_ts_offset(__be32 saddr, __be32 daddr)
{
	keys_init();
	return siphash_2u32((__force u32)saddr, (__force u32)daddr, &ts_key);
}
