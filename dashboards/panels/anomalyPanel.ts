import { robustZScores } from '../robustZScores.ts';
import type { StoreReader } from '../StoreReader.ts';
import { keyOf } from '../shapeSeries.ts';
import { bucketLabel, bucketStarts, type TimeRange } from '../timeRange.ts';
import type { AnomalyPanelData } from '../viewData.ts';
import { ANOMALY_DETECTION } from '../views.ts';

/** Events per interval with each complete interval's robust z-score; those beyond the threshold are listed. */
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
  const zScores = complete.map((isComplete) => (isComplete ? scored.zScores[next++]! : null));
  const labels = keys.map((key) => bucketLabel(Date.parse(key), range.bucketMs));
  return {
    kind: 'anomalies',
    keys,
    labels,
    counts: values,
    zScores,
    median: scored.median,
    spread: scored.spread,
    threshold: ANOMALY_DETECTION.threshold,
    anomalies: keys.flatMap((key, i) => {
      const z = zScores[i];
      return z !== null && z !== undefined && Math.abs(z) > ANOMALY_DETECTION.threshold
        ? [{ key, label: labels[i]!, count: values[i]!, zScore: z }]
        : [];
    }),
  };
}
