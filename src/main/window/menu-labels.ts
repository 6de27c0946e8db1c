import type { MenuAction } from '../../shared/ipc/menu-actions';

/** The menu's words. The main process has no vue-i18n: the two languages of the app live here. */
type MenuWords = Readonly<
  Record<
    | 'file'
    | 'openFolder'
    | 'openRecent'
    | 'noRecent'
    | 'clearRecent'
    | 'edit'
    | 'label'
    | 'view'
    | 'window'
    | 'help'
    | 'recentGone',
    string
  > &
    Record<MenuAction, string>
>;

const EN: MenuWords = {
  file: 'File',
  openFolder: 'Open Folder…',
  openRecent: 'Open Recent',
  noRecent: 'No recent folders',
  clearRecent: 'Clear Recent',
  edit: 'Edit',
  label: 'Label',
  view: 'View',
  window: 'Window',
  help: 'Help',
  recentGone: 'The folder {path} no longer exists; it was removed from Open Recent.',
  prev: 'Previous Image',
  next: 'Next Image',
  draw: 'Draw a Box',
  select: 'Select Tool',
  delete: 'Delete Box or Reject Suggestion',
  duplicate: 'Duplicate Selection',
  undo: 'Undo',
  redo: 'Redo',
  runImage: 'Run Prompt on This Image',
  runVisible: 'Run Prompt on Visible Images',
  accept: 'Accept Selected Suggestion',
  acceptAll: 'Accept All Suggestions on the Image',
  save: 'Save Now',
  zoomIn: 'Zoom In',
  zoomOut: 'Zoom Out',
  fit: 'Fit Image',
  import: 'Import Labels…',
  export: 'Export…',
  stats: 'Statistics…',
  shortcuts: 'Keyboard Shortcuts',
};

const ZH_CN: MenuWords = {
  file: '文件',
  openFolder: '打开文件夹…',
  openRecent: '最近打开',
  noRecent: '没有最近打开的文件夹',
  clearRecent: '清除最近打开',
  edit: '编辑',
  label: '标注',
  view: '视图',
  window: '窗口',
  help: '帮助',
  recentGone: '文件夹 {path} 已不存在，已从“最近打开”中移除。',
  prev: '上一张图片',
  next: '下一张图片',
  draw: '画框',
  select: '选择工具',
  delete: '删除框或拒绝候选框',
  duplicate: '复制所选',
  undo: '撤销',
  redo: '重做',
  runImage: '在此图上运行提示词',
  runVisible: '在可见图片上运行提示词',
  accept: '接受所选候选框',
  acceptAll: '接受此图全部候选框',
  save: '立即保存',
  zoomIn: '放大',
  zoomOut: '缩小',
  fit: '适合窗口',
  import: '导入标注…',
  export: '导出…',
  stats: '统计…',
  shortcuts: '键盘快捷键',
};

export type MenuLabels = MenuWords;

/** The words for the system's language (Electron's app.getLocale()): Chinese for zh*, else English. */
export const menuLabelsFor = (locale: string): MenuLabels => (/^zh\b/i.test(locale) ? ZH_CN : EN);
