/**
 * The query catalogue (see `queryCatalogue.ts` and docs/QUERIES.md): every dashboard and monitor
 * query with its Timestream, Athena and local (SQLite) rendering.
 */
export { athenaDialect, type DatasetDialect, timestreamDialect } from './datasetDialects.ts';
export { minorDigitsCase } from './datasetSql.ts';
export {
  type CatalogueEntry,
  type CatalogueId,
  type CatalogueOptions,
  type LocalWindow,
  queryCatalogue,
} from './queryCatalogue.ts';
