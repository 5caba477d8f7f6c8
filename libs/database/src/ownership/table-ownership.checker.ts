import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as ts from 'typescript';
import { TABLE_OWNERS, TABLE_WRITE_GRANTS } from './table-owners';

/** One write to a table found in the source: where, by which library, how. */
export interface TableWrite {
  file: string;
  line: number;
  library: string;
  table: string;
  how: string;
}

export interface OwnershipOptions {
  owners?: Readonly<Record<string, string>>;
  grants?: readonly { table: string; library: string }[];
}

// SQL keywords that write a table, upper case as the code base writes SQL (an English sentence such as
// "update the campaign" is not SQL). `FOR UPDATE` / `DO UPDATE SET` lock or upsert, they name no table.
const SQL_WRITE =
  /(?<!FOR |FOR NO KEY |DO |BEFORE |AFTER |ON )\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?"?([a-z_][a-z0-9_]*)"?/g;
const TEMP_TABLE =
  /CREATE\s+(?:TEMP|TEMPORARY|UNLOGGED)\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([a-z_][a-z0-9_]*)/g;
const NOT_A_TABLE = new Set(['set', 'of', 'skip', 'nowait']);
// TypeORM calls that write: on a repository, or on a manager/query builder with the entity class first.
const ORM_WRITES = new Set([
  'save',
  'insert',
  'update',
  'upsert',
  'delete',
  'remove',
  'softDelete',
  'softRemove',
  'restore',
  'increment',
  'decrement',
  'clear',
]);

/** The library a file belongs to (`libs/<name>/src/…`), an app as `app:<name>`, else null. */
export function libraryOf(file: string): string | null {
  const parts = file.split(sep).join('/').split('/');
  const at = parts.findIndex((p, i) => (p === 'libs' || p === 'apps') && parts[i + 2] === 'src');
  if (at < 0) return null;
  return parts[at] === 'libs' ? parts[at + 1] : `app:${parts[at + 1]}`;
}

/** The TypeScript files whose writes are checked: libraries and apps, not specs, not migrations. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'node_modules' && name !== 'migrations') walk(path);
      } else if (name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.d.ts')) {
        out.push(path);
      }
    }
  };
  for (const top of ['libs', 'apps']) if (existsSync(join(root, top))) walk(join(root, top));
  return out;
}

/** Entity class name → table, from every `@Entity('table')` in the files. */
export function entityTables(files: { path: string; text: string }[]): Map<string, string> {
  const tables = new Map<string, string>();
  const decorated = /@Entity\(\s*'([a-z_][a-z0-9_]*)'[^)]*\)\s*(?:export\s+)?class\s+(\w+)/g;
  for (const { text } of files) {
    for (const m of text.matchAll(decorated)) tables.set(m[2], m[1]);
  }
  return tables;
}

/** Every write to a table in one file: SQL in string and template literals, and TypeORM writes. */
export function findWrites(
  path: string,
  text: string,
  entities: Map<string, string>,
  root = '',
): TableWrite[] {
  const library = libraryOf(relative(root, path) || path);
  if (!library) return [];
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const file = relative(root, path) || path;
  const temp = new Set([...text.matchAll(TEMP_TABLE)].map((m) => m[1]));
  const writes: TableWrite[] = [];
  const add = (node: ts.Node, table: string, how: string) => {
    if (temp.has(table)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    writes.push({ file, line, library, table, how });
  };

  // Repositories by name: `@InjectRepository(X) private readonly name: Repository<X>`, `const r = m.getRepository(X)`.
  const repositories = new Map<string, string>();
  const entityOf = (node: ts.Expression | undefined): string | undefined =>
    node && ts.isIdentifier(node) ? entities.get(node.text) : undefined;
  const repositoryEntity = (node: ts.Expression): string | undefined => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      if (node.expression.name.text === 'getRepository') return entityOf(node.arguments[0]);
    }
    if (ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword) {
      return repositories.get(node.name.text);
    }
    if (ts.isIdentifier(node)) return repositories.get(node.text);
    return undefined;
  };

  const visit = (node: ts.Node) => {
    if (ts.isParameter(node) && ts.isIdentifier(node.name)) {
      for (const d of ts.getDecorators(node) ?? []) {
        const call = d.expression;
        if (ts.isCallExpression(call) && ts.isIdentifier(call.expression)) {
          if (call.expression.text === 'InjectRepository') {
            const table = entityOf(call.arguments[0]);
            if (table) repositories.set(node.name.text, table);
          }
        }
      }
    }
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      const table = repositoryEntity(node.initializer);
      if (table) repositories.set(node.name.text, table);
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      if (ORM_WRITES.has(method)) {
        const table = repositoryEntity(node.expression.expression) ?? entityOf(node.arguments[0]);
        if (table) add(node, table, `TypeORM ${method}`);
      } else if (method === 'into') {
        const table = entityOf(node.arguments[0]);
        if (table) add(node, table, 'TypeORM insert');
      }
    }
    let sql: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) sql = node.text;
    else if (ts.isTemplateExpression(node)) {
      sql = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ${…} ');
    }
    if (sql !== undefined) {
      for (const m of sql.matchAll(SQL_WRITE)) {
        if (!NOT_A_TABLE.has(m[2])) add(node, m[2], m[1].replace(/\s+/g, ' '));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return writes;
}

/** The writes that break ownership: to a table of another library (without a grant), or an unknown one. */
export function checkOwnership(writes: TableWrite[], options: OwnershipOptions = {}): string[] {
  const owners = options.owners ?? TABLE_OWNERS;
  const grants = options.grants ?? TABLE_WRITE_GRANTS;
  const problems: string[] = [];
  for (const w of writes) {
    const owner = owners[w.table];
    if (owner === undefined) {
      problems.push(`${w.file}:${w.line}: ${w.how} ${w.table}: a table missing from table-owners.ts`);
    } else if (owner !== w.library && !grants.some((g) => g.table === w.table && g.library === w.library)) {
      problems.push(
        `${w.file}:${w.line}: ${w.library} writes ${w.table} (${w.how}), which belongs to ${owner}: call ${owner} instead`,
      );
    }
  }
  return problems;
}

/**
 * The owners as docs/architecture.md lists them (its "Table owners" table): it must say what
 * table-owners.ts says, so the documentation never drifts from what lint enforces.
 */
export function checkDocumentedOwners(markdown: string, options: OwnershipOptions = {}): string[] {
  const owners = options.owners ?? TABLE_OWNERS;
  const grants = options.grants ?? TABLE_WRITE_GRANTS;
  const documented = new Map<string, string>();
  for (const m of markdown.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*`([a-z-]+)`\s*\|(.*)\|\s*$/gm))
    documented.set(m[1], m[2] + '|' + m[3]);
  const problems: string[] = [];
  for (const [table, owner] of Object.entries(owners)) {
    const row = documented.get(table);
    if (!row) problems.push(`docs/architecture.md: table ${table} (owner ${owner}) is not listed`);
    else {
      const [docOwner, also] = row.split('|');
      if (docOwner !== owner)
        problems.push(`docs/architecture.md: ${table} belongs to ${owner}, not ${docOwner}`);
      for (const g of grants.filter((g) => g.table === table)) {
        if (!also.includes(`\`${g.library}\``)) {
          problems.push(`docs/architecture.md: ${table} does not say that ${g.library} also writes it`);
        }
      }
    }
  }
  for (const table of documented.keys()) {
    if (!(table in owners)) problems.push(`docs/architecture.md: ${table} is not in table-owners.ts`);
  }
  return problems;
}

/** Scans the tree under `root` and returns every ownership problem (none: the tree is clean). */
export function checkTree(root: string, options: OwnershipOptions = {}): string[] {
  const files = sourceFiles(root).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const entities = entityTables(files);
  const docs = join(root, 'docs', 'architecture.md');
  return [
    ...checkOwnership(
      files.flatMap((f) => findWrites(f.path, f.text, entities, root)),
      options,
    ),
    ...(existsSync(docs) ? checkDocumentedOwners(readFileSync(docs, 'utf8'), options) : []),
  ];
}
