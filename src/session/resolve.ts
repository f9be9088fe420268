import { UserError } from '../cli/errors.js';
import { shortId } from './layout.js';

export interface Named {
  id: string;
  name: string | null | undefined;
}

const QUERY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Finds a session by full id, exact name, or unique id prefix, in that order. Pure. */
export function resolveSession<T extends Named>(query: string, sessions: readonly T[]): T {
  if (!QUERY.test(query) || query.length > 64) {
    throw new UserError(
      `invalid session id or name ${JSON.stringify(query.slice(0, 80))}: give an id, an id prefix or a name from \`claude-session list\``,
    );
  }
  const byId = sessions.find((session) => session.id === query);
  if (byId) return byId;
  const byName = sessions.find((session) => session.name === query);
  if (byName) return byName;
  const prefix = query.toLowerCase();
  const matches = /^[0-9a-f-]+$/.test(prefix)
    ? sessions.filter((session) => session.id.startsWith(prefix))
    : [];
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) {
    const shown = matches
      .slice(0, 5)
      .map((session) => (session.name ? `${shortId(session.id)} (${session.name})` : shortId(session.id)))
      .join(', ');
    throw new UserError(
      `"${query}" matches ${matches.length} sessions (${shown}${matches.length > 5 ? ', ...' : ''}): give more of the id or the name`,
    );
  }
  throw new UserError(`no session "${query}": see \`claude-session list\` for ids and names`);
}
