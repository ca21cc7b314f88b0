#!/usr/bin/env node
// npx portable-optim: the reproducibility report of this machine's devices, and the
// comparison of two trace files (see src/trace.ts). Node and Deno. Exit codes for CI:
// 0 identical (or a report printed), 1 the traces differ, 2 an error (bad arguments, a
// file that is not a trace, traces of different runs).
import { formatReport, reproducibilityReport } from "./reproducibility.js";
import { TRACE_ENV, compareTraces } from "./trace.js";
import { PortableOptimError } from "./errors.js";
import { VERSION } from "./version.js";

const USAGE = `portable-optim ${VERSION}
usage:
  portable-optim report [--subnormals keep|flush]   the cross-device reproducibility report of this machine
  portable-optim compare A.json B.json              where two training traces part (exit 0 identical, 1 different, 2 error)
  portable-optim trace [--out FILE] SCRIPT [ARGS]   runs a Node script (.ts through tsx) and writes the trace of every
                                                    optimizer it sets up (FILE, default trace.json; then FILE.1.json, ...)`;

interface Host {
  args: string[];
  exit(code: number): never;
  readText(path: string): Promise<string>;
}

async function host(): Promise<Host> {
  const g = globalThis as { Deno?: { args: string[]; exit(code: number): never }; process?: { argv: string[]; exit(code: number): never } };
  // A computed specifier, so that bundlers for the browser leave it alone.
  const fs = (await import(/* @vite-ignore */ ["node", "fs/promises"].join(":"))) as { readFile(p: string, e: string): Promise<string> };
  const readText = (path: string) => fs.readFile(path, "utf8");
  if (g.Deno) return { args: g.Deno.args, exit: g.Deno.exit, readText };
  return { args: g.process!.argv.slice(2), exit: g.process!.exit, readText };
}

/** Runs `script` with TRACE_ENV set to `out`; returns its exit code (and says where the trace went). */
async function runTraced(script: string, args: string[], out: string): Promise<number> {
  const { spawnSync } = (await import(/* @vite-ignore */ ["node", "child_process"].join(":"))) as {
    spawnSync(command: string, args: string[], options: object): { status: number | null; error?: Error };
  };
  const g = globalThis as { process?: { execPath: string; env: Record<string, string> } };
  const node = g.process!.execPath;
  const argv = [...(/\.[cm]?ts$/.test(script) ? ["--import", "tsx"] : []), script, ...args];
  const child = spawnSync(node, argv, { stdio: "inherit", env: { ...g.process!.env, [TRACE_ENV]: out } });
  if (child.error) throw new PortableOptimError(`trace: could not run ${script}: ${child.error.message}`);
  if (child.status === 0) console.error(`portable-optim: the trace is in ${out}`);
  return child.status === 0 ? 0 : 2;
}

async function main({ args, exit, readText }: Host): Promise<never> {
  const [command, ...rest] = args;
  try {
    if (command === "report") {
      const index = rest.indexOf("--subnormals");
      const subnormals = index >= 0 ? rest[index + 1] : undefined;
      if (subnormals !== undefined && subnormals !== "keep" && subnormals !== "flush") {
        throw new PortableOptimError(`--subnormals ${subnormals}: expected keep or flush`);
      }
      console.log(formatReport(await reproducibilityReport(subnormals ? { subnormals } : {})));
      return exit(0);
    }
    if (command === "compare" && rest.length === 2) {
      const texts = await Promise.all(rest.map(async (path) => {
        try {
          return await readText(path);
        } catch (error) {
          throw new PortableOptimError(`cannot read ${path}: ${(error as Error).message}`);
        }
      }));
      const result = await compareTraces(texts[0], texts[1]);
      console.log(result.message);
      return exit(result.identical ? 0 : 1);
    }
    if (command === "trace" && rest.length > 0) {
      const out = rest[0] === "--out" ? rest[1] : "trace.json";
      const [script, ...scriptArgs] = rest[0] === "--out" ? rest.slice(2) : rest;
      if (!script) throw new PortableOptimError("trace: no script given");
      return exit(await runTraced(script, scriptArgs, out));
    }
    console.error(USAGE);
    return exit(2);
  } catch (error) {
    console.error(error instanceof PortableOptimError ? `${error.name}: ${error.message}` : error);
    return exit(2);
  }
}

await main(await host());
