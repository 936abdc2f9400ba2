/**
 * Import layers of BEMS, checked by `npm run deps` (dependency-cruiser) in `.ci/run`.
 * CONTRIBUTING.md has the module map these rules enforce. From the bottom up:
 *
 *   schemas/      contracts: imports nothing of the project
 *   clients/      clients of the cell API for upstream systems: schemas/ only; imported only from the top
 *   handlers/     Lambda code: schemas/, handlers/shared/ and the handler's own folder
 *   runtimes/     what runs a handler outside Lambda (the Fargate poller) and the SQS batch plumbing it
 *                 shares with the local cell: schemas/, handlers/ and itself; used only from the top
 *   cells/        CDK + cell definition: never local/, ops/, load-tests/ (reads dashboards' definitions)
 *   dashboards/   never local/, ops/, load-tests/
 *   local/ ops/ load-tests/   on top: may import any layer below
 *   test/         may import anything
 *
 * Paths are relative to the repository root. Type-only imports count too (swc reports them): a type
 * that crosses a layer is a contract and belongs in schemas/.
 */

/** Folders that belong to the project; anything else (npm packages, node: builtins) is not checked. */
const PROJECT = '^(schemas|clients|handlers|runtimes|cells|dashboards|local|ops|load-tests|test|scripts)/';

/** The layers that sit on top: nothing below them may import them. */
const TOP_LAYERS = '^(local|ops|load-tests)/';

/**
 * A rule: modules under `from` may import, of the project, only the folders of `allowed` (a `$1`
 * in them is what the first group of `from` matched, e.g. the module's own folder).
 * @returns {import('dependency-cruiser').IForbiddenRuleType}
 */
function mayImportOnly(name, comment, from, allowed) {
  return { name, comment, severity: 'error', from: { path: from }, to: { path: PROJECT, pathNot: allowed } };
}

/**
 * A rule: `folder/` is imported only by itself, the top layers and the tests.
 * @returns {import('dependency-cruiser').IForbiddenRuleType}
 */
function usedOnlyFromTheTop(name, folder, comment) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: PROJECT, pathNot: [`^${folder}/`, '^(local|ops|load-tests|test)/'] },
    to: { path: `^${folder}/` },
  };
}

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other cannot be understood, tested or moved one at a time.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'schemas-import-nothing',
      comment: 'schemas/ holds the contracts both sides of a boundary import, so it depends on no other layer.',
      severity: 'error',
      from: { path: '^schemas/' },
      to: { path: PROJECT, pathNot: '^schemas/' },
    },
    mayImportOnly(
      'clients-import-schemas-only',
      'A client (clients/producer/) is what an upstream system would copy: the API contract (schemas/ and ' +
        'its own generated types), nothing of the cell behind the API.',
      '^clients/([^/]+)/',
      ['^schemas/', '^clients/$1/'],
    ),
    usedOnlyFromTheTop(
      'clients-used-from-the-top',
      'clients',
      'Clients call the API from outside: only the top layers and the tests use them, never the cell itself.',
    ),
    mayImportOnly(
      'handlers-import-schemas-and-shared-only',
      'A Lambda bundles only what it imports: schemas/, handlers/shared/ and its own code ' +
        '(handlers/<name>.ts with handlers/<name>/). Nothing in handlers/ knows whether it runs locally.',
      '^handlers/([^/.]+)',
      ['^schemas/', '^handlers/shared/', '^handlers/$1(/|[.]ts$)'],
    ),
    mayImportOnly(
      'runtimes-import-handlers-and-schemas-only',
      'A runtime (runtimes/fargatePoller/) is bundled into a container image with the handler it runs: ' +
        'it may use schemas/, handlers/ and runtimes/, never the CDK or the local cell.',
      '^runtimes/',
      ['^schemas/', '^handlers/', '^runtimes/'],
    ),
    usedOnlyFromTheTop(
      'runtimes-used-from-the-top',
      'runtimes',
      'The handlers do not know where they run; only the local cell and the tests start a runtime.',
    ),
    {
      name: 'cells-and-dashboards-not-on-top-layers',
      comment:
        'The CDK app and the cell definition are read by the local cell and the CLI, never the reverse ' +
        '(cells/ may import dashboards/: its pure definitions build QuickSight). Dashboard definitions and ' +
        'queries serve both the local page and QuickSight, so they cannot depend on the local cell (which ' +
        'serves them), the CLI or the load tests either.',
      severity: 'error',
      from: { path: '^(cells|dashboards)/' },
      to: { path: TOP_LAYERS },
    },
  ],
  options: {
    // Only the project's own files are modules of the graph; npm packages are leaves, not followed.
    includeOnly: PROJECT,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|^load-tests/dist/|^schemas/generated/|(^|/)[.]cache/|(^|/)cdk[.]out/' },
    // TypeScript 7.0 has no in-process compiler API dependency-cruiser can use, so swc parses the .ts
    // files; it keeps `import type` (tsPreCompilationDeps would ask for tsc and is not needed).
    parser: 'swc',
    // Imports name the file as it is (`./x.ts`, allowImportingTsExtensions with NodeNext) and
    // tsconfig.json has no `paths`, so Node's own resolution is the compiler's.
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      conditionNames: ['import', 'node', 'default'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main'],
    },
    skipAnalysisNotInRules: true,
  },
};
