/**
 * cel-go's sets extension (ext/sets.go), which Kubernetes enables since
 * 1.29: `sets.contains(a, b)` (every element of b is in a),
 * `sets.equivalent(a, b)` (each contains the other) and
 * `sets.intersects(a, b)` (an element in both), with CEL equality.
 */
import { CelScalar, listType, type CelFunc, type CelList } from "@bufbuild/cel";
import { celEquals, opaqueFunc } from "./cel-values.js";

const LIST = listType(CelScalar.DYN);
const BOOL = CelScalar.BOOL;

function contains(list: CelList, sublist: CelList): boolean {
  const items = [...list];
  return [...sublist].every((x) => items.some((y) => celEquals(x, y)));
}

export const setsFuncs: CelFunc[] = [
  opaqueFunc("sets.contains", undefined, [LIST, LIST], BOOL, contains),
  opaqueFunc("sets.equivalent", undefined, [LIST, LIST], BOOL, (a: CelList, b: CelList) => contains(a, b) && contains(b, a)),
  opaqueFunc("sets.intersects", undefined, [LIST, LIST], BOOL, (a: CelList, b: CelList) => [...a].some((x) => [...b].some((y) => celEquals(x, y)))),
];
