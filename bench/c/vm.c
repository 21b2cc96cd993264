/* An interpreter in wasm: a small stack-based bytecode VM (a switch over one-byte opcodes
 * with 32-bit operands, locals in call frames, calls and returns) running three programs
 * assembled here: recursive Fibonacci, counting primes by trial division and the longest
 * Collatz sequence below a bound. */
#include "common.h"

enum op {
    HALT, PUSH, POP, DUP, ADD, SUB, MUL, DIVU, REMU, AND, SHR, LTU, EQ,
    JMP, JZ, JNZ, LOAD, STORE, INC, CALL, RET, GSTORE,
};

#define CODE 1024
#define STACK 4096
#define FRAMES 256

static uint8_t code[CODE];
static uint32_t pc_end;
static uint32_t globals[8];

/* --- assembler ---------------------------------------------------------------------------- */

static void emit(enum op o) { code[pc_end++] = (uint8_t)o; }

static void emit_u32(uint32_t v) {
    memcpy(code + pc_end, &v, 4);
    pc_end += 4;
}

static void emit1(enum op o, uint32_t arg) {
    emit(o);
    emit_u32(arg);
}

/* A jump whose target is patched later: returns where its operand is. */
static uint32_t emit_jump(enum op o) {
    emit(o);
    emit_u32(0);
    return pc_end - 4;
}

static void patch(uint32_t at, uint32_t target) { memcpy(code + at, &target, 4); }

/* --- the VM ------------------------------------------------------------------------------- */

static uint32_t stack[STACK];

static inline uint32_t rd(uint32_t pc) {
    uint32_t v;
    memcpy(&v, code + pc, 4);
    return v;
}

/* Runs from `entry` until HALT; returns the number of instructions executed. */
static uint64_t run(uint32_t entry) {
    uint32_t ret_pc[FRAMES], ret_fp[FRAMES];
    uint32_t pc = entry, sp = 0, fp = 0, depth = 0;
    uint64_t steps = 0;
    for (;;) {
        steps++;
        uint8_t o = code[pc++];
        switch (o) {
        case HALT: return steps;
        case PUSH: stack[sp++] = rd(pc); pc += 4; break;
        case POP: sp--; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case DIVU: sp--; stack[sp - 1] /= stack[sp]; break;
        case REMU: sp--; stack[sp - 1] %= stack[sp]; break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case SHR: sp--; stack[sp - 1] >>= stack[sp]; break;
        case LTU: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case JMP: pc = rd(pc); break;
        case JZ: pc = stack[--sp] == 0 ? rd(pc) : pc + 4; break;
        case JNZ: pc = stack[--sp] != 0 ? rd(pc) : pc + 4; break;
        case LOAD: stack[sp++] = stack[fp + rd(pc)]; pc += 4; break;
        case STORE: stack[fp + rd(pc)] = stack[--sp]; pc += 4; break;
        case INC: stack[fp + rd(pc)]++; pc += 4; break;
        case CALL: {
            /* Operand: target; the next byte is the number of arguments. */
            uint32_t target = rd(pc), nargs = code[pc + 4];
            ret_pc[depth] = pc + 5;
            ret_fp[depth] = fp;
            depth++;
            fp = sp - nargs;
            pc = target;
            break;
        }
        case RET: {
            uint32_t v = stack[sp - 1];
            sp = fp;
            stack[sp++] = v;
            depth--;
            fp = ret_fp[depth];
            pc = ret_pc[depth];
            break;
        }
        case GSTORE: globals[rd(pc)] = stack[--sp]; pc += 4; break;
        default: printf("vm: bad opcode %u at %u\n", o, pc - 1); return steps;
        }
    }
}

static void emit_call(uint32_t target, uint8_t nargs) {
    emit1(CALL, target);
    code[pc_end++] = nargs;
}

/* fib(n): local 0 = n. */
static uint32_t asm_fib(void) {
    uint32_t f = pc_end;
    emit1(LOAD, 0);
    emit1(PUSH, 2);
    emit(LTU);
    uint32_t big = emit_jump(JZ);
    emit1(LOAD, 0);
    emit(RET);
    patch(big, pc_end);
    emit1(LOAD, 0);
    emit1(PUSH, 1);
    emit(SUB);
    emit_call(f, 1);
    emit1(LOAD, 0);
    emit1(PUSH, 2);
    emit(SUB);
    emit_call(f, 1);
    emit(ADD);
    emit(RET);
    return f;
}

/* primes(limit): locals 0 = limit, 1 = count, 2 = n, 3 = d. */
static uint32_t asm_primes(void) {
    uint32_t f = pc_end;
    emit1(PUSH, 0); /* count */
    emit1(PUSH, 2); /* n */
    emit1(PUSH, 0); /* d */
    uint32_t outer = pc_end;
    emit1(LOAD, 2);
    emit1(LOAD, 0);
    emit(LTU);
    uint32_t done = emit_jump(JZ);
    emit1(PUSH, 2);
    emit1(STORE, 3);
    uint32_t inner = pc_end;
    emit1(LOAD, 2); /* n < d * d: n is prime */
    emit1(LOAD, 3);
    emit1(LOAD, 3);
    emit(MUL);
    emit(LTU);
    uint32_t prime = emit_jump(JNZ);
    emit1(LOAD, 2);
    emit1(LOAD, 3);
    emit(REMU);
    uint32_t composite = emit_jump(JZ);
    emit1(INC, 3);
    emit1(JMP, inner);
    patch(prime, pc_end);
    emit1(INC, 1);
    patch(composite, pc_end);
    emit1(INC, 2);
    emit1(JMP, outer);
    patch(done, pc_end);
    emit1(LOAD, 1);
    emit(RET);
    return f;
}

/* collatz(limit): the start below limit with the longest sequence, times 1000 plus its
 * length. Locals 0 = limit, 1 = best, 2 = best start, 3 = start, 4 = x, 5 = steps. */
static uint32_t asm_collatz(void) {
    uint32_t f = pc_end;
    emit1(PUSH, 0);
    emit1(PUSH, 0);
    emit1(PUSH, 1);
    emit1(PUSH, 0);
    emit1(PUSH, 0);
    uint32_t outer = pc_end;
    emit1(LOAD, 3);
    emit1(LOAD, 0);
    emit(LTU);
    uint32_t done = emit_jump(JZ);
    emit1(LOAD, 3);
    emit1(STORE, 4);
    emit1(PUSH, 0);
    emit1(STORE, 5);
    uint32_t step = pc_end;
    emit1(LOAD, 4);
    emit1(PUSH, 1);
    emit(EQ);
    uint32_t finished = emit_jump(JNZ);
    emit1(INC, 5);
    emit1(LOAD, 4);
    emit1(PUSH, 1);
    emit(AND);
    uint32_t even = emit_jump(JZ);
    emit1(LOAD, 4);
    emit1(PUSH, 3);
    emit(MUL);
    emit1(PUSH, 1);
    emit(ADD);
    emit1(STORE, 4);
    emit1(JMP, step);
    patch(even, pc_end);
    emit1(LOAD, 4);
    emit1(PUSH, 1);
    emit(SHR);
    emit1(STORE, 4);
    emit1(JMP, step);
    patch(finished, pc_end);
    emit1(LOAD, 1);
    emit1(LOAD, 5);
    emit(LTU);
    uint32_t not_better = emit_jump(JZ);
    emit1(LOAD, 5);
    emit1(STORE, 1);
    emit1(LOAD, 3);
    emit1(STORE, 2);
    patch(not_better, pc_end);
    emit1(INC, 3);
    emit1(JMP, outer);
    patch(done, pc_end);
    emit1(LOAD, 2);
    emit1(PUSH, 1000);
    emit(MUL);
    emit1(LOAD, 1);
    emit(ADD);
    emit(RET);
    return f;
}

int main(int argc, char **argv) {
    const int small = small_workload(argc, argv);
    const uint32_t fib_n = small ? 16 : 22, limit = small ? 3000 : 30000;
    uint32_t fib = asm_fib(), primes = asm_primes(), collatz = asm_collatz();
    uint32_t entry = pc_end;
    emit1(PUSH, fib_n);
    emit_call(fib, 1);
    emit1(GSTORE, 0);
    emit1(PUSH, limit);
    emit_call(primes, 1);
    emit1(GSTORE, 1);
    emit1(PUSH, limit);
    emit_call(collatz, 1);
    emit1(GSTORE, 2);
    emit(HALT);

    uint64_t steps = run(entry);
    printf("vm: %u bytes of bytecode, %llu instructions executed\n", pc_end, (unsigned long long)steps);
    printf("fib(%u) = %u\n", fib_n, globals[0]);
    printf("primes below %u: %u\n", limit, globals[1]);
    printf("longest Collatz start below %u: %u (%u steps)\n", limit, globals[2] / 1000, globals[2] % 1000);
    return 0;
}
