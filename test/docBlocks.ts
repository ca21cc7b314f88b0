// The code blocks of README.md and docs/*.md, for the tests that run them (test/docs.test.ts
// in Node, test/browser/docs.test.ts for the page ones). Each block says what it is by its
// language tag:
// - `ts`, `js`: a complete program, run as a user runs it. `// file: NAME` lines split a
//   block into several files (the first is run); `// prints: TEXT` lines are output the
//   run must print. A block whose first line is `// <path>` of a file of this repository
//   is an excerpt instead, and that file must contain it.
// - `html`: a page; its module script runs in the browser suite, `// prints:` as above.
// - `sh`: commands; every npm script and command-line subcommand they name must exist.
// - `text`: formulas, layouts and headers, not run.
// A block without a tag fails: every block is one of these.

export interface DocBlock {
  page: string;
  /** The line of the opening fence, 1-based. */
  line: number;
  lang: string;
  code: string;
}

export const DOC_LANGUAGES = ["ts", "js", "html", "sh", "text"];

export function docBlocks(page: string, markdown: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith("```"));
    if (end < 0) throw new Error(`${page}:${i + 1}: a code block that never closes`);
    blocks.push({ page, line: i + 1, lang: open[1].trim(), code: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return blocks;
}

/** The block's `// prints: TEXT` lines. */
export function expectedOutput(code: string): string[] {
  return [...code.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1].trim());
}

/** The block's files: `// file: NAME` sections, or one file named `main.<lang>`. */
export function blockFiles(block: DocBlock): { name: string; code: string }[] {
  const parts = block.code.split(/^\/\/ file: (\S+)\n/m);
  if (parts.length === 1) return [{ name: `main.${block.lang}`, code: block.code }];
  if (parts[0].trim() !== "") throw new Error(`${block.page}:${block.line}: code before the first // file: line`);
  const files = [];
  for (let i = 1; i < parts.length; i += 2) files.push({ name: parts[i], code: parts[i + 1] });
  return files;
}
