/** What a WebGL2 context can do for us, found once per page or worker. */
export interface GLProbe {
  gl: WebGL2RenderingContext;
  renderer: string;
  /** A CPU rasterizer (SwiftShader, llvmpipe, ...): the wasm-simd kernels beat it. */
  software: boolean;
  maxTextureSize: number;
  maxDrawBuffers: number;
}

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render driver|microsoft basic/i;

let probed: GLProbe | string | null = null;

/** A WebGL2 context with float render targets, or the reason there is none. */
export function probeWebGL2(): GLProbe | string {
  if (probed === null) probed = probe();
  return probed;
}

function probe(): GLProbe | string {
  const attributes: WebGLContextAttributes = {
    alpha: false, antialias: false, depth: false, stencil: false, premultipliedAlpha: false,
    preserveDrawingBuffer: false, powerPreference: "high-performance",
  };
  let gl: WebGL2RenderingContext | null = null;
  // OffscreenCanvas first: it also exists in workers, where there is no document.
  if (typeof OffscreenCanvas === "function") {
    gl = new OffscreenCanvas(1, 1).getContext("webgl2", attributes) as WebGL2RenderingContext | null;
  } else if (typeof document === "object" && document) {
    gl = document.createElement("canvas").getContext("webgl2", attributes);
  } else {
    return "this runtime has neither OffscreenCanvas nor a document (Node has none), so no WebGL2 context";
  }
  if (!gl) {
    return 'getContext("webgl2") returned null: WebGL2 is disabled or unsupported here, or the runtime ' +
      "has no GPU access (Deno's OffscreenCanvas gives no WebGL2)";
  }
  if (!gl.getExtension("EXT_color_buffer_float")) {
    return "EXT_color_buffer_float is missing: this GPU cannot render to float32 textures";
  }
  const maxDrawBuffers = gl.getParameter(gl.MAX_DRAW_BUFFERS) as number;
  if (maxDrawBuffers < 4) return `MAX_DRAW_BUFFERS is ${maxDrawBuffers}; the fused update needs 4`;
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return {
    gl, renderer, software: SOFTWARE.test(renderer), maxDrawBuffers,
    maxTextureSize: gl.getParameter(gl.MAX_TEXTURE_SIZE) as number,
  };
}
