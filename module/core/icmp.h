/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an ICMP error about one of our segments may change: whether to
 * believe it at all (RFC 5927 section 4.1), and the segment size a
 * smaller path MTU leaves (RFC 1191).
 */
#ifndef _TCPALT_CORE_ICMP_H
#define _TCPALT_CORE_ICMP_H

#include "compat.h"

/*
 * The error quotes a segment we sent and the peer has not acknowledged:
 * SND.UNA <= seq <= SND.MAX (the highest sequence number sent), both ends
 * included as Linux's TCP includes them.  Anything else is stale or forged.
 */
bool tcpalt_icmp_seq_ok(u32 seq, u32 snd_una, u32 snd_max);

/*
 * The payload of a full segment on a path of path_mtu bytes, each segment
 * carrying overhead bytes of IP and tcpalt headers: never more than
 * cur_mss (a path MTU only lowers it here) nor less than min_mss (a
 * floor against a path that claims to carry almost nothing).
 */
u32 tcpalt_pmtu_mss(u32 path_mtu, u32 overhead, u32 cur_mss, u32 min_mss);

#endif /* _TCPALT_CORE_ICMP_H */
