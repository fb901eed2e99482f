# sriovctl / libsriov
VERSION := 0.1.0
SOVERSION := 0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DATADIR ?= $(PREFIX)/share
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/vendor-completions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
SYSTEMCTL ?= /bin/systemctl
# run after installing into the live root, so the new library is found
LDCONFIG ?= ldconfig
DESTDIR ?=

CC ?= cc
AR ?= ar
PKG_CONFIG ?= pkg-config
INSTALL ?= install

# Where objects go; the sanitizer build for tests lives below it.
BUILD ?= build
CFLAGS ?= -O2 -g

PKGS := libpci libnl-3.0 libnl-route-3.0 libudev yaml-0.1
# opened with dlopen() when a module must be loaded: headers only
DLOPEN_PKGS := libkmod
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) $(DLOPEN_PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

WARNINGS := -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wshadow -Wpointer-arith -Wundef -Wvla -Wwrite-strings \
	-Wno-missing-field-initializers
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
endif

BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE -DSRIOV_VERSION='"$(VERSION)"' \
	-Ilibsriov -Ilibsriov/include $(PKG_CFLAGS) $(WARNINGS) $(SAN_FLAGS) \
	-MMD -MP
LIB_CFLAGS := $(BASE_CFLAGS) -fPIC -fvisibility=hidden -DSRIOV_BUILDING_LIBRARY
# Each layer sees the private headers of the layers below it, never above:
# the core (libsriov/), then vfio/, then the apply engine (libsriov/apply/).
CORE_CFLAGS := $(LIB_CFLAGS)
VFIO_CFLAGS := $(LIB_CFLAGS) -Ivfio
APPLY_CFLAGS := $(VFIO_CFLAGS) -Ilibsriov/apply
ALL_LDFLAGS := $(LDFLAGS) $(SAN_FLAGS)

CORE_SRCS := $(wildcard libsriov/*.c)
VFIO_SRCS := $(wildcard vfio/*.c)
APPLY_SRCS := $(wildcard libsriov/apply/*.c)
LIB_SRCS := $(CORE_SRCS) $(VFIO_SRCS) $(APPLY_SRCS)
CLI_SRCS := $(wildcard cli/*.c)
TEST_SRCS := $(wildcard tests/unit/test_*.c)
FIXTURE_SRCS := $(filter-out %-main.c,$(wildcard tests/fixtures/*.c))

# T=NAME... runs only those unit suites (test_rtnl_parse, or test_rtnl for
# every suite whose name begins so) and CLI scripts (t-vfio.sh).
UNIT_T := $(filter test_%,$(T))
CLI_T := $(filter t-%,$(T))
ifneq ($(filter-out $(UNIT_T) $(CLI_T),$(T)),)
$(error T=$(T): name unit suites (test_*) or CLI scripts (t-*.sh))
endif
TEST_NAMES := $(TEST_SRCS:tests/unit/%.c=%)
UNIT_NAMES := $(if $(T),$(filter $(addsuffix %,$(UNIT_T)),$(TEST_NAMES)),$(TEST_NAMES))

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
FIXTURE_OBJS := $(FIXTURE_SRCS:%.c=$(BUILD)/obj/%.o)
# the fakesys tool links neither libsriov nor cmocka, which vfio_sim needs
FAKESYS_OBJS := $(filter-out %/vfio_sim.o,$(FIXTURE_OBJS))
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

SONAME := libsriov.so.$(SOVERSION)
SHLIB := $(BUILD)/libsriov.so.$(VERSION)

ifeq ($(V),1)
Q :=
msg := @true
else
Q := @
msg = @printf '  %-8s %s\n' $(1) $(2);
endif

.PHONY: all clean install uninstall deps check check-unit check-cli \
	check-docs check-abi check-layers check-ansible check-vm demo bench fakesys \
	san-build unit-build
all: $(BUILD)/sriovctl $(BUILD)/libsriov.a $(BUILD)/libsriov.pc \
	$(BUILD)/$(SONAME) $(BUILD)/fakesys

$(BUILD)/obj/libsriov/%.o: CFLAGS_EXTRA = $(CORE_CFLAGS)
$(BUILD)/obj/vfio/%.o: CFLAGS_EXTRA = $(VFIO_CFLAGS)
$(BUILD)/obj/libsriov/apply/%.o: CFLAGS_EXTRA = $(APPLY_CFLAGS)
$(BUILD)/obj/tests/%.o: CFLAGS_EXTRA = $(BASE_CFLAGS) -Ivfio -Ilibsriov/apply -Itests/fixtures
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$@)$(CC) $(if $(CFLAGS_EXTRA),$(CFLAGS_EXTRA),$(BASE_CFLAGS)) $(CFLAGS) -c -o $@ $<

$(SHLIB): $(LIB_OBJS) libsriov/libsriov.map
	$(call msg,LD,$@)$(CC) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script=libsriov/libsriov.map -Wl,--no-undefined \
		$(ALL_LDFLAGS) -o $@ $(LIB_OBJS) $(PKG_LIBS)

$(BUILD)/$(SONAME) $(BUILD)/libsriov.so: $(SHLIB)
	$(Q)ln -sf $(notdir $<) $@

$(BUILD)/libsriov.a: $(LIB_OBJS)
	$(call msg,AR,$@)rm -f $@ && $(AR) rcs $@ $^

# Generated again at install time, where PREFIX and LIBDIR may differ.
gen_pc = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	-e 's|@REQUIRES@|$(PKGS)|' libsriov/libsriov.pc.in

$(BUILD)/libsriov.pc: libsriov/libsriov.pc.in Makefile
	$(call msg,GEN,$@)$(call gen_pc) > $@

# The in-tree binary finds the library next to itself; install relinks.
$(BUILD)/sriovctl: $(CLI_OBJS) $(BUILD)/$(SONAME) $(BUILD)/libsriov.so
	$(call msg,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) \
		-L$(BUILD) -lsriov -Wl,-rpath,'$$ORIGIN'

$(BUILD)/install/sriovctl: $(CLI_OBJS) $(BUILD)/libsriov.so
	@mkdir -p $(dir $@)
	$(call msg,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) -L$(BUILD) -lsriov

$(BUILD)/fakesys: $(BUILD)/obj/tests/fixtures/fakesys-main.o $(FAKESYS_OBJS)
	$(call msg,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^

# Unit tests also reach the CLI's output layer.
$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/libsriov.a $(FIXTURE_OBJS) \
		$(BUILD)/obj/cli/output.o
	@mkdir -p $(dir $@)
	$(call msg,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(FIXTURE_OBJS) $(BUILD)/obj/cli/output.o \
		$(BUILD)/libsriov.a $(PKG_LIBS) $$($(PKG_CONFIG) --libs cmocka)

fakesys: $(BUILD)/fakesys

# Tests run from a build with AddressSanitizer and UBSan in $(BUILD)/san.
SANBUILD := $(BUILD)/san
san-build:
	$(Q)$(MAKE) --no-print-directory BUILD=$(SANBUILD) SANITIZE=1 WERROR=$(WERROR) \
		all $(UNIT_NAMES:%=$(SANBUILD)/tests/%)

# They also build without sanitizers, warnings as errors: some warnings
# (-Wformat-truncation) show only in optimized, uninstrumented code.
unit-build:
	$(Q)$(if $(UNIT_NAMES),$(MAKE) --no-print-directory WERROR=1 \
		$(UNIT_NAMES:%=$(BUILD)/tests/%),:)

# Each tier writes "TIER: N passed, N failed" into $(RESULTS); check adds
# them up and fails if any tier failed or gave no result.
RESULTS ?= $(BUILD)/results
CHECK_TIERS := $(if $(T),$(if $(UNIT_T),unit) $(if $(CLI_T),cli),\
	abi layers unit cli docs ansible vm)
check: all
	$(Q)rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	-$(Q)$(MAKE) --no-print-directory -j1 -k $(CHECK_TIERS:%=check-%)
	$(Q)tests/summary.sh $(RESULTS) $(CHECK_TIERS)

$(RESULTS):
	$(Q)mkdir -p $@

# Runs a tier, shows its output as it comes and keeps it and its status.
run_tier = { $(2); echo $$? > $(RESULTS)/$(1).rc; } | tee $(RESULTS)/$(1).txt; \
	exit $$(cat $(RESULTS)/$(1).rc)

check-abi: all | $(RESULTS)
	$(Q)$(call run_tier,abi,tests/check-abi.sh $(BUILD) libsriov/libsriov.map)

# cli -> apply -> vfio -> core, and no circle between files
check-layers: all | $(RESULTS)
	$(Q)$(call run_tier,layers,tests/check-layers.py $(BUILD))

check-unit: san-build unit-build | $(RESULTS)
	$(Q)$(call run_tier,unit,tests/run-unit.sh $(SANBUILD)/tests $(or $(UNIT_T),$(TEST_NAMES)))

check-cli: san-build | $(RESULTS)
	$(Q)$(call run_tier,cli,tests/cli/run.sh $(SANBUILD) $(CLI_T))

check-docs: all | $(RESULTS)
	$(Q)$(call run_tier,docs,tests/check-docs.sh $(BUILD)/sriovctl)

check-ansible: all | $(RESULTS)
	$(Q)$(call run_tier,ansible,tests/ansible/run.sh $(BUILD))

check-vm: all | $(RESULTS)
	$(Q)$(call run_tier,vm,tests/vm/run.sh --build-dir $(BUILD))

demo: all
	$(Q)tests/vm/demo.sh --build-dir $(BUILD)

# Speed against what users run today and against minimal C floors
# (bench/README.md); not part of check. Options: BENCH_ARGS="--runs 7".
bench: all
	$(Q)bench/run.sh --build-dir $(BUILD) $(BENCH_ARGS)

deps:
	tests/deps.sh

# The boot unit, its per-PF template and the udev rule, with paths filled in.
APPLY_UNITS := $(BUILD)/contrib/sriovctl-apply.service \
	$(BUILD)/contrib/sriovctl-apply@.service
APPLY_RULES := $(BUILD)/contrib/90-sriovctl-apply.rules
$(BUILD)/contrib/%: contrib/systemd/%.in Makefile
	@mkdir -p $(dir $@)
	$(call msg,GEN,$@)sed -e 's|@BINDIR@|$(BINDIR)|g' \
		-e 's|@SYSTEMCTL@|$(SYSTEMCTL)|g' $< > $@

install: all $(BUILD)/install/sriovctl $(APPLY_UNITS) $(APPLY_RULES)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR)/sriov $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man3 \
		$(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	$(INSTALL) -m 0755 $(BUILD)/install/sriovctl $(DESTDIR)$(BINDIR)/sriovctl
	$(INSTALL) -m 0755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libsriov.so
	$(INSTALL) -m 0644 $(BUILD)/libsriov.a $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 0644 libsriov/include/sriov/*.h $(DESTDIR)$(INCLUDEDIR)/sriov/
	$(call gen_pc) > $(DESTDIR)$(PKGCONFIGDIR)/libsriov.pc
	$(INSTALL) -m 0644 $(wildcard man/*.8) $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 $(wildcard man/*.3) $(DESTDIR)$(MANDIR)/man3/
	$(if $(wildcard man/*.5),$(INSTALL) -m 0644 $(wildcard man/*.5) $(DESTDIR)$(MANDIR)/man5/)
	$(INSTALL) -m 0644 completions/sriovctl.bash $(DESTDIR)$(BASHCOMPDIR)/sriovctl
	$(INSTALL) -m 0644 completions/_sriovctl $(DESTDIR)$(ZSHCOMPDIR)/_sriovctl
	$(INSTALL) -m 0644 completions/sriovctl.fish $(DESTDIR)$(FISHCOMPDIR)/sriovctl.fish
	$(INSTALL) -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(UDEVRULESDIR)
	$(INSTALL) -m 0644 $(APPLY_UNITS) $(DESTDIR)$(SYSTEMDUNITDIR)/
	$(INSTALL) -m 0644 $(APPLY_RULES) $(DESTDIR)$(UDEVRULESDIR)/
	$(if $(DESTDIR),,$(LDCONFIG))

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sriovctl $(DESTDIR)$(LIBDIR)/libsriov.so* \
		$(DESTDIR)$(LIBDIR)/libsriov.a $(DESTDIR)$(PKGCONFIGDIR)/libsriov.pc \
		$(DESTDIR)$(BASHCOMPDIR)/sriovctl $(DESTDIR)$(ZSHCOMPDIR)/_sriovctl \
		$(DESTDIR)$(FISHCOMPDIR)/sriovctl.fish \
		$(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(notdir $(APPLY_UNITS))) \
		$(DESTDIR)$(UDEVRULESDIR)/$(notdir $(APPLY_RULES))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(wildcard man/*.8))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man3/,$(notdir $(wildcard man/*.3))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(wildcard man/*.5)))
	rm -rf $(DESTDIR)$(INCLUDEDIR)/sriov
	$(if $(DESTDIR),,$(LDCONFIG))

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
