/**
 * KAML-D in JupyterLab, one plugin per feature: the side panel, push and pull in the file
 * browser, and "Copy code to open this file" into the active notebook.
 */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Clipboard, Notification } from '@jupyterlab/apputils';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { LabIcon } from '@jupyterlab/ui-components';
import { Token } from '@lumino/coreutils';

import { COPY_OPEN_CODE, KamldPanel } from './panel';
import { pullHere, pushFolder } from './transfer';

const ID = '@kamld/jupyterlab-kamld';
const PUSH_FOLDER = 'kamld:push-folder';
const PULL_HERE = 'kamld:pull-here';
const DIRECTORY_ITEM = '.jp-DirListing-item[data-isdir="true"]';

const kamldIcon = new LabIcon({
  name: 'kamld:logo',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161">' +
    '<path d="M4 4h3v7l6-7h4l-6.5 7.2L17 20h-4l-4.6-6.6L7 15v5H4z"/><circle cx="19" cy="19" r="2"/></g></svg>'
});

/** The panel, for the other plugins to refresh after a push or pull. */
const IKamldPanel = new Token<KamldPanel>(`${ID}:IKamldPanel`);

const panelPlugin: JupyterFrontEndPlugin<KamldPanel> = {
  id: `${ID}:panel`,
  description: 'A side panel to browse KAML-D artifacts, versions, aliases and lineage.',
  autoStart: true,
  provides: IKamldPanel,
  optional: [ILayoutRestorer],
  activate: (app: JupyterFrontEnd, restorer: ILayoutRestorer | null): KamldPanel => {
    const panel = new KamldPanel(app.commands);
    panel.title.icon = kamldIcon;
    panel.title.caption = 'KAML-D';
    app.shell.add(panel, 'left', { rank: 600 });
    restorer?.add(panel, 'kamld-panel');
    app.commands.addCommand('kamld:open-panel', {
      label: 'Open the KAML-D panel',
      execute: () => app.shell.activateById(panel.id)
    });
    return panel;
  }
};

const fileBrowserPlugin: JupyterFrontEndPlugin<void> = {
  id: `${ID}:file-browser`,
  description: 'Push a folder to KAML-D, or pull a version into one, from the file browser.',
  autoStart: true,
  requires: [IFileBrowserFactory, IKamldPanel],
  activate: (app: JupyterFrontEnd, factory: IFileBrowserFactory, panel: KamldPanel): void => {
    const selectedFolder = (): string | null => {
      const browser = factory.tracker.currentWidget;
      if (!browser) {
        return null;
      }
      const onItem = app.contextMenuHitTest(node => node.classList.contains('jp-DirListing-item'));
      const item = onItem ? browser.selectedItems().next() : undefined;
      if (item && !item.done && item.value.type === 'directory') {
        return item.value.path;
      }
      return browser.model.path;
    };
    const after = () => {
      panel.refresh();
      void factory.tracker.currentWidget?.model.refresh();
    };
    app.commands.addCommand(PUSH_FOLDER, {
      label: 'Push this folder to KAML-D…',
      icon: kamldIcon,
      execute: async args => {
        const path = (args.path as string | undefined) ?? selectedFolder();
        if (path !== null && (await pushFolder(path))) {
          after();
        }
      }
    });
    app.commands.addCommand(PULL_HERE, {
      label: 'Pull a version here…',
      icon: kamldIcon,
      execute: async args => {
        const path = (args.path as string | undefined) ?? selectedFolder();
        if (path !== null && (await pullHere(path))) {
          after();
        }
      }
    });
    app.contextMenu.addItem({ command: PUSH_FOLDER, selector: DIRECTORY_ITEM, rank: 60 });
    app.contextMenu.addItem({ command: PULL_HERE, selector: DIRECTORY_ITEM, rank: 61 });
  }
};

/** The code that opens `reference` with the SDK. */
export function openCode(reference: string): string {
  return `import kamld\n\nwith kamld.open(${JSON.stringify(reference)}) as f:\n    data = f.read()`;
}

const copyCodePlugin: JupyterFrontEndPlugin<void> = {
  id: `${ID}:copy-code`,
  description: 'Copy code to open a file of a version, inserted into the active notebook.',
  autoStart: true,
  optional: [INotebookTracker],
  activate: (app: JupyterFrontEnd, notebooks: INotebookTracker | null): void => {
    app.commands.addCommand(COPY_OPEN_CODE, {
      label: 'Copy code to open this file',
      execute: args => {
        let reference = args.reference as string | undefined;
        if (!reference) {
          const node = app.contextMenuHitTest(node => node.classList.contains('kamld-file'));
          reference = node?.dataset.reference;
        }
        if (!reference) {
          return;
        }
        const code = openCode(reference);
        Clipboard.copyToSystem(code);
        const notebook = notebooks?.currentWidget;
        if (!notebook) {
          Notification.info(`Copied code to open ${reference}`, { autoClose: 3000 });
          return;
        }
        const content = notebook.content;
        if (content.activeCell && content.activeCell.model.sharedModel.getSource().trim() !== '') {
          NotebookActions.insertBelow(content);
        }
        content.activeCell?.model.sharedModel.setSource(code);
        app.shell.activateById(notebook.id);
      }
    });
    app.contextMenu.addItem({ command: COPY_OPEN_CODE, selector: '.kamld-file', rank: 1 });
  }
};

export default [panelPlugin, fileBrowserPlugin, copyCodePlugin];
