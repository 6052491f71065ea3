import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../app/paths';

/** One instruction of a Dockerfile: its keyword (upper case) and its arguments, continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name: string | null;
  instructions: Instruction[];
}

/** The stages of the top-level Dockerfile, in order, as Docker reads them (comments and line continuations). */
export function dockerfileStages(text = fs.readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8')): Stage[] {
  const joined = text.split('\n').filter((line) => !/^\s*#/.test(line)).join('\n').replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const line of joined.split('\n')) {
    const match = /^([A-Za-z]+) (.+)$/.exec(line.trim());
    if (!match) continue;
    const instruction = { keyword: match[1].toUpperCase(), args: match[2].replace(/\s+/g, ' ') };
    if (instruction.keyword === 'FROM') {
      const [from, as, name] = instruction.args.split(' ');
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : null, instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`Dockerfile: ${instruction.keyword} before FROM`);
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

export const argsOf = (stage: Stage, keyword: string): string[] => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

/** The exec form of CMD or HEALTHCHECK's CMD: a JSON array of strings. */
export function execForm(args: string): string[] {
  const json = args.replace(/^(--\S+ )*CMD /, '');
  const parsed = JSON.parse(json) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) throw new Error(`not an exec form: ${args}`);
  return parsed as string[];
}

/** ENV lines (KEY=VALUE pairs) of a stage, as an environment. */
export function environment(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of argsOf(stage, 'ENV')) {
    for (const pair of args.split(' ')) {
      const [key, ...value] = pair.split('=');
      env[key] = value.join('=');
    }
  }
  return env;
}
