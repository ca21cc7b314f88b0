/**
 * Host-side arithmetic for optimizer scalars that gives the same bits in every JavaScript
 * engine: only the four operations and Math.sqrt, which IEEE-754 rounds correctly in
 * double. Math.pow and Math.exp are not correctly rounded, and engines differ in them.
 */

/** x^n for an integer n >= 0 by squaring: O(log n) double multiplications, each correctly rounded. */
export function powInt(x: number, n: number): number {
  let result = 1;
  let base = x;
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result *= base;
    base *= base;
  }
  return result;
}
