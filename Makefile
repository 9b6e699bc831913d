# arrayd — the only build file.
#
# Knobs (all optional):
#   PREFIX=/usr/local  SBINDIR=$(PREFIX)/sbin  MANDIR=$(PREFIX)/share/man
#   SYSCONFDIR=/etc  UNITDIR=/lib/systemd/system  DESTDIR=
#   CC=gcc|clang  CFLAGS='-O2 -g'  SANITIZE=address,undefined  V=1 (verbose)
#   TEST_WRAPPER='valgrind --error-exitcode=1 --leak-check=full'
#   TEST_CASE='test_map_*' (check-unit: only the cases whose name matches)
#
# Targets: all (default), check, run, bench, install, uninstall, deps, fuzz, clean, help.
# Every directory is one layer; sources are picked up by wildcard so adding a
# file needs no edit here.  Unit tests are tests/unit/test_<dir>_<name>.c and
# link the archive of <dir> (daemon tests: all archives).  Fakes live in
# tests/unit/fake_*.h and are included by the tests that use them.

PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR    ?= /lib/systemd/system
DOCDIR     ?= $(PREFIX)/share/doc/arrayd
DESTDIR    ?=
PKG_CONFIG ?= pkg-config

# Debian packages the build, the tests and `make run` need (installed by `make deps`).
DEB_PKGS = gcc make pkg-config libmicrohttpd-dev libexpat1-dev libuv1-dev libssl-dev \
	   libsqlite3-dev libcmocka-dev libinih-dev sblim-wbemcli curl python3 openssl \
	   libxxhash-dev xfsprogs btrfs-progs e2fsprogs libcurl4-openssl-dev bison flex
DEB_BENCH_PKGS = wrk qemu-utils rsync fio slowhttptest

WARN = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
       -Wmissing-prototypes -Wformat=2 -Wvla -Wwrite-strings -fno-common \
       -Wno-format-nonliteral
CFLAGS ?= -O2 -g
ifdef SANITIZE
SAN_CFLAGS = -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_LDFLAGS = -fsanitize=$(SANITIZE)
endif
ifdef WERROR
DEV_CFLAGS = -Werror
endif

PC_CFLAGS := $(shell $(PKG_CONFIG) --cflags libuv libmicrohttpd expat sqlite3 openssl inih libcurl 2>/dev/null)
PC_LIBS_CURL := $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null || echo -lcurl)
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -I. $(WARN) $(DEV_CFLAGS) $(SAN_CFLAGS) \
	     $(PC_CFLAGS) -MMD -MP $(CFLAGS)
ALL_LDFLAGS = $(SAN_LDFLAGS) $(LDFLAGS)

LIBS_CIMXML  = -lexpat
LIBS_BLOCK   = -luv -lpthread
LIBS_REPLICA = -lsqlite3
LIBS_INDIC   = -lsqlite3
LIBS_CONF    = -linih
LIBS_DAEMON  = -lmicrohttpd $(PC_LIBS_CURL) -lssl -lcrypto -lm
LIBS_ALL     = $(LIBS_DAEMON) $(LIBS_CIMXML) $(LIBS_BLOCK) $(LIBS_REPLICA) $(LIBS_CONF)

Q = $(if $(V),,@)

# Sanitizer builds keep their objects apart (foo.san.o, libfoo.san.a), so a
# sanitized and a plain build can live in one tree; binaries relink when the
# build mode changes (.buildmode).
O := $(if $(SANITIZE),.san,)
BUILD_MODE := $(CC) $(SANITIZE) $(CFLAGS)
$(shell [ "$$(cat .buildmode 2>/dev/null)" = "$(BUILD_MODE)" ] || echo "$(BUILD_MODE)" > .buildmode)

CIMXML_OBJS  = $(patsubst %.c,%$(O).o,$(wildcard cimxml/*.c))
BLOCK_OBJS   = $(patsubst %.c,%$(O).o,$(wildcard blockdev/*.c))
REPLICA_OBJS = $(patsubst %.c,%$(O).o,$(wildcard replica/*.c))
INDIC_OBJS   = $(patsubst %.c,%$(O).o,$(wildcard indic/*.c))
CONF_OBJS    = $(patsubst %.c,%$(O).o,$(wildcard conf/*.c))
BASE_OBJS    = $(patsubst %.c,%$(O).o,$(wildcard base/*.c))
CIM_OBJS     = $(patsubst %.c,%$(O).o,$(wildcard cim/*.c))
# query/'s parser and scanner are generated (bison, flex) into the tree at
# build time and never committed: gen_*.c are named here, not found.
QUERY_GEN    = query/gen_parse.c query/gen_lex.c
QUERY_SRCS   = $(sort $(filter-out query/gen_%,$(wildcard query/*.c)) $(QUERY_GEN))
QUERY_OBJS   = $(patsubst %.c,%$(O).o,$(QUERY_SRCS))
DAEMON_OBJS  = $(patsubst %.c,%$(O).o,$(filter-out daemon/main.c,$(wildcard daemon/*.c)))
CORE_OBJS    = $(DAEMON_OBJS) $(CIM_OBJS) $(CIMXML_OBJS) $(REPLICA_OBJS) $(INDIC_OBJS) $(BLOCK_OBJS) $(CONF_OBJS) $(QUERY_OBJS) $(BASE_OBJS)

UNIT_SRCS  = $(wildcard tests/unit/test_*.c)
UNIT_TESTS = $(patsubst %.c,%,$(UNIT_SRCS))
TOOL_SRCS  = $(wildcard tests/tools/*.c)
TOOLS      = $(patsubst %.c,%,$(TOOL_SRCS))

all: arrayd

# One static archive per layer: a test or tool links the archives and the
# linker pulls in only the members it needs.
LIB_CIMXML  = cimxml/libcimxml$(O).a
LIB_BLOCK   = blockdev/libblockdev$(O).a
LIB_REPLICA = replica/libreplica$(O).a
LIB_INDIC   = indic/libindic$(O).a
LIB_CONF    = conf/libconf$(O).a
LIB_DAEMON  = daemon/libdaemon$(O).a
LIB_CIM     = cim/libcim$(O).a
LIB_BASE    = base/libbase$(O).a
LIB_QUERY   = query/libquery$(O).a
$(LIB_CIMXML): $(CIMXML_OBJS)
$(LIB_BLOCK): $(BLOCK_OBJS)
$(LIB_REPLICA): $(REPLICA_OBJS)
$(LIB_INDIC): $(INDIC_OBJS)
$(LIB_CONF): $(CONF_OBJS)
$(LIB_DAEMON): $(DAEMON_OBJS)
$(LIB_CIM): $(CIM_OBJS)
$(LIB_BASE): $(BASE_OBJS)
$(LIB_QUERY): $(QUERY_OBJS)
%.a:
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

LIBS_CORE   = $(LIB_DAEMON) $(LIB_CIM) $(LIB_CIMXML) $(LIB_REPLICA) $(LIB_INDIC) $(LIB_BLOCK) $(LIB_CONF) $(LIB_QUERY) $(LIB_BASE)

arrayd: daemon/main$(O).o $(LIBS_CORE) .buildmode
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ daemon/main$(O).o -Wl,--start-group $(LIBS_CORE) -Wl,--end-group $(LIBS_ALL)

# The default configuration path follows SYSCONFDIR.
daemon/main$(O).o: ALL_CFLAGS += -DSYSCONFDIR='"$(SYSCONFDIR)"'

%$(O).o: %.c
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The filter-query grammar: bison (pure, locations) and flex (reentrant,
# bison bridge).  -Werror on bison's warnings: a conflict or an unused rule
# fails the build, as a compiler warning does.
query/gen_parse.c query/gen_parse.h &: query/parse.y
	@echo "  BISON   $@"
	$(Q)bison -Wall -Werror -o query/gen_parse.c --defines=query/gen_parse.h $<
query/gen_lex.c: query/lex.l
	@echo "  FLEX    $@"
	$(Q)flex -o $@ $<
$(patsubst %.c,%$(O).o,$(QUERY_GEN)): query/gen_parse.h

# TEST_CASE=name runs only the matching cases of a unit test; the filter is
# forced into every test (tests/unit/case_filter.h), so no main() knows of it.
tests/unit/test_%$(O).o: ALL_CFLAGS += -include tests/unit/case_filter.h
$(patsubst %.c,%$(O).o,$(UNIT_SRCS)): tests/unit/case_filter.h

# Each unit test links its own layer and the layers below it, never above.
tests/unit/test_cimxml_%: tests/unit/test_cimxml_%$(O).o .buildmode $(LIB_CIMXML)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_CIMXML) -lcmocka $(LIBS_CIMXML)
tests/unit/test_blockdev_%: tests/unit/test_blockdev_%$(O).o .buildmode $(LIB_BLOCK)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_BLOCK) -lcmocka $(LIBS_BLOCK)
tests/unit/test_replica_%: tests/unit/test_replica_%$(O).o .buildmode $(LIB_REPLICA) $(LIB_BASE)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_REPLICA) $(LIB_BASE) -lcmocka $(LIBS_REPLICA)
tests/unit/test_indic: tests/unit/test_indic$(O).o .buildmode $(LIB_INDIC) $(LIB_BASE)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_INDIC) $(LIB_BASE) -lcmocka $(LIBS_INDIC)
tests/unit/test_indic_%: tests/unit/test_indic_%$(O).o .buildmode $(LIB_INDIC) $(LIB_BASE)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_INDIC) $(LIB_BASE) -lcmocka $(LIBS_INDIC)
tests/unit/test_conf_%: tests/unit/test_conf_%$(O).o .buildmode $(LIB_CONF)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_CONF) -lcmocka $(LIBS_CONF)
tests/unit/test_base_%: tests/unit/test_base_%$(O).o .buildmode $(LIB_BASE)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_BASE) -lcmocka -lsqlite3
tests/unit/test_query: tests/unit/test_query$(O).o .buildmode $(LIB_QUERY) $(LIB_BASE)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_QUERY) $(LIB_BASE) -lcmocka
LIBS_CIM_TEST = $(LIB_CIM) $(LIB_CIMXML) $(LIB_REPLICA) $(LIB_INDIC) $(LIB_CONF) $(LIB_QUERY) $(LIB_BASE)
tests/unit/test_cim_%: tests/unit/test_cim_%$(O).o .buildmode $(LIBS_CIM_TEST)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -Wl,--start-group $(LIBS_CIM_TEST) -Wl,--end-group -lcmocka \
		$(LIBS_CIMXML) $(LIBS_REPLICA) $(LIBS_CONF) -luv
tests/unit/test_daemon_%: tests/unit/test_daemon_%$(O).o .buildmode $(LIBS_CORE)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -Wl,--start-group $(LIBS_CORE) -Wl,--end-group -lcmocka $(LIBS_ALL)

tests/tools/%: tests/tools/%$(O).o $(LIBS_CORE) .buildmode
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -Wl,--start-group $(LIBS_CORE) -Wl,--end-group $(LIBS_ALL)

# The torn-copy test's writer and judge: standalone, no project library.
tests/integration/tornwriter: tests/integration/tornwriter.c
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

tests/bench/copycli: tests/bench/copycli$(O).o $(LIB_BLOCK) .buildmode
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_BLOCK) $(LIBS_BLOCK)

# One replay binary per harness (each defines LLVMFuzzerTestOneInput):
# tests/fuzz/replay runs the CIM-XML harness, replay_<name> fuzz_<name>.c.
FUZZ_NAMES   = conf users http query
FUZZ_REPLAYS = tests/fuzz/replay $(patsubst %,tests/fuzz/replay_%,$(FUZZ_NAMES))
tests/fuzz/replay: tests/fuzz/replay$(O).o tests/fuzz/fuzz_cimxml$(O).o $(LIB_CIMXML) .buildmode
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_CIMXML)
tests/fuzz/replay_%: tests/fuzz/replay$(O).o tests/fuzz/fuzz_%$(O).o $(LIBS_CORE) .buildmode
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) -Wl,--start-group $(LIBS_CORE) -Wl,--end-group $(LIBS_ALL)

# ---- dependencies (Debian) ------------------------------------------------
# Installs only what is missing, so a second run costs one dpkg query.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	fi

deps-bench:
	@missing=""; for p in $(DEB_BENCH_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	fi

# ---- tests ------------------------------------------------------------------
# `make check` is the README's test command and what .ci/run calls: it installs
# what is missing, builds warning-free with -Werror, and runs every test.
check: deps
	$(Q)$(MAKE) --no-print-directory WERROR=1 all $(UNIT_TESTS) $(TOOLS) $(FUZZ_REPLAYS)
	$(Q)$(MAKE) --no-print-directory WERROR=1 check-deps check-unit check-fuzz-replay check-integration

check-unit: $(UNIT_TESTS)
	$(Q)fail=0; pass=0; for t in $(UNIT_TESTS); do \
		echo "== $$t"; \
		if $(TEST_WRAPPER) ./$$t; then pass=$$((pass+1)); else fail=$$((fail+1)); echo "FAILED: $$t"; fi; \
	done; echo "unit: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

# Every saved input (corpus and found crashes) runs again under gcc, without
# libFuzzer; a crash or a failed harness check fails the target.
check-fuzz-replay: $(FUZZ_REPLAYS)
	$(Q)./tests/fuzz/replay tests/fuzz/corpus tests/integration/cimxml
	$(Q)./tests/fuzz/replay_conf tests/fuzz/corpus-conf
	$(Q)./tests/fuzz/replay_users tests/fuzz/corpus-users
	$(Q)./tests/fuzz/replay_http tests/fuzz/corpus-http
	$(Q)./tests/fuzz/replay_query tests/fuzz/corpus-query

check-integration: arrayd $(TOOLS) tests/integration/tornwriter
	$(Q)tests/integration/run

# The layering rule, checked: lower layers never include higher ones.  One
# row per layer: the project folders and the system headers it must not
# include.  base/ is the floor; query/ (filter queries) sits on base/
# only, indic/ (subscriptions, delivery queues) on base/ and SQLite;
# cim/ (the CIM provider) sits on cimxml/, replica/, indic/, query/ and
# conf/; only daemon/ (the process) sees everything, libcurl included.
DENY_base     = cimxml conf replica blockdev cim daemon indic query
DENY_cimxml   = conf replica blockdev cim daemon indic query
DENY_conf     = cimxml replica blockdev cim daemon indic query
DENY_replica  = cimxml conf blockdev cim daemon indic query
DENY_indic    = cimxml conf replica blockdev cim daemon query
DENY_blockdev = cimxml conf replica cim daemon indic query
DENY_cim      = blockdev daemon
DENY_query    = cimxml conf replica blockdev cim daemon indic
SYSDENY_base     = uv.h expat.h microhttpd.h curl/curl.h
SYSDENY_cimxml   = uv.h microhttpd.h curl/curl.h
SYSDENY_conf     = uv.h expat.h microhttpd.h curl/curl.h
SYSDENY_replica  = uv.h expat.h microhttpd.h curl/curl.h
SYSDENY_indic    = uv.h expat.h microhttpd.h curl/curl.h
SYSDENY_blockdev = expat.h microhttpd.h curl/curl.h
SYSDENY_cim      = microhttpd.h curl/curl.h
SYSDENY_query    = uv.h expat.h microhttpd.h sqlite3.h curl/curl.h
LAYERS = base cimxml conf replica indic blockdev cim query
empty :=
space := $(empty) $(empty)
check-deps:
	$(Q)bad=0; $(foreach l,$(LAYERS), \
	if grep -nE '#include ("($(subst $(space),|,$(DENY_$(l))))/|<($(subst $(space),|,$(SYSDENY_$(l))))>)' $(l)/*.[ch]; then bad=1; fi;) \
	if [ $$bad -ne 0 ]; then echo "check-deps: layering violation"; exit 1; fi; echo "check-deps: layering OK"

bench: deps deps-bench all
	$(Q)tests/bench/run

# libFuzzer builds (clang): fuzz_cimxml, fuzz_conf, fuzz_users, fuzz_http,
# fuzz_query.
# Run one with its corpus, e.g. tests/fuzz/fuzz_http tests/fuzz/corpus-http.
FUZZ_CC    = clang
FUZZ_FLAGS = -g -O1 -std=gnu11 -D_GNU_SOURCE -I. $(PC_CFLAGS) \
	     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_BINS  = tests/fuzz/fuzz_cimxml $(patsubst %,tests/fuzz/fuzz_%,$(FUZZ_NAMES))
fuzz: $(FUZZ_BINS)
tests/fuzz/fuzz_cimxml: tests/fuzz/fuzz_cimxml.c $(wildcard cimxml/*.[ch])
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_cimxml.c cimxml/*.c -lexpat
tests/fuzz/fuzz_conf: tests/fuzz/fuzz_conf.c tests/fuzz/fuzz_memfile.h $(wildcard conf/*.[ch])
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_conf.c conf/*.c $(LIBS_CONF)
tests/fuzz/fuzz_users: tests/fuzz/fuzz_users.c tests/fuzz/fuzz_memfile.h daemon/auth.[ch] daemon/fileio.[ch]
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_users.c daemon/auth.c daemon/fileio.c -lssl -lcrypto
tests/fuzz/fuzz_query: tests/fuzz/fuzz_query.c $(wildcard query/*.[chyl]) $(QUERY_GEN)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_query.c $(QUERY_SRCS)
tests/fuzz/fuzz_http: tests/fuzz/fuzz_http.c $(wildcard daemon/*.[ch] cim/*.[ch] cimxml/*.[ch] replica/*.[ch] indic/*.[ch] blockdev/*.[ch] conf/*.[ch] query/*.[chyl] base/*.[ch]) $(QUERY_GEN)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_http.c \
		$(filter-out daemon/main.c,$(wildcard daemon/*.c)) cim/*.c cimxml/*.c replica/*.c \
		indic/*.c blockdev/*.c conf/*.c $(QUERY_SRCS) base/*.c $(LIBS_ALL)

# ---- demo ---------------------------------------------------------------------
run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./contrib/demo.sh

# ---- install --------------------------------------------------------------------
install: arrayd
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(SYSCONFDIR)/arrayd $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR)
	install -m 755 arrayd $(DESTDIR)$(SBINDIR)/arrayd
	install -m 644 doc/arrayd.8 $(DESTDIR)$(MANDIR)/man8/arrayd.8
	install -m 644 doc/arrayd.conf.5 $(DESTDIR)$(MANDIR)/man5/arrayd.conf.5
	install -m 644 conf/arrayd.conf.example $(DESTDIR)$(DOCDIR)/arrayd.conf.example
	install -m 644 conf/arrayd.conf.example $(DESTDIR)$(SYSCONFDIR)/arrayd/arrayd.conf.example
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		contrib/systemd/arrayd.service.in > $(DESTDIR)$(UNITDIR)/arrayd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/arrayd.service

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/arrayd $(DESTDIR)$(MANDIR)/man8/arrayd.8 \
		$(DESTDIR)$(MANDIR)/man5/arrayd.conf.5 $(DESTDIR)$(UNITDIR)/arrayd.service \
		$(DESTDIR)$(DOCDIR)/arrayd.conf.example $(DESTDIR)$(SYSCONFDIR)/arrayd/arrayd.conf.example
	-rmdir $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/arrayd 2>/dev/null

clean:
	rm -f arrayd .buildmode */*.a daemon/*.o cim/*.o base/*.o cimxml/*.o replica/*.o indic/*.o blockdev/*.o conf/*.o tests/unit/*.o \
		query/*.o query/gen_* \
		tests/fuzz/*.o $(FUZZ_REPLAYS) $(FUZZ_BINS) $(UNIT_TESTS) $(TOOLS) \
		tests/integration/tornwriter
	find . -name '*.d' -delete

help:
	@sed -n '2,14p' Makefile

-include $(shell find . -name '*.d' 2>/dev/null)
.PHONY: all check check-unit check-fuzz-replay check-integration check-deps deps deps-bench \
	bench fuzz run install uninstall clean help
.SECONDARY:
