// TEST_THREADS=N (npm test sets 1 and then 4 for a second and third pass of the Node suite):
// init()'s default thread count becomes N, through the hardwareConcurrency it reads first.
const threads = process.env.TEST_THREADS;
if (threads) {
  Object.defineProperty(globalThis, "navigator", {
    value: { ...(globalThis as { navigator?: object }).navigator, hardwareConcurrency: Number(threads) },
    configurable: true,
  });
}
