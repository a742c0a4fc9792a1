export { AccountPage as AccountRoute } from './components/account-page';
