// Every browser test runs with gl.getError() checked after each pass, so a GL error
// fails the test that caused it.
import { beforeAll } from "vitest";
import { getDevice } from "../../src/index.js";
import { WebGL2Device } from "../../src/devices/webgl2/index.js";

beforeAll(async () => {
  const device = await getDevice("webgl2");
  if (!(device instanceof WebGL2Device)) throw new Error("the webgl2 device did not open");
  device.passes.checkErrors = true;
});
