/* String processing: a text made of words and punctuation is tokenized, its words counted in
 * a hash table keyed by the word's bytes (top five reported), searched for patterns with a
 * naive search and with Boyer-Moore-Horspool (which must agree), and title-cased. */
#include "common.h"

#define TEXT (96 * 1024)
#define SLOTS 1024
#define REPS 28

static const char *const WORDS[] = {
    "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "and", "runs", "far", "away", "from",
    "home", "while", "rain", "falls", "on", "old", "stone", "bridges", "near", "river", "banks", "where",
    "children", "play", "with", "paper", "boats", "until", "evening", "lights", "come", "alive", "in",
    "windows", "of", "houses", "built", "long", "ago", "by", "people", "whose", "names", "are", "forgotten",
};
#define NWORDS (sizeof WORDS / sizeof WORDS[0])

static uint8_t text[TEXT + 1], out[TEXT + 1];

struct slot {
    uint32_t start, len, count;
};
static struct slot table[SLOTS];

static uint32_t make_text(uint32_t seed) {
    rng_seed(seed);
    uint32_t n = 0;
    while (n + 32 < TEXT) {
        /* Skewed word choice, so that counts differ. */
        uint32_t w = rng_below(NWORDS);
        if (rng_next() & 1) w = w / 3;
        const char *s = WORDS[w];
        while (*s) text[n++] = (uint8_t)*s++;
        uint32_t r = rng_below(16);
        text[n++] = r == 0 ? '.' : r == 1 ? ',' : r == 2 ? '\n' : ' ';
        if (r < 2) text[n++] = ' ';
    }
    text[n] = 0;
    return n;
}

static int is_letter(uint8_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

static int same(uint32_t a, uint32_t b, uint32_t len) {
    for (uint32_t i = 0; i < len; i++)
        if (text[a + i] != text[b + i]) return 0;
    return 1;
}

static uint32_t count_words(uint32_t n) {
    memset(table, 0, sizeof table);
    uint32_t words = 0, i = 0;
    while (i < n) {
        while (i < n && !is_letter(text[i])) i++;
        uint32_t start = i, h = 5381;
        while (i < n && is_letter(text[i])) h = h * 33 + text[i++];
        uint32_t len = i - start;
        if (len == 0) break;
        words++;
        uint32_t s = h & (SLOTS - 1);
        while (table[s].len != 0 && !(table[s].len == len && same(table[s].start, start, len))) s = (s + 1) & (SLOTS - 1);
        if (table[s].len == 0) {
            table[s].start = start;
            table[s].len = len;
        }
        table[s].count++;
    }
    return words;
}

static int word_less(const struct slot *a, const struct slot *b) {
    if (a->count != b->count) return a->count > b->count;
    uint32_t k = a->len < b->len ? a->len : b->len;
    for (uint32_t i = 0; i < k; i++)
        if (text[a->start + i] != text[b->start + i]) return text[a->start + i] < text[b->start + i];
    return a->len < b->len;
}

static uint32_t naive_count(const uint8_t *hay, uint32_t n, const char *pat) {
    uint32_t m = (uint32_t)strlen(pat), c = 0;
    for (uint32_t i = 0; i + m <= n; i++) {
        uint32_t j = 0;
        while (j < m && hay[i + j] == (uint8_t)pat[j]) j++;
        c += j == m;
    }
    return c;
}

static uint32_t horspool_count(const uint8_t *hay, uint32_t n, const char *pat) {
    uint32_t m = (uint32_t)strlen(pat), shift[256], c = 0;
    for (int i = 0; i < 256; i++) shift[i] = m;
    for (uint32_t i = 0; i + 1 < m; i++) shift[(uint8_t)pat[i]] = m - 1 - i;
    for (uint32_t i = 0; i + m <= n;) {
        uint32_t j = m;
        while (j > 0 && hay[i + j - 1] == (uint8_t)pat[j - 1]) j--;
        c += j == 0;
        i += shift[hay[i + m - 1]];
    }
    return c;
}

static void title_case(uint32_t n) {
    int at_start = 1;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t ch = text[i];
        if (is_letter(ch)) {
            out[i] = at_start && ch >= 'a' ? (uint8_t)(ch - 32) : ch;
            at_start = 0;
        } else {
            out[i] = ch;
            at_start = 1;
        }
    }
}

int main(int argc, char **argv) {
    const uint32_t reps = small_workload(argc, argv) ? 1 : REPS;
    static const char *const PATTERNS[] = {"the", "river banks", "lazy dog", "e w", "forgotten.", "xyz", "o", "children play with"};
    uint32_t h = 0x811c9dc5u, words = 0;
    struct slot top[5];
    for (uint32_t rep = 0; rep < reps; rep++) {
        uint32_t n = make_text(5150u + rep);
        words = count_words(n);
        memset(top, 0, sizeof top);
        for (uint32_t s = 0; s < SLOTS; s++) {
            if (table[s].len == 0) continue;
            struct slot cur = table[s];
            for (int k = 0; k < 5; k++) {
                if (top[k].len == 0 || word_less(&cur, &top[k])) {
                    struct slot t = top[k];
                    top[k] = cur;
                    cur = t;
                    if (cur.len == 0) break;
                }
            }
        }
        for (int k = 0; k < 5; k++) h = mix32(mix32(h, top[k].count), top[k].len);
        for (uint32_t p = 0; p < sizeof PATTERNS / sizeof PATTERNS[0]; p++) {
            uint32_t a = naive_count(text, n, PATTERNS[p]), b = horspool_count(text, n, PATTERNS[p]);
            if (a != b) {
                printf("strings: searches disagree on \"%s\": %u and %u\n", PATTERNS[p], a, b);
                return 1;
            }
            h = mix32(h, a);
        }
        title_case(n);
        h = mix32(h, horspool_count(out, n, "The ") + naive_count(out, n, "River Banks"));
    }
    printf("strings: %u rounds of %u bytes\n", reps, TEXT);
    printf("words in the last text: %u\n", words);
    for (int k = 0; k < 5; k++) printf("top %d: %.*s x %u\n", k + 1, (int)top[k].len, (const char *)text + top[k].start, top[k].count);
    printf("checksum: %08x\n", h);
    return 0;
}
