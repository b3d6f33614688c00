/**
 * Appending to a comprehension's list accumulator in place, as cel-go does
 * with its mutable accumulator lists. The `map` and `filter` macros grow
 * their result by `@result + [x]`; @bufbuild/cel concatenates lazily, so
 * the result of n steps is n nested lists: reading it costs O(n) per
 * element and recursion n deep (a 50,000-item map() overflowed the stack,
 * where kube charges it well under the limit). The rewrite in
 * cel-metering.ts turns those steps into `@append(@result, [x])`. In place
 * is safe there: expressions cannot name `@result`, so the previous value
 * of the accumulator is never seen again; the first step copies the
 * initial (shared, empty) list.
 */
import { celFunc, celList, listType, CelScalar, type CelFunc, type CelList } from "@bufbuild/cel";

export const APPEND = "@append";
/** The accumulator variable of the macros (@bufbuild/cel's builder names it so; cel-go's is `@result` too). */
export const ACCUMULATOR = "@result";

const LIST = listType(CelScalar.DYN);
/** Lists made here, with the array they own. */
const owned = new WeakMap<CelList, unknown[]>();

export const accumulatorFuncs: CelFunc[] = [
  celFunc(APPEND, [LIST, LIST], LIST, (acc, tail) => {
    const items = owned.get(acc);
    if (items) {
      for (const x of tail) items.push(x);
      return acc;
    }
    const fresh = [...acc, ...tail];
    const list = celList(fresh as never);
    owned.set(list, fresh);
    return list;
  }),
];
