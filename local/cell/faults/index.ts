export {
  FAULT_HANDLERS,
  FAULT_MODES,
  type FaultHandler,
  FaultInjector,
  type FaultMode,
  type FaultRule,
  type FaultTarget,
  parseFaultFlag,
} from './FaultRule.ts';
export { FAST_DIVISOR, FAST_MIN_VISIBILITY_SECONDS, fastRetryTimings } from './fastRetryTimings.ts';
export { type AdminAnswer, type AdminRequest, faultAdmin } from './faultAdmin.ts';
