/**
 * Every rendered file, by path from the repository's root: what `npm run render` writes
 * and test/kernels.test.ts compares with the checked-in files.
 */
import { DEFINITIONS } from "../index.js";
import type { ElementwiseDefinition } from "../vocabulary.js";
import { renderAssemblyScript, renderAssemblyScriptMath } from "./assemblyscript.js";
import { renderGlsl, renderGlslMath } from "./glsl.js";
import { renderJs } from "./js.js";
import { renderWgsl, renderWgslMath } from "./wgsl.js";

export function renderAll(definitions: readonly ElementwiseDefinition[] = Object.values(DEFINITIONS)): Map<string, string> {
  const files = new Map<string, string>();
  files.set("src/devices/js/kernels.generated.ts", renderJs(definitions));
  files.set("assembly/kernels.generated.ts", renderAssemblyScript(definitions));
  files.set("assembly/math.generated.ts", renderAssemblyScriptMath(definitions));
  files.set("glsl/generated/math.glsl", renderGlslMath(definitions));
  for (const d of definitions) files.set(`glsl/generated/${d.name}.glsl`, renderGlsl(d));
  files.set("wgsl/generated/math.wgsl", renderWgslMath(definitions));
  for (const d of definitions) files.set(`wgsl/generated/${d.name}.wgsl`, renderWgsl(d));
  return files;
}

export { renderAssemblyScript, renderAssemblyScriptMath, renderGlsl, renderGlslMath, renderJs, renderWgsl, renderWgslMath };
