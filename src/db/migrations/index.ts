import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';
import * as filesSearch from './0002-files-search.js';
import * as libraryJobs from './0003-library-jobs.js';
import * as broadcasts from './0004-broadcasts.js';
import * as adminApi from './0005-admin-api.js';
import * as processingFacts from './0006-processing-facts.js';
import * as deliveryState from './0007-delivery-state.js';
import * as libraryScale from './0008-library-scale.js';
import * as broadcastParseMode from './0010-broadcast-parse-mode.js';
import * as operations from './0011-operations.js';
import * as searchMerge from './0012-search-merge.js';

/** Every migration, in order; names sort in the order they run. */
export const migrations: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001-initial': initial,
      '0002-files-search': filesSearch,
      '0003-library-jobs': libraryJobs,
      '0004-broadcasts': broadcasts,
      '0005-admin-api': adminApi,
      '0006-processing-facts': processingFacts,
      '0007-delivery-state': deliveryState,
      '0008-library-scale': libraryScale,
      '0010-broadcast-parse-mode': broadcastParseMode,
      '0011-operations': operations,
      '0012-search-merge': searchMerge,
    };
  },
};
