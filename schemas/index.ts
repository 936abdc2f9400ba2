export * from './calendarDate.ts';
export * from './envelope.ts';
export * from './errorResponse.ts';
export * from './fields.ts';
export * from './invoiceEvent.ts';
export * from './money.ts';
export * from './parseRequestBody.ts';
export * from './stages.ts';
