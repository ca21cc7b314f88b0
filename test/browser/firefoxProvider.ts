// A Vitest browser provider for Debian's firefox-esr, which Playwright cannot drive (it
// needs its own patched Firefox, which cannot be downloaded here). Vitest's tester page
// talks to the Vitest server by itself, so the provider only has to open the page: it
// starts Firefox under Xvfb (headless Firefox gets no WebGL) with a fresh profile whose
// prefs force WebGL on the software renderer. GALLIUM_DRIVER picks Mesa's rasterizer
// (softpipe or llvmpipe).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineBrowserProvider } from "@vitest/browser";
import type { BrowserProvider, BrowserProviderOption } from "vitest/node";

const PREFS: Record<string, boolean | number | string> = {
  "webgl.force-enabled": true,
  "webgl.disabled": false,
  "webgl.enable-debug-renderer-info": true,
  "webgl.sanitize-unmasked-renderer": false,
  "webgl.max-contexts": 64,
  "webgl.max-contexts-per-principal": 64,
  "browser.shell.checkDefaultBrowser": false,
  "browser.startup.homepage_override.mstone": "ignore",
  "browser.aboutwelcome.enabled": false,
  "browser.tabs.warnOnClose": false,
  "browser.sessionstore.resume_from_crash": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "datareporting.healthreport.uploadEnabled": false,
  "toolkit.telemetry.enabled": false,
  "app.update.enabled": false,
  "app.normandy.enabled": false,
  "extensions.update.enabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "dom.disable_open_during_load": false,
  "dom.min_background_timeout_value": 4,
  "dom.timeout.enable_budget_timer_throttling": false,
};

export interface FirefoxOptions {
  /** Mesa's rasterizer for Firefox's WebGL: "softpipe" or "llvmpipe". */
  gallium: "softpipe" | "llvmpipe";
  executablePath?: string;
}

class FirefoxProvider implements BrowserProvider {
  readonly name = "firefox-esr";
  readonly supportsParallelism = false;
  private readonly processes: ChildProcess[] = [];
  private readonly profiles: string[] = [];

  constructor(private readonly options: FirefoxOptions) {}

  getCommandsContext(): Record<string, unknown> {
    return {};
  }

  async openPage(_sessionId: string, url: string): Promise<void> {
    const profile = mkdtempSync(join(tmpdir(), "vitest-firefox-"));
    this.profiles.push(profile);
    writeFileSync(join(profile, "user.js"),
      Object.entries(PREFS).map(([key, value]) => `user_pref(${JSON.stringify(key)}, ${JSON.stringify(value)});\n`).join(""));
    // Firefox wants a private (0700) runtime directory, as mkdtemp makes.
    const runtime = mkdtempSync(join(tmpdir(), "vitest-firefox-runtime-"));
    this.profiles.push(runtime);
    const firefox = spawn("xvfb-run", ["-a", "-s", "-screen 0 1280x1024x24",
      this.options.executablePath ?? "firefox-esr", "--no-remote", "--profile", profile, url], {
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, GALLIUM_DRIVER: this.options.gallium, XDG_RUNTIME_DIR: runtime, MOZ_CRASHREPORTER_DISABLE: "1" },
    });
    let stderr = "";
    firefox.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    firefox.on("exit", (code) => {
      if (code && this.processes.includes(firefox)) {
        console.error(`firefox-esr exited with code ${code} before the tests ended:\n${stderr}`);
      }
    });
    this.processes.push(firefox);
  }

  close(): void {
    for (const firefox of this.processes.splice(0)) {
      // xvfb-run, Xvfb and Firefox share the process group started above.
      try {
        process.kill(-firefox.pid!, "SIGTERM");
      } catch {
        // already gone
      }
    }
    for (const profile of this.profiles.splice(0)) rmSync(profile, { recursive: true, force: true });
  }
}

export function firefoxEsr(options: FirefoxOptions): BrowserProviderOption {
  return defineBrowserProvider({
    name: "firefox-esr",
    supportedBrowser: ["firefox"],
    options,
    providerFactory: () => new FirefoxProvider(options),
  });
}
