/**
 * The ordered admission chain: all mutating stages in plugin order, then all
 * validating stages in plugin order (kube's admission.chainAdmissionHandler,
 * run by the handlers as "mutating admission" before and "validating
 * admission" after the strategy's validation). The first rejection stops it.
 */
import { admissionForbidden } from "./errors.js";
import type { AdmissionAttributes, AdmissionPlugin, Operation } from "./types.js";

const DEFAULT_OPERATIONS: Operation[] = ["CREATE", "UPDATE", "DELETE"];

function handles(plugin: AdmissionPlugin, attrs: AdmissionAttributes): boolean {
  if (!(plugin.operations ?? DEFAULT_OPERATIONS).includes(attrs.operation)) return false;
  if (!plugin.resources) return true;
  const { resource, subresource } = attrs.resource;
  return plugin.resources.includes(subresource ? `${resource}/${subresource}` : resource);
}

export class AdmissionChain {
  readonly plugins: readonly AdmissionPlugin[];

  constructor(plugins: readonly AdmissionPlugin[]) {
    const seen = new Set<string>();
    for (const p of plugins) {
      if (seen.has(p.name)) throw new Error(`admission plugin "${p.name}" is registered twice`);
      seen.add(p.name);
    }
    this.plugins = plugins;
  }

  /** Mutating stage; throws the StatusError to send. */
  async mutate(attrs: AdmissionAttributes): Promise<void> {
    for (const plugin of this.plugins) {
      if (!plugin.mutate || !handles(plugin, attrs)) continue;
      try {
        await plugin.mutate(attrs);
      } catch (err) {
        throw admissionForbidden(attrs, err);
      }
    }
  }

  /** Validating stage; throws the StatusError to send. */
  async validate(attrs: AdmissionAttributes): Promise<void> {
    for (const plugin of this.plugins) {
      if (!plugin.validate || !handles(plugin, attrs)) continue;
      try {
        await plugin.validate(attrs);
      } catch (err) {
        throw admissionForbidden(attrs, err);
      }
    }
  }

  /** Both stages, for handlers without a validation step in between. */
  async admit(attrs: AdmissionAttributes): Promise<void> {
    await this.mutate(attrs);
    await this.validate(attrs);
  }
}

/**
 * The plugins a user's admission module exports: `plugins` (an array), or a
 * default export (array or single plugin). Checks the shape so a typo fails at
 * startup, naming the file, instead of silently admitting everything.
 */
export function pluginsFrom(exported: unknown, file: string): AdmissionPlugin[] {
  const list = Array.isArray(exported) ? exported : exported ? [exported] : [];
  for (const p of list) {
    const ok = p && typeof p === "object" && typeof (p as AdmissionPlugin).name === "string" &&
      (typeof (p as AdmissionPlugin).mutate === "function" || typeof (p as AdmissionPlugin).validate === "function");
    if (!ok) throw new Error(`${file}: every admission plugin needs a name and a mutate or validate function`);
  }
  return list as AdmissionPlugin[];
}
