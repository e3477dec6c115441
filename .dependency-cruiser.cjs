// Layers of headroom, checked by `npm run check:layers` (dependency-cruiser): side effects at
// the edges, a pure middle.
//
// The pure middle takes plain data and returns plain data: ingest after the file read, features,
// models, evaluate, capacity, schedule, simulate, the pipeline and the pure helpers in util/. It
// may not import the edges (commands, report writers and charts, targets, fleet, config, the CLI,
// the modules that read files) nor Node's file, process and network modules nor the cloud,
// Kubernetes and chart clients. And no module may take part in an import cycle.

/** The pure middle. */
const PURE = [
  '^src/(features|models|evaluate|capacity|schedule|simulate|data|settings)/',
  '^src/ingest/',
  '^src/util/',
  '^src/(pipeline|types|errors|exit-codes)[.]ts$',
];

/** Modules that read files, and so belong to the edge although they sit in ingest/ and util/. */
const READERS = [
  // source.ts opens (and gunzips) the CSV; read-csv.ts streams it through the parser;
  // index.ts (loadSeries) drives both; events-file.ts reads an events CSV for features/events.ts.
  '^src/ingest/(source|read-csv|index|events-file)[.]ts$',
  // files.ts reads and checks files and makes folders; scratch.ts makes and removes temp
  // folders; interrupt.ts writes to stderr on a signal while a push is applying.
  '^src/util/(files|scratch|interrupt)[.]ts$',
];

/** The effectful edges the pure middle may not import. */
const EDGES = [
  '^src/(commands|report|targets|fleet|config)/',
  '^src/(cli|index)[.]ts$',
  ...READERS,
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Import cycles make load order matter and blur which module owns what: move what both ' +
        'modules need into a third one.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'only-the-cli-uses-commands',
      severity: 'error',
      comment:
        'Commands parse options, call the run layer, print: nothing below them may call one. ' +
        'Fleets and push call the run layer (src/run/) and write with src/report/.',
      from: { path: '^src/', pathNot: ['^src/commands/', '^src/cli[.]ts$', '^src/index[.]ts$'] },
      to: { path: '^src/commands/' },
    },
    {
      name: 'pure-not-to-edges',
      severity: 'error',
      comment:
        'The pure middle takes data and returns data: pass it what an edge module reads or ' +
        'writes, or move the helper it needs (formatting, figures) into the middle (e.g. src/util/format.ts).',
      from: { path: PURE, pathNot: READERS },
      to: { path: EDGES },
    },
    {
      name: 'pure-not-to-io-builtins',
      severity: 'error',
      comment:
        'No file, process or network access in the pure middle: read at the edge and pass the text.',
      from: {
        path: PURE,
        pathNot: [
          ...READERS,
          // Exempt: mstl.ts loads the WASM binary that @bsull/augurs ships next to its JS
          // (readFileSync of node_modules/@bsull/augurs/*_bg.wasm), i.e. it loads a library,
          // not user data; there is no reader to move to the edge.
          '^src/models/mstl[.]ts$',
        ],
      },
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(fs|fs/promises|child_process|http|https|http2|net|tls|dgram)$',
      },
    },
    {
      name: 'pure-not-to-clients',
      severity: 'error',
      comment:
        'The AWS and Kubernetes clients belong in src/targets/, the chart libraries in src/report/.',
      from: { path: PURE, pathNot: READERS },
      to: {
        path: 'node_modules/(@aws-sdk|@smithy|@kubernetes|@kubernetes-models|kubernetes-models|@napi-rs/canvas|chart[.]js|chartjs-adapter-luxon|@fontsource)/',
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count too: a cycle of types is still a cycle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
