/* Floating-point kernel: an iterative radix-2 complex FFT of 16384 points (bit-reversal
 * permutation, butterflies), forward and inverse, checked to reproduce its input. The
 * twiddle factors come from this file's own sine and cosine (a Taylor series after range
 * reduction), so no libm routine can make the output differ between hosts. */
#include <math.h>
#include "common.h"

#define LOG2N 14
#define N (1 << LOG2N)
#define REPS 70
#define PI 3.141592653589793

static double re[N], im[N], re0[N], im0[N], wr[N / 2], wi[N / 2];

/* sin(x) for |x| <= pi/4, Taylor terms up to x^15. */
static double sin_small(double x) {
    double x2 = x * x, term = x, sum = x;
    for (int k = 1; k <= 7; k++) {
        term *= -x2 / ((2 * k) * (2 * k + 1));
        sum += term;
    }
    return sum;
}

static double cos_small(double x) {
    double x2 = x * x, term = 1.0, sum = 1.0;
    for (int k = 1; k <= 8; k++) {
        term *= -x2 / ((2 * k - 1) * (2 * k));
        sum += term;
    }
    return sum;
}

/* cos and sin of 2*pi*i/n for 0 <= i < n/2, by octant symmetry. */
static void twiddle(uint32_t i, uint32_t n, double *c, double *s) {
    uint32_t q = n / 8; /* pi/4 */
    uint32_t oct = i / q, r = i % q;
    double x = 2 * PI * r / n, y = 2 * PI * (q - r) / n;
    switch (oct) {
    case 0: *c = cos_small(x), *s = sin_small(x); break;
    case 1: *c = sin_small(y), *s = cos_small(y); break;
    case 2: *c = -sin_small(x), *s = cos_small(x); break;
    default: *c = -cos_small(y), *s = sin_small(y); break;
    }
}

static void fft(int inverse) {
    for (uint32_t i = 1, j = 0; i < N; i++) {
        uint32_t bit = N >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) {
            double t = re[i];
            re[i] = re[j];
            re[j] = t;
            t = im[i];
            im[i] = im[j];
            im[j] = t;
        }
    }
    for (uint32_t len = 2; len <= N; len <<= 1) {
        uint32_t half = len / 2, step = N / len;
        for (uint32_t start = 0; start < N; start += len) {
            for (uint32_t k = 0; k < half; k++) {
                double c = wr[k * step], s = inverse ? wi[k * step] : -wi[k * step];
                uint32_t a = start + k, b = a + half;
                double tr = re[b] * c - im[b] * s, ti = re[b] * s + im[b] * c;
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
    }
    if (inverse)
        for (uint32_t i = 0; i < N; i++) re[i] /= N, im[i] /= N;
}

int main(int argc, char **argv) {
    const uint32_t reps = small_workload(argc, argv) ? 1 : REPS;
    for (uint32_t i = 0; i < N / 2; i++) twiddle(i, N, &wr[i], &wi[i]);
    uint32_t h = 0x811c9dc5u;
    double maxerr = 0, peak = 0;
    for (uint32_t rep = 0; rep < reps; rep++) {
        rng_seed(1965u + rep);
        for (uint32_t i = 0; i < N; i++) {
            /* Two tones and noise. */
            re0[i] = wr[(i * 37) % (N / 2)] + 0.5 * wi[(i * 1000) % (N / 2)] + ((double)(rng_next() >> 8) / 16777216.0 - 0.5) * 0.1;
            im0[i] = 0.0;
        }
        memcpy(re, re0, sizeof re);
        memcpy(im, im0, sizeof im);
        fft(0);
        peak = 0;
        for (uint32_t i = 0; i < N; i += 1) {
            double m = re[i] * re[i] + im[i] * im[i];
            if (m > peak) peak = m;
            if (i % 61 == 0) h = mix64(h, f64_bits(re[i]) ^ f64_bits(im[i]));
        }
        fft(1);
        for (uint32_t i = 0; i < N; i++) {
            double e = fabs(re[i] - re0[i]) + fabs(im[i]);
            if (e > maxerr) maxerr = e;
        }
    }
    h = mix64(h, f64_bits(maxerr));
    printf("fft: %u rounds of %u points, forward and inverse\n", reps, N);
    printf("round trip error below 1e-9: %s\n", maxerr < 1e-9 ? "yes" : "NO");
    printf("last peak power: %lld\n", (long long)peak);
    printf("checksum: %08x\n", h);
    return 0;
}
