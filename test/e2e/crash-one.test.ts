import { crashTest } from './crash-run.js';

crashTest('one');
