import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

const plugin: JupyterFrontEndPlugin<void> = {
  id: '@kamld/jupyterlab-kamld:panel',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    console.log('kamld', app.name);
  }
};
export default plugin;
