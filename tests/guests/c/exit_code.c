// proc_exit from deep inside the program: the code must become the exit status.
#include <stdio.h>
#include <stdlib.h>

static void leave(int depth) {
  if (depth == 0) {
    printf("leaving with 37\n");
    fflush(stdout);
    exit(37);
  }
  leave(depth - 1);
}

int main(void) {
  leave(10);
  return 0;
}
