/**
 * The audit log (`GET /api/v1/audit`): the `/audit` page, a searchable table of who changed what,
 * from where, with the equivalent `xl` / `lvm` command and the result. Customers see the entries
 * of their own domains (the server filters).
 */
export { AuditRoute } from './components/lazy-audit-page';
