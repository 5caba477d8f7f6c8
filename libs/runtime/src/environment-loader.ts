import * as fs from 'node:fs';
import { Environment, EnvironmentValidationError, validateEnvironment } from '@touchbase/config';

/**
 * Reads `.env` (when present; real environment variables win), validates everything, and on a bad
 * value prints each bad variable and why, then exits with code 1.
 */
export function loadEnvironmentOrExit(): Environment {
  const envFile = process.env.TOUCHBASE_ENV_FILE ?? '.env';
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile);
  try {
    return validateEnvironment(process.env);
  } catch (e) {
    if (e instanceof EnvironmentValidationError) {
      process.stderr.write(`touchbase cannot start. ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}
