/**
 * Sends invoice events through the producer client (`clients/producer/`), as an upstream system
 * would, and appends every confirmed event to the accepted-events log for `load-tests/verify.ts`.
 * Unlike the benchmark's raw generator it retries 429/5xx with backoff, so against a throttled or
 * flaky cell nothing is refused for good: the verifier must then find every event exactly once.
 *
 *   npx tsx load-tests/produce.ts --events 2000 [--producers 4] [--url URL --api-key KEY] [--accepted FILE]
 *   npx tsx load-tests/verify.ts --accepted load-tests/out/produced.jsonl --data-dir .data/local
 *
 * The benchmark (`load-tests/loadGenerator.ts`) keeps its raw `node:http` path: it measures each
 * request's latency and counts 429s, which retries would hide, and the client's fetch costs about
 * twice the CPU per request (`load-tests/micro/producerClientOverhead.ts`).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ProducerError } from '../clients/producer/errors.ts';
import type { StageEvents } from '../clients/producer/generated/openapi.ts';
import { ProducerClient } from '../clients/producer/ProducerClient.ts';
import { AcceptedLogWriter } from './acceptedLog.ts';
import { InvoiceEventGenerator } from './invoiceEventGenerator.ts';

type AnyEvent = StageEvents[keyof StageEvents];

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string', default: '1000' },
      producers: { type: 'string', default: '4' },
      url: { type: 'string', default: process.env.BEMS_URL ?? 'http://localhost:4010' },
      'api-key': { type: 'string', default: process.env.BEMS_API_KEY },
      accepted: { type: 'string', default: 'load-tests/out/produced.jsonl' },
    },
  });
  const total = Number(values.events);
  const producers = Number(values.producers);
  if (!values['api-key'] || !(total > 0) || !(producers > 0)) {
    console.error(
      'Usage: tsx load-tests/produce.ts --events N [--producers N] --url URL --api-key KEY [--accepted FILE]',
    );
    return 2;
  }
  const client = new ProducerClient({ baseUrl: values.url, apiKey: values['api-key'] });
  const generator = new InvoiceEventGenerator();
  const log = new AcceptedLogWriter(resolve(values.accepted));
  const started = Date.now();
  let sent = 0;
  let requests = 0;
  let batches = 0;
  let failed = 0;
  const producer = async () => {
    while (sent < total) {
      const post = generator.batch(Math.min(10, total - sent));
      sent += post.eventIds.length;
      batches += 1;
      // The generator builds contract-valid events; its body type is `unknown`.
      const events = (post.body as { events: AnyEvent[] }).events;
      const invoiceOf = new Map(events.map((event) => [event.eventId, event.invoiceId]));
      try {
        const result = await client.send(post.stage, events);
        requests += result.requests;
        const acceptedAt = Date.now();
        log.append(
          result.outcomes.map(({ eventId }) => ({
            eventId,
            invoiceId: invoiceOf.get(eventId)!,
            stage: post.stage,
            acceptedAt,
          })),
        );
      } catch (error) {
        if (!(error instanceof ProducerError)) throw error;
        failed += error.unconfirmed.length;
        console.error(`produce: ${error.name}: ${error.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: producers }, producer));
  log.close();
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `produce: ${sent - failed}/${sent} events confirmed in ${requests} requests (${requests - batches} retries), ` +
      `${seconds.toFixed(1)} s; log ${values.accepted}`,
  );
  return failed === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
