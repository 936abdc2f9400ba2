export * from './cells.config.ts';
export * from './definition.ts';
export * from './topology.ts';
export * from './monitorTopology.ts';
