export * from './envelope.ts';
export * from './errorResponse.ts';
export * from './invoiceEvent.ts';
export * from './money.ts';
export * from './stages.ts';
