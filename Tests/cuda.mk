# cuda.mk — the simulated CUDA driver, its client libraries, the CUDA test programs and the
# CUDA end-to-end tests. Included by the top-level Makefile; also usable alone:
#   make -f Tests/cuda.mk BUILD=build sim-cuda
#   make -f Tests/cuda.mk BUILD=build test-e2e-cuda
# Paths are relative to the repository root (run make from there).

BUILD ?= build
REEF_LIB ?= $(BUILD)/libreef.so
PYTHON ?= python3

include Tests/SimRuntimes/core/simdev.mk

CUDA_ABI_INCLUDE := -ISources/CInterpose/include
CUDA_ABI_HEADER := Sources/CInterpose/include/reef_cuda_abi.h

# ---- the simulated driver: $(BUILD)/sim/cuda/libcuda.so.1 (+ libcuda.so) ----------------------
CUDA_SIM_SRCDIR := Tests/SimRuntimes/cuda
CUDA_SIM_DIR := $(BUILD)/sim/cuda
CUDA_SIM_OBJDIR := $(BUILD)/obj/simcuda
CUDA_SIM_SRCS := $(wildcard $(CUDA_SIM_SRCDIR)/*.c)
CUDA_SIM_OBJS := $(patsubst $(CUDA_SIM_SRCDIR)/%.c,$(CUDA_SIM_OBJDIR)/%.o,$(CUDA_SIM_SRCS))
CUDA_SIM_HDRS := $(wildcard $(CUDA_SIM_SRCDIR)/*.h) $(CUDA_ABI_HEADER) $(SIMDEV_HDRS)
CUDA_SIM_LIB := $(CUDA_SIM_DIR)/libcuda.so.1
CUDA_SIM_INCLUDE := $(CUDA_ABI_INCLUDE) -I$(CUDA_SIM_SRCDIR)

$(CUDA_SIM_OBJDIR)/%.o: $(CUDA_SIM_SRCDIR)/%.c $(CUDA_SIM_HDRS)
	@mkdir -p $(@D)
	$(SIM_CC) $(SIM_CFLAGS) $(SIMDEV_INCLUDE) $(CUDA_SIM_INCLUDE) -c $< -o $@

# -Bsymbolic-functions: cuGetProcAddress must hand out this library's own symbols even when an
# LD_PRELOADed shim defines the same names.
$(CUDA_SIM_LIB): $(CUDA_SIM_OBJS) $(SIMDEV_LIB)
	@mkdir -p $(@D)
	$(SIM_CC) -shared -o $@ $(CUDA_SIM_OBJS) $(SIMDEV_LDLIBS) -Wl,-soname,libcuda.so.1 \
		-Wl,-Bsymbolic-functions -Wl,--no-undefined
	ln -sf libcuda.so.1 $(CUDA_SIM_DIR)/libcuda.so

# ---- client libraries and test programs: $(BUILD)/tests/cuda --------------------------------
CUDA_PROG_SRCDIR := Tests/Programs/cuda
CUDA_TEST_DIR := $(BUILD)/tests/cuda
CUDA_PROG_OBJDIR := $(BUILD)/obj/cudaprogs
CUDA_CLIENT_INCLUDE := $(CUDA_SIM_INCLUDE) -I$(CUDA_PROG_SRCDIR)/runtime -I$(CUDA_PROG_SRCDIR)/blas \
	-I$(CUDA_PROG_SRCDIR)/programs
CUDA_CLIENT_HDRS := $(wildcard $(CUDA_PROG_SRCDIR)/*/*.h) $(CUDA_ABI_HEADER) $(CUDA_SIM_SRCDIR)/cuda_sim_extra.h

CUDA_RT_SRCS := $(wildcard $(CUDA_PROG_SRCDIR)/runtime/*.c)
CUDA_RT_OBJS := $(patsubst $(CUDA_PROG_SRCDIR)/%.c,$(CUDA_PROG_OBJDIR)/%.o,$(CUDA_RT_SRCS))
CUDA_RT_LIB := $(CUDA_TEST_DIR)/libsimcudart.so
CUDA_BLAS_SRCS := $(wildcard $(CUDA_PROG_SRCDIR)/blas/*.c)
CUDA_BLAS_OBJS := $(patsubst $(CUDA_PROG_SRCDIR)/%.c,$(CUDA_PROG_OBJDIR)/%.o,$(CUDA_BLAS_SRCS))
CUDA_BLAS_LIB := $(CUDA_TEST_DIR)/libsimblas.so

$(CUDA_PROG_OBJDIR)/%.o: $(CUDA_PROG_SRCDIR)/%.c $(CUDA_CLIENT_HDRS)
	@mkdir -p $(@D)
	$(SIM_CC) $(SIM_CFLAGS) $(CUDA_CLIENT_INCLUDE) -c $< -o $@

# Neither library links libcuda: they find it at run time, as the real ones do.
$(CUDA_RT_LIB): $(CUDA_RT_OBJS)
	@mkdir -p $(@D)
	$(SIM_CC) -shared -o $@ $^ -ldl -pthread -Wl,--no-undefined

$(CUDA_BLAS_LIB): $(CUDA_BLAS_OBJS)
	@mkdir -p $(@D)
	$(SIM_CC) -shared -o $@ $^ -ldl -Wl,--no-undefined

# Programs, by name prefix: rt_* use the runtime, blas_* the runtime and simblas, drv_* link the
# driver (-lcuda, found through LD_LIBRARY_PATH at run time), plain_* nothing.
CUDA_PROG_SRCS := $(wildcard $(CUDA_PROG_SRCDIR)/programs/*.c)
CUDA_PROGS := $(patsubst $(CUDA_PROG_SRCDIR)/programs/%.c,$(CUDA_TEST_DIR)/%,$(CUDA_PROG_SRCS))
CUDA_PROG_RPATH := -Wl,-rpath,'$$ORIGIN'
# Keep program objects: they are intermediates of the pattern chain.
.SECONDARY: $(patsubst $(CUDA_PROG_SRCDIR)/%.c,$(CUDA_PROG_OBJDIR)/%.o,$(CUDA_PROG_SRCS))

$(CUDA_TEST_DIR)/rt_%: $(CUDA_PROG_OBJDIR)/programs/rt_%.o $(CUDA_RT_LIB)
	$(SIM_CC) -o $@ $< -L$(CUDA_TEST_DIR) -lsimcudart $(CUDA_PROG_RPATH) -pthread -lm

$(CUDA_TEST_DIR)/blas_%: $(CUDA_PROG_OBJDIR)/programs/blas_%.o $(CUDA_RT_LIB) $(CUDA_BLAS_LIB)
	$(SIM_CC) -o $@ $< -L$(CUDA_TEST_DIR) -lsimblas -lsimcudart $(CUDA_PROG_RPATH) -pthread -lm

$(CUDA_TEST_DIR)/drv_%: $(CUDA_PROG_OBJDIR)/programs/drv_%.o $(CUDA_SIM_LIB)
	$(SIM_CC) -o $@ $< -L$(CUDA_SIM_DIR) -lcuda -ldl -pthread -lm

$(CUDA_TEST_DIR)/plain_%: $(CUDA_PROG_OBJDIR)/programs/plain_%.o
	$(SIM_CC) -o $@ $< -pthread

.PHONY: sim-cuda test-e2e-cuda
sim-cuda: $(CUDA_SIM_LIB) $(CUDA_RT_LIB) $(CUDA_BLAS_LIB) $(CUDA_PROGS) $(SIMDEV_SELFTEST)

test-e2e-cuda: sim-cuda
	$(PYTHON) Tests/e2e/cuda_e2e.py --build $(BUILD) --reef-lib $(REEF_LIB)

# Stand-alone use builds everything by default; when included, the includer's goal stays.
ifeq ($(notdir $(firstword $(MAKEFILE_LIST))),cuda.mk)
.DEFAULT_GOAL := sim-cuda
endif

# ---- randomized differential test: Tests/e2e/differential_e2e.py ------------------------------
# random_program links the driver like drv_* (its name has no prefix rule above). test-differential
# also builds the HIP twin through Tests/hip.mk, then runs both with and without $(REEF_LIB).
$(CUDA_TEST_DIR)/random_program: $(CUDA_PROG_OBJDIR)/programs/random_program.o $(CUDA_SIM_LIB)
	@mkdir -p $(@D)
	$(SIM_CC) -o $@ $< -L$(CUDA_SIM_DIR) -lcuda -ldl -pthread -lm

.PHONY: test-differential
test-differential: $(CUDA_SIM_LIB) $(CUDA_TEST_DIR)/random_program
	$(MAKE) -f Tests/hip.mk BUILD=$(BUILD) differential-hip
	$(PYTHON) Tests/e2e/differential_e2e.py --build $(BUILD) --reef-lib $(REEF_LIB) $(DIFFERENTIAL_ARGS)

# ---- RT latency under scheduling, in simulated time: Tests/e2e/latency_e2e.py -----------------
# rt_latency calls the driver directly, so this explicit rule overrides the rt_% (libsimcudart) one.
$(CUDA_TEST_DIR)/rt_latency: $(CUDA_PROG_OBJDIR)/programs/rt_latency.o $(CUDA_SIM_LIB)
	$(SIM_CC) -o $@ $< -L$(CUDA_SIM_DIR) -lcuda -ldl -pthread -lm

.PHONY: test-latency
test-latency: $(CUDA_SIM_LIB) $(CUDA_TEST_DIR)/rt_latency $(CUDA_TEST_DIR)/drv_clients
	$(PYTHON) Tests/e2e/latency_e2e.py --build $(BUILD) --reef-lib $(REEF_LIB)
