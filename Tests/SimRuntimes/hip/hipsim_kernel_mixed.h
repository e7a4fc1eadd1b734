/* hipsim_kernel_mixed.h — the mixed-argument kernel the core's kernel table lacks. */
#ifndef HIPSIM_KERNEL_MIXED_H
#define HIPSIM_KERNEL_MIXED_H

#include "simdev.h"

#pragma GCC visibility push(hidden)
extern const simdev_kernel hipsim_mixed_args_kernel;
#pragma GCC visibility pop

#endif
