import { Link, useLocation } from 'react-router';

export function NotFoundRoute() {
  const location = useLocation();
  return (
    <div className="text-sm">
      <h1 className="mb-2 text-lg font-semibold">Not found</h1>
      <p>
        Nothing lives at <code className="font-mono">{location.pathname}</code>.{' '}
        <Link to="/" className="text-sky-700 underline dark:text-sky-400">
          Back to the overview
        </Link>
      </p>
    </div>
  );
}
