/*
 * The native reference of npm run bench: out = op(A)·B in float32 with the summation
 * order of every device (start at +0, add the rounded products for p = 0..k-1 in
 * order), 128-bit vectors (GCC/Clang vector extensions: SSE on x86-64, NEON on arm64),
 * register-blocked 4 rows x 4*CV columns, no fused multiply-add (compile with
 * -ffp-contract=off). op(A) is A (form xW: m x k row-major) or Aᵀ (form xTdy: A is
 * k x m row-major). Prints the median GFLOP/s of the rounds and a checksum.
 * Usage: matmul M K N xW|xTdy [rounds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef float v4 __attribute__((vector_size(16), aligned(4)));

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static v4 load(const float *p) { v4 v; memcpy(&v, p, 16); return v; }
static void store(float *p, v4 v) { memcpy(p, &v, 16); }

#ifndef CV
#define CV 8
#endif

/* op(A)[i][p] is a[i*ar + p*ac]; B is k x n row-major. */
__attribute__((noinline)) static void matmul(const float *a, const float *b, float *out, int m, int k, int n,
                                             size_t ar, size_t ac) {
  int i = 0;
  for (; i + 4 <= m; i += 4) {
    int j = 0;
    for (; j + 4 * CV <= n; j += 4 * CV) {
      v4 c[4][CV] = {{{0}}};
      for (int p = 0; p < k; p++) {
        v4 bv[CV];
        for (int v = 0; v < CV; v++) bv[v] = load(b + (size_t)p * n + j + 4 * v);
        for (int r = 0; r < 4; r++) {
          float s = a[(i + r) * ar + p * ac];
          v4 av = {s, s, s, s};
          for (int v = 0; v < CV; v++) c[r][v] = c[r][v] + av * bv[v];
        }
      }
      for (int r = 0; r < 4; r++)
        for (int v = 0; v < CV; v++) store(out + (size_t)(i + r) * n + j + 4 * v, c[r][v]);
    }
    for (; j < n; j++) {
      for (int r = 0; r < 4; r++) {
        float s = 0;
        for (int p = 0; p < k; p++) s = s + a[(i + r) * ar + p * ac] * b[(size_t)p * n + j];
        out[(size_t)(i + r) * n + j] = s;
      }
    }
  }
  for (; i < m; i++) {
    for (int j = 0; j < n; j++) {
      float s = 0;
      for (int p = 0; p < k; p++) s = s + a[i * ar + p * ac] * b[(size_t)p * n + j];
      out[(size_t)i * n + j] = s;
    }
  }
}

static int cmp(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: matmul M K N xW|xTdy [rounds]\n"); return 2; }
  int m = atoi(argv[1]), k = atoi(argv[2]), n = atoi(argv[3]), rounds = argc > 5 ? atoi(argv[5]) : 7;
  int transposed = strcmp(argv[4], "xTdy") == 0;
  size_t ar = transposed ? 1 : (size_t)k, ac = transposed ? (size_t)m : 1;
  float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *out = malloc(sizeof(float) * m * n);
  unsigned s = 1;
  for (int i = 0; i < m * k; i++) a[i] = (float)((s = s * 1103515245 + 12345) >> 16 & 0x7fff) / 16384.0f - 1;
  for (int i = 0; i < k * n; i++) b[i] = (float)((s = s * 1103515245 + 12345) >> 16 & 0x7fff) / 16384.0f - 1;
  double flops = 2.0 * m * k * n, rates[64];
  int reps = 1;
  for (;;) { /* enough repetitions for ~20 ms a sample */
    double t = now();
    for (int r = 0; r < reps; r++) { matmul(a, b, out, m, k, n, ar, ac); __asm__ volatile("" ::: "memory"); }
    if (now() - t > 0.02) break;
    reps *= 2;
  }
  if (rounds > 64) rounds = 64;
  for (int round = 0; round < rounds; round++) {
    double t = now();
    for (int r = 0; r < reps; r++) { matmul(a, b, out, m, k, n, ar, ac); __asm__ volatile("" ::: "memory"); }
    rates[round] = flops * reps / (now() - t) / 1e9;
  }
  qsort(rates, rounds, sizeof(double), cmp);
  double check = 0;
  for (int i = 0; i < m * n; i++) check += out[i];
  printf("%.3f %.17g\n", rates[rounds / 2], check);
  return 0;
}
