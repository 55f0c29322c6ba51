// SPDX-License-Identifier: GPL-2.0
#include "csum.h"

u32 tcpalt_csum_add(u32 sum, const u8 *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += tcpalt_get_be16(buf + i);
		/* Fold early so no carry is ever lost, whatever the length. */
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1)
		sum += (u32)buf[len - 1] << 8;
	return sum;
}

u16 tcpalt_csum_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

u16 tcpalt_segment_csum(const u8 saddr[4], const u8 daddr[4], u8 proto,
			const u8 *seg, size_t len)
{
	u32 sum;

	sum = tcpalt_csum_add(0, saddr, 4);
	sum = tcpalt_csum_add(sum, daddr, 4);
	sum += proto;
	sum += (u32)len;
	return tcpalt_csum_fold(tcpalt_csum_add(sum, seg, len));
}
