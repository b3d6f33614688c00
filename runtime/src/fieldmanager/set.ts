/**
 * A set of field paths (fieldpath.Set): at each level the path elements that are
 * members, and the children sets of elements with members below them. An element
 * can be both (a list item owned as a whole and field by field).
 */
import { comparePE } from "./pathelement.js";

export class FieldSet {
  readonly members = new Set<string>();
  readonly children = new Map<string, FieldSet>();

  static of(...paths: string[][]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: readonly string[]): void {
    if (path.length === 0) return;
    let s: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) s = s.child(path[i]);
    s.members.add(path[path.length - 1]);
  }

  has(path: readonly string[]): boolean {
    let s: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && s; i++) s = s.children.get(path[i]);
    return !!s && path.length > 0 && s.members.has(path[path.length - 1]);
  }

  child(pe: string): FieldSet {
    let c = this.children.get(pe);
    if (!c) this.children.set(pe, (c = new FieldSet()));
    return c;
  }

  empty(): boolean {
    if (this.members.size) return false;
    for (const c of this.children.values()) if (!c.empty()) return false;
    return true;
  }

  clone(): FieldSet {
    return this.union(new FieldSet());
  }

  union(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const m of o.members) out.members.add(m);
    for (const [pe, a] of this.children) {
      const b = o.children.get(pe);
      const u = b ? a.union(b) : a.clone();
      if (!u.empty()) out.children.set(pe, u);
    }
    for (const [pe, b] of o.children) {
      if (this.children.has(pe)) continue;
      const u = b.clone();
      if (!u.empty()) out.children.set(pe, u);
    }
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (o.members.has(m)) out.members.add(m);
    for (const [pe, a] of this.children) {
      const b = o.children.get(pe);
      if (!b) continue;
      const i = a.intersection(b);
      if (!i.empty()) out.children.set(pe, i);
    }
    return out;
  }

  /** Paths of this set that are not in `o` (members only: children of o's members stay). */
  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!o.members.has(m)) out.members.add(m);
    for (const [pe, a] of this.children) {
      const b = o.children.get(pe);
      const d = b ? a.difference(b) : a.clone();
      if (!d.empty()) out.children.set(pe, d);
    }
    return out;
  }

  /** Like difference, and also drops everything below a member of `o`. */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!o.members.has(m)) out.members.add(m);
    for (const [pe, a] of this.children) {
      if (o.members.has(pe)) continue;
      const b = o.children.get(pe);
      const d = b ? a.recursiveDifference(b) : a.clone();
      if (!d.empty()) out.children.set(pe, d);
    }
    return out;
  }

  /**
   * EnsureNamedFieldsAreMembers: a field with owned fields below it counts as owned
   * itself, so pruning never removes a struct that someone still has fields in.
   */
  withNamedFieldsAsMembers(): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const [pe, c] of this.children) {
      const n = c.withNamedFieldsAsMembers();
      if (n.empty()) continue;
      out.children.set(pe, n);
      if (pe.startsWith("f:")) out.members.add(pe);
    }
    return out;
  }

  /** Every member path, members of a level before its children, in path element order. */
  paths(prefix: string[] = []): string[][] {
    const out: string[][] = [];
    for (const m of [...this.members].sort(comparePE)) out.push([...prefix, m]);
    for (const pe of [...this.children.keys()].sort(comparePE)) out.push(...this.children.get(pe)!.paths([...prefix, pe]));
    return out;
  }

  equals(o: FieldSet): boolean {
    return this.difference(o).empty() && o.difference(this).empty();
  }
}
