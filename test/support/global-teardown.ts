import * as fs from 'fs';
import { RUN_DIR_VARIABLE } from './repository-copy';

/** Deletes the run's folder (global-setup.ts) and the built copy in it. */
export default function globalTeardown(): void {
  const run = process.env[RUN_DIR_VARIABLE];
  if (run) fs.rmSync(run, { recursive: true, force: true });
}
