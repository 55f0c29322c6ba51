// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 9293 3.10.7.1, a CLOSED port: every acceptable segment is answered
 * with a RST whose fields follow the RFC's rules, a RST never is, and the
 * blackhole sysctl silences the answers.  Segments go from a raw socket
 * in namespace a over veth to the module in namespace b.
 */
#include <errno.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib.h"

#define PORT_A	40000
#define PORT_B	5001
#define WAIT_MS	1000

FIXTURE(closed) {
	int raw;
};

FIXTURE_SETUP(closed)
{
	ASSERT_EQ(0, topo_setup());
	self->raw = raw_open(IPPROTO_TCPALT);
	ASSERT_LE(0, self->raw);
}

FIXTURE_TEARDOWN(closed)
{
	close(self->raw);
	topo_teardown();
}

static int exchange(int raw, const struct seg_out *s, struct tcpalt_hdr *got,
		    size_t *data_len, bool *csum_ok)
{
	if (seg_send(raw, IPPROTO_TCPALT, s))
		return -1;
	return seg_recv(raw, IPPROTO_TCPALT, s->hdr.sport, WAIT_MS, got,
			data_len, csum_ok);
}

/* SYN without ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
TEST_F(closed, syn_gets_rst_ack)
{
	struct seg_out s = { .hdr = { .sport = PORT_A, .dport = PORT_B,
				      .seq = 0xfffffff0, .flags = TCPALT_SYN,
				      .window = 64240 } };
	long long rsts = stat_get(PEER_NS, "OutRsts");
	struct tcpalt_hdr rst;
	size_t dlen;
	bool csum_ok;

	ASSERT_EQ(1, exchange(self->raw, &s, &rst, &dlen, &csum_ok));
	EXPECT_TRUE(csum_ok);
	EXPECT_EQ(PORT_B, rst.sport);
	EXPECT_EQ(PORT_A, rst.dport);
	EXPECT_EQ(TCPALT_RST | TCPALT_ACK, rst.flags);
	EXPECT_EQ(0u, rst.seq);
	EXPECT_EQ(0xfffffff1u, rst.ack);
	EXPECT_EQ(20, rst.doff);
	EXPECT_EQ(0, rst.window);
	EXPECT_EQ(0u, dlen);
	EXPECT_EQ(rsts + 1, stat_get(PEER_NS, "OutRsts"));
}

/* The SYN's options are ignored; SEG.LEN counts SYN, data and FIN. */
TEST_F(closed, syn_with_data_and_fin)
{
	const u8 opts[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7 };
	const u8 data[] = "hello";
	struct seg_out s = { .hdr = { .sport = PORT_A, .dport = PORT_B,
				      .seq = 0xfffffffe,
				      .flags = TCPALT_SYN | TCPALT_FIN },
			     .opts = opts, .opts_len = sizeof(opts),
			     .data = data, .data_len = 5 };
	struct tcpalt_hdr rst;
	size_t dlen;
	bool csum_ok;

	ASSERT_EQ(1, exchange(self->raw, &s, &rst, &dlen, &csum_ok));
	EXPECT_TRUE(csum_ok);
	EXPECT_EQ(TCPALT_RST | TCPALT_ACK, rst.flags);
	EXPECT_EQ(0u, rst.seq);
	/* 5 data + SYN + FIN past 0xfffffffe wraps to 5. */
	EXPECT_EQ(5u, rst.ack);
}

/* With ACK: <SEQ=SEG.ACK><CTL=RST>, no ACK bit. */
TEST_F(closed, ack_gets_rst_at_its_ack)
{
	struct seg_out s = { .hdr = { .sport = PORT_A, .dport = PORT_B,
				      .seq = 1000, .ack = 0x12345678,
				      .flags = TCPALT_ACK | TCPALT_PSH },
			     .data = (const u8 *)"x", .data_len = 1 };
	struct tcpalt_hdr rst;
	size_t dlen;
	bool csum_ok;

	ASSERT_EQ(1, exchange(self->raw, &s, &rst, &dlen, &csum_ok));
	EXPECT_TRUE(csum_ok);
	EXPECT_EQ(TCPALT_RST, rst.flags);
	EXPECT_EQ(0x12345678u, rst.seq);
	EXPECT_EQ(0u, rst.ack);
}

/* A RST is never answered, with or without ACK. */
TEST_F(closed, rst_is_not_answered)
{
	struct seg_out s = { .hdr = { .sport = PORT_A, .dport = PORT_B,
				      .seq = 1, .flags = TCPALT_RST } };
	long long nosock = stat_get(PEER_NS, "InNoSocket");
	long long rsts = stat_get(PEER_NS, "OutRsts");
	struct tcpalt_hdr got;
	size_t dlen;
	bool csum_ok;

	EXPECT_EQ(0, exchange(self->raw, &s, &got, &dlen, &csum_ok));
	s.hdr.flags = TCPALT_RST | TCPALT_ACK;
	s.hdr.ack = 77;
	EXPECT_EQ(0, exchange(self->raw, &s, &got, &dlen, &csum_ok));
	EXPECT_EQ(nosock + 2, stat_get(PEER_NS, "InNoSocket"));
	EXPECT_EQ(rsts, stat_get(PEER_NS, "OutRsts"));
}

/* blackhole=1 keeps quiet to SYNs only; 2 to everything. */
TEST_F(closed, blackhole_sysctl)
{
	struct seg_out syn = { .hdr = { .sport = PORT_A, .dport = PORT_B,
					.seq = 5, .flags = TCPALT_SYN } };
	struct seg_out ack = { .hdr = { .sport = PORT_A, .dport = PORT_B,
					.seq = 5, .ack = 9,
					.flags = TCPALT_ACK } };
	long long drops = stat_get(PEER_NS, "BlackholeDrops");
	struct tcpalt_hdr got;
	size_t dlen;
	bool csum_ok;

	ASSERT_EQ(0, sysctl_set_in(PEER_NS, "blackhole", "1"));
	EXPECT_EQ(0, exchange(self->raw, &syn, &got, &dlen, &csum_ok));
	EXPECT_EQ(1, exchange(self->raw, &ack, &got, &dlen, &csum_ok));
	EXPECT_EQ(TCPALT_RST, got.flags);

	ASSERT_EQ(0, sysctl_set_in(PEER_NS, "blackhole", "2"));
	EXPECT_EQ(0, exchange(self->raw, &syn, &got, &dlen, &csum_ok));
	EXPECT_EQ(0, exchange(self->raw, &ack, &got, &dlen, &csum_ok));
	EXPECT_EQ(drops + 3, stat_get(PEER_NS, "BlackholeDrops"));

	ASSERT_EQ(0, sysctl_set_in(PEER_NS, "blackhole", "0"));
	EXPECT_EQ(1, exchange(self->raw, &syn, &got, &dlen, &csum_ok));
}

/* Counters move where the segments arrive, and only there. */
TEST_F(closed, counters_in_receiving_namespace)
{
	struct seg_out s = { .hdr = { .sport = PORT_A, .dport = PORT_B,
				      .seq = 5, .flags = TCPALT_SYN } };
	long long in_b = stat_get(PEER_NS, "InSegs");
	long long out_b = stat_get(PEER_NS, "OutSegs");
	long long in_a = stat_get(NULL, "InSegs");
	long long out_a = stat_get(NULL, "OutSegs");
	struct tcpalt_hdr got;
	size_t dlen;
	bool csum_ok;

	ASSERT_EQ(1, exchange(self->raw, &s, &got, &dlen, &csum_ok));
	EXPECT_EQ(in_b + 1, stat_get(PEER_NS, "InSegs"));
	EXPECT_EQ(out_b + 1, stat_get(PEER_NS, "OutSegs"));
	/* a received b's RST through the module too, and sent nothing. */
	EXPECT_EQ(in_a + 1, stat_get(NULL, "InSegs"));
	EXPECT_EQ(out_a, stat_get(NULL, "OutSegs"));
}

TEST_HARNESS_MAIN
