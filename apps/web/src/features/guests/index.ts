/**
 * New guests: the create-guest wizard (`/guests/new`, lazy) and its `POST /api/v1/guests` call.
 * The mapping from the wizard's answers to a config is @xendeck/xl-config's (`guestPreview`).
 */
export { NewGuestRoute } from './components/lazy-new-guest-page';
