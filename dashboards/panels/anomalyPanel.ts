import { anomalyMethod } from '../kpiDefinitions.ts';
import { robustZScores } from '../robustZScores.ts';
import type { StoreReader } from '../StoreReader.ts';
import { keyOf } from '../shapeSeries.ts';
import { bucketLabel, bucketStarts, type TimeRange } from '../timeRange.ts';
import type { AnomalyPanelData } from '../viewData.ts';
import { ANOMALY_DETECTION } from '../views.ts';

/**
 * Events per interval with each complete, active interval's robust z-score (the rule of
 * `robustZScores.ts`); those beyond the threshold are listed.
 */
export async function anomalyPanel(range: TimeRange, reader: StoreReader): Promise<AnomalyPanelData> {
  const rows = await reader.aggregate({ source: 'events', measure: 'events', dimensions: ['time'] }, range);
  const counts = new Map(rows.map((row) => [keyOf('time', row.d0), row.n]));
  const starts = bucketStarts(range);
  const keys = starts.map((ms) => new Date(ms).toISOString());
  const values = keys.map((key) => counts.get(key) ?? 0);
  // A partial interval at either end of the range would look like a drop in volume; it gets no score.
  const complete = starts.map((ms) => ms >= range.fromMs && ms + range.bucketMs <= range.toMs);
  const scored = robustZScores(values.filter((_, i) => complete[i]));
  let next = 0;
  const judged = complete.map((isComplete) => {
    if (!isComplete) return { z: null, verdict: 'unjudged' as const };
    const i = next++;
    return { z: scored.zScores[i]!, verdict: scored.verdicts[i]! };
  });
  const labels = keys.map((key) => bucketLabel(Date.parse(key), range.bucketMs));
  return {
    kind: 'anomalies',
    keys,
    labels,
    counts: values,
    zScores: judged.map((j) => j.z),
    verdicts: judged.map((j) => j.verdict),
    median: scored.median,
    spread: scored.spread,
    threshold: ANOMALY_DETECTION.threshold,
    baselineIntervals: scored.baselineIntervals,
    minBaselineIntervals: ANOMALY_DETECTION.minBaselineIntervals,
    quietBelowEvents: ANOMALY_DETECTION.quietBelowEvents,
    method: anomalyMethod(),
    anomalies: keys.flatMap((key, i) =>
      judged[i]!.verdict === 'anomaly' ? [{ key, label: labels[i]!, count: values[i]!, zScore: judged[i]!.z! }] : [],
    ),
  };
}
