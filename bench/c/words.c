/* Word-array loops: a sieve of Eratosthenes on a bit set of 32-bit words, prefix sums,
 * a blocked transpose of a 32-bit matrix, a multiply-add over arrays and bit counting over
 * 64-bit words. */
#include "common.h"

#define SIEVE_N (1u << 21)
#define DIM 256
#define LEN (64 * 1024)
#define REPS 14

static uint32_t bits[SIEVE_N / 32];
static uint32_t m[DIM * DIM], t[DIM * DIM];
static uint32_t xs[LEN], ys[LEN];
static uint64_t ws[LEN];

static uint32_t sieve(uint32_t n) {
    for (uint32_t i = 0; i < n / 32; i++) bits[i] = 0xffffffffu;
    bits[0] &= ~3u; /* 0 and 1 */
    for (uint32_t p = 2; p * p < n; p++) {
        if (bits[p >> 5] & (1u << (p & 31))) {
            for (uint32_t q = p * p; q < n; q += p) bits[q >> 5] &= ~(1u << (q & 31));
        }
    }
    uint32_t count = 0;
    for (uint32_t i = 0; i < n / 32; i++) {
        uint32_t w = bits[i];
        /* Bit counting by hand, as a word loop of its own. */
        w = w - ((w >> 1) & 0x55555555u);
        w = (w & 0x33333333u) + ((w >> 2) & 0x33333333u);
        w = (w + (w >> 4)) & 0x0f0f0f0fu;
        count += (w * 0x01010101u) >> 24;
    }
    return count;
}

static void transpose(uint32_t *dst, const uint32_t *src) {
    for (uint32_t bi = 0; bi < DIM; bi += 16)
        for (uint32_t bj = 0; bj < DIM; bj += 16)
            for (uint32_t i = bi; i < bi + 16; i++)
                for (uint32_t j = bj; j < bj + 16; j++) dst[j * DIM + i] = src[i * DIM + j];
}

static uint32_t popcount64(uint64_t x) {
    uint32_t c = 0;
    while (x) {
        x &= x - 1;
        c++;
    }
    return c;
}

int main(int argc, char **argv) {
    const uint32_t reps = small_workload(argc, argv) ? 1 : REPS;
    uint32_t h = 0x811c9dc5u, primes = 0;
    for (uint32_t rep = 0; rep < reps; rep++) {
        primes = sieve(SIEVE_N);
        h = mix32(h, primes);

        rng_seed(99u + rep);
        for (uint32_t i = 0; i < DIM * DIM; i++) m[i] = rng_next();
        transpose(t, m);
        transpose(m, t);
        for (uint32_t i = 0; i < DIM; i++) h = mix32(h, t[i * DIM + (i * 7) % DIM] ^ m[(i * 13) % (DIM * DIM)]);

        for (uint32_t i = 0; i < LEN; i++) {
            xs[i] = rng_next();
            ys[i] = rng_next() >> 8;
        }
        for (uint32_t round = 0; round < 8; round++) {
            for (uint32_t i = 1; i < LEN; i++) xs[i] += xs[i - 1];
            for (uint32_t i = 0; i < LEN; i++) ys[i] = ys[i] * 3u + (xs[i] >> 7);
            uint32_t acc = 0;
            for (uint32_t i = 0; i < LEN; i++) acc = (acc << 5 | acc >> 27) ^ ys[i];
            h = mix32(h, acc);
        }

        for (uint32_t i = 0; i < LEN; i++) ws[i] = (uint64_t)xs[i] << 32 | ys[i];
        uint64_t total = 0;
        for (uint32_t i = 0; i < LEN; i++) total += popcount64(ws[i] ^ (ws[i] >> 3));
        h = mix64(h, total);
    }
    printf("words: %u rounds\n", reps);
    printf("primes below %u: %u\n", SIEVE_N, primes);
    printf("checksum: %08x\n", h);
    return 0;
}
