export type { HealthReport } from '../../../schemas/healthReport.ts';
export {
  type Admission,
  AdmissionControl,
  type AdmissionSettings,
  type AdmissionStats,
  DEFAULT_ADMISSION,
} from './AdmissionControl.ts';
export { ApiKeyGuard, type GuardResult } from './ApiKeyGuard.ts';
export { type ApiDependencies, type ApiGatewayLambda, createApiApp } from './createApiApp.ts';
export { type InvoiceTimeline, type TimelineEntry, toInvoiceTimeline } from './invoiceTimeline.ts';
export { API_LIMITS } from './limits.ts';
export { type FetchHandler, KEEP_ALIVE, type RunningApiServer, startApiServer } from './startApiServer.ts';
export { TokenBucket } from './TokenBucket.ts';
export { toApiGatewayEvent } from './toApiGatewayEvent.ts';
