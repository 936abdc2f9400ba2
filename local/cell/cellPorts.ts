import { StartupError } from './errors.ts';

/**
 * The local cell's fixed ports, all moved by one base (`npm start -- --port <base>`):
 *
 * | port      | what                                                                   |
 * | --------- | ---------------------------------------------------------------------- |
 * | base      | the cell API (API Gateway's), with the dashboard under `/dashboard`    |
 * | base + 1  | the AWS gateway: every emulated AWS service (`AWS_ENDPOINT_URL`), and the cell's admin endpoint (`/_bems/`) |
 *
 * Base 0 means "any free port" for each. The emulators' own listeners take free ports: nobody but
 * the cell and the gateway calls them.
 */
export const DEFAULT_BASE_PORT = 4010;
export const PORT_OFFSETS = { api: 0, gateway: 1 } as const;

export type CellPorts = Readonly<Record<keyof typeof PORT_OFFSETS, number>>;

export function cellPorts(base: number): CellPorts {
  const top = base + Math.max(...Object.values(PORT_OFFSETS));
  if (!Number.isInteger(base) || base < 0 || (base > 0 && top > 65_535))
    throw new StartupError(`the base port must be 0 (any) or from 1 to ${65_535 - (top - base)}, got ${base}`);
  const at = (offset: number) => (base === 0 ? 0 : base + offset);
  return { api: at(PORT_OFFSETS.api), gateway: at(PORT_OFFSETS.gateway) };
}
