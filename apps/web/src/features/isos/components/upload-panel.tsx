/**
 * Where files enter the library: a drop zone (drag one or more `.iso` files onto it) with a file
 * picker, and below it the upload list (upload-item.tsx). Leaving the tab while an upload runs
 * asks for confirmation (the browser's own prompt).
 */
import type { IsoList } from '@xendeck/api';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/button';
import { addFiles, anyUploadRunning, useUploads } from '../lib/uploads-store';
import { UploadItem } from './upload-item';

export function UploadPanel({
  list,
  onUploaded,
}: {
  list: IsoList | undefined;
  onUploaded: () => void;
}) {
  const uploads = useUploads();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (anyUploadRunning()) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  return (
    <div className="flex flex-col gap-3">
      <section
        aria-label="Drop ISO files here"
        data-testid="iso-drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          addFiles(Array.from(e.dataTransfer.files));
        }}
        className={`flex flex-col items-center justify-center gap-2 rounded-lg border-2 border-dashed px-4 py-6 text-center text-sm transition-colors ${
          over
            ? 'border-sky-500 bg-sky-50 dark:border-sky-400 dark:bg-sky-950/40'
            : 'border-zinc-300 dark:border-zinc-700'
        }`}
      >
        <p className="text-zinc-700 dark:text-zinc-200">
          Drop <span className="font-mono">.iso</span> files here, or
        </p>
        <Button
          variant="secondary"
          onClick={() => input.current?.click()}
          data-testid="iso-choose-files"
        >
          Choose files…
        </Button>
        <input
          ref={input}
          type="file"
          accept=".iso,application/x-iso9660-image"
          multiple
          className="hidden"
          data-testid="iso-file-input"
          onChange={(e) => {
            addFiles(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          {list ? (
            <>
              Into <span className="font-mono">{list.directory}</span> on dom0
            </>
          ) : null}{' '}
          · names: letters, digits, <span className="font-mono">. _ + -</span>, ending{' '}
          <span className="font-mono">.iso</span>
        </p>
      </section>
      {uploads.length > 0 ? (
        <ul className="flex flex-col gap-2" aria-label="Uploads">
          {uploads.map((item) => (
            <UploadItem key={item.id} item={item} list={list} onUploaded={onUploaded} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
