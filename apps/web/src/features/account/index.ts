export { AccountRoute } from './components/lazy-account-page';
export { TokensTable } from './components/tokens-panel';
