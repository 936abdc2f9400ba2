import { addDays } from './calendarDate.ts';
import type { InvoiceEvent } from './invoiceEvent.ts';

/** The due date an event implies: the explicit one, else invoiceDate + netDays. */
export function dueDateOf(event: Pick<InvoiceEvent, 'invoiceDate' | 'paymentTerms'>): string {
  const { dueDate, netDays } = event.paymentTerms;
  return dueDate ?? addDays(event.invoiceDate, netDays ?? 0);
}
