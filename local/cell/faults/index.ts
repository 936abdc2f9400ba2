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
