/*
 * hipsim_kernel_table — prints the HIP simulator's kernel table as JSON, so the e2e tests can
 * compare it with the argument metadata hipcc writes into the code objects: a shim copies
 * arguments by the metadata's offsets, the simulator reads them by this table's, and the two
 * must agree for every kernel the test programs use.
 */
#include <stdio.h>

#include "hipsim.h"

int main(void) {
    printf("{");
    for (unsigned i = 0; i < hipsim_kernel_count(); ++i) {
        const hipsim_kernel *k = hipsim_kernel_at(i);
        printf("%s\n  \"%s\": {\"plain\": \"%s\", \"size\": %u, \"params\": [", i ? "," : "",
               k->mangled, k->plain, k->impl->params_size);
        for (unsigned p = 0; p < k->impl->nparams; ++p)
            printf("%s[%u, %u]", p ? ", " : "", k->impl->params[p].offset,
                   k->impl->params[p].size);
        printf("]}");
    }
    printf("\n}\n");
    return 0;
}
