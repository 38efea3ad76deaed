# NewsIngest: `make run` and `make test` do all the set-up on a fresh Debian machine.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

SWIFT ?= swift
# System packages the build needs (Debian names): SQLite for the state store, libcurl for URL sources, zlib
# for gzip-compressed sitemaps, the kernel's headers for statx (a file's birth time), systemd for `systemd-analyze verify` on the unit in the tests, nginx and
# openssl for the URL tests and benchmark (a real server: autoindex pages, HTTP/2 over TLS). The URL tests
# also need python3 (their local HTTP server with faults), installed from Debian when none is on the PATH.
APT_PACKAGES := libnats-dev nats-server libcurl4-openssl-dev libpsl-dev publicsuffix iproute2 libsqlite3-dev zlib1g-dev linux-libc-dev pkg-config systemd nginx-light openssl
# Seconds `make fuzz` runs the fuzzer for.
FUZZ_SECONDS ?= 120
# What `make fuzz` fuzzes, each for FUZZ_SECONDS: the article parser and the configuration parser.
FUZZ_TARGETS ?= article configuration
# Sizes of `make bench`: MiB of articles for the parser, files for the daemon's backlog and memory runs,
# seconds of arrivals at 500 files/s for its latency run.
BENCH_MEGABYTES ?= 64
BENCH_BACKLOG_FILES ?= 100000
BENCH_LATENCY_SECONDS ?= 10
BENCH_MEMORY_FILES ?= 1000000
# MiB of each of the six worst-case files dropped at once by the hostile-input run (max_file_bytes: 10).
BENCH_HOSTILE_MEGABYTES ?= 10
# Articles listed by one index on a local nginx, for the URL benchmark.
BENCH_URL_ARTICLES ?= 10000
# Files for the batch parse: as names on one command line (near the kernel's limit), and through a list.
BENCH_PARSE_FILES ?= 50000

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FUZZ_BUILD := .build-fuzz
# libFuzzer without its `main` (SwiftPM links executables with their own), from the Swift toolchain.
FUZZER_LIBRARY = $(firstword $(wildcard $(dir $(shell readlink -f "$$(command -v $(SWIFT))"))../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-$(shell uname -m).a))
FUZZ_FLAGS = -c release -Xswiftc -sanitize=address \
	-Xswiftc -sanitize-coverage=edge,trace-cmp,pc-table,inline-8bit-counters -Xswiftc -DFUZZING \
	-Xlinker $(FUZZER_LIBRARY) -Xlinker -lstdc++

# `make install`: where things go. DESTDIR stages into a folder (no user is created then).
DESTDIR ?=
BINDIR := /usr/local/bin
UNITDIR := /etc/systemd/system
CONFDIR := /etc/newsingest

.PHONY: help deps build run test lint format bench fuzz install clean

help:
	@echo "make run    install what is missing, build, run the daemon: seeds/ into out/articles.jsonl, then keep watching"
	@echo "make test   install what is missing, lint, build with warnings as errors, run every test"
	@echo "make bench  release-build benchmarks; prints a table for docs/BENCHMARKS.md"
	@echo "make fuzz   run the libFuzzer target for FUZZ_SECONDS (default $(FUZZ_SECONDS)) and keep new inputs"

## Installs the Debian packages that are missing (apt-get update only when something is).
deps:
	@command -v $(SWIFT) >/dev/null || { echo "swift not found: install Swift 6 (https://swift.org/install) and retry" >&2; exit 1; }
	@missing=""; for package in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@# The record schema test validates records with Python's jsonschema (JSON Schema 2020-12).
	@python3 -c 'import jsonschema' 2>/dev/null || { echo "installing: jsonschema (PyPI)"; \
		python3 -m pip install -q jsonschema 2>/dev/null || $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-jsonschema; }

build: deps
	$(SWIFT) build -c release --product newsingest

## Starts the daemon on the embedded defaults: ingests seeds/ into out/articles.jsonl, then keeps watching
## (Ctrl-C stops it cleanly).
run: build
	.build/release/newsingest run

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

format:
	$(SWIFT) format format --in-place --recursive Sources Tests Package.swift

test: deps lint
	$(SWIFT) build --build-tests -Xswiftc -warnings-as-errors
	$(SWIFT) test --skip-build

## Parser throughput against cat, then the daemon: backlog against cat, latency at 500 files/s, peak memory,
## and URL sources against curl on a local nginx.
bench: deps
	$(SWIFT) build -c release --product newsingest
	$(SWIFT) build -c release --product newsingest-bench
	.build/release/newsingest-bench $(BENCH_MEGABYTES)
	.build/release/newsingest-bench daemon-backlog $(BENCH_BACKLOG_FILES)
	.build/release/newsingest-bench daemon-backlog-tiny $(BENCH_BACKLOG_FILES)
	.build/release/newsingest-bench daemon-latency $(BENCH_LATENCY_SECONDS)
	.build/release/newsingest-bench daemon-memory $(BENCH_MEMORY_FILES)
	.build/release/newsingest-bench daemon-hostile $(BENCH_HOSTILE_MEGABYTES)
	.build/release/newsingest-bench url-index $(BENCH_URL_ARTICLES)
	.build/release/newsingest-bench parse-batch $(BENCH_PARSE_FILES)
	.build/release/newsingest-bench daemon-jetstream $(BENCH_BACKLOG_FILES)
	.build/release/newsingest-bench cluster-index $(BENCH_URL_ARTICLES)

fuzz: deps
	@[ -n "$(FUZZER_LIBRARY)" ] || { echo "libclang_rt.fuzzer_no_main not found beside $$(command -v $(SWIFT))" >&2; exit 1; }
	$(SWIFT) build --scratch-path $(FUZZ_BUILD) --product newsingest-fuzz $(FUZZ_FLAGS)
	@for target in $(FUZZ_TARGETS); do \
		corpus=Tests/FuzzCorpus; [ $$target = article ] || corpus=Tests/FuzzCorpus-$$target; \
		work=$$(mktemp -d); \
		echo "fuzzing the $$target target for $(FUZZ_SECONDS) s (corpus $$corpus)"; \
		NEWSINGEST_FUZZ_TARGET=$$target $(FUZZ_BUILD)/release/newsingest-fuzz -max_total_time=$(FUZZ_SECONDS) \
			-max_len=65536 -timeout=10 -rss_limit_mb=4096 -dict=Tests/FuzzDictionaries/$$target.dict \
			-print_final_stats=1 "$$work" $$corpus || { rm -rf "$$work"; exit 1; }; \
		NEWSINGEST_FUZZ_TARGET=$$target $(FUZZ_BUILD)/release/newsingest-fuzz -merge=1 $$corpus "$$work"; \
		rm -rf "$$work"; \
		echo "$$corpus now holds $$(ls $$corpus | wc -l) inputs"; \
	done

## Installs the binary, the unit and (unless one exists) a configuration that watches /srv/newsingest/in and
## writes /var/lib/newsingest/out/articles.jsonl; creates the newsingest user. Then:
## systemctl enable --now newsingest
install: build
	install -D -m 0755 .build/release/newsingest $(DESTDIR)$(BINDIR)/newsingest
	install -D -m 0644 systemd/newsingest.service $(DESTDIR)$(UNITDIR)/newsingest.service
	@if [ ! -e $(DESTDIR)$(CONFDIR)/newsingest.toml ]; then \
		mkdir -p $(DESTDIR)$(CONFDIR); \
		sed -e 's|^path = "seeds"|path = "/srv/newsingest/in"|' -e 's|"out/|"/var/lib/newsingest/out/|' \
			config/newsingest.toml > $(DESTDIR)$(CONFDIR)/newsingest.toml; \
		echo "installed $(DESTDIR)$(CONFDIR)/newsingest.toml"; \
	else \
		echo "kept the existing $(DESTDIR)$(CONFDIR)/newsingest.toml"; \
	fi
	@if [ -z "$(DESTDIR)" ]; then \
		id newsingest >/dev/null 2>&1 || $(SUDO) useradd --system --home-dir /var/lib/newsingest --shell /usr/sbin/nologin newsingest; \
		$(SUDO) install -d -o newsingest -g newsingest -m 0750 /srv/newsingest /srv/newsingest/in; \
		if [ -d /run/systemd/system ]; then $(SUDO) systemctl daemon-reload; fi; \
		echo "now: systemctl enable --now newsingest"; \
	fi

clean:
	rm -rf .build $(FUZZ_BUILD) out
