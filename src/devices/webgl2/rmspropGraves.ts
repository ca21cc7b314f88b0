import { forEachSegment, type GravesScalars, type GravesSegment } from "../../runtime/Device.js";
import { DeviceArray } from "../../runtime/DeviceArray.js";
import type { WebGL2Device } from "./index.js";
import { sameLanes, type TextureBuffer } from "./passes.js";

/**
 * glsl/rmspropGraves.glsl: one draw call writes param, mg, ms and delta through four
 * render targets. Render targets share fragment coordinates, so the four arrays must
 * sit at one offset in buffers of one geometry, as optimizer state always does; other
 * views are staged through aligned copies.
 */
/** Segments one draw call can take (MAX_SEGMENTS in the shader); more are drawn in several calls. */
const MAX_SEGMENTS = 32;

export function rmspropGraves(device: WebGL2Device, param: DeviceArray, grad: DeviceArray, mg: DeviceArray,
  ms: DeviceArray, delta: DeviceArray, s: GravesScalars, segments?: readonly GravesSegment[]): void {
  if (segments && segments.length > MAX_SEGMENTS) {
    forEachSegment(param.size, s, segments, (start, count, scalars) => {
      const part = (a: DeviceArray) => a.view(start, [count]);
      rmspropGraves(device, part(param), part(grad), part(mg), part(ms), part(delta), scalars);
    });
    return;
  }
  const inPlace = [param, mg, ms, delta];
  const { shift, rows } = (param.buffer as TextureBuffer).shape;
  const sameGeometry = inPlace.every((a) => {
    const { shape } = a.buffer as TextureBuffer;
    return a.offset === param.offset && shape.shift === shift && shape.rows === rows;
  }) &&
    new Set(inPlace.map((a) => a.buffer)).size === 4;
  if (!sameGeometry) {
    const staged = inPlace.map((a) => {
      const copy = DeviceArray.allocate(device, a.shape);
      device.copy(a, copy);
      return copy;
    });
    rmspropGraves(device, staged[0], grad, staged[1], staged[2], staged[3], s, segments);
    staged.forEach((copy, i) => {
      device.copy(copy, inPlace[i]);
      copy.dispose();
    });
    return;
  }
  device.passes.run({
    program: "rmspropGraves",
    inputs: { param, grad, mg, ms, delta },
    outputs: inPlace,
    uniforms: {
      learnRate: s.learnRate, alpha: s.alpha, b: s.b, momRate: s.momRate, epsilon: s.epsilon,
      ...(segments && {
        segments: segments.length,
        segmentEnd: segments.map((x) => x.end),
        segmentLearnRate: segments.map((x) => x.learnRate),
        segmentMomRate: segments.map((x) => x.momRate),
      }),
    },
    defines: { SEGMENTS: segments !== undefined, ALIGNED: sameLanes(param, grad) },
  });
}
