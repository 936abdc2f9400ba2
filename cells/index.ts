export * from './cells.config.ts';
export * from './definition.ts';
export * from './monitorTopology.ts';
export * from './topology.ts';
