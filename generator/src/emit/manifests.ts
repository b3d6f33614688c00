/**
 * Deployable manifests (`manifests/` in the generated package): everything
 * `kubectl apply -k generated/manifests` needs to run the server behind
 * kube-apiserver's aggregation layer (one replica on SQLite on a PersistentVolumeClaim),
 * plus optional components: cert-manager, and high availability (replicas on etcd).
 * The view is computed in manifests/view.ts; the Handlebars templates in
 * `templates/manifests/` lay it out. Certificates cannot be made here (the
 * emitter is pure and deterministic): they come in through
 * `EmitContext.certificates`, read or made by the command (commands/certificates.ts).
 */
import Handlebars from "handlebars";
import type { EmittedFile } from "../codegen/file.js";
import type { ApiModel } from "../model/types.js";
import type { EmitContext, Emitter } from "./emitter.js";
import { manifestView } from "./manifests/view.js";
import { template as templateText, type Templates } from "../templates.js";

const FILES: Array<[template: string, output: string, language: EmittedFile["language"]]> = [
  ["kustomization.yaml.hbs", "kustomization.yaml", "yaml"],
  ["namespace.yaml.hbs", "namespace.yaml", "yaml"],
  ["serviceaccount.yaml.hbs", "serviceaccount.yaml", "yaml"],
  ["delegation-rbac.yaml.hbs", "delegation-rbac.yaml", "yaml"],
  ["user-roles.yaml.hbs", "user-roles.yaml", "yaml"],
  ["serving-cert.yaml.hbs", "serving-cert.yaml", "yaml"],
  ["statefulset.yaml.hbs", "statefulset.yaml", "yaml"],
  ["service.yaml.hbs", "service.yaml", "yaml"],
  ["apiservices.yaml.hbs", "apiservices.yaml", "yaml"],
  ["high-availability/kustomization.yaml.hbs", "high-availability/kustomization.yaml", "yaml"],
  ["high-availability/etcd-endpoints.yaml.hbs", "high-availability/etcd-endpoints.yaml", "yaml"],
  ["high-availability/pdb.yaml.hbs", "high-availability/pdb.yaml", "yaml"],
  ["cert-manager/kustomization.yaml.hbs", "cert-manager/kustomization.yaml", "yaml"],
  ["cert-manager/issuer.yaml.hbs", "cert-manager/issuer.yaml", "yaml"],
  ["cert-manager/certificate.yaml.hbs", "cert-manager/certificate.yaml", "yaml"],
  ["README.md.hbs", "README.md", "markdown"],
];

const compiled = new WeakMap<Templates, Map<string, Handlebars.TemplateDelegate>>();

function templates(source: Templates): Map<string, Handlebars.TemplateDelegate> {
  const cached = compiled.get(source);
  if (cached) return cached;
  const hb = Handlebars.create();
  // A JSON string is a valid YAML scalar: quoting and escaping in one helper.
  hb.registerHelper("json", (value: unknown) => JSON.stringify(value ?? ""));
  hb.registerHelper("concat", (...args: unknown[]) => args.slice(0, -1).join(""));
  hb.registerPartial("labels", templateText(source, "manifests/labels.hbs"));
  const byName = new Map(FILES.map(([t]) => [t, hb.compile(templateText(source, `manifests/${t}`), { noEscape: true, strict: false })]));
  compiled.set(source, byName);
  return byName;
}

/** The manifests for `model`; `certificates` fills the Secret and every caBundle. */
export function emitManifests(model: ApiModel, ctx: EmitContext): EmittedFile[] {
  const view = manifestView(model, ctx.names, ctx.certificates);
  const t = templates(ctx.templates);
  return FILES.map(([template, output, language]) => ({
    path: `manifests/${output}`,
    content: t.get(template)!(view),
    language,
  }));
}

export const manifestsEmitter: Emitter = {
  name: "manifests",
  description: "Kubernetes manifests (kustomize) to run the server behind the aggregation layer",
  emit: emitManifests,
};
