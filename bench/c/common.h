/* Shared helpers of the C benchmark programs (bench/c/README.md): a fixed pseudo-random
 * sequence and checksum mixing, so that every program is deterministic and prints the same
 * lines natively and as wasm32-wasi. Only fixed-width integer types are used for anything
 * that reaches the output: `long` and `size_t` differ between wasm32 and a 64-bit host. */
#ifndef CBENCH_COMMON_H
#define CBENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* xorshift32: a fixed sequence for a given seed (never 0). */
static uint32_t rng_state = 2463534242u;

static inline void rng_seed(uint32_t s) { rng_state = s ? s : 2463534242u; }

static inline uint32_t rng_next(void) {
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

/* A value in [0, n). */
static inline uint32_t rng_below(uint32_t n) { return (uint32_t)(((uint64_t)rng_next() * n) >> 32); }

/* Folds v into the running checksum h (FNV-1a style, one word at a time). */
static inline uint32_t mix32(uint32_t h, uint32_t v) {
    h ^= v;
    h *= 0x01000193u;
    h ^= h >> 15;
    return h;
}

static inline uint32_t mix64(uint32_t h, uint64_t v) { return mix32(mix32(h, (uint32_t)v), (uint32_t)(v >> 32)); }

/* Whether the first argument is `small`: a short workload, for tests (the output is then
 * `<name>.small.stdout.expected`). The benchmarks run with no argument. */
static inline int small_workload(int argc, char **argv) { return argc > 1 && strcmp(argv[1], "small") == 0; }

/* The bits of a double, for checksums that must match exactly. */
static inline uint64_t f64_bits(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

#endif
