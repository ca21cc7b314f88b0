import { StateFormatError, describe } from "../errors.js";

/**
 * The safetensors format (as written by Hugging Face's `safetensors` library), so that
 * Python tools read what save() writes: an 8-byte little-endian header length, a JSON
 * header mapping each tensor name to { dtype, shape, data_offsets } plus string
 * "__metadata__", then the raw little-endian data. Only float32 ("F32") is used here.
 */
export interface Tensor {
  shape: readonly number[];
  data: Float32Array;
}

const MAX_HEADER = 100_000_000;

export function encodeSafetensors(tensors: ReadonlyMap<string, Tensor>, metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, { shape, data }] of tensors) {
    header[name] = { dtype: "F32", shape: [...shape], data_offsets: [offset, offset + data.length * 4] };
    offset += data.length * 4;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - ((8 + json.length) % 8)) % 8); // data starts 8-byte aligned
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const { data } of tensors.values()) {
    for (let i = 0; i < data.length; i++, at += 4) view.setFloat32(at, data[i], true);
  }
  return out;
}

export function decodeSafetensors(bytes: unknown): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  if (!(bytes instanceof Uint8Array)) {
    throw new StateFormatError(`load() got ${describe(bytes)}; expected the Uint8Array that save() returned`);
  }
  if (bytes.length < 8) throw new StateFormatError(`load() got ${bytes.length} bytes; a safetensors file has at least 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER || 8 + headerLength > bytes.length) {
    throw new StateFormatError(`the header claims ${headerLength} bytes but the file has ${bytes.length - 8} after ` +
      "the length field: truncated or not a safetensors file");
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new StateFormatError(`the header is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new StateFormatError("the header is not a JSON object");
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, Tensor>();
  const ranges: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (typeof entry !== "object" || entry === null) throw new StateFormatError("__metadata__ is not an object");
      for (const [key, value] of Object.entries(entry)) {
        if (typeof value !== "string") throw new StateFormatError(`metadata ${describe(key)} is ${describe(value)}; expected a string`);
        metadata[key] = value;
      }
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (dtype !== "F32") throw new StateFormatError(`tensor ${describe(name)} has dtype ${describe(dtype)}; expected "F32"`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new StateFormatError(`tensor ${describe(name)} has shape ${describe(shape)}; expected non-negative integers`);
    }
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o)) ||
      offsets[0] < 0 || offsets[1] - offsets[0] !== size * 4 || offsets[1] > dataLength) {
      throw new StateFormatError(`tensor ${describe(name)} has data_offsets ${describe(offsets)}; expected ${size * 4} ` +
        `bytes within the ${dataLength} bytes of data (truncated file?)`);
    }
    ranges.push([offsets[0], offsets[1], name]);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = view.getFloat32(dataStart + offsets[0] + i * 4, true);
    tensors.set(name, { shape, data });
  }
  ranges.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i][0] < ranges[i - 1][1]) {
      throw new StateFormatError(`tensors ${describe(ranges[i - 1][2])} and ${describe(ranges[i][2])} overlap`);
    }
  }
  return { tensors, metadata };
}
