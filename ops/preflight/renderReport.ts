import { formatTable } from '../formatTable.ts';
import type { CheckStatus } from './checkResult.ts';
import type { PreflightReport } from './runPreflight.ts';

const MARK: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '–' };

/**
 * The report for people: one table row per check (✓ pass, ✗ blocks, ! warning, – not applicable),
 * then, for every ✗ and !, what it means and how to fix it.
 */
export function renderReport(report: PreflightReport): string {
  const rows = report.checks.map((check) => [MARK[check.status], check.title, check.detail]);
  const problems = report.checks.filter((check) => check.status === 'fail' || check.status === 'warn');
  const lines = [
    `bems preflight — cell ${report.cell} (${report.store}), account ${report.account}, ${report.region}` +
      (report.principal ? `, as ${report.principal}` : ''),
    '',
    formatTable(['', 'check', 'found'], rows),
  ];
  if (problems.length) {
    lines.push('');
    for (const check of problems) {
      lines.push(`${MARK[check.status]} ${check.title} [${check.id}]`);
      lines.push(`    means: ${check.meaning}`);
      lines.push(`    fix:   ${check.fix}`);
    }
  }
  lines.push(
    '',
    report.ok
      ? `Ready to deploy: nothing blocks${report.warnings ? ` (${report.warnings} warning${report.warnings > 1 ? 's' : ''})` : ''}.`
      : `Not ready: ${report.blocking} check${report.blocking > 1 ? 's' : ''} block${report.blocking > 1 ? '' : 's'} the deploy (✗ above).`,
  );
  return lines.join('\n');
}
