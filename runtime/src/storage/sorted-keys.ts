/** Binary search over sorted key arrays, shared by the memory backend and the watch cache's index. */
/** Index of the first element >= x in a sorted array. */
export function lowerBound(arr: readonly string[], x: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
