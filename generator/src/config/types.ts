/**
 * The project configuration: `skai-gen.config.json` at the project root, or a
 * `"skai-gen"` field in the project's package.json (not both). Every name the
 * output carries comes from here; what is left out is derived from the
 * generated package's name and the API's groups (config/resolve.ts), never
 * from a fixed product name. The JSON schema users' editors read is
 * generator/config.schema.json; a test keeps it and these types in step.
 */
export interface ProjectConfig {
  /** Folder of `<group>/<version>/*.ts` definitions, relative to the project root. Default `definitions`. */
  definitions?: string;
  /** Folder of the generated package, relative to the project root. Default `generated`. */
  out?: string;
  package?: {
    /** npm name of the generated package. Default `<first label of the first group>-api` (`shop.example.com` -> `shop-api`). */
    name?: string;
    /** Its version. Default `0.1.0`. */
    version?: string;
    /** false makes the generated package publishable. Default true. */
    private?: boolean;
  };
  client?: {
    /** The typed client's class. Default `<Base>Client` (`@shop/api` -> `ShopClient`). */
    className?: string;
    /** The client's User-Agent product. Default `<base>-client`. */
    userAgent?: string;
  };
  server?: {
    /** The server's bin (package.json `bin`, the image's entrypoint). Default `<base>-apiserver`. */
    bin?: string;
    /**
     * The project's own server entry (TypeScript), relative to the project root,
     * for an API with extensions (admission plugins, log/exec providers,
     * conversion functions): it starts the serving thread on a module that calls
     * `serve` from the generated package's `./server` with them (docs/extensions.md).
     * Absent: the generated package's bin is the server.
     */
    main?: string;
    /** Folder of local state (SQLite, certificates, kubeconfig) when run outside a cluster. Default `.<base>`. */
    stateDir?: string;
    /** Default `--etcd-prefix`. Default `/registry/<group>` for one group, `/registry` for several. */
    etcdPrefix?: string;
    /** Context and cluster name in the admin kubeconfig the server writes. Default `<base>`. */
    kubeconfigContext?: string;
  };
  kubectlPlugin?: {
    /** `kubectl <name> logs|exec` (bin `kubectl-<name>`), emitted only when some kind has log or exec. Default `<base>`. */
    name?: string;
  };
  deployment?: {
    /** Namespace of the manifests. Default `<base>-system`. */
    namespace?: string;
    /** Image reference in the manifests. Default `<base>-apiserver:<package version>`. */
    image?: string;
  };
  compat?: {
    /** Baseline of `skai-gen compat` (a git ref such as `origin/main`); `generate` then prints a one-line summary. */
    against?: string;
    /** true: breaking changes in alpha versions pass (Kubernetes' rules: alpha may break). Default false. */
    alphaMayBreak?: boolean;
  };
}

/** The configuration with every default filled in; absolute paths. */
export interface ResolvedConfig {
  /** Folder holding the configuration (or the working directory when there is none). */
  projectRoot: string;
  /** The file the configuration came from, for messages; absent when defaults only. */
  source?: string;
  definitionsDir: string;
  outDir: string;
  /** Short name the defaults derive from: `@shop/api` -> `shop`, `shop-api` -> `shop`. */
  baseName: string;
  packageName: string;
  packageVersion: string;
  packagePrivate: boolean;
  clientClass: string;
  clientUserAgent: string;
  serverBin: string;
  /** Absolute path of the project's own server entry, when the API has extensions. */
  serverMain?: string;
  stateDir: string;
  etcdPrefix: string;
  kubeconfigContext: string;
  kubectlPlugin: string;
  namespace: string;
  image: string;
}

/** What the emitters read of the configuration: names only, no paths of this machine. */
export type OutputNames = Omit<ResolvedConfig, "projectRoot" | "source" | "definitionsDir" | "outDir" | "serverMain"> & {
  /** The project's server entry relative to the project root (`server/main.ts`), when there is one. */
  serverMain?: string;
  /** The generated package's folder relative to the project root (`generated`). */
  outDir: string;
};
