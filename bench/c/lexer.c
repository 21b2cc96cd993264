/* A branchy state machine: a lexer for a C-like language, one byte at a time through an
 * explicit state variable (identifiers and keywords, decimal, hex and floating numbers with
 * exponents, strings and characters with escapes, line and block comments, one- to
 * three-byte operators), over generated source text. Reports the tokens of each kind. */
#include "common.h"

#define SRC (128 * 1024)
#define REPS 24

enum tok { T_IDENT, T_KEYWORD, T_INT, T_HEX, T_FLOAT, T_STRING, T_CHAR, T_COMMENT, T_OP, T_PUNCT, T_ERROR, T_COUNT };
static const char *const TOK_NAMES[T_COUNT] = {"identifiers", "keywords", "integers", "hex integers", "floats", "strings",
                                               "characters", "comments", "operators", "punctuation", "errors"};

enum state {
    S_START, S_IDENT, S_ZERO, S_INT, S_HEX, S_FRAC, S_EXP, S_EXP_SIGN, S_EXP_DIGITS, S_STRING, S_STRING_ESC, S_CHAR,
    S_CHAR_ESC, S_SLASH, S_LINE_COMMENT, S_BLOCK_COMMENT, S_BLOCK_STAR, S_OP,
};

static uint8_t src[SRC + 1];

static const char *const KEYWORDS[] = {"if", "else", "while", "for", "return", "int", "char", "struct", "static", "void", "break", "continue"};
#define NKEYWORDS (sizeof KEYWORDS / sizeof KEYWORDS[0])

static uint32_t gen_len;
static void put(const char *s) {
    while (*s && gen_len < SRC) src[gen_len++] = (uint8_t)*s++;
}
static void putc_(uint8_t c) {
    if (gen_len < SRC) src[gen_len++] = c;
}

static void generate(uint32_t seed) {
    static const char *const OPS[] = {"+", "-", "*", "/", "=", "==", "!=", "<", "<=", ">>=", "<<", "&&", "||", "->", "++", "+=", "%", "!"};
    static const char *const NAMES[] = {"x", "count", "buf_len", "node", "next", "i", "j", "value2", "_tmp", "Queue"};
    rng_seed(seed);
    gen_len = 0;
    while (gen_len + 64 < SRC) {
        uint32_t r = rng_below(100);
        char num[24];
        if (r < 25) {
            put(NAMES[rng_below(10)]);
        } else if (r < 35) {
            put(KEYWORDS[rng_below(NKEYWORDS)]);
        } else if (r < 45) {
            snprintf(num, sizeof num, "%u", rng_below(100000));
            put(num);
        } else if (r < 48) {
            snprintf(num, sizeof num, "0x%X", rng_next());
            put(num);
        } else if (r < 53) {
            snprintf(num, sizeof num, "%u.%ue%s%u", rng_below(1000), rng_below(1000), (rng_next() & 1) ? "-" : "", rng_below(40));
            put(num);
        } else if (r < 57) {
            put("\"str");
            if (rng_next() & 1) put("\\\"q\\n");
            put(" end\"");
        } else if (r < 59) {
            put((rng_next() & 1) ? "'a'" : "'\\''");
        } else if (r < 61) {
            put((rng_next() & 1) ? "// line comment * / \"x\"\n" : "/* block ** comment / */");
        } else if (r < 85) {
            put(OPS[rng_below(18)]);
        } else if (r < 99) {
            putc_((uint8_t) "(){}[];,"[rng_below(8)]);
        } else {
            putc_((uint8_t) "@$`"[rng_below(3)]);
        }
        putc_((rng_next() & 7) == 0 ? '\n' : ' ');
    }
    src[gen_len] = 0;
}

static int is_alpha(uint8_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static int is_hex(uint8_t c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }

static int keyword(const uint8_t *s, uint32_t n) {
    for (uint32_t k = 0; k < NKEYWORDS; k++)
        if (strlen(KEYWORDS[k]) == n && memcmp(KEYWORDS[k], s, n) == 0) return 1;
    return 0;
}

/* Whether the operator `op` (its first bytes) extends with `c`. */
static int op_extends(const uint8_t *op, uint32_t n, uint8_t c) {
    if (n == 1) {
        uint8_t a = op[0];
        return (c == '=' && strchr("+-*/%=!<>&|^", a)) || (a == c && strchr("+-<>&|", a)) || (a == '-' && c == '>');
    }
    return n == 2 && c == '=' && op[0] == op[1] && (op[0] == '<' || op[0] == '>');
}

static uint32_t counts[T_COUNT];
static uint32_t h;

static void emit(enum tok t, uint32_t start, uint32_t end) {
    counts[t]++;
    h = mix32(h, (uint32_t)t << 24 | (end - start));
}

static void lex(uint32_t n) {
    enum state s = S_START;
    uint32_t start = 0;
    for (uint32_t i = 0; i <= n; i++) {
        uint8_t c = src[i]; /* the final 0 flushes the last token */
    again:
        switch (s) {
        case S_START:
            start = i;
            if (c == 0 || c == ' ' || c == '\n' || c == '\t') break;
            if (is_alpha(c)) s = S_IDENT;
            else if (c == '0') s = S_ZERO;
            else if (is_digit(c)) s = S_INT;
            else if (c == '"') s = S_STRING;
            else if (c == '\'') s = S_CHAR;
            else if (c == '/') s = S_SLASH;
            else if (strchr("(){}[];,", c)) emit(T_PUNCT, i, i + 1);
            else if (strchr("+-*%=!<>&|^", c)) s = S_OP;
            else emit(T_ERROR, i, i + 1);
            break;
        case S_IDENT:
            if (is_alpha(c) || is_digit(c)) break;
            emit(keyword(src + start, i - start) ? T_KEYWORD : T_IDENT, start, i);
            s = S_START;
            goto again;
        case S_ZERO:
            if (c == 'x' || c == 'X') {
                s = S_HEX;
                break;
            }
            s = S_INT;
            goto again;
        case S_INT:
            if (is_digit(c)) break;
            if (c == '.') {
                s = S_FRAC;
                break;
            }
            if (c == 'e' || c == 'E') {
                s = S_EXP;
                break;
            }
            emit(T_INT, start, i);
            s = S_START;
            goto again;
        case S_HEX:
            if (is_hex(c)) break;
            emit(i - start > 2 ? T_HEX : T_ERROR, start, i);
            s = S_START;
            goto again;
        case S_FRAC:
            if (is_digit(c)) break;
            if (c == 'e' || c == 'E') {
                s = S_EXP;
                break;
            }
            emit(T_FLOAT, start, i);
            s = S_START;
            goto again;
        case S_EXP:
            if (c == '+' || c == '-') {
                s = S_EXP_SIGN;
                break;
            }
            /* fall through */
        case S_EXP_SIGN:
            if (is_digit(c)) {
                s = S_EXP_DIGITS;
                break;
            }
            emit(T_ERROR, start, i);
            s = S_START;
            goto again;
        case S_EXP_DIGITS:
            if (is_digit(c)) break;
            emit(T_FLOAT, start, i);
            s = S_START;
            goto again;
        case S_STRING:
            if (c == '\\') s = S_STRING_ESC;
            else if (c == '"') emit(T_STRING, start, i + 1), s = S_START;
            else if (c == 0 || c == '\n') emit(T_ERROR, start, i), s = S_START;
            break;
        case S_STRING_ESC: s = S_STRING; break;
        case S_CHAR:
            if (c == '\\') s = S_CHAR_ESC;
            else if (c == '\'') emit(i - start == 2 || i - start == 3 ? T_CHAR : T_ERROR, start, i + 1), s = S_START;
            else if (c == 0 || c == '\n') emit(T_ERROR, start, i), s = S_START;
            break;
        case S_CHAR_ESC: s = S_CHAR; break;
        case S_SLASH:
            if (c == '/') s = S_LINE_COMMENT;
            else if (c == '*') s = S_BLOCK_COMMENT;
            else {
                s = S_OP;
                goto again;
            }
            break;
        case S_LINE_COMMENT:
            if (c == '\n' || c == 0) emit(T_COMMENT, start, i), s = S_START;
            break;
        case S_BLOCK_COMMENT:
            if (c == '*') s = S_BLOCK_STAR;
            else if (c == 0) emit(T_ERROR, start, i), s = S_START;
            break;
        case S_BLOCK_STAR:
            if (c == '/') emit(T_COMMENT, start, i + 1), s = S_START;
            else if (c != '*') s = S_BLOCK_COMMENT;
            break;
        case S_OP:
            if (c != 0 && op_extends(src + start, i - start, c)) break;
            emit(T_OP, start, i);
            s = S_START;
            goto again;
        }
    }
}

int main(int argc, char **argv) {
    const uint32_t reps = small_workload(argc, argv) ? 1 : REPS;
    h = 0x811c9dc5u;
    for (uint32_t rep = 0; rep < reps; rep++) {
        generate(1972u + rep);
        memset(counts, 0, sizeof counts);
        lex(gen_len);
        for (int t = 0; t < T_COUNT; t++) h = mix32(h, counts[t]);
    }
    printf("lexer: %u rounds of %u bytes\n", reps, gen_len);
    for (int t = 0; t < T_COUNT; t++) printf("%s: %u\n", TOK_NAMES[t], counts[t]);
    printf("checksum: %08x\n", h);
    return 0;
}
