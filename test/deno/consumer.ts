// Type-checked by `deno check` in test/examples.test.ts against the built dist/ (through
// import_map.json): the package's bundled types reach Deno, not as `{}` or `any`.
import { currentDevice, gpuarray, init, randn, type DeviceName } from "portable-optim";

await init({ device: "wasm-simd" });
const name: DeviceName = currentDevice().name;
const values: Float32Array = gpuarray.toGpu(randn([2], 1), [2]).get();
// @ts-expect-error: the typed API refuses a number as a device name
await init({ device: 5 });
export const checked = [name, values.length];
