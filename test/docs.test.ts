// The documentation cannot drift from the code: every code block of README.md and docs/
// runs (test/docBlocks.ts says how each kind is checked), every export of the published
// types is named in the API guide, the TypeDoc reference builds without a warning, local
// links resolve, and the README stays a page a user reads in a minute.
import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DOC_LANGUAGES, blockFiles, docBlocks, expectedOutput, type DocBlock } from "./docBlocks.js";

const root = new URL("..", import.meta.url).pathname;
const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const text = (page: string) => readFileSync(join(root, page), "utf8");
const blocks = pages.flatMap((page) => docBlocks(page, text(page)));
const where = (b: DocBlock) => `${b.page}:${b.line}`;

/** A block whose first line names a file of this repository: an excerpt of it. */
function excerptOf(block: DocBlock): string | null {
  const first = /^\/\/ (\S+\.\w+)$/.exec(block.code.split("\n")[0]);
  return first && existsSync(join(root, first[1])) ? first[1] : null;
}

const programs = blocks.filter((b) => (b.lang === "ts" || b.lang === "js") && !excerptOf(b));

describe("the documentation's code blocks", () => {
  it("each says what it is", () => {
    expect(blocks.length).toBeGreaterThan(5);
    for (const b of blocks) expect(DOC_LANGUAGES, `${where(b)}: a block tagged ${JSON.stringify(b.lang)}`).toContain(b.lang);
  });

  it.each(programs.map((b) => [where(b), b] as const))("%s runs and prints what it says", (_, block) => {
    const dir = join(root, "build", "doc-blocks", `${block.page.replace(/\W/g, "-")}-${block.line}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = blockFiles(block);
    for (const f of files) writeFileSync(join(dir, f.name), f.code);
    // Inside this repository, `import ... from "portable-optim"` resolves to the built dist/.
    const run = spawnSync(join(root, "node_modules", ".bin", "tsx"), [files[0].name], {
      cwd: dir, encoding: "utf8", timeout: 240_000,
    });
    expect(run.status, `${where(block)} exited with ${run.status}:\n${run.stderr}`).toBe(0);
    const expected = expectedOutput(block.code);
    for (const line of expected) expect(run.stdout, where(block)).toContain(line);
  });

  it("excerpts of source files match the files", () => {
    const excerpts = blocks.filter((b) => excerptOf(b));
    expect(excerpts.length).toBeGreaterThan(0);
    for (const b of excerpts) {
      const body = b.code.split("\n").slice(1).join("\n");
      expect(text(excerptOf(b)!), `${where(b)} is not in ${excerptOf(b)}`).toContain(body);
    }
  });

  it("shell commands name npm scripts and subcommands that exist", () => {
    const scripts = JSON.parse(text("package.json")).scripts as Record<string, string>;
    const cli = text("src/cli.ts");
    const commands = blocks.filter((b) => b.lang === "sh")
      .flatMap((b) => b.code.split("\n").map((l) => [where(b), l.replace(/#.*$/, "").trim()] as const))
      .filter(([, l]) => l !== "");
    expect(commands.length).toBeGreaterThan(2);
    for (const [at, line] of commands) {
      for (const command of line.split("&&").map((c) => c.trim())) {
        const words = command.split(/\s+/);
        if (words[0] === "npm" && words[1] === "run") expect(Object.keys(scripts), `${at}: ${command}`).toContain(words[2]);
        else if (words[0] === "npm") expect(["install", "start", "test"], `${at}: ${command}`).toContain(words[1]);
        else if (words[0] === "npx" && words[1] === "portable-optim") expect(cli, `${at}: ${command}`).toContain(`command === "${words[2]}"`);
        else throw new Error(`${at}: a command the test does not know how to check: ${command}`);
      }
    }
  });
});

describe("the documentation's links", () => {
  it("resolve to files and headings of this repository", () => {
    const anchor = (heading: string) => heading.toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-");
    let checked = 0;
    for (const page of pages) {
      for (const [, target] of text(page).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^https?:/.test(target)) continue;
        const [path, hash] = target.split("#");
        const file = path ? join(root, dirname(page), path) : join(root, page); // "#heading": this page
        expect(existsSync(file), `${page} links to ${target}`).toBe(true);
        if (hash) {
          const headings = [...readFileSync(file, "utf8").matchAll(/^#+ (.*)$/gm)].map((m) => anchor(m[1]));
          expect(headings, `${page} links to ${target}`).toContain(hash);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe("the README", () => {
  it("fits in 10 kB and starts with the two commands .ci/run runs", () => {
    const readme = text("README.md");
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(10 * 1024);
    const first = blocks.find((b) => b.page === "README.md")!;
    expect(first.lang).toBe("sh");
    const commands = first.code.split("\n").map((l) => l.replace(/#.*$/, "").trim()).filter((l) => l);
    expect(commands).toEqual(["npm install && npm start", "npm test"]);
    expect(text(".ci/run")).toMatch(/^npm install --no-fund --no-audit && npm start\nnpm test$/m);
  });
});

describe("the public API", () => {
  it("exports only names the API guide documents", () => {
    const types = text("dist/index.d.ts");
    const declared = [...types.matchAll(/^export (?:declare )?(?:abstract )?(?:class|function|const|interface|type) (\w+)/gm)]
      .map((m) => m[1]);
    const reexported = [...types.matchAll(/^export \{([^}]*)\}/gm)]
      .flatMap((m) => m[1].split(",").map((n) => n.trim().split(/\s+as\s+/).pop()!).filter((n) => n));
    const exported = [...declared, ...reexported];
    expect(exported.length).toBeGreaterThan(50);
    const guide = text("docs/api.md");
    const missing = exported.filter((name) => !new RegExp(`\`(new )?${name}\\b`).test(guide));
    expect(missing, "exports the API guide (docs/api.md) does not name").toEqual([]);
    // What users must not see: the device classes and kernel tables stay internal.
    for (const internal of ["WasmDevice", "WebGL2Device", "JsDevice", "KernelTable", "HandWrittenKernels", "reference"]) {
      expect(exported).not.toContain(internal);
    }
  });

  it("has a TypeDoc reference that builds without a warning", () => {
    const out = join(root, "build", "api-check");
    const run = spawnSync(join(root, "node_modules", ".bin", "typedoc"), ["--out", out], { cwd: root, encoding: "utf8" });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/warning/);
    expect(existsSync(join(out, "index.html"))).toBe(true);
  });
});
