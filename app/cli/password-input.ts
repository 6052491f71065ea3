import { UserError } from '../errors';

/** Standard input with the terminal's calls; a pipe or file has no setRawMode. */
type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

const enter = new Set(['\r', '\n']);
const erase = new Set(['\u007f', '\b']);
const cancel = new Set(['\u0003', '\u0004']); // Ctrl-C, Ctrl-D

/**
 * Lines typed on a terminal in raw mode: the characters come here and the terminal never shows them.
 * Lines typed ahead (both answers pasted at once) wait for their question.
 */
function hiddenLines(input: Input, output: NodeJS.WritableStream) {
  const lines: (string | Error)[] = [];
  let typed = '';
  let waiting: (() => void) | undefined;
  const onData = (chunk: string) => {
    for (const character of chunk) {
      if (enter.has(character)) {
        lines.push(typed);
        typed = '';
      } else if (cancel.has(character)) lines.push(new UserError('cancelled; nothing changed'));
      else if (erase.has(character)) typed = [...typed].slice(0, -1).join('');
      else typed += character;
    }
    waiting?.();
  };
  input.on('data', onData);
  return {
    async ask(prompt: string): Promise<string> {
      output.write(prompt);
      while (lines.length === 0) await new Promise<void>((resolve) => { waiting = resolve; });
      output.write('\n');
      const line = lines.shift()!;
      if (line instanceof Error) throw line;
      return line;
    },
    close: () => input.removeListener('data', onData),
  };
}

async function firstLine(input: Input): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

/** A new password: on a terminal asked twice without echo; otherwise the first line of standard input (scripts, pipes). */
export async function readNewPassword(input: Input, output: NodeJS.WritableStream, username: string): Promise<string> {
  if (!input.isTTY || !input.setRawMode) return firstLine(input);
  // Raw for both questions, so nothing typed between them is echoed either.
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  const lines = hiddenLines(input, output);
  try {
    const password = await lines.ask(`New password for "${username}": `);
    if (await lines.ask('Type it again: ') !== password) throw new UserError('the two passwords differ; nothing changed');
    return password;
  } finally {
    lines.close();
    input.setRawMode(false);
    input.pause();
  }
}
