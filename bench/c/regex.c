/* An interpreter in wasm: a regular-expression engine. Patterns (literals, `.`, classes
 * `[a-z]` and `[^...]`, `*`, `+`, `?`, `|`, parentheses) are parsed by recursive descent into
 * a Thompson NFA, which is simulated over generated lines of text, all live states at once
 * (no backtracking), searching anywhere in the line. Reports the lines each pattern matches. */
#include "common.h"

#define LINES 1200
#define LINE 96
#define MAXSTATES 512
#define REPS 4

enum kind { CHAR, ANY, CLASS, SPLIT, NOP, MATCH };

struct state {
    uint8_t kind, c;
    uint16_t cls;
    int16_t out, out1;
    uint32_t mark;
};

static struct state st[MAXSTATES];
static int nstates;
static uint32_t classes[64][8];
static int nclasses;

static int new_state(enum kind k, int out, int out1) {
    st[nstates] = (struct state){.kind = (uint8_t)k, .out = (int16_t)out, .out1 = (int16_t)out1};
    return nstates++;
}

/* A fragment: entry state and exit state (a NOP whose `out` is set when it is joined). */
struct frag {
    int start, end;
};

static const char *pat;

static struct frag parse_alt(void);

static struct frag atom(void) {
    char ch = *pat++;
    int e = new_state(NOP, -1, -1);
    if (ch == '(') {
        struct frag f = parse_alt();
        pat++; /* ')' */
        st[f.end].out = (int16_t)e;
        return (struct frag){f.start, e};
    }
    int s;
    if (ch == '.') {
        s = new_state(ANY, e, -1);
    } else if (ch == '[') {
        int neg = *pat == '^';
        if (neg) pat++;
        uint32_t *bits = classes[nclasses];
        memset(bits, 0, 32);
        while (*pat != ']') {
            uint8_t lo = (uint8_t)*pat++, hi = lo;
            if (*pat == '-' && pat[1] != ']') {
                pat++;
                hi = (uint8_t)*pat++;
            }
            for (uint32_t c = lo; c <= hi; c++) bits[c >> 5] |= 1u << (c & 31);
        }
        pat++;
        if (neg)
            for (int i = 0; i < 8; i++) bits[i] = ~bits[i];
        s = new_state(CLASS, e, -1);
        st[s].cls = (uint16_t)nclasses++;
    } else {
        if (ch == '\\') ch = *pat++;
        s = new_state(CHAR, e, -1);
        st[s].c = (uint8_t)ch;
    }
    return (struct frag){s, e};
}

static struct frag repeat(void) {
    struct frag f = atom();
    for (;;) {
        char op = *pat;
        if (op != '*' && op != '+' && op != '?') return f;
        pat++;
        int e = new_state(NOP, -1, -1);
        int s = new_state(SPLIT, f.start, e);
        if (op == '*') {
            st[f.end].out = (int16_t)s;
            f = (struct frag){s, e};
        } else if (op == '+') {
            st[f.end].out = (int16_t)s;
            f = (struct frag){f.start, e};
        } else {
            st[f.end].out = (int16_t)e;
            f = (struct frag){s, e};
        }
    }
}

static struct frag concat(void) {
    if (*pat == 0 || *pat == '|' || *pat == ')') {
        int e = new_state(NOP, -1, -1);
        return (struct frag){e, e};
    }
    struct frag f = repeat();
    while (*pat && *pat != '|' && *pat != ')') {
        struct frag g = repeat();
        st[f.end].out = (int16_t)g.start;
        f.end = g.end;
    }
    return f;
}

static struct frag parse_alt(void) {
    struct frag f = concat();
    while (*pat == '|') {
        pat++;
        struct frag g = concat();
        int e = new_state(NOP, -1, -1);
        int s = new_state(SPLIT, f.start, g.start);
        st[f.end].out = (int16_t)e;
        st[g.end].out = (int16_t)e;
        f = (struct frag){s, e};
    }
    return f;
}

static int compile(const char *p) {
    nstates = 0;
    nclasses = 0;
    pat = p;
    struct frag f = parse_alt();
    st[f.end].out = (int16_t)new_state(MATCH, -1, -1);
    return f.start;
}

static int16_t list_a[MAXSTATES], list_b[MAXSTATES];
static uint32_t generation;

static void add(int16_t *list, int *n, int s) {
    if (s < 0 || st[s].mark == generation) return;
    st[s].mark = generation;
    if (st[s].kind == SPLIT) {
        add(list, n, st[s].out);
        add(list, n, st[s].out1);
    } else if (st[s].kind == NOP) {
        add(list, n, st[s].out);
    } else {
        list[(*n)++] = (int16_t)s;
    }
}

static int search(int start, const uint8_t *line) {
    int16_t *cur = list_a, *next = list_b;
    int ncur = 0;
    generation++;
    add(cur, &ncur, start);
    for (const uint8_t *p = line;; p++) {
        for (int i = 0; i < ncur; i++)
            if (st[cur[i]].kind == MATCH) return 1;
        if (*p == 0) return 0;
        int nnext = 0;
        generation++;
        for (int i = 0; i < ncur; i++) {
            const struct state *s = &st[cur[i]];
            uint8_t c = *p;
            int ok = s->kind == ANY || (s->kind == CHAR && s->c == c) ||
                     (s->kind == CLASS && (classes[s->cls][c >> 5] >> (c & 31)) & 1);
            if (ok) add(next, &nnext, s->out);
        }
        add(next, &nnext, start); /* a match may begin at the next byte */
        int16_t *t = cur;
        cur = next;
        next = t;
        ncur = nnext;
    }
}

static uint8_t text[LINES][LINE];

static void make_lines(uint32_t seed) {
    static const char *const parts[] = {"the", "quick", "fox", "dog", "abcd", "ee", "ef", "cdab", "queue", "qat", "x", "y", "z",
                                        "mail", "example", ".com", "@", "-", "555", "0123", "hello", "world", "aei", "fgh"};
    rng_seed(seed);
    for (int l = 0; l < LINES; l++) {
        uint32_t n = 0;
        while (n < LINE - 12) {
            const char *s = parts[rng_below(sizeof parts / sizeof parts[0])];
            while (*s) text[l][n++] = (uint8_t)*s++;
            if (rng_next() & 1) text[l][n++] = ' ';
            if ((rng_next() & 15) == 0) text[l][n++] = (uint8_t)('0' + rng_below(10));
        }
        text[l][n] = 0;
    }
}

int main(int argc, char **argv) {
    const uint32_t reps = small_workload(argc, argv) ? 1 : REPS;
    static const char *const PATTERNS[] = {
        "fox|dog",
        "[a-z]+@[a-z]+\\.com",
        "(ab|cd)*e+f?g",
        "[0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]",
        "q[^u]",
        "[aei]+(f|g|h)+ ?[a-z]",
        "x.*y.*z",
        "hello ?world ?[0-9]",
        "(the|quick) ?(quick|fox|dog)",
        "((ab)+|(cd)+)(ee)+",
    };
    const int npat = sizeof PATTERNS / sizeof PATTERNS[0];
    uint32_t h = 0x811c9dc5u, counts[16] = {0};
    for (uint32_t rep = 0; rep < reps; rep++) {
        make_lines(1951u + rep);
        for (int p = 0; p < npat; p++) {
            int start = compile(PATTERNS[p]);
            uint32_t c = 0;
            for (int l = 0; l < LINES; l++) {
                int m = search(start, text[l]);
                c += (uint32_t)m;
                h = mix32(h, (uint32_t)m);
            }
            counts[p] = c;
        }
    }
    printf("regex: %u rounds of %d lines\n", reps, LINES);
    for (int p = 0; p < npat; p++) printf("%-40s %u\n", PATTERNS[p], counts[p]);
    printf("checksum: %08x\n", h);
    return 0;
}
