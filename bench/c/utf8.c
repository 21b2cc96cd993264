/* A branchy state machine: a validating UTF-8 decoder (rejecting overlong forms, surrogates,
 * code points above U+10FFFF, stray and missing continuation bytes; each bad sequence counted
 * and replaced by U+FFFD), an encoder back to UTF-8 and a UTF-16 transcoder, over generated
 * text that mixes ASCII, two-, three- and four-byte characters and some broken bytes. */
#include "common.h"

#define CPS (96 * 1024)
#define REPS 34

static uint8_t bytes[CPS * 4 + 16], again_[CPS * 4 + 64];
static uint32_t cps[CPS * 4 + 16];
static uint16_t utf16[CPS * 8 + 16];

static uint32_t encode(uint8_t *out, uint32_t cp) {
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xc0 | cp >> 6);
        out[1] = (uint8_t)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xe0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (uint8_t)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (uint8_t)(0xf0 | cp >> 18);
    out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (uint8_t)(0x80 | (cp & 0x3f));
    return 4;
}

static uint32_t generate(uint32_t seed) {
    rng_seed(seed);
    uint32_t n = 0;
    for (uint32_t i = 0; i < CPS; i++) {
        uint32_t r = rng_below(100), cp;
        if (r < 55) cp = 0x20 + rng_below(0x5f);
        else if (r < 75) cp = 0x80 + rng_below(0x780);
        else if (r < 90) {
            cp = 0x800 + rng_below(0xf800);
            if (cp >= 0xd800 && cp < 0xe000) cp -= 0x1000;
        } else if (r < 97) cp = 0x10000 + rng_below(0x100000);
        else {
            /* Broken input: a stray continuation, a truncated sequence, an overlong '/', a
             * surrogate, or a lead byte that can never occur. */
            static const uint8_t bad[5][4] = {{0x80}, {0xe2, 0x82}, {0xc0, 0xaf}, {0xed, 0xa0, 0x80}, {0xff}};
            static const uint8_t len[5] = {1, 2, 2, 3, 1};
            uint32_t k = rng_below(5);
            memcpy(bytes + n, bad[k], len[k]);
            n += len[k];
            continue;
        }
        n += encode(bytes + n, cp);
    }
    return n;
}

/* Decodes n bytes into cps; returns the number of code points, and the bad sequences in *errors. */
static uint32_t decode(const uint8_t *p, uint32_t n, uint32_t *errors) {
    uint32_t i = 0, out = 0, bad = 0;
    while (i < n) {
        uint8_t b = p[i];
        uint32_t cp, need, min;
        if (b < 0x80) {
            cps[out++] = b;
            i++;
            continue;
        } else if (b >= 0xc2 && b <= 0xdf) {
            cp = b & 0x1f, need = 1, min = 0x80;
        } else if (b >= 0xe0 && b <= 0xef) {
            cp = b & 0x0f, need = 2, min = 0x800;
        } else if (b >= 0xf0 && b <= 0xf4) {
            cp = b & 0x07, need = 3, min = 0x10000;
        } else {
            cps[out++] = 0xfffd;
            bad++;
            i++;
            continue;
        }
        uint32_t k = 1;
        for (; k <= need; k++) {
            if (i + k >= n || (p[i + k] & 0xc0) != 0x80) break;
            cp = cp << 6 | (p[i + k] & 0x3f);
        }
        if (k <= need || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
            cps[out++] = 0xfffd;
            bad++;
            i += k; /* skip the lead and the continuations seen */
            continue;
        }
        cps[out++] = cp;
        i += need + 1;
    }
    *errors = bad;
    return out;
}

static uint32_t to_utf16(const uint32_t *c, uint32_t n) {
    uint32_t o = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t cp = c[i];
        if (cp >= 0x10000) {
            cp -= 0x10000;
            utf16[o++] = (uint16_t)(0xd800 | cp >> 10);
            utf16[o++] = (uint16_t)(0xdc00 | (cp & 0x3ff));
        } else {
            utf16[o++] = (uint16_t)cp;
        }
    }
    return o;
}

int main(int argc, char **argv) {
    const uint32_t reps = small_workload(argc, argv) ? 1 : REPS;
    uint32_t h = 0x811c9dc5u, n = 0, ncp = 0, errors = 0, units = 0, by_len[5] = {0};
    for (uint32_t rep = 0; rep < reps; rep++) {
        n = generate(1993u + rep);
        ncp = decode(bytes, n, &errors);
        units = to_utf16(cps, ncp);
        memset(by_len, 0, sizeof by_len);
        uint32_t m = 0;
        for (uint32_t i = 0; i < ncp; i++) {
            uint32_t k = encode(again_ + m, cps[i]);
            by_len[k]++;
            m += k;
        }
        /* Re-encoded text is valid: decoding it again must find no errors. */
        uint32_t errors2, ncp2 = decode(again_, m, &errors2);
        if (errors2 != 0 || ncp2 != ncp) {
            printf("utf8: re-encoded text does not decode cleanly in round %u\n", rep);
            return 1;
        }
        for (uint32_t i = 0; i < units; i += 7) h = mix32(h, utf16[i]);
        h = mix32(mix32(h, ncp), errors);
    }
    printf("utf8: %u rounds, last text %u bytes\n", reps, n);
    printf("code points %u, bad sequences %u, UTF-16 units %u\n", ncp, errors, units);
    printf("by encoded length: 1: %u, 2: %u, 3: %u, 4: %u\n", by_len[1], by_len[2], by_len[3], by_len[4]);
    printf("checksum: %08x\n", h);
    return 0;
}
