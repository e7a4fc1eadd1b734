# Reef: `make` builds build/libreef.so (self-contained: Swift stdlib linked statically, exact
# export list, -z nodelete) and build/reefctl. `make test` installs what is missing and runs
# every test: Swift unit tests, then the end-to-end runs under LD_PRELOAD against the simulated
# CUDA and HIP runtimes, then the Python tests of the GPU scripts.

BUILD ?= build
REEF_LIB ?= $(abspath $(BUILD))/libreef.so
SWIFT ?= swift
CC ?= cc
SWIFT_RELEASE = $(SWIFT) build -c release --scratch-path .build-release
APT_PACKAGES = libamdhip64-dev libhsa-runtime-dev libelf-dev hipcc gcc g++ make python3

.PHONY: all lib reefctl test deps unit-test e2e-test script-test demo clean dist test-schedule-random test-padding

all: lib reefctl

$(BUILD)/libreef.map: Scripts/build/exports.c Sources/CInterpose/include/reef_cuda_abi.h Sources/CInterpose/include/reef_hip_calls.h
	@mkdir -p $(BUILD)
	$(CC) -E -P -I Sources/CInterpose/include -DREEF_EXPORTS_BEGIN='{ global:' -DREEF_EXPORTS_END='local: *; };' \
		Scripts/build/exports.c | grep -v '^\s*$$' | grep -v '^#' | sed -n '/{ global:/,$$p' > $@

lib: $(BUILD)/libreef.map
	$(SWIFT_RELEASE) --product reef -Xswiftc -static-stdlib \
		-Xlinker --version-script=$(abspath $(BUILD)/libreef.map) -Xlinker -z -Xlinker nodelete -Xlinker -z -Xlinker defs
	@mkdir -p $(BUILD)
	cp .build-release/release/libreef.so $(BUILD)/libreef.so
	@echo "built $(BUILD)/libreef.so"

reefctl:
	$(SWIFT_RELEASE) --product reefctl -Xswiftc -static-stdlib
	@mkdir -p $(BUILD)
	cp .build-release/release/reefctl $(BUILD)/reefctl

# Copy for the GPU machine (an ignored folder that the device call carries).
dist: lib reefctl
	@mkdir -p dist
	cp $(BUILD)/libreef.so $(BUILD)/reefctl dist/

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

-include Tests/cuda.mk
-include Tests/hip.mk

unit-test: deps
	$(SWIFT) test

e2e-test: deps lib reefctl sim-cuda sim-hip
	REEF_LIB=$(REEF_LIB) python3 Tests/e2e/process_e2e.py
	$(MAKE) test-e2e-cuda test-e2e-hip REEF_LIB=$(REEF_LIB)
	REEF_LIB=$(REEF_LIB) BUILD=$(BUILD) python3 Tests/e2e/schedule_e2e.py
	$(MAKE) test-differential test-latency REEF_LIB=$(REEF_LIB)
	$(MAKE) test-schedule-random REEF_LIB=$(REEF_LIB)
	$(MAKE) test-padding REEF_LIB=$(REEF_LIB)
	$(MAKE) test-nudge REEF_LIB=$(REEF_LIB)
	python3 Tests/e2e/crossproc_e2e.py --build $(BUILD) --reef-lib $(REEF_LIB) --reefctl $(abspath $(BUILD))/reefctl

# The randomized differential test with scheduling on: random programs (random RT/BE streams and
# windows) bit-identical with and without Reef, CUDA and HIP. SCHEDULE_SEEDS per runtime.
SCHEDULE_SEEDS ?= 2000
test-schedule-random: lib sim-cuda sim-hip $(CUDA_TEST_DIR)/random_program
	$(MAKE) -f Tests/hip.mk BUILD=$(BUILD) differential-hip
	python3 Tests/e2e/differential_e2e.py --schedule --seeds $(SCHEDULE_SEEDS) --build $(BUILD) --reef-lib $(REEF_LIB)

# Kernel padding: its two rules end to end (padding_e2e.py), and the randomized differential test
# with padding on (mostly forced, so padded kernels' ordering is what is checked), CUDA and HIP.
PADDING_SEEDS ?= 1000
test-padding: lib sim-cuda sim-hip $(CUDA_TEST_DIR)/random_program $(CUDA_TEST_DIR)/drv_padding
	$(MAKE) -f Tests/hip.mk BUILD=$(BUILD) differential-hip
	REEF_LIB=$(REEF_LIB) BUILD=$(BUILD) python3 Tests/e2e/padding_e2e.py
	python3 Tests/e2e/differential_e2e.py --padding --seeds $(PADDING_SEEDS) --build $(BUILD) --reef-lib $(REEF_LIB)

# REEF_RT_NUDGE: an empty kernel in a private context after real-time busy periods (nudge_e2e.py).
test-nudge: lib sim-cuda $(CUDA_TEST_DIR)/drv_padding
	REEF_LIB=$(REEF_LIB) BUILD=$(BUILD) python3 Tests/e2e/nudge_e2e.py

script-test:
	python3 -m unittest discover -s Scripts/gpu/tests -t .
	python3 -m unittest discover -s Scripts/bench/tests -t .

test: deps
	$(MAKE) unit-test
	$(MAKE) e2e-test
	$(MAKE) script-test

# The main job: a demo that runs on a real GPU when there is one, the simulated runtime otherwise.
demo: deps lib reefctl sim-cuda
	bash Scripts/demo.sh

clean:
	rm -rf $(BUILD) .build .build-release
