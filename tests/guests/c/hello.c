// Arguments, environment, stdin -> stdout/stderr, and the exit code (argv[1]).
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
  const char* g = getenv("GREETING");
  printf("GREETING=%s\n", g ? g : "(unset)");
  printf("HOME=%s\n", getenv("HOME") ? "set" : "(unset)");  // never granted by the tests
  char line[256];
  int n = 0;
  while (fgets(line, sizeof line, stdin)) {
    for (char* p = line; *p; ++p) *p = (char)toupper((unsigned char)*p);
    printf("stdin %d: %s", ++n, line);
  }
  fprintf(stderr, "to stderr\n");
  fflush(stdout);
  return argc > 1 ? atoi(argv[1]) : 0;
}
