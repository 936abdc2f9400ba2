export type { HealthReport } from '../../../schemas/healthReport.ts';
export { ApiKeyGuard, type GuardResult } from './ApiKeyGuard.ts';
export { type ApiDependencies, type ApiGatewayLambda, createApiApp } from './createApiApp.ts';
export { type InvoiceTimeline, type TimelineEntry, toInvoiceTimeline } from './invoiceTimeline.ts';
export { API_LIMITS } from './limits.ts';
export { type FetchHandler, type RunningApiServer, startApiServer } from './startApiServer.ts';
export { TokenBucket } from './TokenBucket.ts';
export { toApiGatewayEvent } from './toApiGatewayEvent.ts';
