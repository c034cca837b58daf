# myna: one build for everything.  See README.md.
#   make            build bin/myna, bin/mynad, bin/myna-bff and mynad's
#                   notification helper bin/myna-notify
#   make deps       install missing Debian packages and locales
#   make check      deps, build, every test (SANITIZE=1 for ASan + UBSan)
#   make demo       deps, build, a local BFF with the demo data, sign-in, sync, the TUI
#   make bench      benchmarks (bench/)
#   make install    PREFIX=/usr/local by default; the trusted agency keys
#                   (keys/agencies/*.pem) go to KEYDIR, $(PREFIX)/share/myna/keys

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/lib/myna
DATADIR ?= $(PREFIX)/share
LOCALEDIR ?= $(PREFIX)/share/locale
KEYDIR  ?= $(DATADIR)/myna/keys
MANDIR  ?= $(PREFIX)/share/man
CC      ?= cc
PKG_CONFIG ?= pkg-config

PKGS := ncursesw libcurl json-c sqlite3 libnotify libmicrohttpd libcrypto zlib speech-dispatcher espeak-ng

OPT := -O2 -g
ifeq ($(SANITIZE),1)
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
OPT += -D_FORTIFY_SOURCE=2
endif

CFLAGS  ?=
LDFLAGS ?=
ALL_CFLAGS  = -std=c17 -Wall -Wextra -Werror -Wshadow -Wvla -Wformat=2 -D_GNU_SOURCE \
              -Ishared $(OPT) -MMD -MP \
              -DMYNA_LOCALEDIR='"$(LOCALEDIR)"' -DMYNA_LIBEXECDIR='"$(LIBEXECDIR)"' \
              -DMYNA_KEYDIR='"$(KEYDIR)"' \
              $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
ALL_LDFLAGS = $(OPT) -Wl,--as-needed $(LDFLAGS)
LIBS        = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lmecab -lm
TEST_LIBS   = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

B := build

SHARED_SRC := $(wildcard shared/*.c)
SERVER_SRC := $(filter-out server/main.c,$(wildcard server/*.c))
DAEMON_SRC := $(filter-out daemon/main.c,$(wildcard daemon/*.c))
TUI_SRC    := $(filter-out tui/main.c,$(wildcard tui/*.c))
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

obj = $(patsubst %.c,$(B)/%.o,$(1))

LIBMYNA   := $(B)/libmyna.a
LIBSERVER := $(B)/libserver.a
LIBDAEMON := $(B)/libdaemon.a
LIBTUI    := $(B)/libtui.a
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
FUZZ_REPLAY := $(patsubst %,$(B)/tests/test_fuzz_%,$(FUZZ_NAMES))
FUZZ_BINS := $(patsubst %,$(B)/fuzz/fuzz_%,$(FUZZ_NAMES))
MO_FILES  := $(patsubst i18n/%.po,$(B)/locale/%/LC_MESSAGES/myna.mo,$(wildcard i18n/*.po))

PROGRAMS := bin/myna bin/mynad bin/myna-bff
# Started by mynad, not by people: installed into LIBEXECDIR.
HELPERS  := bin/myna-notify

all: $(PROGRAMS) $(HELPERS) $(MO_FILES)

# Rebuild everything when the flags change (SANITIZE=1 and back).
$(B)/flags: FORCE
	@mkdir -p $(B)
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(LIBS)' | cmp -s - $@ || \
	  echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(LIBS)' > $@

$(B)/%.o: %.c $(B)/flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBMYNA): $(call obj,$(SHARED_SRC))
$(LIBSERVER): $(call obj,$(SERVER_SRC))
$(LIBDAEMON): $(call obj,$(DAEMON_SRC))
$(LIBTUI): $(call obj,$(TUI_SRC))
$(B)/%.a:
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

bin/myna-bff: $(B)/server/main.o $(LIBSERVER) $(LIBMYNA)
bin/mynad: $(B)/daemon/main.o $(LIBDAEMON) $(LIBMYNA)
bin/myna: $(B)/tui/main.o $(LIBTUI) $(LIBMYNA)
bin/myna-notify: $(B)/notify/main.o $(LIBMYNA)
$(PROGRAMS) $(HELPERS):
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/%: $(B)/tests/unit/%.o $(LIBTUI) $(LIBDAEMON) $(LIBSERVER) $(LIBMYNA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS) $(LIBS)

# The fuzz harnesses: replayed over their corpora by make check, run under
# libFuzzer (clang) by make fuzz.
$(B)/tests/test_fuzz_%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay.o $(LIBSERVER) $(LIBMYNA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS   = -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Ishared \
                -DMYNA_LOCALEDIR='"$(LOCALEDIR)"' $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(SHARED_SRC) $(SERVER_SRC) $(B)/flags
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(SHARED_SRC) $(SERVER_SRC) $(LIBS)

$(B)/locale/%/LC_MESSAGES/myna.mo: i18n/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

i18n/myna.pot: $(wildcard shared/*.c daemon/*.c notify/*.c tui/*.c server/*.c)
	xgettext --from-code=UTF-8 -k_ -kN_ --package-name=myna -o $@ $^

deps:
	@tools/deps

tests: $(UNIT_BINS) $(FUZZ_REPLAY)

fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_BINS)
	@tools/fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)

check: deps
	@$(MAKE) --no-print-directory all tests
	@tests/run

demo: deps
	@$(MAKE) --no-print-directory all
	@tools/demo

bench: deps
	@$(MAKE) --no-print-directory all
	@if [ -x bench/run ]; then bench/run; else echo "no benchmarks yet"; fi

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 $(HELPERS) $(DESTDIR)$(LIBEXECDIR)/
	for mo in $(MO_FILES); do \
	  lang=$${mo#$(B)/locale/}; lang=$${lang%%/*}; \
	  install -d $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES; \
	  install -m 0644 $$mo $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES/myna.mo; \
	done
	install -d $(DESTDIR)$(KEYDIR)
	$(if $(wildcard keys/agencies/*.pem),install -m 0644 $(wildcard keys/agencies/*.pem) $(DESTDIR)$(KEYDIR)/)
	install -m 0644 $(wildcard docs/*.1) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(wildcard docs/*.8) $(DESTDIR)$(MANDIR)/man8/

clean:
	rm -rf $(B) bin

.PHONY: all deps tests check demo bench fuzz install clean FORCE
.DELETE_ON_ERROR:
.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# Long kill loops and fault runs (tools/soak; SOAK_KILLS, SOAK_ROUNDS);
# their figures go into docs/reliability.md.
soak: deps
	@$(MAKE) --no-print-directory all
	@tools/soak

.PHONY: soak
