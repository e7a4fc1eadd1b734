# hip.mk — the simulated HIP runtime, the hipcc-built test programs and the HIP end-to-end
# tests. Included by the top-level Makefile; also usable alone:
#   make -f Tests/hip.mk BUILD=build sim-hip
#   make -f Tests/hip.mk BUILD=build test-e2e-hip [REEF_LIB=build/libreef.so]
#
# $(BUILD)/sim/hip/libamdhip64.so.5  simulator (soname and symbol versions of ROCm 5.2)
# $(BUILD)/tests/hip/                programs, module_kernels.co, hipsim_kernel_table

BUILD ?= build
REEF_LIB ?= $(BUILD)/libreef.so
HIPCC ?= hipcc
HIP_ARCH ?= gfx90a

include Tests/SimRuntimes/core/simdev.mk

HIPSIM_DIR := Tests/SimRuntimes/hip
HIPSIM_OUT := $(BUILD)/sim/hip
HIPSIM_OBJDIR := $(BUILD)/obj/simhip
HIPSIM_SRCS := $(wildcard $(HIPSIM_DIR)/*.c)
HIPSIM_HDRS := $(wildcard $(HIPSIM_DIR)/*.h) $(SIMDEV_HDRS)
HIPSIM_OBJS := $(patsubst $(HIPSIM_DIR)/%.c,$(HIPSIM_OBJDIR)/%.o,$(HIPSIM_SRCS))
HIPSIM_MAP := $(HIPSIM_DIR)/libamdhip64.map
HIPSIM_LIB := $(HIPSIM_OUT)/libamdhip64.so.5
HIPSIM_CFLAGS := $(SIM_CFLAGS) -D__HIP_PLATFORM_AMD__ $(SIMDEV_INCLUDE) -I$(HIPSIM_DIR)

HIPPROG_DIR := Tests/Programs/hip
HIPPROG_OUT := $(BUILD)/tests/hip
HIPPROG_HDRS := $(wildcard $(HIPPROG_DIR)/*.h)
HIPPROG_HIPCCFLAGS := --offload-arch=$(HIP_ARCH) -O2 -Wall -Wextra -Werror
# Every .hip except the device-only module source, which becomes a code object instead.
HIPPROG_NAMES := $(filter-out module_kernels,$(basename $(notdir $(wildcard $(HIPPROG_DIR)/*.hip))))
HIPPROG_BINS := $(addprefix $(HIPPROG_OUT)/,$(HIPPROG_NAMES))
HIPPROG_EXTRA := $(HIPPROG_OUT)/triton_launcher $(HIPPROG_OUT)/module_kernels.co \
                 $(HIPPROG_OUT)/hipsim_kernel_table

.PHONY: sim-hip test-e2e-hip

sim-hip: $(HIPSIM_LIB) $(HIPSIM_OUT)/libamdhip64.so $(HIPPROG_BINS) $(HIPPROG_EXTRA)

$(HIPSIM_OBJDIR)/%.o: $(HIPSIM_DIR)/%.c $(HIPSIM_HDRS)
	@mkdir -p $(@D)
	$(SIM_CC) $(HIPSIM_CFLAGS) -c $< -o $@

# -z defs: every reference must resolve at link time, so a missing core function fails here.
$(HIPSIM_LIB): $(HIPSIM_OBJS) $(SIMDEV_LIB) $(HIPSIM_MAP)
	@mkdir -p $(@D)
	$(SIM_CC) -shared -Wl,-soname,libamdhip64.so.5 -Wl,--version-script=$(HIPSIM_MAP) \
		-Wl,-z,defs -o $@ $(HIPSIM_OBJS) $(SIMDEV_LDLIBS)

$(HIPSIM_OUT)/libamdhip64.so: $(HIPSIM_LIB)
	ln -sf libamdhip64.so.5 $@

# hipcc links against the real ROCm library, as for any HIP application; the tests then run
# the binaries against the simulator through LD_LIBRARY_PATH.
$(HIPPROG_OUT)/%: $(HIPPROG_DIR)/%.hip $(HIPPROG_HDRS)
	@mkdir -p $(@D)
	$(HIPCC) $(HIPPROG_HIPCCFLAGS) $< -o $@

# Per-thread default stream build: launches and stream APIs bind to the _spt entry points.
$(HIPPROG_OUT)/per_thread: $(HIPPROG_DIR)/per_thread.hip $(HIPPROG_HDRS)
	@mkdir -p $(@D)
	$(HIPCC) $(HIPPROG_HIPCCFLAGS) -fgpu-default-stream=per-thread \
		-DHIP_API_PER_THREAD_DEFAULT_STREAM $< -o $@

$(HIPPROG_OUT)/module_kernels.co: $(HIPPROG_DIR)/module_kernels.hip
	@mkdir -p $(@D)
	$(HIPCC) --genco $(HIPPROG_HIPCCFLAGS) $< -o $@

# Plain C, not linked against any HIP library: it dlopens libamdhip64.so.5 itself.
$(HIPPROG_OUT)/triton_launcher: $(HIPPROG_DIR)/triton_launcher.c
	@mkdir -p $(@D)
	$(SIM_CC) -std=c11 -D__HIP_PLATFORM_AMD__ -Wall -Wextra -Werror -O1 $< -o $@ -ldl

$(HIPPROG_OUT)/hipsim_kernel_table: $(HIPSIM_DIR)/tools/hipsim_kernel_table.c \
		$(HIPSIM_OBJDIR)/hipsim_kernels.o $(HIPSIM_OBJDIR)/hipsim_kernel_mixed.o $(SIMDEV_LIB)
	@mkdir -p $(@D)
	$(SIM_CC) $(HIPSIM_CFLAGS) $^ -o $@ -pthread -lm

test-e2e-hip: sim-hip
	python3 Tests/e2e/hip_e2e.py --build $(BUILD) --reef-lib $(REEF_LIB)

# ---- randomized differential test: Tests/e2e/differential_e2e.py ------------------------------
# random_program.hip shares its runtime-neutral generator with the CUDA program.
$(HIPPROG_OUT)/random_program: $(wildcard Tests/Programs/cuda/programs/random_*.h)

.PHONY: differential-hip
differential-hip: $(HIPSIM_LIB) $(HIPSIM_OUT)/libamdhip64.so $(HIPPROG_OUT)/random_program \
		$(HIPPROG_OUT)/module_kernels.co
