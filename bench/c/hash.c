/* Hashing: FNV-1a, a MurmurHash3-style 32-bit hash and an xxHash32-style hash over buffers
 * of every length up to 1 KiB, then an open-addressing hash table of 32-bit keys (linear
 * probing) with inserts, hits and misses. */
#include "common.h"

#define BUF 4096
#define TABLE (1u << 16)
#define KEYS 40000
#define REPS 48

static uint8_t buf[BUF];
static uint32_t keys[TABLE], vals[TABLE];

static uint32_t fnv1a(const uint8_t *p, uint32_t n) {
    uint32_t h = 0x811c9dc5u;
    for (uint32_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x01000193u;
    }
    return h;
}

static inline uint32_t rotl(uint32_t x, uint32_t r) { return x << r | x >> (32 - r); }

static inline uint32_t load32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t murmur3(const uint8_t *p, uint32_t n, uint32_t seed) {
    const uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
    uint32_t h = seed, i = 0;
    for (; i + 4 <= n; i += 4) {
        uint32_t k = load32(p + i) * c1;
        k = rotl(k, 15) * c2;
        h ^= k;
        h = rotl(h, 13) * 5 + 0xe6546b64u;
    }
    uint32_t k = 0;
    switch (n & 3) {
    case 3: k ^= (uint32_t)p[i + 2] << 16; /* fall through */
    case 2: k ^= (uint32_t)p[i + 1] << 8; /* fall through */
    case 1:
        k ^= p[i];
        k = rotl(k * c1, 15) * c2;
        h ^= k;
    }
    h ^= n;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    return h ^ (h >> 16);
}

static uint32_t xxh32ish(const uint8_t *p, uint32_t n, uint32_t seed) {
    const uint32_t p1 = 2654435761u, p2 = 2246822519u, p3 = 3266489917u, p4 = 668265263u, p5 = 374761393u;
    uint32_t i = 0, h;
    if (n >= 16) {
        uint32_t v1 = seed + p1 + p2, v2 = seed + p2, v3 = seed, v4 = seed - p1;
        for (; i + 16 <= n; i += 16) {
            v1 = rotl(v1 + load32(p + i) * p2, 13) * p1;
            v2 = rotl(v2 + load32(p + i + 4) * p2, 13) * p1;
            v3 = rotl(v3 + load32(p + i + 8) * p2, 13) * p1;
            v4 = rotl(v4 + load32(p + i + 12) * p2, 13) * p1;
        }
        h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
    } else {
        h = seed + p5;
    }
    h += n;
    for (; i + 4 <= n; i += 4) h = rotl(h + load32(p + i) * p3, 17) * p4;
    for (; i < n; i++) h = rotl(h + p[i] * p5, 11) * p1;
    h ^= h >> 15;
    h *= p2;
    h ^= h >> 13;
    h *= p3;
    return h ^ (h >> 16);
}

/* Key 0 marks an empty slot; keys are made non-zero. */
static void insert(uint32_t key, uint32_t val) {
    uint32_t i = (key * 2654435761u) >> 16;
    while (keys[i] != 0 && keys[i] != key) i = (i + 1) & (TABLE - 1);
    keys[i] = key;
    vals[i] += val;
}

static int lookup(uint32_t key, uint32_t *val) {
    uint32_t i = (key * 2654435761u) >> 16;
    while (keys[i] != 0) {
        if (keys[i] == key) {
            *val = vals[i];
            return 1;
        }
        i = (i + 1) & (TABLE - 1);
    }
    return 0;
}

int main(int argc, char **argv) {
    const uint32_t reps = small_workload(argc, argv) ? 1 : REPS;
    uint32_t h = 0x811c9dc5u, hits = 0, misses = 0;
    for (uint32_t rep = 0; rep < reps; rep++) {
        rng_seed(4242u + rep);
        for (uint32_t i = 0; i < BUF; i++) buf[i] = (uint8_t)rng_next();
        for (uint32_t n = 0; n <= 1024; n++) {
            h = mix32(h, fnv1a(buf + (n & 63), n));
            h = mix32(h, murmur3(buf + (n & 31), n, rep));
            h = mix32(h, xxh32ish(buf + (n & 15), n, rep));
        }
        h = mix32(h, fnv1a(buf, BUF) ^ murmur3(buf, BUF, 1) ^ xxh32ish(buf, BUF, 2));

        memset(keys, 0, sizeof keys);
        memset(vals, 0, sizeof vals);
        for (uint32_t i = 0; i < KEYS; i++) insert((rng_next() & 0x3ffff) | 1, i);
        rng_seed(4242u + rep);
        for (uint32_t i = 0; i < 4 * KEYS; i++) {
            uint32_t v;
            if (lookup((rng_next() & 0x3ffff) | 1, &v)) {
                hits++;
                h = mix32(h, v);
            } else {
                misses++;
            }
        }
    }
    printf("hash: %u rounds\n", reps);
    printf("table hits %u, misses %u\n", hits, misses);
    printf("checksum: %08x\n", h);
    return 0;
}
