export { AccountPage as AccountRoute } from './components/account-page';
export { TokensTable } from './components/tokens-panel';
