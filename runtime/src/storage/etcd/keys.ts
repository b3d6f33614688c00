/**
 * Storage keys <-> etcd keys. Registry keys are `/<group>/<resource>/<ns>/<name>`;
 * Kubernetes lays objects out as `<prefix>/<resource>/<ns>/<name>` where the prefix
 * already names the group (`/registry/shop.example.com`). So the group segment is dropped when
 * it equals the prefix's last segment, and kept (as `<prefix>/<group>/...`) otherwise.
 * The mapping is invertible because API groups contain dots and resource names never do.
 */
export class KeyMapper {
  private readonly group: string | undefined;

  constructor(readonly prefix: string) {
    this.prefix = prefix.replace(/\/+$/, "");
    const last = this.prefix.slice(this.prefix.lastIndexOf("/") + 1);
    this.group = last.includes(".") ? last : undefined;
  }

  toEtcd(key: string): string {
    if (this.group && key.startsWith(`/${this.group}/`)) return this.prefix + key.slice(this.group.length + 1);
    if (this.group && key === `/${this.group}`) return this.prefix;
    return this.prefix + key;
  }

  fromEtcd(etcdKey: string): string {
    const rest = etcdKey.slice(this.prefix.length);
    if (!this.group) return rest;
    const first = rest.split("/")[1] ?? "";
    return first.includes(".") ? rest : `/${this.group}${rest}`;
  }

  /** The etcd range covering everything this store owns. */
  get root(): string {
    return this.prefix + "/";
  }
}
