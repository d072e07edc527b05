// The smallest useful WASI command, for cold-start measurements (bench/coldstart.sh):
// wasi-libc's start-up, one formatted write to stdout, exit status 0.
#include <stdio.h>

int main(void) {
  printf("Hello, world!\n");
  return 0;
}
