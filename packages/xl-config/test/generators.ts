// fast-check generators for xl config text: well-formed files with every grammar feature, and
// mutations of them that hit the error paths.
import fc from 'fast-check';

const keys = ['memory', 'name', 'disk', 'vif', 'a', 'b.c', 'x_1', 'extra'];
const blank = fc.constantFrom('', '', ' ', '  ', '\t', ' \t ');
const comment = fc.constantFrom('# c', '#', '#memory = 5', '# "quoted" [x]', '# ünï', '#\r');
const nl = fc.oneof(
  { weight: 4, arbitrary: fc.constant('\n') },
  { weight: 1, arbitrary: comment.map((c) => `${c}\n`) },
  { weight: 1, arbitrary: blank.map((b) => `${b}\n`) },
);
const nlok = fc.array(nl, { maxLength: 2 }).map((a) => a.join(''));

const strChar = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom<string>(
      '"',
      "'",
      'a',
      'Z',
      '0',
      ' ',
      '/',
      ',',
      '=',
      ':',
      '#',
      '[',
      ']',
      ';',
      'é',
      '\t',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '\\n',
      '\\t',
      '\\\\',
      '\\"',
      "\\'",
      '\\a',
      '\\r',
      '\\v',
      '\\b',
      '\\f',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('\\012', '\\1 23', '\\0+12', '\\7-1') },
);
const quoted = fc
  .tuple(fc.constantFrom('"', "'"), fc.array(strChar, { maxLength: 12 }))
  .map(([q, cs]) => {
    // the other quote character appears raw; this one must be escaped
    return `${q}${cs.map((c) => (c === q ? `\\${q}` : c)).join('')}${q}`;
  });
const number = fc.oneof(
  fc.nat({ max: 100000 }).map(String),
  fc.constantFrom(
    '0x1f',
    '010',
    '08',
    '0',
    '9223372036854775807',
    '9223372036854775808',
    '1abc',
    '0x',
    '12x3',
  ),
);
const atom = fc.oneof({ weight: 3, arbitrary: quoted }, { weight: 2, arbitrary: number });

const value: fc.Arbitrary<string> = fc.letrec<{ value: string; list: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, atom, tie('list')),
  list: fc
    .tuple(
      nlok,
      fc.array(fc.tuple(blank, tie('value'), nlok), { maxLength: 4 }),
      fc.boolean(),
      nlok,
    )
    .map(([n0, items, trailing, n1]) => {
      const body = items.map(([b, v, n]) => `${b}${v}${n}`).join(',');
      return `[${n0}${body}${trailing && items.length > 0 ? `,${n1}` : ''}]`;
    }),
})).value;

const statement = fc
  .tuple(
    blank,
    fc.constantFrom(...keys),
    blank,
    fc.constantFrom('=', '=', '+='),
    blank,
    value,
    blank,
  )
  .map(([b0, k, b1, op, b2, v, b3]) => `${b0}${k}${b1}${op}${b2}${v}${b3}`);
const end = fc.oneof({ weight: 5, arbitrary: nl }, { weight: 1, arbitrary: fc.constant(';') });

/** Well-formed configs (libxlutil may still reject some: `+=` type mismatches, odd escapes). */
export const xlConfigText: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(
      fc.oneof(
        { weight: 4, arbitrary: fc.tuple(statement, end).map(([s, e]) => s + e) },
        { weight: 1, arbitrary: nl },
      ),
      { maxLength: 8 },
    ),
    fc.option(statement),
  )
  .map(([stmts, last]) => stmts.join('') + (last ?? ''));

const noise = fc.constantFrom(
  '"',
  "'",
  '\\',
  '[',
  ']',
  ',',
  ';',
  '=',
  '+=',
  '#',
  '\r',
  '\n',
  ' ',
  '-',
  '.',
  'A',
  'a',
  '0',
  'x',
  'F',
  '(',
  '\\x41',
  '\\0',
);
/** Configs with one random insertion or deletion: mostly rejected, which is the point. */
export const mutatedConfigText: fc.Arbitrary<string> = fc
  .tuple(xlConfigText, fc.nat(), noise, fc.boolean())
  .map(([t, at, ins, del]) => {
    const i = t.length === 0 ? 0 : at % (t.length + 1);
    return del && t.length > 0 ? t.slice(0, i) + t.slice(i + 1) : t.slice(0, i) + ins + t.slice(i);
  });
