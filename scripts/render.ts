// npm run render: writes every kernel definition of src/kernels/ in every device's
// language (src/kernels/render/). The rendered files are checked in, so that they can
// be read and reviewed; test/kernels.test.ts fails when one differs from a fresh render.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { renderAll } from "../src/kernels/render/index.ts";

const root = new URL("..", import.meta.url).pathname;
const files = renderAll();
// A kernel removed from the table leaves no stale pass behind.
for (const dir of ["glsl", "wgsl"]) rmSync(join(root, dir, "generated"), { recursive: true, force: true });
for (const [path, text] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}
console.log(`rendered ${files.size} files: ${[...files.keys()].join(", ")}`);
