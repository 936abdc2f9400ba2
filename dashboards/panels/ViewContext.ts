import type { LatencyRow } from '../localSql.ts';
import type { QueueDepthsResult } from '../StoreReader.ts';
import type { AnomalyPanelData, StuckPanelData } from '../viewData.ts';

/** Results computed once per view and shared by the panels and the headline KPIs (as promises: all run at once). */
export interface ViewContext {
  stuck?: Promise<StuckPanelData>;
  anomalies?: Promise<AnomalyPanelData>;
  /** Queue depths, or null when the cell has none or they could not be read (with the reason). */
  queues?: Promise<QueueDepthsResult>;
  /** Whole-range latency rows per range start (current and comparison period). */
  latencyAll?: Map<number, Promise<LatencyRow | undefined>>;
}
