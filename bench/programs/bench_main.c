#include <stdint.h>
uint32_t run(uint32_t);
__attribute__((export_name("bench"))) uint32_t bench(void) { return run(BENCH_ARG); }
