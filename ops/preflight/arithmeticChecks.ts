import type { CellDefinition } from '../../cells/definition.ts';
import { formatNumber } from '../formatTable.ts';
import type { CellNeeds } from './cellNeeds.ts';
import { type CheckResult, pass, problem } from './checkResult.ts';

/**
 * The cell's own arithmetic, from its definition alone: can its API limits carry the volume it is
 * sized for? A cell whose clients together cannot send it is blocked; one client that alone could
 * not is only a warning (the others carry the rest).
 */
export function checkArithmetic(cell: CellDefinition, needs: CellNeeds): CheckResult[] {
  const clients = cell.apiClients.filter((client) => !client.revoked);
  const perRequest = (events: number, requests: number) =>
    requests > 0 ? events / requests : Number.POSITIVE_INFINITY;
  const fmt = (n: number) => (Number.isFinite(n) ? formatNumber(n, 1) : '∞');
  /** A volume through a limit: how many events each request must carry, against the largest batch. */
  const batchNeeded = (id: string, title: string, volume: string, need: number, advice: Advice) =>
    judge(
      id,
      title,
      `${volume}: ≥ ${fmt(need)} events per request (max ${needs.maxBatch})`,
      need <= needs.maxBatch ? 'pass' : 'fail',
      advice,
    );
  const totalRate = clients.reduce((sum, client) => sum + client.rateLimit, 0);
  const totalQuota = clients.reduce((sum, client) => sum + client.quotaPerDay, 0);
  const results: CheckResult[] = [
    batchNeeded(
      'api.stage-rate',
      'stage rate limit vs peak',
      `peak ${formatNumber(needs.peakEventsPerSecond, 0)} events/s through api.rateLimit ${formatNumber(needs.apiRateLimit, 0)} requests/s`,
      perRequest(needs.peakEventsPerSecond, needs.apiRateLimit),
      {
        meaning: 'the stage throttles below the peak the cell is sized for, even with full batches',
        fix: `raise api.rateLimit of cell ${cell.id} to at least ${formatNumber(Math.ceil(needs.peakEventsPerSecond / needs.maxBatch), 0)}`,
      },
    ),
    batchNeeded(
      'clients.rate',
      'usage-plan rates of all clients vs peak',
      `peak ${formatNumber(needs.peakEventsPerSecond, 0)} events/s over Σ rateLimit ${formatNumber(totalRate, 0)} requests/s`,
      perRequest(needs.peakEventsPerSecond, totalRate),
      {
        meaning: 'the clients together cannot send the peak: their usage plans throttle them first',
        fix: 'raise rateLimit of the apiClients (or add a client) so that Σ rateLimit × 10 covers the peak',
      },
    ),
    batchNeeded(
      'clients.daily-quota',
      'daily quotas of all clients vs daily volume',
      `${formatNumber(needs.eventsPerDay, 0)} events/day under Σ quotaPerDay ${formatNumber(totalQuota, 0)} requests`,
      perRequest(needs.eventsPerDay, totalQuota),
      {
        meaning:
          'the clients together run out of daily quota before the cell has received its daily volume (403 for the rest of the day)',
        fix: 'raise quotaPerDay of the apiClients so that Σ quotaPerDay × 10 covers 86 million events',
      },
    ),
  ];

  for (const client of clients) {
    const daily = perRequest(needs.eventsPerDay, client.quotaPerDay);
    const rate = perRequest(needs.peakEventsPerSecond, client.rateLimit);
    const ok = daily <= needs.maxBatch && rate <= needs.maxBatch;
    results.push(
      judge(
        `client.${client.name}`,
        `client ${client.name} alone at the cell's full volume`,
        `quota ${formatNumber(client.quotaPerDay, 0)}/day: ≥ ${fmt(daily)} events per request; ` +
          `rate ${formatNumber(client.rateLimit, 0)}/s: ≥ ${fmt(rate)} events per request at peak (max ${needs.maxBatch})`,
        ok ? 'pass' : 'warn',
        {
          meaning: `${client.name} cannot send the whole volume alone, even in batches of ${needs.maxBatch}: fine if other clients carry the rest`,
          fix: `raise quotaPerDay / rateLimit of ${client.name} if it is to carry the cell's full volume`,
        },
      ),
    );
  }
  return results;
}

interface Advice {
  readonly meaning: string;
  readonly fix: string;
}

function judge(
  id: string,
  title: string,
  detail: string,
  status: 'pass' | 'fail' | 'warn',
  advice: Advice,
): CheckResult {
  return status === 'pass' ? pass(id, title, detail) : problem(status, id, title, detail, advice);
}
