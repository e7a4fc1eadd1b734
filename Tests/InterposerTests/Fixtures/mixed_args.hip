#include <hip/hip_runtime.h>
struct Triple { double a; long b; int c; };
extern "C" __global__ void mixed(char c, long long big, float f, const float *p, Triple t, int *out) {
  if (threadIdx.x == 0) out[0] = c + (int)big + (int)f + (int)p[0] + (int)t.a + (int)t.b + t.c;
}
extern "C" __global__ void noargs() {}
