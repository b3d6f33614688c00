/**
 * The kubectl plugin's command line, in kubectl's own flag spellings so
 * `kubectl <plugin> logs` and `kubectl <plugin> exec` read like `kubectl logs`/`exec`.
 */
export interface PluginArgs {
  command: "logs" | "exec" | "help";
  /** TYPE/NAME or TYPE NAME */
  target: string[];
  namespace?: string;
  kubeconfig?: string;
  context?: string;
  container?: string;
  // logs
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tail?: number;
  since?: string;
  limitBytes?: number;
  // exec
  stdin: boolean;
  tty: boolean;
  /** What follows `--`. */
  execCommand: string[];
}

const VALUE_FLAGS: Record<string, keyof PluginArgs> = {
  "-n": "namespace",
  "--namespace": "namespace",
  "--kubeconfig": "kubeconfig",
  "--context": "context",
  "-c": "container",
  "--container": "container",
  "--tail": "tail",
  "--since": "since",
  "--limit-bytes": "limitBytes",
};

const BOOL_FLAGS: Record<string, "follow" | "previous" | "timestamps" | "stdin" | "tty"> = {
  f: "follow",
  p: "previous",
  i: "stdin",
  t: "tty",
  "--follow": "follow",
  "--previous": "previous",
  "--timestamps": "timestamps",
  "--stdin": "stdin",
  "--tty": "tty",
};

export function parsePluginArgs(argv: string[]): PluginArgs {
  const out: PluginArgs = { command: "help", target: [], follow: false, previous: false, timestamps: false, stdin: false, tty: false, execCommand: [] };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      out.execCommand = argv.slice(i + 1);
      break;
    }
    if (a === "-h" || a === "--help") {
      out.command = "help";
      return out;
    }
    const eq = a.indexOf("=");
    const name = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    if (name in VALUE_FLAGS) {
      const value = a.startsWith("--") && eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new Error(`flag needs an argument: ${name}`);
      const key = VALUE_FLAGS[name];
      if (key === "tail" || key === "limitBytes") {
        if (!/^-?\d+$/.test(value)) throw new Error(`invalid argument "${value}" for "${name}" flag`);
        (out[key] as number | undefined) = Number(value);
      } else (out[key] as string | undefined) = value;
      continue;
    }
    if (a.startsWith("--")) {
      const flag = BOOL_FLAGS[name];
      if (!flag) throw new Error(`unknown flag: ${name}`);
      out[flag] = eq > 0 ? a.slice(eq + 1) !== "false" : true;
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      // Bundled short booleans: -it, -f
      for (const ch of a.slice(1)) {
        const flag = BOOL_FLAGS[ch];
        if (!flag) throw new Error(`unknown shorthand flag: '${ch}' in ${a}`);
        out[flag] = true;
      }
      continue;
    }
    rest.push(a);
  }
  const [cmd, ...target] = rest;
  if (cmd === "logs" || cmd === "log") out.command = "logs";
  else if (cmd === "exec") out.command = "exec";
  else if (cmd !== undefined) throw new Error(`unknown command "${cmd}"`);
  out.target = target;
  if (out.tail !== undefined && out.tail < 0) delete out.tail; // kubectl: -1 = all lines
  return out;
}
