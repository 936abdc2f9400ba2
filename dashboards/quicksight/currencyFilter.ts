import type { CfnDashboard } from 'aws-cdk-lib/aws-quicksight';
import { column } from './fields.ts';

/**
 * The dashboard's currency filter, as the local page's: one filter over the `currency` column of
 * every dataset (`ALL_DATASETS`: each dataset has one, `timestreamDatasets.ts`), scoped to every
 * visual of every sheet, with a drop-down on each sheet ("Select all" = every currency). Money visuals
 * stay split by currency whatever is chosen; counts, the stuck list and the event volume follow it.
 */

export const CURRENCY_FILTER_ID = 'currency-filter';

export function currencyFilterGroup(sheetIds: readonly string[]): CfnDashboard.FilterGroupProperty {
  return {
    filterGroupId: 'currency',
    crossDataset: 'ALL_DATASETS',
    status: 'ENABLED',
    filters: [
      {
        categoryFilter: {
          filterId: CURRENCY_FILTER_ID,
          column: column('events', 'currency'),
          configuration: {
            filterListConfiguration: {
              matchOperator: 'CONTAINS',
              selectAllOptions: 'FILTER_ALL_VALUES',
              nullOption: 'NON_NULLS_ONLY',
            },
          },
        },
      },
    ],
    scopeConfiguration: {
      selectedSheets: {
        sheetVisualScopingConfigurations: sheetIds.map((sheetId) => ({ sheetId, scope: 'ALL_VISUALS' })),
      },
    },
  };
}

/** The sheet's drop-down for the currency filter. */
export function currencyControl(sheetId: string): CfnDashboard.FilterControlProperty {
  return {
    dropdown: {
      filterControlId: `${sheetId}-currency`,
      sourceFilterId: CURRENCY_FILTER_ID,
      title: 'Currency',
      type: 'SINGLE_SELECT',
      displayOptions: { selectAllOptions: { visibility: 'VISIBLE' } },
    },
  };
}
