// Node only: Python's `safetensors` (the library PyTorch and Hugging Face use) reads the
// files Module.save() and optimizer.save() write, with every name, shape and bit.
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { init, gpuarray, randn, RMSPropGraves, MSE } from "../src/index.js";
import { buildNet } from "./helpers.js";

const READ = `
import json, sys
from safetensors.numpy import load_file
out = {}
for path in sys.argv[1:]:
    tensors = load_file(path)
    out[path] = {name: [list(t.shape), str(t.dtype), t.astype("<f4").tobytes().hex()] for name, t in tensors.items()}
print(json.dumps(out))
`;

const hex = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");

describe("files for Python", () => {
  it("Python's safetensors reads the weights and the optimizer state bit for bit", async () => {
    await init({ device: "wasm-simd" });
    const net = buildNet();
    const optimizer = new RMSPropGraves({ learnRate: 0.01 });
    optimizer.setupOn(net, { useGlobalState: true });
    const [data, target, loss] = [gpuarray.toGpu(randn([10, 24], 1), [10, 24]), gpuarray.toGpu(randn([10, 5], 2), [10, 5]), new MSE()];
    for (let i = 0; i < 3; i++) {
      const [, grad] = loss.compute(net.forward(data), target);
      optimizer.zeroGradParams();
      net.backward(grad);
      optimizer.update();
    }
    const dir = mkdtempSync(join(tmpdir(), "portable-optim-python-"));
    try {
      const [weightsFile, stateFile] = [join(dir, "weights.safetensors"), join(dir, "state.safetensors")];
      writeFileSync(weightsFile, net.save());
      writeFileSync(stateFile, optimizer.save());
      const read = JSON.parse(execFileSync("python3", ["-c", READ, weightsFile, stateFile], { encoding: "utf8" }));
      for (const [variable, [name]] of net.getVarTable()) {
        expect(read[weightsFile][name], name).toEqual([[...variable.data.shape], "float32", hex(variable.data.get())]);
        for (const [key, array] of Object.entries(optimizer.getState(name))) {
          expect(read[stateFile][`${name}.${key}`], `${name}.${key}`).toEqual([[...array.shape], "float32", hex(array.get())]);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      for (const thing of [data, target, loss, optimizer, net]) thing.dispose();
    }
  });
});
