/**
 * A function that schedules `flush` for the end of this turn of the event loop (`setImmediate`),
 * once however often it is called before then: how both ends of the SDK port bound the time a
 * gathered message waits (`EmulatorPort`, `servePort`).
 */
export function endOfTurn(flush: () => void): () => void {
  let queued = false;
  const run = () => {
    queued = false;
    flush();
  };
  return () => {
    if (queued) return;
    queued = true;
    setImmediate(run);
  };
}
