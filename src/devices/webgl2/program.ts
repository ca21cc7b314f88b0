/**
 * GL programs as the passes use them (what twgl.js's createProgramInfo and setUniforms
 * did here, in a few lines instead of its 80 kB): compile and link with the driver's
 * message and the numbered source on failure, and one setter per active uniform.
 */
export interface ProgramInfo {
  program: WebGLProgram;
  /** By name; arrays by their name without "[0]". Samplers each own a texture unit. */
  setters: Map<string, (value: unknown) => void>;
  /** The names of the sampler uniforms. */
  samplers: string[];
}

/** The source with numbered lines, as compile errors quote it. */
function numbered(source: string): string {
  return source.split("\n").map((line, i) => `${String(i + 1).padStart(4)}: ${line}`).join("\n");
}

function shader(gl: WebGL2RenderingContext, type: number, source: string): WebGLShader | string {
  const created = gl.createShader(type)!;
  gl.shaderSource(created, source);
  gl.compileShader(created);
  if (gl.getShaderParameter(created, gl.COMPILE_STATUS)) return created;
  const log = gl.getShaderInfoLog(created) ?? "";
  gl.deleteShader(created);
  return `${log}\n${numbered(source)}`;
}

/** The linked program of `vertex` and `fragment`, or the error with its numbered source. */
export function createProgramInfo(gl: WebGL2RenderingContext, vertex: string, fragment: string): ProgramInfo | string {
  const shaders = [shader(gl, gl.VERTEX_SHADER, vertex), shader(gl, gl.FRAGMENT_SHADER, fragment)];
  const failed = shaders.find((s): s is string => typeof s === "string");
  if (failed !== undefined) {
    for (const s of shaders) if (typeof s !== "string") gl.deleteShader(s);
    return failed;
  }
  const program = gl.createProgram()!;
  for (const s of shaders as WebGLShader[]) gl.attachShader(program, s);
  gl.linkProgram(program);
  for (const s of shaders as WebGLShader[]) gl.deleteShader(s);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) {
    const log = gl.getProgramInfoLog(program) ?? "";
    gl.deleteProgram(program);
    return `link failed: ${log}\n${numbered(fragment)}`;
  }
  const setters = new Map<string, (value: unknown) => void>();
  const samplers: string[] = [];
  const count = gl.getProgramParameter(program, gl.ACTIVE_UNIFORMS) as number;
  for (let i = 0; i < count; i++) {
    const { name, type, size } = gl.getActiveUniform(program, i)!;
    const location = gl.getUniformLocation(program, name);
    const base = name.endsWith("[0]") ? name.slice(0, -3) : name;
    const array = size > 1 || name.endsWith("[0]");
    if (type === gl.SAMPLER_2D) {
      const unit = samplers.push(base) - 1;
      setters.set(base, (texture) => {
        gl.activeTexture(gl.TEXTURE0 + unit);
        gl.bindTexture(gl.TEXTURE_2D, texture as WebGLTexture);
        gl.uniform1i(location, unit);
      });
    } else if (type === gl.FLOAT) {
      setters.set(base, array ? (v) => gl.uniform1fv(location, v as number[]) : (v) => gl.uniform1f(location, v as number));
    } else if (type === gl.INT || type === gl.BOOL) {
      setters.set(base, array ? (v) => gl.uniform1iv(location, v as number[])
        : (v) => gl.uniform1i(location, Number(v)));
    } else if (type === gl.FLOAT_VEC4 && array) {
      setters.set(base, (v) => gl.uniform4fv(location, v as Float32Array));
    } else if (type === gl.INT_VEC4 && array) {
      setters.set(base, (v) => gl.uniform4iv(location, v as Int32Array));
    } else if (type === gl.UNSIGNED_INT) {
      setters.set(base, array ? (v) => gl.uniform1uiv(location, v as number[]) : (v) => gl.uniform1ui(location, v as number));
    } else {
      throw new Error(`uniform ${name} has a type (0x${type.toString(16)}) the passes do not use`);
    }
  }
  return { program, setters, samplers };
}

/** Sets the uniforms named in `values`; names the program does not use (optimized out) are skipped. */
export function setUniforms(info: ProgramInfo, values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) info.setters.get(name)?.(value);
}
