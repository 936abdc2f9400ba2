export * from './assumptions.ts';
export * from './estimateMonthlyCost.ts';
export * from './measuredProfile.ts';
export * from './prices.ts';
export * from './requestProfile.ts';
