/* Sorting 32-bit integers: quicksort (median of three, insertion sort below 16), a top-down
 * merge sort and a heap sort, on the same pseudo-random arrays; each result is checked
 * against the others. */
#include "common.h"

#define N 200000
#define REPS 3

static int32_t orig[N], qa[N], ma[N], ha[N], tmp[N];

static void insertion(int32_t *a, int32_t lo, int32_t hi) {
    for (int32_t i = lo + 1; i <= hi; i++) {
        int32_t v = a[i], j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void swap(int32_t *a, int32_t i, int32_t j) {
    int32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static void quicksort(int32_t *a, int32_t lo, int32_t hi) {
    while (hi - lo > 16) {
        int32_t mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(a, mid, lo);
        if (a[hi] < a[lo]) swap(a, hi, lo);
        if (a[hi] < a[mid]) swap(a, hi, mid);
        int32_t pivot = a[mid], i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) swap(a, i++, j--);
        }
        /* Recurse into the smaller side, loop on the larger: depth stays logarithmic. */
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
    insertion(a, lo, hi);
}

static void mergesort(int32_t *a, int32_t lo, int32_t hi) {
    if (hi - lo < 1) return;
    int32_t mid = lo + (hi - lo) / 2;
    mergesort(a, lo, mid);
    mergesort(a, mid + 1, hi);
    int32_t i = lo, j = mid + 1, k = lo;
    while (i <= mid && j <= hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i <= mid) tmp[k++] = a[i++];
    while (j <= hi) tmp[k++] = a[j++];
    for (k = lo; k <= hi; k++) a[k] = tmp[k];
}

static void sift(int32_t *a, int32_t root, int32_t n) {
    for (;;) {
        int32_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && a[child + 1] > a[child]) child++;
        if (a[root] >= a[child]) return;
        swap(a, root, child);
        root = child;
    }
}

static void heapsort(int32_t *a, int32_t n) {
    for (int32_t i = n / 2 - 1; i >= 0; i--) sift(a, i, n);
    for (int32_t end = n - 1; end > 0; end--) {
        swap(a, 0, end);
        sift(a, 0, end);
    }
}

int main(int argc, char **argv) {
    const int32_t n = small_workload(argc, argv) ? 5000 : N;
    uint32_t h = 0x811c9dc5u;
    for (uint32_t rep = 0; rep < REPS; rep++) {
        rng_seed(777u + rep);
        /* Round 0: all values; round 1: many duplicates; round 2: nearly sorted. */
        for (int32_t i = 0; i < n; i++) {
            uint32_t r = rng_next();
            orig[i] = rep == 0 ? (int32_t)r : rep == 1 ? (int32_t)(r % 1000) - 500 : i * 4 + (int32_t)(r % 64);
        }
        memcpy(qa, orig, n * sizeof orig[0]);
        memcpy(ma, orig, n * sizeof orig[0]);
        memcpy(ha, orig, n * sizeof orig[0]);
        quicksort(qa, 0, n - 1);
        mergesort(ma, 0, n - 1);
        heapsort(ha, n);
        for (int32_t i = 0; i < n; i++) {
            if (qa[i] != ma[i] || qa[i] != ha[i] || (i > 0 && qa[i - 1] > qa[i])) {
                printf("sort: results differ at %d in round %u\n", i, rep);
                return 1;
            }
            h = mix32(h, (uint32_t)qa[i]);
        }
        printf("round %u: min %d, median %d, max %d\n", rep, qa[0], qa[n / 2], qa[n - 1]);
    }
    printf("checksum: %08x\n", h);
    return 0;
}
