/** This package's version (test/trace.test.ts checks it against package.json). */
export const VERSION = "0.1.0";
