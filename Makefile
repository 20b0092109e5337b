# provstat — one GNU Makefile: build, run, check, install.
#
# The user's variables (CC CFLAGS CPPFLAGS LDFLAGS PREFIX DESTDIR PKG_CONFIG)
# come after the project's own flags, so they win.  DEVELOPER=1 turns warnings
# into errors; SANITIZE=address,undefined builds every target with sanitizers
# into build/san/ (binaries in build/san/bin) so the two builds never mix.

VERSION := 0.1.0

PREFIX ?= /usr/local
DESTDIR ?=
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g

ifeq ($(FUZZ),1)
# libFuzzer's build (make fuzz): clang, every object instrumented for
# coverage and the sanitizers, so the fuzzer sees our code, not only libc's.
CC := clang
VARIANT := fuzz
BIN := build/fuzz/bin
SAN_FLAGS := -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
else ifneq ($(SANITIZE),)
VARIANT := san
BIN := build/san/bin
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
else
VARIANT := default
BIN := bin
SAN_FLAGS :=
endif
B := build/$(VARIANT)

WARNINGS := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla -Wwrite-strings \
	-Wimplicit-fallthrough -Wundef -Wold-style-definition \
	-Wno-format-truncation
# (-Wno-format-truncation: messages are truncated into fixed buffers on
# purpose; snprintf's return is the guard, not a bug.)
ifeq ($(FUZZ),1)
WARNINGS += -Wno-unknown-warning-option
endif
ifeq ($(DEVELOPER),1)
WARNINGS += -Werror
endif

PKGS := libcurl libxml-2.0 libcjson sqlite3 libcrypto zlib

# Goals that need no libraries do not trigger the dependency check.
NO_DEPS_GOALS := clean distclean uninstall help checkstyle format banned
ifneq ($(filter-out $(NO_DEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
include $(B)/deps.mk
endif

# deps.mk records the pkg-config answers once; make re-reads it after
# building it.  Missing packages are installed (root) or named (non-root).
$(B)/deps.mk: scripts/install-deps
	@mkdir -p $(@D)
	@scripts/install-deps
	@{ echo "DEP_CFLAGS := $$($(PKG_CONFIG) --cflags $(PKGS))"; \
	   echo "DEP_LIBS := $$($(PKG_CONFIG) --libs $(PKGS))"; \
	   echo "CHECK_CFLAGS := $$($(PKG_CONFIG) --cflags check)"; \
	   echo "CHECK_LIBS := $$($(PKG_CONFIG) --libs check)"; } > $@.tmp
	@mv $@.tmp $@

P_CPPFLAGS := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-Istages/common -I$(B)
# -pthread: normalize writes to the store on a thread of its own.
ALL_CFLAGS = $(WARNINGS) $(SAN_FLAGS) -pthread $(P_CPPFLAGS) $(DEP_CFLAGS) \
	$(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) -pthread $(LDFLAGS)

STAGES := fetch normalize reconcile emit audit
PROGRAMS := $(BIN)/provstat $(addprefix $(BIN)/provstat-,$(STAGES))

COMMON_SRC := $(sort $(wildcard stages/common/*.c))
COMMON_OBJ := $(COMMON_SRC:%.c=$(B)/%.o)
LIBPROVSTAT := $(B)/libprovstat.a

# stage_lib(stage): the stage's modules (everything but main.c) as a library
# the unit tests link directly.
stage_src = $(filter-out stages/$(1)/main.c,$(sort $(wildcard stages/$(1)/*.c)))
stage_lib = $(B)/lib$(1).a
STAGE_LIBS := $(foreach s,$(STAGES) driver,$(call stage_lib,$(s)))

TEST_SRC := $(sort $(wildcard tests/unit/*.c))
TEST_OBJ := $(TEST_SRC:%.c=$(B)/%.o)
TEST_RUNNER := $(B)/tests/check_provstat

# Fuzz targets (tests/fuzz/README.md): one per source of
# tests/fuzz/config/sources/, built from fuzz_format.c for that source (a
# unit test checks they cover every format of stages/common/format.c), and
# one per text parser.
FUZZ_FORMATS := $(sort $(basename $(notdir \
	$(wildcard tests/fuzz/config/sources/*.json))))
FUZZ_TARGETS ?= $(FUZZ_FORMATS) decode number period config
FUZZ_ALL := $(FUZZ_FORMATS) decode number period config
fuzz_obj = $(if $(filter $(1),$(FUZZ_FORMATS)),$(B)/tests/fuzz/format-$(1).o,$(B)/tests/fuzz/fuzz_$(1).o)
FUZZ_LIBS = $(B)/tests/fuzz/fuzz_common.o $(call stage_lib,normalize) $(LIBPROVSTAT)
FUZZ_CFLAGS = -Istages -DFUZZ_CONFIG='"$(CURDIR)/tests/fuzz/config/provstat.json"'
FUZZ_SRC := $(wildcard tests/fuzz/*.c)

ALL_SRC := $(COMMON_SRC) $(foreach s,$(STAGES) driver,$(wildcard stages/$(s)/*.c))

.PHONY: all run check unit e2e hostile memcheck bench fuzz fuzz-run fuzz-replay \
	test-deps \
	fuzz-replay-run banned checkstyle format install uninstall \
	clean distclean help FORCE
.DEFAULT_GOAL := all
# Keep every object: main.o files are intermediates of pattern rules.
.SECONDARY:

all: $(PROGRAMS)

help:
	@echo "make [all]     build bin/provstat and the stage programs"
	@echo "make run       build and run the default configuration"
	@echo "make check     build and run every test"
	@echo "make memcheck  the unit runner under valgrind memcheck"
	@echo "make fuzz      libFuzzer on every parser, FUZZ_TIME=60 s each (clang)"
	@echo "make bench     measure against peers (prints ratios)"
	@echo "make install   install under PREFIX=$(PREFIX) (DESTDIR honoured)"
	@echo "variables: DEVELOPER=1 (-Werror), SANITIZE=address,undefined"

# The git revision goes into one object only, rewritten when it changes.
REVISION := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
$(B)/revision.h: FORCE
	@mkdir -p $(@D)
	@printf '#define PROVSTAT_VERSION "%s"\n#define PROVSTAT_REVISION "%s"\n' \
		'$(VERSION)' '$(REVISION)' > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@
	@rm -f $@.tmp
$(B)/stages/common/version.o: $(B)/revision.h

# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

$(B)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Istages -MMD -MP -c -o $@ $<

$(B)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/fuzz/format-%.o: tests/fuzz/fuzz_format.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(FUZZ_CFLAGS) -DFUZZ_SOURCE='"$*"' -MMD -MP -c -o $@ $<

$(LIBPROVSTAT): $(COMMON_OBJ)
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)$(AR) rcs $@ $^

define stage_rules
$(call stage_lib,$(1)): $(patsubst %.c,$(B)/%.o,$(call stage_src,$(1)))
	@rm -f $$@
	@$$(if $$(Q),echo "  AR      $$@")
	$$(Q)$$(AR) rcs $$@ $$^
endef
$(foreach s,$(STAGES) driver,$(eval $(call stage_rules,$(s))))

$(BIN)/provstat: $(B)/stages/driver/main.o $(call stage_lib,driver) $(LIBPROVSTAT)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS) -lm

$(BIN)/provstat-%: $(B)/stages/%/main.o $(B)/lib%.a $(LIBPROVSTAT)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS) -lm

$(TEST_RUNNER): $(TEST_OBJ) $(STAGE_LIBS) $(LIBPROVSTAT)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(TEST_OBJ) $(STAGE_LIBS) $(LIBPROVSTAT) \
		$(DEP_LIBS) $(CHECK_LIBS) -lm

define fuzz_rules
$(B)/fuzz/fuzz-$(1): $(call fuzz_obj,$(1)) $(FUZZ_LIBS)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  LINK    $$@")
	$$(Q)$$(CC) $$(ALL_LDFLAGS) -fsanitize=fuzzer -o $$@ $$^ $$(DEP_LIBS) -lm
$(B)/fuzz/replay-$(1): $(call fuzz_obj,$(1)) $(B)/tests/fuzz/replay.o $(FUZZ_LIBS)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  LINK    $$@")
	$$(Q)$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(DEP_LIBS) -lm
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call fuzz_rules,$(t))))

run: all
	$(BIN)/provstat run --config config/provstat.json --out output

unit: $(TEST_RUNNER)
	$(TEST_RUNNER)

# What only the tests need (Chromium, Node.js, pandas, valgrind, ...):
# installed for them, never by a plain build (scripts/install-deps).
test-deps:
	@scripts/install-deps --test

e2e: all test-deps
	BIN=$(BIN) tests/e2e/run

hostile: all test-deps
	BIN=$(BIN) tests/hostile/run

# The unit runner under valgrind memcheck, in one process (CK_FORK=no) so
# that every leak is seen; .ci/run runs it on the plain build.
memcheck: $(TEST_RUNNER) test-deps
	CK_FORK=no valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect $(TEST_RUNNER)

check: test-deps banned checkstyle unit e2e hostile fuzz-replay

# The seed and regression corpora, replayed by a plain driver under
# ASan+UBSan (the sanitizer build is shared with SANITIZE=...).
ifeq ($(VARIANT),san)
fuzz-replay: fuzz-replay-run
else
fuzz-replay:
	$(MAKE) --no-print-directory SANITIZE=address,undefined fuzz-replay-run
endif
fuzz-replay-run: $(foreach t,$(FUZZ_ALL),$(B)/fuzz/replay-$(t))
	@set -e; for t in $(FUZZ_ALL); do \
		case " $(FUZZ_FORMATS) " in *" $$t "*) o=--observations;; \
			*) o=;; esac; \
		$(B)/fuzz/replay-$$t $$o tests/fuzz/corpus/$$t; done

# libFuzzer, FUZZ_TIME seconds a target (FUZZ_TARGETS picks some); what it
# finds goes to build/fuzz/corpus (new inputs) and build/fuzz/artifacts
# (crashes: add each to tests/fuzz/corpus/<target>/ once fixed).
FUZZ_TIME ?= 60
fuzz:
	scripts/install-deps --fuzz
	$(MAKE) --no-print-directory FUZZ=1 fuzz-run
fuzz-run: $(foreach t,$(FUZZ_TARGETS),$(B)/fuzz/fuzz-$(t))
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz/corpus/$$t build/fuzz/artifacts/$$t; \
		echo "fuzz: $$t for $(FUZZ_TIME) s"; \
		$(B)/fuzz/fuzz-$$t -max_total_time=$(FUZZ_TIME) -max_len=65536 \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=build/fuzz/artifacts/$$t/ \
			build/fuzz/corpus/$$t tests/fuzz/corpus/$$t; done

# Ratios to peer programs measured in the same run (bench/run); not a test.
bench: all
	scripts/install-deps --bench
	BIN=$(BIN) bench/run

# Functions the house style bans: they overflow, lose errors or run a shell.
banned:
	@if grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atof|strtok|system)[[:space:]]*\(' \
		$(ALL_SRC) $(wildcard stages/*/*.h) $(FUZZ_SRC) | grep -v 'snprintf'; then \
		echo "banned functions found (see STYLE.md)" >&2; exit 1; \
	else echo "banned: 0 uses of banned functions"; fi

# Formatting is mechanical: clang-format decides, nobody argues.
CLANG_FORMAT ?= clang-format
FORMAT_FILES = $(ALL_SRC) $(wildcard stages/*/*.h) $(TEST_SRC) $(wildcard tests/unit/*.h) \
	$(FUZZ_SRC) $(wildcard tests/fuzz/*.h)
checkstyle:
	@if command -v $(CLANG_FORMAT) >/dev/null 2>&1; then \
		$(CLANG_FORMAT) --dry-run -Werror $(FORMAT_FILES) && \
		echo "checkstyle: $(words $(FORMAT_FILES)) files formatted"; \
	else echo "checkstyle: skipped ($(CLANG_FORMAT) not installed)"; fi
format:
	$(CLANG_FORMAT) -i $(FORMAT_FILES)

SYSCONFDIR ?= /etc
MANDIR ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DOCDIR ?= $(PREFIX)/share/doc/provstat
# The units and the cron example name the installed paths.
SUBST = sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'

# The default configuration and its sample documents go beside the
# programs, where they look for it without -c (cli.h), so that an
# installed provstat runs from any directory.
DATADIR = $(PREFIX)/share/provstat
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(DESTDIR)$(DOCDIR)/examples \
		$(addprefix $(DESTDIR)$(DATADIR)/config/,sources sample geo)
	install -m 644 config/*.json $(DESTDIR)$(DATADIR)/config/
	install -m 644 config/sources/*.json $(DESTDIR)$(DATADIR)/config/sources/
	install -m 644 config/sample/* $(DESTDIR)$(DATADIR)/config/sample/
	install -m 644 config/geo/* $(DESTDIR)$(DATADIR)/config/geo/
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 755 scripts/nightly $(DESTDIR)$(PREFIX)/bin/provstat-nightly
	install -m 644 doc/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 doc/*.5 $(DESTDIR)$(MANDIR)/man5/
	$(SUBST) contrib/systemd/provstat-nightly.service.in \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/provstat-nightly.service
	install -m 644 contrib/systemd/provstat-nightly.timer $(DESTDIR)$(SYSTEMDUNITDIR)/
	$(SUBST) contrib/cron/provstat-nightly.in \
		> $(DESTDIR)$(DOCDIR)/examples/cron.d-provstat-nightly

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,provstat provstat-nightly \
		$(addprefix provstat-,$(STAGES)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard doc/*.1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(wildcard doc/*.5)))
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/provstat-nightly.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/provstat-nightly.timer
	rm -f $(DESTDIR)$(DOCDIR)/examples/cron.d-provstat-nightly
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build bin

distclean: clean
	rm -rf output

# Dependency files are made by the compiler, never by make (without this,
# make would try to rebuild format-csv.d from fuzz_format.c).
%.d: ;
-include $(shell find $(B) -name '*.d' 2>/dev/null)
