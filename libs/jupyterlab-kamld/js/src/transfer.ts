/**
 * "Push this folder to KAML-D…" and "Pull a version here…": a form, then a dialog that follows
 * the server's job (phase and bytes) until it shows the result or the problem.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { follow, formatBytes, Job, jobs, ProblemError, PullRequest, PushRequest } from './api';

const KINDS = ['dataset', 'model', 'code'];

function field(form: HTMLElement, label: string, input: HTMLElement): void {
  const row = document.createElement('label');
  row.className = 'kamld-field';
  const text = document.createElement('span');
  text.textContent = label;
  row.append(text, input);
  form.appendChild(row);
}

function textInput(name: string, value = '', placeholder = ''): HTMLInputElement {
  const input = document.createElement('input');
  input.className = 'jp-mod-styled';
  input.name = name;
  input.value = value;
  input.placeholder = placeholder;
  return input;
}

/** The push form; `getValue()` reads it as the server's push request. */
class PushForm extends Widget {
  private readonly inputs: Record<string, HTMLInputElement | HTMLSelectElement> = {};

  constructor(private readonly path: string) {
    super();
    this.addClass('kamld-form');
    const base = path.split('/').filter(Boolean).pop() ?? '';
    const name = base.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '');
    this.inputs.name = textInput('name', name, 'artifact name');
    this.inputs.message = textInput('message', '', 'what changed');
    const kind = document.createElement('select');
    kind.className = 'jp-mod-styled';
    kind.name = 'kind';
    for (const value of KINDS) {
      kind.appendChild(new Option(value, value));
    }
    this.inputs.kind = kind;
    this.inputs.inputs = textInput('inputs', '', 'faces:v3 trained_on, other:v1');
    field(this.node, 'Name', this.inputs.name);
    field(this.node, 'Message', this.inputs.message);
    field(this.node, 'Kind', this.inputs.kind);
    field(this.node, 'Inputs (ref [role], comma separated)', this.inputs.inputs);
  }

  getValue(): PushRequest {
    const inputs = this.inputs.inputs.value
      .split(',')
      .map(item => item.trim())
      .filter(Boolean)
      .map(item => {
        const [ref, role] = item.split(/\s+/);
        return { ref, role: role ?? 'input' };
      });
    return {
      path: this.path,
      name: this.inputs.name.value.trim(),
      message: this.inputs.message.value,
      kind: this.inputs.kind.value,
      inputs
    };
  }
}

/** The pull form; `getValue()` reads it as the server's pull request. */
class PullForm extends Widget {
  private readonly ref = textInput('ref', '', 'faces:v3');
  private readonly force = document.createElement('input');

  constructor(private readonly path: string) {
    super();
    this.addClass('kamld-form');
    field(this.node, 'Version (NAME:REF)', this.ref);
    this.force.type = 'checkbox';
    this.force.name = 'force';
    field(this.node, 'Overwrite local changes', this.force);
  }

  getValue(): PullRequest {
    return { path: this.path, ref: this.ref.value.trim(), force: this.force.checked };
  }
}

/** What a job dialog shows: progress while it runs, then the result or the problem. */
class JobView extends Widget {
  private readonly status = document.createElement('div');
  private readonly bar = document.createElement('progress');

  constructor(title: string) {
    super();
    this.addClass('kamld-job');
    this.node.dataset.state = 'running';
    this.status.className = 'kamld-job-status';
    this.status.textContent = title;
    this.bar.max = 1;
    this.node.append(this.status, this.bar);
  }

  report(job: Job): void {
    this.node.dataset.state = job.state;
    if (job.state === 'running') {
      const { phase, done, total } = job.progress;
      this.bar.value = total > 0 ? done / total : 0;
      this.status.textContent = `${phase}: ${formatBytes(done)} of ${formatBytes(total)}`;
    } else if (job.state === 'succeeded') {
      this.bar.value = 1;
      this.status.textContent = describe(job);
    } else {
      this.bar.remove();
      this.status.textContent = `Failed: ${job.problem?.detail ?? 'unknown error'}`;
    }
  }

  fail(error: unknown): void {
    this.node.dataset.state = 'failed';
    this.bar.remove();
    this.status.textContent = `Failed: ${error instanceof ProblemError ? error.message : String(error)}`;
  }
}

function describe(job: Job): string {
  const result = job.result ?? {};
  if (job.action === 'push') {
    if (result.unchanged) {
      return `Unchanged: ${result.ref} already holds this folder.`;
    }
    return `Pushed ${result.ref}: ${result.file_count} files, ${formatBytes(result.bytes_sent ?? 0)} sent.`;
  }
  return (
    `Pulled ${result.version?.ref} into ${result.directory || 'the root'}: ${result.files_written} files written, ` +
    `${result.files_unchanged} unchanged, ${formatBytes(result.bytes_downloaded ?? 0)} downloaded.`
  );
}

async function run(title: string, start: () => Promise<Job>): Promise<Job | null> {
  const view = new JobView(title);
  const dialog = new Dialog({ title, body: view, buttons: [Dialog.okButton({ label: 'Close' })] });
  void dialog.launch();
  try {
    const job = await follow(await start(), update => view.report(update));
    return job.state === 'succeeded' ? job : null;
  } catch (error) {
    view.fail(error);
    return null;
  }
}

/** Ask what to push from `path` (relative to the Jupyter root), push it, show how it went. */
export async function pushFolder(path: string): Promise<Job | null> {
  const form = await showDialog({
    title: `Push ${path || 'the root folder'} to KAML-D`,
    body: new PushForm(path),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Push' })]
  });
  if (!form.button.accept || !form.value) {
    return null;
  }
  const request = form.value;
  return run(`Pushing ${request.name}`, () => jobs.push(request));
}

/** Ask which version to pull into `path`, pull it, show how it went. */
export async function pullHere(path: string): Promise<Job | null> {
  const form = await showDialog({
    title: `Pull a version into ${path || 'the root folder'}`,
    body: new PullForm(path),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Pull' })]
  });
  if (!form.button.accept || !form.value) {
    return null;
  }
  const request = form.value;
  return run(`Pulling ${request.ref}`, () => jobs.pull(request));
}
