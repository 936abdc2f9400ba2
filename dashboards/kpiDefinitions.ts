import { STAGES, type Stage } from '../schemas/stages.ts';
import { ANOMALY_DETECTION, type KpiDef, VISIBILITY_SLA_MS } from './views.ts';

/**
 * What each headline figure is, in words a reader can check it against: its label, the SLA it
 * belongs to (a badge, when it belongs to one) and one-sentence definition (subtitle or tooltip).
 * BEMS has two SLAs on two different clocks, and a figure of one must never read as a figure of
 * the other: the *visibility SLA* (an event is on the dashboards within 2 minutes of the API
 * receiving it) and the *stage SLA* (an invoice moves on from a stage within that stage's
 * `slaSeconds`, 15 minutes by default). "100 % recorded within 2 min" and "47 stuck invoices" are
 * both true at once: the events arrive promptly, and the invoices wait at a stage for the next event.
 * Both renderers (local page, QuickSight) show the same texts.
 */

export interface KpiText {
  readonly label: string;
  /** The SLA the figure is measured against, e.g. "Visibility SLA · 2 min". */
  readonly badge?: string;
  readonly definition: string;
}

/** "2 min", "90 s", "1 h 30 min": an SLA as people say it. */
export function formatSla(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  return minutes % 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes / 60} h`;
}

/** The stage SLA as one phrase: "15 min" when every stage has the same, else "5–15 min by stage". */
export function stageSlaText(slaSecondsByStage: Readonly<Record<Stage, number>>): string {
  const values = STAGES.map((stage) => slaSecondsByStage[stage]);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min === max ? formatSla(min) : `${formatSla(min)}–${formatSla(max)} by stage`;
}

const VISIBILITY = formatSla(VISIBILITY_SLA_MS / 1000);
export const VISIBILITY_SLA_BADGE = `Visibility SLA · ${VISIBILITY}`;

/** The texts of one headline KPI, with the stage SLAs of the cell it is shown for. */
export function kpiText(def: KpiDef, slaSecondsByStage: Readonly<Record<Stage, number>>): KpiText {
  const stageSla = stageSlaText(slaSecondsByStage);
  switch (def.kind) {
    case 'measure':
      return { label: def.label, definition: def.definition };
    case 'latency':
      return {
        label: def.label,
        badge: VISIBILITY_SLA_BADGE,
        definition: `${def.percentile}th percentile of the time from the API receiving an event to its record being written, over the range (nearest rank). The visibility SLA is ${VISIBILITY}.`,
      };
    case 'withinSla':
      return {
        label: def.label,
        badge: VISIBILITY_SLA_BADGE,
        definition: `Visibility SLA: share of the range's events recorded within ${VISIBILITY} of the API receiving them (received → recorded). It says nothing about how long invoices wait between stages: that is the stage SLA.`,
      };
    case 'stuck':
      return {
        label: def.label,
        badge: `Stage SLA · ${stageSla}`,
        definition: `Stage SLA: invoices whose latest event is older than its stage's SLA (${stageSla}) and not final, as of the range end: they wait for their next event. A different clock from the ${VISIBILITY} visibility SLA, which their events may well have met.`,
      };
    case 'dlq':
      return {
        label: def.label,
        definition: 'Messages in the dead-letter queues right now, every currency (queues are not split by currency).',
      };
    case 'anomalies':
      return {
        label: def.label,
        definition: `Intervals of the range flagged by the volume anomaly rule (${anomalyMethod()}).`,
      };
  }
}

/** The anomaly rule in one sentence, as the panel and the KPI state it. */
export function anomalyMethod(): string {
  const { threshold, quietBelowEvents, minBaselineIntervals } = ANOMALY_DETECTION;
  return (
    `robust z-score (count − median) / max(1.4826 × MAD, √median) over the complete intervals with at least ` +
    `${quietBelowEvents} events, flagged beyond ±${threshold}; empty and quiet intervals are neither baseline nor ` +
    `flagged, and fewer than ${minBaselineIntervals} active intervals flag nothing`
  );
}
