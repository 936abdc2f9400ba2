export type { AccessLevel } from '../../cells/definition.ts';
export { type AwsClients, awsTarget, outputKeyOf, REQUIRED_OUTPUTS } from './awsTarget.ts';
export type { CellTarget, ComponentStatus } from './CellTarget.ts';
export { type AccessOptions, type CellSession, cellRoleArn, cellSession, sessionNameOf } from './cellSession.ts';
export { localTarget } from './localTarget.ts';
export { DEFAULT_LOCAL_DATA_DIR, localDataDir, resolveTarget, type TargetFlags } from './resolveTarget.ts';
