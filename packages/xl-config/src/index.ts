export * from './commands.js';
export * from './cpumap.js';
export * from './diagnostics.js';
export * from './disk.js';
export * from './document.js';
export * from './guest.js';
export { type Token, type TokenKind, tokenize } from './lexer.js';
export * from './model.js';
export {
  type AssignmentNode,
  type AtomNode,
  dequote,
  type ListNode,
  MAX_LIST_DEPTH,
  type ValueNode,
} from './parser.js';
export * from './values.js';
export * from './vif.js';
