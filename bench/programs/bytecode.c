#include "common.h"
// A switch-heavy loop: a tiny stack-machine interpreter running a fixed program.
enum { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DEC, XOR, SHL, POP, HALT };
static const int32_t prog[] = {
    PUSH, 0,        // acc
    PUSH, 0,        // counter (patched with n)
    /*4*/ SWAP, PUSH, 7, MUL, PUSH, 3, ADD, PUSH, 5, XOR, DUP, PUSH, 1, SHL, ADD, PUSH, 0xffff, MUL, SWAP, DEC, DUP,
    JNZ, 4, POP, HALT};
EXPORT("run") uint32_t run(uint32_t n) {
  int32_t code[sizeof prog / sizeof prog[0]];
  for (uint32_t i = 0; i < sizeof prog / sizeof prog[0]; ++i) code[i] = prog[i];
  code[3] = (int32_t)n;
  uint32_t stack[64];
  int sp = 0;
  uint32_t pc = 0;
  for (;;) {
    switch (code[pc++]) {
      case PUSH: stack[sp++] = (uint32_t)code[pc++]; break;
      case ADD: --sp; stack[sp - 1] += stack[sp]; break;
      case SUB: --sp; stack[sp - 1] -= stack[sp]; break;
      case MUL: --sp; stack[sp - 1] *= stack[sp]; break;
      case DUP: stack[sp] = stack[sp - 1]; ++sp; break;
      case SWAP: { uint32_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
      case JNZ: { uint32_t t = (uint32_t)code[pc++]; if (stack[--sp]) pc = t; break; }
      case DEC: stack[sp - 1] -= 1; break;
      case XOR: --sp; stack[sp - 1] ^= stack[sp]; break;
      case SHL: --sp; stack[sp - 1] <<= (stack[sp] & 31); break;
      case POP: --sp; break;
      case HALT: return stack[sp - 1];
      default: return 0xdeadu;
    }
  }
}
