import 'handlebars'; // its typings declare the global hbs.AST namespace

/** A path in a template and the block it sits in (`{{#each X}}` / `{{#with X}}` change what paths refer to). */
export interface PathUse {
  path: hbs.AST.PathExpression;
  /** The innermost enclosing `each`/`with` block, if any. */
  scope: { helper: 'each' | 'with'; path: string } | null;
  /** Printed as `{{…}}` (a mustache), as opposed to a helper's argument. */
  printed: boolean;
}

/** A construct that stored templates may not use, with where it is. */
export interface ForbiddenUse {
  line: number;
  /** 1-based. */
  column: number;
  reason: string;
}

/** Every path expression of a template, in document order. */
export function collectPaths(program: hbs.AST.Program): PathUse[] {
  const out: PathUse[] = [];
  const visitExpr = (node: hbs.AST.Node | undefined, scope: PathUse['scope'], printed: boolean): void => {
    if (!node) return;
    if (isType<hbs.AST.PathExpression>(node, 'PathExpression')) {
      out.push({ path: node, scope, printed });
    } else if (isType<hbs.AST.SubExpression>(node, 'SubExpression')) {
      visitCall(node, scope, false);
    }
  };
  const visitCall = (
    node: { path: hbs.AST.Node; params: hbs.AST.Node[]; hash?: hbs.AST.Hash },
    scope: PathUse['scope'],
    printed: boolean,
  ): void => {
    // `{{name}}` with no arguments is a value; with arguments, `name` is a helper.
    const isHelperCall = node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;
    if (!isHelperCall) visitExpr(node.path, scope, printed);
    for (const p of node.params) visitExpr(p, scope, false);
    for (const pair of node.hash?.pairs ?? []) visitExpr(pair.value, scope, false);
  };
  const visitProgram = (program: hbs.AST.Program | undefined, scope: PathUse['scope']): void => {
    for (const statement of program?.body ?? []) {
      if (isType<hbs.AST.MustacheStatement>(statement, 'MustacheStatement')) {
        visitCall(statement, scope, true);
      } else if (isType<hbs.AST.BlockStatement>(statement, 'BlockStatement')) {
        for (const p of statement.params) visitExpr(p, scope, false);
        for (const pair of statement.hash?.pairs ?? []) visitExpr(pair.value, scope, false);
        const helper = statement.path.original;
        const arg = statement.params[0];
        const inner =
          (helper === 'each' || helper === 'with') &&
          arg &&
          isType<hbs.AST.PathExpression>(arg, 'PathExpression')
            ? { helper: helper as 'each' | 'with', path: arg.original }
            : scope;
        visitProgram(statement.program, inner);
        visitProgram(statement.inverse, scope);
      }
    }
  };
  visitProgram(program, null);
  return out;
}

/**
 * What a stored template may not contain: raw output (`{{{x}}}` / `{{& x}}`) except the trusted
 * values given, partials and decorators (nothing is registered, and they would only hide markup).
 */
export function findForbidden(program: hbs.AST.Program, trustedRaw: readonly string[]): ForbiddenUse[] {
  const out: ForbiddenUse[] = [];
  const visit = (program: hbs.AST.Program | undefined, nested: boolean): void => {
    for (const s of program?.body ?? []) {
      const line = s.loc?.start.line ?? 1;
      const column = (s.loc?.start.column ?? 0) + 1;
      switch (s.type) {
        case 'MustacheStatement': {
          const m = s as hbs.AST.MustacheStatement;
          const path = isType<hbs.AST.PathExpression>(m.path, 'PathExpression') ? m.path.original : null;
          const trusted = !nested && path !== null && trustedRaw.includes(path) && m.params.length === 0;
          if (!m.escaped && !trusted) {
            out.push({
              line,
              column,
              reason:
                `raw output {{{${path ?? '…'}}}} is not allowed: use {{${path ?? '…'}}}, which escapes the value` +
                (trustedRaw.length
                  ? ` (only ${trustedRaw.map((v) => `{{{${v}}}}`).join(', ')} may be raw)`
                  : ''),
            });
          }
          break;
        }
        case 'BlockStatement': {
          const b = s as hbs.AST.BlockStatement;
          // Inside each/with `edition.html` would mean something else: raw output only at the top.
          const changesScope = b.path.original === 'each' || b.path.original === 'with';
          visit(b.program, nested || changesScope);
          visit(b.inverse, nested || changesScope);
          break;
        }
        case 'PartialStatement':
        case 'PartialBlockStatement':
          out.push({ line, column, reason: 'partials ({{> …}}) are not supported' });
          break;
        case 'DecoratorBlock':
        case 'Decorator':
          out.push({ line, column, reason: 'decorators ({{* …}}) are not supported' });
          break;
      }
    }
  };
  visit(program, false);
  return out;
}

function isType<T extends hbs.AST.Node>(node: hbs.AST.Node, type: string): node is T {
  return node.type === type;
}
