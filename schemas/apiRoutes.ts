import type { Stage } from './stages.ts';

/**
 * The paths of the cell API, shared by the AWS API (cells/constructs/InvoiceApi.ts), the local cell
 * and the ingest function. Each stage has its own resource, `/invoices/<stage>`, so API Gateway
 * validates a body against that stage's model; a Lambda proxy integration then hands the function
 * the resource path in `event.resource` (a literal resource has no `pathParameters`).
 */
export const INVOICES_PATH = '/invoices';

/** `/invoices/posting` */
export function stagePath(stage: Stage): string {
  return `${INVOICES_PATH}/${stage}`;
}

/**
 * The stage a resource path names, as the path spells it (`/invoices/shipping` → "shipping"), or
 * undefined when the path is not one segment below `/invoices`. Whether it is a stage is the
 * caller's question (`isStage`).
 */
export function stageSegmentOf(resourcePath: string | null | undefined): string | undefined {
  const prefix = `${INVOICES_PATH}/`;
  if (!resourcePath?.startsWith(prefix)) return undefined;
  const segment = resourcePath.slice(prefix.length);
  return segment === '' || segment.includes('/') ? undefined : segment;
}
