/* Byte-array loops: a copy with a transform (memcpy-like), a histogram, Adler-32, run-length
 * encoding and decoding, an in-place reversal and a byte search, over a 256 KiB buffer. */
#include "common.h"

#define N (256 * 1024)
#define REPS 18

static uint8_t a[N], b[N], rle[2 * N + 16], back[N];

/* Bytes with runs, so that run-length encoding has something to do. */
static void fill(uint32_t seed) {
    rng_seed(seed);
    uint32_t i = 0;
    while (i < N) {
        uint8_t v = (uint8_t)rng_next();
        uint32_t run = (rng_next() & 7) == 0 ? 1 + rng_below(40) : 1;
        for (uint32_t k = 0; k < run && i < N; k++) a[i++] = v;
    }
}

static void copy_xor(uint8_t *dst, const uint8_t *src, uint32_t n, uint8_t key) {
    for (uint32_t i = 0; i < n; i++) dst[i] = (uint8_t)(src[i] ^ key);
}

static uint32_t adler32(const uint8_t *p, uint32_t n) {
    uint32_t s1 = 1, s2 = 0;
    while (n > 0) {
        uint32_t chunk = n < 5552 ? n : 5552;
        n -= chunk;
        for (uint32_t i = 0; i < chunk; i++) {
            s1 += p[i];
            s2 += s1;
        }
        p += chunk;
        s1 %= 65521;
        s2 %= 65521;
    }
    return (s2 << 16) | s1;
}

/* (count, byte) pairs, runs of at most 255. */
static uint32_t rle_encode(uint8_t *out, const uint8_t *in, uint32_t n) {
    uint32_t o = 0, i = 0;
    while (i < n) {
        uint8_t v = in[i];
        uint32_t run = 1;
        while (i + run < n && run < 255 && in[i + run] == v) run++;
        out[o++] = (uint8_t)run;
        out[o++] = v;
        i += run;
    }
    return o;
}

static uint32_t rle_decode(uint8_t *out, const uint8_t *in, uint32_t n) {
    uint32_t o = 0;
    for (uint32_t i = 0; i + 1 < n; i += 2) {
        uint8_t run = in[i], v = in[i + 1];
        for (uint32_t k = 0; k < run; k++) out[o++] = v;
    }
    return o;
}

static void reverse(uint8_t *p, uint32_t n) {
    for (uint32_t i = 0, j = n - 1; i < j; i++, j--) {
        uint8_t t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
}

static uint32_t count_byte(const uint8_t *p, uint32_t n, uint8_t v) {
    uint32_t c = 0;
    for (uint32_t i = 0; i < n; i++) c += p[i] == v;
    return c;
}

int main(int argc, char **argv) {
    const uint32_t reps = small_workload(argc, argv) ? 1 : REPS;
    uint32_t h = 0x811c9dc5u, rle_total = 0, found = 0;
    uint32_t hist[256];
    for (uint32_t rep = 0; rep < reps; rep++) {
        fill(1234567u + rep);
        copy_xor(b, a, N, (uint8_t)(0x5a + rep));
        copy_xor(b, b, N, (uint8_t)(0x5a + rep));
        if (memcmp(a, b, N) != 0) {
            printf("bytes: copy mismatch in round %u\n", rep);
            return 1;
        }
        memset(hist, 0, sizeof hist);
        for (uint32_t i = 0; i < N; i++) hist[a[i]]++;
        for (uint32_t k = 0; k < 256; k++) h = mix32(h, hist[k]);
        h = mix32(h, adler32(a, N));
        uint32_t n = rle_encode(rle, a, N);
        rle_total += n;
        if (rle_decode(back, rle, n) != N || memcmp(back, a, N) != 0) {
            printf("bytes: run-length round trip failed in round %u\n", rep);
            return 1;
        }
        reverse(b, N);
        h = mix32(h, adler32(b, N));
        for (uint32_t v = 0; v < 256; v += 17) found += count_byte(b, N, (uint8_t)v);
    }
    printf("bytes: %u rounds of %u bytes\n", reps, N);
    printf("run-length bytes: %u\n", rle_total);
    printf("bytes found: %u\n", found);
    printf("checksum: %08x\n", h);
    return 0;
}
