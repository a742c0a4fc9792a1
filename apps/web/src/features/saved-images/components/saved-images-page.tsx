/**
 * `/saved`: the saved domain images in the save directory, with Restore and Delete. Above the
 * list, the tasks to follow: the restores started here, and `?task=<id>` (the save a domain
 * page's Save… dialog started). Loaded lazily (lazy-saved-images-page.tsx).
 */
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Panel, QueryState } from '@/components/panel';
import { useSavedImages } from '../api/get-saved-images';
import { FollowedTask } from './followed-task';
import { SavedImagesTable } from './saved-images-table';

export default function SavedImagesPage() {
  const images = useSavedImages();
  const [params] = useSearchParams();
  const fromLink = params.getAll('task');
  const [started, setStarted] = useState<string[]>([]);
  const tasks = [...started, ...fromLink.filter((id) => !started.includes(id))];
  return (
    <>
      <h1 className="text-lg font-semibold tracking-tight">Saved images</h1>
      <p className="max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        Guests saved with <code className="font-mono">xl save</code> (from a domain’s page, or by{' '}
        <code className="font-mono">xendomains</code> at dom0 shutdown). xendomains restores every
        image still waiting here when dom0 boots; an image restored from Xendeck is kept, renamed so
        that xendomains leaves it alone.
      </p>
      {tasks.length > 0 ? (
        <div className="flex flex-col gap-1" data-testid="saved-image-tasks">
          {tasks.map((id) => (
            <FollowedTask key={id} id={id} />
          ))}
        </div>
      ) : null}
      <Panel
        title="Images"
        labelledBy="saved-images-heading"
        actions={
          images.data ? (
            <span className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
              {images.data.dir}
            </span>
          ) : null
        }
      >
        <QueryState isPending={images.isPending} error={images.error} what="the saved images" />
        {images.data ? (
          <div className="-mx-4 -mb-4 overflow-x-auto">
            <SavedImagesTable
              list={images.data}
              onTaskStarted={(id) => setStarted((t) => [id, ...t])}
            />
          </div>
        ) : null}
      </Panel>
    </>
  );
}
