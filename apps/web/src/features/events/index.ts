export { type LiveStatus, useDomainEvents } from './api/use-domain-events';
export { LiveIndicator } from './components/live-indicator';
export { applyEvent, applyEventToDomains } from './lib/apply-event';
