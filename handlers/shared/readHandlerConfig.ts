import { type Env, EnvReader } from './EnvReader.ts';
import { type CommonHandlerConfig, commonConfigFromEnv } from './handlerConfig.ts';

/**
 * Reads a handler's configuration from its Lambda environment: the part every handler shares and
 * the handler's own variables (`read`). Every problem of both is reported at once, in one
 * ConfigError, so a broken deployment is fixed in one go.
 */
export function readHandlerConfig<T extends object>(
  env: Env,
  defaultServiceName: string,
  read: (reader: EnvReader, common: CommonHandlerConfig) => T,
): CommonHandlerConfig & T {
  const reader = new EnvReader(env);
  const common = commonConfigFromEnv(reader, defaultServiceName);
  const own = read(reader, common);
  reader.assertValid();
  return { ...common, ...own };
}

/**
 * The parsed JSON of a variable, or undefined when it is absent (a problem if `required`) or not
 * JSON (a problem saying `notJson`). What the JSON must contain is the caller's to check.
 */
export function readJsonVariable(
  reader: EnvReader,
  variable: string,
  options: { readonly required: boolean; readonly notJson: string },
): unknown {
  const raw = options.required ? reader.required(variable) : reader.optional(variable);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    reader.problem(variable, options.notJson);
    return undefined;
  }
}
