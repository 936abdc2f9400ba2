/**
 * Writes `clients/producer/generated/openapi.ts`, the producer client's types, from the OpenAPI
 * document `schemas/generated/openapi.json` (json-schema-to-typescript compiles its schemas): per
 * stage its path and the event its request body takes, the batch limit, the 202 body and the error
 * body with every code the document lists. Each component schema the events refer to (`Vendor`,
 * `Currency`, …) becomes one declaration, and the fields all stages share one interface. Reading the document, not the zod contract, means the
 * client is typed from what BEMS publishes to upstream systems.
 *
 * `npm run schemas` runs it after regenerating the document; `--check` only compares and exits 1
 * when the committed file is stale (`test/unit/clients/producerTypes.test.ts` runs it in CI).
 *
 *   npm run schemas            # regenerate
 *   npm run schemas -- --check # verify
 */
import { readFile } from 'node:fs/promises';
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { syncFile } from '../../schemas/generate.ts';

const documentFile = new URL('../../schemas/generated/openapi.json', import.meta.url);
export const generatedFile = new URL('./generated/openapi.ts', import.meta.url);

interface MediaType {
  readonly schema: JSONSchema;
}
interface Operation {
  readonly operationId: string;
  readonly requestBody?: { readonly content: Record<string, MediaType> };
  readonly responses: Record<string, { readonly content?: Record<string, MediaType> }>;
}
interface OpenApiDocument {
  readonly paths: Record<string, { readonly post?: Operation }>;
  readonly components?: { readonly schemas?: Record<string, JSONSchema> };
}

const STAGE_OPERATION = /^post([A-Z][a-z]+)Events$/;

/** The stage POST operations of the document, by stage name (operationId `post<Stage>Events`). */
function stageOperations(document: OpenApiDocument): { stage: string; path: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) => {
    const match = item.post && STAGE_OPERATION.exec(item.post.operationId);
    return match && item.post ? [{ stage: match[1]!.toLowerCase(), path, operation: item.post }] : [];
  });
}

function json(media: Record<string, MediaType> | undefined, where: string): JSONSchema {
  const schema = media?.['application/json']?.schema;
  if (!schema) throw new Error(`openapi.json: ${where} has no application/json schema`);
  return schema;
}

const COMPONENT_REF = /^#\/components\/schemas\/([A-Za-z0-9]+)$/;

/** The component a `{ "$ref": "#/components/schemas/<name>" }` names. */
function componentName(schema: JSONSchema | undefined, where: string): string {
  const match = typeof schema?.$ref === 'string' ? COMPONENT_REF.exec(schema.$ref) : null;
  if (!match) throw new Error(`openapi.json: ${where} is not a $ref to a component schema`);
  return match[1]!;
}

/**
 * The request body is `anyOf: [one event, {events: [...]}]`, the event a component; the client sends
 * batches of the former.
 */
function eventAndBatchLimit(operation: Operation, stage: string): { event: string; maxItems: number } {
  const body = json(operation.requestBody?.content, `POST ${stage} requestBody`);
  const [event, batch] = body.anyOf ?? [];
  const events = batch?.properties?.events;
  if (!event || typeof events?.maxItems !== 'number')
    throw new Error(`openapi.json: POST ${stage} body is not anyOf [event, {events: [...]}]`);
  return { event: componentName(event, `POST ${stage} event`), maxItems: events.maxItems };
}

/**
 * `schema` with every component reference replaced by the component's type name, so each
 * component becomes one declaration that the others refer to; `reached` collects the names.
 */
function referringByName(schema: unknown, reached: Set<string>): unknown {
  if (Array.isArray(schema)) return schema.map((entry) => referringByName(entry, reached));
  if (typeof schema !== 'object' || schema === null) return schema;
  const { $ref } = schema as { $ref?: unknown };
  if (typeof $ref === 'string') {
    const name = componentName({ $ref }, $ref);
    reached.add(name);
    return { tsType: name };
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, referringByName(value, reached)]));
}

/** The components `roots` refer to, directly or not, each once, the roots first. */
function reachableComponents(document: OpenApiDocument, roots: readonly string[]): Map<string, JSONSchema> {
  const schemas = document.components?.schemas ?? {};
  const reached = new Set(roots);
  const resolved = new Map<string, JSONSchema>();
  for (const name of reached) {
    const schema = schemas[name];
    if (!schema) throw new Error(`openapi.json: no component schema ${name}`);
    resolved.set(name, referringByName({ ...schema, title: undefined }, reached) as JSONSchema);
  }
  return resolved;
}

/** One error body type whose `code` is every code the document lists under any status. */
function errorSchema(operations: readonly Operation[]): JSONSchema {
  const codes = new Set<string>();
  let shape: JSONSchema | undefined;
  for (const operation of operations)
    for (const [status, response] of Object.entries(operation.responses)) {
      if (Number(status) < 400) continue;
      const schema = json(response.content, `response ${status}`);
      shape ??= schema;
      for (const code of (schema.properties?.code?.enum ?? []) as string[]) codes.add(code);
    }
  if (!shape) throw new Error('openapi.json: no error response');
  return { ...shape, properties: { ...shape.properties, code: { type: 'string', enum: [...codes] } } };
}

const SHARED_EVENT_FIELDS = 'InvoiceEventFields';

/**
 * The stage events differ only in some fields (`stage`, `status`): the fields that are the same in
 * every one are declared once, as {@link SHARED_EVENT_FIELDS}, and each stage's event is that
 * intersected with its own fields.
 */
function withSharedEventFields(
  components: Map<string, JSONSchema>,
  events: readonly string[],
): Map<string, JSONSchema> {
  if (components.has(SHARED_EVENT_FIELDS)) throw new Error(`openapi.json: a component is named ${SHARED_EVENT_FIELDS}`);
  const schemas = events.map((name) => components.get(name)!);
  const fieldOf = (schema: JSONSchema, field: string) =>
    JSON.stringify([schema.properties?.[field], (schema.required as string[] | undefined)?.includes(field)]);
  const [first, ...others] = schemas;
  const shared = Object.keys(first?.properties ?? {}).filter((field) =>
    others.every((schema) => fieldOf(schema, field) === fieldOf(first!, field)),
  );
  const only = (schema: JSONSchema, keep: (field: string) => boolean): JSONSchema => ({
    type: 'object',
    properties: Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([field]) => keep(field))),
    required: ((schema.required as string[] | undefined) ?? []).filter(keep),
    additionalProperties: false,
  });
  const fields = {
    ...only(first!, (f) => shared.includes(f)),
    description: "The fields every stage's event has alike.",
  };
  const result = new Map<string, JSONSchema>([[SHARED_EVENT_FIELDS, fields]]);
  for (const [name, schema] of components) {
    const own = only(schema, (f) => !shared.includes(f));
    result.set(name, events.includes(name) ? { allOf: [{ tsType: SHARED_EVENT_FIELDS }, own] } : schema);
  }
  return result;
}

const OPTIONS = { bannerComment: '', additionalProperties: false, strictIndexSignatures: true, format: true };

/** The content of `generated/openapi.ts` for the document `document`. */
export async function renderProducerTypes(document: OpenApiDocument): Promise<string> {
  const stages = stageOperations(document);
  if (stages.length === 0) throw new Error('openapi.json: no post<Stage>Events operation');
  const parts = stages.map(({ stage, operation }) => ({ stage, ...eventAndBatchLimit(operation, stage) }));
  const limits = new Set(parts.map((part) => part.maxItems));
  if (limits.size !== 1) throw new Error(`openapi.json: stages differ in their batch limit (${[...limits]})`);
  const accepted = json(stages[0]!.operation.responses['202']?.content, 'response 202');
  const components = withSharedEventFields(
    reachableComponents(
      document,
      parts.map((part) => part.event),
    ),
    parts.map((part) => part.event),
  );
  const types = await Promise.all([
    ...[...components].map(([name, schema]) => compile(schema, name, OPTIONS)),
    compile({ ...accepted, title: undefined }, 'AcceptedResponse', OPTIONS),
    compile(errorSchema(stages.map((s) => s.operation)), 'ErrorResponse', OPTIONS),
  ]);
  return [
    '// Generated by clients/producer/generate.ts from schemas/generated/openapi.json: do not edit.',
    '// Run `npm run schemas` after changing the contract.',
    '',
    "/** The path of each stage's POST operation. */",
    `export const STAGE_PATHS = {\n${stages.map(({ stage, path }) => `  ${stage}: '${path}',`).join('\n')}\n} as const;`,
    'export type Stage = keyof typeof STAGE_PATHS;',
    '',
    '/** The most events one request may carry (`maxItems` of the batch body). */',
    `export const MAX_EVENTS_PER_REQUEST = ${[...limits][0]};`,
    '',
    '/** The event each stage takes. */',
    `export interface StageEvents {\n${parts.map(({ stage, event }) => `  ${stage}: ${event};`).join('\n')}\n}`,
    '',
    ...types.map((type) => type.trim()),
    '',
  ].join('\n');
}

/** Whether the committed file is current; rewrites it unless `checkOnly`. */
export async function syncProducerTypes(checkOnly: boolean): Promise<boolean> {
  const document = JSON.parse(await readFile(documentFile, 'utf8')) as OpenApiDocument;
  return syncFile(generatedFile, await renderProducerTypes(document), checkOnly);
}

async function main(argv: readonly string[]): Promise<number> {
  const checkOnly = argv.includes('--check');
  const current = await syncProducerTypes(checkOnly);
  const name = 'clients/producer/generated/openapi.ts';
  if (checkOnly && !current) {
    console.error(`Stale client types (run \`npm run schemas\` and commit): ${name}`);
    return 1;
  }
  console.log(current ? 'Client types are up to date.' : `Wrote ${name}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
