import { parser } from '@prometheus-io/lezer-promql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** One label matcher of a selector: `state="waiting"`. */
export interface LabelMatcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  /** The string literal's content, unquoted. */
  readonly value: string;
}

/** A vector selector: `robot_seeder_queue_jobs{state="waiting"}`. */
export interface VectorSelector {
  readonly metric: string;
  readonly matchers: readonly LabelMatcher[];
}

/** What a PromQL expression is made of, as far as the deployment kit's test needs to know. */
export interface PromqlParts {
  /** Syntax errors, with where they are: empty for a valid expression. */
  readonly errors: readonly string[];
  readonly selectors: readonly VectorSelector[];
  /** Every label name the expression names: in matchers, `by`/`without`, `on`/`ignoring`, `group_left`/`group_right`. */
  readonly labelNames: readonly string[];
  /** The metrics selected inside each `sum` aggregation. */
  readonly summed: readonly string[];
  /** Aggregations (sum, max, count ...) without a `by` grouping that names `app`. */
  readonly aggregationsWithoutApp: readonly string[];
}

const MATCH_OPS: Readonly<Record<string, LabelMatcher['op']>> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

/**
 * Reads a PromQL expression with Prometheus's own grammar (the one its UI uses), so that a
 * syntax error fails instead of hiding a metric name from a regular expression.
 */
export function parsePromql(expr: string): PromqlParts {
  const tree = parser.parse(expr);
  const text = (n: SyntaxNode): string => expr.slice(n.from, n.to);
  const errors: string[] = [];
  const selectors: VectorSelector[] = [];
  const labelNames: string[] = [];
  const summed: string[] = [];
  const aggregationsWithoutApp: string[] = [];
  tree.iterate({
    enter: (ref) => {
      const node = ref.node;
      if (ref.type.isError)
        errors.push(`syntax error at ${ref.from}: ${JSON.stringify(expr.slice(Math.max(0, ref.from - 20), ref.to + 20))}`);
      else if (ref.name === 'LabelName') labelNames.push(text(node));
      else if (ref.name === 'VectorSelector') selectors.push(vectorSelector(node, text, errors));
      else if (ref.name === 'AggregateExpr') {
        const grouping = node.getChild('AggregateModifier');
        const by = grouping?.getChild('By') ? (grouping.getChild('GroupingLabels')?.getChildren('LabelName') ?? []).map(text) : [];
        if (!by.includes('app')) aggregationsWithoutApp.push(text(node));
        if (node.getChild('AggregateOp')?.getChild('Sum')) {
          for (const inner of descendants(node, 'Identifier')) if (inner.parent?.name === 'VectorSelector') summed.push(text(inner));
        }
      }
    },
  });
  return { errors, selectors, labelNames, summed, aggregationsWithoutApp };
}

function vectorSelector(node: SyntaxNode, text: (n: SyntaxNode) => string, errors: string[]): VectorSelector {
  const identifier = node.getChild('Identifier');
  if (identifier === null) errors.push(`a selector without a metric name: ${text(node)}`);
  const matchers: LabelMatcher[] = [];
  for (const m of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
    const label = m.getChild('LabelName');
    const opName = m.getChild('MatchOp')?.firstChild?.name ?? '';
    const literal = m.getChild('StringLiteral');
    const op = MATCH_OPS[opName];
    if (label === null || literal === null || op === undefined) {
      errors.push(`a label matcher this test cannot read: ${text(m)}`);
      continue;
    }
    matchers.push({ label: text(label), op, value: unquote(text(literal)) });
  }
  // Prometheus 3's quoted names ({"name"}) are not used here; refuse them rather than miss a name.
  const quoted = node.getChild('LabelMatchers')?.getChildren('QuotedLabelMatcher').length ?? 0;
  if (quoted > 0 || node.getChild('LabelMatchers')?.getChild('QuotedLabelName'))
    errors.push(`quoted label names are not supported: ${text(node)}`);
  return { metric: identifier === null ? '' : text(identifier), matchers };
}

function descendants(node: SyntaxNode, name: string): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const cursor = node.cursor();
  do if (cursor.name === name) found.push(cursor.node);
  while (cursor.next() && cursor.from < node.to);
  return found;
}

/** A PromQL string literal's content: "..." or '...' with backslash escapes, or `...` raw. */
function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  return literal.startsWith('`') ? body : body.replace(/\\(.)/g, '$1');
}
