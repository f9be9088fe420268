import { existsSync } from 'node:fs';
import type { Services } from '../config/services.js';
import { answersJson, describeAnswers, isEmpty, noAnswers } from '../configdir/answers.js';
import { forgetAnswers, pendingAnswers } from '../configdir/answers-store.js';
import { printable, tildify } from '../core/format.js';
import { answersFile } from '../store/layout.js';

export interface AnswersOptions {
  forget: boolean;
  json: boolean;
}

/**
 * `claude-session answers [--forget]`: the answers given in sessions that new sessions are given too
 * (API keys approved or rejected, folders trusted, notices seen), or forgets them all.
 */
export async function answers(services: Services, options: AnswersOptions): Promise<number> {
  const { root, home } = services.settings();
  const file = answersFile(root);
  if (options.forget) {
    const forgotten = existsSync(root) ? forgetAnswers(root) : undefined;
    if (options.json) {
      services.out(
        `${JSON.stringify({ file, forgotten: answersJson(forgotten ?? noAnswers()) }, null, 2)}\n`,
      );
    } else if (!forgotten || isEmpty(forgotten)) {
      services.out('no answers were kept: nothing to forget\n');
    } else {
      services.out(`forgot (new sessions ask again; sessions that have them keep them):\n`);
      for (const line of describeAnswers(forgotten)) services.out(`  ${printable(line)}\n`);
    }
    return 0;
  }
  const { answers: kept, problem } = pendingAnswers(root);
  if (options.json) {
    services.out(
      `${JSON.stringify({ file, problem: problem ?? null, answers: answersJson(kept) }, null, 2)}\n`,
    );
    return 0;
  }
  if (problem)
    services.err(`claude-session: ${printable(problem)}: ignored (rewritten when a session answers)\n`);
  if (isEmpty(kept)) {
    services.out(
      'no answers kept: what you answer in a session (API key, folder trust, notices) is kept here\n',
    );
    return 0;
  }
  services.out(`answers given in sessions, for every new session (${tildify(file, home)}):\n`);
  for (const line of describeAnswers(kept)) services.out(`  ${printable(line)}\n`);
  services.out('`claude-session answers --forget` forgets them\n');
  return 0;
}
