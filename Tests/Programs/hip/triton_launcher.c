/*
 * A Triton-style launcher: it does not link against the HIP runtime but dlopens
 * libamdhip64.so.5 with RTLD_LOCAL and resolves every entry point with dlsym, the way JIT
 * frameworks' generated launchers do. An LD_PRELOAD shim only sees these calls if it also
 * handles dlsym. Usage: triton_launcher <module_kernels.co>
 */
#include <hip/hip_runtime_api.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 128

/* The entry points the launcher resolves, in the runtime's own signatures. */
typedef struct {
    hipError_t (*init)(unsigned int);
    hipError_t (*module_load_data)(hipModule_t*, const void*);
    hipError_t (*module_get_function)(hipFunction_t*, hipModule_t, const char*);
    hipError_t (*module_launch)(hipFunction_t, unsigned, unsigned, unsigned, unsigned, unsigned,
                                unsigned, unsigned, hipStream_t, void**, void**);
    hipError_t (*module_unload)(hipModule_t);
    hipError_t (*malloc_)(void**, size_t);
    hipError_t (*free_)(void*);
    hipError_t (*memcpy_htod)(hipDeviceptr_t, void*, size_t);
    hipError_t (*memcpy_dtoh)(void*, hipDeviceptr_t, size_t);
    hipError_t (*stream_create)(hipStream_t*);
    hipError_t (*stream_sync)(hipStream_t);
    hipError_t (*stream_destroy)(hipStream_t);
    const char* (*error_string)(hipError_t);
} HipApi;

static void* must_sym(void* lib, const char* name) {
    void* sym = dlsym(lib, name);
    if (!sym) { fprintf(stderr, "dlsym %s: %s\n", name, dlerror()); exit(2); }
    return sym;
}

static HipApi g_hip;

#define CHECK(expr)                                                                    \
    do {                                                                               \
        hipError_t err_ = (expr);                                                      \
        if (err_ != hipSuccess) {                                                      \
            fprintf(stderr, "%s failed: %s\n", #expr, g_hip.error_string(err_));       \
            exit(2);                                                                   \
        }                                                                              \
    } while (0)

static void load_api(void* lib) {
    /* Function pointers from dlsym: POSIX guarantees the object/function cast works. */
    *(void**)&g_hip.init = must_sym(lib, "hipInit");
    *(void**)&g_hip.module_load_data = must_sym(lib, "hipModuleLoadData");
    *(void**)&g_hip.module_get_function = must_sym(lib, "hipModuleGetFunction");
    *(void**)&g_hip.module_launch = must_sym(lib, "hipModuleLaunchKernel");
    *(void**)&g_hip.module_unload = must_sym(lib, "hipModuleUnload");
    *(void**)&g_hip.malloc_ = must_sym(lib, "hipMalloc");
    *(void**)&g_hip.free_ = must_sym(lib, "hipFree");
    *(void**)&g_hip.memcpy_htod = must_sym(lib, "hipMemcpyHtoD");
    *(void**)&g_hip.memcpy_dtoh = must_sym(lib, "hipMemcpyDtoH");
    *(void**)&g_hip.stream_create = must_sym(lib, "hipStreamCreate");
    *(void**)&g_hip.stream_sync = must_sym(lib, "hipStreamSynchronize");
    *(void**)&g_hip.stream_destroy = must_sym(lib, "hipStreamDestroy");
    *(void**)&g_hip.error_string = must_sym(lib, "hipGetErrorString");
}

static char* read_file(const char* path) {
    FILE* f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char* bytes = malloc((size_t)size);
    if (!bytes || fread(bytes, 1, (size_t)size, f) != (size_t)size) { perror(path); exit(2); }
    fclose(f);
    return bytes;
}

int main(int argc, char** argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s module.co\n", argv[0]); return 2; }
    void* lib = dlopen("libamdhip64.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!lib) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 2; }
    load_api(lib);
    CHECK(g_hip.init(0));

    char* image = read_file(argv[1]);
    hipModule_t mod;
    CHECK(g_hip.module_load_data(&mod, image));
    free(image);
    hipFunction_t add, scale;
    CHECK(g_hip.module_get_function(&add, mod, "vadd"));
    CHECK(g_hip.module_get_function(&scale, mod, "x2p1"));

    hipStream_t stream;
    CHECK(g_hip.stream_create(&stream));
    float ha[N], hb[N], hc[N];
    for (int i = 0; i < N; ++i) { ha[i] = (float)i; hb[i] = 1.0f / (float)(i + 1); }
    void *da, *db, *dc, *dx;
    CHECK(g_hip.malloc_(&da, sizeof ha));
    CHECK(g_hip.malloc_(&db, sizeof hb));
    CHECK(g_hip.malloc_(&dc, sizeof hc));
    CHECK(g_hip.malloc_(&dx, N * sizeof(float)));
    CHECK(g_hip.memcpy_htod(da, ha, sizeof ha));
    CHECK(g_hip.memcpy_htod(db, hb, sizeof hb));

    /* Launch parameters as a Triton launcher builds them: one pointer per argument. */
    int n = N;
    void* add_params[] = {&da, &db, &dc, &n};
    CHECK(g_hip.module_launch(add, N / 32, 1, 1, 32, 1, 1, 0, stream, add_params, NULL));

    float hx[N];
    for (int i = 0; i < N; ++i) hx[i] = (float)(N - i) * 0.25f;
    CHECK(g_hip.memcpy_htod(dx, hx, sizeof hx));
    void* scale_params[] = {&dx, &n};
    for (int r = 0; r < 2; ++r)
        CHECK(g_hip.module_launch(scale, N / 64, 1, 1, 64, 1, 1, 0, stream, scale_params, NULL));
    CHECK(g_hip.stream_sync(stream));

    CHECK(g_hip.memcpy_dtoh(hc, dc, sizeof hc));
    CHECK(g_hip.memcpy_dtoh(hx, dx, sizeof hx));
    printf("launcher add:");
    for (int i = 0; i < 4; ++i) printf(" %.4f", hc[i]);
    printf("\nlauncher x2p1 x2:");
    for (int i = 0; i < 4; ++i) printf(" %.4f", hx[i]);
    printf("\n");

    CHECK(g_hip.free_(da));
    CHECK(g_hip.free_(db));
    CHECK(g_hip.free_(dc));
    CHECK(g_hip.free_(dx));
    CHECK(g_hip.stream_destroy(stream));
    CHECK(g_hip.module_unload(mod));
    printf("done\n");
    return 0;
}
