// Device variables and pitched memory: __device__ / __constant__ variables (one with an
// initializer that only the code object knows) read and written through the symbol copy
// entry points, a variable's device address passed to a kernel, and 2D copies and fills
// between pageable, pinned and pitched device memory.
#include "prog_common.h"
#include "sim_kernels.h"

__device__ float dev_table[16];
__constant__ int dev_primes[4] = {7, 11, 13, 17};
__device__ double dev_scale = 2.5;

#define COLS 10
#define ROWS 6

int main() {
    hipStream_t s;
    HIP_CHECK(hipStreamCreateWithFlags(&s, hipStreamNonBlocking));

    // Initial values come from the code object.
    int primes[4] = {0};
    double scale = 0.0;
    HIP_CHECK(hipMemcpyFromSymbol(primes, HIP_SYMBOL(dev_primes), sizeof primes, 0,
                                  hipMemcpyDeviceToHost));
    HIP_CHECK(hipMemcpyFromSymbol(&scale, HIP_SYMBOL(dev_scale), sizeof scale, 0,
                                  hipMemcpyDeviceToHost));
    print_ints("initial primes", primes, 4);
    printf("initial scale: %.2f\n", scale);
    size_t table_size = 0;
    HIP_CHECK(hipGetSymbolSize(&table_size, HIP_SYMBOL(dev_table)));
    printf("table bytes: %zu\n", table_size);

    // Write the table, double it in place through its device address, read it back.
    float table[16];
    for (int i = 0; i < 16; ++i) table[i] = (float)i;
    HIP_CHECK(hipMemcpyToSymbol(HIP_SYMBOL(dev_table), table, sizeof table, 0,
                                hipMemcpyHostToDevice));
    float* table_dev = nullptr;
    HIP_CHECK(hipGetSymbolAddress((void**)&table_dev, HIP_SYMBOL(dev_table)));
    vadd<<<1, 16, 0, s>>>(table_dev, table_dev, table_dev, 16);
    float tail[4] = {-1.0f, -2.0f, -3.0f, -4.0f};
    HIP_CHECK(hipMemcpyToSymbolAsync(HIP_SYMBOL(dev_table), tail, sizeof tail, 12 * sizeof(float),
                                     hipMemcpyHostToDevice, s));
    HIP_CHECK(hipMemcpyFromSymbolAsync(table, HIP_SYMBOL(dev_table), sizeof table, 0,
                                       hipMemcpyDeviceToHost, s));
    HIP_CHECK(hipStreamSynchronize(s));
    print_floats("table", table, 16);

    static int not_a_symbol;
    printf("copy to non-symbol: %d\n",
           (int)hipMemcpyToSymbol(&not_a_symbol, table, 4, 0, hipMemcpyHostToDevice));
    printf("copy past the end: %d\n",
           (int)hipMemcpyToSymbol(HIP_SYMBOL(dev_table), table, 8, 60, hipMemcpyHostToDevice));
    hipGetLastError();

    // Pitched matrix: upload from pageable rows, clear a 4x2 block, x2p1 on row 0, download
    // into pinned memory.
    float* mat = nullptr;
    size_t pitch = 0;
    HIP_CHECK(hipMallocPitch((void**)&mat, &pitch, COLS * sizeof(float), ROWS));
    printf("pitch covers a row: %d\n", pitch >= COLS * sizeof(float));
    float host[ROWS][COLS];
    for (int r = 0; r < ROWS; ++r)
        for (int c = 0; c < COLS; ++c) host[r][c] = (float)(r * 100 + c);
    HIP_CHECK(hipMemcpy2D(mat, pitch, host, sizeof host[0], sizeof host[0], ROWS,
                          hipMemcpyHostToDevice));
    HIP_CHECK(hipMemset2DAsync((char*)mat + 2 * pitch, pitch, 0, 4 * sizeof(float), 2, s));
    x2p1<<<1, COLS, 0, s>>>(mat, COLS);
    float* pinned = nullptr;
    HIP_CHECK(hipHostMalloc((void**)&pinned, sizeof host, hipHostMallocDefault));
    HIP_CHECK(hipMemcpy2DAsync(pinned, sizeof host[0], mat, pitch, sizeof host[0], ROWS,
                               hipMemcpyDeviceToHost, s));
    HIP_CHECK(hipStreamSynchronize(s));
    for (int r = 0; r < ROWS; ++r) {
        char label[16];
        snprintf(label, sizeof label, "row %d", r);
        print_floats(label, pinned + r * COLS, COLS);
    }
    HIP_CHECK(hipMemset2D(mat, pitch, 0xff, sizeof host[0], 1));
    unsigned char first[4];
    HIP_CHECK(hipMemcpy(first, mat, sizeof first, hipMemcpyDeviceToHost));
    printf("memset2D bytes: %02x %02x %02x %02x\n", first[0], first[1], first[2], first[3]);

    HIP_CHECK(hipFree(mat));
    HIP_CHECK(hipHostFree(pinned));
    HIP_CHECK(hipStreamDestroy(s));
    printf("done\n");
    return 0;
}
