/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The entry point every fuzz target defines: libFuzzer calls it for each
 * input it tries, and replay-corpus.c calls it for each corpus file. */
#ifndef FUZZ_ENTRY_H
#define FUZZ_ENTRY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort() rather than assert(): the checks must hold in release builds too,
 * and libFuzzer keeps the input that made the process abort. */
#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: invariant broken: %s\n",                     \
                    __FILE__, __LINE__, #cond);                                  \
            abort();                                                             \
        }                                                                        \
    } while (0)

#endif /* FUZZ_ENTRY_H */
