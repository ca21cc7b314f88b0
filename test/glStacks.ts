// The WebGL2 implementations the browser suite and the browser benchmark run on, chosen
// with GL_STACK: swiftshader (default), llvmpipe (Mesa's, through ANGLE's GLES backend)
// or lavapipe (Mesa's Vulkan, through ANGLE's Vulkan backend) in Chromium, or softpipe
// (Mesa's reference rasterizer) in Debian's firefox-esr under Xvfb (the suite only).
export const CHROMIUM_FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run"];

// WebGPU too, on the stacks where Chromium has an adapter: SwiftShader's own (which flushes
// subnormals), and Tint's GLSL on ANGLE's Vulkan on lavapipe (a compatibility adapter).
export const STACK_FLAGS = {
  swiftshader: ["--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--enable-unsafe-webgpu"],
  llvmpipe: ["--headless=new", "--use-gl=angle", "--use-angle=gles-egl", "--ignore-gpu-blocklist"],
  lavapipe: ["--headless=new", "--use-gl=angle", "--use-angle=vulkan", "--ignore-gpu-blocklist",
    "--disable-gpu-driver-bug-workarounds", "--enable-unsafe-webgpu", "--use-webgpu-adapter=opengles"],
  softpipe: [],
} as const;

export type GLStack = keyof typeof STACK_FLAGS;

/** GL_STACK, checked; lavapipe also gets its Vulkan driver selected. */
export function glStack(): GLStack {
  const stack = (process.env.GL_STACK ?? "swiftshader") as GLStack;
  if (!(stack in STACK_FLAGS)) {
    throw new Error(`GL_STACK=${stack} is not a stack this suite knows; expected one of ${Object.keys(STACK_FLAGS).join(", ")}`);
  }
  if (stack === "lavapipe") process.env.VK_ICD_FILENAMES ??= "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json";
  return stack;
}
