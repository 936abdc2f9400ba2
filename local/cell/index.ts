export { DataDirError, LocalCellError, PortInUseError, StartupError } from './errors.ts';
export { type FaultRule, parseFaultFlag } from './faults/index.ts';
export { type LocalCellOptions, type RunningLocalCell, startLocalCell } from './LocalCell.ts';
