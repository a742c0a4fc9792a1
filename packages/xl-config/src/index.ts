export * from './diagnostics.js';
export * from './document.js';
export { tokenize, type Token, type TokenKind } from './lexer.js';
export { type AssignmentNode, type AtomNode, type ListNode, type ValueNode, dequote } from './parser.js';
export * from './values.js';
export * from './disk.js';
export * from './vif.js';
export * from './model.js';
