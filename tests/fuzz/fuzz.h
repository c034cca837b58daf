/*
 * The libFuzzer entry point that every harness in tests/fuzz/ defines.
 * `make fuzz` links each harness with libFuzzer (clang); `make check`
 * links it with replay.c, which runs every file of the harness's seed
 * corpus through it, so that crashes once found stay fixed.
 */
#ifndef MYNA_FUZZ_H
#define MYNA_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
