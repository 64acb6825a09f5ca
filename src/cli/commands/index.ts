// Every `payload-bench` command: its one-line summary and where its code lives. A command
// module either exports `run(argv, name)` resolving with the exit code, or is a script that
// reads process.argv and sets the exit code when imported (`script: true`; it also runs
// directly: node --import tsx src/cli/commands/<name>.ts). Loaded on demand, so
// `payload-bench formats` loads no server.

export interface CommandModule {
  run?(argv: readonly string[], name: string): Promise<number | undefined>;
}

export interface CommandEntry {
  summary: string;
  /** Takes --format-module (plug-in formats are loaded before the command runs). */
  formatModules: boolean;
  /** The module is a script: it runs on import, reading process.argv. */
  script?: boolean;
  load(): Promise<object>;
}

export const COMMANDS = {
  bench: {
    summary: 'measure every format x codec: bytes, encode/compress/decompress/decode CPU; writes results/',
    formatModules: true,
    script: true,
    load: () => import('./bench.js'),
  },
  e2e: {
    summary: 'end-to-end load test against the stub server or a real TF Serving',
    formatModules: true,
    script: true,
    load: () => import('./e2e.js'),
  },
  serve: {
    summary: 'the stub TF Serving server (gRPC + REST)',
    formatModules: false,
    script: true,
    load: () => import('./serve.js'),
  },
  dump: {
    summary: 'write the exact request bytes of one format (and codec) to a file',
    formatModules: true,
    script: true,
    load: () => import('./dump.js'),
  },
  formats: { summary: 'list formats and codecs', formatModules: true, load: () => import('./formats.js') },
  report: {
    summary: 'render charts, summary, HTML and exports from a results file',
    formatModules: false,
    script: true,
    load: () => import('./report.js'),
  },
  check: {
    summary: 'compare results with a baseline: the CI regression gate',
    formatModules: true,
    script: true,
    load: () => import('./check.js'),
  },
  scenario: {
    summary: 'infer a scenario from recorded requests, or show one',
    formatModules: true,
    script: true,
    load: () => import('./scenario.js'),
  },
  export: {
    summary: "write payloads, a manifest and an Artillery script to run them on Artillery's runners",
    formatModules: true,
    load: () => import('./export.js'),
  },
} satisfies Record<string, CommandEntry>;

export type CommandName = keyof typeof COMMANDS;
