/**
 * One save or restore task, followed live (`useFollowedTask` of the tasks feature); when it ends
 * the saved-image list is refetched. Test id `saved-image-task` (`data-state` = its state).
 */
import { useQueryClient } from '@tanstack/react-query';
import { FollowedTaskLine, useFollowedTask } from '@/features/tasks';
import { savedImagesQueryKey } from '../api/get-saved-images';

export function FollowedTask({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const task = useFollowedTask(id, () => {
    void queryClient.invalidateQueries({ queryKey: savedImagesQueryKey });
  });
  return task ? <FollowedTaskLine task={task} testId="saved-image-task" /> : null;
}
