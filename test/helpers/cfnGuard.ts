import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Runs CloudFormation Guard policies the way an AWS Config custom policy rule does: the policy
 * against one configuration item. The cfn-guard binary (3.1.1) ships inside
 * `@cdklabs/cdk-validator-cfnguard`; the policies use Guard 2 syntax only, which Guard 3 runs unchanged.
 */
const PLATFORM_DIRS: Record<string, string> = {
  'linux-x64': 'ubuntu/x86_64',
  'linux-arm64': 'ubuntu/aarch64',
  'darwin-x64': 'macos/x86_64',
  'darwin-arm64': 'macos/aarch64',
};

export function cfnGuardBinary(): string {
  const dir = PLATFORM_DIRS[`${process.platform}-${process.arch}`];
  if (!dir) throw new Error(`no cfn-guard binary for ${process.platform}-${process.arch}`);
  const packageJson = createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard/package.json');
  return path.join(path.dirname(packageJson), 'bin', dir, 'cfn-guard');
}

/** Config's verdict for a custom policy rule: every rule PASS → COMPLIANT, any FAIL → NON_COMPLIANT, all SKIP → NOT_APPLICABLE. */
export type ConfigVerdict = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

const VERDICTS: Record<string, ConfigVerdict> = { PASS: 'COMPLIANT', FAIL: 'NON_COMPLIANT', SKIP: 'NOT_APPLICABLE' };

/** The verdict of `policy` on each configuration item, in order. */
export function evaluateGuardPolicy(policy: string, items: readonly unknown[]): ConfigVerdict[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'bems-guard-'));
  try {
    const rules = path.join(dir, 'policy.guard');
    writeFileSync(rules, policy);
    return items.map((item, index) => {
      const data = path.join(dir, `item-${index}.json`);
      writeFileSync(data, JSON.stringify(item));
      let stdout: string;
      try {
        stdout = execFileSync(
          cfnGuardBinary(),
          [
            'validate',
            '--rules',
            rules,
            '--data',
            data,
            '--output-format',
            'json',
            '--show-summary',
            'none',
            '--structured',
          ],
          { encoding: 'utf8' },
        );
      } catch (error) {
        // Exit code 19: some rule failed; the report is on stdout all the same. Anything else is a broken policy.
        const failed = error as { status?: number; stdout?: string; stderr?: string };
        if (failed.status !== 19 || !failed.stdout) throw new Error(`cfn-guard failed: ${failed.stderr ?? error}`);
        stdout = failed.stdout;
      }
      const [report] = JSON.parse(stdout) as { status: string }[];
      const verdict = VERDICTS[report!.status];
      if (!verdict) throw new Error(`cfn-guard status ${report!.status}`);
      return verdict;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
