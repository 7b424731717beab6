import { crashTest } from './crash-run.js';

crashTest('two');
