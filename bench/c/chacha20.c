/* ChaCha20 (RFC 8439) written out: the RFC's block test vector (section 2.3.2), then
 * encryption and decryption of a 64 KiB buffer under changing nonces, checked to round-trip. */
#include "common.h"

#define BUF (64 * 1024)
#define REPS 160

static inline uint32_t rotl(uint32_t x, uint32_t r) { return x << r | x >> (32 - r); }

#define QR(a, b, c, d)                                                                                                 \
    a += b, d ^= a, d = rotl(d, 16), c += d, b ^= c, b = rotl(b, 12), a += b, d ^= a, d = rotl(d, 8), c += d, b ^= c, \
        b = rotl(b, 7)

static inline uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void block(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12], uint8_t out[64]) {
    uint32_t s[16], x[16];
    s[0] = 0x61707865;
    s[1] = 0x3320646e;
    s[2] = 0x79622d32;
    s[3] = 0x6b206574;
    for (int i = 0; i < 8; i++) s[4 + i] = le32(key + 4 * i);
    s[12] = counter;
    for (int i = 0; i < 3; i++) s[13 + i] = le32(nonce + 4 * i);
    memcpy(x, s, sizeof s);
    for (int i = 0; i < 10; i++) {
        QR(x[0], x[4], x[8], x[12]);
        QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]);
        QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]);
        QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]);
        QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++) {
        uint32_t v = x[i] + s[i];
        out[4 * i] = (uint8_t)v;
        out[4 * i + 1] = (uint8_t)(v >> 8);
        out[4 * i + 2] = (uint8_t)(v >> 16);
        out[4 * i + 3] = (uint8_t)(v >> 24);
    }
}

static void xor_stream(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12], uint8_t *p, uint32_t n) {
    uint8_t ks[64];
    for (uint32_t off = 0; off < n; off += 64, counter++) {
        block(key, counter, nonce, ks);
        uint32_t k = n - off < 64 ? n - off : 64;
        for (uint32_t i = 0; i < k; i++) p[off + i] ^= ks[i];
    }
}

static uint8_t plain[BUF], work[BUF];

int main(int argc, char **argv) {
    const uint32_t reps = small_workload(argc, argv) ? 1 : REPS;
    uint8_t key[32], nonce[12] = {0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0}, out[64];
    for (int i = 0; i < 32; i++) key[i] = (uint8_t)i;
    block(key, 1, nonce, out);
    static const uint8_t want[16] = {0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4};
    printf("RFC 8439 2.3.2 block: %s\n", memcmp(out, want, 16) == 0 ? "ok" : "WRONG");

    rng_seed(8439u);
    for (uint32_t i = 0; i < BUF; i++) plain[i] = (uint8_t)rng_next();
    uint32_t h = 0x811c9dc5u;
    for (uint32_t rep = 0; rep < reps; rep++) {
        nonce[0] = (uint8_t)rep;
        nonce[11] = (uint8_t)(rep * 7);
        memcpy(work, plain, BUF);
        xor_stream(key, rep, nonce, work, BUF - rep);
        for (uint32_t i = 0; i < BUF; i += 64) h = mix32(h, le32(work + i));
        xor_stream(key, rep, nonce, work, BUF - rep);
        if (memcmp(work, plain, BUF) != 0) {
            printf("chacha20: round %u does not round-trip\n", rep);
            return 1;
        }
        key[rep & 31] ^= work[rep];
    }
    printf("chacha20: %u rounds of %u bytes, each round-tripped\n", reps, BUF);
    printf("checksum: %08x\n", h);
    return 0;
}
