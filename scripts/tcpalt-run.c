// SPDX-License-Identifier: GPL-2.0
/*
 * tcpalt-run [-p PROTO] COMMAND [ARGS...]
 *
 * Runs an unmodified, dynamically linked program with its TCP sockets
 * made tcpalt sockets: tcpalt-preload.so, found next to this program,
 * is preloaded and turns socket(AF_INET, SOCK_STREAM, 0 or IPPROTO_TCP)
 * into socket(AF_INET, SOCK_STREAM, PROTO); nothing else changes, and
 * the program's children inherit it with the environment.  PROTO is
 * -p's, else the loaded module's `proto` parameter, else 253.
 *
 * It refuses, saying why, with status 2: when the module is not loaded
 * (unless PROTO is 6, TCP itself, which is there for comparing), when
 * the program is statically linked (its ELF file names no interpreter,
 * so nothing can be preloaded into it), or when the library is missing.
 * A script is judged by the interpreter its #! line names.
 *
 * Built as build/tcpalt-run by the top Makefile.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MODULE_DIR	"/sys/module/tcpalt"
#define PROTO_PARAM	MODULE_DIR "/parameters/proto"
#define PRELOAD_NAME	"tcpalt-preload.so"
#define DEFAULT_PROTO	253
#define TCP_PROTO	6
#define EXIT_REFUSED	2

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fputs("tcpalt-run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_REFUSED);
}

static void __attribute__((noreturn)) usage(void)
{
	fputs("usage: tcpalt-run [-p PROTO] COMMAND [ARGS...]\n", stderr);
	exit(EXIT_REFUSED);
}

/* A protocol number from 1 to 255, or -1. */
static int parse_proto(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || (*end && *end != '\n') || v < 1 || v > 255)
		return -1;
	return (int)v;
}

/* The module's proto parameter, or 253 if it cannot be read. */
static int module_proto(void)
{
	char buf[16] = "";
	FILE *f = fopen(PROTO_PARAM, "r");
	int proto = -1;

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			proto = parse_proto(buf);
		fclose(f);
	}
	return proto > 0 ? proto : DEFAULT_PROTO;
}

static bool module_loaded(void)
{
	struct stat st;

	return !stat(MODULE_DIR, &st) && S_ISDIR(st.st_mode);
}

/* name as execvp() finds it: a path with a slash, else along PATH. */
static bool find_program(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH"), *p, *colon;
	int n;

	if (strchr(name, '/')) {
		n = snprintf(out, size, "%s", name);
		return n > 0 && (size_t)n < size && !access(out, X_OK);
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = colon + 1) {
		colon = strchrnul(p, ':');
		n = snprintf(out, size, "%.*s/%s", (int)(colon - p),
			     colon == p ? "." : p, name);
		if (n > 0 && (size_t)n < size && !access(out, X_OK))
			return true;
		if (!*colon)
			return false;
	}
}

/* Whether an ELF64 file has a PT_INTERP program header: dynamic. */
static bool elf_has_interp(int fd, const Elf64_Ehdr *eh)
{
	Elf64_Phdr ph;
	int i;

	if (eh->e_phentsize != sizeof(ph))
		return false;
	for (i = 0; i < eh->e_phnum; i++) {
		off_t at = (off_t)(eh->e_phoff + (Elf64_Off)i * sizeof(ph));

		if (pread(fd, &ph, sizeof(ph), at) != (ssize_t)sizeof(ph))
			return false;
		if (ph.p_type == PT_INTERP)
			return true;
	}
	return false;
}

enum kind { KIND_DYNAMIC, KIND_STATIC, KIND_SCRIPT, KIND_OTHER };

/* What path is; for a script, *interp gets the #! line's program. */
static enum kind program_kind(const char *path, char *interp, size_t size)
{
	char head[PATH_MAX + 2];
	enum kind kind = KIND_OTHER;
	Elf64_Ehdr eh;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return KIND_OTHER;
	n = pread(fd, head, sizeof(head) - 1, 0);
	if (n >= 2 && head[0] == '#' && head[1] == '!') {
		head[n] = '\0';
		if (sscanf(head + 2, " %4095s", interp) == 1 &&
		    strlen(interp) < size)
			kind = KIND_SCRIPT;
	} else if (n >= (ssize_t)sizeof(eh) &&
		   !memcmp(head, ELFMAG, SELFMAG) &&
		   head[EI_CLASS] == ELFCLASS64) {
		memcpy(&eh, head, sizeof(eh));
		kind = elf_has_interp(fd, &eh) ? KIND_DYNAMIC : KIND_STATIC;
	}
	close(fd);
	return kind;
}

/* Refuses a program LD_PRELOAD cannot reach. */
static void check_program(const char *name)
{
	char path[PATH_MAX], interp[PATH_MAX];

	if (!find_program(name, path, sizeof(path)))
		die("%s: command not found", name);
	switch (program_kind(path, interp, sizeof(interp))) {
	case KIND_DYNAMIC:
		return;
	case KIND_STATIC:
		die("%s is statically linked: LD_PRELOAD cannot reach its socket() calls",
		    path);
	case KIND_SCRIPT:
		if (program_kind(interp, path, sizeof(path)) == KIND_DYNAMIC)
			return;
		die("%s runs %s, which is not a dynamically linked program",
		    name, interp);
	default:
		die("%s is not a 64-bit ELF program", path);
	}
}

/* The library beside this program; exits if it is not there. */
static void preload_path(char *out, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		die("cannot read /proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	if (snprintf(out, size, "%s/%s", self, PRELOAD_NAME) >= (int)size)
		die("%s: path too long", self);
	if (access(out, R_OK))
		die("%s is missing: run make first", out);
}

/* LD_PRELOAD with the library first, before what the user had. */
static void set_preload(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	char *val;

	if (old && *old) {
		if (asprintf(&val, "%s:%s", lib, old) < 0)
			die("out of memory");
	} else {
		val = strdup(lib);
		if (!val)
			die("out of memory");
	}
	if (setenv("LD_PRELOAD", val, 1))
		die("setenv: %s", strerror(errno));
	free(val);
}

int main(int argc, char **argv)
{
	char lib[PATH_MAX], num[12];
	int opt, proto = -1;

	while ((opt = getopt(argc, argv, "+p:h")) != -1) {
		if (opt != 'p')
			usage();
		proto = parse_proto(optarg);
		if (proto < 0)
			die("-p %s: not a protocol number (1 to 255)", optarg);
	}
	if (optind >= argc)
		usage();
	if (proto != TCP_PROTO && !module_loaded())
		die("the tcpalt module is not loaded (no %s): insmod tcpalt.ko first",
		    MODULE_DIR);
	if (proto < 0)
		proto = module_proto();
	preload_path(lib, sizeof(lib));
	check_program(argv[optind]);

	snprintf(num, sizeof(num), "%d", proto);
	if (setenv("TCPALT_RUN_PROTO", num, 1))
		die("setenv: %s", strerror(errno));
	set_preload(lib);
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "tcpalt-run: %s: %s\n", argv[optind], strerror(errno));
	return 127;
}
