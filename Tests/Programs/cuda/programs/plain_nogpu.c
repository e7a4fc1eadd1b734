/*
 * plain_nogpu.c — a program that does no GPU work at all (and links nothing GPU-related): an
 * interposer preloaded into it must stay silent and leave its output alone.
 */
#include <stdio.h>

int main(void) {
    unsigned long long a = 0, b = 1;
    for (int i = 0; i < 50; i++) {
        unsigned long long t = a + b;
        a = b;
        b = t;
    }
    printf("fib(50) = %llu\n", a);
    printf("OK\n");
    return 0;
}
