// SPDX-License-Identifier: GPL-2.0
#include "icmp.h"
#include "seq.h"

bool tcpalt_icmp_seq_ok(u32 seq, u32 snd_una, u32 snd_max)
{
	return seq_after_eq(seq, snd_una) && seq_before_eq(seq, snd_max);
}

u32 tcpalt_pmtu_mss(u32 path_mtu, u32 overhead, u32 cur_mss, u32 min_mss)
{
	u32 mss = path_mtu > overhead ? path_mtu - overhead : 0;

	if (mss < min_mss)
		mss = min_mss;
	return mss < cur_mss ? mss : cur_mss;
}
