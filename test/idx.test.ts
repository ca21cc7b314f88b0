// The IDX loader on files made here (every type, gzip or not) and on Debian's
// Fashion-MNIST files, and its typed errors for files that are not IDX.
import { describe, it, expect } from "vitest";
import { gzipSync } from "node:zlib";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadFashionMnist, loadIdx, parseIdx, IdxFormatError, FASHION_MNIST_DIR } from "../src/index.js";

/** An IDX file of type `code` with `dims`, its values written by `write` (big-endian). */
function idx(code: number, dims: number[], size: number, write: (view: DataView, at: number, i: number) => void): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(4 + 4 * dims.length + count * size);
  const view = new DataView(bytes.buffer);
  bytes.set([0, 0, code, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  for (let i = 0; i < count; i++) write(view, 4 + 4 * dims.length + i * size, i);
  return bytes;
}

describe("IDX files", () => {
  it("parses every type, big-endian, gzip-compressed or not, from bytes and from a path", async () => {
    const cases = [
      { file: idx(0x08, [2, 3], 1, (v, at, i) => v.setUint8(at, 250 + i)), expected: [250, 251, 252, 253, 254, 255] },
      { file: idx(0x09, [4], 1, (v, at, i) => v.setInt8(at, i - 2)), expected: [-2, -1, 0, 1] },
      { file: idx(0x0b, [3], 2, (v, at, i) => v.setInt16(at, -300 * i)), expected: [0, -300, -600] },
      { file: idx(0x0c, [1, 2], 4, (v, at, i) => v.setInt32(at, 70000 * (i + 1))), expected: [70000, 140000] },
      { file: idx(0x0d, [2], 4, (v, at, i) => v.setFloat32(at, 0.5 + i)), expected: [0.5, 1.5] },
      { file: idx(0x0e, [2], 8, (v, at, i) => v.setFloat64(at, 0.1 * i)), expected: [0, 0.1] },
    ];
    for (const { file, expected } of cases) {
      expect([...parseIdx(file).data]).toEqual(expected);
      expect([...(await loadIdx(gzipSync(file))).data]).toEqual(expected);
    }
    expect(parseIdx(cases[0].file).dims).toEqual([2, 3]);
    const path = join(mkdtempSync(join(tmpdir(), "idx-")), "a.idx.gz");
    writeFileSync(path, gzipSync(cases[3].file));
    expect([...(await loadIdx(path)).data]).toEqual([70000, 140000]);
  });

  it("refuses a wrong magic number, a truncated or overlong file and bad gzip with an IdxFormatError", async () => {
    const good = idx(0x08, [10], 1, (v, at, i) => v.setUint8(at, i));
    const refused: [Uint8Array, RegExp][] = [
      [good.subarray(0, 3), /truncated: 3 bytes/],
      [Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 1, 0]), /not an IDX file: its magic number is 01 00 08 01/],
      [Uint8Array.from([0, 0, 7, 1, 0, 0, 0, 1, 0]), /magic number is 00 00 07 01/],
      [good.subarray(0, 6), /truncated in its header/],
      [good.subarray(0, 12), /truncated: 12 bytes, expected 18 for 10 unsigned bytes/],
      [Uint8Array.from([...good, 0]), /too long/],
    ];
    for (const [bytes, message] of refused) {
      expect(() => parseIdx(bytes)).toThrow(IdxFormatError);
      expect(() => parseIdx(bytes)).toThrow(message);
    }
    const gz = gzipSync(good);
    await expect(loadIdx(gz.subarray(0, gz.length - 6))).rejects.toThrow(/not valid gzip/);
    await expect(loadIdx(gz.subarray(0, gz.length - 6))).rejects.toBeInstanceOf(IdxFormatError);
    await expect(loadIdx(42 as unknown as Uint8Array)).rejects.toThrow(/expected a path/);
  });

  it("loads Debian's Fashion-MNIST: 60,000 and 10,000 images of 784 pixels in [0, 1], 6,000 and 1,000 per class", async () => {
    const { train, test } = await loadFashionMnist(FASHION_MNIST_DIR);
    expect([train.count, test.count]).toEqual([60000, 10000]);
    expect(train.images.length).toBe(60000 * 784);
    for (const [set, per] of [[train, 6000], [test, 1000]] as const) {
      const counts = new Array(10).fill(0);
      for (const label of set.labels) counts[label]++;
      expect(counts).toEqual(new Array(10).fill(per));
    }
    let max = 0;
    for (const v of test.images) max = Math.max(max, v);
    expect(max).toBe(1);
    expect([...train.labels.subarray(0, 5)]).toEqual([9, 0, 0, 3, 0]);
  });
});
