import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Vitest global setup: the browser tests drive Debian's Chromium, which no npm package can bring
 * (browser downloads are not possible here). So that `npm test` works on a fresh machine, install
 * it with apt when it is missing and we are allowed to (root, apt-get present). Otherwise the
 * browser test fails with a message that says how to install it.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export default function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.warn(`test setup: ${CHROMIUM_PATH} is missing; install Debian's chromium for the browser tests`);
    return;
  }
  console.log('test setup: installing Debian chromium for the browser tests (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  } catch (error) {
    console.warn(`test setup: could not install chromium (${(error as Error).message}); browser tests will fail`);
  }
}
