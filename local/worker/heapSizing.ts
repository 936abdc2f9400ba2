/**
 * How large V8 may let the young generation of the local cell's busy threads grow.
 *
 * V8 sizes each isolate's new space (two semi-spaces) by its allocation rate, up to 2 × 32 MiB on
 * this Node (V8 13.6), and does not shrink it while the allocation goes on. Under the soak's steady
 * load the cell's busy threads (main, `emulators`, `api-front`) each grew theirs towards that cap in
 * steps, minutes apart: resident memory that kept growing with no more live objects. 16 MiB, not
 * less: 8 MiB cost +23 % CPU per event in profile.ts bursts, 16 MiB +2.6 % (within noise)
 * (docs/PERFORMANCE.md, "Memory over time").
 *
 * The worker threads get it as `resourceLimits`; the main thread, whose heap exists before any of
 * our code runs, gets the same figure as `--max-semi-space-size` on the command line of `npm start`,
 * `npm run soak` and `npm run bench` (a test keeps them equal). A V8 flag given on the command line
 * or in NODE_OPTIONS takes precedence over `resourceLimits`, for every thread.
 */
export const SEMI_SPACE_MB = 16;

/**
 * `resourceLimits` for a worker thread of the cell: V8 counts the young generation as three
 * semi-spaces (two for the scavenger, one for young large objects). The old generation is left to
 * V8: a hard cap would turn a backlog (fauxqs keeps queued messages in the emulator thread's heap)
 * into a crashed thread.
 */
export const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 3 * SEMI_SPACE_MB } as const;
