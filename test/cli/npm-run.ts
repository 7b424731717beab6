import { spawn } from 'node:child_process';
import { REPO } from '../paths.js';

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run <script> -- <args>` as an operator types it, on `dataDir`, `input` on stdin. */
export function npmRun(
  script: string,
  dataDir: string,
  args: string[],
  input = '',
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
      cwd: REPO,
      env: { ...process.env, BOT_TOKEN: '123456:TEST-token', DATA_DIR: dataDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
