// npm test runs this first: the browser suite needs Debian's Chromium, Firefox ESR, Xvfb
// and Mesa's drivers (the three WebGL2 stacks of vitest.config.ts), the Fashion-MNIST tests
// Debian's dataset-fashion-mnist (the original IDX files), and test/python.test.ts
// Python's safetensors and numpy. Installs what is missing where it can (apt-get as root,
// pip), and otherwise says exactly what to run.
import { execFileSync, spawnSync } from "node:child_process";

const python = () => spawnSync("python3", ["-c", "import safetensors.numpy"], { stdio: "ignore" }).status === 0;
if (!python()) {
  console.log("Installing Python's safetensors and numpy for test/python.test.ts");
  spawnSync("python3", ["-m", "pip", "install", "--quiet", "safetensors", "numpy"], { stdio: "inherit" });
  if (!python()) {
    console.error("test/python.test.ts needs Python 3 with safetensors and numpy: python3 -m pip install safetensors numpy");
    process.exit(1);
  }
}

const PACKAGES = ["chromium", "firefox-esr", "xvfb", "xauth", "libgl1-mesa-dri", "libegl-mesa0", "mesa-vulkan-drivers",
  "dataset-fashion-mnist"];
const has = (command) => spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;

if (!has("dpkg-query")) {
  const missing = ["chromium", "firefox-esr", "xvfb-run"].filter((program) => !has(program));
  if (missing.length && !(missing.length === 1 && missing[0] === "chromium" && process.env.CHROMIUM_PATH)) {
    console.error(`The browser suite needs ${missing.join(", ")} (and Mesa's GL and Vulkan drivers); this is not ` +
      "Debian, so install them with your system's package manager, or run the suite on Debian 12.");
    process.exit(1);
  }
  process.exit(0);
}

const installed = (name) => spawnSync("dpkg-query", ["-W", "-f=${Status}", name], { encoding: "utf8" })
  .stdout?.includes("install ok installed");
const missing = PACKAGES.filter((name) => !installed(name));
if (missing.length === 0) process.exit(0);

const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(" ")}`;
if (process.getuid?.() !== 0 || !has("apt-get")) {
  console.error(`The browser suite needs these Debian packages: ${missing.join(", ")}.\nRun as root:\n  ${command}`);
  process.exit(1);
}
console.log(`Installing the browser suite's Debian packages: ${missing.join(", ")}`);
execFileSync("sh", ["-c", command], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
