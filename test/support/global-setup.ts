import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RUN_DIR_VARIABLE } from './repository-copy';

/** A temporary folder for this jest run, which its workers inherit through the environment (repository-copy.ts). */
export default function globalSetup(): void {
  process.env[RUN_DIR_VARIABLE] = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-observable-test-run-'));
}
