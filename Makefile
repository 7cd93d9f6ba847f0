# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build and test entry points. The kernel's own build system
# does the work: "make" builds every module of the overlay against KDIR
# (default: the installed Debian 6.12 headers), and the VM boots the kernel
# of the same release.
#
#   make            build all modules
#   make lint       checkpatch --strict, sparse (C=2), W=1 and kernel-doc
#   make check      lint + every test in the VM; ends with "N passed, N failed"
#   make check-debug   every VM test on a KASAN/lockdep/kmemleak kernel
#                  (T="TEST..." for only some tests)
#   make run        the demo
#   make bench      benchmarks in the VM: ours vs stock ib_ipoib vs veth
#   make bench-profile   one pass of it under perf, reports in bench/profile
#   make vm-test T=path/to/test.sh   run one test in the VM
#   make kernel-tree   overlay on Debian's linux-source-6.12, build in-tree
#   make check-kernel-tree   ...and run the kselftest on in-tree modules
#   make dkms       install our modules with dkms (dkms-remove undoes it)
#   make patches    the git format-patch series (build/patches)
#   make check-patches   checkpatch, git am on a pristine tree, bisect build
#   make clean

SHELL := /bin/bash
TOP := $(CURDIR)

DEPS_OK := $(shell $(TOP)/scripts/install-deps.sh >&2 && echo y)
ifneq ($(DEPS_OK),y)
$(error scripts/install-deps.sh failed)
endif

ifdef KDIR
KVER ?= $(shell KDIR=$(KDIR) $(TOP)/scripts/kver.sh)
else
KVER ?= $(shell $(TOP)/scripts/kver.sh)
KDIR := /lib/modules/$(KVER)/build
endif
export KVER KDIR

# Symbols Debian's config does not have; the rest (INFINIBAND_IPOIB...)
# come from the kernel's own configuration.
MOD_CONFIG := CONFIG_INFINIBAND_SOFTIB=m CONFIG_IPOIB_VM_SELFTEST=m
KBUILD := $(MAKE) -C $(KDIR) M=$(TOP) $(MOD_CONFIG)

.PHONY: all modules lint check check-debug run demo bench bench-profile vm-test \
	selftests clean kernel-tree check-kernel-tree dkms dkms-remove patches \
	check-patches

all: modules selftests

modules:
	+$(KBUILD) modules

selftests:
	@+$(TOP)/scripts/build-selftests.sh

lint:
	@+$(TOP)/scripts/lint.sh

check:
	@+$(TOP)/scripts/check.sh

check-debug:
	@+$(TOP)/scripts/check-debug.sh $(T)

run demo: all
	$(TOP)/scripts/demo.sh

bench: all
	$(TOP)/scripts/bench.sh

bench-profile: all
	BENCH_PROFILE=1 BENCH_REPS=$${BENCH_REPS:-1} \
		BENCH_OUT=$${BENCH_OUT:-$(TOP)/bench/profile} $(TOP)/scripts/bench.sh

vm-test: all
	$(TOP)/tools/testing/vm/run.sh $(T)

kernel-tree:
	@$(TOP)/scripts/kernel-tree.sh

check-kernel-tree:
	@$(TOP)/scripts/check-kernel-tree.sh

patches:
	@$(TOP)/scripts/make-patches.sh

check-patches:
	@$(TOP)/scripts/check-patches.sh

dkms:
	@$(TOP)/scripts/dkms-install.sh

dkms-remove:
	@$(TOP)/scripts/dkms-install.sh --remove

clean:
	+$(KBUILD) clean
	rm -rf $(TOP)/build
