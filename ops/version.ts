import { readFileSync } from 'node:fs';

/** The `bems` version: package.json's, read once (the CLI runs from the repository). */
export function bemsVersion(): {
  readonly name: string;
  readonly version: string;
  readonly node: string;
  readonly platform: string;
} {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    name: string;
    version: string;
  };
  return {
    name: manifest.name,
    version: manifest.version,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
