# simdev.mk — builds the shared simulated-device core into $(BUILD)/sim/core/libsimdev.a.
# Included by Tests/cuda.mk and Tests/hip.mk (guarded, so including it twice is harmless).
# Front ends link the archive into their shared library (the core's symbols are hidden).
ifndef SIMDEV_MK_INCLUDED
SIMDEV_MK_INCLUDED := 1

BUILD ?= build
SIM_CC ?= gcc
SIM_CFLAGS ?= -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -g -fPIC -pthread

SIMDEV_DIR := Tests/SimRuntimes/core
SIMDEV_SRCS := $(wildcard $(SIMDEV_DIR)/*.c)
SIMDEV_HDRS := $(wildcard $(SIMDEV_DIR)/*.h)
SIMDEV_OBJDIR := $(BUILD)/obj/simcore
SIMDEV_OBJS := $(patsubst $(SIMDEV_DIR)/%.c,$(SIMDEV_OBJDIR)/%.o,$(SIMDEV_SRCS))
SIMDEV_LIB := $(BUILD)/sim/core/libsimdev.a
# What a front end adds to its compile / link lines.
SIMDEV_INCLUDE := -I$(SIMDEV_DIR)
SIMDEV_LDLIBS := $(SIMDEV_LIB) -pthread -lm

.PHONY: sim-core
sim-core: $(SIMDEV_LIB)

$(SIMDEV_OBJDIR)/%.o: $(SIMDEV_DIR)/%.c $(SIMDEV_HDRS)
	@mkdir -p $(@D)
	$(SIM_CC) $(SIM_CFLAGS) $(SIMDEV_INCLUDE) -c $< -o $@

$(SIMDEV_LIB): $(SIMDEV_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

# Self-test of the execution model (simulated-time scheduling, ordering, faults).
SIMDEV_SELFTEST := $(BUILD)/sim/core/simdev_selftest
.PHONY: sim-core-selftest test-simdev
sim-core-selftest: $(SIMDEV_SELFTEST)
$(SIMDEV_SELFTEST): $(SIMDEV_DIR)/tests/simdev_selftest.c $(SIMDEV_LIB) $(SIMDEV_HDRS)
	@mkdir -p $(@D)
	$(SIM_CC) $(SIM_CFLAGS) $(SIMDEV_INCLUDE) -o $@ $< $(SIMDEV_LDLIBS)
test-simdev: $(SIMDEV_SELFTEST)
	$(SIMDEV_SELFTEST)

endif
