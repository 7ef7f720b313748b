// Layer rules: imports point inward (model at the centre, cli at the edge) and no folder imports a folder
// that imports it back. `npm run lint:layers` checks them, and `npm test` runs it.
const SDKS = '^node_modules/(@azure|@microsoft|@okta|ldapts)';

/**
 * Each folder under src/ and the folders it may import (besides itself, src/errors.ts and, except for
 * model, the dependency-free helpers in src/util).
 */
const allowed = {
  model: [],
  util: [],
  diff: ['model'],
  mapping: ['model'],
  log: [],
  secret: ['log'],
  scim: ['model', 'log'],
  emulator: ['scim', 'model', 'log'],
  sources: ['model', 'log', 'secret', 'mapping'],
  state: ['model', 'log', 'sources'],
  config: ['model', 'log', 'secret', 'sources', 'mapping'],
  apply: ['model', 'diff', 'scim', 'log'],
  sync: ['model', 'diff', 'scim', 'log', 'apply', 'sources', 'state', 'config'],
  queue: ['model', 'diff', 'scim', 'log', 'apply', 'config', 'state'],
  ops: ['model', 'log', 'sync'],
  webhook: ['model', 'log', 'config', 'queue', 'sync', 'sources', 'state', 'secret', 'ops'],
  cli: ['*'],
};

const layerRules = Object.entries(allowed)
  .filter(([, to]) => !to.includes('*'))
  .map(([from, to]) => ({
    name: `layer-${from}`,
    comment: `src/${from} may import only ${to.length ? to.map((t) => `src/${t}`).join(', ') : 'nothing of ours'}`,
    severity: 'error',
    from: { path: `^src/${from}/` },
    to: {
      path: '^src/',
      pathNot: [
        `^src/${from}/`,
        '^src/errors\\.ts$',
        ...(from === 'model' ? [] : ['^src/util/']),
        ...to.map((t) => `^src/${t}/`),
      ],
    },
  }));

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'sdk-only-in-its-source',
      comment: 'vendor SDKs live only in src/sources/<kind>/',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/sources/(entra|okta|ldap)/' },
      to: { path: SDKS },
    },
    {
      name: 'source-kinds-are-independent',
      comment: 'one source kind never imports another',
      severity: 'error',
      from: { path: '^src/sources/([^/]+)/' },
      to: { path: '^src/sources/([^/]+)/', pathNot: '^src/sources/$1/' },
    },
    {
      name: 'cli-is-the-composition-root',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'production-never-imports-tests',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$|test-support\\.ts$' },
      to: { path: '\\.test\\.ts$|test-support\\.ts$|^test/' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|test-support\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
