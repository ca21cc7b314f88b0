// npm run demo: bundles demo/main.ts and serves the page on http://127.0.0.1:8080/
// (PORT overrides). Also used by the demo's browser test. Serves Debian's Fashion-MNIST
// files (dataset-fashion-mnist) under /data/fashion-mnist/ for the page's classifier task.
import { createServer, type Server } from "node:http";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import * as esbuild from "esbuild";
import { FASHION_MNIST_DIR } from "../src/data/fashionMnist.ts";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "demo", ".out");
const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };

export async function buildDemo(): Promise<void> {
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: [join(root, "demo", "main.ts")], outdir: out, bundle: true, format: "esm", platform: "browser",
    target: "es2022", mainFields: ["module", "main"], logLevel: "warning",
  });
  copyFileSync(join(root, "demo", "index.html"), join(out, "index.html"));
}

export async function serveDemo(port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const data = path.match(/^\/data\/fashion-mnist\/((?:train|t10k)-(?:images-idx3|labels-idx1)-ubyte\.gz)$/);
    const file = data ? join(FASHION_MNIST_DIR, data[1]) : join(out, path === "/" ? "index.html" : path.slice(1));
    if ((!data && !file.startsWith(out)) || !existsSync(file)) {
      response.writeHead(path === "/favicon.ico" ? 204 : 404).end();
      return;
    }
    // Cross-origin isolation gives the page SharedArrayBuffer: wasm-simd runs on threads.
    response.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp",
    }).end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return server;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const port = Number(process.env.PORT ?? 8080);
  await buildDemo();
  const server = await serveDemo(port);
  const address = server.address() as { port: number };
  console.log(`demo: http://127.0.0.1:${address.port}/`);
}
