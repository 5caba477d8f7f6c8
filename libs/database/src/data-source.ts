import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';

/**
 * For the TypeORM CLI (`npm run migration:generate|run|revert`): the database in DATABASE_URL, with
 * every entity of the project so that `migration:generate` can compare them with the schema.
 */
const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write(
    'Set DATABASE_URL for migration commands, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/touchbase\n',
  );
  process.exit(1);
}

export default new DataSource({
  ...buildDataSourceOptions({ url, applicationName: 'touchbase-migrations' }),
  entities: [`${__dirname}/../../*/src/**/*.entity.{ts,js}`],
});
