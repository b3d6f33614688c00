/**
 * Where the authenticators get their CAs and header names: the
 * `kube-system/extension-apiserver-authentication` ConfigMap that
 * kube-apiserver publishes (watched, and re-listed every minute like kube's
 * controllers), with file and list flags taking precedence (wire-spec §9.3).
 * Every change builds new config objects, so CA rotation takes effect on the
 * next request without a restart.
 */
import { readFileSync } from "node:fs";
import type { ClusterConnection } from "../cluster/connection.js";
import { INFORMER_RESYNC_MS, Informer } from "../cluster/informer.js";
import type { ConfigMap } from "../cluster/reviews.js";
import type { ClientCertConfig } from "./client-cert.js";
import type { RequestHeaderConfig } from "./request-header.js";
import { parseCABundle } from "./x509-verify.js";

export const AUTHENTICATION_CONFIGMAP = { namespace: "kube-system", name: "extension-apiserver-authentication" };

/** The authentication flags; undefined = not given (the ConfigMap decides). */
export interface AuthenticationFlags {
  clientCAFile?: string;
  requestheaderClientCAFile?: string;
  requestheaderAllowedNames?: string[];
  requestheaderUsernameHeaders?: string[];
  requestheaderUIDHeaders?: string[];
  requestheaderGroupHeaders?: string[];
  requestheaderExtraHeadersPrefix?: string[];
}

/** kube's defaults for the delegating options when the request-header CA comes from a file. */
const HEADER_DEFAULTS = {
  usernameHeaders: ["x-remote-user"],
  uidHeaders: ["x-remote-uid"],
  groupHeaders: ["x-remote-group"],
  extraHeaderPrefixes: ["x-remote-extra-"],
};

export interface AuthenticationConfigOptions {
  flags: AuthenticationFlags;
  /** The --authentication-kubeconfig connection; null = no ConfigMap (flags only). */
  connection: ClusterConnection | null;
  /** Re-list period of the ConfigMap; kube uses one minute. */
  resyncMs?: number;
  /** How often CA files given by flag are re-read. */
  fileReloadMs?: number;
  onError?: (err: unknown) => void;
}

/** ConfigMap values are JSON string arrays (requestheader_controller.go deserializeStrings). */
function jsonStrings(value: string | undefined): string[] | undefined {
  if (value === undefined || value === "") return undefined;
  const parsed: unknown = JSON.parse(value);
  if (parsed === null) return [];
  if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === "string")) throw new Error(`not a JSON string array: ${value}`);
  return parsed;
}

export class AuthenticationConfigSource {
  private data: Record<string, string> = {};
  private files = new Map<string, string>();
  private requestHeaderConfig?: RequestHeaderConfig;
  private clientCertConfig?: ClientCertConfig;
  private clientCAPem = "";
  private informer?: Informer<ConfigMap>;
  private fileTimer?: NodeJS.Timeout;
  private readonly listeners: Array<() => void> = [];
  private started = false;

  constructor(private readonly options: AuthenticationConfigOptions) {}

  /**
   * Loads files and waits (up to `timeoutMs`) for the first read of the
   * ConfigMap. False when there is a cluster but the ConfigMap could not be
   * read or does not exist (the informer keeps trying in the background).
   */
  async start(timeoutMs = 10_000): Promise<boolean> {
    this.reloadFiles();
    const reloadMs = this.options.fileReloadMs ?? 60_000;
    if (this.fileNames().length) {
      this.fileTimer = setInterval(() => this.reloadFiles(), reloadMs);
      this.fileTimer.unref();
    }
    this.started = true;
    this.rebuild();
    const conn = this.options.connection;
    if (!conn) return true;
    this.informer = new Informer<ConfigMap>({
      connection: conn,
      path: `/api/v1/namespaces/${AUTHENTICATION_CONFIGMAP.namespace}/configmaps`,
      query: { fieldSelector: `metadata.name=${AUTHENTICATION_CONFIGMAP.name}` },
      resyncMs: this.options.resyncMs ?? INFORMER_RESYNC_MS,
      onChange: (items) => {
        const next = items.get(AUTHENTICATION_CONFIGMAP.name)?.data ?? {};
        if (JSON.stringify(next) === JSON.stringify(this.data)) return;
        this.data = next;
        this.rebuild();
      },
      onError: this.options.onError,
    }).start();
    const synced = await this.informer.waitForSync(timeoutMs);
    return synced && this.informer.get(AUTHENTICATION_CONFIGMAP.name) !== undefined;
  }

  stop(): void {
    this.informer?.stop();
    if (this.fileTimer) clearInterval(this.fileTimer);
  }

  requestHeader(): RequestHeaderConfig | undefined {
    return this.requestHeaderConfig;
  }

  clientCert(): ClientCertConfig | undefined {
    return this.clientCertConfig;
  }

  /**
   * Both CA bundles concatenated: what the serving layer should advertise as
   * acceptable client CAs in the TLS handshake (Go clients, the aggregator
   * included, only send a certificate the server says it accepts).
   */
  clientCABundle(): string {
    return this.clientCAPem;
  }

  /** Called after every configuration change (e.g. to refresh the TLS context's CA list). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private fileNames(): string[] {
    const f = this.options.flags;
    return [f.clientCAFile, f.requestheaderClientCAFile].filter((p): p is string => !!p);
  }

  private reloadFiles(): void {
    let changed = false;
    for (const file of this.fileNames()) {
      try {
        const content = readFileSync(file, "utf8");
        if (this.files.get(file) !== content) {
          this.files.set(file, content);
          changed = true;
        }
      } catch (err) {
        this.options.onError?.(err);
      }
    }
    if (changed && this.started) this.rebuild();
  }

  private rebuild(): void {
    const f = this.options.flags;
    const clientPem = f.clientCAFile ? this.files.get(f.clientCAFile) : this.data["client-ca-file"];
    const fromFile = !!f.requestheaderClientCAFile;
    const rhPem = fromFile ? this.files.get(f.requestheaderClientCAFile!) : this.data["requestheader-client-ca-file"];
    const fromMap = (key: string, fallback: string[]): string[] => {
      if (fromFile) return fallback;
      try {
        return jsonStrings(this.data[key]) ?? [];
      } catch (err) {
        this.options.onError?.(err);
        return [];
      }
    };
    this.clientCertConfig = clientPem ? { caCerts: parseCABundle(clientPem) } : undefined;
    this.requestHeaderConfig = rhPem
      ? {
          caCerts: parseCABundle(rhPem),
          allowedNames: f.requestheaderAllowedNames ?? fromMap("requestheader-allowed-names", []),
          usernameHeaders: f.requestheaderUsernameHeaders ?? fromMap("requestheader-username-headers", HEADER_DEFAULTS.usernameHeaders),
          uidHeaders: f.requestheaderUIDHeaders ?? fromMap("requestheader-uid-headers", HEADER_DEFAULTS.uidHeaders),
          groupHeaders: f.requestheaderGroupHeaders ?? fromMap("requestheader-group-headers", HEADER_DEFAULTS.groupHeaders),
          extraHeaderPrefixes: f.requestheaderExtraHeadersPrefix ?? fromMap("requestheader-extra-headers-prefix", HEADER_DEFAULTS.extraHeaderPrefixes),
        }
      : undefined;
    this.clientCAPem = [clientPem, rhPem].filter(Boolean).join("\n");
    for (const listener of this.listeners) listener();
  }
}
