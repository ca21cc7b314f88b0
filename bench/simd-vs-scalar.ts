// The Graves update at 1M parameters: wasm-simd against the scalar wasm build, side
// by side in one process, interleaved rounds, medians, printed as a ratio.
//   npx tsx bench/simd-vs-scalar.ts [size]
import { getDevice, DeviceArray, randn, rmspropGravesKer, type DeviceName } from "portable-optim";

const size = Number((globalThis as { process?: { argv: string[] } }).process?.argv[2] ?? 1 << 20);
const names: DeviceName[] = ["wasm-simd", "wasm"];
const runs = await Promise.all(names.map(async (name) => {
  const device = await getDevice(name);
  const arrays = [0, 1, 2, 3, 4].map(() => DeviceArray.allocate(device, [size]));
  arrays[1].set(randn([size], 1));
  return { name, step: () => rmspropGravesKer(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4]) };
}));

const times = new Map(names.map((name) => [name, [] as number[]]));
for (let round = 0; round < 15; round++) {
  for (const { name, step } of runs) {
    const start = performance.now();
    for (let i = 0; i < 10; i++) step();
    times.get(name)!.push((performance.now() - start) / 10);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const [simd, scalar] = names.map((name) => median(times.get(name)!.slice(3)));
console.log(`update of ${size} parameters: wasm-simd ${simd.toFixed(3)} ms, wasm ${scalar.toFixed(3)} ms, ` +
  `wasm-simd is ${(scalar / simd).toFixed(2)}x faster`);
