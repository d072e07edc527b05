#include "common.h"
static uint8_t composite[1 << 20];
EXPORT("run") uint32_t run(uint32_t reps) {
  uint32_t count = 0;
  for (uint32_t r = 0; r < reps; ++r) {
    for (uint32_t i = 0; i < sizeof composite; ++i) composite[i] = 0;
    count = 0;
    for (uint32_t i = 2; i < sizeof composite; ++i) {
      if (composite[i]) continue;
      ++count;
      for (uint32_t j = i + i; j < sizeof composite; j += i) composite[j] = 1;
    }
  }
  return count;
}
