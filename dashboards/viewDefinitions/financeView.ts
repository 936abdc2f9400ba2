import { CASH_FLOW, VENDOR_TABLE_ROWS, type ViewDef } from '../views.ts';
import { headlinePanel } from './headlinePanel.ts';

/** Treasury and accounts payable: what falls due when, what is ageing, with whom. */
export const FINANCE_VIEW: ViewDef = {
  id: 'finance',
  title: 'Finance',
  audience: 'Treasury and accounts payable: what falls due when, what is ageing, with whom.',
  panels: [
    headlinePanel(
      [
        {
          kind: 'measure',
          id: 'open',
          label: 'Unposted invoices',
          definition:
            'Invoices active in the range whose latest event is neither a posting nor a rejection or reversal.',
          source: 'invoices',
          measure: 'invoices',
          states: ['open'],
        },
        {
          kind: 'measure',
          id: 'openValue',
          label: 'Unposted value',
          definition: 'Latest amount of the unposted invoices, in their currency.',
          source: 'invoices',
          measure: 'value',
          states: ['open'],
          perCurrency: true,
        },
        {
          kind: 'measure',
          id: 'payableValue',
          label: 'Payable value',
          definition: 'Latest amount of the unposted and posted invoices (what will be paid), in their currency.',
          source: 'invoices',
          measure: 'value',
          states: ['open', 'posted'],
          perCurrency: true,
        },
      ],
      'Invoices active in the selected range, compared with the same period before.',
    ),
    {
      kind: 'cashFlow',
      id: 'cashFlowWeekly',
      title: 'Cash-flow projection by week',
      description: `Amounts falling due per week (Monday start) over the next ${CASH_FLOW.weeks} weeks, from payment terms; open and posted invoices.`,
      width: 6,
      period: 'week',
    },
    {
      kind: 'cashFlow',
      id: 'cashFlowMonthly',
      title: 'Cash-flow projection by month',
      description: `Amounts falling due per calendar month over the next ${CASH_FLOW.months} months.`,
      width: 6,
      period: 'month',
    },
    {
      kind: 'chart',
      id: 'aging',
      title: 'Aging of unposted invoices',
      description: 'Value of invoices not yet posted (nor rejected) by days past their due date, as of the range end.',
      width: 6,
      chart: 'bar',
      source: 'invoices',
      measure: 'value',
      dimensions: ['aging', 'currency'],
      states: ['open'],
    },
    {
      kind: 'chart',
      id: 'agingCount',
      title: 'Unposted invoices by age',
      description: 'Number of unposted invoices per aging bucket.',
      width: 6,
      chart: 'bar',
      source: 'invoices',
      measure: 'invoices',
      dimensions: ['aging'],
      states: ['open'],
    },
    {
      kind: 'vendorTable',
      id: 'vendorValue',
      title: 'Value by vendor',
      description: `Invoices active in the range per vendor and currency (latest amount), top ${VENDOR_TABLE_ROWS}.`,
      width: 12,
    },
  ],
};
