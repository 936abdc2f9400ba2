import { fromMinorUnits } from '../../schemas/money.ts';
import { kpiText } from '../kpiDefinitions.ts';
import type { AggregateSpec, LatencyRow } from '../localSql.ts';
import type { StoreReader } from '../StoreReader.ts';
import { currenciesOf, unitOf } from '../shapeSeries.ts';
import type { TimeRange } from '../timeRange.ts';
import type { KpiItem, KpiPanelData } from '../viewData.ts';
import {
  comparisonLabel,
  comparisonShiftMs,
  type KpiDef,
  type KpiPanel,
  type MeasureKpi,
  VISIBILITY_SLA_MS,
} from '../views.ts';
import { anomalyPanel } from './anomalyPanel.ts';
import { change, percent } from './ratios.ts';
import { stuckPanel } from './stuckPanel.ts';
import type { ViewContext } from './ViewContext.ts';

/** What every KPI is computed from: the range, the period it is compared with, and what the view shares. */
interface KpiInputs {
  readonly range: TimeRange;
  readonly previous: TimeRange;
  readonly reader: StoreReader;
  readonly context: ViewContext;
}

/** Headline numbers, each compared with the same period before (see `comparisonShiftMs`). */
export async function kpiPanel(
  panel: KpiPanel,
  range: TimeRange,
  reader: StoreReader,
  context: ViewContext,
): Promise<KpiPanelData> {
  const shift = comparisonShiftMs(range.toMs - range.fromMs);
  const previous: TimeRange = { ...range, fromMs: range.fromMs - shift, toMs: range.toMs - shift };
  const inputs: KpiInputs = { range, previous, reader, context };
  const items = (
    await Promise.all(
      panel.items.map(async (def) => {
        const text = kpiText(def, reader.slaSecondsByStage);
        // Money KPIs come one per currency: the currency goes into the label, after the KPI's own.
        return (await kpiItems(def, inputs)).map((item) => ({
          ...item,
          label:
            item.currency && def.kind === 'measure' && def.perCurrency
              ? `${text.label} (${item.currency})`
              : text.label,
          ...(text.badge ? { badge: text.badge } : {}),
          definition: text.definition,
        }));
      }),
    )
  ).flat();
  return {
    kind: 'kpis',
    comparison: {
      label: comparisonLabel(range.toMs - range.fromMs),
      from: new Date(previous.fromMs).toISOString(),
      to: new Date(previous.toMs).toISOString(),
    },
    items,
  };
}

/** A KPI's figures; its texts (label, badge, definition) are set by `kpiPanel` from `kpiText`. */
type KpiFigure = Omit<KpiItem, 'definition' | 'badge'>;

async function kpiItems(def: KpiDef, inputs: KpiInputs): Promise<KpiFigure[]> {
  const { range, reader, context } = inputs;
  switch (def.kind) {
    case 'measure':
      return measureKpi(def, inputs);
    case 'latency':
      return [await latencyKpi(def, inputs)];
    case 'withinSla':
      return [await withinSlaKpi(def, inputs)];
    case 'stuck': {
      const stuck = await (context.stuck ?? stuckPanel(range, reader));
      return [currentKpi(def, 'invoices', String(stuck.total), stuck.total > 0)];
    }
    case 'dlq': {
      const { depths } = await (context.queues ?? reader.queueDepths());
      const value = depths ? String(depths.reduce((sum, q) => sum + q.dlq, 0)) : null;
      return [currentKpi(def, 'messages', value, value !== null && value !== '0')];
    }
    case 'anomalies': {
      const anomalies = await (context.anomalies ?? anomalyPanel(range, reader));
      const count = anomalies.anomalies.length;
      return [currentKpi(def, 'events', String(count), count > 0)];
    }
  }
}

/** A figure of right now, with no comparison period; any of it is worth a look (stuck invoices, DLQ messages). */
function currentKpi(def: KpiDef, unit: KpiItem['unit'], value: string | null, alert: boolean): KpiFigure {
  return {
    id: def.id,
    label: def.label,
    currency: null,
    unit,
    value,
    previous: null,
    changePct: null,
    higherIsBetter: false,
    alert,
  };
}

async function latencyKpi(def: Extract<KpiDef, { kind: 'latency' }>, inputs: KpiInputs): Promise<KpiFigure> {
  const now = await latencyAll(inputs.range, inputs);
  const before = await latencyAll(inputs.previous, inputs);
  const value = now?.[`p${def.percentile}`] ?? null;
  const prev = before?.[`p${def.percentile}`] ?? null;
  return {
    id: def.id,
    label: def.label,
    currency: null,
    unit: 'ms',
    value: value === null ? null : String(value),
    previous: prev === null ? null : String(prev),
    changePct: value === null || prev === null ? null : change(value, prev),
    higherIsBetter: false,
    alert: value !== null && value > VISIBILITY_SLA_MS,
  };
}

async function withinSlaKpi(def: Extract<KpiDef, { kind: 'withinSla' }>, inputs: KpiInputs): Promise<KpiFigure> {
  const now = await latencyAll(inputs.range, inputs);
  const before = await latencyAll(inputs.previous, inputs);
  const value = now ? percent(now.within_sla, now.n) : null;
  const prev = before ? percent(before.within_sla, before.n) : null;
  return {
    id: def.id,
    label: def.label,
    currency: null,
    unit: 'percent',
    value: value === null ? null : value.toFixed(1),
    previous: prev === null ? null : prev.toFixed(1),
    changePct: null,
    higherIsBetter: true,
    // The mission promises every event within the SLA, so anything below 100 % is worth a look.
    alert: value !== null && value < 100,
  };
}

/** The p50/p95/p99 KPIs and the SLA share read the same whole-range latency row: compute it once. */
function latencyAll(range: TimeRange, { reader, context }: KpiInputs): Promise<LatencyRow | undefined> {
  context.latencyAll ??= new Map();
  let row = context.latencyAll.get(range.fromMs);
  if (!row) {
    row = reader.latencyRows('all', range).then((rows) => rows[0]);
    context.latencyAll.set(range.fromMs, row);
  }
  return row;
}

/** A measure over a source in both periods; money as one item per currency (no FX conversion in BEMS). */
async function measureKpi(def: MeasureKpi, { range, previous, reader }: KpiInputs): Promise<KpiFigure[]> {
  const spec: AggregateSpec = {
    source: def.source,
    measure: def.measure,
    dimensions: def.perCurrency ? ['currency'] : [],
    timeField: def.timeField,
    states: def.states,
  };
  const [now, before] = await Promise.all([reader.aggregate(spec, range), reader.aggregate(spec, previous)]);
  const higherIsBetter = def.higherIsBetter ?? null;
  if (!def.perCurrency) {
    const value = now[0]?.n ?? 0;
    const prev = before[0]?.n ?? 0;
    return [
      {
        id: def.id,
        label: def.label,
        unit: unitOf(def.measure),
        currency: null,
        value: String(value),
        previous: String(prev),
        changePct: prev === 0 ? null : change(value, prev),
        higherIsBetter,
        alert: false,
      },
    ];
  }
  const beforeByCurrency = new Map(before.map((row) => [String(row.d0), BigInt(row.minor ?? '0')]));
  return currenciesOf(now, 0).map((currency) => {
    const value = BigInt(now.find((row) => row.d0 === currency)?.minor ?? '0');
    const prev = beforeByCurrency.get(currency) ?? 0n;
    return {
      id: `${def.id}:${currency}`,
      label: def.label,
      unit: 'money',
      currency,
      value: fromMinorUnits(value, currency),
      previous: fromMinorUnits(prev, currency),
      // A percentage of change is display-only; the amounts themselves stay exact.
      changePct: prev === 0n ? null : change(Number(value), Number(prev)),
      higherIsBetter,
      alert: false,
    };
  });
}
