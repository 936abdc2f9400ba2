import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../cells/constructs/CellFunction.ts';
import { literalSchemaKeys, sdkSchemaTreeShaking } from '../../../cells/constructs/lambdaBundling.ts';

const work = mkdtempSync(path.join(tmpdir(), 'bems-lambda-bundling-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('literalSchemaKeys', () => {
  it('writes computed keys that name a string constant of the module as that string', () => {
    const source = [
      'const _h = "http";',
      'const _e = "error";',
      'export var A$ = [9, n0, "A", { [_h]: ["GET", "/", 200], [_e]: _c }, () => B$];',
      'export var B$ = [3, n0, "B",{[_e]: 1}];',
    ].join('\n');
    const out = literalSchemaKeys(source);
    expect(out).toContain('{ "http": ["GET", "/", 200], "error": _c }');
    expect(out).toContain('{"error": 1}');
  });

  it('leaves keys alone that name anything but a string constant, and member access', () => {
    const source =
      'const n = 3;\nlet s = "x";\nexport var A = { [n]: 1, [s]: 2, [other]: 3 };\nconst y = a[n] ? a[s]:b;';
    expect(literalSchemaKeys(source)).toBe(source);
  });
});

/** Bundles `export * from '<client>'` with or without the plugin and imports it. */
async function clientModule(client: string, withPlugin: boolean): Promise<Record<string, unknown>> {
  const outfile = path.join(work, `${client.replace(/\W/g, '_')}-${withPlugin}.mjs`);
  await build({
    stdin: { contents: `export * from '${client}';`, resolveDir: PROJECT_ROOT, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    outfile,
    logLevel: 'error',
    plugins: withPlugin ? [sdkSchemaTreeShaking] : [],
  });
  return import(pathToFileURL(outfile).href);
}

/** Each schema export (`…$`) as JSON, a reference to another schema written as that schema's name. */
function schemaJson(module: Record<string, unknown>): Map<string, string> {
  const names = new Map<unknown, string>();
  for (const [name, value] of Object.entries(module)) if (name.endsWith('$')) names.set(value, name);
  const json = new Map<string, string>();
  for (const [value, name] of names) {
    json.set(
      name,
      JSON.stringify(value, (_key, member: unknown) => {
        if (typeof member !== 'function') return member;
        const target = member.length === 0 && !/^class\b/.test(String(member)) ? member() : member;
        return names.get(target) ?? `function ${(target as { name?: string }).name ?? ''}`;
      }),
    );
  }
  return json;
}

describe('the SDK schema plugin', () => {
  // The clients the Lambda bundles use whose schemas have computed keys.
  it.each(['@aws-sdk/client-s3', '@aws-sdk/client-ssm', '@aws-sdk/client-sqs', '@aws-sdk/client-sns'])(
    'keeps every schema of %s the same, member for member',
    async (client) => {
      const [plain, patched] = await Promise.all([clientModule(client, false), clientModule(client, true)]);
      const before = schemaJson(plain);
      const after = schemaJson(patched);
      expect(before.size).toBeGreaterThan(20);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      for (const [name, json] of before) expect(after.get(name), name).toBe(json);
    },
    60_000,
  );

  it('lets esbuild drop the S3 operations a bundle does not call', async () => {
    const sizes: number[] = [];
    for (const plugins of [[], [sdkSchemaTreeShaking]]) {
      const outfile = path.join(work, `getobject-${plugins.length}.mjs`);
      await build({
        stdin: {
          contents: "export { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';",
          resolveDir: PROJECT_ROOT,
          loader: 'js',
        },
        bundle: true,
        platform: 'node',
        format: 'esm',
        mainFields: ['module', 'main'],
        minify: true,
        outfile,
        logLevel: 'error',
        plugins,
      });
      sizes.push(statSync(outfile).size);
    }
    const [without, withPlugin] = sizes as [number, number];
    expect(without - withPlugin).toBeGreaterThan(40_000);
  }, 60_000);
});
