/**
 * The largest and smallest of a list, in a loop: `Math.max(...list)` passes every element as an
 * argument and overflows the stack past about 100,000 of them. As Math.max() and Math.min(), an
 * empty list gives -Infinity and Infinity, and a NaN anywhere gives NaN.
 */
export function maxOf(values: ArrayLike<number>): number {
  let most = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) return NaN;
    if (values[i] > most) most = values[i];
  }
  return most;
}

export function minOf(values: ArrayLike<number>): number {
  let least = Infinity;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) return NaN;
    if (values[i] < least) least = values[i];
  }
  return least;
}
