import { FaultRuleError } from '../errors.ts';
import type { FaultInjector, FaultRule } from './FaultRule.ts';

const RULE_KEYS: ReadonlySet<string> = new Set<keyof FaultRule>([
  'handler',
  'invoiceIdPattern',
  'stage',
  'consumer',
  'mode',
  'failReceives',
]);

/** A request to the local cell's admin endpoint (`/_bems/<path>` on the gateway). */
export interface AdminRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export interface AdminAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The fault rules of a running cell over HTTP, for `bems fault add|list|clear`: a rule added or
 * cleared here applies to the next record the API or an event source mapping handles — no restart.
 *
 * - `GET faults` → `{ rules }`
 * - `POST faults` with a {@link FaultRule} → 201 `{ rules }` (the rule is appended; first match wins)
 * - `DELETE faults` → `{ rules: [] }`; `DELETE faults/<n>` removes the n-th rule (1-based, as listed)
 *
 * An invalid rule is answered 400 with the reason and changes nothing.
 */
export function faultAdmin(faults: FaultInjector): (request: AdminRequest) => Promise<AdminAnswer> {
  return async ({ method, path, body }) => {
    const [resource, index, ...rest] = path.split('/');
    if (resource !== 'faults' || rest.length > 0) return problem(404, 'NOT_FOUND', `no admin resource "${path}"`);
    const listed = () => ({ rules: faults.list() });
    if (method === 'GET' && index === undefined) return { status: 200, body: listed() };
    if (method === 'POST' && index === undefined) {
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return problem(400, 'INVALID_FAULT', 'the body must be one fault rule (a JSON object)');
      const unknown = Object.keys(body).filter((key) => !RULE_KEYS.has(key));
      if (unknown.length > 0)
        return problem(
          400,
          'INVALID_FAULT',
          `unknown fault rule field(s) ${unknown.join(', ')}; fields: ${[...RULE_KEYS].join(', ')}`,
        );
      return withValidRules(() => faults.setRules([...faults.list(), body as FaultRule]), 201, listed);
    }
    if (method === 'DELETE' && index === undefined) return withValidRules(() => faults.setRules([]), 200, listed);
    if (method === 'DELETE') {
      const position = Number(index);
      const rules = faults.list();
      if (!Number.isInteger(position) || position < 1 || position > rules.length)
        return problem(404, 'NOT_FOUND', `no fault rule ${index}; there are ${rules.length}`);
      return withValidRules(() => faults.setRules(rules.filter((_, i) => i !== position - 1)), 200, listed);
    }
    return problem(405, 'METHOD_NOT_ALLOWED', `${method} ${path} is not an admin operation`);
  };
}

function withValidRules(change: () => void, status: number, listed: () => unknown): AdminAnswer {
  try {
    change();
  } catch (error) {
    if (error instanceof FaultRuleError) return problem(400, 'INVALID_FAULT', error.message);
    throw error;
  }
  return { status, body: listed() };
}

function problem(status: number, code: string, message: string): AdminAnswer {
  return { status, body: { code, message } };
}
