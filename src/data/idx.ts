import { InvalidArgumentError, describe } from "../errors.js";

/** A file in the IDX format (LeCun's MNIST files, Fashion-MNIST's): its dimensions and its values in row-major order. */
export interface IdxArray {
  /** The dimensions, outermost first. */
  readonly dims: readonly number[];
  /** The values in row-major order, of the file's type. */
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** An IDX file that is not one: a wrong magic number, an unknown type, a truncated or overlong body, bad gzip. */
export class IdxFormatError extends InvalidArgumentError {
  /** "IdxFormatError", kept through minification. */
  override name = "IdxFormatError";
}

/** The IDX type codes: the third byte of the magic number. */
const TYPES: Record<number, { name: string; size: number; make: (n: number) => IdxArray["data"]; get: (v: DataView, at: number) => number }> = {
  0x08: { name: "unsigned byte", size: 1, make: (n) => new Uint8Array(n), get: (v, at) => v.getUint8(at) },
  0x09: { name: "signed byte", size: 1, make: (n) => new Int8Array(n), get: (v, at) => v.getInt8(at) },
  0x0b: { name: "short", size: 2, make: (n) => new Int16Array(n), get: (v, at) => v.getInt16(at) },
  0x0c: { name: "int", size: 4, make: (n) => new Int32Array(n), get: (v, at) => v.getInt32(at) },
  0x0d: { name: "float", size: 4, make: (n) => new Float32Array(n), get: (v, at) => v.getFloat32(at) },
  0x0e: { name: "double", size: 8, make: (n) => new Float64Array(n), get: (v, at) => v.getFloat64(at) },
};

/**
 * Parses an uncompressed IDX file: magic 0x00 0x00 type ndims, ndims big-endian 32-bit
 * dimensions, then the values, big-endian. `what` names the file in errors.
 */
export function parseIdx(bytes: Uint8Array, what = "the IDX file"): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new IdxFormatError(`parseIdx() got ${describe(bytes)}; expected a Uint8Array`);
  if (bytes.length < 4) throw new IdxFormatError(`${what} is truncated: ${bytes.length} bytes, shorter than the 4-byte magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = TYPES[bytes[2]];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type || bytes[3] === 0) {
    const magic = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new IdxFormatError(`${what} is not an IDX file: its magic number is ${magic}; expected 00 00, a type ` +
      "(08 ubyte, 09 byte, 0b short, 0c int, 0d float, 0e double) and a dimension count");
  }
  const ndims = bytes[3];
  const header = 4 + 4 * ndims;
  if (bytes.length < header) throw new IdxFormatError(`${what} is truncated in its header: ${bytes.length} bytes for ${ndims} dimensions`);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = header + count * type.size;
  if (bytes.length !== expected) {
    throw new IdxFormatError(`${what} is ${bytes.length < expected ? "truncated" : "too long"}: ${bytes.length} bytes, ` +
      `expected ${expected} for ${dims.join(" × ")} ${type.name}s`);
  }
  const data = type.make(count);
  // Bytes copy over as they are (set() converts each to the target's type, so signed bytes wrap to their value).
  if (type.size === 1) data.set(bytes.subarray(header));
  else for (let i = 0; i < count; i++) data[i] = type.get(view, header + i * type.size);
  return { dims, data };
}

/** Whether bytes start with gzip's magic number. */
const isGzip = (bytes: Uint8Array) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

async function gunzip(bytes: Uint8Array, what: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new IdxFormatError(`${what} is not valid gzip (truncated or corrupt): ${(error as Error).message}`);
  }
}

/**
 * Reads an IDX file, gzip-compressed (as distributed: .gz) or not: from a path (Node and
 * Deno) or from its bytes (anywhere: e.g. what fetch() brought in a browser).
 */
export async function loadIdx(source: string | Uint8Array): Promise<IdxArray> {
  let bytes: Uint8Array;
  let what = "the IDX file";
  if (source instanceof Uint8Array) {
    bytes = source;
  } else if (typeof source === "string") {
    what = source;
    // A computed specifier, so that bundlers for the browser leave it alone.
    const fs = (await import(/* @vite-ignore */ ["node", "fs/promises"].join(":"))) as {
      readFile(path: string): Promise<Uint8Array>;
    };
    bytes = new Uint8Array(await fs.readFile(source));
  } else {
    throw new IdxFormatError(`loadIdx() got ${describe(source)}; expected a path or the file's bytes`);
  }
  return parseIdx(isGzip(bytes) ? await gunzip(bytes, what) : bytes, what);
}
