import { onBeforeUnmount, onMounted } from 'vue';
import { useI18n } from 'vue-i18n';
import { useApi } from '../../stores/api';
import { useDatasetStore } from '../../stores/dataset';

const carriesFiles = (e: DragEvent): boolean => !!e.dataTransfer?.types.includes('Files');

/**
 * A folder dropped anywhere on the window opens as if picked (desktop app). Whatever is dropped,
 * the page never navigates to it; in browser mode, where a drop carries no path, nothing happens.
 */
export function useFolderDrop(): void {
  const api = useApi();
  const dataset = useDatasetStore();
  const { t } = useI18n();

  function onDragOver(e: DragEvent): void {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = api.openDropped ? 'copy' : 'none';
  }

  async function onDrop(e: DragEvent): Promise<void> {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    const item = e.dataTransfer?.files[0];
    if (!item || !api.openDropped) return;
    const folder = await api.openDropped(item);
    if (folder) await dataset.open(folder);
    else dataset.error = t('app.dropNotFolder', { name: item.name });
  }

  const drop = (e: DragEvent) => void onDrop(e);
  onMounted(() => {
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', drop);
  });
  onBeforeUnmount(() => {
    window.removeEventListener('dragover', onDragOver);
    window.removeEventListener('drop', drop);
  });
}
