// SPDX-License-Identifier: GPL-2.0
/*
 * The LD_PRELOAD library of tcpalt-run: a program's TCP sockets become
 * tcpalt sockets.  socket(AF_INET, SOCK_STREAM, 0 or IPPROTO_TCP), with
 * SOCK_NONBLOCK and SOCK_CLOEXEC or not, is made with the protocol that
 * TCPALT_RUN_PROTO names (253 when it is unset or not a number from 1
 * to 255); every other call, and every other socket, goes to the C
 * library's socket() unchanged.  The options a program then sets at
 * IPPROTO_TCP's level work because tcpalt takes them there too.
 *
 * Built as build/tcpalt-preload.so by the top Makefile.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#define TCPALT_DEFAULT_PROTO	253

typedef int (*socket_fn)(int domain, int type, int protocol);

static socket_fn next_socket;
static int alt_proto = TCPALT_DEFAULT_PROTO;

static void __attribute__((constructor)) tcpalt_preload_init(void)
{
	const char *s = getenv("TCPALT_RUN_PROTO");
	char *end;
	long v;

	next_socket = (socket_fn)dlsym(RTLD_NEXT, "socket");
	if (!s || !*s)
		return;
	v = strtol(s, &end, 10);
	if (!*end && v >= 1 && v <= 255)
		alt_proto = (int)v;
}

static int is_tcp(int domain, int type, int protocol)
{
	int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

	return domain == AF_INET && kind == SOCK_STREAM &&
	       (protocol == 0 || protocol == IPPROTO_TCP);
}

int socket(int domain, int type, int protocol)
{
	/* Called before our constructor ran: from another one, say. */
	if (!next_socket)
		tcpalt_preload_init();
	if (!next_socket) {
		errno = ENOSYS;
		return -1;
	}
	if (is_tcp(domain, type, protocol))
		protocol = alt_proto;
	return next_socket(domain, type, protocol);
}
