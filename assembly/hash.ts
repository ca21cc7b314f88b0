// lowbias32, the 32-bit integer mixer of Dropout's masks and of the traces' fingerprints
// (src/kernels/random.ts defines it and cites its source).
@inline export function mix32(x: u32): u32 {
  x ^= x >> 16;
  x *= 0x7feb352d;
  x ^= x >> 15;
  x *= 0x846ca68b;
  x ^= x >> 16;
  return x;
}
