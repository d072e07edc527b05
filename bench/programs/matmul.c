#include "common.h"
#define N 128
static double a[N][N], b[N][N], c[N][N];
EXPORT("run") uint32_t run(uint32_t reps) {
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) {
      a[i][j] = (double)(i * N + j) / (N * N);
      b[i][j] = (double)(j * N + i + 1) / (N * N);
    }
  double sum = 0;
  for (uint32_t r = 0; r < reps; ++r) {
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j) {
        double s = 0;
        for (int k = 0; k < N; ++k) s += a[i][k] * b[k][j];
        c[i][j] = s;
      }
    sum += c[r % N][(r * 7) % N];
  }
  return (uint32_t)(int64_t)(sum * 1000.0);
}
