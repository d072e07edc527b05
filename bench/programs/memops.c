#include "common.h"
// memcpy/memset-heavy: built with -mbulk-memory these become memory.copy/memory.fill.
static uint8_t src[1 << 20], dst[1 << 20];
EXPORT("run") uint32_t run(uint32_t reps) {
  uint32_t check = 0;
  for (uint32_t r = 0; r < reps; ++r) {
    __builtin_memset(src, (int)(r & 0xff), sizeof src);
    for (uint32_t i = 0; i < sizeof src; i += 4096) src[i] = (uint8_t)(i >> 12);
    for (uint32_t chunk = 64; chunk <= 65536; chunk *= 4)
      for (uint32_t off = 0; off + chunk <= sizeof src; off += chunk * 2) __builtin_memcpy(dst + off + chunk, src + off, chunk);
    for (uint32_t i = 0; i < sizeof dst; i += 997) check = mix32(check, dst[i]);
  }
  return check;
}
