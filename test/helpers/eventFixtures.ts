import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { STAGES, type Stage } from '../../schemas/stages.ts';

/**
 * Versioned JSON fixtures of POST bodies under `test/fixtures/events/<version>/`:
 *
 * - `valid/<stage>.<name>.json`: a body exactly as a client sends it to `POST /invoices/<stage>`
 *   (so `curl --data @file` works); the stage is the file name's first segment.
 * - `invalid/<name>.json`: `{ "stage", "body", "expectedIssues": [{ "path", "messageIncludes" }] }`,
 *   listing every issue the API must report for that body.
 *
 * Fixtures keep `occurredAt` in the past, so they stay valid as the clock moves on.
 */

export const EVENT_FIXTURE_VERSIONS = ['v1'] as const;
export type EventFixtureVersion = (typeof EVENT_FIXTURE_VERSIONS)[number];

export interface ValidEventFixture {
  readonly name: string;
  readonly stage: Stage;
  readonly body: unknown;
}

const InvalidFixtureFileSchema = z.strictObject({
  stage: z.enum(STAGES),
  body: z.unknown(),
  expectedIssues: z.array(z.strictObject({ path: z.string(), messageIncludes: z.string().min(1) })).min(1),
});
export type InvalidEventFixture = z.infer<typeof InvalidFixtureFileSchema> & { readonly name: string };

function fixtureDir(version: EventFixtureVersion, kind: 'valid' | 'invalid'): URL {
  return new URL(`../fixtures/events/${version}/${kind}/`, import.meta.url);
}

function jsonFiles(dir: URL): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort();
}

function readJson(dir: URL, file: string): unknown {
  return JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
}

export function validEventFixtures(version: EventFixtureVersion = 'v1'): ValidEventFixture[] {
  const dir = fixtureDir(version, 'valid');
  return jsonFiles(dir).map((file) => {
    const stage = file.split('.')[0];
    if (!(STAGES as readonly string[]).includes(stage ?? '')) {
      throw new Error(`valid fixture ${file}: name must start with a stage (${STAGES.join(', ')})`);
    }
    return { name: file.replace(/\.json$/, ''), stage: stage as Stage, body: readJson(dir, file) };
  });
}

export function invalidEventFixtures(version: EventFixtureVersion = 'v1'): InvalidEventFixture[] {
  const dir = fixtureDir(version, 'invalid');
  return jsonFiles(dir).map((file) => {
    const parsed = InvalidFixtureFileSchema.safeParse(readJson(dir, file));
    if (!parsed.success) throw new Error(`invalid fixture ${file} is malformed: ${z.prettifyError(parsed.error)}`);
    return { ...parsed.data, name: file.replace(/\.json$/, '') };
  });
}
