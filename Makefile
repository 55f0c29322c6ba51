# SPDX-License-Identifier: GPL-2.0
#
# tcpalt, built out of tree against Debian's 6.1 headers.
#
#   make            the module, W=1 and warnings as errors, then the
#                   check that it imports none of Linux TCP's functions,
#                   build/tcpalt-run with its preload library, and
#                   build/tcpalt-ss and build/tcpalt-xlate.bpf.o, the
#                   translator that scripts/tcpalt-xlate attaches
#   make lint       sparse (C=2) and checkpatch.pl --strict
#   make unit       host unit tests of the portable core
#   make check      everything: deps, build, lint, unit tests, and the VM
#                   selftests on Debian's kernel and on the debug kernel
#   make check-stock, make check-debug   the same with one VM leg only
#   make check-full the same, both legs at every test's full size
#   make vm         a shell in the test VM with the module loaded
#   make vm-debug   the same on the debug kernel
#   make demo       a file sent over tcpalt between two namespaces in the VM
#   make bench-synflood   a SYN flood against tcpalt and TCP in the VM
#   make install    the module into /lib/modules/KVER/updates, depmod, the
#                   uapi header into /usr/local/include/linux and
#                   tcpalt-ss into /usr/local/bin; make uninstall undoes it
#   make dkms-tarball   DKMS's binary tarball of the module for KVER,
#                   built with a DKMS tree of its own under build/ (the
#                   VM's install test loads it)
#   make bench      tcpalt against TCP in the VM: bulk throughput over
#                   loopback, veth and veth with netem, CPU and packets
#                   per MB, request/response and connection churn

KVER ?= $(shell scripts/kver.sh)
KDIR ?= /lib/modules/$(KVER)/build
CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/tcpalt
BUILD := build

KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) W=1 KCFLAGS=-Werror

.PHONY: install uninstall dkms-tarball
.PHONY: all module tools symcheck lint sparse checkpatch unit selftests check \
	check-full check-stock check-debug debug-kernel vm vm-debug demo bench-synflood \
	bench deps clean

all: module symcheck tools

# tcpalt-run and the LD_PRELOAD library it finds beside it.
TOOL_CFLAGS := -O2 -g -Wall -Wextra -Werror
RUN := $(BUILD)/tcpalt-run
PRELOAD := $(BUILD)/tcpalt-preload.so
SS := $(BUILD)/tcpalt-ss
XLATE := $(BUILD)/tcpalt-xlate.bpf.o
tools: $(RUN) $(PRELOAD) $(SS) $(XLATE)

$(RUN): scripts/tcpalt-run.c
	@mkdir -p $(BUILD)
	$(CC) $(TOOL_CFLAGS) -o $@ $<

$(SS): scripts/tcpalt-ss.c
	@mkdir -p $(BUILD)
	$(CC) $(TOOL_CFLAGS) -o $@ $<

$(PRELOAD): scripts/tcpalt-preload.c
	@mkdir -p $(BUILD)
	$(CC) $(TOOL_CFLAGS) -fPIC -shared -o $@ $< -ldl

# The translator, for tc: Debian's clang, libbpf-dev's bpf_helpers.h and
# linux-libc-dev's UAPI headers (the multiarch directory has asm/).
BPF_CFLAGS := -O2 -g -target bpf -Wall -Wextra -Werror \
	-I/usr/include/$(shell $(CC) -print-multiarch)
$(XLATE): scripts/tcpalt-xlate.bpf.c
	@mkdir -p $(BUILD)
	@command -v clang >/dev/null || { echo "clang is missing: make deps"; exit 1; }
	clang $(BPF_CFLAGS) -c -o $@ $<

deps:
	scripts/deps.sh

# Where make install puts things; DESTDIR for a staging root.
MODDIR := $(DESTDIR)/lib/modules/$(KVER)/updates
INCDIR := $(DESTDIR)/usr/local/include/linux
BINDIR := $(DESTDIR)/usr/local/bin

# Installs what is built: make (or make KVER=...) first, as the user.
install:
	@test -f tcpalt.ko -a -f $(SS) || { echo "make first"; exit 1; }
	install -D -m 0644 tcpalt.ko $(MODDIR)/tcpalt.ko
	depmod $(if $(DESTDIR),-b $(DESTDIR)) $(KVER)
	install -D -m 0644 include/uapi/linux/tcpalt.h $(INCDIR)/tcpalt.h
	install -D -m 0755 $(SS) $(BINDIR)/tcpalt-ss

uninstall:
	rm -f $(MODDIR)/tcpalt.ko $(INCDIR)/tcpalt.h $(BINDIR)/tcpalt-ss
	depmod $(if $(DESTDIR),-b $(DESTDIR)) $(KVER)

DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
DKMS_TREE := $(CURDIR)/$(BUILD)/dkms
DKMS_TARBALL := $(BUILD)/tcpalt-dkms-$(KVER).tar.gz
DKMS_ARGS := --dkmstree $(DKMS_TREE)/tree --sourcetree $(DKMS_TREE)/src \
	     -m tcpalt -v $(DKMS_VERSION) -k $(KVER)
dkms-tarball:
	rm -rf $(DKMS_TREE)
	mkdir -p $(DKMS_TREE)/tree $(DKMS_TREE)/src/tcpalt-$(DKMS_VERSION)
	tar -c Kbuild dkms.conf $$(find module include -name '*.[ch]') | \
		tar -x -C $(DKMS_TREE)/src/tcpalt-$(DKMS_VERSION)
	dkms add $(DKMS_ARGS) >/dev/null
	dkms build $(DKMS_ARGS) >/dev/null
	dkms mktarball $(DKMS_ARGS) --binaries-only \
		--archive $(CURDIR)/$(DKMS_TARBALL) >/dev/null
	@echo "dkms: $(DKMS_TARBALL)"

demo: deps
	$(MAKE) all
	scripts/demo.sh

bench-synflood: deps
	$(MAKE) all selftests
	scripts/bench-synflood.sh

bench: deps
	$(MAKE) all
	scripts/bench.sh

module:
	@test -d $(KDIR) || { echo "no kernel headers at $(KDIR)"; exit 1; }
	$(KMAKE) modules

symcheck: module
	scripts/symcheck.sh tcpalt.ko

# In a directory of its own, so that tcpalt.ko stays the plain build.
sparse:
	@test -d $(KDIR) || { echo "no kernel headers at $(KDIR)"; exit 1; }
	scripts/build-variant.sh $(KDIR) $(BUILD)/sparse "" C=2 \
		CHECK="sparse -Wsparse-error" >/dev/null

checkpatch:
	scripts/checkpatch.sh

lint: sparse checkpatch

unit:
	$(MAKE) -C selftests/unit

selftests:
	$(MAKE) -C selftests/vm

check:
	scripts/check.sh all

check-full:
	TCPALT_SCALE=full scripts/check.sh all

check-stock:
	scripts/check.sh stock

check-debug:
	scripts/check.sh debug

debug-kernel: deps
	scripts/debug-kernel.sh

vm: deps
	$(MAKE) all selftests
	scripts/vm-run.sh --interactive

vm-debug: deps
	$(MAKE) all selftests
	kdir=$$(scripts/debug-kernel.sh) && \
	ko=$$(scripts/build-variant.sh $$kdir build/debug) && \
	scripts/vm-run.sh --interactive --kernel $$kdir/arch/x86/boot/bzImage \
		--modules-dir $$kdir/modroot --module $$ko

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -f $(RUN) $(PRELOAD) $(SS) $(XLATE)
	$(MAKE) -C selftests/unit clean
	$(MAKE) -C selftests/vm clean
