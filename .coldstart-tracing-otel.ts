import { createTracing } from '/work/wt/cold/handlers/shared/tracing/Tracing.ts';

const tracing = createTracing({ serviceName: 'probe', enabled: true, endpoint: '127.0.0.1:2000' });
export const handler = async () => tracing.enabled;
