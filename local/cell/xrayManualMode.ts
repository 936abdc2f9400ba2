/**
 * Imported first by `LocalCell.ts`, before the handlers: the X-Ray SDK that Powertools Tracer
 * loads installs, at import, a process-wide async hook (cls-hooked) unless AWS_XRAY_MANUAL_MODE
 * is set. The local cell runs with tracing off (there is no X-Ray daemon), so the hook would only
 * cost: it fires for every promise of every component, and showed up plainly in CPU profiles.
 * On AWS each function has its own process and keeps automatic mode.
 */
process.env.AWS_XRAY_MANUAL_MODE ??= '1';
