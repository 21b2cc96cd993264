/* Recursion: naive Fibonacci, Takeuchi's function, Ackermann's function, binary trees built
 * and walked recursively (allocated from a pool) and N-Queens by backtracking. Call depth
 * stays below 600 frames. */
#include "common.h"

#define REPS 14

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int32_t tak(int32_t x, int32_t y, int32_t z) {
    if (y >= x) return z;
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

static uint32_t ack(uint32_t m, uint32_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

struct node {
    struct node *left, *right;
    uint32_t value;
};

#define POOL (1u << 17)
static struct node pool[POOL];
static uint32_t used;

static struct node *build(uint32_t depth, uint32_t value) {
    struct node *n = &pool[used++];
    n->value = value;
    if (depth == 0) {
        n->left = n->right = 0;
    } else {
        n->left = build(depth - 1, 2 * value);
        n->right = build(depth - 1, 2 * value + 1);
    }
    return n;
}

static uint32_t check(const struct node *n) {
    if (!n->left) return n->value & 0xff;
    return n->value + check(n->left) - check(n->right) + 1;
}

static uint32_t queens(uint32_t n, uint32_t row, uint32_t cols, uint32_t d1, uint32_t d2) {
    if (row == n) return 1;
    uint32_t count = 0, free = ~(cols | d1 | d2) & ((1u << n) - 1);
    while (free) {
        uint32_t bit = free & -free;
        free ^= bit;
        count += queens(n, row + 1, cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1);
    }
    return count;
}

int main(int argc, char **argv) {
    const uint32_t reps = small_workload(argc, argv) ? 2 : REPS;
    uint32_t h = 0x811c9dc5u, f = 0, q = 0, a = 0;
    int32_t t = 0;
    for (uint32_t rep = 0; rep < reps; rep++) {
        f = fib(27 + rep % 2);
        t = tak(18, 12, 6);
        a = ack(2, 120) + ack(3, 5);
        uint32_t trees = 0;
        for (uint32_t d = 4; d <= 16; d += 2) {
            for (uint32_t k = 0; k < (1u << (16 - d)); k++) {
                used = 0;
                trees += check(build(d, k));
            }
        }
        q = queens(9 + rep % 2, 0, 0, 0, 0);
        h = mix32(mix32(mix32(mix32(mix32(h, f), (uint32_t)t), a), trees), q);
    }
    printf("fib(28) = %u\n", f);
    printf("tak(18, 12, 6) = %d\n", t);
    printf("ack(2, 120) + ack(3, 5) = %u\n", a);
    printf("queens(10) = %u\n", q);
    printf("checksum: %08x\n", h);
    return 0;
}
