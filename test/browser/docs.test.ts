/// <reference types="vite/client" />
// The documentation's page examples (```html blocks of README.md and docs/) run in the
// browser as a user's page runs them: the module script, its CDN import pointed at this
// build's dist/index.js, and the `// prints:` lines it must log (test/docBlocks.ts).
import { describe, it, expect } from "vitest";
import { docBlocks, expectedOutput } from "../docBlocks.js";

const pages = import.meta.glob(["../../README.md", "../../docs/*.md"], { query: "?raw", import: "default", eager: true });
const blocks = Object.entries(pages).flatMap(([path, text]) => docBlocks(path.replace("../../", ""), text as string))
  .filter((b) => b.lang === "html");

describe("the documentation's page examples", () => {
  it("exist", () => expect(blocks.length).toBeGreaterThan(0));

  it.each(blocks.map((b) => [`${b.page}:${b.line}`, b] as const))("%s runs in the browser", async (_, block) => {
    const script = /<script type="module">([\s\S]*?)<\/script>/.exec(block.code);
    expect(script, "a module script").not.toBeNull();
    const html = block.code.replace(script![0], "");
    const source = script![1].replace(/"https:\/\/[^"]*\/portable-optim[^"]*\/dist\/index\.js"/,
      JSON.stringify(new URL("/dist/index.js", location.origin).href));
    expect(source, "the script imports the package from a CDN").toContain(location.origin);
    const host = document.createElement("div");
    host.innerHTML = html.replace(/<!doctype html>/i, "");
    document.body.append(host);
    const logged: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => { logged.push(args.join(" ")); };
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    try {
      await import(/* @vite-ignore */ url);
    } finally {
      console.log = log;
      URL.revokeObjectURL(url);
      host.remove();
    }
    for (const line of expectedOutput(block.code)) expect(logged.join("\n")).toContain(line);
  });
});
