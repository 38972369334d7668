# Shuzhi (数智) build. See README.md: `make run` and `make check`.
# Every Debian library comes through pkg-config.

comma := ,
# Linked at build time; libcurl is compiled against but loaded with dlopen()
# by src/model/curl_dl.c when a model is first called (it pulls in ~27 more
# shared libraries that every other command would map at start-up), libzip
# likewise by src/doc/zip.c when a package is not plain (it pulls in
# libcrypto and libbz2: ~3 M instructions of relocation at every start).
PKGS_LINKED := zlib libdeflate libxml-2.0 jansson libpcre2-32 sqlite3 libsodium libevent icu-uc
PKGS_DLOPEN := libcurl libzip
PKGS      := $(PKGS_LINKED) $(PKGS_DLOPEN)
CC        ?= cc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS_LINKED) 2>/dev/null) -lm -lpthread

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla -Werror
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
CFLAGS_COMMON := $(CSTD) $(WARN) -Isrc $(PKG_CFLAGS) -MMD -MP
REL_CFLAGS  := $(CFLAGS_COMMON) -O2 -g
ASAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ASAN_CFLAGS := $(CFLAGS_COMMON) -O1 -g $(ASAN_FLAGS)

LIB_SRC  := $(sort $(shell find src -name '*.c' ! -name main.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))

# web/ is embedded in the binary: scripts/embed-web.py writes one C file.
WEB_SRC  := $(sort $(shell find web -type f ! -name '.*' 2>/dev/null))
WEB_GEN  := build/gen/web_assets.c

REL_OBJ  := $(LIB_SRC:%.c=build/rel/%.o) build/rel/gen/web_assets.o
ASAN_OBJ := $(LIB_SRC:%.c=build/asan/%.o) build/asan/gen/web_assets.o
UNIT_OBJ := $(UNIT_SRC:%.c=build/asan/%.o)

BIN      := build/shuzhi
ASAN_BIN := build/asan/shuzhi
UNIT_BIN := build/asan/unit-tests

FUZZ_SRC     := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)
FUZZ_CFLAGS  := $(CSTD) -Wall -Wextra -Werror -Isrc $(PKG_CFLAGS) -O1 -g \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -DSHUZHI_FUZZ
# The library is compiled once for all targets, with coverage but without
# libFuzzer's main (fuzzer-no-link); each target links it with its own file.
FUZZ_LIB_CFLAGS := $(subst -fsanitize=fuzzer$(comma),-fsanitize=fuzzer-no-link$(comma),$(FUZZ_CFLAGS)) -MMD -MP
FUZZ_OBJ     := $(LIB_SRC:%.c=build/fuzzobj/%.o) build/fuzzobj/gen/web_assets.o
.SECONDARY: $(FUZZ_OBJ)

.PHONY: all deps run demo check test unit integration lint format fuzz fuzz-build bench clean

all: $(BIN)

deps:
	@scripts/install-deps.sh

$(BIN): $(REL_OBJ) build/rel/src/main.o
	@echo "  LINK    $@"
	@$(CC) $(REL_CFLAGS) -o $@ $^ $(PKG_LIBS)

$(ASAN_BIN): $(ASAN_OBJ) build/asan/src/main.o
	@echo "  LINK    $@"
	@$(CC) $(ASAN_CFLAGS) -o $@ $^ $(PKG_LIBS)

$(UNIT_BIN): $(ASAN_OBJ) $(UNIT_OBJ)
	@echo "  LINK    $@"
	@$(CC) $(ASAN_CFLAGS) -o $@ $^ $(PKG_LIBS)

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(REL_CFLAGS) -c -o $@ $<

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC asan $<"
	@$(CC) $(ASAN_CFLAGS) -c -o $@ $<

$(WEB_GEN): $(WEB_SRC) scripts/embed-web.py
	@mkdir -p $(dir $@)
	@echo "  EMBED   web/ -> $@"
	@python3 scripts/embed-web.py web $@

build/rel/gen/web_assets.o: $(WEB_GEN)
	@mkdir -p $(dir $@)
	@$(CC) $(REL_CFLAGS) -c -o $@ $<

build/asan/gen/web_assets.o: $(WEB_GEN)
	@mkdir -p $(dir $@)
	@$(CC) $(ASAN_CFLAGS) -c -o $@ $<

build/fuzzobj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	@clang $(FUZZ_LIB_CFLAGS) -c -o $@ $<

build/fuzzobj/gen/web_assets.o: $(WEB_GEN)
	@mkdir -p $(dir $@)
	@clang $(FUZZ_LIB_CFLAGS) -c -o $@ $<

build/fuzz/%: fuzz/%.c $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS) -lz

# make run: install what is missing, build, demonstrate the CLI on a sample,
# create a demo database and start the server on 127.0.0.1:8080.
run: deps $(BIN)
	@scripts/demo.sh $(BIN)

# make check: everything, sanitizers on; last line "N passed, N failed".
check: deps $(BIN) $(ASAN_BIN) $(UNIT_BIN) $(FUZZ_BINS) build/standin
	@tests/run-all.sh

unit: $(UNIT_BIN)
	@$(UNIT_BIN)

lint:
	@scripts/lint.sh

format:
	@clang-format -i $$(find src tests/unit fuzz bench -name '*.[ch]')

fuzz-build: $(FUZZ_BINS)

# Long fuzzing run: FUZZ_SECONDS per target (default 600).
fuzz: $(FUZZ_BINS)
	@scripts/fuzz.sh $(or $(FUZZ_SECONDS),600)

bench: $(BIN) build/bench-gongwen build/bench-scenario build/bench-search build/bench-slides
	@bench/gongwen/run.sh $(BIN)
	@bench/search/run.sh $(BIN)
	@bench/http/run.sh $(BIN)
	@bench/pii/run.sh $(BIN)
	@bench/gateway/run.sh $(BIN)
	@bench/scenario/run.sh $(BIN)
	@bench/enterprise/run.sh $(BIN)
	@bench/slides/run.sh $(BIN)

# In-process timing (no process start-up) for the benchmarks.
build/bench-gongwen: $(REL_OBJ) build/rel/bench/gongwen/inproc.o
	@echo "  LINK    $@"
	@$(CC) $(REL_CFLAGS) -o $@ $^ $(PKG_LIBS)

# The stand-in model server of the tests and bench/gateway (never shipped).
build/standin: tests/standin/standin.c tests/standin/standin_embed.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(REL_CFLAGS) -o $@ $(filter %.c,$^) $(PKG_LIBS)

build/bench-loadgen: bench/gateway/loadgen.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(REL_CFLAGS) -o $@ $< $(PKG_LIBS)

build/bench-scenario: $(REL_OBJ) build/rel/bench/scenario/inproc.o
	@echo "  LINK    $@"
	@$(CC) $(REL_CFLAGS) -o $@ $^ $(PKG_LIBS)

# In-process search timing and run file (bench/search/run.sh, the kb gate).
build/bench-search: $(REL_OBJ) build/rel/bench/search/inproc.o
	@echo "  LINK    $@"
	@$(CC) $(REL_CFLAGS) -o $@ $^ $(PKG_LIBS)

build/bench-kbemb: $(REL_OBJ) build/rel/bench/kbemb/inproc.o
	@echo "  LINK    $@"
	@$(CC) $(REL_CFLAGS) -o $@ $^ $(PKG_LIBS)

build/bench-slides: $(REL_OBJ) build/rel/bench/slides/inproc.o
	@echo "  LINK    $@"
	@$(CC) $(REL_CFLAGS) -o $@ $^ $(PKG_LIBS)

clean:
	rm -rf build

-include build/rel/bench/gongwen/inproc.d build/rel/bench/scenario/inproc.d build/rel/bench/search/inproc.d build/rel/bench/kbemb/inproc.d build/rel/bench/slides/inproc.d $(REL_OBJ:.o=.d) $(ASAN_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d) build/rel/src/main.d build/asan/src/main.d
