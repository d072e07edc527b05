#include "common.h"
// A bump allocator plus an open-hashing map with chained nodes: allocation- and
// pointer-chasing-heavy, like a malloc/hash-map workload.
static uint8_t arena[8 << 20];
static uint32_t arena_top;
static void* alloc(uint32_t size) {
  uint32_t p = (arena_top + 7u) & ~7u;
  if (p + size > sizeof arena) return 0;
  arena_top = p + size;
  return arena + p;
}
typedef struct Node { uint32_t key, value; struct Node* next; } Node;
#define BUCKETS 4096
static Node* buckets[BUCKETS];
static uint32_t hash(uint32_t k) { k ^= k >> 16; k *= 0x7feb352du; k ^= k >> 15; k *= 0x846ca68bu; return k ^ (k >> 16); }
static void put(uint32_t k, uint32_t v) {
  Node** slot = &buckets[hash(k) & (BUCKETS - 1)];
  for (Node* n = *slot; n; n = n->next)
    if (n->key == k) { n->value += v; return; }
  Node* n = (Node*)alloc(sizeof(Node));
  if (!n) return;
  n->key = k; n->value = v; n->next = *slot; *slot = n;
}
static uint32_t get(uint32_t k) {
  for (Node* n = buckets[hash(k) & (BUCKETS - 1)]; n; n = n->next)
    if (n->key == k) return n->value;
  return 0;
}
EXPORT("run") uint32_t run(uint32_t reps) {
  uint32_t check = 0;
  for (uint32_t r = 0; r < reps; ++r) {
    arena_top = 0;
    for (int i = 0; i < BUCKETS; ++i) buckets[i] = 0;
    uint32_t x = 12345 + r;
    for (int i = 0; i < 100000; ++i) {
      x = x * 1103515245u + 12345u;
      put((x >> 8) % 50000u, i);
    }
    for (uint32_t k = 0; k < 50000u; k += 3) check = mix32(check, get(k));
  }
  return check;
}
