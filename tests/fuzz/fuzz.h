/* fuzz.h - shared by the fuzz targets (tests/fuzz/README.md).
 *
 * Each fuzz_<target>.c defines LLVMFuzzerTestOneInput and checks
 * properties of what it decodes (round trips, idempotence, width limits):
 * a broken property aborts, which libFuzzer reports as a crash and the
 * corpus replay (replay_main.c) as a failed test. */
#ifndef MESHPANEL_FUZZ_H
#define MESHPANEL_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond, ...)                                                                     \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property broken: %s: ", __FILE__, __LINE__, #cond);            \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A NUL-terminated copy of the input (malloc'd). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = 0;
    return s;
}

#endif
