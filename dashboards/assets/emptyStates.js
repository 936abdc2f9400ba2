/*
 * What an empty panel says: why it is empty and what to do about it, never just "no data".
 */

const SEND_ONE = 'send one with POST /invoices/ingestion (npm start prints a curl example)';

/** `currency`: the view's currency filter, or null for every currency. */
export function emptyText(reason, { currency = null, what = 'events' } = {}) {
  switch (reason) {
    case 'noData':
      return currency
        ? `No ${currency} ${what} in this range — widen the time range or choose another currency.`
        : `No ${what} in this range — widen the time range, or ${SEND_ONE}.`;
    case 'chooseCurrency':
      return 'Amounts are never added across currencies — choose a currency in the toolbar to see this chart.';
    case 'noStuck':
      return `No stuck ${currency ? `${currency} ` : ''}invoices — every invoice moved on within its stage SLA.`;
    default:
      return reason;
  }
}

/** The anomaly panel's note when its baseline is too small to judge. */
export function notEnoughActivity(data) {
  return (
    `Not enough activity to judge: ${data.baselineIntervals} of the ${data.minBaselineIntervals} complete intervals ` +
    `needed have ${data.quietBelowEvents} or more events — choose a longer range or a smaller interval.`
  );
}
