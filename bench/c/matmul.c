/* Floating-point kernel: dense f64 matrix multiplication (i-k-j order) and a 5-point Jacobi
 * stencil sweep, checksummed by the exact bits of the results. */
#include "common.h"

#define N 96
#define GRID 128
#define REPS 18

static double a[N][N], b[N][N], c[N][N];
static double g0[GRID][GRID], g1[GRID][GRID];

static void matmul(void) {
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) c[i][j] = 0.0;
        for (int k = 0; k < N; k++) {
            double aik = a[i][k];
            for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
        }
    }
}

static void jacobi(int sweeps) {
    for (int s = 0; s < sweeps; s++) {
        for (int i = 1; i < GRID - 1; i++)
            for (int j = 1; j < GRID - 1; j++) g1[i][j] = 0.25 * (g0[i - 1][j] + g0[i + 1][j] + g0[i][j - 1] + g0[i][j + 1]);
        for (int i = 1; i < GRID - 1; i++)
            for (int j = 1; j < GRID - 1; j++) g0[i][j] = g1[i][j];
    }
}

int main(int argc, char **argv) {
    const uint32_t reps = small_workload(argc, argv) ? 1 : REPS;
    uint32_t h = 0x811c9dc5u;
    double trace = 0.0, centre = 0.0;
    for (uint32_t rep = 0; rep < reps; rep++) {
        rng_seed(2024u + rep);
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                a[i][j] = (double)(int32_t)rng_next() / 2147483648.0;
                b[i][j] = (double)(rng_next() >> 8) / 16777216.0 - 0.5;
            }
        for (int r = 0; r < 3; r++) {
            matmul();
            /* Feed the product back, scaled to stay bounded. */
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++) a[i][j] = c[i][j] * 0.125;
        }
        trace = 0.0;
        for (int i = 0; i < N; i++) {
            trace += c[i][i];
            for (int j = 0; j < N; j += 7) h = mix64(h, f64_bits(c[i][j]));
        }
        h = mix64(h, f64_bits(trace));

        memset(g0, 0, sizeof g0);
        for (int i = 0; i < GRID; i++) {
            g0[0][i] = 1.0;
            g0[i][0] = (double)i / GRID;
        }
        jacobi(40);
        centre = g0[6][6];
        h = mix64(h, f64_bits(centre));
    }
    printf("matmul: %u rounds of 3 products of %dx%d, Jacobi on %dx%d\n", reps, N, N, GRID, GRID);
    printf("last trace x 1e6: %lld\n", (long long)(trace * 1e6));
    printf("last near-corner value x 1e9: %lld\n", (long long)(centre * 1e9));
    printf("checksum: %08x\n", h);
    return 0;
}
