/**
 * What a named closure costs under tsx. tsx transforms with esbuild's `keepNames`, so every
 * `const f = () => …` (and every class field holding an arrow) becomes `__name(() => …, "f")`, an
 * `Object.defineProperty` on the new function each time the closure is created; an anonymous
 * arrow passed straight as an argument is left alone. On a hot path — once per message on the
 * emulator thread — prefer module functions and anonymous arrows.
 *
 *   npx tsx load-tests/micro/namedClosureCost.ts [--calls 1000000] [--rounds 3]
 */
import { benchFlags } from './benchFlags.ts';

const { calls, rounds } = benchFlags({ calls: 1_000_000, rounds: 3 });

function use(f: (x: number) => number, g: (x: number) => number): number {
  return f(1) + g(2);
}

/** Two closures bound to names, as `servePort` created per message before. */
function named(i: number): number {
  const reply = (x: number) => x + i;
  const failed = (x: number) => reply(x);
  return use(reply, failed);
}

function add(x: number, i: number): number {
  return x + i;
}

/** The same work with anonymous arrows as arguments, calling a module function. */
function anonymous(i: number): number {
  return use(
    (x) => add(x, i),
    (x) => add(x, i),
  );
}

for (let round = 1; round <= rounds; round++) {
  for (const [label, f] of [
    ['named closures', named],
    ['anonymous arrows', anonymous],
  ] as const) {
    const start = process.threadCpuUsage();
    let sum = 0;
    for (let i = 0; i < calls; i++) sum += f(i);
    const used = process.threadCpuUsage(start);
    if (sum === 0) throw new Error('unreachable');
    console.log(`round ${round}: ${label} ${((used.user + used.system) / calls).toFixed(3)} µs CPU per call`);
  }
}
