export * from './analyticsRecordSize.ts';
export * from './assumptions.ts';
export * from './estimateMonthlyCost.ts';
export * from './lakehouseLines.ts';
export * from './lakehousePrices.ts';
export * from './measuredProfile.ts';
export * from './prices.ts';
export * from './requestProfile.ts';
