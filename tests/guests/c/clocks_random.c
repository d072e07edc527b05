// Clocks (realtime, monotonic, process and thread CPU time), sleeping through poll_oneoff,
// and random bytes. Prints only what is the same on every run.
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t ns(clockid_t c) {
  struct timespec t;
  if (clock_gettime(c, &t) != 0) return -1;
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int main(void) {
  int64_t real = ns(CLOCK_REALTIME);
  printf("realtime after 2020: %d\n", real > (int64_t)1577836800 * 1000000000);
  int64_t m0 = ns(CLOCK_MONOTONIC);
  struct timespec req = {0, 20 * 1000 * 1000};
  printf("nanosleep: %d\n", nanosleep(&req, NULL));
  int64_t m1 = ns(CLOCK_MONOTONIC);
  printf("slept at least 20ms: %d\n", m1 - m0 >= 20 * 1000 * 1000);
  printf("monotonic increases: %d\n", m1 > m0);
  printf("process cputime: %d\n", ns(CLOCK_PROCESS_CPUTIME_ID) >= 0);
  printf("thread cputime: %d\n", ns(CLOCK_THREAD_CPUTIME_ID) >= 0);
  struct timespec res;
  printf("resolution: %d\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && (res.tv_sec > 0 || res.tv_nsec > 0));
  unsigned char a[32], b[32];
  printf("getentropy: %d %d\n", getentropy(a, sizeof a), getentropy(b, sizeof b));
  printf("random differs: %d\n", memcmp(a, b, sizeof a) != 0);
  return 0;
}
